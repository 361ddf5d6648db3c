"""The per-file part of the pipeline as one picklable job: read -> (parent cache) -> per-file
steps -> sign, over any run of files. Executors (executors.py) run it here, in worker
processes or as cluster tasks; its results come back in file order with the steps' stats."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from newsclaims.corpus.dedup import MINHASH
from newsclaims.corpus.document import Reject
from newsclaims.corpus.parent_cache import ParentCache
from newsclaims.corpus.pipeline import Draft, Item, Pipeline, PipelineStep, StepStats
from newsclaims.corpus.rawfolder import RawFile, Sidecars
from newsclaims.corpus.read import DEFAULT_MAX_BYTES, Read
from newsclaims.corpus.steps import per_file_steps


@dataclass
class PerFileJob:
    sidecars: Sidecars
    max_bytes: int = DEFAULT_MAX_BYTES
    cache: ParentCache | None = None  # the parent version's results, for an incremental build
    # After `read`, which is the source: the per-file head of the chain (build.corpus_steps).
    steps: list[PipelineStep] = field(default_factory=lambda: per_file_steps(MINHASH))

    def stream(self, files: Iterable[RawFile]) -> PerFileRun:
        return PerFileRun(self, files)


class PerFileRun:
    """One run of the job: iterate it for the items; `stats` then holds read's and every step's counts."""

    def __init__(self, job: PerFileJob, files: Iterable[RawFile]):
        self.job, self.files = job, files
        self.read_stats = StepStats(Read.name)
        self.pipeline = Pipeline(job.steps)

    @property
    def stats(self) -> list[StepStats]:
        return [self.read_stats, *self.pipeline.stats]

    def __iter__(self) -> Iterator[Item]:
        return self.pipeline.run(self._source())

    def _source(self) -> Iterator[Item]:
        """`read`, counted like a step (files in, items out; a .jsonl file gives several)."""
        read, stats, clock = Read(self.job.sidecars, self.job.max_bytes), self.read_stats, time.perf_counter
        for f in self.files:
            stats.items_in += 1
            items = self._read_through_cache(read, f)
            while True:  # streamed, not listed: a .jsonl file can hold a whole corpus
                start = clock()
                item = next(items, None)
                stats.seconds += clock() - start
                if item is None:
                    break
                if isinstance(item, Reject):
                    stats.rejects += 1
                else:
                    stats.items_out += 1
                yield item

    def _read_through_cache(self, read: Read, f: RawFile) -> Iterator[Item]:
        """The parent cache in front of the steps: a hit goes on as a reused Draft (or the
        parent's Reject), which the steps let by; a miss as read."""
        cache = self.job.cache
        if cache is None or not cache.covers(f):
            yield from read.read_file(f)
        elif cache.one_document(f, read.max_bytes):
            hit = cache.lookup_file(f)  # without reading the file
            yield from [hit] if hit is not None else read.read_file(f)
        else:
            for item in read.read_file(f):
                yield (cache.lookup(item) or item) if isinstance(item, Draft) else item


def run_chunk(job: PerFileJob, files: list[RawFile]) -> tuple[list[Item], list[StepStats]]:
    """A task of a worker process or a cluster: the job over a few files, with its stats."""
    run = job.stream(files)
    return list(run), run.stats
