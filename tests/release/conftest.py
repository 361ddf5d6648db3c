"""Fixtures for the release stage (builders live in builders.py)."""

from __future__ import annotations

import os
from pathlib import Path

# `datasets` reads these when imported: set them before any test module imports it.
os.environ["HF_DATASETS_OFFLINE"] = "1"
os.environ["HF_HUB_OFFLINE"] = "1"

import pytest  # noqa: E402

from .builders import Workspace, make_workspace, sample_documents, sample_records  # noqa: E402


@pytest.fixture
def workspace(tmp_path) -> Workspace:
    docs = sample_documents()
    return make_workspace(tmp_path / "ws", docs, sample_records(docs))


@pytest.fixture
def hf_cache(tmp_path, monkeypatch) -> Path:
    """A fresh `datasets` cache per test, so no test reads another's cached rows."""
    import datasets

    cache = tmp_path / "hf-cache"
    monkeypatch.setattr(datasets.config, "HF_HUB_OFFLINE", True)  # in case datasets was imported before us
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    monkeypatch.setenv("HF_DATASETS_CACHE", str(cache))
    return cache
