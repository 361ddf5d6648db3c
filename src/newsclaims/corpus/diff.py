"""The manifest's diff against the parent version (added, removed, changed document ids).

Both documents files are sorted by id, so the diff is a merge of the parent's lines with the
new lines as they are written: no map of every document's hash in memory. The ids go to
scratch files (one per kind) until the manifest is written.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

from newsclaims.corpus import versions as V
from newsclaims.corpus.errors import CorpusError

KINDS = ("added", "removed", "changed")  # the order of Summary.diff


def parent_lines(parent: str | None, out_dir: Path) -> Iterator[tuple[str, bytes]]:
    """(id, sha256 of the line) of every document of `parent`, in the file's (id) order."""
    if parent is None:
        return
    with open(V.version_dir(parent, out_dir) / V.DOCUMENTS_FILE, "rb") as f:
        for line in f:
            yield json.loads(line)["id"], hashlib.sha256(line).digest()


class ParentDiff:
    def __init__(self, scratch: Path, before: Iterator[tuple[str, bytes]]):
        self.scratch = Path(scratch)
        self.before = before
        self.counts = dict.fromkeys(KINDS, 0)
        self._files = {kind: open(self._path(kind), "w+", encoding="utf-8") for kind in KINDS}  # noqa: SIM115

    def _path(self, kind: str) -> Path:
        return self.scratch.with_name(f"{self.scratch.name}-{kind}")

    def _note(self, kind: str, doc_id: str) -> None:
        self._files[kind].write(doc_id + "\n")
        self.counts[kind] += 1

    def _parent(self) -> Iterator[tuple[str, bytes]]:
        last = None
        for doc_id, digest in self.before:
            if last is not None and doc_id <= last:
                raise CorpusError(f"the parent version's documents are not sorted by id ({last!r}, then {doc_id!r})")
            last = doc_id
            yield doc_id, digest

    def compare(self, lines: Iterator[tuple[str, bytes]]) -> Iterator[bytes]:
        """Pass the new (id, line) pairs, sorted by id, through as lines, noting the differences."""
        parent = self._parent()
        old = next(parent, None)
        for doc_id, line in lines:
            while old is not None and old[0] < doc_id:
                self._note("removed", old[0])
                old = next(parent, None)
            if old is not None and old[0] == doc_id:
                if old[1] != hashlib.sha256(line).digest():
                    self._note("changed", doc_id)
                old = next(parent, None)
            else:
                self._note("added", doc_id)
            yield line
        while old is not None:
            self._note("removed", old[0])
            old = next(parent, None)
        for f in self._files.values():
            f.flush()

    def ids(self, kind: str) -> Iterator[str]:
        f = self._files[kind]
        f.seek(0)
        for line in f:
            yield line.rstrip("\n")

    def close(self) -> None:
        for kind, f in self._files.items():
            f.close()
            self._path(kind).unlink(missing_ok=True)
