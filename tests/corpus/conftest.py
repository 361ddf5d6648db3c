"""Fixtures for the corpus stage: a raw folder with the two seeds, and texts in other languages."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from newsclaims import paths

from .samples import SEED_000, SEED_002


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    d = paths.ROOT / "corpus" / "raw"
    assert (d / SEED_000).is_file() and (d / SEED_002).is_file(), f"seed articles missing in {d}"
    return d


@pytest.fixture
def raw_dir(tmp_path: Path, seeds_dir: Path) -> Path:
    """A fresh raw folder holding copies of the two seed articles."""
    raw = tmp_path / "raw"
    raw.mkdir()
    for name in (SEED_000, SEED_002):
        shutil.copy(seeds_dir / name, raw / name)
    return raw


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    return tmp_path / "versions"
