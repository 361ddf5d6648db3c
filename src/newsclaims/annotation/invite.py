"""`newsclaims annotate invite`: the link annotators join the organization with.

The server `make labelstudio` starts refuses sign-up without this link
(LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK), so the link is the only way in. It carries the
organization's invite token, which is what it is for; the API token is never printed.
"""

from __future__ import annotations

from label_studio_sdk import LabelStudio

from newsclaims.annotation.client import client_url, translated_errors


def invite_link(client: LabelStudio) -> str:
    """The absolute sign-up URL of the organization's invite (Label Studio answers a path)."""
    url = client_url(client).rstrip("/")
    with translated_errors(url, "reading the organization's invite link"):
        path = client.organizations.invites.get_invite_link().invite_url or ""
    return path if path.startswith(("http://", "https://")) else f"{url}/{path.lstrip('/')}"
