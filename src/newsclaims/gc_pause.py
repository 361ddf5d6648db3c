"""Pause Python's cyclic garbage collector around bulk work on acyclic data.

A release build (records, spans, rows, token lists) and a pull (a 5k-task export is a million
JSON dicts, lists and strings) allocate millions of small objects with no reference cycles.
Each allocation burst triggers collector passes that walk every live object and find nothing to
free (reference counting already frees them; figures in bench/NOTES.md). The collector runs
again as usual afterwards.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
