"""The per-file steps on a distributed engine (Dask distributed), for corpora beyond one machine.

Only the per-file work moves: read -> decode -> html -> normalize -> header -> paragraphs ->
metadata -> language -> MinHash signature (`stream.process_files`, the same function a local
worker process runs). Tasks of CHUNK_FILES files go to the cluster; their results come back
in file order and the driver validates, deduplicates and writes them exactly as a local build
does (stream.py, build.py), so the version is byte-identical. At most IN_FLIGHT_PER_WORKER
tasks per worker thread are submitted ahead of the one the driver is waiting for: results are
held by the cluster only until the driver takes them, so the driver's memory stays bounded
whatever the corpus size (Dask schedules the tasks; this only limits how far ahead we ask).

Workers read the raw files (and, for an incremental build, the parent version) by path: on a
real cluster corpus/raw and corpus/versions must be on a file system every worker mounts.
"""

from __future__ import annotations

import contextlib
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass

from newsclaims.corpus.errors import CorpusError
from newsclaims.corpus.inputs import RawFile, Sidecars
from newsclaims.corpus.pipeline import Item
from newsclaims.corpus.reuse import ParentOutcomes
from newsclaims.corpus.stream import process_files

ENGINES = ("local", "dask")
# Files per task: large enough that Dask's per-task cost (~1 ms) and the transfer of the shared
# state stay small next to the work (~5-10 ms per file), small enough to spread over workers.
CHUNK_FILES = 32
IN_FLIGHT_PER_WORKER = 4
CONNECT_TIMEOUT = "30s"


class EngineError(CorpusError):
    pass


@dataclass(frozen=True)
class EngineSettings:
    name: str = "local"  # local: this machine's processes (--workers); dask: a Dask cluster
    address: str | None = None  # a running Dask scheduler; None: a LocalCluster of `workers` processes


@contextlib.contextmanager
def dask_client(address: str | None, workers: int) -> Iterator:
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise EngineError("--engine dask needs Dask distributed: pip install 'newsclaims[distributed]'") from None
    if address is not None:
        try:
            client = Client(address, timeout=CONNECT_TIMEOUT)
        except OSError as e:
            raise EngineError(f"cannot reach the Dask scheduler at {address}: {e}") from None
        with client:
            yield client
        return
    # One thread per worker process: the steps are pure Python and hold the GIL.
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        yield client


def _chunks(files: list[RawFile], size: int) -> Iterator[list[RawFile]]:
    for start in range(0, len(files), size):
        yield files[start : start + size]


def process_on_dask(client, files: list[RawFile], sidecars: Sidecars, max_bytes: int,
                    parent: ParentOutcomes | None) -> Iterator[Item]:
    """`stream.process_all` on a Dask cluster: the same items in the same (file) order."""
    threads = sum(client.nthreads().values()) or 1
    # Sent to every worker once, not with every task.
    shared = client.scatter([sidecars, parent], broadcast=True)
    pending: deque = deque()
    chunks = _chunks(files, CHUNK_FILES)
    try:
        for chunk in chunks:
            pending.append(client.submit(process_files, chunk, shared[0], max_bytes, shared[1], pure=False))
            if len(pending) >= threads * IN_FLIGHT_PER_WORKER:
                yield from _take(pending.popleft())
        while pending:
            yield from _take(pending.popleft())
    finally:
        for future in pending:
            future.cancel()


def _take(future) -> list[Item]:
    items = future.result()
    future.release()
    return items
