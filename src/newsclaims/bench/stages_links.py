"""`links propose` scaling: pairing 10x the stories must cost about 10x, not 100x (issue 14).

The stories are the committed seed story (2 reports, 86 gold claims, 1,849 cross-report pairs)
repeated under new document ids; its claims are embedded once by the real model and the vectors
reused, so the ratio measures what could grow quadratically (pairs, features, scores). The
model's encoding rate, linear by construction (one embedding per claim), is reported beside it.
"""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np

from newsclaims.bench.runner import BenchContext, BenchError, Goal, Measurement

STORIES = {"small": 5, "full": 100}  # the floor's stories; the measured case has FACTOR times more
FACTOR = 10


def propose_scaling(ctx: BenchContext) -> list[Measurement]:
    from newsclaims.links.claims import StoryClaims
    from newsclaims.links.embed import encode
    from newsclaims.links.inputs import load_claims
    from newsclaims.links.propose import score_pairs

    seed = [s for s in load_claims().stories if len(s.documents) > 1]
    if not seed:
        raise BenchError("the committed corpus and snapshot have no story with two reports to link")
    story = seed[0]
    texts = sorted({c.text for c in story.claims})
    start = time.perf_counter()
    vectors = dict(zip(texts, encode(texts)))
    encode_seconds = time.perf_counter() - start

    def cached(batch):
        return np.stack([vectors[t] for t in batch])

    def stories(n: int) -> list[StoryClaims]:
        return [
            StoryClaims(f"s{i}", tuple(replace(c, doc_id=f"s{i}-{c.doc_id}") for c in story.claims)) for i in range(n)
        ]

    base = STORIES.get(ctx.size.name, STORIES["small"])
    score_pairs(stories(1), cached)  # warm-up: the first call pays for imports and caches
    timed = {}
    for n in (base, base * FACTOR):
        work = stories(n)
        start = time.perf_counter()
        scored = score_pairs(work, cached)
        timed[n] = (time.perf_counter() - start, scored)
    (floor, small), (measured, large) = timed[base], timed[base * FACTOR]
    ctx.log(f"  pairing {base} stories: {floor:.2f}s; {base * FACTOR} stories: {measured:.2f}s")
    return [
        Measurement.of(
            "links.propose_scaling",
            f"{base * FACTOR} vs {base} stories of 2 reports, {len(story.claims)} claims each",
            "s",
            floor,
            measured,
            Goal("<=", FACTOR * 1.2),
            f"the same pairing on {base} stories (linear: {FACTOR}, quadratic in documents: {FACTOR**2})",
            pairs_compared=large.pairs_compared,
            pairs_compared_floor=small.pairs_compared,
            candidates=len(large.proposals),
            encode_claims_per_second=round(len(texts) / encode_seconds, 1),
        )
    ]
