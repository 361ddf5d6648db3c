"""Reading corpus versions: `<versions>/<V>/documents.jsonl`, `manifest.json`, `rejects.jsonl`.

The versions directory is a `VersionedStore` of kind `CORPUS_VERSIONS`: versions `v1`, `v2`, ...
in numeric order, other names (`--version 2025-09-release`) after them by name; LATEST names the
newest, and without it the highest `vN` is.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import jsonlines

from newsclaims import paths
from newsclaims.corpus.document import Document
from newsclaims.corpus.errors import (
    BuildLockedError,
    InvalidVersionNameError,
    VersionConflictError,
    VersionNotFoundError,
)
from newsclaims.corpus.manifest import CorpusManifest
from newsclaims.store import ArtifactKind, VersionedStore

DOCUMENTS_FILE = "documents.jsonl"
MANIFEST_FILE = "manifest.json"
REJECTS_FILE = "rejects.jsonl"
_NUMBERED = re.compile(r"^v(\d+)$")


def _number(name: str) -> int:
    m = _NUMBERED.match(name)
    return int(m[1]) if m else 0


def _order(names: Sequence[str]) -> list[str]:
    return sorted(names, key=lambda n: (0, _number(n), "") if _NUMBERED.match(n) else (1, 0, n))


def _highest_numbered(names: Sequence[str]) -> str | None:
    numbered = [n for n in names if _NUMBERED.match(n)]
    return max(numbered, key=_number) if numbered else None


CORPUS_VERSIONS = ArtifactKind(
    noun="corpus version",
    manifest_file=MANIFEST_FILE,
    order=_order,
    fallback_latest=_highest_numbered,
    hint=": run `make corpus` first",
    name_error=InvalidVersionNameError,
    not_found_error=VersionNotFoundError,
    exists_error=VersionConflictError,
    busy_error=BuildLockedError,
)


def store(versions_dir: Path | None = None) -> VersionedStore:
    return VersionedStore(CORPUS_VERSIONS, Path(versions_dir) if versions_dir is not None else paths.VERSIONS_DIR)


def list_versions(versions_dir: Path | None = None) -> list[str]:
    """Complete versions (a directory with a manifest; half-written `.partial` ones never count)."""
    return store(versions_dir).names()


def latest_version(versions_dir: Path | None = None) -> str | None:
    """The newest version: the one named in LATEST, else the highest `vN`."""
    return store(versions_dir).latest()


def next_version(versions_dir: Path | None = None) -> str:
    numbers = [_number(v) for v in list_versions(versions_dir)]
    return f"v{max(numbers, default=0) + 1}"


def version_dir(version: str, versions_dir: Path | None = None) -> Path:
    return store(versions_dir).path(version)


def load_manifest(version: str, versions_dir: Path | None = None) -> CorpusManifest:
    return store(versions_dir).read(version, CorpusManifest.from_json)


def read_manifest(version: str, versions_dir: Path | None = None) -> dict[str, Any]:
    """The manifest as stored (JSON). New code reads `load_manifest`'s typed record."""
    return store(versions_dir).read_json(version)


def load_documents(version: str, versions_dir: Path | None = None) -> Iterator[Document]:
    """The documents of a version, sorted by id, streamed one by one."""
    with jsonlines.open(version_dir(version, versions_dir) / DOCUMENTS_FILE) as reader:
        for record in reader:
            yield Document.from_dict(record)


def load_rejects(version: str, versions_dir: Path | None = None) -> list[dict[str, Any]]:
    with jsonlines.open(version_dir(version, versions_dir) / REJECTS_FILE) as reader:
        return list(reader)
