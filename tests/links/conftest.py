"""Hand-written claims for the link tests, and the real embedding model (loaded once per session)."""

from __future__ import annotations

import pytest

from newsclaims.links.claims import StoryClaims
from newsclaims.links.records import ClaimRef


def claim(doc_id: str, start: int, text: str, outlet: str | None = None) -> ClaimRef:
    return ClaimRef(doc_id, start, start + len(text), text, outlet=outlet, date="2025-09-23")


def story(group: str, *claims: ClaimRef) -> StoryClaims:
    return StoryClaims(group, tuple(sorted(claims, key=lambda c: (c.doc_id, c.start))))


@pytest.fixture(scope="session")
def encoder():
    """The real all-MiniLM-L6-v2 from its wheel (offline), as `links propose` uses it."""
    from newsclaims.links.embed import encode, model

    model()
    return encode
