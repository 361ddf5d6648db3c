"""The features of a pair of claims and the score they make.

score = cosine + Σ weight × feature (numbers shared, numbers compatible, dates, entities)
        - weight × numbers in conflict
The embedding carries the wording; the figures and names carry what an embedding blurs ("6,060"
and "19 thousand" are both just numbers to it). The weights are fixed here, the threshold is
chosen on the confirmed seed links (propose.py).
"""

from __future__ import annotations

from newsclaims.links.numbers import ClaimFigures, compatible, same_thing
from newsclaims.links.records import PairFeatures

WEIGHTS = {
    "numbers_shared": 0.15,
    "numbers_compatible": 0.10,
    "dates": 0.05,
    "entities": 0.10,
    "numbers_conflict": 0.15,
}


def _jaccard(a: frozenset[str] | set[str], b: frozenset[str] | set[str]) -> float:
    union = a | b
    return len(a & b) / len(union) if union else 0.0


def number_overlap(a: ClaimFigures, b: ClaimFigures) -> tuple[float, float, float]:
    """(shared, compatible, conflict): the share of both claims' figures in each relation."""
    total = len(a.quantities) + len(b.quantities)
    if not total:
        return 0.0, 0.0, 0.0
    shared = compat = conflict = 0
    for mine, theirs in ((a.quantities, b.quantities), (b.quantities, a.quantities)):
        for q in mine:
            same = [t for t in theirs if same_thing(q, t) or (q.unit is None and t.unit is None and q.value == t.value)]
            if any(t.value == q.value for t in same):
                shared += 1
            elif any(compatible(q, t) for t in same):
                compat += 1
            elif same:
                conflict += 1
    return shared / total, compat / total, conflict / total


def pair_features(
    cosine: float, fa: ClaimFigures, fb: ClaimFigures, ea: tuple[str, ...], eb: tuple[str, ...]
) -> PairFeatures:
    shared, compat, conflict = number_overlap(fa, fb)
    return PairFeatures(
        cosine=round(float(cosine), 4),
        numbers_shared=round(shared, 4),
        numbers_compatible=round(compat, 4),
        numbers_conflict=round(conflict, 4),
        dates=round(_jaccard(fa.dates, fb.dates), 4),
        entities=round(_jaccard(set(ea), set(eb)), 4),
        numbers_differ=compat > 0 or conflict > 0,
    )


def score(f: PairFeatures) -> float:
    bonus = (
        WEIGHTS["numbers_shared"] * f.numbers_shared
        + WEIGHTS["numbers_compatible"] * f.numbers_compatible
        + WEIGHTS["dates"] * f.dates
        + WEIGHTS["entities"] * f.entities
        - WEIGHTS["numbers_conflict"] * f.numbers_conflict
    )
    return round(f.cosine + bonus, 4)
