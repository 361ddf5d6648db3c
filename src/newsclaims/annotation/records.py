"""Annotation records: what `annotate pull` writes and `validate` / `release` read.

One AnnotationRecord per (document, annotator) annotation, in annotations.jsonl of a snapshot.
Offsets are Unicode code points into the corpus document text: text[start:end].

A claim's attributes are whatever the taxonomy defines (`ClaimRecord.attributes`). On disk they
sit next to the claim's own fields (`id`, `start`, `end`, `text`, then one key per attribute), as
snapshots have always stored them, so committed snapshots keep their bytes; the taxonomy
forbids an attribute named like one of those fields.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any


def _flat(record: Any) -> dict[str, Any]:
    return {name: getattr(record, name) for name in record.__dataclass_fields__}


@dataclass(frozen=True)
class SpanRecord:
    """An entity span."""

    id: str  # Label Studio region id, unique within the annotation
    start: int
    end: int
    label: str
    text: str


_CLAIM_FIELDS = ("id", "start", "end", "text")


@dataclass(frozen=True)
class ClaimRecord:
    """A claim span with its per-claim attributes: attribute name -> value, None where the
    annotator left it unset. The parser gives every taxonomy attribute a key, in taxonomy order."""

    id: str
    start: int
    end: int
    text: str
    attributes: dict[str, str | None] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The stored form: the attributes flat beside id/start/end/text."""
        return {"id": self.id, "start": self.start, "end": self.end, "text": self.text, **self.attributes}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ClaimRecord:
        """Every key besides the claim's own fields is an attribute (a snapshot pulled under an
        older taxonomy simply lacks the newer attributes: readers use `.get`)."""
        attributes = {k: v for k, v in d.items() if k not in _CLAIM_FIELDS}
        return cls(id=d["id"], start=d["start"], end=d["end"], text=d["text"], attributes=attributes)


@dataclass(frozen=True)
class SaidByLink:
    """said_by: the claim region `claim_id` was made by the entity region `speaker_id`."""

    claim_id: str
    speaker_id: str


@dataclass
class AnnotationRecord:
    doc_id: str
    annotator: str  # pseudonym, e.g. "annotator-1"; never an email
    task_id: int
    annotation_id: int
    corpus_version: str | None = None
    text_sha256: str | None = None  # of the text annotated, to detect drift
    ground_truth: bool = False
    entities: list[SpanRecord] = field(default_factory=list)
    claims: list[ClaimRecord] = field(default_factory=list)
    said_by: list[SaidByLink] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """What `dataclasses.asdict` gives, without its recursive deep copy (every field is a
        str/int/bool/None or a list of flat records); hand-rolled for speed (bench/NOTES.md),
        equivalence tested in tests/annotation/test_canonical_export.py."""
        d = {name: getattr(self, name) for name in self.__dataclass_fields__}
        d["entities"] = [_flat(r) for r in self.entities]
        d["claims"] = [c.to_dict() for c in self.claims]
        d["said_by"] = [_flat(r) for r in self.said_by]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> AnnotationRecord:
        d = dict(d)
        d["entities"] = [SpanRecord(**s) for s in d.get("entities") or []]
        d["claims"] = [ClaimRecord.from_dict(c) for c in d.get("claims") or []]
        d["said_by"] = [SaidByLink(**link) for link in d.get("said_by") or []]
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in d.items() if k in known})


def newest_by_document(records: Iterable[AnnotationRecord]) -> dict[str, dict[str, AnnotationRecord]]:
    """doc_id -> annotator -> that annotator's newest annotation of the document (highest id)."""
    out: dict[str, dict[str, AnnotationRecord]] = defaultdict(dict)
    for r in sorted(records, key=lambda r: (r.doc_id, r.annotator, r.annotation_id)):
        out[r.doc_id][r.annotator] = r
    return dict(out)
