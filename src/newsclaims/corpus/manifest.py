"""`manifest.json` of a corpus version as typed records (written by corpus/build.py).

The long lists (`inputs`, the diff's ids) may be `StreamedList`s: a manifest of 100k inputs is
encoded item by item (jsonstream.py), never held as one list of dicts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from newsclaims.corpus.jsonstream import StreamedList, write_json
from newsclaims.store import Fields, JsonRecord


@dataclass
class CorpusInput(JsonRecord):
    path: str  # relative to the raw folder
    sha256: str | None  # None: unreadable
    bytes: int
    role: str  # article | metadata | other


@dataclass
class FileDigest(JsonRecord):
    sha256: str
    bytes: int
    lines: int


@dataclass
class CorpusCounts(JsonRecord):
    raw_files: int
    inputs_by_role: dict[str, int]
    documents: int
    rejects: int
    rejected_by_reason: dict[str, int]
    duplicates: int
    near_duplicate_pairs: int
    languages: dict[str, int]


@dataclass
class CorpusManifest(JsonRecord):
    version: str
    parent: str | None
    normalizer_version: str
    input_digest: str
    # BuildSettings.recorded(): only ever compared whole with a build's own, so kept as its JSON.
    settings: dict[str, Any]
    counts: CorpusCounts
    inputs: Sequence[CorpusInput]
    outputs: dict[str, FileDigest]
    diff: dict[str, Sequence[str]] = field(default_factory=dict)  # added / removed / changed -> ids

    RECORDS: ClassVar[Fields] = {"counts": CorpusCounts}
    RECORD_MAPS: ClassVar[Fields] = {"outputs": FileDigest}
    RECORD_LISTS: ClassVar[Fields] = {"inputs": CorpusInput}

    def _encode(self, name: str, value: Any) -> Any:
        if name == "inputs":  # item by item, as many times as the encoder iterates
            return StreamedList(lambda: (i.to_json() for i in value), len(value))
        return super()._encode(name, value)


def write_manifest(path: Path, manifest: CorpusManifest) -> None:
    """`json.dumps(..., indent=2, sort_keys=True, ensure_ascii=False)` + newline, streamed."""
    write_json(path, manifest.to_json())
