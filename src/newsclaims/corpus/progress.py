"""A progress bar on stderr: on a terminal, or for long runs in logs."""

from __future__ import annotations

import sys
from collections.abc import Iterable

from tqdm import tqdm

PROGRESS_MIN_FILES = 1000


def progress(items: Iterable, total: int, desc: str) -> Iterable:
    show = sys.stderr.isatty() or total >= PROGRESS_MIN_FILES
    return tqdm(items, total=total, desc=desc, unit="file", disable=not show, file=sys.stderr, leave=False)
