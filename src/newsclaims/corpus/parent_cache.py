"""Incremental builds: a cache, keyed by raw file, of the per-file results of the parent version.

The per-file steps (decode, html, normalize, header, paragraphs, metadata, language) are a
function of the file's bytes, its metadata and the build settings. When the parent was built
with the same settings and normalizer, the same metadata inputs, and a file's sha256 is
unchanged, its documents (without their near-duplicate links, which depend on the whole
corpus) and its per-file rejects are exactly what the steps would produce again. The build's
`read` step (read.py) asks this cache first and sends only misses through the steps; validation
and deduplication still see every document in file order, so the version is byte-identical to
a build from scratch. Whatever the parent cannot vouch for (files it rejected as duplicates or
invalid, new or changed files) is a miss.
"""

from __future__ import annotations

import array
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import numpy as np

from newsclaims.corpus import versions as V
from newsclaims.corpus.document import Document, Reject
from newsclaims.corpus.filetable import InputFile
from newsclaims.corpus.jsonl import json_line
from newsclaims.corpus.normalize import recorded_normalizer_version
from newsclaims.corpus.pipeline import Draft, Item
from newsclaims.corpus.rawfolder import RawFile, sidecar_target
from newsclaims.corpus.read import document_id
from newsclaims.corpus.reasons import PER_FILE_REASONS

_NO_LINKS = b'"near_duplicates":[]'


class SortedKeys:
    """A set of strings as one sorted numpy array of UTF-8 bytes (fixed width, so ~ the keys'
    length per key, not ~100 bytes of str and set slot), with a row number for each key.
    numpy orders bytes as memcmp does, which for UTF-8 is Python's order of str."""

    def __init__(self, keys: list[str]):
        encoded = np.array([k.encode("utf-8", "surrogateescape") for k in keys], dtype=bytes)
        self._order = np.argsort(encoded, kind="stable")
        self._keys = encoded[self._order]

    def row(self, key: str) -> int | None:
        """The key's position in the list it was made from; None if absent."""
        encoded = key.encode("utf-8", "surrogateescape")
        if not len(self._keys) or b"\0" in encoded or len(encoded) > self._keys.dtype.itemsize:
            return None
        at = int(np.searchsorted(self._keys, encoded))
        return int(self._order[at]) if at < len(self._keys) and self._keys[at] == encoded else None

    def __contains__(self, key: str) -> bool:
        return self.row(key) is not None

    def __len__(self) -> int:
        return len(self._keys)


@dataclass
class ParentCache:
    documents_file: Path
    unchanged: SortedKeys  # raw paths whose bytes are the parent's
    # The parent's documents of unchanged files: id -> (offset, length) in its documents file.
    ids: SortedKeys = field(default_factory=lambda: SortedKeys([]))
    offsets: np.ndarray = field(default_factory=lambda: np.zeros((0, 2), dtype=np.int64))
    rejects: dict[tuple[str, int | None], Reject] = field(default_factory=dict)
    _file: BinaryIO | None = None

    def document(self, doc_id: str, raw_path: str) -> tuple[Document, bytes] | None:
        row = self.ids.row(doc_id)
        if row is None:
            return None
        if self._file is None:
            self._file = open(self.documents_file, "rb")  # noqa: SIM115 (one per process, read on demand)
        offset, length = self.offsets[row].tolist()
        self._file.seek(offset)
        line = self._file.read(length)
        record = json.loads(line)
        if record["raw_path"] != raw_path:
            return None
        # Compact JSON with sorted keys: an unescaped `"near_duplicates":[]` can only be the
        # top-level key (a quote inside a string value is escaped), so the line is already
        # what the spool would write. Otherwise serialize it again without the links.
        if _NO_LINKS not in line:
            record["near_duplicates"] = []
            line = json_line(record)
        return Document.from_dict(record), line

    def covers(self, f: RawFile) -> bool:
        """Whether the parent holds results for the file (an article with the parent's bytes)."""
        return f.role == "article" and not f.outside_link and f.rel in self.unchanged

    def lookup_file(self, f: RawFile) -> Item | None:
        """The parent's item for a one-document file, without reading it (its id is its path's)."""
        return self.lookup(Draft(Document(id=document_id(f.rel), text="", raw_path=f.rel, raw_sha256="")))

    def one_document(self, f: RawFile, max_bytes: int) -> bool:
        """Whether `lookup_file` applies: a .jsonl file holds several, a too large one none."""
        return f.format != "jsonl" and f.size <= max_bytes

    def lookup(self, draft: Draft) -> Item | None:
        """The parent's Document (as a reused Draft) or per-file Reject for what `draft` was read
        from; None on a miss."""
        doc = self.document(draft.doc.id, draft.doc.raw_path)
        if doc is not None:
            return Draft(doc[0], None, record=draft.record, reused=True, line=doc[1])
        return self.rejects.get((draft.doc.raw_path, draft.record))

    def __getstate__(self) -> dict:  # worker processes open the file themselves
        return {**self.__dict__, "_file": None}


def _sidecar_targets(metadata: list[str], articles: set[str]) -> dict[str, str | None]:
    return {m: sidecar_target(m, articles) for m in metadata if m.endswith(".meta.json")}


def load_parent_cache(
    parent: str | None, out_dir: Path, inputs: Iterable[InputFile], settings_recorded: dict
) -> ParentCache | None:
    """What the build may take from `parent`; None when nothing (other settings or metadata)."""
    if parent is None:
        return None
    manifest = V.read_manifest(parent, out_dir)
    now = {i.path: i for i in inputs}
    if (
        manifest.get("normalizer_version") != recorded_normalizer_version(now)
        or manifest.get("settings") != settings_recorded
    ):
        return None
    before = {i["path"]: i for i in manifest["inputs"]}
    meta_before = sorted((p, i["sha256"]) for p, i in before.items() if i["role"] == "metadata")
    meta_now = sorted((p, i.sha256) for p, i in now.items() if i.role == "metadata")
    if meta_before != meta_now:  # we cannot tell which articles' metadata changed
        return None
    metadata = [p for p, _ in meta_now]
    if _sidecar_targets(metadata, {p for p, i in before.items() if i["role"] == "article"}) != _sidecar_targets(
        metadata, {p for p, i in now.items() if i.role == "article"}
    ):
        return None
    unchanged = SortedKeys(
        [
            p
            for p, i in now.items()
            if i.role == "article" and i.sha256 is not None and before.get(p, {}).get("sha256") == i.sha256
        ]
    )
    del before, now
    documents_file = V.version_dir(parent, out_dir) / V.DOCUMENTS_FILE
    ids, offsets, offset = [], array.array("q"), 0
    with open(documents_file, "rb") as f:
        for line in f:
            record = json.loads(line)
            if record["raw_path"] in unchanged:
                ids.append(record["id"])
                offsets += array.array("q", (offset, len(line)))
            offset += len(line)
    outcomes = ParentCache(
        documents_file, unchanged, SortedKeys(ids), np.frombuffer(offsets, dtype=np.int64).reshape(-1, 2).copy()
    )
    for r in V.load_rejects(parent, out_dir):
        if r["raw_path"] in unchanged and r["reason"] in PER_FILE_REASONS:
            outcomes.rejects[(r["raw_path"], r.get("record"))] = Reject.from_dict(r)
    return outcomes
