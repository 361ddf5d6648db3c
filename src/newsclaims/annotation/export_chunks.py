"""A project's export in chunks of task ids, resumable after an interruption.

Label Studio Community builds a snapshot export inside the request that creates it (no job
queue without Redis), so one export of a large project can outlast any request timeout
(label-studio #5811, #8353). Here the project's lowest and highest task ids are read (two
one-row requests: listing every id costs 2 ms per task), the span between them is cut into
ranges `chunk_size` ids wide (so no chunk holds more than `chunk_size` tasks), and each range is
exported on its own through a Data Manager view filtering `tasks:id` to it. The ranges are
disjoint and cover the span, so the chunks together hold each task exactly once, as the single
export does (tasks created after the start have higher ids and wait for the next pull).

Each downloaded chunk is written atomically to a resume directory (git-ignored, mode 0700: it
holds the raw export, with annotator emails). A re-run reuses the chunks only when the server
confirms nothing changed since they were taken: the same task count, lowest and highest id,
and the same newest task `updated_at` (Label Studio stamps a task on every annotation saved or deleted on it).
Otherwise the chunks are dropped and the export starts over.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import orjson
from label_studio_sdk import LabelStudio

from newsclaims.annotation.client import NO_RETRY, LabelStudioError, client_url, translated_errors
from newsclaims.annotation.push_ledger import newest_update
from newsclaims.annotation.server_state import PULL_CHUNK_TASKS
from newsclaims.errors import NewsclaimsError
from newsclaims.fsutil import atomic_write_bytes, atomic_write_text

EXPORT_TIMEOUT = 600.0  # seconds to wait for the server to build one export
DEFAULT_CHUNK_TASKS = PULL_CHUNK_TASKS
ID_PAGE_SIZE = 5000
STATE_FILE = "state.json"


class ExportError(NewsclaimsError):
    pass


@dataclass(frozen=True)
class ChunkEvent:
    """What `on_chunk` is told after each chunk: its index, the total, and whether it was reused."""

    index: int
    total: int
    tasks: int
    reused: bool


@dataclass(frozen=True)
class ResumeState:
    project_id: int
    chunk_size: int
    tasks: int
    first_id: int
    last_id: int
    newest_update: str | None

    @classmethod
    def read(cls, path: Path) -> ResumeState | None:
        try:
            return cls(**json.loads(path.read_text()))
        except (OSError, ValueError, TypeError):
            return None


def export_json(
    client: LabelStudio, project_id: int, *, view_id: int | None = None, timeout: float = EXPORT_TIMEOUT
) -> bytes:
    """One snapshot export (of the whole project, or of a view's tasks): create, poll, download, delete."""
    url = client_url(client)
    # The server refuses a null filter: the whole project's export sends none.
    filters: dict[str, Any] = {"task_filter_options": {"view": view_id}} if view_id is not None else {}
    with translated_errors(url, "creating an export"):
        export = client.projects.exports.create(
            id=project_id,
            title=f"newsclaims pull {time.strftime('%Y-%m-%dT%H:%M:%S')}",
            # Never replayed (it would only leave a second export behind). The server builds the
            # export inside this request: a 5k-task chunk takes 25-55 s on a busy 2-core machine, so
            # this one request may take up to the export timeout rather than the client's 60 s.
            request_options={**NO_RETRY, "timeout": timeout},
            **filters,
        )
    if export.id is None:  # the export could be neither polled, downloaded nor deleted
        raise LabelStudioError(f"Label Studio at {url} answered the export request without an export id")
    try:
        deadline = time.monotonic() + timeout
        status = export.status
        while status != "completed":
            if status == "failed":
                raise ExportError(
                    f"Label Studio failed to build export {export.id} of project {project_id}; see its log"
                )
            if time.monotonic() > deadline:
                raise ExportError(f"export {export.id} of project {project_id} not ready after {timeout:.0f} s")
            time.sleep(0.5)
            with translated_errors(url, "waiting for the export"):
                status = client.projects.exports.get(id=project_id, export_pk=export.id).status
        with translated_errors(url, "downloading the export"):
            return b"".join(client.projects.exports.download(id=project_id, export_pk=export.id, export_type="JSON"))
    finally:
        try:
            client.projects.exports.delete(id=project_id, export_pk=export.id)
        except Exception:  # noqa: BLE001 - cleanup only; the export itself succeeded or already failed
            pass


def _edge_id(client: LabelStudio, project_id: int, ordering: str) -> int | None:
    rows: Any = client.tasks.list(
        project=project_id, include="id", page_size=1, query=json.dumps({"ordering": [ordering]})
    )
    first = next(iter(rows.items or []), None)
    return first.id if first is not None else None


def id_span(client: LabelStudio, project_id: int) -> tuple[int, int] | None:
    """The project's lowest and highest task id (None: no task), in two one-row requests."""
    with translated_errors(client_url(client), "reading the task id range"):
        lo, hi = _edge_id(client, project_id, "tasks:id"), _edge_id(client, project_id, "-tasks:id")
    return (lo, hi) if lo is not None and hi is not None else None


def task_ids(client: LabelStudio, project_id: int) -> list[int]:
    """Every task id of the project, ascending (the id column only; slow on large projects)."""
    with translated_errors(client_url(client), "listing task ids"):
        rows: Any = client.tasks.list(project=project_id, include="id", page_size=ID_PAGE_SIZE)
        return sorted(t.id for t in rows)


def id_ranges(first: int, last: int, chunk_size: int) -> list[tuple[int, int]]:
    """Inclusive (first, last) ranges of at most `chunk_size` ids covering first..last."""
    return [(lo, min(lo + chunk_size - 1, last)) for lo in range(first, last + 1, chunk_size)]


def _range_view(client: LabelStudio, project_id: int, first: int, last: int) -> int:
    data = {
        "title": f"newsclaims pull tasks {first}-{last}",
        "filters": {
            "conjunction": "and",
            "items": [
                {"filter": "filter:tasks:id", "operator": "in", "type": "Number", "value": {"min": first, "max": last}}
            ],
        },
    }
    with translated_errors(client_url(client), "creating a task-range view"):
        view = client.views.create(project=project_id, data=data, request_options=NO_RETRY)
    if view.id is None:
        raise LabelStudioError(f"Label Studio at {client_url(client)} created a view without an id")
    return view.id


def export_range(client: LabelStudio, project_id: int, first: int, last: int, timeout: float) -> bytes:
    """The snapshot export of the tasks with first <= id <= last."""
    view_id = _range_view(client, project_id, first, last)
    try:
        return export_json(client, project_id, view_id=view_id, timeout=timeout)
    finally:
        try:
            client.views.delete(id=str(view_id))
        except Exception:  # noqa: BLE001 - cleanup only
            pass


def _parse(data: bytes, what: str) -> list[dict[str, Any]]:
    try:
        tasks = orjson.loads(data)
    except orjson.JSONDecodeError as e:
        raise ExportError(f"{what} is not JSON ({e})") from None
    if not isinstance(tasks, list):
        raise ExportError(f"{what} is not a list of tasks")
    return tasks


def export_tasks(
    client: LabelStudio,
    project_id: int,
    *,
    chunk_size: int = DEFAULT_CHUNK_TASKS,
    resume_dir: Path | None = None,
    on_chunk: Callable[[ChunkEvent], None] | None = None,
    timeout: float = EXPORT_TIMEOUT,
) -> list[dict[str, Any]]:
    """The project's tasks as its JSON export has them, in chunks of `chunk_size` task ids.

    A project of at most `chunk_size` tasks is exported at once. `resume_dir`: where the chunks
    of this project are kept until `forget_chunks` (None: in memory only, nothing resumable).
    """
    if chunk_size < 1:
        raise ExportError(f"the chunk size must be at least 1 task, got {chunk_size}")
    url = client_url(client)
    with translated_errors(url, "counting the project's tasks"):
        count = client.projects.get(id=project_id).task_number or 0
    span = id_span(client, project_id) if count > chunk_size else None
    if span is None:
        tasks = _parse(export_json(client, project_id, timeout=timeout), f"the export of project {project_id}")
        if on_chunk:
            on_chunk(ChunkEvent(0, 1, len(tasks), reused=False))
        return tasks
    with translated_errors(url, "reading the newest task update"):
        stamp = newest_update(client, project_id)
    state = ResumeState(project_id, chunk_size, count, span[0], span[1], stamp)
    folder = _prepare(resume_dir, project_id, state)
    ranges = id_ranges(span[0], span[1], chunk_size)
    out: list[dict[str, Any]] = []
    for index, (first, last) in enumerate(ranges):
        path = folder / f"chunk-{index:05d}.json" if folder else None
        reused = path is not None and path.is_file()
        data = (
            path.read_bytes() if path is not None and reused else export_range(client, project_id, first, last, timeout)
        )
        chunk = _parse(data, f"chunk {index} (tasks {first}-{last}) of project {project_id}")
        stray = [t.get("id") for t in chunk if not (isinstance(t.get("id"), int) and first <= t["id"] <= last)]
        if stray:
            raise ExportError(
                f"the export of tasks {first}-{last} of project {project_id} holds other tasks: {stray[:5]}"
            )
        if path is not None and not reused:
            atomic_write_bytes(path, data)
        out.extend(chunk)
        if on_chunk:
            on_chunk(ChunkEvent(index, len(ranges), len(chunk), reused))
    return out


def _prepare(resume_dir: Path | None, project_id: int, state: ResumeState) -> Path | None:
    """The project's chunk folder, emptied unless its chunks were taken in the same state."""
    if resume_dir is None:
        return None
    folder = Path(resume_dir) / f"project-{project_id}"
    if ResumeState.read(folder / STATE_FILE) != state:
        shutil.rmtree(folder, ignore_errors=True)
        Path(resume_dir).mkdir(parents=True, exist_ok=True, mode=0o700)
        folder.mkdir(mode=0o700)
        atomic_write_text(folder / STATE_FILE, json.dumps(asdict(state), sort_keys=True) + "\n")
    return folder


def forget_chunks(resume_dir: Path | None, project_id: int) -> None:
    """Drop the kept chunks of a project (after its snapshot was written)."""
    if resume_dir is not None:
        shutil.rmtree(Path(resume_dir) / f"project-{project_id}", ignore_errors=True)
