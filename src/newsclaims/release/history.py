"""What the releases before a version recorded: their split assignments and their manifests.

A release folder is immutable, so what one release carries forward is read from the earlier
folders and recorded again in the new one (`splits.json`).
"""

from __future__ import annotations

import json
from pathlib import Path

from newsclaims.release.manifest import ReleaseManifest, read_release_manifest
from newsclaims.release.splits import SPLITS_FILE, PriorSplits, SplitRecord
from newsclaims.release.versions import release_versions


def earlier_versions(releases_dir: Path, version: str) -> list[str]:
    """Complete releases ordered before `version` (PEP 440), oldest first."""
    from packaging.version import Version

    return [v for v in release_versions(releases_dir) if v != version and Version(v) < Version(version)]


def previous_manifest(releases_dir: Path, version: str) -> ReleaseManifest | None:
    older = earlier_versions(releases_dir, version)
    return read_release_manifest(releases_dir / older[-1]) if older else None


def prior_splits(releases_dir: Path, version: str) -> PriorSplits:
    """The split record of every release before `version`; a later record wins for a document
    (they agree whenever each was built by carrying the one before it forward)."""
    prior = PriorSplits()
    for v in earlier_versions(releases_dir, version):
        record_file = releases_dir / v / SPLITS_FILE
        if record_file.is_file():
            prior.add_record(v, SplitRecord.from_json(json.loads(record_file.read_text(encoding="utf-8"))))
        else:
            prior.add_legacy(v, read_release_manifest(releases_dir / v).split_assignment)
    return prior
