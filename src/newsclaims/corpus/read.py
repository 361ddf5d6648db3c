"""The first step: raw files -> one Draft per article (per record for .jsonl), a Reject for
every other file; with the parent version as a read-through cache in front (parent_cache.py)."""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Iterator
from typing import TYPE_CHECKING

from newsclaims.corpus.defaults import DEFAULT_MAX_BYTES
from newsclaims.corpus.document import Document, Reject
from newsclaims.corpus.pipeline import Draft, Item, PipelineStep
from newsclaims.corpus.rawfolder import RawFile, Sidecars, SourceFields
from newsclaims.corpus.reasons import RejectReason as R

if TYPE_CHECKING:
    from newsclaims.corpus.parent_cache import ParentCache


def document_id(raw_path: str, record_key: str | None = None) -> str:
    """Stable id: from where the document came from (NFC path + record key), never its text."""
    key = unicodedata.normalize("NFC", raw_path)
    if record_key is not None:
        key += "\n" + record_key
    return "nc-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


class Read(PipelineStep[RawFile]):
    """Takes raw files (so counts files in, items out: a .jsonl file gives several)."""

    name = "read"

    def __init__(self, sidecars: Sidecars, max_bytes: int = DEFAULT_MAX_BYTES, cache: ParentCache | None = None):
        self.sidecars, self.max_bytes, self.cache = sidecars, max_bytes, cache

    def take(self, f: RawFile) -> Iterator[Item]:
        """A hit in the parent cache goes on as a reused Draft (or the parent's Reject), which
        the later steps let by; a miss is read."""
        cache = self.cache
        if cache is None or not cache.covers(f):
            yield from self.read_file(f)
        elif cache.one_document(f, self.max_bytes):
            hit = cache.lookup_file(f)  # without reading the file
            yield from [hit] if hit is not None else self.read_file(f)
        else:
            for item in self.read_file(f):
                yield (cache.lookup(item) or item) if isinstance(item, Draft) else item

    def read_file(self, f: RawFile) -> Iterator[Item]:
        sidecars, max_bytes = self.sidecars, self.max_bytes
        if f.role == "metadata":
            if f.rel in sidecars.problems:
                yield Reject(f.rel, R.BAD_SIDECAR, sidecars.problems[f.rel], f.sha256())
            return  # a good sidecar is accounted for in the manifest's inputs
        if f.outside_link:
            yield Reject(f.rel, R.SYMLINK_OUTSIDE_RAW, "symbolic link to a file outside the raw dir")
            return
        if f.role == "other":
            yield Reject(f.rel, R.UNKNOWN_EXTENSION, "not .txt, .html, .htm or .jsonl", _maybe_sha(f))
            return
        if f.format != "jsonl" and f.size > max_bytes:
            yield Reject(f.rel, R.TOO_LARGE, f"{f.size} bytes > limit {max_bytes}", f.sha256())
            return
        try:
            if f.format == "jsonl":
                yield from self._read_jsonl(f)
            else:
                data = f.path.read_bytes()
                doc = Document(
                    id=document_id(f.rel),
                    text="",
                    raw_path=f.rel,
                    raw_sha256=hashlib.sha256(data).hexdigest(),
                    format=f.format or "txt",
                )
                yield Draft(doc, data, sidecars.for_article(f.rel))
        except OSError as e:
            yield Reject(f.rel, R.UNREADABLE, str(e))

    def _read_jsonl(self, f: RawFile) -> Iterator[Item]:
        # Parsed line by line (not with jsonlines.Reader) to apply the size limit per record and
        # report the line number of every bad record.
        max_bytes = self.max_bytes
        raw_sha256 = f.sha256()
        seen: set[str] = set()
        n_records = 0
        with open(f.path, "rb") as fh:
            for lineno, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                n_records += 1

                def reject(reason: R, detail: str, lineno: int = lineno) -> Reject:
                    return Reject(f.rel, reason, detail, raw_sha256, record=lineno)

                if len(line) > max_bytes:
                    yield reject(R.TOO_LARGE, f"record of {len(line)} bytes > limit {max_bytes}")
                    continue
                try:
                    record = json.loads(line.decode("utf-8-sig" if lineno == 1 else "utf-8"))
                except (UnicodeDecodeError, ValueError) as e:
                    yield reject(R.BAD_RECORD, f"not a JSON line: {e}")
                    continue
                if not isinstance(record, dict) or not isinstance(record.get("text"), str):
                    yield reject(R.BAD_RECORD, "a record must be a JSON object with a string 'text'")
                    continue
                key = str(record["id"]) if isinstance(record.get("id"), (str, int)) else f"line:{lineno}"
                if key in seen:
                    yield reject(R.DUPLICATE_RECORD_ID, f"record id {key!r} appears earlier in the file")
                    continue
                seen.add(key)
                doc = Document(
                    id=document_id(f.rel, key),
                    text=record["text"],
                    raw_path=f.rel,
                    raw_sha256=raw_sha256 or "",
                    format="jsonl",
                )
                yield Draft(doc, None, SourceFields.from_mapping(record), given_by="record", record=lineno)
        if n_records == 0:
            yield Reject(f.rel, R.EMPTY, "no records", raw_sha256)


def _maybe_sha(f: RawFile) -> str | None:
    return f.sha256() if f.path.is_file() else None
