"""The claims to link: the release's gold claims of every document, grouped by the release's story groups.

Gold (adjudicated) claims are what the release publishes, so they are what clusters are made of.
Story groups come from `release.splits.story_groups`, the grouping that keeps reports of one
event in one split: two claims are only ever compared within one group.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from newsclaims.annotation.records import AnnotationRecord
from newsclaims.corpus.document import Document
from newsclaims.links.records import ClaimRef
from newsclaims.schemas.taxonomy import Taxonomy

_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”’)]*\s+|\n+")


@dataclass(frozen=True)
class StoryClaims:
    group: str  # the story group key (its smallest document id)
    claims: tuple[ClaimRef, ...]  # sorted by key

    @property
    def documents(self) -> set[str]:
        return {c.doc_id for c in self.claims}


def _sentence_bounds(text: str) -> list[int]:
    """Offsets where sentences start (0 first), by punctuation and line breaks."""
    return [0, *(m.end() for m in _SENTENCE_END.finditer(text))]


def context(text: str, start: int, end: int, bounds: list[int] | None = None) -> tuple[str, str]:
    """(text before the claim back to the start of the previous sentence, text after it to the end of the next)."""
    bounds = bounds if bounds is not None else _sentence_bounds(text)
    starts_before = [b for b in bounds if b <= start]
    own = starts_before[-1] if starts_before else 0
    prev = starts_before[-2] if len(starts_before) > 1 else own
    after_ends = [b for b in bounds if b >= end]
    nxt = after_ends[1] if len(after_ends) > 1 else len(text)
    return text[prev:start].strip(), text[end:nxt].strip()


def _name(text: str) -> str:
    return " ".join(text.replace(".", " ").split()).casefold()


def story_claims(
    documents: Iterable[Document], annotations: Iterable[AnnotationRecord], taxonomy: Taxonomy
) -> list[StoryClaims]:
    """The gold claims of every annotated document, one StoryClaims per story group, sorted by group."""
    from newsclaims.release.content import gold_people
    from newsclaims.release.gold import adjudicate
    from newsclaims.release.grouping import StoryEvidence, story_components

    docs = {d.id: d for d in documents}
    gold, _ = adjudicate([a for a in annotations if a.doc_id in docs], taxonomy)
    # Grouped by the documents' own metadata only: links must not decide which claims get compared.
    evidence = StoryEvidence(people=gold_people(gold, taxonomy.person_label))
    groups = {doc_id: members[0] for members in story_components(docs.values(), evidence) for doc_id in members}
    by_group: dict[str, list[ClaimRef]] = defaultdict(list)
    for doc_id, g in sorted(gold.items()):
        doc = docs[doc_id]
        bounds = _sentence_bounds(doc.text)
        for c in g.claims:
            before, after = context(doc.text, c.start, c.end, bounds)
            names = tuple(sorted({_name(e.text) for e in g.entities if c.start <= e.start and e.end <= c.end}))
            by_group[groups[doc_id]].append(
                ClaimRef(doc_id, c.start, c.end, c.text, doc.source, doc.date, before, after, names)
            )
    return [
        StoryClaims(g, tuple(sorted(cs, key=lambda c: (c.doc_id, c.start, c.end))))
        for g, cs in sorted(by_group.items())
    ]
