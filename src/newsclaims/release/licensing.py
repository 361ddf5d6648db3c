"""Which documents' text a release may carry: only those whose licence allows redistribution.

A licence is read as an SPDX identifier (case-insensitive). Anything not listed here, including
no licence at all and `LicenseRef-*` terms, keeps its text out of the release: the row keeps
offsets, `text_sha256`, URL and outlet, and `newsclaims hydrate` puts the text back from the
user's own copy of the raw files.
"""

from __future__ import annotations

from collections.abc import Iterable

from newsclaims.corpus.document import Document

# Licences that allow anyone to copy and redistribute the text (attribution where required,
# which the release keeps: URL, outlet, licence per document).
REDISTRIBUTABLE = frozenset(
    s.casefold()
    for s in (
        "CC0-1.0",
        "CC-PDDC",
        "PDDL-1.0",
        "CC-BY-4.0",
        "CC-BY-3.0",
        "CC-BY-2.0",
        "CC-BY-SA-4.0",
        "CC-BY-SA-3.0",
        "ODC-By-1.0",
    )
)


def redistributable(license_id: str | None) -> bool:
    return bool(license_id) and license_id.strip().casefold() in REDISTRIBUTABLE  # type: ignore[union-attr]


def withheld_ids(documents: Iterable[Document]) -> set[str]:
    """Ids of the documents whose text stays out of the release."""
    return {d.id for d in documents if not redistributable(d.license)}


def strip_row(config: str, row: dict) -> dict:
    """The row without anything that reproduces the document's text: its `text`, span texts and
    tokens (offsets, labels and tags stay, so hydrating can restore every string)."""
    row = dict(row)
    if "text" in row:
        row["text"] = None
    if config == "entities":
        row["entities"] = [{**s, "text": None} for s in row["entities"]]
    elif config == "claims":
        row["claims"] = [
            {**c, "text": None, "speaker": {**c["speaker"], "text": None} if c.get("speaker") else None}
            for c in row["claims"]
        ]
    elif config == "ner":
        row["tokens"] = None
    elif config == "sentences":
        row["speakers"] = [{**p, "text": None} for p in row["speakers"]]
    return row
