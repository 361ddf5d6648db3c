"""The releases directory, `releases/<version>/`, as a `VersionedStore` of kind `RELEASES`.

Releases are ordered by PEP 440 version (names that are not one come last, by name); the newest
is the last, so no LATEST file. New releases need MAJOR.MINOR.PATCH: `datasets` reads the card's
config version as x.y.z. Light on purpose: the CLI checks names and locks before importing
`datasets`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from newsclaims import paths
from newsclaims.errors import (
    ArtifactExistsError,
    ArtifactNameError,
    ArtifactNotFoundError,
    WriterBusyError,
)
from newsclaims.store import ArtifactKind, VersionedStore

MANIFEST_FILE = "manifest.json"
RELEASE_VERSION_RE = re.compile(r"^\d+\.\d+\.\d+$")


class ReleaseNameError(ArtifactNameError):
    pass


class ReleaseNotFoundError(ArtifactNotFoundError):
    pass


class ReleaseExistsError(ArtifactExistsError):
    pass


class ReleaseBusyError(WriterBusyError):
    pass


def _order(names: Sequence[str]) -> list[str]:
    from packaging.version import InvalidVersion, Version

    def key(name: str) -> tuple[int, Version | str]:
        try:
            return (0, Version(name))
        except InvalidVersion:  # not PEP 440: after every PEP 440 version, by name
            return (1, name)

    return sorted(names, key=key)


RELEASES = ArtifactKind(
    noun="release",
    manifest_file=MANIFEST_FILE,
    order=_order,
    has_pointer=False,
    hint=" yet: run `newsclaims release --version V` first",
    name_error=ReleaseNameError,
    not_found_error=ReleaseNotFoundError,
    exists_error=ReleaseExistsError,
    busy_error=ReleaseBusyError,
)


def store(releases_dir: Path | None = None) -> VersionedStore:
    return VersionedStore(RELEASES, Path(releases_dir) if releases_dir is not None else paths.RELEASES_DIR)


def check_new_version(version: str, releases_dir: Path | None = None) -> str:
    """A name a new release may take: a safe directory name, and MAJOR.MINOR.PATCH."""
    store(releases_dir).check_name(version)
    if not RELEASE_VERSION_RE.match(version):
        raise ReleaseNameError(f"invalid release version {version!r}: use MAJOR.MINOR.PATCH digits, e.g. 0.2.0")
    return version


def release_versions(releases_dir: Path | None = None) -> list[str]:
    """Versions with a complete release (a manifest), oldest first."""
    return store(releases_dir).names()
