"""The adjudicated (gold) records of a release, and what adjudication leaves for a human."""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from newsclaims.annotation.records import AnnotationRecord
from newsclaims.schemas.features import GOLD_SOURCES

GROUND_TRUTH, MAJORITY, SINGLE_ANNOTATOR = GOLD_SOURCES


@dataclass(frozen=True, order=True)
class GoldSpan:
    start: int
    end: int
    label: str
    text: str


@dataclass(frozen=True)
class GoldClaim:
    start: int
    end: int
    text: str
    attributes: dict[str, str | None]
    speaker: GoldSpan | None


@dataclass
class GoldDocument:
    doc_id: str
    method: str  # one of GOLD_SOURCES
    annotators: list[str]
    entities: list[GoldSpan] = field(default_factory=list)
    claims: list[GoldClaim] = field(default_factory=list)


@dataclass(frozen=True)
class ReviewItem:
    doc_id: str
    kind: str  # span | claim | claim_attribute | speaker
    start: int
    end: int
    label: str  # entity label, CLAIM, or the attribute name
    text: str
    votes: dict[str, list[str]]  # what was proposed -> who proposed it
    annotators: int  # how many annotated the document
    outcome: str

    def to_dict(self) -> dict:
        # What `asdict` gives, without its recursive deep copy (a release has many items).
        d = {f.name: getattr(self, f.name) for f in fields(self)}
        d["votes"] = {option: list(who) for option, who in self.votes.items()}
        return d


def span_order(span: GoldSpan) -> tuple[int, int, str, str]:
    """GoldSpan's own order as a plain tuple: a sort key compared in C, not field by field."""
    return (span.start, span.end, span.label, span.text)


def _majority(votes: dict[str, list[str]], voters: int) -> str | None:
    """The option more than half of `voters` chose, else None."""
    for option, who in votes.items():
        if 2 * len(who) > voters:
            return option
    return None


def speakers_of(a: AnnotationRecord) -> dict[str, GoldSpan]:
    """claim region id -> its speaker: the first (by offsets, label) entity it is said_by.
    One pass over the annotation's links, not one per claim."""
    spans = {s.id: s for s in a.entities}
    out: dict[str, GoldSpan] = {}
    for link in a.said_by:
        s = spans.get(link.speaker_id)
        if s is not None:
            target = GoldSpan(s.start, s.end, s.label, s.text)
            if link.claim_id not in out or target < out[link.claim_id]:
                out[link.claim_id] = target
    return out
