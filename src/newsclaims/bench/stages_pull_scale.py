"""Benchmark stage: `annotate pull` of large projects (20k and 50k annotated tasks) vs one raw export.

Label Studio Community builds an export inside the request that creates it, so a single export
of a large project can outlast a request timeout (label-studio #5811, #8353). The floor is that
single raw export (create, poll, download, no parsing) with a generous timeout; the measured
pull runs with the default request timeout (LABEL_STUDIO_TIMEOUT, 60 s) and exports in chunks
of task ids (annotation/export_chunks.py). The details record whether the single export alone
took longer than the default timeout, i.e. whether a one-request pull would have failed.
"""

from __future__ import annotations

import shutil
import time

import orjson

from newsclaims.annotation.client import NO_RETRY, connect
from newsclaims.annotation.export_chunks import DEFAULT_CHUNK_TASKS
from newsclaims.annotation.project_tasks import batches_by_bytes
from newsclaims.annotation.pull import ExportOptions, pull
from newsclaims.annotation.push_plan import task_payload
from newsclaims.annotation.settings import DEFAULT_TIMEOUT, LabelStudioSettings
from newsclaims.bench.ls_server import bench_server
from newsclaims.bench.runner import BenchContext, BenchError, Goal, Measurement
from newsclaims.bench.stages_labelstudio import CORPUS_VERSION, REQUEST_TIMEOUT, SPANS_PER_TASK, raw_export
from newsclaims.bench.synth_annotations import annotate, documents, label_studio_result, write_corpus_version
from newsclaims.schemas.labelstudio import render_label_config
from newsclaims.schemas.taxonomy import load_taxonomy

SIZES = {"small": (300,), "full": (20_000, 50_000)}
CHUNKS = {"small": 100, "full": DEFAULT_CHUNK_TASKS}
STAGE = "labelstudio.pull_scale"


def pull_scale(ctx: BenchContext) -> list[Measurement]:
    with bench_server(ctx, "labelstudio-scale") as handle:
        slow = connect(LabelStudioSettings(handle.url, handle.api_key, timeout=REQUEST_TIMEOUT))
        default = connect(LabelStudioSettings(handle.url, handle.api_key, timeout=DEFAULT_TIMEOUT))
        return [_one(ctx, slow, default, n, CHUNKS[ctx.size.name]) for n in SIZES[ctx.size.name]]


def _one(ctx: BenchContext, slow, default, n: int, chunk: int) -> Measurement:
    tax = load_taxonomy()
    docs = documents(n)
    versions = ctx.work / f"scale-versions-{n}"
    shutil.rmtree(versions, ignore_errors=True)
    write_corpus_version(versions, docs, CORPUS_VERSION)
    title = f"bench-pull-{n}"
    project = slow.projects.create(title=title, label_config=render_label_config(tax), request_options=NO_RETRY)
    if project.id is None:
        raise BenchError(f"project {title!r}: the server returned no id")
    spans = 0
    annotated = []
    for doc in docs:
        a = annotate(doc, tax, SPANS_PER_TASK)
        spans += a.spans
        task = task_payload(doc, CORPUS_VERSION).to_import(None)
        annotated.append({**task, "annotations": [{"result": label_studio_result(a, tax), "ground_truth": False}]})
    del docs
    start = time.perf_counter()
    for batch in batches_by_bytes(annotated, 8 << 20):
        slow.projects.import_tasks(id=project.id, request=batch, request_options=NO_RETRY)
    del annotated
    ctx.log(f"  {n} annotated tasks ({spans} spans) imported in {time.perf_counter() - start:.0f}s (setup)")

    start = time.perf_counter()
    raw = raw_export(slow, project.id)
    floor = time.perf_counter() - start
    export_mib = len(raw) / 2**20
    exported = len(orjson.loads(raw))
    del raw
    if exported != n:
        raise BenchError(f"the single export holds {exported} tasks, not {n}")
    ctx.log(f"  floor: one snapshot export of {n} tasks ({export_mib:.0f} MiB): {floor:.1f}s")

    exports = ctx.work / f"scale-exports-{n}"
    shutil.rmtree(exports, ignore_errors=True)
    chunks: list[float] = []
    last = [time.perf_counter()]

    def on_chunk(_event) -> None:
        now = time.perf_counter()
        chunks.append(now - last[0])
        last[0] = now

    start = time.perf_counter()
    pulled = pull(
        default,
        title,
        exports_dir=exports,
        versions_dir=versions,
        pseudonyms_file=ctx.work / "scale-pseudonyms.json",
        taxonomy=tax,
        export=ExportOptions(chunk_size=chunk, resume_dir=ctx.work / "scale-resume", on_chunk=on_chunk),
    )
    pull_s = time.perf_counter() - start
    counts = pulled.counts
    if counts["annotations"] != n or counts["entities"] + counts["claims"] != spans:
        raise BenchError(f"pull read {counts}, expected {n} annotations with {spans} spans")
    ctx.log(f"  pull in {len(chunks)} chunk(s) of {chunk}: {pull_s:.1f}s (slowest chunk {max(chunks):.1f}s)")
    shutil.rmtree(exports, ignore_errors=True)
    shutil.rmtree(versions, ignore_errors=True)
    return Measurement.of(
        STAGE,
        f"pull {n} annotated tasks ({spans} spans)",
        "s",
        floor,
        pull_s,
        Goal("<=", 1.5),
        "one snapshot export of the whole project (create, poll, download, no parsing), 900 s timeout",
        tasks=n,
        spans=spans,
        chunk_tasks=chunk,
        chunks=len(chunks),
        slowest_chunk_s=round(max(chunks), 2),
        export_mib=round(export_mib, 1),
        single_export_over_default_timeout=floor > DEFAULT_TIMEOUT,
        default_timeout_s=DEFAULT_TIMEOUT,
    )
