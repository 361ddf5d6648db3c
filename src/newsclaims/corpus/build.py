"""`corpus build`: raw folder -> a new immutable version directory.

Decides what to build (nothing changed? existing version?), runs the pipeline inside
`atomic_directory`: the per-file part (per_file.py) on an executor (executors.py), then
validate, dedup and write in this process (duplicates.py); writes documents sorted by id,
rejects and the manifest, then moves LATEST.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from newsclaims.corpus import versions as V
from newsclaims.corpus.defaults import DEFAULT_MAX_BYTES, MINHASH
from newsclaims.corpus.errors import RawDirMissingError, VersionConflictError
from newsclaims.corpus.filetable import RawFiles
from newsclaims.corpus.jsonstream import StreamedList
from newsclaims.corpus.language import language_codes
from newsclaims.corpus.normalize import recorded_normalizer_version
from newsclaims.corpus.progress import progress
from newsclaims.corpus.rawfolder import list_raw_files

if TYPE_CHECKING:
    from newsclaims.corpus.pipeline import StepStats


@dataclass(frozen=True)
class BuildSettings:
    max_bytes: int = DEFAULT_MAX_BYTES
    # Where the per-file steps run; none of these change the output, so not part of `recorded()`.
    workers: int = 1  # local processes, or the size of a local Dask cluster
    engine: str = "local"  # the executor: local | dask (executors.py)
    scheduler: str | None = None  # a running Dask scheduler's address; None: a local cluster

    def recorded(self) -> dict:
        """What, besides the raw inputs and the code, determines a version's content."""
        return {
            "max_bytes": self.max_bytes,
            "near_duplicates": MINHASH.recorded(),
            "languages": language_codes(),
        }


@dataclass
class Summary:
    version: str | None
    parent: str | None
    written: bool
    message: str
    raw_files: int = 0
    accepted: int = 0
    rejected_by_reason: dict[str, int] = field(default_factory=dict)
    duplicates: int = 0
    near_duplicate_pairs: int = 0
    languages: dict[str, int] = field(default_factory=dict)
    diff: dict[str, int] = field(default_factory=dict)
    steps: list[StepStats] = field(default_factory=list)  # per pipeline step, in order; none when nothing ran


# ---- inputs ------------------------------------------------------------------------------
def describe_inputs(files: RawFiles) -> RawFiles:
    """Hash every raw file (into the table)."""
    for i, f in enumerate(progress(files, len(files), "hashing")):
        files.set_sha256(i, f.sha256() if f.path.is_file() else None)
    return files


def input_digest(files: RawFiles, settings: BuildSettings) -> str:
    """sha256 of `json.dumps(payload, sort_keys=True, ensure_ascii=False)`, encoded piece by piece."""
    payload = {
        "normalizer_version": recorded_normalizer_version(i.path for i in files.inputs()),
        "settings": settings.recorded(),
        "inputs": StreamedList(lambda: ([i.path, i.sha256] for i in files.inputs()), len(files)),
    }
    h = hashlib.sha256()
    for chunk in json.JSONEncoder(sort_keys=True, ensure_ascii=False).iterencode(payload):
        h.update(chunk.encode("utf-8"))
    return h.hexdigest()


def _summary_of(version: str, out_dir: Path, message: str) -> Summary:
    m = V.read_manifest(version, out_dir)
    c = m["counts"]
    return Summary(
        version,
        m["parent"],
        False,
        message,
        raw_files=c["raw_files"],
        accepted=c["documents"],
        rejected_by_reason=c["rejected_by_reason"],
        duplicates=c["duplicates"],
        near_duplicate_pairs=c["near_duplicate_pairs"],
        languages=c["languages"],
        diff={k: len(v) for k, v in m["diff"].items()},
    )


# ---- the command ---------------------------------------------------------------------------
def build_corpus(
    raw_dir: Path, out_dir: Path, version: str | None = None, settings: BuildSettings = BuildSettings()
) -> Summary:
    raw_dir, out_dir = Path(raw_dir), Path(out_dir)
    if not raw_dir.is_dir():
        raise RawDirMissingError(f"raw directory {raw_dir} does not exist")
    versions = V.store(out_dir)
    if version is not None:
        versions.check_name(version)
    with versions.writer(f"another corpus build is writing to {out_dir}"):
        files = describe_inputs(RawFiles(raw_dir, list_raw_files(raw_dir)))
        digest = input_digest(files, settings)
        newest = V.latest_version(out_dir)
        if version is not None and version in V.list_versions(out_dir):
            if V.read_manifest(version, out_dir).get("input_digest") != digest:
                raise VersionConflictError(
                    f"corpus version {version} already exists with different content and versions are "
                    f"immutable; build a new version (omit --version to get {V.next_version(out_dir)})"
                )
            return _summary_of(
                version, out_dir, f"corpus {version} already exists with the same inputs; nothing written"
            )
        if version is None and newest is not None and V.read_manifest(newest, out_dir).get("input_digest") == digest:
            versions.point_latest(newest)
            return _summary_of(newest, out_dir, f"nothing changed since {newest}; nothing written")
        if (out_dir / (version or "")).exists() and version:
            raise VersionConflictError(
                f"{out_dir / version} exists but is not a corpus version; remove it or pick another name"
            )
        version = version or V.next_version(out_dir)
        from newsclaims.corpus.write_version import write_version  # the steps' libraries, only to build

        with versions.create(version) as tmp:
            summary = write_version(tmp, version, newest, out_dir, files, digest, settings)
        versions.point_latest(version)
        return summary
