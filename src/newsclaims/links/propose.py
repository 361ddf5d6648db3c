"""`links propose`: score pairs of claims from different documents of one story group.

Cost: one embedding per claim (linear in claims), and pairs only inside a story group across its
documents, so comparisons grow with the sum over groups of (claims in the group)², linear in the
number of stories for stories of bounded size, never quadratic in the corpus.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from newsclaims.links.claims import StoryClaims
from newsclaims.links.features import WEIGHTS, pair_features, score
from newsclaims.links.numbers import ClaimFigures, figures
from newsclaims.links.records import ClaimRef, Proposal, pair_id

DEFAULT_THRESHOLD = 0.75  # used until confirmed links exist to choose one on (see choose_threshold)
CANDIDATE_FLOOR = 0.5  # pairs below it are not kept: no reviewer needs to see them
CHUNK_CLAIMS = 4096  # claims embedded at once (1.5 MiB of vectors at 384 dimensions)

Encoder = Callable[[Sequence[str]], np.ndarray]


@dataclass
class Scored:
    proposals: list[Proposal]
    pairs_compared: int
    groups: int  # story groups with claims from two or more documents


def score_pairs(
    stories: Sequence[StoryClaims], encode: Encoder, floor: float = CANDIDATE_FLOOR, chunk_claims: int = CHUNK_CLAIMS
) -> Scored:
    """Every cross-document pair inside each story whose score reaches `floor`, best first.

    Stories are embedded a chunk at a time, so memory holds one chunk's vectors, not the corpus's."""
    linked = [s for s in stories if len(s.documents) > 1]
    out: list[Proposal] = []
    compared = 0
    chunk: list[StoryClaims] = []
    for i, story in enumerate(linked):
        chunk.append(story)
        if sum(len(s.claims) for s in chunk) >= chunk_claims or i == len(linked) - 1:
            compared += _score_chunk(chunk, encode, floor, out)
            chunk = []
    out.sort(key=lambda p: (-p.score, p.pair_id))
    return Scored(out, compared, len(linked))


def _score_chunk(stories: list[StoryClaims], encode: Encoder, floor: float, out: list[Proposal]) -> int:
    claims = [c for s in stories for c in s.claims]
    vectors = encode([c.text for c in claims])
    row = {c.key: i for i, c in enumerate(claims)}
    figs: dict[str, ClaimFigures] = {c.key: figures(c.text) for c in claims}  # once per claim, not per pair
    compared = 0
    for story in stories:
        by_doc: dict[str, list[ClaimRef]] = {}
        for c in story.claims:
            by_doc.setdefault(c.doc_id, []).append(c)
        for da, db in itertools.combinations(sorted(by_doc), 2):
            left, right = by_doc[da], by_doc[db]
            sims = vectors[[row[c.key] for c in left]] @ vectors[[row[c.key] for c in right]].T
            compared += sims.size
            bound = sims + _bonus_bound([figs[c.key] for c in left], [figs[c.key] for c in right], left, right)
            for i, j in zip(*np.nonzero(bound >= floor)):
                a, b = left[i], right[j]
                feats = pair_features(float(sims[i, j]), figs[a.key], figs[b.key], a.entities, b.entities)
                s = score(feats)
                if s >= floor:
                    out.append(_proposal(story.group, a, b, figs[a.key], figs[b.key], feats, s))
    return compared


def _bonus_bound(
    fl: list[ClaimFigures], fr: list[ClaimFigures], left: list[ClaimRef], right: list[ClaimRef]
) -> np.ndarray:
    """The most the figures, dates and names can add to each pair: a feature both claims lack adds
    nothing, so pairs that cannot reach the floor are never compared feature by feature."""

    def has(items: list[bool]) -> np.ndarray:
        return np.array(items, dtype=np.float32)

    numbers = np.outer(has([bool(f.quantities) for f in fl]), has([bool(f.quantities) for f in fr]))
    dates = np.outer(has([bool(f.dates) for f in fl]), has([bool(f.dates) for f in fr]))
    names = np.outer(has([bool(c.entities) for c in left]), has([bool(c.entities) for c in right]))
    # shared + compatible + conflict shares sum to at most 1: the figures add at most the larger weight.
    number_bonus = max(WEIGHTS["numbers_shared"], WEIGHTS["numbers_compatible"])
    return number_bonus * numbers + WEIGHTS["dates"] * dates + WEIGHTS["entities"] * names + 1e-6


def _proposal(group: str, a: ClaimRef, b: ClaimRef, fa: ClaimFigures, fb: ClaimFigures, feats, s: float) -> Proposal:
    if b.key < a.key:
        a, b, fa, fb = b, a, fb, fa
    return Proposal(
        pair_id=pair_id(a.key, b.key),
        left=a.key,
        right=b.key,
        left_text=a.text,
        right_text=b.text,
        group=group,
        score=s,
        features=feats,
        left_numbers=[q.label() for q in fa.quantities],
        right_numbers=[q.label() for q in fb.quantities],
    )


@dataclass(frozen=True)
class Calibration:
    threshold: float
    precision: float
    recall: float
    proposed: int
    confirmed: int
    true_positives: int

    def note(self, source: str) -> str:
        return (
            f"threshold {self.threshold:.4f} chosen on {source} (best F1): precision {self.precision:.3f} "
            f"({self.true_positives}/{self.proposed}), recall {self.recall:.3f} ({self.true_positives}/{self.confirmed})"
        )


def evaluate(proposals: Sequence[Proposal], same: set[str], threshold: float) -> Calibration:
    """Precision and recall of the links at `threshold` against the confirmed same-claim pair ids.
    A confirmed pair the floor dropped counts as missed."""
    proposed = {p.pair_id for p in proposals if p.score >= threshold}
    tp = len(proposed & same)
    return Calibration(
        threshold=threshold,
        precision=tp / len(proposed) if proposed else 0.0,
        recall=tp / len(same) if same else 0.0,
        proposed=len(proposed),
        confirmed=len(same),
        true_positives=tp,
    )


def choose_threshold(proposals: Sequence[Proposal], same: set[str]) -> Calibration | None:
    """The score threshold with the best F1 on the confirmed pairs (the higher one on a tie); None without any."""
    if not same:
        return None
    best: Calibration | None = None
    best_f1 = -1.0
    for t in sorted({p.score for p in proposals}, reverse=True):
        c = evaluate(proposals, same, t)
        f1 = 2 * c.precision * c.recall / (c.precision + c.recall) if c.precision + c.recall else 0.0
        if f1 > best_f1:
            best, best_f1 = c, f1
    return best


__all__ = ["CANDIDATE_FLOOR", "DEFAULT_THRESHOLD", "WEIGHTS", "choose_threshold", "evaluate", "score_pairs"]
