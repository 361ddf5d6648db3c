"""Benchmark stage: re-anchoring a snapshot (`annotate migrate`) against reading and writing it.

Inputs are synthetic: a corpus version v1, a snapshot of one annotation per document (Label
Studio result items and records), and v2 where 10% of the documents changed (a correction note
before the text, one word replaced inside it). Each timed step runs in a fresh process:

    python -m newsclaims.bench.stages_migrate migrate VERSIONS EXPORTS SNAPSHOT OUT
    python -m newsclaims.bench.stages_migrate floor EXPORTS SNAPSHOT OUT
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from newsclaims.bench.runner import BenchContext, Goal, Measurement

MODULE = "newsclaims.bench.stages_migrate"
SIZES = {"small": (500, 5_000), "full": (5_000, 50_000)}  # documents, spans
CHANGED_SHARE = 0.1
NOTE = "Correction: an earlier version of this report gave a wrong figure. "


def _inputs(ctx: BenchContext) -> tuple[Path, Path, str, int, int]:
    from newsclaims.annotation.export_parser import parse_export
    from newsclaims.annotation.snapshots import write_snapshot
    from newsclaims.bench.synth_annotations import annotate, documents, label_studio_result, write_corpus_version
    from newsclaims.fsutil import sha256_bytes
    from newsclaims.schemas.taxonomy import load_taxonomy

    n_docs, n_spans = SIZES[ctx.size.name]
    root = ctx.work / "migrate-inputs"
    shutil.rmtree(root, ignore_errors=True)
    tax = load_taxonomy()
    docs = documents(n_docs)
    write_corpus_version(root / "versions", docs, "v1")
    tasks = []
    for i, doc in enumerate(docs):
        result = label_studio_result(annotate(doc, tax, max(1, n_spans // n_docs)), tax)
        tasks.append(
            {
                "id": i + 1,
                "data": {"doc_id": doc.id, "text": doc.text},
                "meta": {"corpus_version": "v1"},
                "annotations": [
                    {
                        "id": i + 1,
                        "completed_by": "annotator-1",
                        "was_cancelled": False,
                        "ground_truth": False,
                        "result": result,
                    }
                ],
            }
        )
    parsed = parse_export(tasks, {d.id: d.text for d in docs}, tax)
    snapshot = write_snapshot(
        tasks, parsed.records, project="bench", taxonomy_sha256=tax.sha256, counts={}, exports_dir=root / "exports"
    )
    step = round(1 / CHANGED_SHARE)
    changed = []
    for i, doc in enumerate(docs):
        if i % step == 0:
            middle = len(doc.text) // 2
            text = NOTE + doc.text[:middle] + "X" + doc.text[middle + 1 :]
            doc = replace(doc, text=text, text_sha256=sha256_bytes(text.encode()), paragraphs=[])
        changed.append(doc)
    write_corpus_version(root / "versions", changed, "v2")
    spans = sum(len(r.entities) + len(r.claims) for r in parsed.records)
    return root / "versions", root / "exports", snapshot.snapshot_id, len(docs), spans


def migrate(ctx: BenchContext) -> list[Measurement]:
    versions, exports, snapshot, docs, spans = _inputs(ctx)
    floor = ctx.child("floor", str(exports), snapshot, str(ctx.work / "migrate-floor"), module=MODULE)
    run = ctx.child("migrate", str(versions), str(exports), snapshot, str(ctx.work / "migrate-out"), module=MODULE)
    ctx.log(f"  floor (read + write the snapshot): {floor.seconds:.2f}s; migrate: {run.seconds:.2f}s")
    return [
        Measurement.of(
            "annotation.migrate",
            f"{docs} documents, {spans} spans, {CHANGED_SHARE:.0%} of documents changed",
            "s",
            floor.seconds,
            run.seconds,
            Goal("<=", 2),
            "read export.json + annotations.jsonl, write both again",
            statuses=run.output["statuses"],
            peak_rss_mib=round(run.peak_rss_mib, 1),
        )
    ]


def _child_floor(exports: str, snapshot: str, out: str) -> dict:
    from newsclaims.annotation.snapshots import annotations_jsonl, canonical_export, load_annotations, load_export
    from newsclaims.gc_pause import gc_paused

    start = time.perf_counter()
    with gc_paused():  # as migrate does: the floor gets the same collector pause
        tasks = load_export(snapshot, Path(exports))
        records = load_annotations(snapshot, Path(exports))
        target = Path(out)
        target.mkdir(parents=True, exist_ok=True)
        (target / "export.json").write_bytes(canonical_export(tasks))
        (target / "annotations.jsonl").write_bytes(annotations_jsonl(records))
    return {"seconds": time.perf_counter() - start}


def _child_migrate(versions: str, exports: str, snapshot: str, out: str) -> dict:
    from collections import Counter

    from newsclaims.annotation.migrate import migrate_snapshot

    shutil.rmtree(out, ignore_errors=True)
    start = time.perf_counter()
    result = migrate_snapshot(snapshot, "v2", exports_dir=Path(exports), versions_dir=Path(versions), out_dir=Path(out))
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "statuses": dict(Counter(r.status for r in result.rows))}


COMMANDS: dict[str, Callable[..., dict]] = {"floor": _child_floor, "migrate": _child_migrate}

if __name__ == "__main__":
    print(json.dumps(COMMANDS[sys.argv[1]](*sys.argv[2:])))
