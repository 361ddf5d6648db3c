"""`newsclaims annotate server ...`: start, stop, check, back up and restore the local Label Studio."""

from __future__ import annotations

import time
from pathlib import Path

from newsclaims.annotation.db_backend import BACKENDS
from newsclaims.annotation.server_state import DEFAULT_DATA_DIR, DEFAULT_PORT, START_TIMEOUT
from newsclaims.commands import CommandGroup, opt
from newsclaims.paths import ENV_FILE

server = CommandGroup("server", "Start, stop, check, back up or restore the local Label Studio server")
DATA_DIR = opt("--data-dir", type=Path, default=DEFAULT_DATA_DIR, help="data dir (default: %(default)s)")


@server.command(
    "start",
    "Start Label Studio on 127.0.0.1 (login and token go to .env; idempotent)",
    opt("--port", type=int, default=DEFAULT_PORT, help="port on 127.0.0.1 (default: %(default)s)"),
    DATA_DIR,
    opt("--env-file", type=Path, default=ENV_FILE, help="where the login and token go (default: %(default)s)"),
    opt("--timeout", type=float, default=START_TIMEOUT, help="seconds to wait for start-up"),
    opt(
        "--db",
        choices=BACKENDS,
        default=None,
        help="database: sqlite (one machine) or postgresql (a private cluster in <data dir>/pg, for a team); "
        "default: what the data dir holds, sqlite for a new one",
    ),
)
def server_start(port: int, data_dir: Path, env_file: Path, timeout: float, db: str | None) -> int:
    from newsclaims.annotation.server import start_server
    from newsclaims.annotation.settings import API_KEY_VAR, PASSWORD_VAR

    t0 = time.monotonic()
    handle = start_server(port, data_dir, env_file, timeout=timeout, db=db)
    verb = "started" if handle.started else "already running"
    print(f"Label Studio {verb} at {handle.url} (pid {handle.pid}, {time.monotonic() - t0:.0f} s)")
    print(f"  login:    {handle.username}")
    print(f"  password: {PASSWORD_VAR} in {handle.env_file}")
    print(f"  API token: {API_KEY_VAR} in {handle.env_file} (never printed)")
    print(f"  data: {handle.data_dir}   log: {handle.log_file}")
    print("  stop with `make labelstudio-stop`")
    return 0


@server.command("stop", "Stop the server started on the data dir", DATA_DIR)
def server_stop(data_dir: Path) -> int:
    from newsclaims.annotation.server import stop_server

    stopped = stop_server(data_dir)
    print("Label Studio stopped" if stopped else f"no Label Studio server running for {data_dir.resolve()}")
    return 0


@server.command("status", "Is the server running and healthy? (exit 3: not running, 1: not answering)", DATA_DIR)
def server_status(data_dir: Path) -> int:
    from newsclaims.annotation.server import is_healthy
    from newsclaims.annotation.server_state import ServerState

    state = ServerState.running(data_dir)
    if state is None:
        print(f"not running (data dir {data_dir.resolve()})")
        return 3
    health = "healthy" if is_healthy(state.url) else "NOT answering /health"
    print(f"running at {state.url} (pid {state.pid}), {health}")
    return 0 if health == "healthy" else 1


@server.command(
    "backup",
    "Back up the data dir's database (SQLite or PostgreSQL) to one file",
    DATA_DIR,
    opt("--out", type=Path, default=None, help="backup file (default <data dir>/backups/labelstudio-<time>.<ext>)"),
)
def server_backup(data_dir: Path, out: Path | None) -> int:
    from newsclaims.annotation.backup import backup

    path = backup(data_dir, out)
    print(f"backed up the Label Studio database of {data_dir.resolve()} to {path}")
    return 0


@server.command(
    "restore",
    "Replace the data dir's database with a backup (server stopped; the replaced one is kept)",
    opt("file", type=Path, metavar="FILE", help="a file written by `annotate server backup`"),
    DATA_DIR,
)
def server_restore(file: Path, data_dir: Path) -> int:
    from newsclaims.annotation.backup import restore

    kept = restore(data_dir, file)
    print(f"restored {file} into {data_dir.resolve()}" + (f"; the replaced database is kept as {kept}" if kept else ""))
    print("start it with `make labelstudio` (the .env of this data dir holds the matching token)")
    return 0
