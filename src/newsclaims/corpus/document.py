"""The records that flow through the corpus pipeline and land in a version."""

from __future__ import annotations

import copy
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from newsclaims.corpus.reasons import RejectReason


@dataclass(frozen=True)
class Paragraph:
    """A block of the normalized text: text[start:end]. kind: paragraph | heading | list_item."""

    start: int
    end: int
    kind: str = "paragraph"


@dataclass(frozen=True)
class NearDuplicate:
    id: str
    similarity: float  # estimated Jaccard similarity of word shingles (MinHash)


@dataclass
class Document:
    """One article. `id` is stable across versions: derived from where it came from, not its text."""

    id: str
    text: str
    raw_path: str  # relative to the raw dir, POSIX separators
    raw_sha256: str
    text_sha256: str = ""
    title: str | None = None
    # Where the title came from: html (trafilatura) | h1 (the page's headline) | json_ld | open_graph
    # | meta | record | sidecar | first_heading | first_sentence (derived).
    title_source: str | None = None
    authors: list[str] = field(default_factory=list)  # bylines, in the order the page or text gives them
    # Where each field came from, like `title_source`: sidecar | record | html (trafilatura) |
    # meta | json_ld | open_graph (the page's own tags) | header (the text's dateline or byline)
    # | detected (language).
    authors_source: str | None = None
    source: str | None = None  # outlet / agency, e.g. "UrduPoint / Pakistan Point News"
    source_source: str | None = None
    date: str | None = None  # ISO 8601, only ever with its year
    # day | month | year for `date`; month-day when the text gives a day without a year: then
    # `date` is None and `date_partial` holds it as ISO 8601 "--MM-DD" (never a guessed year).
    date_precision: str | None = None
    date_partial: str | None = None
    date_source: str | None = None
    dateline: str | None = None  # e.g. "ISLAMABAD"
    language: str | None = None  # ISO 639-1
    language_source: str | None = None  # detected (lingua on the text), or where a given/declared one came from
    url: str | None = None
    license: str | None = None
    retrieved: str | None = None  # ISO 8601 date the raw file was fetched
    format: str = "txt"  # txt | html | jsonl
    encoding: str | None = None  # what the raw bytes were decoded as (Python codec name)
    # 1.0 when nothing else was plausible or the sidecar named it; for a checked single-byte
    # guess, the winner's margin over the runner-up (a close call is under 0.3).
    encoding_confidence: float | None = None
    paragraphs: list[Paragraph] = field(default_factory=list)
    near_duplicates: list[NearDuplicate] = field(default_factory=list)
    # What normalization took out of the text as metadata (e.g. the header line), so nothing is lost.
    removed: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """What `dataclasses.asdict` returns, built directly: asdict deep-copies field by field,
        and every document is turned into a dict twice per build (equivalence tested in
        tests/corpus/test_document.py)."""
        d = {name: getattr(self, name) for name in _PLAIN_FIELDS}
        d["authors"] = list(self.authors)
        d["paragraphs"] = [{"start": p.start, "end": p.end, "kind": p.kind} for p in self.paragraphs]
        d["near_duplicates"] = [{"id": n.id, "similarity": n.similarity} for n in self.near_duplicates]
        d["removed"] = {k: v if type(v) is str else copy.deepcopy(v) for k, v in self.removed.items()}
        return {name: d[name] for name in _FIELD_ORDER}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Document:
        d = dict(d)
        d["paragraphs"] = [Paragraph(**p) for p in d.get("paragraphs") or []]
        d["near_duplicates"] = [NearDuplicate(**n) for n in d.get("near_duplicates") or []]
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in d.items() if k in known})


_FIELD_ORDER = tuple(f.name for f in fields(Document))
_PLAIN_FIELDS = tuple(n for n in _FIELD_ORDER if n not in ("authors", "paragraphs", "near_duplicates", "removed"))


@dataclass(frozen=True)
class Reject:
    """A raw input that did not become a document, and why. Written to rejects.jsonl."""

    raw_path: str
    reason: RejectReason
    detail: str = ""
    raw_sha256: str | None = None
    duplicate_of: str | None = None  # document id, for reason == "duplicate"
    record: int | None = None  # line number inside a .jsonl input

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "reason": self.reason.value}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Reject:
        return cls(**{**d, "reason": RejectReason(d["reason"])})
