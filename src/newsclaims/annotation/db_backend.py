"""Which database a Label Studio data dir holds (SQLite or our PostgreSQL cluster), and the
cleanups that differ between them."""

from __future__ import annotations

import contextlib
from pathlib import Path

from newsclaims.annotation.server_state import DB_FILE, ServerError

BACKENDS = ("sqlite", "postgresql")


def resolve_backend(data_dir: Path, db: str | None) -> str:
    """The database backend of a data dir: the one it holds; `db` must agree (or pick for a new dir)."""
    from newsclaims.annotation.postgres import Cluster

    held = [
        b
        for b, present in (("sqlite", (data_dir / DB_FILE).exists()), ("postgresql", Cluster(data_dir).exists))
        if present
    ]
    if db is not None and db not in BACKENDS:
        raise ServerError(f"unknown database backend {db!r}: choose one of {', '.join(BACKENDS)}")
    if db is not None and held and db not in held:
        raise ServerError(
            f"{data_dir} holds a {held[0]} database, not {db}: use another --data-dir (LS_DATA=...) for a {db} server"
        )
    return db or (held[0] if held else "sqlite")


def drop_new_database(data_dir: Path, backend: str) -> None:
    if backend == "postgresql":
        from newsclaims.annotation.postgres import Cluster, PostgresError

        with contextlib.suppress(PostgresError):
            Cluster(data_dir).drop_database()
    else:
        with contextlib.suppress(FileNotFoundError):
            (data_dir / DB_FILE).unlink()


def stop_cluster(data_dir: Path) -> None:
    from newsclaims.annotation.postgres import Cluster

    cluster = Cluster(data_dir)
    if cluster.exists:
        cluster.stop()
