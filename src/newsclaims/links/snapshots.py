"""Immutable link snapshots under `annotation/links/exports/<snapshot_id>/`, like annotation snapshots.

    export.json    the pseudonymized raw export of the pairwise project (canonical JSON)
    answers.jsonl  one LinkAnswer per line, sorted by (pair_id, annotator, annotation_id)
    snapshot.json  LinkSnapshotMeta: id, project, link schema digest, counts, file digests

`snapshot_id` = `<project-slug>-<first 12 hex of sha256(export.json)>`: re-pulling unchanged
answers writes nothing. `annotation/links/exports/LATEST` names the newest.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsclaims.annotation.canonical_export import canonical_export
from newsclaims.annotation.snapshots import (
    SnapshotBusyError,
    SnapshotExistsError,
    SnapshotNameError,
    SnapshotNotFoundError,
    SnapshotWrite,
    _no_fallback,
    slugify,
)
from newsclaims.errors import NewsclaimsError
from newsclaims.fsutil import sha256_bytes, sha256_file
from newsclaims.links.records import LinkAnswer
from newsclaims.paths import ANNOTATION_DIR
from newsclaims.store import ArtifactKind, JsonRecord, VersionedStore

LINKS_DIR = ANNOTATION_DIR / "links"
LINK_EXPORTS_DIR = LINKS_DIR / "exports"
EXPORT_FILE = "export.json"
ANSWERS_FILE = "answers.jsonl"
META_FILE = "snapshot.json"

LINK_SNAPSHOTS = ArtifactKind(
    noun="link snapshot",
    manifest_file=META_FILE,
    fallback_latest=_no_fallback,
    hint=": run `newsclaims links pull` first",
    name_error=SnapshotNameError,
    not_found_error=SnapshotNotFoundError,
    exists_error=SnapshotExistsError,
    busy_error=SnapshotBusyError,
)


class LinkSnapshotError(NewsclaimsError):
    pass


def store(exports_dir: Path | None = None) -> VersionedStore:
    return VersionedStore(LINK_SNAPSHOTS, Path(exports_dir or LINK_EXPORTS_DIR))


@dataclass
class LinkSnapshotMeta(JsonRecord):
    snapshot_id: str
    project: str
    schema_sha256: str
    counts: dict[str, int]
    files: dict[str, str]
    corpus_versions: list[str] = field(default_factory=list)
    annotation_snapshots: list[str] = field(default_factory=list)  # the claims' snapshots, from the task meta
    pulled_at: str | None = None


def answers_jsonl(answers: list[LinkAnswer]) -> bytes:
    rows = sorted(answers, key=lambda a: (a.pair_id, a.annotator, a.annotation_id))
    return "".join(json.dumps(a.to_dict(), sort_keys=True, ensure_ascii=False) + "\n" for a in rows).encode("utf-8")


def write_link_snapshot(
    tasks: list[dict[str, Any]],
    answers: list[LinkAnswer],
    *,
    project: str,
    schema_sha256: str,
    counts: dict[str, int],
    pulled_at: str | None = None,
    exports_dir: Path | None = None,
) -> SnapshotWrite:
    """One atomic snapshot, or nothing when the same export is there already (then LATEST names it)."""
    snapshots = store(exports_dir)
    with snapshots.writer(f"another `links pull` is writing to {snapshots.root}; wait for it and pull again"):
        export_bytes = canonical_export(tasks)
        snapshot_id = snapshots.check_name(f"{slugify(project)}-{sha256_bytes(export_bytes)[:12]}")
        final = snapshots.root / snapshot_id
        if final.exists():
            if not snapshots.exists(snapshot_id) or sha256_file(final / EXPORT_FILE) != sha256_bytes(export_bytes):
                raise SnapshotExistsError(f"{final} exists with different content; it is immutable")
            snapshots.point_latest(snapshot_id)
            return SnapshotWrite(snapshot_id, final, written=False)
        answer_bytes = answers_jsonl(answers)
        metas = [t.get("meta") or {} for t in tasks]
        meta = LinkSnapshotMeta(
            snapshot_id=snapshot_id,
            project=project,
            schema_sha256=schema_sha256,
            counts=dict(counts),
            files={EXPORT_FILE: sha256_bytes(export_bytes), ANSWERS_FILE: sha256_bytes(answer_bytes)},
            corpus_versions=sorted({v for m in metas if isinstance(v := m.get("corpus_version"), str)}),
            annotation_snapshots=sorted({v for m in metas if isinstance(v := m.get("snapshot_id"), str)}),
            pulled_at=pulled_at,
        )
        with snapshots.create(snapshot_id) as tmp:
            (tmp / EXPORT_FILE).write_bytes(export_bytes)
            (tmp / ANSWERS_FILE).write_bytes(answer_bytes)
            (tmp / META_FILE).write_text(json.dumps(meta.to_json(), indent=2, sort_keys=True) + "\n", encoding="utf-8")
        snapshots.point_latest(snapshot_id)
        return SnapshotWrite(snapshot_id, final, written=True)


def load_answers(snapshot_id: str | None = None, exports_dir: Path | None = None) -> list[LinkAnswer]:
    """The answers of a link snapshot (the newest if None), checked against their digest."""
    path = store(exports_dir).resolve(snapshot_id)
    meta = LinkSnapshotMeta.from_json(json.loads((path / META_FILE).read_text(encoding="utf-8")))
    data = (path / ANSWERS_FILE).read_bytes()
    if sha256_bytes(data) != meta.files.get(ANSWERS_FILE):
        raise LinkSnapshotError(f"{path / ANSWERS_FILE} does not match its digest in {META_FILE}: it was modified")
    return [LinkAnswer.from_dict(json.loads(line)) for line in data.decode("utf-8").splitlines() if line.strip()]
