"""`newsclaims annotate push`: one Label Studio task per corpus document, upserted by `data.doc_id`.

Label Studio never deduplicates tasks and the SDK replays failed POSTs, so idempotency is ours:
list what exists once, import only the missing documents (imports are never retried blindly),
then list again and remove any duplicate that is not annotated. A document whose text changed
under an annotated task is reported as drifted and left alone (annotations keep their offsets).
Re-pushing an unchanged corpus skips the listing when the server confirms the push ledger
(push_ledger.py) is still true.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock, Timeout
from label_studio_sdk import LabelStudio

from newsclaims.annotation.client import NO_RETRY, client_url, get_or_create_project, translated_errors
from newsclaims.annotation.defaults import DEFAULT_BATCH_BYTES, DEFAULT_PROJECT
from newsclaims.annotation.preannotate import MODEL_PREFIX, PredictionBuilder, lexicon_from_annotations
from newsclaims.annotation.project_tasks import (
    ExistingTask,
    by_doc_id,
    delete_task,
    import_tasks,
    list_tasks,
    task_count,
)
from newsclaims.annotation.push_ledger import (
    ledger_confirms,
    ledger_path,
    newest_update,
    payloads_digest,
    read_ledger,
    record_ledger,
)
from newsclaims.annotation.push_migration import (
    DATA_KEPT,
    META_KEPT,
    REANCHORED_KEY,
    append_rows,
    apply_migration,
    comparable,
    kept,
    lazy_pseudonyms,
    pending_plan,
    plan_migration,
)
from newsclaims.annotation.push_plan import Action, PushSummary, plan_push, task_payload
from newsclaims.annotation.round_settings import apply_round_settings, check_overlap
from newsclaims.corpus.document import Document
from newsclaims.errors import NewsclaimsError
from newsclaims.fsutil import sha256_bytes
from newsclaims.schemas.labelstudio import render_label_config
from newsclaims.schemas.taxonomy import Taxonomy, load_taxonomy

# Push locks live outside the checkout (keyed by server URL + project title), so two checkouts
# pushing to the same project on one machine exclude each other too.
LOCK_DIR = Path(tempfile.gettempdir()) / f"newsclaims-{os.getuid()}"


@dataclass(frozen=True)
class PushRequest:
    """What one push is asked to do (push()'s options, the taxonomy loaded)."""

    corpus_version: str
    project_title: str
    taxonomy: Taxonomy
    batch_bytes: int
    preannotate: bool
    overlap: int | None
    migration_report: Path | None


class PushLockedError(NewsclaimsError):
    """Another push to the same project of the same server is running."""


def remove_duplicates(client: LabelStudio, project_id: int, summary: PushSummary) -> dict[str, ExistingTask]:
    """List the project; for a doc id with several tasks keep one and delete unannotated extras.

    Keeps the annotated task (or the oldest); annotated extras are kept and reported.
    """
    kept: dict[str, ExistingTask] = {}
    for doc_id, group in sorted(by_doc_id(list_tasks(client, project_id)).items()):
        group.sort(key=lambda t: (not t.annotated, t.id))
        kept[doc_id] = group[0]
        for extra in group[1:]:
            if extra.annotated:
                if doc_id not in summary.duplicates_annotated:
                    summary.duplicates_annotated.append(doc_id)
                continue
            delete_task(client, extra.id)
            summary.duplicates_removed += 1
    return kept


# ---- the push -----------------------------------------------------------------------------------


def push(
    client: LabelStudio,
    documents: Iterable[Document],
    corpus_version: str,
    project_title: str = DEFAULT_PROJECT,
    taxonomy: Taxonomy | None = None,
    batch_bytes: int = DEFAULT_BATCH_BYTES,
    preannotate: bool = True,
    full_check: bool = False,
    overlap: int | None = None,
    migration_report: Path | None = None,
) -> PushSummary:
    """Upsert one task per document into the project titled `project_title` (created if needed).

    SDK and connection failures come out as `LabelStudioError`; re-running is always safe.
    `full_check`: list every task even when the push ledger says nothing changed.
    `overlap`: annotators per task (None: keep the project's; 1 for a new project). Every push
    also refreshes the project's instructions from the guidelines (round_settings.py).
    """
    check_overlap(overlap)
    url = client_url(client)
    with (
        push_lock(url, project_title) as lock,
        translated_errors(url, "pushing tasks (re-running push is safe: it never duplicates)"),
    ):
        request = PushRequest(
            corpus_version,
            project_title,
            taxonomy or load_taxonomy(),
            batch_bytes,
            preannotate,
            overlap,
            migration_report,
        )
        return _push(
            client,
            documents,
            request,
            ledger_file=None if full_check else ledger_path(lock),
            ledger_out=ledger_path(lock),
        )


@contextlib.contextmanager
def push_lock(url: str, project_title: str, lock_dir: Path | None = None) -> Iterator[Path]:
    """One push per (server, project) at a time: two would both import the missing documents.

    Refuses at once (rather than waiting) so nobody is left staring at a silent command.
    """
    lock_dir = Path(lock_dir or LOCK_DIR)
    lock_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = sha256_bytes("\n".join((url.rstrip("/"), project_title)).encode("utf-8"))[:16]
    path = lock_dir / f"push-{key}.lock"
    lock = FileLock(str(path))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise PushLockedError(
            f"another `newsclaims annotate push` to project {project_title!r} at {url} is running (lock {path}); "
            "wait for it to finish, then re-run this push if needed"
        ) from None
    try:
        yield path
    finally:
        lock.release()


def _push(
    client: LabelStudio,
    documents: Iterable[Document],
    request: PushRequest,
    ledger_file: Path | None = None,
    ledger_out: Path | None = None,
) -> PushSummary:
    """`ledger_file`: a push ledger to trust if the server confirms it; `ledger_out`: where to
    record this push's outcome (both None: no ledger at all)."""
    r = request
    taxonomy, corpus_version, project_title, overlap = r.taxonomy, r.corpus_version, r.project_title, r.overlap
    label_config = render_label_config(taxonomy)
    project, created = get_or_create_project(client, project_title, label_config)
    summary = PushSummary(
        project=project_title, project_id=project.id, corpus_version=corpus_version, project_created=created
    )

    payloads = {}
    documents_by_id: dict[str, Document] = {}
    for doc in documents:
        documents_by_id[doc.id] = doc
        if doc.id in payloads:
            raise NewsclaimsError(f"corpus {corpus_version} lists document {doc.id} twice")
        payloads[doc.id] = task_payload(doc, corpus_version)
    summary.documents = len(payloads)
    digest = payloads_digest((p.doc_id, p.data, p.meta) for p in payloads.values())
    if ledger_file and not r.preannotate and ledger_confirms(client, project, read_ledger(ledger_file), digest):
        summary.unchanged = len(payloads)  # what listing every task would find, confirmed by the server
        summary.model_version = "none"
        # Project settings never touch a task's `updated_at`, so the ledger stays true.
        summary.overlap = apply_round_settings(client, project, overlap, None).overlap
        return summary
    # The newest task stamp before anything is listed: tasks stamped later are this push's writes
    # or someone else's (then no ledger is written). An empty project needs no request.
    stamp_before = newest_update(client, project.id) if ledger_out and project.task_number else None

    existing = remove_duplicates(client, project.id, summary)
    lexicon = lexicon_from_annotations(
        ((t.data.get("text") or "", t.annotations) for t in existing.values()), taxonomy.entity_names
    )
    predictions = PredictionBuilder(taxonomy, label_config, lexicon) if r.preannotate else None
    summary.model_version = predictions.model_version if predictions else "none"

    missing: list[dict] = []
    annotator_of = lazy_pseudonyms(client)
    for planned in plan_push(payloads, existing):
        payload, task, doc_id = planned.payload, planned.task, planned.payload.doc_id
        if planned.action is Action.CREATE:
            prediction = predictions.build(payload.data["text"]) if predictions else None
            summary.predictions_added += bool(prediction)
            missing.append(payload.to_import(prediction))
            continue
        assert task is not None
        if planned.action is Action.DRIFT:
            summary.drifted.append(doc_id)
        elif planned.action is Action.MIGRATE:
            plan = pending_plan(task.meta, payload.text_sha256) or plan_migration(
                task.id, task.data, task.annotations, documents_by_id[doc_id], payload.text_sha256, annotator_of
            )
            if r.migration_report:
                append_rows(r.migration_report, plan.rows)  # before any write: a re-run appends the same rows
            apply_migration(
                client, plan, task.meta, payload.data, payload.meta, task.meta.get("corpus_version"), corpus_version
            )
            _drop_predictions(client, task)  # suggestions for the old text: the new ones follow below
            summary.migrated.append(doc_id)
            summary.migration_rows += plan.rows
        elif planned.action is Action.CLEAR_REVIEW:
            client.tasks.update(
                id=str(task.id), data=payload.data, meta=comparable(task.meta, frozenset({REANCHORED_KEY}))
            )
            summary.reviewed.append(doc_id)
        elif planned.action is Action.UNCHANGED:
            summary.unchanged += 1
        else:
            client.tasks.update(
                id=str(task.id),
                data=kept(task.data, payload.data, DATA_KEPT),
                meta=kept(task.meta, payload.meta, META_KEPT),
            )
            if planned.text_changed:  # the old suggestions point into the old text
                _drop_predictions(client, task)
            summary.updated += 1

    tasks_after = None  # the task count, when known to be current
    if missing:
        before = task_count(client, project.id)
        try:
            import_tasks(client, project.id, missing, r.batch_bytes)
        except Exception:
            # A POST whose answer was lost may still have been committed: tidy up what we can, and
            # the next push (which starts from what exists) completes the rest.
            with contextlib.suppress(Exception):
                remove_duplicates(client, project.id, summary)
            raise
        # Count from what exists, not from what the server answered. Exactly `before + missing`
        # tasks means every batch landed once: listing every task again (the costly part of a
        # push) is only needed to reconcile when the count says something else happened.
        if (after := task_count(client, project.id)) == before + len(missing):
            summary.created = len(missing)
            tasks_after = after
        else:
            existing = remove_duplicates(client, project.id, summary)
            summary.created = sum(1 for t in missing if t["data"]["doc_id"] in existing)

    if predictions:
        current_text = {d: p.data["text"] for d, p in payloads.items()}
        for doc_id, task in sorted(existing.items()):
            if doc_id not in current_text or doc_id in summary.drifted:
                continue
            summary.predictions_added += add_prediction(client, task, predictions, current_text[doc_id])
        tasks_after = None  # prediction uploads may touch tasks: count again
    # Before the ledger: a new overlap re-deals the tasks' `overlap` (and stamps them).
    summary.overlap = apply_round_settings(
        client, project, overlap, predictions.model_version if predictions else None
    ).overlap
    if ledger_out:
        record_ledger(client, project, summary, digest, stamp_before, tasks_after, ledger_out)
    return summary


def _drop_predictions(client: LabelStudio, task: ExistingTask) -> None:
    for pid, _ in task.model_versions:
        client.predictions.delete(id=pid)
    task.model_versions = []


def add_prediction(client: LabelStudio, task: ExistingTask, predictions: PredictionBuilder, text: str) -> int:
    """Upload this model version's prediction unless the task has it; replace our older versions."""
    versions = [v for _, v in task.model_versions]
    if predictions.model_version in versions:
        return 0
    prediction = predictions.build(text)
    if prediction is None:
        return 0
    client.predictions.create(
        task=task.id, result=prediction["result"], model_version=prediction["model_version"], request_options=NO_RETRY
    )
    for pid, version in task.model_versions:
        if version.startswith(MODEL_PREFIX):
            client.predictions.delete(id=pid)
    return 1
