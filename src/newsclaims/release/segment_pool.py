"""Sentence segmentation of many documents, in forked worker processes.

syntok is pure Python and was most of a release build's time (two thirds of `compute` at 50k
documents: it ran once for the ner config and again for the sentences config). Here it runs
once per document, in a pool, while the parent adjudicates, assigns splits and builds the other
configs. Workers send back only the sentence offsets, as one small int32 array per document
(start, end, paragraph, role index): 16 bytes a sentence instead of a Python object, so the
parent holds every document's sentences without holding any of their tokens. The rows built
from them are the same whichever path ran: `segment` is the one function both call.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Sequence
from multiprocessing.pool import AsyncResult, Pool

import numpy as np

from newsclaims.corpus.document import Document
from newsclaims.release.sentences import Sentence, segment
from newsclaims.schemas.features import SENTENCE_ROLES

# Documents per task: ~0.2 s of syntok each, so the pool's per-task cost stays small and the
# tasks still spread over the workers.
BATCH_DOCS = 64
# Below this many documents a pool costs more (fork, transfer) than it saves.
MIN_PARALLEL_DOCS = 200
_ROLE_INDEX = {role: i for i, role in enumerate(SENTENCE_ROLES)}

_worker_docs: Sequence[Document] = ()  # the parent's documents, inherited by the forked workers


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def pack(sentences: list[Sentence]) -> np.ndarray:
    out = np.empty((len(sentences), 4), dtype=np.int32)
    for i, s in enumerate(sentences):
        out[i] = (s.start, s.end, s.paragraph, _ROLE_INDEX[s.role])
    return out


def unpack(doc_id: str, packed: np.ndarray) -> list[Sentence]:
    return [
        Sentence(doc_id, i, start, end, paragraph, SENTENCE_ROLES[role])
        for i, (start, end, paragraph, role) in enumerate(packed.tolist())
    ]


def _segment_batch(bounds: tuple[int, int]) -> list[np.ndarray]:
    return [pack(segment(d)) for d in _worker_docs[bounds[0] : bounds[1]]]


class Segmentation:
    """The sentences of `docs`, computed in the background by `workers` processes (1: in this
    process, on first use). Read them with `sentences(doc)`; call `close()` when done.

    The first read waits for every batch. Handing each batch over as it came (so the parent
    builds rows while later batches are cut) measured slower at 50k documents on 2 cores
    (343 s against 273 s, under other load): three busy processes on two cores."""

    def __init__(self, docs: Sequence[Document], workers: int | None = None):
        global _worker_docs
        workers = default_workers() if workers is None else workers
        self._packed: dict[str, np.ndarray] = {}
        self._pool: Pool | None = None
        self._pending: list[tuple[Sequence[Document], AsyncResult]] = []
        self.parallel = workers > 1 and len(docs) >= MIN_PARALLEL_DOCS
        if self.parallel:
            _worker_docs = docs  # set before the fork: the workers read the documents from their copy
            try:
                self._pool = multiprocessing.get_context("fork").Pool(workers)
            finally:
                _worker_docs = ()
            for lo in range(0, len(docs), BATCH_DOCS):
                batch = docs[lo : lo + BATCH_DOCS]
                self._pending.append((batch, self._pool.apply_async(_segment_batch, ((lo, lo + len(batch)),))))
            self._pool.close()

    def _collect(self) -> None:
        for batch, result in self._pending:
            self._packed.update(zip((d.id for d in batch), result.get()))
        self._pending = []
        if self._pool is not None:
            self._pool.join()
            self._pool = None

    def sentences(self, doc: Document) -> list[Sentence]:
        if self._pending:
            self._collect()
        packed = self._packed.get(doc.id)
        if packed is None:  # serial, or a document the pool was not given
            packed = self._packed[doc.id] = pack(segment(doc))
        return unpack(doc.id, packed)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None
        self._pending = []
