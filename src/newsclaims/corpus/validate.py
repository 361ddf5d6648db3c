"""The `validate` step: the pandera document schema (document_schema.py), checked in batches."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from newsclaims.corpus.document_schema import failures
from newsclaims.corpus.pipeline import Draft, Item, PipelineStep
from newsclaims.corpus.reasons import RejectReason

VALIDATE_BATCH = 512
REUSED_PER_BATCH = 8  # a batch holds at most VALIDATE_BATCH * 8 documents


class Validate(PipelineStep[Draft]):
    """A failing document becomes an `invalid_document` Reject.

    Documents reused from the parent passed this check there and are not checked again, unless
    the batch needs them: a column-level failure blames every row of a batch, and a repeated id
    fails uniqueness, so then the whole batch is checked as a build from scratch would."""

    name = "validate"
    skips_reused = False  # they take part in the batch checks
    per_file = False  # (it could run per file, but batches across files keep pandera calls few)

    def __init__(self, batch_size: int = VALIDATE_BATCH):
        self.batch_size = batch_size
        self.batch: list[Draft] = []
        self.fresh_in_batch = 0

    def take(self, draft: Draft) -> Iterable[Item]:
        self.batch.append(draft)
        self.fresh_in_batch += not draft.reused
        # A pandera call has a fixed cost however few rows it checks, so an incremental build
        # (mostly reused documents) fills a batch with fresh ones; reused ones are capped to bound memory.
        if self.fresh_in_batch >= self.batch_size or len(self.batch) >= self.batch_size * REUSED_PER_BATCH:
            return list(self._flush())
        return ()

    def finish(self) -> Iterable[Item]:
        return list(self._flush()) if self.batch else ()

    def _flush(self) -> Iterator[Item]:
        batch = self.batch
        fresh = [i for i, d in enumerate(batch) if not d.reused]
        found, column_level = failures([batch[i].doc for i in fresh]) if fresh else ({}, False)
        found = {fresh[i]: why for i, why in found.items()}
        ids = [d.doc.id for d in batch]
        if len(fresh) < len(batch) and (column_level or len(set(ids)) < len(ids)):
            found, _ = failures([d.doc for d in batch])
        for i, draft in enumerate(batch):
            yield draft.reject(RejectReason.INVALID_DOCUMENT, found[i]) if i in found else draft
        self.batch = []
        self.fresh_in_batch = 0
