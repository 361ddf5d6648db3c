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
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import orjson

from newsclaims.annotation.canonical_export import (  # noqa: F401 (re-exported: the snapshot's format)
    VOLATILE_KEYS,
    canonical_export,
    drop_volatile,
    fast_canonical_export,
    halve_indent,
)
from newsclaims.annotation.export_parser import record_sort_key
from newsclaims.annotation.records import AnnotationRecord
from newsclaims.errors import (
    ArtifactExistsError,
    ArtifactNameError,
    ArtifactNotFoundError,
    NewsclaimsError,
    WriterBusyError,
)
from newsclaims.fsutil import sha256_bytes, sha256_file
from newsclaims.paths import EXPORTS_DIR
from newsclaims.store import ArtifactKind, JsonRecord, VersionedStore

EXPORT_FILE = "export.json"
ANNOTATIONS_FILE = "annotations.jsonl"
META_FILE = "snapshot.json"
CONFLICTS_FILE = "conflicts.jsonl"


class SnapshotError(NewsclaimsError):
    pass


class SnapshotNameError(SnapshotError, ArtifactNameError):
    pass


class SnapshotNotFoundError(SnapshotError, ArtifactNotFoundError):
    pass


class SnapshotExistsError(SnapshotError, ArtifactExistsError):
    pass


class SnapshotBusyError(SnapshotError, WriterBusyError):
    pass


def _no_fallback(names: Sequence[str]) -> str | None:
    return None  # ids carry no order: only LATEST says which snapshot is the newest


SNAPSHOTS = ArtifactKind(
    noun="annotation snapshot",
    manifest_file=META_FILE,
    fallback_latest=_no_fallback,
    hint=": run `newsclaims annotate pull` first",
    name_error=SnapshotNameError,
    not_found_error=SnapshotNotFoundError,
    exists_error=SnapshotExistsError,
    busy_error=SnapshotBusyError,
)


def store(exports_dir: Path | None = None) -> VersionedStore:
    return VersionedStore(SNAPSHOTS, Path(exports_dir or EXPORTS_DIR))


@dataclass
class SnapshotMeta(JsonRecord):
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
    # Set on a snapshot made by `annotate migrate-taxonomy`: the taxonomy version it came from.
    # Left out of snapshot.json when unset, so every other snapshot keeps its bytes.
    migrated_from_taxonomy: int | None = None

    OMIT_NONE: ClassVar[frozenset[str]] = frozenset({"migrated_from_taxonomy"})


def meta_bytes(meta: SnapshotMeta) -> bytes:
    """snapshot.json as every snapshot has it (ASCII-escaped, keys sorted, indent 2)."""
    return (json.dumps(meta.to_json(), indent=2, sort_keys=True) + "\n").encode("utf-8")


def slugify(title: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:40].strip("-")
    return slug or "project"


def snapshot_id_for(project_title: str, export_bytes: bytes) -> str:
    return store().check_name(f"{slugify(project_title)}-{sha256_bytes(export_bytes)[:12]}")


