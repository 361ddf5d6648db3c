"""Typed records that flow through `links propose` -> `links push` -> people -> `links pull` -> release.

A claim is named by its place in the corpus text (`ClaimRef.key`: doc id and code point offsets)
plus its text, so an answer given about a claim can be checked against the claims of a later
corpus or snapshot: one whose key or text is gone is reported, never applied.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from newsclaims.store import JsonRecord


@dataclass(frozen=True)
class ClaimRef:
    """One gold claim of a document, with what a pairwise task shows around it."""

    doc_id: str
    start: int
    end: int
    text: str
    outlet: str | None = None
    date: str | None = None
    before: str = ""  # the sentence before the claim's sentence(s), and the text up to the claim
    after: str = ""  # the rest of the claim's sentence and the sentence after
    entities: tuple[str, ...] = ()  # normalized names of the gold entity spans inside the claim

    @property
    def key(self) -> str:
        return claim_key(self.doc_id, self.start, self.end)


def claim_key(doc_id: str, start: int, end: int) -> str:
    return f"{doc_id}:{start}-{end}"


def pair_id(a: str, b: str) -> str:
    """The id of the unordered pair of claim keys `a`, `b` (also the task's key in Label Studio)."""
    lo, hi = sorted((a, b))
    return "pair-" + hashlib.sha256(f"{lo}\0{hi}".encode()).hexdigest()[:16]


@dataclass
class PairFeatures(JsonRecord):
    """What the score of a pair is made of (all in [0, 1] except `score`)."""

    cosine: float  # sentence-embedding cosine similarity
    numbers_shared: float  # figures counting the same thing with equal values, over the figures of both
    numbers_compatible: float  # same thing, one a bound or estimate of the other ("more than 6,000" / 6,060)
    numbers_conflict: float  # same thing, incompatible values
    dates: float  # Jaccard of the dates (years, months, days)
    entities: float  # Jaccard of the entity names inside the claims
    numbers_differ: bool  # the two state a figure of the same thing differently


@dataclass
class Proposal(JsonRecord):
    pair_id: str
    left: str  # claim key (the smaller of the two)
    right: str
    left_text: str
    right_text: str
    group: str  # story group key
    score: float
    features: PairFeatures
    left_numbers: list[str] = field(default_factory=list)
    right_numbers: list[str] = field(default_factory=list)

    RECORDS = {"features": PairFeatures}


@dataclass
class ProposalSet(JsonRecord):
    """The file `links propose` writes: every scored pair at or above `candidate_floor`."""

    corpus_version: str
    snapshot_id: str
    model: str
    weights: dict[str, float]
    threshold: float  # a pair at or above it is a proposed link
    candidate_floor: float  # pairs below it are not kept at all
    threshold_note: str  # how the threshold was chosen, with precision/recall on the seeds
    groups: int
    pairs_compared: int
    proposals: list[Proposal] = field(default_factory=list)

    RECORD_LISTS = {"proposals": Proposal}


@dataclass(frozen=True)
class LinkAnswer:
    """One person's answer on one pair, as pulled (pseudonymized)."""

    pair_id: str
    left: str
    right: str
    left_text: str
    right_text: str
    relation: str  # a choice name from schemas/links.yaml
    numbers_differ: bool
    annotator: str
    annotation_id: int
    task_id: int

    def to_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> LinkAnswer:
        return cls(**{k: d[k] for k in cls.__dataclass_fields__})
