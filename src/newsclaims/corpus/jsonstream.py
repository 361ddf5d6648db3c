"""JSON documents with long arrays (the manifest's inputs and diff), encoded piece by piece.

`json.dumps` joins every piece in memory first: for a manifest of 100k inputs that is millions
of small strings at once. json's pure-Python encoder (used by `iterencode`, and always with
`indent`) reads a list with `len()` and `iter()` only, so a `StreamedList` gives it the items one
at a time and the bytes are exactly those of `json.dumps` with the same options.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path


class StreamedList(list):
    """A JSON array of `length` items, produced by `items()` each time it is encoded."""

    def __init__(self, items: Callable[[], Iterable], length: int):
        super().__init__()
        self._items, self._length = items, length

    def __iter__(self):
        return iter(self._items())

    def __len__(self) -> int:
        return self._length


def write_json(path: Path, obj: object) -> None:
    """`json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False) + "\\n"` as UTF-8, streamed."""
    encoder = json.JSONEncoder(indent=2, sort_keys=True, ensure_ascii=False)
    with open(path, "w", encoding="utf-8", newline="\n", buffering=1 << 20) as f:
        for chunk in encoder.iterencode(obj):
            f.write(chunk)
        f.write("\n")
