"""Benchmark stage 4: push to and pull from a real Label Studio server, against raw SDK floors.

The stage starts its own server (free loopback port, data dir in the work dir) and stops it.
Each measurement uses a fresh project, so no run sees another's tasks:
- push of N documents vs one `projects.import_tasks` call with the same tasks (no predictions:
  `push --no-predictions`, so both send the same task payloads);
- re-push of the unchanged corpus vs the first push (must create nothing: asserted);
- pull of N annotated tasks vs the raw snapshot export (create, poll, download, no parsing).
"""

from __future__ import annotations

import json
import shutil
import time

from label_studio_sdk import LabelStudio

from newsclaims.annotation.client import NO_RETRY, connect
from newsclaims.annotation.project_tasks import batches_by_bytes, task_count
from newsclaims.annotation.pull import pull
from newsclaims.annotation.push import push
from newsclaims.annotation.push_plan import task_payload
from newsclaims.annotation.settings import LabelStudioSettings
from newsclaims.bench.ls_server import bench_server
from newsclaims.bench.runner import BenchContext, BenchError, Goal, Measurement
from newsclaims.bench.synth_annotations import annotate, documents, label_studio_result, write_corpus_version
from newsclaims.schemas.labelstudio import render_label_config
from newsclaims.schemas.taxonomy import load_taxonomy

CORPUS_VERSION = "v1"
REQUEST_TIMEOUT = 900.0  # one bulk import of 5k tasks is a single synchronous request
SPANS_PER_TASK = 10
TASKS = {"small": 200, "full": 5000}
EXPORT_TIMEOUT = 900.0


def raw_export(client: LabelStudio, project_id: int) -> bytes:
    """The floor of a pull: exports.create, poll until completed, download the bytes (no parsing)."""
    export = client.projects.exports.create(id=project_id, title="bench floor", request_options=NO_RETRY)
    if export.id is None:  # typed optional by the SDK; a created export always has one
        raise BenchError(f"export of project {project_id}: the server returned no id")
    deadline = time.monotonic() + EXPORT_TIMEOUT
    status = export.status
    while status != "completed":
        if status == "failed" or time.monotonic() > deadline:
            raise BenchError(f"export {export.id} of project {project_id}: {status}")
        time.sleep(0.5)  # the same poll interval as pull
        status = client.projects.exports.get(id=project_id, export_pk=export.id).status
    data = b"".join(client.projects.exports.download(id=project_id, export_pk=export.id, export_type="JSON"))
    client.projects.exports.delete(id=project_id, export_pk=export.id)
    return data


def _project(client: LabelStudio, title: str, label_config: str) -> int:
    project = client.projects.create(title=title, label_config=label_config, request_options=NO_RETRY)
    if project.id is None:  # typed optional by the SDK; a created project always has one
        raise BenchError(f"project {title!r}: the server returned no id")
    return project.id


def labelstudio(ctx: BenchContext) -> list[Measurement]:
    n = TASKS[ctx.size.name]
    tax = load_taxonomy()
    config = render_label_config(tax)
    docs = documents(n)
    versions = ctx.work / "ls-versions"
    shutil.rmtree(versions, ignore_errors=True)
    write_corpus_version(versions, docs, CORPUS_VERSION)
    with bench_server(ctx, "labelstudio") as handle:
        client = connect(LabelStudioSettings(handle.url, handle.api_key, timeout=REQUEST_TIMEOUT))
        return _push_and_pull(ctx, client, docs, tax, config, versions)


