"""The `write` step: accepted documents spooled to disk as JSON lines, in arrival order, so
that per document only a few fixed-size keys stay in memory until they are written sorted."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from newsclaims.corpus.document import Document, NearDuplicate
from newsclaims.corpus.jsonl import json_line
from newsclaims.corpus.pipeline import Draft, Item, PipelineStep
from newsclaims.corpus.scratch import drop_scratch_db, scratch_db


class Spool:
    """Accepted documents on disk as JSON lines without near duplicates, in arrival order; their
    ids and offsets in a scratch SQLite table next to it (so memory stays flat), which also gives
    them back sorted by id (SQLite's BINARY order of UTF-8 is Python's order of str)."""

    def __init__(self, path: Path):
        self.path = path
        self.file = open(path, "w+b")  # noqa: SIM115
        self._db_path = path.with_name(path.name + ".sqlite")
        self._db = scratch_db(self._db_path)
        self._db.execute(
            "CREATE TABLE spooled (id TEXT PRIMARY KEY, offset INTEGER NOT NULL, length INTEGER NOT NULL) WITHOUT ROWID"
        )

    def __contains__(self, doc_id: str) -> bool:
        return self._db.execute("SELECT 1 FROM spooled WHERE id = ?", (doc_id,)).fetchone() is not None

    def add(self, doc: Document, line: bytes | None = None) -> None:
        line = line if line is not None else json_line(doc.to_dict())
        self._db.execute("INSERT INTO spooled VALUES (?, ?, ?)", (doc.id, self.file.tell(), len(line)))
        self.file.write(line)

    def sorted_lines(self, near: dict[str, list[NearDuplicate]]) -> Iterator[tuple[str, bytes]]:
        """(id, final JSON line) by id. A document without near duplicates is written as spooled:
        the same serialization, so no need to parse it again."""
        self.file.flush()
        for doc_id, offset, length in self._db.execute("SELECT id, offset, length FROM spooled ORDER BY id"):
            self.file.seek(offset)
            line = self.file.read(length)
            if doc_id in near:
                record = json.loads(line)
                record["near_duplicates"] = [
                    {"id": n.id, "similarity": n.similarity} for n in sorted(near[doc_id], key=lambda n: n.id)
                ]
                line = json_line(record)
            yield doc_id, line

    def close(self) -> None:
        self.file.close()
        self.path.unlink(missing_ok=True)
        drop_scratch_db(self._db, self._db_path)


class WriteSpool(PipelineStep[Draft]):
    name = "write"
    skips_reused = False  # a reused document is written too (its line as the parent had it)
    per_file = False

    def __init__(self, spool: Spool):
        self.spool = spool

    def apply(self, draft: Draft) -> Item:
        self.spool.add(draft.doc, draft.line)
        return draft
