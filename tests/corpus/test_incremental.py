"""Incremental builds (issue 5): a version built on top of its parent, reusing the per-file
results of unchanged raw files, is byte-identical to a build of the same raw folder from scratch."""

from __future__ import annotations

import json
import shutil

import pytest

from newsclaims.corpus import steps
from newsclaims.corpus.build import BuildSettings, build_corpus
from newsclaims.corpus.dedup import SignatureCache
from newsclaims.corpus.versions import read_manifest, version_dir

from .samples import SEED_002
from .test_build import MAX_BYTES, _article, messy_raw  # noqa: F401 (fixture)

SETTINGS = BuildSettings(max_bytes=MAX_BYTES)


@pytest.fixture
def language_calls(monkeypatch):
    """How many documents went through the per-file steps (language detection is the last one)."""
    calls = []
    real = steps.detect_language
    monkeypatch.setattr(steps, "detect_language", lambda text: calls.append(text) or real(text))
    return calls


def _outputs(out_dir, version):
    d = version_dir(version, out_dir)
    manifest = read_manifest(version, out_dir)
    for key in ("version", "parent", "diff"):  # what differs between a child and a first version
        manifest.pop(key)
    return (d / "documents.jsonl").read_bytes(), (d / "rejects.jsonl").read_bytes(), manifest


def _edit(raw):
    """Changes that interact with unchanged files: a changed file becomes an exact duplicate of an
    unchanged one that sorts after it (so the unchanged one is now the duplicate), a new near copy
    of an unchanged article, a changed .jsonl record, a removed file and a new Cyrillic file."""
    wire = " ".join(_article(n) for n in range(8))
    (raw / "wire.txt").write_text(wire, encoding="utf-8")
    return wire


@pytest.mark.parametrize("workers", [1, 2])
def test_rebuild_on_a_parent_equals_a_build_from_scratch(messy_raw, tmp_path, language_calls, workers):  # noqa: F811
    raw = messy_raw
    wire = _edit(raw)
    incremental = tmp_path / "incremental"
    first = build_corpus(raw, incremental, settings=SETTINGS)
    documents_in_v1 = first.accepted

    shutil.copy(raw / SEED_002, raw / "0000.txt")  # sorts before the seed: the seed becomes the duplicate
    (raw / "wire-edited.txt").write_text(wire.replace("Report number 5", "Report no. 5"), encoding="utf-8")
    records = (raw / "records.jsonl").read_text(encoding="utf-8").splitlines()
    first_record = json.loads(records[0])
    first_record["text"] += " The council will meet again in March."
    (raw / "records.jsonl").write_text("\n".join([json.dumps(first_record), *records[1:]]) + "\n", encoding="utf-8")
    (raw / "sub dir" / "report.txt").unlink()
    (raw / "Москва.txt").write_text(
        "Совет утвердил бюджет на следующий год после долгого обсуждения. " * 3, encoding="utf-8"
    )

    language_calls.clear()
    second = build_corpus(raw, incremental, settings=BuildSettings(max_bytes=MAX_BYTES, workers=workers))
    assert second.version == "v2" and second.parent == "v1"
    if workers == 1:  # (worker processes do not report to this process's spy)
        # Processed again: 0000.txt, wire-edited.txt, Москва.txt (new), both records of the changed
        # records.jsonl, and "copy of seed 000.txt" (a duplicate in v1: its document was not kept).
        # Everything else (documents_in_v1 - 2 unchanged documents) came from v1.
        assert documents_in_v1 >= 10 and len(language_calls) == 6

    scratch = tmp_path / "scratch"
    build_corpus(raw, scratch, settings=SETTINGS)
    assert _outputs(incremental, "v2") == _outputs(scratch, "v1")
    rejects = [json.loads(line) for line in _outputs(incremental, "v2")[1].splitlines()]
    assert any(r["reason"] == "duplicate" and r["raw_path"] == SEED_002 for r in rejects)
    near = [
        json.loads(line)
        for line in _outputs(incremental, "v2")[0].splitlines()
        if json.loads(line)["raw_path"] == "wire.txt"
    ]
    assert [n["similarity"] >= 0.8 for n in near[0]["near_duplicates"]] == [True]


def test_changed_metadata_rebuilds_everything_and_still_matches(messy_raw, tmp_path, language_calls):  # noqa: F811
    raw = messy_raw
    incremental = tmp_path / "incremental"
    build_corpus(raw, incremental, settings=SETTINGS)
    (raw / "page.html.meta.json").write_text(json.dumps({"license": "CC0-1.0", "retrieved": "2025-10-01"}))
    language_calls.clear()
    build_corpus(raw, incremental, settings=SETTINGS)
    n_documents = read_manifest("v2", incremental)["counts"]["documents"]
    assert len(language_calls) >= n_documents  # nothing could be reused safely
    scratch = tmp_path / "scratch"
    build_corpus(raw, scratch, settings=SETTINGS)
    assert _outputs(incremental, "v2") == _outputs(scratch, "v1")


def test_signature_cache_is_only_a_cache(messy_raw, tmp_path):  # noqa: F811
    out = tmp_path / "versions"
    build_corpus(messy_raw, out, settings=SETTINGS)
    cache = SignatureCache(out)
    assert cache.path.is_file() and cache.path.stat().st_size % cache.record == 0
    assert cache.path.stat().st_size // cache.record == read_manifest("v1", out)["counts"]["documents"]
    cache.path.write_bytes(b"")  # emptied (or deleted): the next build is slower, not different
    (messy_raw / "new.txt").write_text(_article(42), encoding="utf-8")
    build_corpus(messy_raw, out, settings=SETTINGS)
    scratch = tmp_path / "scratch"
    build_corpus(messy_raw, scratch, settings=SETTINGS)
    assert _outputs(out, "v2") == _outputs(scratch, "v1")
