"""A checked Label Studio SDK client, and the project look-ups every command shares.

Every SDK failure a user can hit (server down, wrong token, 5xx, timeout) becomes a
`LabelStudioError` naming the URL and what to do, never a traceback, never the token.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator

import httpx
from label_studio_sdk import LabelStudio
from label_studio_sdk.core.api_error import ApiError
from label_studio_sdk.core.request_options import RequestOptions
from label_studio_sdk.types import AllRolesProjectList

from newsclaims.annotation.settings import ENV_FILE, LabelStudioSettings, load_settings
from newsclaims.errors import NewsclaimsError

NO_RETRY: RequestOptions = {"max_retries": 0}  # for POSTs that must not be replayed (they would duplicate)


class LabelStudioError(NewsclaimsError):
    """Label Studio is unreachable, rejected the token, or answered with an error."""


def _body_summary(body: object, limit: int = 300) -> str:
    text = str(body) if body is not None else ""
    return text if len(text) <= limit else text[:limit] + "..."


@contextlib.contextmanager
def translated_errors(url: str, doing: str = "talking to Label Studio") -> Iterator[None]:
    """Turn SDK / HTTP failures inside the block into `LabelStudioError`s with a useful message."""
    try:
        yield
    except ApiError as e:
        status = e.status_code
        if status in (401, 403):
            raise LabelStudioError(
                f"Label Studio at {url} rejected the API token (HTTP {status}) while {doing}: check "
                f"LABEL_STUDIO_API_KEY in the environment or {ENV_FILE} (the server started by "
                "`make labelstudio` writes a matching one)"
            ) from None
        if status is not None and status >= 500:
            raise LabelStudioError(
                f"Label Studio at {url} failed with HTTP {status} while {doing}; see the server log "
                "(.labelstudio/label-studio.log for `make labelstudio`) and retry"
            ) from None
        raise LabelStudioError(
            f"Label Studio at {url} answered HTTP {status} while {doing}: {_body_summary(e.body)}"
        ) from None
    except httpx.TimeoutException:
        raise LabelStudioError(
            f"Label Studio at {url} did not answer in time while {doing}; is it overloaded or still "
            "starting? Retry, check `newsclaims annotate server status`, or allow more seconds with "
            "LABEL_STUDIO_TIMEOUT"
        ) from None
    except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as e:
        # It was reachable and dropped the connection mid-request: "start the server" would mislead.
        raise LabelStudioError(
            f"Label Studio at {url} dropped the connection while {doing} ({type(e).__name__}); check that it "
            "is still running (`newsclaims annotate server status`) and re-run the command: re-running never "
            "duplicates tasks or snapshots"
        ) from None
    except httpx.TransportError as e:
        raise LabelStudioError(
            f"cannot reach Label Studio at {url} while {doing} ({type(e).__name__}: {e}); "
            "start it with `make labelstudio` or set LABEL_STUDIO_URL"
        ) from None


def make_client(settings: LabelStudioSettings, timeout: float | None = None) -> LabelStudio:
    # api_key is passed explicitly: the SDK's default reads the environment at import time.
    # Every request has a timeout (LABEL_STUDIO_TIMEOUT, default 60 s): a hung server is an error, not a hang.
    return LabelStudio(base_url=settings.url, api_key=settings.api_key, timeout=timeout or settings.timeout)


def connect(settings: LabelStudioSettings | None = None, timeout: float | None = None) -> LabelStudio:
    """A client whose server answered and accepted the token (checked up front)."""
    settings = settings or load_settings()
    client = make_client(settings, timeout)
    with translated_errors(settings.url, "checking the server and token"):
        client.users.whoami(request_options={"max_retries": 1})
    return client


def client_url(client: LabelStudio) -> str:
    return str(client._client_wrapper.get_base_url())


def find_project(client: LabelStudio, title: str):
    """The project with exactly this title, or None. Several with the same title is an error."""
    with translated_errors(client_url(client), f"looking up project {title!r}"):
        # The SDK's pager is typed with an unbound item type: name the one it yields.
        projects: Iterable[AllRolesProjectList] = client.projects.list(title=title)
        matches = [p for p in projects if p.title == title]
    if len(matches) > 1:
        ids = ", ".join(str(p.id) for p in matches)
        raise LabelStudioError(f"several Label Studio projects are titled {title!r} (ids {ids}); rename all but one")
    return matches[0] if matches else None


def get_or_create_project(client: LabelStudio, title: str, label_config: str):
    """Find the project by title or create it; make sure its label config is `label_config`.

    Returns (project, created).
    """
    project = find_project(client, title)
    url = client_url(client)
    if project is None:
        with translated_errors(url, f"creating project {title!r}"):
            client.projects.create(title=title, label_config=label_config, request_options=NO_RETRY)
        # Re-read by title: if the create was answered but the answer lost, we still find one.
        project = find_project(client, title)
        if project is None:
            raise LabelStudioError(f"Label Studio at {url} did not keep the new project {title!r}")
        return project, True
    if (project.label_config or "").strip() != label_config.strip():
        with translated_errors(url, f"updating the label config of project {title!r}"):
            project = client.projects.update(id=project.id, label_config=label_config)
    return project, False
