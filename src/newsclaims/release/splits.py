"""Deterministic, story-grouped train/validation/test splits.

Reports of one story must not straddle splits, or a model is tested on text it has nearly
seen. A story group is a connected component over three links:
- the corpus's `near_duplicates` (MinHash);
- same day and same dateline: two outlets covering one press conference rarely share enough
  words to be near duplicates, but they share the day and the place;
- same dateline, a named person (a gold PERSON span of two or more words) in common, and no
  conflicting date: one report may carry no date at all (the second seed article has none).
Over-grouping only costs split balance; under-grouping leaks a story into the test set, so the
links err on the side of joining. A group goes to a split by hashing its key (its smallest
document id) with a seed, so a story's split does not depend on the rest of the corpus and
stays put as the corpus grows (except that train is never left empty, see `assign_splits`).
"""

from __future__ import annotations

import hashlib
import itertools
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from newsclaims.corpus.document import Document
from newsclaims.errors import NewsclaimsError

SPLIT_NAMES = ("train", "validation", "test")
DEFAULT_RATIOS = (0.8, 0.1, 0.1)
DEFAULT_SEED = "newsclaims"


class SplitSpecError(NewsclaimsError):
    pass


@dataclass(frozen=True)
class SplitAssignment:
    doc_id: str
    group: str  # the group key: smallest document id in the story group
    split: str


def parse_ratios(spec: str) -> tuple[float, float, float]:
    """'0.8,0.1,0.1' -> (0.8, 0.1, 0.1): three non-negative numbers summing to 1."""
    try:
        ratios = tuple(float(x) for x in spec.split(","))
    except ValueError:
        raise SplitSpecError(f"--splits {spec!r}: expected three numbers like 0.8,0.1,0.1") from None
    if len(ratios) != 3 or any(r < 0 for r in ratios) or abs(sum(ratios) - 1) > 1e-9:
        raise SplitSpecError(f"--splits {spec!r}: need three non-negative ratios (train,validation,test) summing to 1")
    return ratios


def _place(d: Document) -> str | None:
    return d.dateline.strip().casefold() if d.dateline and d.dateline.strip() else None


def story_groups(documents: Iterable[Document], people: Mapping[str, Iterable[str]] | None = None) -> dict[str, str]:
    """doc_id -> group key. `people`: doc_id -> names of people the document's gold spans mention."""
    docs = list(documents)
    ids = {d.id for d in docs}
    parent = {d.id: d.id for d in docs}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)  # the smallest id is the root: a stable key

    same_event: dict[tuple[str, str], list[str]] = defaultdict(list)
    for d in docs:
        for nd in d.near_duplicates:
            if nd.id in ids:
                union(d.id, nd.id)
        place = _place(d)
        if d.date and place:
            same_event[(d.date[:10], place)].append(d.id)
    for members in same_event.values():
        for other in members[1:]:
            union(members[0], other)
    same_person: dict[tuple[str, str], list[Document]] = defaultdict(list)
    for d in docs:
        place = _place(d)
        for name in {_name_key(n) for n in (people or {}).get(d.id, ())}:
            if place and len(name.split()) >= 2:
                same_person[(place, name)].append(d)
    for people_docs in same_person.values():
        for x, y in itertools.combinations(people_docs, 2):
            if not (x.date and y.date) or x.date[:10] == y.date[:10]:
                union(x.id, y.id)
    return {d.id: find(d.id) for d in docs}


def _name_key(name: str) -> str:
    return " ".join(name.replace(".", " ").split()).casefold()


def _unit_interval(key: str, seed: str) -> float:
    digest = hashlib.sha256(f"{seed}\0{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def _split_for(u: float, ratios: tuple[float, float, float]) -> str:
    cumulative = 0.0
    for name, ratio in zip(SPLIT_NAMES, ratios):
        cumulative += ratio
        if u < cumulative:
            return name
    return SPLIT_NAMES[-1]


def assign_splits(
    documents: Iterable[Document],
    ratios: tuple[float, float, float] = DEFAULT_RATIOS,
    seed: str = DEFAULT_SEED,
    people: Mapping[str, Iterable[str]] | None = None,
) -> list[SplitAssignment]:
    groups = story_groups(documents, people)
    position = {g: _unit_interval(g, seed) for g in set(groups.values())}
    split_of = {g: _split_for(u, ratios) for g, u in position.items()}
    # With a handful of groups, hashing can leave train empty (the two seed articles are one story).
    # A dataset without train is useless, so then the group hashed lowest goes to train; with more
    # groups this never triggers and every story keeps its hashed split.
    if ratios[0] > 0 and position and SPLIT_NAMES[0] not in split_of.values():
        split_of[min(position, key=lambda g: (position[g], g))] = SPLIT_NAMES[0]
    return [SplitAssignment(doc_id, group, split_of[group]) for doc_id, group in sorted(groups.items())]
