"""Scratch SQLite files for a build's per-document lookups (seen ids, first text of each digest).

On disk with a small page cache, so the build's memory does not grow with the corpus. Scratch,
not output: no journal, no fsync, never committed; the owner deletes the file when done (and
an interrupted build's temp directory goes with it).
"""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

CACHE_KIB = 1024  # SQLite's page cache per scratch file (lookups mostly miss it anyway: ids are hashes)


def scratch_db(path: Path) -> sqlite3.Connection:
    Path(path).unlink(missing_ok=True)
    db = sqlite3.connect(path)
    for pragma in ("journal_mode=OFF", "synchronous=OFF", f"cache_size=-{CACHE_KIB}", "temp_store=FILE"):
        db.execute(f"PRAGMA {pragma}")
    return db


def drop_scratch_db(db: sqlite3.Connection, path: Path) -> None:
    with contextlib.suppress(sqlite3.Error):
        db.close()
    Path(path).unlink(missing_ok=True)
