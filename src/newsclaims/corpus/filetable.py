"""The raw files of a build in compact columns.

The build holds its list of files from the first step to the manifest, so a file is kept as
a few packed bytes (its relative path as UTF-8, size, kind, raw sha256) rather than a `RawFile`
with a Path and an `InputFile`; those are made again one at a time when iterated.
"""

from __future__ import annotations

import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import overload

from newsclaims.corpus.rawfolder import RawFile

ROLES = ("article", "metadata", "other")
FORMATS = (None, "txt", "html", "jsonl")
_NO_SHA = bytes(32)


@dataclass(frozen=True)
class InputFile:
    path: str
    sha256: str | None
    bytes: int
    role: str  # article | metadata | other

    def to_dict(self) -> dict:  # what asdict gives, without its deep copy (100k inputs per manifest)
        return {"path": self.path, "sha256": self.sha256, "bytes": self.bytes, "role": self.role}


class RawFiles:
    """A sequence of `RawFile`s (same order, equal values) plus each file's sha256 once hashed."""

    def __init__(self, raw_dir: Path, files: Iterable[RawFile]):
        self.raw_dir = Path(raw_dir)
        self._rels = bytearray()
        self._ends = array.array("Q")
        self._sizes = array.array("Q")
        self._kinds = bytearray()  # role, format and outside_link in one byte
        self._sha256 = bytearray()  # 32 bytes per file once hashed (zeros: none, see _has_sha256)
        self._has_sha256 = bytearray()
        for f in files:
            if f.path != self.raw_dir / f.rel:
                raise ValueError(f"{f.path} is not {f.rel} under {self.raw_dir}")
            self._rels += f.rel.encode("utf-8", "surrogateescape")
            self._ends.append(len(self._rels))
            self._sizes.append(f.size)
            self._kinds.append(ROLES.index(f.role) << 3 | FORMATS.index(f.format) << 1 | f.outside_link)

    def __len__(self) -> int:
        return len(self._ends)

    def rel(self, i: int) -> str:
        start = self._ends[i - 1] if i else 0
        return self._rels[start : self._ends[i]].decode("utf-8", "surrogateescape")

    def role(self, i: int) -> str:
        return ROLES[self._kinds[i] >> 3]

    @overload
    def __getitem__(self, i: int) -> RawFile: ...
    @overload
    def __getitem__(self, i: slice) -> list[RawFile]: ...
    def __getitem__(self, i: int | slice) -> RawFile | list[RawFile]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        rel, kind = self.rel(i), self._kinds[i]
        return RawFile(
            self.raw_dir / rel, rel, self._sizes[i], ROLES[kind >> 3], FORMATS[kind >> 1 & 3], bool(kind & 1)
        )

    def __iter__(self) -> Iterator[RawFile]:
        return (self[i] for i in range(len(self)))

    def set_sha256(self, i: int, hexdigest: str | None) -> None:
        if len(self._has_sha256) == 0:
            self._sha256 = bytearray(32 * len(self))
            self._has_sha256 = bytearray(len(self))
        self._sha256[32 * i : 32 * i + 32] = _NO_SHA if hexdigest is None else bytes.fromhex(hexdigest)
        self._has_sha256[i] = hexdigest is not None

    def sha256(self, i: int) -> str | None:
        return self._sha256[32 * i : 32 * i + 32].hex() if self._has_sha256[i] else None

    def inputs(self) -> Iterator[InputFile]:
        """What the manifest records about each file (after hashing)."""
        for i in range(len(self)):
            yield InputFile(self.rel(i), self.sha256(i), self._sizes[i], self.role(i))
