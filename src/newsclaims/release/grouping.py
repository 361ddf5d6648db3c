"""Story groups: reports of one event, which must never straddle splits.

A group is a connected component over these links (the card prints `RULE`):
- the corpus's `near_duplicates` (MinHash);
- the same article date and the same dateline (two outlets at one press conference rarely share
  enough words to be near duplicates, but they share the day and the place);
- a named person in common (a gold PERSON span of two or more words) and article dates at most
  `WINDOW_DAYS` apart, whatever the datelines; when a report carries no date, the same dateline
  stands in for the date (the second seed article has none);
- extra "same story" evidence: pairs of document ids from elsewhere, e.g. claims linked across
  documents (`StoryEvidence.pairs`), so a linking stage can feed its clusters in.
Over-grouping only costs split balance; under-grouping leaks a story into the test set, so the
links err on the side of joining.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date as Date

from newsclaims.corpus.document import Document

WINDOW_DAYS = 3

RULE = (
    "Two documents are in one story group when they are near duplicates (MinHash, found by the "
    "corpus stage), or have the same article date and dateline, or name the same person (a gold "
    f"`PERSON` span of two or more words) with article dates at most {WINDOW_DAYS} days apart "
    "(whatever their datelines; an undated report needs the same dateline instead), or are given "
    "as one story by other evidence (claims that people confirmed as one claim in the pairwise linking "
    "project; model proposals do not count); groups are the connected "
    "components of these links."
)


@dataclass(frozen=True)
class StoryEvidence:
    """What links documents besides their own metadata."""

    people: Mapping[str, Iterable[str]] = field(default_factory=dict)  # doc id -> named people
    pairs: tuple[tuple[str, str], ...] = ()  # (doc id, doc id) known to report one story


def _place(d: Document) -> str | None:
    return d.dateline.strip().casefold() if d.dateline and d.dateline.strip() else None


def _day(d: Document) -> Date | None:
    try:
        return Date.fromisoformat(d.date[:10]) if d.date else None
    except ValueError:
        return None


def _name_key(name: str) -> str:
    return " ".join(name.replace(".", " ").split()).casefold()


def _close(x: Document, y: Document) -> bool:
    dx, dy = _day(x), _day(y)
    if dx and dy:
        return abs((dx - dy).days) <= WINDOW_DAYS
    return _place(x) is not None and _place(x) == _place(y)


def story_components(documents: Iterable[Document], evidence: StoryEvidence | None = None) -> list[list[str]]:
    """The story groups, each a sorted list of doc ids; groups sorted by their first id."""
    evidence = evidence or StoryEvidence()
    docs = sorted(documents, key=lambda d: d.id)
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
            parent[max(ra, rb)] = min(ra, rb)

    same_event: dict[tuple[str, str], list[str]] = defaultdict(list)
    by_person: dict[str, list[Document]] = defaultdict(list)
    for d in docs:
        for nd in d.near_duplicates:
            if nd.id in ids:
                union(d.id, nd.id)
        place = _place(d)
        if d.date and place:
            same_event[(d.date[:10], place)].append(d.id)
        for name in {_name_key(n) for n in evidence.people.get(d.id, ())}:
            if len(name.split()) >= 2:
                by_person[name].append(d)
    for members in same_event.values():
        for other in members[1:]:
            union(members[0], other)
    for people_docs in by_person.values():
        for x, y in itertools.combinations(people_docs, 2):
            if _close(x, y):
                union(x.id, y.id)
    for a, b in evidence.pairs:
        if a in ids and b in ids:
            union(a, b)
    components: dict[str, list[str]] = defaultdict(list)
    for d in docs:
        components[find(d.id)].append(d.id)
    return sorted(components.values())
