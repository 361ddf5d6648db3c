"""The corpus pipeline: small generator steps, each doing one thing.

    read -> decode -> extract_html -> normalize -> extract_header -> segment -> apply_metadata
         -> detect_language -> [validate -> dedup  (in build.py, they need the whole stream)]

Items are `Draft`s (a Document being built) or `Reject`s. Every step passes Rejects through
unchanged, so whatever goes in comes out as a Document or a Reject: nothing vanishes.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date as Date
from datetime import datetime

import numpy as np

from newsclaims.corpus.decode import DecodeFailure, decode_bytes
from newsclaims.corpus.dedup import minhash
from newsclaims.corpus.document import Document, Reject
from newsclaims.corpus.header import split_header
from newsclaims.corpus.html import MAX_PARSER_DEPTH, extract_html, nesting_depth
from newsclaims.corpus.inputs import RawFile, Sidecars, SourceFields
from newsclaims.corpus.language import detect_language
from newsclaims.corpus.normalize import normalize_text
from newsclaims.corpus.paragraphs import derive_title, segment

DEFAULT_MAX_BYTES = 20 * 1024 * 1024


def document_id(raw_path: str, record_key: str | None = None) -> str:
    """Stable id: from where the document came from (NFC path + record key), never its text."""
    key = unicodedata.normalize("NFC", raw_path)
    if record_key is not None:
        key += "\n" + record_key
    return "nc-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


@dataclass
class Draft:
    doc: Document
    data: bytes | None = None  # raw bytes until decoded
    given: SourceFields = field(default_factory=SourceFields)  # sidecar / record metadata
    given_by: str = "sidecar"  # where `given` came from: sidecar | record
    found: SourceFields = field(default_factory=SourceFields)  # from the html page or the text header
    record: int | None = None
    # Taken unchanged from the parent version (see reuse.py): already validated, and `line` is
    # its JSON line with no near duplicates, exactly as the spool would serialize it.
    reused: bool = False
    line: bytes | None = None
    # MinHash values of the text when a worker computed them (`sign`); else dedup computes them.
    signature: np.ndarray | None = None

    def reject(self, reason: str, detail: str = "") -> Reject:
        return Reject(self.doc.raw_path, reason, detail, self.doc.raw_sha256, record=self.record)


Item = Draft | Reject


# ---- read --------------------------------------------------------------------------------
def read(files: Iterable[RawFile], sidecars: Sidecars, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Item]:
    """One Draft per article (per record for .jsonl); a Reject for every other file."""
    for f in files:
        if f.role == "metadata":
            if f.rel in sidecars.problems:
                yield Reject(f.rel, "bad_sidecar", sidecars.problems[f.rel], f.sha256())
            continue  # a good sidecar is accounted for in the manifest's inputs
        if f.outside_link:
            yield Reject(f.rel, "symlink_outside_raw", "symbolic link to a file outside the raw dir")
            continue
        if f.role == "other":
            yield Reject(f.rel, "unknown_extension", "not .txt, .html, .htm or .jsonl", _maybe_sha(f))
            continue
        if f.format != "jsonl" and f.size > max_bytes:
            yield Reject(f.rel, "too_large", f"{f.size} bytes > limit {max_bytes}", f.sha256())
            continue
        try:
            if f.format == "jsonl":
                yield from _read_jsonl(f, max_bytes)
            else:
                data = f.path.read_bytes()
                doc = Document(id=document_id(f.rel), text="", raw_path=f.rel,
                               raw_sha256=hashlib.sha256(data).hexdigest(), format=f.format)
                yield Draft(doc, data, sidecars.for_article(f.rel))
        except OSError as e:
            yield Reject(f.rel, "unreadable", str(e))


def _maybe_sha(f: RawFile) -> str | None:
    return f.sha256() if f.path.is_file() else None


def _read_jsonl(f: RawFile, max_bytes: int) -> Iterator[Item]:
    # Parsed line by line (not with jsonlines.Reader) to apply the size limit per record and
    # report the line number of every bad record.
    raw_sha256 = f.sha256()
    seen: set[str] = set()
    n_records = 0
    with open(f.path, "rb") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            n_records += 1
            reject = lambda reason, detail: Reject(f.rel, reason, detail, raw_sha256, record=lineno)  # noqa: E731
            if len(line) > max_bytes:
                yield reject("too_large", f"record of {len(line)} bytes > limit {max_bytes}")
                continue
            try:
                record = json.loads(line.decode("utf-8-sig" if lineno == 1 else "utf-8"))
            except (UnicodeDecodeError, ValueError) as e:
                yield reject("bad_record", f"not a JSON line: {e}")
                continue
            if not isinstance(record, dict) or not isinstance(record.get("text"), str):
                yield reject("bad_record", "a record must be a JSON object with a string 'text'")
                continue
            key = str(record["id"]) if isinstance(record.get("id"), (str, int)) else f"line:{lineno}"
            if key in seen:
                yield reject("duplicate_record_id", f"record id {key!r} appears earlier in the file")
                continue
            seen.add(key)
            doc = Document(id=document_id(f.rel, key), text=record["text"], raw_path=f.rel,
                           raw_sha256=raw_sha256, format="jsonl")
            yield Draft(doc, None, SourceFields.from_mapping(record), given_by="record", record=lineno)
    if n_records == 0:
        yield Reject(f.rel, "empty", "no records", raw_sha256)


# ---- decode ------------------------------------------------------------------------------
def decode(items: Iterable[Item]) -> Iterator[Item]:
    for item in items:
        if isinstance(item, Draft) and item.data is not None:
            decoded = decode_bytes(item.data)
            item.data = None  # the bytes are not needed any more
            if isinstance(decoded, DecodeFailure):
                yield item.reject(decoded.reason, decoded.detail)
                continue
            item.doc.text = decoded.text
        yield item


# ---- extract_html ------------------------------------------------------------------------
def extract_main_text(items: Iterable[Item]) -> Iterator[Item]:
    for item in items:
        if isinstance(item, Draft) and item.doc.format == "html":
            if not item.doc.text.strip():
                yield item.reject("empty", "empty file")
                continue
            article = extract_html(item.doc.text)
            if article is None:
                detail = "trafilatura found no article text in the page"
                depth = nesting_depth(item.doc.text)
                if depth > MAX_PARSER_DEPTH:  # say why, or the reason looks like a bug of ours
                    detail += f" (elements nest {depth} levels deep; the HTML parser drops what is below {MAX_PARSER_DEPTH})"
                yield item.reject("no_main_text", detail)
                continue
            item.doc.text, item.doc.paragraphs, item.found = article.text, article.paragraphs, article.fields
        yield item


# ---- normalize ---------------------------------------------------------------------------
def normalize(items: Iterable[Item]) -> Iterator[Item]:
    for item in items:
        if isinstance(item, Draft):
            text = normalize_text(item.doc.text)
            if text != item.doc.text:
                item.doc.paragraphs = []  # structure from html no longer lines up: recompute
            item.doc.text = text
            if not text:
                yield item.reject("empty", "no text after normalization (empty or whitespace only)")
                continue
        yield item


# ---- extract_header ----------------------------------------------------------------------
def extract_header(items: Iterable[Item]) -> Iterator[Item]:
    """Move an agency header / dateline at the start of the text into metadata (kept in `removed`)."""
    for item in items:
        if isinstance(item, Draft):
            header, rest = split_header(item.doc.text)
            if header is not None:
                cut = len(item.doc.text) - len(rest)
                item.doc.text = rest
                item.doc.removed["header"] = header.text
                item.doc.paragraphs = [
                    type(p)(max(p.start - cut, 0), p.end - cut, p.kind) for p in item.doc.paragraphs if p.end > cut
                ]
                found = SourceFields(date=header.date, dateline=header.dateline, source=header.source)
                item.found = item.found.merged_over(found)
        yield item


# ---- segment -----------------------------------------------------------------------------
def segment_paragraphs(items: Iterable[Item]) -> Iterator[Item]:
    for item in items:
        if isinstance(item, Draft) and not item.doc.paragraphs:
            item.doc.paragraphs = segment(item.doc.text)
        yield item


# ---- apply_metadata ----------------------------------------------------------------------
def _iso_date(value: str | None) -> str | None:
    """YYYY-MM-DD of an ISO 8601 date or datetime; None when it is not one."""
    if not value:
        return None
    for parse in (Date.fromisoformat, lambda v: datetime.fromisoformat(v).date()):
        try:
            return parse(value.strip()).isoformat()
        except ValueError:
            pass
    return None


def apply_metadata(items: Iterable[Item]) -> Iterator[Item]:
    """Given metadata (sidecar, record) wins over what was found in the page or the text."""
    for item in items:
        if isinstance(item, Draft):
            doc, meta = item.doc, item.given.merged_over(item.found)
            doc.source, doc.dateline, doc.url, doc.license = meta.source, meta.dateline, meta.url, meta.license
            for name in ("date", "retrieved"):
                value = getattr(meta, name)
                setattr(doc, name, _iso_date(value))
                if value and getattr(doc, name) is None:
                    doc.removed[f"unparsed_{name}"] = value  # kept, but not a date we can read
            if item.given.title:
                doc.title, doc.title_source = item.given.title, item.given_by
            elif item.found.title:
                doc.title, doc.title_source = item.found.title, "html"
            else:
                doc.title, doc.title_source = derive_title(doc.text, doc.paragraphs)
            doc.text_sha256 = hashlib.sha256(doc.text.encode("utf-8")).hexdigest()
        yield item


# ---- detect_language ---------------------------------------------------------------------
def detect(items: Iterable[Item]) -> Iterator[Item]:
    for item in items:
        if isinstance(item, Draft):
            item.doc.language = detect_language(item.doc.text)
        yield item


# ---- sign --------------------------------------------------------------------------------
def sign(items: Iterable[Item]) -> Iterator[Item]:
    """MinHash values of each new text, for deduplication. Run by worker processes and engine
    tasks, so that the driver, which deduplicates, does not hash every shingle itself; a one-
    process build leaves it to dedup, which can take them from the signature cache instead."""
    for item in items:
        if isinstance(item, Draft) and not item.reused:
            item.signature = minhash(item.doc.text).hashvalues
        yield item


PER_FILE_STEPS = (decode, extract_main_text, normalize, extract_header, segment_paragraphs, apply_metadata, detect)


def run_steps(items: Iterable[Item]) -> Iterator[Item]:
    """The per-file steps after `read`."""
    for step in PER_FILE_STEPS:
        items = step(items)
    yield from items


def process(files: Iterable[RawFile], sidecars: Sidecars, max_bytes: int) -> Iterator[Item]:
    """Run the per-file steps: yields finished Drafts (not yet validated or deduplicated) and Rejects."""
    yield from run_steps(read(files, sidecars, max_bytes))
