"""The Label Studio server a benchmark stage runs against.

`--size full`: a fresh server per stage (its own data dir), so no stage's data slows another's.
`--size small` (the smoke test in `make test`): one SQLite server shared by every Label Studio
stage of the run, started once and stopped when the process exits, because each cold start
(migrations) costs about a minute and the small figures are not measurements.
"""

from __future__ import annotations

import atexit
import contextlib
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

from newsclaims.annotation.server import ServerHandle, start_server, stop_server
from newsclaims.annotation.server_state import free_port, terminate
from newsclaims.bench.runner import BenchContext

_SHARED: dict[Path, ServerHandle] = {}


def _start(ctx: BenchContext, name: str, db: str) -> ServerHandle:
    data_dir = ctx.work / name
    shutil.rmtree(data_dir, ignore_errors=True)
    if db == "postgresql":
        ctx.work.chmod(0o711)  # under root the cluster runs as `postgres`, which must reach its directory
    start = time.perf_counter()
    handle = start_server(port=free_port(), data_dir=data_dir, env_file=ctx.work / f"{name}.env", db=db)
    ctx.log(f"  Label Studio ({db}) started at {handle.url} in {time.perf_counter() - start:.0f}s")
    return handle


@contextlib.contextmanager
def bench_server(ctx: BenchContext, name: str, db: str = "sqlite") -> Iterator[ServerHandle]:
    if ctx.size.name == "small" and db == "sqlite":
        if ctx.work not in _SHARED:
            handle = _start(ctx, "labelstudio-shared", db)
            _SHARED[ctx.work] = handle
            # By pid: the bench removes its scratch dir (and the server's state file) before exit.
            atexit.register(terminate, handle.pid)
        yield _SHARED[ctx.work]
        return
    handle = _start(ctx, name, db)
    try:
        yield handle
    finally:
        stop_server(handle.data_dir)
