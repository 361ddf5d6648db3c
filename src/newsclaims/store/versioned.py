"""`VersionedStore`: a directory of immutable artifacts, `<root>/<name>/`, of one `ArtifactKind`.

An artifact is complete once its manifest file is in it: writers build it in a hidden
`.<name>.partial-*` sibling and rename it into place in one step (`create`), so readers never
see half of one, and they skip hidden names. `<root>/LATEST`, where the kind has one, names the
newest and is replaced atomically. `writer` makes a process the store's only writer.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from newsclaims.errors import (
    ArtifactExistsError,
    ArtifactNameError,
    ArtifactNotFoundError,
    WriterBusyError,
)
from newsclaims.fsutil import atomic_directory, atomic_write_text, exclusive_writer

# Names end up in paths: a safe alphabet, no '/', no '..', not hidden (hidden = in progress).
# Matched whole (fullmatch): `$` alone would let a trailing newline through.
NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
POINTER_FILE = "LATEST"

R = TypeVar("R")


def by_name(names: Sequence[str]) -> list[str]:
    return sorted(names)


def last(names: Sequence[str]) -> str | None:
    return names[-1] if names else None


@dataclass(frozen=True)
class ArtifactKind:
    """What differs between corpus versions, annotation snapshots and releases."""

    noun: str  # in messages: "corpus version", "annotation snapshot", "release"
    manifest_file: str  # present = complete
    order: Callable[[Sequence[str]], list[str]] = by_name  # oldest first
    # The newest when no pointer names a complete artifact (given the ordered names).
    fallback_latest: Callable[[Sequence[str]], str | None] = last
    has_pointer: bool = True  # keeps <root>/LATEST
    hint: str = ""  # how to get a first one, for "there is none yet"
    name_error: type[ArtifactNameError] = ArtifactNameError
    not_found_error: type[ArtifactNotFoundError] = ArtifactNotFoundError
    exists_error: type[ArtifactExistsError] = ArtifactExistsError
    busy_error: type[WriterBusyError] = WriterBusyError


class VersionedStore:
    def __init__(self, kind: ArtifactKind, root: Path):
        self.kind, self.root = kind, Path(root)

    def __repr__(self) -> str:
        return f"VersionedStore({self.kind.noun!r}, {str(self.root)!r})"

    # ---- names --------------------------------------------------------------------------
    def check_name(self, name: str) -> str:
        if not NAME_RE.fullmatch(name) or ".." in name:
            raise self.kind.name_error(
                f"invalid version name {name!r} for the {self.kind.noun}: use letters, digits, '.', '_' or '-' "
                "(at most 64), no '..'"
            )
        return name

    def names(self) -> list[str]:
        """The complete artifacts, oldest first in the kind's order."""
        if not self.root.is_dir():
            return []
        found = [
            p.name
            for p in self.root.iterdir()
            if not p.name.startswith(".") and (p / self.kind.manifest_file).is_file()
        ]
        return self.kind.order(found)

    def exists(self, name: str) -> bool:
        return (self.root / self.check_name(name) / self.kind.manifest_file).is_file()

    def path(self, name: str) -> Path:
        """The directory of a complete artifact; `not_found_error` (listing the known ones) if none."""
        if not self.exists(name):
            known = ", ".join(self.names()) or "none"
            raise self.kind.not_found_error(f"{self.kind.noun} {name!r} not found in {self.root} (known: {known})")
        return self.root / name

    # ---- the newest -------------------------------------------------------------------------
    def pointer(self) -> str | None:
        """What LATEST says, whether or not it names a complete artifact."""
        file = self.root / POINTER_FILE
        if not self.kind.has_pointer or not file.is_file():
            return None
        return file.read_text(encoding="utf-8").strip() or None

    def latest(self) -> str | None:
        """LATEST if it names a complete artifact, else the kind's fallback; None if there is none."""
        names = self.names()
        named = self.pointer()
        return named if named in names else self.kind.fallback_latest(names)

    def resolve(self, name: str | None = None) -> Path:
        """`path(name)`, or the newest's when `name` is None (an error saying why if there is none)."""
        if name is not None:
            return self.path(name)
        newest = self.latest()
        if newest is not None:
            return self.root / newest
        named = self.pointer()
        if named is not None:
            raise self.kind.not_found_error(
                f"{self.root / POINTER_FILE} names {self.kind.noun} {named!r}, which is not in {self.root}"
            )
        raise self.kind.not_found_error(f"no {self.kind.noun} in {self.root}{self.kind.hint}")

    def point_latest(self, name: str) -> None:
        """Make LATEST name `name` (complete already): one atomic replace, and none if it does already."""
        self.path(name)
        if not self.kind.has_pointer:  # a bug, not a user error: e.g. releases' newest is their last
            raise TypeError(f"a store of {self.kind.noun}s keeps no {POINTER_FILE} pointer")
        if self.pointer() != name:
            atomic_write_text(self.root / POINTER_FILE, name + "\n")

    # ---- manifests ----------------------------------------------------------------------------
    def read_json(self, name: str) -> Any:
        """The manifest of `name` as stored (for readers that predate the typed records)."""
        return json.loads((self.path(name) / self.kind.manifest_file).read_text(encoding="utf-8"))

    def read(self, name: str, parse: Callable[[Any], R]) -> R:
        """The manifest of `name` parsed by `parse`, e.g. `CorpusManifest.from_json`."""
        return parse(self.read_json(name))

    # ---- writing ------------------------------------------------------------------------------
    @contextlib.contextmanager
    def writer(self, message: str) -> Iterator[VersionedStore]:
        """Be the store's only writer (`busy_error(message)` if another process is), with the
        leftovers of killed writers cleared. Readers need no lock: they see only complete artifacts."""
        with exclusive_writer(self.root, self.kind.busy_error(message)):
            yield self

    @contextlib.contextmanager
    def create(self, name: str) -> Iterator[Path]:
        """Yield a hidden directory to write artifact `name` into; it becomes `<root>/<name>` in one
        rename when the block ends, and vanishes if the block raises. Call it inside `writer`."""
        final = self.root / self.check_name(name)
        with atomic_directory(final, self.kind.exists_error) as tmp:
            yield tmp
