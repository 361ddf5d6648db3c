"""Benchmark stage 5: the release build against pyarrow writing the same tables, and `load_dataset`.

Inputs are synthetic (a corpus version and an annotation snapshot in the work dir, never the
real tree). Every timed step runs in a fresh process (see `ctx.child`) so its peak memory is
its own:

    python -m newsclaims.bench.stages_release build VERSIONS EXPORTS RELEASES
    python -m newsclaims.bench.stages_release floor VERSIONS EXPORTS RELEASE_DIR OUT_DIR
    python -m newsclaims.bench.stages_release load RELEASE_DIR CACHE_DIR
    python -m newsclaims.bench.stages_release read RELEASE_DIR
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path

from newsclaims.bench.runner import BenchContext, ChildRun, Goal, Measurement

MODULE = "newsclaims.bench.stages_release"
SIZES = {"small": (500, 5_000), "full": (50_000, 500_000)}  # documents, spans
VERSION = "0.0.1"  # datasets needs x.y.z digits in a config version
REPORT_ONLY = Goal("<=", float("inf"))  # the issue asks for these figures, with no goal
_built: dict[Path, tuple[Path, ChildRun]] = {}


def _inputs(ctx: BenchContext) -> tuple[Path, Path, int, int]:
    from newsclaims.annotation import snapshots
    from newsclaims.bench.synth_annotations import annotation_records, documents, write_corpus_version
    from newsclaims.schemas.taxonomy import load_taxonomy

    n_docs, n_spans = SIZES[ctx.size.name]
    root = ctx.work / "release-inputs"
    shutil.rmtree(root, ignore_errors=True)
    start = time.perf_counter()
    tax = load_taxonomy()
    docs = documents(n_docs)
    write_corpus_version(root / "versions", docs)
    records = list(annotation_records(docs, tax, n_spans))
    tasks = [{"id": r.task_id, "data": {"doc_id": r.doc_id}} for r in records]
    spans = sum(len(r.entities) + len(r.claims) for r in records)
    snapshots.write_snapshot(
        tasks,
        records,
        project="bench",
        taxonomy_sha256=tax.sha256,
        counts={"tasks": len(tasks), "annotations": len(records)},
        exports_dir=root / "exports",
    )
    ctx.log(
        f"  inputs: {len(docs)} documents, {len(records)} annotations, {spans} spans "
        f"({time.perf_counter() - start:.1f}s)"
    )
    return root / "versions", root / "exports", len(docs), spans


def _build(ctx: BenchContext) -> tuple[Path, ChildRun]:
    if ctx.work not in _built:
        versions, exports, docs, spans = _inputs(ctx)
        releases = ctx.work / "releases"
        shutil.rmtree(releases, ignore_errors=True)
        run = ctx.child("build", str(versions), str(exports), str(releases), module=MODULE)
        run.output.update(documents=docs, spans=spans, versions=str(versions), exports=str(exports))
        ctx.log(f"  release build: {run.seconds:.2f}s, peak {run.peak_rss_mib:.0f} MiB")
        _built[ctx.work] = (releases / VERSION, run)
    return _built[ctx.work]


def release_build(ctx: BenchContext) -> list[Measurement]:
    release, build = _build(ctx)
    out = ctx.work / "release-floor"
    shutil.rmtree(out, ignore_errors=True)
    floor = ctx.child("floor", build.output["versions"], build.output["exports"], str(release), str(out), module=MODULE)
    ctx.log(f"  floor (read inputs, pq.write_table of the same rows): {floor.seconds:.2f}s")
    docs, spans = build.output["documents"], build.output["spans"]
    return [
        Measurement.of(
            "release.build",
            f"{docs} documents, {spans} spans",
            "s",
            floor.seconds,
            build.seconds,
            Goal("<=", 2),
            "read the input JSONL, then pa.Table.from_pylist + pq.write_table of the same rows (every config/split)",
            rows=build.output["rows"],
            steps=build.output["steps"],
            workers=build.output["workers"],
            peak_rss_mib=round(build.peak_rss_mib, 1),
            floor_peak_rss_mib=round(floor.peak_rss_mib, 1),
        )
    ]


def load_release(ctx: BenchContext) -> list[Measurement]:
    release, build = _build(ctx)
    cache = ctx.work / "hf-cache"
    shutil.rmtree(cache, ignore_errors=True)
    read = ctx.child("read", str(release), module=MODULE)
    load = ctx.child("load", str(release), str(cache), module=MODULE)
    ctx.log(
        f"  load_dataset: {load.seconds:.2f}s, peak {load.peak_rss_mib:.0f} MiB "
        f"(pq.read_table: {read.seconds:.2f}s, {read.peak_rss_mib:.0f} MiB)"
    )
    case = f"{build.output['documents']} documents, all configs, cold cache"
    floor_is = "pq.read_table of the same parquet files (report only: the issue sets no goal)"
    return [
        Measurement.of(
            "release.load_dataset",
            f"seconds, {case}",
            "s",
            read.seconds,
            load.seconds,
            REPORT_ONLY,
            floor_is,
            rows=load.output["rows"],
        ),
        Measurement.of(
            "release.load_dataset",
            f"peak memory, {case}",
            "MiB",
            read.peak_rss_mib,
            load.peak_rss_mib,
            REPORT_ONLY,
            floor_is,
        ),
    ]


# ---- what the child processes run --------------------------------------------------------------


def _child_build(versions: str, exports: str, releases: str) -> dict:
    from newsclaims.release.build import write_release
    from newsclaims.release.content import compute_release
    from newsclaims.release.inputs import resolve_inputs
    from newsclaims.release.segment_pool import default_workers

    steps = {}
    start = time.perf_counter()
    inputs = resolve_inputs(Path(versions), Path(exports))
    steps["read inputs"] = time.perf_counter() - start
    content = compute_release(inputs, VERSION)
    steps["compute"] = time.perf_counter() - start - steps["read inputs"]
    write_release(content, Path(releases))
    seconds = time.perf_counter() - start
    steps["write"] = seconds - steps["compute"] - steps["read inputs"]
    rows = {c: sum(len(r) for r in by_split.values()) for c, by_split in content.rows.items()}
    steps_out = {k: round(v, 3) for k, v in steps.items()}
    return {"seconds": seconds, "rows": rows, "steps": steps_out, "workers": default_workers()}


def _parquet_files(release: Path) -> list[Path]:
    return sorted(release.glob("*/*.parquet"))


def _child_floor(versions: str, exports: str, release: str, out: str) -> dict:
    """Read the inputs, then write the release's rows (read back untimed) with pyarrow alone."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    tables = {}
    for path in _parquet_files(Path(release)):
        t = pq.read_table(path)
        tables[path.relative_to(release)] = (t.to_pylist(), t.schema)
    inputs = [*Path(versions).glob("*/documents.jsonl"), *Path(exports).glob("*/annotations.jsonl")]
    start = time.perf_counter()
    for path in inputs:
        with open(path, encoding="utf-8") as f:
            for line in f:
                json.loads(line)
    for rel, (rows, schema) in tables.items():
        target = Path(out) / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(pa.Table.from_pylist(rows, schema=schema), target)
    return {"seconds": time.perf_counter() - start, "files": len(tables)}


def _child_read(release: str) -> dict:
    import pyarrow.parquet as pq

    start = time.perf_counter()
    rows = sum(pq.read_table(p).num_rows for p in _parquet_files(Path(release)))
    return {"seconds": time.perf_counter() - start, "rows": rows}


def _child_load(release: str, cache: str) -> dict:
    os.environ.update(HF_DATASETS_OFFLINE="1", HF_HUB_OFFLINE="1", HF_DATASETS_CACHE=cache)
    import datasets

    from newsclaims.schemas.features import CONFIGS

    datasets.disable_progress_bars()
    start = time.perf_counter()
    rows = 0
    for config in (c for c in CONFIGS if (Path(release) / c).is_dir()):  # claim_clusters only where there are clusters
        loaded = datasets.load_dataset(release, config, cache_dir=cache)
        rows += sum(len(split) for split in loaded.values())
    return {"seconds": time.perf_counter() - start, "rows": rows}


COMMANDS: dict[str, Callable[..., dict]] = {
    "build": _child_build,
    "floor": _child_floor,
    "read": _child_read,
    "load": _child_load,
}

if __name__ == "__main__":
    print(json.dumps(COMMANDS[sys.argv[1]](*sys.argv[2:])))
