"""Reading corpus versions: `<versions>/<V>/documents.jsonl`, `manifest.json`, `rejects.jsonl`."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonlines

from newsclaims import paths
from newsclaims.corpus.document import Document
from newsclaims.corpus.errors import VersionNotFoundError

DOCUMENTS_FILE = "documents.jsonl"
MANIFEST_FILE = "manifest.json"
REJECTS_FILE = "rejects.jsonl"
LATEST_FILE = "LATEST"
_NUMBERED = re.compile(r"^v(\d+)$")


def _dir(versions_dir: Path | None) -> Path:
    return Path(versions_dir) if versions_dir is not None else paths.VERSIONS_DIR


def list_versions(versions_dir: Path | None = None) -> list[str]:
    """Complete versions (a directory with a manifest; half-written `.partial` ones never count)."""
    root = _dir(versions_dir)
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if not p.name.startswith(".") and (p / MANIFEST_FILE).is_file())


def _number(name: str) -> int:
    m = _NUMBERED.match(name)
    return int(m[1]) if m else 0


def latest_version(versions_dir: Path | None = None) -> str | None:
    """The newest version: the one named in LATEST, else the highest `vN`."""
    root = _dir(versions_dir)
    versions = list_versions(root)
    latest = root / LATEST_FILE
    if latest.is_file():
        name = latest.read_text(encoding="utf-8").strip()
        if name in versions:
            return name
    numbered = [v for v in versions if _NUMBERED.match(v)]
    return max(numbered, key=_number) if numbered else None


def next_version(versions_dir: Path | None = None) -> str:
    numbers = [_number(v) for v in list_versions(versions_dir)]
    return f"v{max(numbers, default=0) + 1}"


def version_dir(version: str, versions_dir: Path | None = None) -> Path:
    path = _dir(versions_dir) / version
    if not (path / MANIFEST_FILE).is_file():
        known = ", ".join(list_versions(versions_dir)) or "none"
        raise VersionNotFoundError(f"corpus version {version!r} not found in {_dir(versions_dir)} (versions: {known})")
    return path


def read_manifest(version: str, versions_dir: Path | None = None) -> dict[str, Any]:
    return json.loads((version_dir(version, versions_dir) / MANIFEST_FILE).read_text(encoding="utf-8"))


def load_documents(version: str, versions_dir: Path | None = None) -> Iterator[Document]:
    """The documents of a version, sorted by id, streamed one by one."""
    with jsonlines.open(version_dir(version, versions_dir) / DOCUMENTS_FILE) as reader:
        for record in reader:
            yield Document.from_dict(record)


def load_rejects(version: str, versions_dir: Path | None = None) -> list[dict[str, Any]]:
    with jsonlines.open(version_dir(version, versions_dir) / REJECTS_FILE) as reader:
        return list(reader)
