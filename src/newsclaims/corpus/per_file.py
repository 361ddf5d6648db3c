"""The per-file head of the pipeline (read through the parent cache -> per-file steps -> sign)
as one picklable job over any run of files. Executors (executors.py) run it here, in worker
processes or as cluster tasks; its results come back in file order with the steps' stats."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from newsclaims.corpus.pipeline import Item, Pipeline, PipelineStep, StepStats
from newsclaims.corpus.rawfolder import RawFile


@dataclass
class PerFileJob:
    steps: list[PipelineStep]  # starting with `read`, all per_file (build.corpus_steps)

    def stream(self, files: Iterable[RawFile]) -> PerFileRun:
        return PerFileRun(self, files)


class PerFileRun:
    """One run of the job: iterate it for the items; `stats` then holds every step's counts."""

    def __init__(self, job: PerFileJob, files: Iterable[RawFile]):
        self.files = files
        self.pipeline = Pipeline(job.steps)

    @property
    def stats(self) -> list[StepStats]:
        return self.pipeline.stats

    def __iter__(self) -> Iterator[Item]:
        return self.pipeline.run(self.files)


def run_chunk(job: PerFileJob, files: list[RawFile]) -> tuple[list[Item], list[StepStats]]:
    """A task of a worker process or a cluster: the job over a few files, with its stats."""
    run = job.stream(files)
    return list(run), run.stats
