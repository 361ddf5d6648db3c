"""The corpus pipeline: one list of steps, run over a stream of items (after datatrove's
`PipelineStep`; build.corpus_steps is the chain).

    read -> decode -> extract_html -> normalize -> detect_language -> extract_header -> segment
         -> apply_metadata -> sign -> validate -> dedup -> write

`read` takes raw files; after it, items are `Draft`s (a Document being built) or `Reject`s. A
step only ever sees Drafts: the pipeline passes Rejects (and Drafts reused from the parent
version, see parent_cache.py) past it unchanged, so whatever goes in comes out as a Document
or a Reject: nothing vanishes. The pipeline also counts, for every step the same way, what it
took, gave back and rejected, and the time it spent on them. Where the steps run is the
executor's business (executors.py).
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, TypeVar

import numpy as np

from newsclaims.corpus.document import Document, Reject
from newsclaims.corpus.rawfolder import SourceFields
from newsclaims.corpus.reasons import RejectReason


@dataclass
class Draft:
    doc: Document
    data: bytes | None = None  # raw bytes until decoded
    given: SourceFields = field(default_factory=SourceFields)  # sidecar / record metadata
    given_by: str = "sidecar"  # where `given` came from: sidecar | record
    found: SourceFields = field(default_factory=SourceFields)  # from the html page or the text header
    record: int | None = None
    # Taken unchanged from the parent version (see parent_cache.py): already validated, and
    # `line` is its JSON line with no near duplicates, exactly as the spool would serialize it.
    reused: bool = False
    line: bytes | None = None
    # MinHash values of the text once the `sign` step computed them.
    signature: np.ndarray | None = None

    def reject(self, reason: RejectReason, detail: str = "") -> Reject:
        return Reject(self.doc.raw_path, reason, detail, self.doc.raw_sha256, record=self.record)


Item = Draft | Reject


@dataclass
class StepStats:
    """What one step did: Drafts taken (`items_in`), given back (`items_out`) and turned into
    Rejects (`rejects`); Rejects and reused Drafts it let by (`passed`); seconds spent in it."""

    name: str
    items_in: int = 0
    items_out: int = 0
    rejects: int = 0
    passed: int = 0
    seconds: float = 0.0

    def add(self, other: StepStats) -> None:
        self.items_in += other.items_in
        self.items_out += other.items_out
        self.rejects += other.rejects
        self.passed += other.passed
        self.seconds += other.seconds


In = TypeVar("In")


class PipelineStep(Generic[In]):
    """A step of the pipeline. Override `apply` (one Draft -> a Draft or a Reject), or, for a
    step that needs several inputs at once or gives several items for one, `take` (one input ->
    any items, now, later or as a generator) and `finish` (what is still held when the stream
    ends). Rejects never reach a step. The first step (`read`) takes raw files, the others Drafts."""

    name: ClassVar[str] = "step"
    skips_reused: ClassVar[bool] = True  # Drafts taken from the parent version are already done
    # Needs one file's items only, so an executor may run it anywhere (in a worker, on a cluster);
    # False: it needs the whole stream in file order, so it runs in the driver, after those.
    per_file: ClassVar[bool] = True

    def apply(self, draft: In) -> Item:
        raise NotImplementedError

    def take(self, draft: In) -> Iterable[Item]:
        return (self.apply(draft),)

    def finish(self) -> Iterable[Item]:
        return ()


def _timed(results: Callable[[], Iterable[Item]], stats: StepStats) -> Iterator[Item]:
    """The step's items, streamed (a .jsonl file can hold a whole corpus), counted, and timed
    without the time the rest of the pipeline spends on each one."""
    clock = time.perf_counter
    start = clock()
    items = iter(results())
    while True:
        item = next(items, None)
        stats.seconds += clock() - start
        if item is None:
            return
        if isinstance(item, Reject):
            stats.rejects += 1
        else:
            stats.items_out += 1
        yield item
        start = clock()


def run_step(step: PipelineStep[Any], items: Iterable[Any], stats: StepStats) -> Iterator[Item]:
    """`step` over the stream, keeping the stream's order for everything it lets by."""
    for item in items:
        if isinstance(item, Reject) or (isinstance(item, Draft) and item.reused and step.skips_reused):
            stats.passed += 1
            yield item
            continue
        stats.items_in += 1
        yield from _timed(functools.partial(step.take, item), stats)
    yield from _timed(step.finish, stats)


class Pipeline:
    """Steps run in order over one stream, each one's counts in `stats` (one per step, in order)."""

    def __init__(self, steps: Sequence[PipelineStep[Any]]):
        self.steps = list(steps)
        self.stats = [StepStats(step.name) for step in self.steps]

    def run(self, items: Iterable[Any]) -> Iterator[Item]:
        for step, stats in zip(self.steps, self.stats, strict=True):
            items = run_step(step, items, stats)
        yield from items


def split_per_file(steps: Sequence[PipelineStep]) -> tuple[list[PipelineStep], list[PipelineStep]]:
    """(the per-file steps at the head of the chain, the whole-stream steps after them)."""
    at = next((i for i, step in enumerate(steps) if not step.per_file), len(steps))
    head, tail = list(steps[:at]), list(steps[at:])
    if any(step.per_file for step in tail):
        raise ValueError(f"per-file step {next(s.name for s in tail if s.per_file)!r} after a whole-stream step")
    return head, tail


def merge_stats(into: list[StepStats], more: Iterable[StepStats]) -> list[StepStats]:
    """Add counts by step name, keeping the order of first appearance (workers report theirs)."""
    by_name = {s.name: s for s in into}
    for s in more:
        if s.name in by_name:
            by_name[s.name].add(s)
        else:
            by_name[s.name] = StepStats(s.name)
            by_name[s.name].add(s)
            into.append(by_name[s.name])
    return into