def _push_and_pull(ctx, client, docs, tax, config, versions) -> list[Measurement]:
    n = len(docs)
    tasks = [task_payload(d, CORPUS_VERSION).to_import(None) for d in docs]
    body_mib = len(json.dumps(tasks, ensure_ascii=False).encode("utf-8")) / 2**20

    floor_project = _project(client, "bench-floor-import", config)
    start = time.perf_counter()
    client.projects.import_tasks(id=floor_project, request=tasks, return_task_ids=True, request_options=NO_RETRY)
    floor = time.perf_counter() - start
    ctx.log(f"  floor: one import_tasks call with {n} tasks ({body_mib:.1f} MiB): {floor:.2f}s")

    start = time.perf_counter()
    first = push(client, docs, CORPUS_VERSION, "bench-push", taxonomy=tax, preannotate=False)
    first_s = time.perf_counter() - start
    if first.created != n or task_count(client, first.project_id) != n:
        raise BenchError(f"push created {first.created} tasks for {n} documents")
    ctx.log(f"  push: {first_s:.2f}s (created {first.created})")

    start = time.perf_counter()
    again = push(client, docs, CORPUS_VERSION, "bench-push", taxonomy=tax, preannotate=False)
    again_s = time.perf_counter() - start
    new_tasks = task_count(client, first.project_id) - n
    if again.created or new_tasks:  # the "zero new tasks" promise, asserted rather than reported only
        raise BenchError(
            f"re-push of an unchanged corpus created {again.created} task(s) ({new_tasks} new in the project)"
        )
    ctx.log(f"  re-push: {again_s:.2f}s (unchanged {again.unchanged}, new tasks {new_tasks})")

    # Pull: the same tasks with one submitted annotation each, imported inline (setup, not timed).
    pull_project = _project(client, "bench-pull", config)
    spans = 0
    annotated = []
    for doc, task in zip(docs, tasks):
        a = annotate(doc, tax, SPANS_PER_TASK)
        spans += a.spans
        annotated.append({**task, "annotations": [{"result": label_studio_result(a, tax), "ground_truth": False}]})
    for batch in batches_by_bytes(annotated, 8 << 20):
        client.projects.import_tasks(id=pull_project, request=batch, request_options=NO_RETRY)

    start = time.perf_counter()
    raw = raw_export(client, pull_project)
    export_floor = time.perf_counter() - start
    if len(json.loads(raw)) != n:
        raise BenchError(f"the export does not hold {n} tasks")
    ctx.log(f"  floor: snapshot export (create, poll, download) of {n} tasks: {export_floor:.2f}s")

    exports = ctx.work / "ls-exports"
    shutil.rmtree(exports, ignore_errors=True)
    start = time.perf_counter()
    pulled = pull(
        client,
        "bench-pull",
        exports_dir=exports,
        versions_dir=versions,
        pseudonyms_file=ctx.work / "ls-pseudonyms.json",
        taxonomy=tax,
    )
    pull_s = time.perf_counter() - start
    if pulled.counts["annotations"] != n or pulled.counts["entities"] + pulled.counts["claims"] != spans:
        raise BenchError(f"pull read {pulled.counts}, expected {n} annotations with {spans} spans")
    ctx.log(f"  pull: {pull_s:.2f}s ({pulled.counts['annotations']} annotations, {spans} spans)")

    stage = "labelstudio.push_pull"
    return [
        Measurement.of(
            stage,
            f"push {n} tasks into a new project",
            "s",
            floor,
            first_s,
            Goal("<=", 1.5),
            "one projects.import_tasks call with the same tasks, into a fresh project",
            created=first.created,
            import_body_mib=round(body_mib, 1),
            predictions=False,
        ),
        Measurement.of(
            stage,
            f"re-push {n} unchanged tasks",
            "s",
            first_s,
            again_s,
            Goal("<=", 0.2),
            "the first push of the same corpus",
            new_tasks=new_tasks,
            created=again.created,
            unchanged=again.unchanged,
        ),
        Measurement.of(
            stage,
            f"pull {n} annotated tasks ({spans} spans)",
            "s",
            export_floor,
            pull_s,
            Goal("<=", 1.5),
            "snapshot export: exports.create + poll + download, no parsing",
            annotations=pulled.counts["annotations"],
            spans=spans,
        ),
    ]
