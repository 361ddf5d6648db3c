"""`annotate server backup` / `restore` on a SQLite data dir (no server needed: the backup API
copies the database file consistently; restore swaps it in atomically and keeps the old one)."""

from __future__ import annotations

import sqlite3

import pytest

from newsclaims.annotation.backup import backup, restore
from newsclaims.annotation.server import ServerError
from newsclaims.annotation.server_state import DB_FILE


def _rows(path) -> list[tuple[int, str]]:
    with sqlite3.connect(path) as db:
        return db.execute("SELECT id, title FROM project ORDER BY id").fetchall()


def test_sqlite_backup_and_restore_round_trip(tmp_path):
    data_dir = tmp_path / "ls"
    data_dir.mkdir()
    live = data_dir / DB_FILE
    with sqlite3.connect(live) as db:
        db.execute("CREATE TABLE project (id INTEGER PRIMARY KEY, title TEXT)")
        db.executemany("INSERT INTO project VALUES (?, ?)", [(1, "first"), (2, "second ✓")])
    # A writer holds an open transaction while the backup runs: the copy has the committed rows.
    writer = sqlite3.connect(live)
    writer.execute("INSERT INTO project VALUES (3, 'uncommitted')")
    saved = backup(data_dir)
    writer.rollback()
    writer.close()
    assert saved.parent == data_dir / "backups" and saved.stat().st_mode & 0o777 == 0o600
    assert _rows(saved) == [(1, "first"), (2, "second ✓")]

    with sqlite3.connect(live) as db:
        db.execute("DELETE FROM project WHERE id = 1")
        db.execute("INSERT INTO project VALUES (4, 'after the backup')")
    kept = restore(data_dir, saved)
    assert _rows(live) == [(1, "first"), (2, "second ✓")]
    assert _rows(kept) == [(2, "second ✓"), (4, "after the backup")]  # the replaced one, kept


def test_restore_refuses_what_is_not_a_backup_and_the_other_backend(tmp_path):
    data_dir = tmp_path / "ls"
    (data_dir / "pg").mkdir(parents=True)
    (data_dir / "pg" / "PG_VERSION").write_text("15\n")  # a data dir holding a PostgreSQL cluster
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database at all")
    with pytest.raises(ServerError, match="neither a SQLite database nor a pg_dump archive"):
        restore(data_dir, junk)
    good = tmp_path / "good.sqlite3"
    with sqlite3.connect(good) as db:
        db.execute("CREATE TABLE t (x)")
    with pytest.raises(ServerError, match="holds a postgresql database, not sqlite"):
        restore(data_dir, good)
    assert not (data_dir / DB_FILE).exists()
