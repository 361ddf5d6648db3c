"""Where the per-file part of the pipeline runs, apart from the steps themselves (as datatrove
separates a pipeline from its executor): in this process, in a pool of worker processes, or on
a Dask cluster. Every executor yields the same items in the same (file) order, and adds the
workers' per-step counts to `stats`; the driver validates, deduplicates and writes them the
same way whichever ran them, so the version is byte-identical.

Dask: tasks of CHUNK_FILES files go to the cluster. At most IN_FLIGHT_PER_WORKER tasks per
worker thread are submitted ahead of the one the driver is waiting for: results are held by
the cluster only until the driver takes them, so the driver's memory stays bounded whatever
the corpus size. Workers read the raw files (and, for an incremental build, the parent
version) by path: on a real cluster corpus/raw and corpus/versions must be on a file system
every worker mounts.
"""

from __future__ import annotations

import contextlib
import multiprocessing
from collections import deque
from collections.abc import Iterator, Sequence
from typing import Any, Self

from newsclaims.corpus.errors import CorpusError
from newsclaims.corpus.filetable import RawFiles
from newsclaims.corpus.per_file import PerFileJob, run_chunk
from newsclaims.corpus.pipeline import Item, StepStats, merge_stats
from newsclaims.corpus.progress import progress
from newsclaims.corpus.rawfolder import RawFile

POOL_CHUNKSIZE = 4
# Files per Dask task: large enough that Dask's per-task cost (~1 ms) and the transfer of the
# shared state stay small next to the work (~5-10 ms per file), small enough to spread over workers.
CHUNK_FILES = 32
IN_FLIGHT_PER_WORKER = 4
CONNECT_TIMEOUT = "30s"

Files = RawFiles | Sequence[RawFile]


class ExecutorError(CorpusError):
    pass


class Executor:
    """Runs a PerFileJob over files; a context manager, so a cluster stays up while the driver
    consumes the items."""

    name = "executor"

    def __init__(self) -> None:
        self.stats: list[StepStats] = []

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def run(self, job: PerFileJob, files: Files) -> Iterator[Item]:
        raise NotImplementedError


class SerialExecutor(Executor):
    name = "local"

    def run(self, job: PerFileJob, files: Files) -> Iterator[Item]:
        run = job.stream(progress(files, len(files), "building"))
        yield from run
        merge_stats(self.stats, run.stats)


_worker_job: PerFileJob | None = None


def _init_worker(job: PerFileJob) -> None:
    global _worker_job
    _worker_job = job


def _run_one(f: RawFile) -> tuple[list[Item], list[StepStats]]:
    assert _worker_job is not None
    return run_chunk(_worker_job, [f])


class ProcessPoolExecutor(Executor):
    """Forked worker processes (they inherit the imported modules and the job), one file per task."""

    name = "local"

    def __init__(self, workers: int):
        super().__init__()
        self.workers = workers

    def run(self, job: PerFileJob, files: Files) -> Iterator[Item]:
        files_in = progress(files, len(files), "building")
        with multiprocessing.get_context("fork").Pool(self.workers, _init_worker, (job,)) as pool:
            for items, stats in pool.imap(_run_one, files_in, chunksize=POOL_CHUNKSIZE):
                merge_stats(self.stats, stats)
                yield from items


class DaskExecutor(Executor):
    """A running Dask scheduler at `address`, or a LocalCluster of `workers` processes."""

    name = "dask"

    def __init__(self, address: str | None, workers: int):
        super().__init__()
        self.address, self.workers = address, workers
        self._stack = contextlib.ExitStack()
        self.client: Any = None

    def __enter__(self) -> Self:
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise ExecutorError("--engine dask needs Dask distributed: pip install 'newsclaims[distributed]'") from None
        with self._stack:
            if self.address is not None:
                try:
                    self.client = self._stack.enter_context(Client(self.address, timeout=CONNECT_TIMEOUT))
                except OSError as e:
                    raise ExecutorError(f"cannot reach the Dask scheduler at {self.address}: {e}") from None
            else:
                # One thread per worker process: the steps are pure Python and hold the GIL.
                cluster = self._stack.enter_context(
                    LocalCluster(n_workers=self.workers, threads_per_worker=1, processes=True, dashboard_address=None)
                )
                self.client = self._stack.enter_context(Client(cluster))
            self._stack = self._stack.pop_all()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()

    def run(self, job: PerFileJob, files: Files) -> Iterator[Item]:
        client = self.client
        threads = sum(client.nthreads().values()) or 1
        shared = client.scatter(job, broadcast=True)  # sent to every worker once, not with every task
        pending: deque = deque()
        try:
            for start in range(0, len(files), CHUNK_FILES):
                pending.append(client.submit(run_chunk, shared, files[start : start + CHUNK_FILES], pure=False))
                if len(pending) >= threads * IN_FLIGHT_PER_WORKER:
                    yield from self._take(pending.popleft())
            while pending:
                yield from self._take(pending.popleft())
        finally:
            for future in pending:
                future.cancel()

    def _take(self, future: Any) -> list[Item]:
        items, stats = future.result()
        future.release()
        merge_stats(self.stats, stats)
        return items


# The names `--engine` takes; "local" is serial or a process pool, by --workers.
EXECUTORS = tuple(dict.fromkeys(e.name for e in (SerialExecutor, ProcessPoolExecutor, DaskExecutor)))


def executor_for(name: str, workers: int = 1, address: str | None = None) -> Executor:
    if name == DaskExecutor.name:
        return DaskExecutor(address, workers)
    if name != SerialExecutor.name:
        raise ExecutorError(f"unknown executor {name!r} (one of {', '.join(EXECUTORS)})")
    return SerialExecutor() if workers <= 1 else ProcessPoolExecutor(workers)
