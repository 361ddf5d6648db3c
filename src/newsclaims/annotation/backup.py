"""Back up and restore the Label Studio database of a data dir, whichever backend holds it.

SQLite: the online backup API of Python's sqlite3 (a consistent copy while the server runs).
PostgreSQL: `pg_dump --format=custom` through the cluster's socket, restored with `pg_restore`
into a fresh database that then takes the live one's name. A restore never destroys: the
replaced database is kept (`label_studio.sqlite3.replaced-<stamp>`, database
`labelstudio_replaced_<stamp>`). The server must be stopped for a restore. The admin token in
`.env` is the one stored in the database: restore into the data dir whose `.env` matches it.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
import time
from pathlib import Path

from newsclaims.annotation.db_backend import resolve_backend
from newsclaims.annotation.postgres import DATABASE, ROLE, Cluster
from newsclaims.annotation.server import ServerError, server_status
from newsclaims.annotation.server_state import DB_FILE
from newsclaims.fsutil import atomic_write_bytes

BACKUP_DIR = "backups"
SUFFIX = {"sqlite": ".sqlite3", "postgresql": ".pgdump"}
SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"


def _stamp() -> str:
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())


def backup(data_dir: Path, out: Path | None = None) -> Path:
    """Write a backup of the data dir's database to `out` (default `<data dir>/backups/<stamp>.<ext>`)."""
    data_dir = Path(data_dir).resolve()
    backend = resolve_backend(data_dir, None)
    if backend == "sqlite" and not (data_dir / DB_FILE).exists():
        raise ServerError(f"{data_dir} holds no Label Studio database to back up")
    out = Path(out) if out else data_dir / BACKUP_DIR / f"labelstudio-{_stamp()}{SUFFIX[backend]}"
    out.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if backend == "sqlite":
        _backup_sqlite(data_dir / DB_FILE, out)
    else:
        cluster = Cluster(data_dir)
        started = cluster.port() is None
        cluster.start()
        try:
            dump = cluster.run([*cluster.client_args("pg_dump"), "--format=custom"]).stdout
        finally:
            if started and server_status(data_dir) is None:
                cluster.stop()  # leave it as we found it
        atomic_write_bytes(out, dump, mode=0o600)
    return out


def _backup_sqlite(db: Path, out: Path) -> None:
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".partial")
    os.close(fd)
    try:
        src = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        dst = sqlite3.connect(tmp)
        with dst:
            src.backup(dst)
        src.close()
        dst.close()
        os.chmod(tmp, 0o600)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def restore(data_dir: Path, backup_file: Path) -> str:
    """Replace the data dir's database with a backup; returns where the replaced one was kept."""
    data_dir = Path(data_dir).resolve()
    backup_file = Path(backup_file)
    head = backup_file.read_bytes()[:16] if backup_file.is_file() else b""
    kind = "sqlite" if head.startswith(SQLITE_MAGIC) else "postgresql" if head.startswith(PGDUMP_MAGIC) else None
    if kind is None:
        raise ServerError(f"{backup_file} is neither a SQLite database nor a pg_dump archive")
    if server_status(data_dir) is not None:
        raise ServerError(f"Label Studio is running on {data_dir}: stop it first (`make labelstudio-stop`)")
    resolve_backend(data_dir, kind)  # a data dir holding the other backend is refused
    stamp = _stamp()
    if kind == "sqlite":
        return _restore_sqlite(data_dir, backup_file, stamp)
    return _restore_postgres(data_dir, backup_file, stamp)


def _restore_sqlite(data_dir: Path, backup_file: Path, stamp: str) -> str:
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    live = data_dir / DB_FILE
    kept = ""
    if live.exists():
        kept_path = data_dir / f"{DB_FILE}.replaced-{stamp}"
        os.link(live, kept_path)  # the old one stays under a new name; the swap below is atomic
        kept = str(kept_path)
    _backup_sqlite(backup_file, live)
    return kept


def _restore_postgres(data_dir: Path, backup_file: Path, stamp: str) -> str:
    cluster = Cluster(data_dir)
    if not cluster.exists:
        cluster.init()
    cluster.start()
    try:
        if not cluster.sql(f"SELECT 1 FROM pg_roles WHERE rolname = '{ROLE}'").strip():
            cluster.sql(f"CREATE ROLE {ROLE} LOGIN;")  # `server start` gives it its password from .env
        staging = f"{DATABASE}_restore_{stamp.lower()}"
        cluster.sql(f"CREATE DATABASE {staging} OWNER {ROLE};")
        try:
            with open(backup_file, "rb") as f:  # on stdin: the postgres account need not read the file
                args = [*cluster.client_args("pg_restore", staging), "--no-owner", f"--role={ROLE}", "--exit-on-error"]
                cluster.run(args, stdin=f)
        except BaseException:
            cluster.drop_database(staging)
            raise
        kept = ""
        if cluster.database_exists():
            kept = f"{DATABASE}_replaced_{stamp.lower()}"
            cluster.sql(f"ALTER DATABASE {DATABASE} RENAME TO {kept};")
        cluster.sql(f"ALTER DATABASE {staging} RENAME TO {DATABASE};")
        return f"database {kept}" if kept else ""
    finally:
        cluster.stop()
