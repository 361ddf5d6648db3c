"""Train/validation/test splits by story group, recorded in each release and carried forward.

Every release writes `splits.json`: each story group's key, split and documents. A later release
reads the record of the releases before it: a document that was in a split stays there, and its
group keeps its key, whatever documents join it. Only groups with no recorded document are
assigned: ordered by size and a seeded hash, each goes to the split furthest below its share of
the new documents, so the ratios are met over the new groups as closely as their sizes allow.
Nothing moves a recorded group. When new evidence joins documents recorded in different splits,
they are kept apart (the link is listed as `held_apart`: earlier splits never move).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from newsclaims.corpus.document import Document
from newsclaims.errors import NewsclaimsError
from newsclaims.release.grouping import StoryEvidence, story_components
from newsclaims.store import JsonRecord

SPLIT_NAMES = ("train", "validation", "test")
DEFAULT_RATIOS = (0.8, 0.1, 0.1)
DEFAULT_SEED = "newsclaims"
SPLITS_FILE = "splits.json"


class SplitSpecError(NewsclaimsError):
    pass


@dataclass(frozen=True)
class SplitAssignment:
    doc_id: str
    group: str  # the story group's key (stable: recorded and carried forward)
    split: str


@dataclass
class GroupRecord(JsonRecord):
    key: str
    split: str
    documents: list[str]
    since: str  # the release that first assigned this group


@dataclass
class SplitRecord(JsonRecord):
    """`splits.json` of a release."""

    groups: list[GroupRecord]
    carried_from: list[str] = field(default_factory=list)  # earlier releases whose record was read
    held_apart: list[list[str]] = field(default_factory=list)  # linked group keys kept in their splits

    RECORD_LISTS = {"groups": GroupRecord}


@dataclass
class PriorSplits:
    """What earlier releases recorded: doc id -> (group key or None for a pre-record release, split)."""

    split_of: dict[str, str] = field(default_factory=dict)
    key_of: dict[str, str] = field(default_factory=dict)
    since_of: dict[str, str] = field(default_factory=dict)  # group key -> release that assigned it
    releases: list[str] = field(default_factory=list)

    def add_record(self, version: str, record: SplitRecord) -> None:
        for g in record.groups:
            self.since_of.setdefault(g.key, g.since)
            for d in g.documents:
                self.split_of[d], self.key_of[d] = g.split, g.key
        self.releases.append(version)

    def add_legacy(self, version: str, split_assignment: dict[str, list[str]]) -> None:
        """A release from before `splits.json`: its manifest's split -> doc ids (no group keys)."""
        for split, ids in split_assignment.items():
            for d in ids:
                self.split_of[d] = split
                self.since_of.setdefault(f"legacy:{d}", version)
        self.releases.append(version)


def parse_ratios(spec: str) -> tuple[float, float, float]:
    """'0.8,0.1,0.1' -> (0.8, 0.1, 0.1): three non-negative numbers summing to 1."""
    try:
        ratios = tuple(float(x) for x in spec.split(","))
    except ValueError:
        raise SplitSpecError(f"--splits {spec!r}: expected three numbers like 0.8,0.1,0.1") from None
    if len(ratios) != 3 or any(r < 0 for r in ratios) or abs(sum(ratios) - 1) > 1e-9:
        raise SplitSpecError(f"--splits {spec!r}: need three non-negative ratios (train,validation,test) summing to 1")
    return ratios


def _hash(key: str, seed: str) -> bytes:
    return hashlib.sha256(f"{seed}\0{key}".encode()).digest()


def new_key(members: Iterable[str]) -> str:
    """The key a new group gets (from its smallest id now); recorded, it never changes again."""
    return "story-" + hashlib.sha256(min(members).encode()).hexdigest()[:16]


def _assign_new(groups: list[list[str]], ratios: tuple[float, float, float], seed: str) -> list[str]:
    total = sum(len(g) for g in groups)
    target = {s: r * total for s, r in zip(SPLIT_NAMES, ratios)}
    got = dict.fromkeys(SPLIT_NAMES, 0)
    order = sorted(range(len(groups)), key=lambda i: (-len(groups[i]), _hash(new_key(groups[i]), seed)))
    out = [""] * len(groups)
    for i in order:
        # furthest below its share; ties by seeded hash of the group and the split, not by position
        key = new_key(groups[i])
        best = max(SPLIT_NAMES, key=lambda s: (target[s] - got[s], ratios[SPLIT_NAMES.index(s)], _hash(key + s, seed)))
        out[i] = best
        got[best] += len(groups[i])
    return out


def assign_splits(
    documents: Iterable[Document],
    version: str,
    ratios: tuple[float, float, float] = DEFAULT_RATIOS,
    seed: str = DEFAULT_SEED,
    evidence: StoryEvidence | None = None,
    prior: PriorSplits | None = None,
) -> tuple[list[SplitAssignment], SplitRecord]:
    prior = prior or PriorSplits()
    groups: list[tuple[list[str], str | None]] = []  # members, recorded split (None: new)
    held_apart: list[list[str]] = []
    for component in story_components(documents, evidence):
        recorded = defaultdict(list)
        for d in component:
            if d in prior.split_of:
                recorded[prior.split_of[d]].append(d)
        if not recorded:
            groups.append((component, None))
            continue
        # New members join the recorded part in the first split (by split order) of the component.
        parts = {s: list(ids) for s, ids in recorded.items()}
        first = min(parts, key=SPLIT_NAMES.index)
        parts[first].extend(d for d in component if d not in prior.split_of)
        for split, ids in sorted(parts.items(), key=lambda kv: SPLIT_NAMES.index(kv[0])):
            groups.append((sorted(ids), split))
        if len(parts) > 1:
            held_apart.append(sorted(_key(sorted(ids), prior) for ids in parts.values()))
    fresh = [g for g, s in groups if s is None]
    fresh_splits = iter(_assign_new(fresh, ratios, seed))
    records = []
    for members, recorded_split in groups:
        key = _key(members, prior)
        since = next((prior.since_of[k] for k in _prior_keys(members, prior) if k in prior.since_of), version)
        records.append(GroupRecord(key=key, split=recorded_split or next(fresh_splits), documents=members, since=since))
    records.sort(key=lambda g: g.key)
    assignments = sorted(
        (SplitAssignment(d, g.key, g.split) for g in records for d in g.documents), key=lambda a: a.doc_id
    )
    return assignments, SplitRecord(groups=records, carried_from=list(prior.releases), held_apart=sorted(held_apart))


def _prior_keys(members: list[str], prior: PriorSplits) -> list[str]:
    return sorted({prior.key_of.get(d, f"legacy:{d}") for d in members if d in prior.split_of})


def _key(members: list[str], prior: PriorSplits) -> str:
    """A recorded key of the group's members (the smallest, when groups merged); else a new one."""
    keys = sorted({prior.key_of[d] for d in members if d in prior.key_of})
    if keys:
        return keys[0]
    legacy = [d for d in members if d in prior.split_of]  # recorded before keys: key from those only
    return new_key(legacy or members)
