"""The release build's sentences cut in a pool of worker processes give the same release, byte
for byte, as cut in the building process."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from newsclaims.annotation import snapshots
from newsclaims.bench.synth_annotations import annotation_records, documents, write_corpus_version
from newsclaims.release import segment_pool
from newsclaims.release.build import write_release
from newsclaims.release.content import compute_release
from newsclaims.release.inputs import resolve_inputs
from newsclaims.release.segment_pool import Segmentation, pack, unpack
from newsclaims.release.sentences import segment
from newsclaims.schemas.taxonomy import load_taxonomy

N_DOCS = 40


@pytest.fixture
def inputs_dirs(tmp_path) -> tuple[Path, Path]:
    tax = load_taxonomy()
    docs = documents(N_DOCS)
    # Two documents whose licence keeps their text out (stripped rows), and the last five left
    # unannotated (no rows in the annotated configs, never given to the pool).
    docs = [dataclasses.replace(d, license=None) if i in (3, 17) else d for i, d in enumerate(docs)]
    write_corpus_version(tmp_path / "versions", docs)
    records = list(annotation_records(docs[:-5], tax, 20 * N_DOCS))
    snapshots.write_snapshot(
        [{"id": r.task_id, "data": {"doc_id": r.doc_id}} for r in records],
        records,
        project="test",
        taxonomy_sha256=tax.sha256,
        counts={"tasks": len(records), "annotations": len(records)},
        exports_dir=tmp_path / "exports",
    )
    return tmp_path / "versions", tmp_path / "exports"


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_pool_and_serial_releases_are_byte_identical(inputs_dirs, tmp_path, monkeypatch):
    # Small batches, and no minimum, so a test-sized corpus goes through the pool in many tasks.
    monkeypatch.setattr(segment_pool, "MIN_PARALLEL_DOCS", 1)
    monkeypatch.setattr(segment_pool, "BATCH_DOCS", 3)
    inputs = resolve_inputs(*inputs_dirs)
    serial = write_release(compute_release(inputs, "1.0.0", workers=1), tmp_path / "serial")
    pooled_content = compute_release(inputs, "1.0.0", workers=2)
    pooled = write_release(pooled_content, tmp_path / "pooled")
    one, two = _files(serial), _files(pooled)
    assert {"ner/train-00000-of-00001.parquet", "sentences/train-00000-of-00001.parquet"} <= one.keys()
    assert one.keys() == two.keys()
    for name in one:
        assert one[name] == two[name], f"{name} differs between the serial and the pooled build"
    assert len(pooled_content.rows["ner"]["train"]) > 5 * N_DOCS // 2  # many sentences, not one per document
    withheld = [r for rows in pooled_content.rows["ner"].values() for r in rows if r["tokens"] is None]
    assert withheld, "the stripped rows of withheld documents are covered"


def test_the_pool_runs_and_returns_segment_of_each_document(monkeypatch):
    monkeypatch.setattr(segment_pool, "MIN_PARALLEL_DOCS", 1)
    monkeypatch.setattr(segment_pool, "BATCH_DOCS", 2)
    docs = documents(7)
    seg = Segmentation(docs, workers=2)
    try:
        assert seg.parallel
        for d in reversed(docs):
            assert seg.sentences(d) == segment(d)
    finally:
        seg.close()
    assert not Segmentation(docs, workers=1).parallel


def test_pack_round_trips_every_role():
    d = documents(1)[0]
    sentences = segment(d)
    assert unpack(d.id, pack(sentences)) == sentences
    for role in segment_pool.SENTENCE_ROLES:
        s = dataclasses.replace(sentences[0], role=role)
        assert unpack(d.id, pack([s])) == [s]
