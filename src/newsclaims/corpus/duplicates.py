"""The `dedup` step: keep the first of each exact duplicate (file order); link near duplicates
both ways (MinHash LSH, dedup.py).

Per accepted document only its id (in the index) and text digest stay in memory; the MinHash
signatures and band keys, the seen ids and texts go to scratch files next to the spool."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from newsclaims.corpus.dedup import MINHASH, ExactDuplicates, MinHashConfig, NearDuplicateIndex, SignatureCache
from newsclaims.corpus.document import NearDuplicate, Reject
from newsclaims.corpus.pipeline import Draft, Item, Pipeline, PipelineStep, StepStats
from newsclaims.corpus.reasons import RejectReason as R
from newsclaims.corpus.spool import Spool, WriteSpool


class Deduplicate(PipelineStep[Draft]):
    name = "dedup"
    skips_reused = False  # a reused document can be a duplicate of a new one
    per_file = False  # the first of each text in file order wins

    def __init__(self, spool: Spool, cache: SignatureCache | None = None, config: MinHashConfig = MINHASH):
        self.spool, self.cache = spool, cache
        self.exact = ExactDuplicates(spool.path.with_name(".texts.sqlite"))
        self.index = NearDuplicateIndex(spool.path.with_name(".signatures.bin"), config)
        self.digests = bytearray()
        self.languages: Counter[str] = Counter()
        self.near: dict[str, list[NearDuplicate]] = {}

    def apply(self, draft: Draft) -> Item:
        doc = draft.doc
        if doc.id in self.spool:  # e.g. NFC and NFD spellings of one file name
            return draft.reject(R.ID_COLLISION, f"another input already has id {doc.id}")
        original = self.exact.original_of(doc.id, doc.text_sha256)
        if original is not None:
            return Reject(
                doc.raw_path,
                R.DUPLICATE,
                f"same text as {original} after normalization",
                doc.raw_sha256,
                duplicate_of=original,
                record=draft.record,
            )
        # Reused documents were not signed again: their values are in the cache from the last build.
        known = (
            draft.signature
            if draft.signature is not None
            else (self.cache.get(doc.text_sha256) if self.cache is not None else None)
        )
        self.index.add(doc.id, doc.text, known)
        self.digests += bytes.fromhex(doc.text_sha256)
        self.languages[doc.language or "unknown"] += 1
        return draft

    def finish(self) -> Iterable[Item]:
        near: dict[str, list[NearDuplicate]] = defaultdict(list)
        for a, b, similarity in self.index.pairs():
            near[a].append(NearDuplicate(b, similarity))
            near[b].append(NearDuplicate(a, similarity))
        self.near = dict(near)
        return ()


@dataclass
class Deduplicated:
    rejects: list[Reject]
    near: dict[str, list[NearDuplicate]]
    index: NearDuplicateIndex  # the caller closes it
    text_sha256: bytes  # 32-byte digests of the accepted documents, in the index's order
    languages: Counter
    stats: list[StepStats]


def run_whole_stream(items: Iterable[Item], steps: Sequence[PipelineStep]) -> Deduplicated:
    """The steps that need the whole stream (validate, dedup, write), one of them a Deduplicate.
    Every Reject of the stream is collected; accepted documents end up in the spool."""
    dedup = next(step for step in steps if isinstance(step, Deduplicate))
    pipeline = Pipeline(steps)
    try:
        rejects = [item for item in pipeline.run(items) if isinstance(item, Reject)]
    except BaseException:
        dedup.index.close()
        raise
    finally:
        dedup.exact.close()
    return Deduplicated(rejects, dedup.near, dedup.index, bytes(dedup.digests), dedup.languages, pipeline.stats)


def deduplicate(items: Iterable[Item], spool: Spool, cache: SignatureCache | None = None) -> Deduplicated:
    """Dedup, then write the accepted documents to `spool`."""
    return run_whole_stream(items, [Deduplicate(spool, cache), WriteSpool(spool)])
