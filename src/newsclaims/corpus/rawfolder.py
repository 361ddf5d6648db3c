"""What is in the raw folder: article files, metadata sidecars, and everything else.

Every file under the raw dir becomes one `RawFile`; nothing is silently skipped.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from pathlib import Path

from newsclaims.fsutil import sha256_file

ARTICLE_FORMATS = {".txt": "txt", ".html": "html", ".htm": "html", ".jsonl": "jsonl"}
SIDECAR_SUFFIX = ".meta.json"
SOURCES_CSV = "sources.csv"
SOURCES_CSV_COLUMNS = ("path", "url", "outlet", "license", "retrieved")


@dataclass(frozen=True)
class RawFile:
    path: Path  # absolute
    rel: str  # relative to the raw dir, POSIX separators, as the file system spells it
    size: int
    role: str  # article | metadata | other
    format: str | None  # txt | html | jsonl for articles
    outside_link: bool = False  # a symlink that resolves outside the raw dir

    def sha256(self) -> str | None:
        return None if self.outside_link else sha256_file(self.path)


@dataclass
class SourceFields:
    """Metadata given next to the text (sidecar, sources.csv, a .jsonl record, html meta)."""

    title: str | None = None
    source: str | None = None  # the outlet
    date: str | None = None
    dateline: str | None = None
    url: str | None = None
    license: str | None = None
    retrieved: str | None = None
    authors: tuple[str, ...] = ()
    language: str | None = None  # ISO 639-1
    encoding: str | None = None  # of the raw bytes, overriding detection (sidecar only)
    # Where a field found in a page or a header came from (field name -> html | meta | json_ld |
    # open_graph | header); given fields (sidecar, record) leave it empty.
    origin: dict[str, str] = field(default_factory=dict, compare=False)

    def merged_over(self, other: SourceFields) -> SourceFields:
        """These fields, falling back to `other` where unset. A date without its year ("--MM-DD")
        gives way to a full date from `other`."""
        values, origin = {}, {}
        for f in fields(self):
            if f.name == "origin":
                continue
            mine, theirs = getattr(self, f.name), getattr(other, f.name)
            if f.name == "date" and mine and theirs and mine.startswith("--") and not theirs.startswith("--"):
                mine = None
            values[f.name] = mine or theirs
            where = (self.origin if mine else other.origin).get(f.name)
            if where and values[f.name]:
                origin[f.name] = where
        return SourceFields(**values, origin=origin)

    @classmethod
    def from_mapping(cls, m: dict) -> SourceFields:
        def text(*keys: str) -> str | None:
            for k in keys:
                v = m.get(k)
                if isinstance(v, (str, int, float)) and not isinstance(v, bool) and str(v).strip():
                    return str(v).strip()
            return None

        return cls(
            title=text("title", "headline"),
            source=text("outlet", "source", "sitename", "publisher"),
            date=text("date", "published", "date_published"),
            dateline=text("dateline"),
            url=text("url", "link"),
            license=text("license"),
            retrieved=text("retrieved", "retrieved_at", "fetched"),
            authors=_names(m.get("authors", m.get("author"))),
            language=_language(text("language", "lang")),
            encoding=text("encoding", "charset"),
        )


def _language(value: str | None) -> str | None:
    """ "en", "en-GB", "en_US" -> "en"; anything else is not a language code."""
    code = (value or "").split("-")[0].split("_")[0].strip().lower()
    return code if len(code) == 2 and code.isalpha() else None


def _names(value: object) -> tuple[str, ...]:
    """A list of author names, or one string of them separated by ';' (trafilatura's way)."""
    items = value if isinstance(value, list) else str(value).split(";") if isinstance(value, str) else []
    return tuple(dict.fromkeys(n.strip() for n in items if isinstance(n, str) and n.strip()))


@dataclass
class Sidecars:
    """Metadata for articles keyed by their relative path, plus sidecar files that were unreadable."""

    by_path: dict[str, SourceFields] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)  # sidecar rel path -> what is wrong

    def for_article(self, rel: str) -> SourceFields:
        return self.by_path.get(rel, SourceFields())


def _role(rel: str) -> tuple[str, str | None]:
    name = rel.rsplit("/", 1)[-1]
    if name.endswith(SIDECAR_SUFFIX) or rel == SOURCES_CSV:
        return "metadata", None
    fmt = ARTICLE_FORMATS.get(os.path.splitext(name)[1].lower())
    return ("article", fmt) if fmt else ("other", None)


def list_raw_files(raw_dir: Path) -> list[RawFile]:
    """All files under raw_dir (following links inside it), sorted by relative path."""
    raw_dir = Path(raw_dir)
    root = raw_dir.resolve()
    found: list[RawFile] = []
    for dirpath, dirnames, filenames in os.walk(raw_dir, followlinks=False):
        dirnames.sort()
        for name in filenames:
            path = Path(dirpath) / name
            rel = path.relative_to(raw_dir).as_posix()
            role, fmt = _role(rel)
            outside = path.is_symlink() and not path.resolve().is_relative_to(root)
            if not outside and not path.is_file():  # dangling link, fifo, socket: not content
                role, fmt = "other", None
            size = 0 if outside or not path.is_file() else path.stat().st_size
            found.append(RawFile(path, rel, size, role, fmt, outside))
    return sorted(found, key=lambda f: f.rel)


def sidecar_target(rel: str, article_rels: set[str]) -> str | None:
    """`a/b.txt.meta.json` or `a/b.meta.json` -> the article it describes."""
    base = rel[: -len(SIDECAR_SUFFIX)]
    if base in article_rels:
        return base
    matches = sorted(a for a in article_rels if os.path.splitext(a)[0] == base)
    return matches[0] if len(matches) == 1 else None


def load_sidecars(files: Iterable[RawFile], max_bytes: int) -> Sidecars:
    sidecars = Sidecars()
    article_rels: set[str] = set()
    metadata: list[RawFile] = []  # one pass over the files: they may be a stream
    for f in files:
        if f.role == "article":
            article_rels.add(f.rel)
        elif f.role == "metadata":
            metadata.append(f)
    csv_rows: dict[str, SourceFields] = {}
    for f in metadata:
        if f.outside_link or f.size > max_bytes:
            sidecars.problems[f.rel] = "outside the raw dir or too large"
            continue
        try:
            if f.rel == SOURCES_CSV:
                csv_rows = _read_sources_csv(f.path)
                continue
            data = json.loads(f.path.read_bytes().decode("utf-8-sig"))
            if not isinstance(data, dict):
                raise ValueError("not a JSON object")
        except (ValueError, UnicodeDecodeError, OSError) as e:
            sidecars.problems[f.rel] = f"unreadable metadata: {e}"
            continue
        target = sidecar_target(f.rel, article_rels)
        if target is None:
            sidecars.problems[f.rel] = "sidecar without a matching article"
            continue
        sidecars.by_path[target] = SourceFields.from_mapping(data)
    # A per-file sidecar is more specific than the shared sources.csv.
    for rel, row in csv_rows.items():
        sidecars.by_path[rel] = sidecars.by_path.get(rel, SourceFields()).merged_over(row)
    return sidecars


def _read_sources_csv(path: Path) -> dict[str, SourceFields]:
    reader = csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig")))
    if not reader.fieldnames or "path" not in reader.fieldnames:
        raise ValueError(f"{SOURCES_CSV} needs a header with columns {','.join(SOURCES_CSV_COLUMNS)}")
    rows = {}
    for row in reader:
        rel = (row.get("path") or "").strip().removeprefix("./")
        if rel:
            rows[rel] = SourceFields.from_mapping(row)
    return rows
