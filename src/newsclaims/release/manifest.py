"""`manifest.json` of a release as typed records (written by release/build.py).

Everything a release was made from and holds: input and output digests, parameters, tool
versions, statistics, which document went to which split, the changelog lines.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from newsclaims.release.builder import BuilderRecord
from newsclaims.release.statistics import ReleaseStatistics
from newsclaims.release.versions import store
from newsclaims.store import Fields, JsonRecord


@dataclass
class Lineage(JsonRecord):
    """Where a migrated snapshot's annotations came from (`annotate migrate`, `annotate
    migrate-taxonomy`: then the taxonomy version they were made under; no key otherwise)."""

    parent_snapshot: str
    from_corpus_versions: list[str]
    to_corpus_versions: list[str]
    from_taxonomy_version: int | None = None

    OMIT_NONE: ClassVar[frozenset[str]] = frozenset({"from_taxonomy_version"})


@dataclass
class ReleaseInputRecord(JsonRecord):
    corpus_version: str
    snapshot_id: str
    taxonomy_version: int
    files: dict[str, dict[str, str]]  # input (corpus, annotations, taxonomy, ...) -> path -> sha256
    lineage: Lineage | None = None  # only for a migrated snapshot: no key at all otherwise

    RECORDS: ClassVar[Fields] = {"lineage": Lineage}
    OMIT_NONE: ClassVar[frozenset[str]] = frozenset({"lineage"})


@dataclass
class ReleaseParameters(JsonRecord):
    splits: list[float]  # train, validation, test ratios
    seed: str


@dataclass
class ReleaseManifest(JsonRecord):
    name: str
    version: str
    content_sha256: str  # of the data files' digests: what "the same data" means
    inputs: ReleaseInputRecord
    parameters: ReleaseParameters
    outputs: dict[str, str]  # path in the release -> sha256 (every file but the manifest)
    tools: dict[str, str]  # python, newsclaims and library versions
    statistics: ReleaseStatistics
    split_assignment: dict[str, list[str]]  # split -> doc ids
    changelog: list[str] = field(default_factory=list)
    # what built it (package version, digest of the release code, libraries); absent before 0.3.0
    builder: BuilderRecord | None = None

    RECORDS: ClassVar[Fields] = {
        "builder": BuilderRecord,
        "inputs": ReleaseInputRecord,
        "parameters": ReleaseParameters,
        "statistics": ReleaseStatistics,
    }


def dumps(obj: Any) -> str:
    """The JSON of every release file: keys sorted, indent 2, UTF-8 kept."""
    return json.dumps(obj, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def manifest_bytes(manifest: ReleaseManifest) -> bytes:
    return dumps(manifest.to_json()).encode("utf-8")


def read_release_manifest(release_dir: Path) -> ReleaseManifest:
    """The manifest of the release in `release_dir` (a directory of the releases store)."""
    release_dir = Path(release_dir)
    return store(release_dir.parent).read(release_dir.name, ReleaseManifest.from_json)