def annotations_jsonl(records: list[AnnotationRecord]) -> bytes:
    lines = [
        json.dumps(r.to_dict(), sort_keys=True, ensure_ascii=False) + "\n" for r in sorted(records, key=record_sort_key)
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
    migrated_from_taxonomy: int | None = None,
) -> SnapshotWrite:
    """Write a snapshot in one atomic step, or nothing if the same export is already there.

    Holds the exports directory's lock: a concurrent pull is refused, and the hidden leftovers
    of a killed pull are removed before writing. `extra_files`: name -> bytes of files derived
    from the records (e.g. conflicts.jsonl), digested in snapshot.json like the others.
    """
    extra_files = dict(extra_files or {})
    snapshots = store(exports_dir)
    with snapshots.writer(f"another pull is writing to {snapshots.root}; wait for it to finish and pull again"):
        export_bytes = canonical_export(tasks)
        snapshot_id = snapshot_id_for(project, export_bytes)
        final = snapshots.root / snapshot_id
        if final.exists():
            existing = final / EXPORT_FILE
            complete = existing.is_file() and snapshots.exists(snapshot_id)
            if not complete or sha256_file(existing) != sha256_bytes(export_bytes):
                raise SnapshotExistsError(
                    f"{final} exists with different content; it is immutable: move it away to re-pull"
                )
            snapshots.point_latest(snapshot_id)
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
            files={
                EXPORT_FILE: sha256_bytes(export_bytes),
                ANNOTATIONS_FILE: sha256_bytes(records_bytes),
                **{name: sha256_bytes(data) for name, data in sorted(extra_files.items())},
            },
            checked_against_task_text=sorted(checked_against_task_text or []),
            pulled_at=pulled_at,
            project_id=project_id,
            parent_snapshot=parent_snapshot,
            migrated_from_corpus=migrated_from_corpus,
            migrated_from_taxonomy=migrated_from_taxonomy,
        )
        with snapshots.create(snapshot_id) as tmp:
            (tmp / EXPORT_FILE).write_bytes(export_bytes)
            (tmp / ANNOTATIONS_FILE).write_bytes(records_bytes)
            for name, data in sorted(extra_files.items()):
                (tmp / name).write_bytes(data)
            (tmp / META_FILE).write_bytes(meta_bytes(meta))
        snapshots.point_latest(snapshot_id)
        return SnapshotWrite(snapshot_id, final, written=True)


def _task_versions(tasks: list[dict[str, Any]]) -> set[str]:
    return {v for t in tasks if isinstance(v := (t.get("meta") or {}).get("corpus_version"), str)}


def latest_snapshot(exports_dir: Path | None = None) -> str | None:
    """The newest snapshot id (LATEST, if it names a complete snapshot), or None if nothing was pulled yet."""
    return store(exports_dir).latest()


def snapshot_path(snapshot_id: str | None = None, exports_dir: Path | None = None) -> Path:
    """The directory of a snapshot (the newest if `snapshot_id` is None); it must exist."""
    return store(exports_dir).resolve(snapshot_id)


def load_snapshot_meta(snapshot_id: str | None = None, exports_dir: Path | None = None) -> SnapshotMeta:
    path = snapshot_path(snapshot_id, exports_dir)
    return SnapshotMeta.from_json(json.loads((path / META_FILE).read_text(encoding="utf-8")))


def load_annotations(snapshot_id: str | None = None, exports_dir: Path | None = None) -> list[AnnotationRecord]:
    """The records of a snapshot (the newest if `snapshot_id` is None), checked against its digest."""
    path = snapshot_path(snapshot_id, exports_dir)
    meta = load_snapshot_meta(path.name, path.parent)
    data = (path / ANNOTATIONS_FILE).read_bytes()
    expected = meta.files.get(ANNOTATIONS_FILE)
    if expected and sha256_bytes(data) != expected:
        raise SnapshotError(f"{path / ANNOTATIONS_FILE} does not match its digest in {META_FILE}: it was modified")
    return [AnnotationRecord.from_dict(json.loads(line)) for line in data.decode("utf-8").splitlines() if line.strip()]


def list_snapshots(exports_dir: Path | None = None) -> list[SnapshotMeta]:
    """Every snapshot in the directory, oldest pull first."""
    snapshots = store(exports_dir)
    metas = [snapshots.read(name, SnapshotMeta.from_json) for name in snapshots.names()]
    # A migrated snapshot keeps its parent's pull time and comes after it.
    return sorted(metas, key=lambda m: (m.pulled_at or "", m.parent_snapshot is not None, m.snapshot_id))


def load_export(snapshot_id: str | None = None, exports_dir: Path | None = None) -> list[dict[str, Any]]:
    """The pseudonymized raw export of a snapshot (what `annotate migrate` re-anchors)."""
    return orjson.loads((snapshot_path(snapshot_id, exports_dir) / EXPORT_FILE).read_bytes())
