"""Immutable annotation snapshots under `annotation/exports/<snapshot_id>/`.

    export.json        the pseudonymized raw Label Studio export (canonical JSON: keys sorted)
    annotations.jsonl  one AnnotationRecord per line, sorted by (doc_id, annotator, annotation_id)
    conflicts.jsonl    one DocumentConflict per document where annotators disagree (conflicts.py)
    snapshot.json      SnapshotMeta: id, project, corpus version(s), taxonomy digest, counts, file digests

`snapshot_id` = `<project-slug>-<first 12 hex of sha256(export.json)>`: the same export gives
the same id, so re-pulling unchanged annotations writes nothing. `annotation/exports/LATEST`
names the newest snapshot.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from newsclaims.annotation.export_parser import record_sort_key
from newsclaims.annotation.records import AnnotationRecord
from newsclaims.errors import NewsclaimsError
from newsclaims.fsutil import (
    atomic_directory,
    atomic_write_text,
    check_version_name,
    exclusive_writer,
    sha256_bytes,
    sha256_file,
)
from newsclaims.paths import EXPORTS_DIR

EXPORT_FILE = "export.json"
ANNOTATIONS_FILE = "annotations.jsonl"
META_FILE = "snapshot.json"
CONFLICTS_FILE = "conflicts.jsonl"
LATEST_FILE = "LATEST"


class SnapshotError(NewsclaimsError):
    pass


@dataclass
class SnapshotMeta:
    snapshot_id: str
    project: str
    corpus_version: str | None  # the one version all tasks came from; None if mixed or unknown
    corpus_versions: list[str]
    taxonomy_sha256: str
    counts: dict[str, int]
    files: dict[str, str]  # file name -> sha256
    # doc ids whose offsets were checked against the task's own text (corpus version not found)
    checked_against_task_text: list[str] = field(default_factory=list)
    pulled_at: str | None = None
    project_id: int | None = None  # the Label Studio project's id, for links to its tasks
    # Set on a snapshot made by `annotate migrate`: the snapshot it was re-anchored from, and the
    # corpus version(s) that one pointed into (corpus_versions names the new one).
    parent_snapshot: str | None = None
    migrated_from_corpus: list[str] | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> SnapshotMeta:
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in d.items() if k in known})


def slugify(title: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:40].strip("-")
    return slug or "project"


# Fields Label Studio computes from the clock at export time ("5 minutes" ago): dropped, or
# every re-pull of unchanged annotations would look like new data.
VOLATILE_KEYS = frozenset({"created_ago"})


def drop_volatile(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: drop_volatile(v) for k, v in obj.items() if k not in VOLATILE_KEYS}
    if isinstance(obj, list):
        return [drop_volatile(v) for v in obj]
    return obj


def canonical_export(tasks: list[dict[str, Any]]) -> bytes:
    """Deterministic bytes for a (pseudonymized) export: tasks by id, keys sorted, no clock-derived fields.

    The format is `json.dumps(..., sort_keys=True, ensure_ascii=False, indent=1)`: snapshot ids
    are digests of these bytes, so it never changes. Python 3.11 renders `indent` in pure
    Python (about 3 s for a 5k-task export); orjson renders the same bytes in C (indented by
    two, halved below) except for floats below 1e-4 (json 1e-05, orjson 0.00001) and ints
    beyond 64 bits, and it writes NaN as null. So the fast path is taken only when the orjson
    text holds no number that could be such a float and no volatile key the known places
    missed, and `tasks` must come from JSON text (no NaN: `pull` parses strictly); anything
    else takes the `json.dumps` path.
    """
    ordered = sorted(tasks, key=lambda t: t.get("id") or 0)
    fast = fast_canonical_export(ordered)
    if fast is not None:
        return fast
    return (json.dumps(drop_volatile(ordered), sort_keys=True, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def fast_canonical_export(ordered: list[Any]) -> bytes | None:
    """canonical_export's bytes through orjson, or None when they might differ from json's."""
    cleaned = _drop_known_volatile(ordered)
    try:
        pretty = orjson.dumps(cleaned, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS)
    except (TypeError, orjson.JSONEncodeError):  # e.g. a lone surrogate, a huge int: json decides
        return None
    if _VOLATILE_KEY_TEXT.search(pretty) or _has_small_float(pretty):
        return None
    return halve_indent(pretty) + b"\n"


# Where Label Studio serializers put clock-derived fields: the task, its annotations, drafts and
# predictions, and the prediction an annotation started from. A volatile key anywhere else
# sends canonical_export down the generic path.
_VOLATILE_LISTS = ("annotations", "drafts", "predictions")
_VOLATILE_NESTED = "prediction"
# A key in orjson's indented text is `"name": `; inside a string the quotes would be escaped.
_VOLATILE_KEY_TEXT = re.compile(b"|".join(re.escape(f'"{k}": '.encode()) for k in sorted(VOLATILE_KEYS)))
# orjson writes floats as `repr` does (1e+16 too) except below 1e-4: json 1e-05 and 1e-07,
# orjson 0.00001 and 1e-7. A line of orjson's indented text whose number value has that form
# sends canonical_export to json.dumps.
_SMALL_FLOAT_MARKS = (b"0.0000", b"e-")
_NUMBER_LINE = re.compile(rb' *(?:"(?:[^"\\]|\\.)*": )?-?[0-9][0-9.]*(?:e-[0-9]+)?,?')


def _has_small_float(pretty: bytes) -> bool:
    """Whether a number value in `pretty` may be a float below 1e-4 (literal scans: these marks
    are rare, and a regex over 50 MB is not)."""
    for mark in _SMALL_FLOAT_MARKS:
        i = pretty.find(mark)
        while i != -1:
            start = pretty.rfind(b"\n", 0, i) + 1
            end = pretty.find(b"\n", i)
            if _NUMBER_LINE.fullmatch(pretty, start, len(pretty) if end == -1 else end):
                return True
            i = pretty.find(mark, i + len(mark))
    return False


def _drop_known_volatile(tasks: list[Any]) -> list[Any]:
    def clean(d: Any) -> Any:
        return {k: v for k, v in d.items() if k not in VOLATILE_KEYS} if type(d) is dict else d

    def clean_item(item: Any) -> Any:
        item = clean(item)
        if type(item) is dict and type(item.get(_VOLATILE_NESTED)) is dict:
            item[_VOLATILE_NESTED] = clean(item[_VOLATILE_NESTED])
        return item

    out = []
    for task in tasks:
        task = clean(task)
        if type(task) is dict:
            for name in _VOLATILE_LISTS:
                items = task.get(name)
                if type(items) is list:
                    task[name] = [clean_item(item) for item in items]
        out.append(task)
    return out


def halve_indent(pretty: bytes) -> bytes:
    """orjson's 2-space indentation -> json's indent=1: drop half of each line's leading spaces.

    JSON text never holds a raw newline inside a string, so every newline is layout and the
    spaces after it are indentation, two per level (vectorized: 1.7M lines in a 5k-task export).
    """
    a = np.frombuffer(pretty, dtype=np.uint8)
    starts = np.flatnonzero(a == 0x0A) + 1
    if not starts.size:
        return pretty
    ends = starts.copy()  # -> the first non-space byte of each line, one level (two spaces) at a time
    live = np.arange(starts.size)
    while live.size:
        live = live[ends[live] < a.size]
        live = live[a[ends[live]] == 0x20]
        ends[live] += 2
    half = (ends - starts) // 2
    keep = np.ones(a.size, dtype=bool)
    for k in range(int(half.max())):
        keep[starts[half > k] + k] = False
    return a[keep].tobytes()


def snapshot_id_for(project_title: str, export_bytes: bytes) -> str:
    return check_version_name(f"{slugify(project_title)}-{sha256_bytes(export_bytes)[:12]}")


def annotations_jsonl(records: list[AnnotationRecord]) -> bytes:
    lines = [
        json.dumps(r.to_dict(), sort_keys=True, ensure_ascii=False) + "\n"
        for r in sorted(records, key=record_sort_key)
    ]
    return "".join(lines).encode("utf-8")


@dataclass
class SnapshotWrite:
    snapshot_id: str
    path: Path
    written: bool  # False: an identical snapshot already existed, nothing was written


def write_snapshot(
    tasks: list[dict[str, Any]],
    records: list[AnnotationRecord],
    *,
    project: str,
    taxonomy_sha256: str,
    counts: dict[str, int],
    checked_against_task_text: list[str] | None = None,
    pulled_at: str | None = None,
    exports_dir: Path | None = None,
    project_id: int | None = None,
    extra_files: dict[str, bytes] | None = None,
    parent_snapshot: str | None = None,
    migrated_from_corpus: list[str] | None = None,
) -> SnapshotWrite:
    """Write a snapshot in one atomic step, or nothing if the same export is already there.

    Holds the exports directory's lock: a concurrent pull is refused, and the hidden leftovers
    of a killed pull are removed before writing. `extra_files`: name -> bytes of files derived
    from the records (e.g. conflicts.jsonl), digested in snapshot.json like the others.
    """
    extra_files = dict(extra_files or {})
    exports_dir = Path(exports_dir or EXPORTS_DIR)
    busy = SnapshotError(f"another pull is writing to {exports_dir}; wait for it to finish and pull again")
    with exclusive_writer(exports_dir, busy):
        export_bytes = canonical_export(tasks)
        snapshot_id = snapshot_id_for(project, export_bytes)
        final = exports_dir / snapshot_id
        if final.exists():
            existing = final / EXPORT_FILE
            if not existing.is_file() or sha256_file(existing) != sha256_bytes(export_bytes):
                raise SnapshotError(f"{final} exists with different content; it is immutable: move it away to re-pull")
            _point_latest(exports_dir, snapshot_id)
            return SnapshotWrite(snapshot_id, final, written=False)

        records_bytes = annotations_jsonl(records)
        versions = sorted({r.corpus_version for r in records if r.corpus_version} | _task_versions(tasks))
        meta = SnapshotMeta(
            snapshot_id=snapshot_id,
            project=project,
            corpus_version=versions[0] if len(versions) == 1 else None,
            corpus_versions=versions,
            taxonomy_sha256=taxonomy_sha256,
            counts=dict(counts),
            files={EXPORT_FILE: sha256_bytes(export_bytes), ANNOTATIONS_FILE: sha256_bytes(records_bytes),
                   **{name: sha256_bytes(data) for name, data in sorted(extra_files.items())}},
            checked_against_task_text=sorted(checked_against_task_text or []),
            pulled_at=pulled_at,
            project_id=project_id,
            parent_snapshot=parent_snapshot,
            migrated_from_corpus=migrated_from_corpus,
        )
        with atomic_directory(final) as tmp:
            (tmp / EXPORT_FILE).write_bytes(export_bytes)
            (tmp / ANNOTATIONS_FILE).write_bytes(records_bytes)
            for name, data in sorted(extra_files.items()):
                (tmp / name).write_bytes(data)
            (tmp / META_FILE).write_text(json.dumps(meta.to_dict(), indent=2, sort_keys=True) + "\n", encoding="utf-8")
        _point_latest(exports_dir, snapshot_id)
        return SnapshotWrite(snapshot_id, final, written=True)


def _task_versions(tasks: list[dict[str, Any]]) -> set[str]:
    return {v for t in tasks if isinstance(v := (t.get("meta") or {}).get("corpus_version"), str)}


def _point_latest(exports_dir: Path, snapshot_id: str) -> None:
    latest = exports_dir / LATEST_FILE
    if not latest.is_file() or latest.read_text(encoding="utf-8").strip() != snapshot_id:
        atomic_write_text(latest, snapshot_id + "\n")


def latest_snapshot(exports_dir: Path | None = None) -> str | None:
    """The newest snapshot id (from LATEST), or None if nothing was pulled yet."""
    latest = Path(exports_dir or EXPORTS_DIR) / LATEST_FILE
    if not latest.is_file():
        return None
    name = latest.read_text(encoding="utf-8").strip()
    return name or None


def _snapshot_dir(snapshot_id: str | None, exports_dir: Path | None) -> Path:
    exports_dir = Path(exports_dir or EXPORTS_DIR)
    if snapshot_id is None:
        snapshot_id = latest_snapshot(exports_dir)
        if snapshot_id is None:
            raise SnapshotError(f"no annotation snapshot in {exports_dir}: run `newsclaims annotate pull` first")
    try:
        check_version_name(snapshot_id)
    except ValueError as e:
        raise SnapshotError(str(e)) from None
    path = exports_dir / snapshot_id
    if not (path / META_FILE).is_file():
        raise SnapshotError(f"snapshot {snapshot_id} not found in {exports_dir}")
    return path


def load_snapshot_meta(snapshot_id: str | None = None, exports_dir: Path | None = None) -> SnapshotMeta:
    path = _snapshot_dir(snapshot_id, exports_dir)
    return SnapshotMeta.from_dict(json.loads((path / META_FILE).read_text(encoding="utf-8")))


def load_annotations(snapshot_id: str | None = None, exports_dir: Path | None = None) -> list[AnnotationRecord]:
    """The records of a snapshot (the newest if `snapshot_id` is None), checked against its digest."""
    path = _snapshot_dir(snapshot_id, exports_dir)
    meta = load_snapshot_meta(path.name, path.parent)
    data = (path / ANNOTATIONS_FILE).read_bytes()
    expected = meta.files.get(ANNOTATIONS_FILE)
    if expected and sha256_bytes(data) != expected:
        raise SnapshotError(f"{path / ANNOTATIONS_FILE} does not match its digest in {META_FILE}: it was modified")
    return [AnnotationRecord.from_dict(json.loads(line)) for line in data.decode("utf-8").splitlines() if line.strip()]


def snapshot_path(snapshot_id: str | None = None, exports_dir: Path | None = None) -> Path:
    """The directory of a snapshot (the newest if `snapshot_id` is None); it must exist."""
    return _snapshot_dir(snapshot_id, exports_dir)


def list_snapshots(exports_dir: Path | None = None) -> list[SnapshotMeta]:
    """Every snapshot in the directory, oldest pull first."""
    exports_dir = Path(exports_dir or EXPORTS_DIR)
    metas = []
    for meta_file in sorted(exports_dir.glob(f"*/{META_FILE}")):
        if meta_file.parent.name.startswith("."):
            continue
        metas.append(SnapshotMeta.from_dict(json.loads(meta_file.read_text(encoding="utf-8"))))
    # A migrated snapshot keeps its parent's pull time and comes after it.
    return sorted(metas, key=lambda m: (m.pulled_at or "", m.parent_snapshot is not None, m.snapshot_id))


def load_export(snapshot_id: str | None = None, exports_dir: Path | None = None) -> list[dict[str, Any]]:
    """The pseudonymized raw export of a snapshot."""
    path = _snapshot_dir(snapshot_id, exports_dir)
    return orjson.loads((path / EXPORT_FILE).read_bytes())
