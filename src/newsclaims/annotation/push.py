"""`newsclaims annotate push`: one Label Studio task per corpus document, upserted by `data.doc_id`.

Label Studio never deduplicates tasks and the SDK replays failed POSTs, so idempotency is ours:
list what exists once, import only the missing documents (imports are never retried blindly),
then list again and remove any duplicate that is not annotated. A document whose text changed
under an annotated task is reported as drifted and left alone (annotations keep their offsets).
Re-pushing an unchanged corpus skips the listing when the server confirms the push ledger
(push_ledger.py) is still true.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from filelock import FileLock, Timeout
from label_studio_sdk import LabelStudio
from label_studio_sdk.core.api_error import ApiError

from newsclaims.annotation.client import NO_RETRY, client_url, connect, get_or_create_project, translated_errors
from newsclaims.annotation.preannotate import MODEL_PREFIX, PredictionBuilder, lexicon_from_annotations
from newsclaims.annotation.push_migration import (
    DATA_KEPT,
    META_KEPT,
    REANCHORED_KEY,
    REVIEW_FIELD,
    append_rows,
    apply_migration,
    comparable,
    finish_report,
    kept,
    lazy_pseudonyms,
    pending_plan,
    plan_migration,
    reviewed_since_migration,
)
from newsclaims.annotation.round_settings import GUIDELINES_FILE, apply_round_settings, check_overlap
from newsclaims.annotation.push_ledger import (
    PushLedger,
    forget_ledger,
    ledger_path,
    newest_update,
    payloads_digest,
    project_stamp,
    read_ledger,
    updated_after,
    write_ledger,
)
from newsclaims.annotation.snapshots import slugify
from newsclaims.corpus.document import Document
from newsclaims.corpus.versions import latest_version, load_documents
from newsclaims.errors import NewsclaimsError
from newsclaims.fsutil import sha256_bytes
from newsclaims.paths import ANNOTATION_DIR, VERSIONS_DIR
from newsclaims.schemas.labelstudio import render_label_config
from newsclaims.schemas.taxonomy import Taxonomy, load_taxonomy

DEFAULT_PROJECT = "newsclaims"
DEFAULT_BATCH_BYTES = 4 << 20  # far below Label Studio's ~250 MB per POST, and quick to retry
DATA_FIELDS = ("text", "doc_id", "title", "outlet", "source", "date", "dateline", "url", "text_sha256")
# Push locks live outside the checkout (keyed by server URL + project title), so two checkouts
# pushing to the same project on one machine exclude each other too.
LOCK_DIR = Path(tempfile.gettempdir()) / f"newsclaims-{os.getuid()}"


class PushLockedError(NewsclaimsError):
    """Another push to the same project of the same server is running."""


@dataclass(frozen=True)
class TaskPayload:
    """What one document becomes in Label Studio."""

    doc_id: str
    data: dict
    meta: dict

    @property
    def text_sha256(self) -> str:
        return self.data["text_sha256"]

    def to_import(self, prediction: dict | None) -> dict:
        task = {"data": self.data, "meta": self.meta}
        if prediction:
            task["predictions"] = [prediction]
        return task


@dataclass
class ExistingTask:
    id: int
    data: dict
    meta: dict
    annotations: list[dict]  # submitted or cancelled annotations, as listed by the server
    has_draft: bool
    model_versions: list[tuple[int, str]]  # (prediction id, model_version)

    @property
    def doc_id(self) -> str | None:
        return self.data.get("doc_id")

    @property
    def annotated(self) -> bool:
        """Has someone's work on it (annotation, cancelled annotation or draft): never rewrite it."""
        return bool(self.annotations) or self.has_draft


@dataclass
class PushSummary:
    project: str
    project_id: int
    corpus_version: str
    project_created: bool = False
    documents: int = 0
    created: int = 0
    unchanged: int = 0
    updated: int = 0
    drifted: list[str] = field(default_factory=list)  # doc ids: text changed under a draft only
    migrated: list[str] = field(default_factory=list)  # doc ids: annotations re-anchored to the new text
    migration_rows: list[dict] = field(default_factory=list)  # migrate.MigrationRow dicts
    reviewed: list[str] = field(default_factory=list)  # doc ids whose needs_review note was cleared
    duplicates_removed: int = 0
    duplicates_annotated: list[str] = field(default_factory=list)  # doc ids with >1 annotated task
    predictions_added: int = 0
    model_version: str = ""
    overlap: int = 1  # annotators per task, as the project now has it

    def lines(self) -> list[str]:
        out = [
            f"project {self.project!r} (id {self.project_id}{', created' if self.project_created else ''}), "
            f"corpus {self.corpus_version}: {self.documents} documents",
            f"  created {self.created}, unchanged {self.unchanged}, updated {self.updated}, "
            f"drifted {len(self.drifted)}, predictions added {self.predictions_added} ({self.model_version})",
            f"  overlap {self.overlap} annotator(s) per task; instructions from {GUIDELINES_FILE.name}",
        ]
        if self.migrated:
            spans = Counter(r["status"] for r in self.migration_rows if r["kind"] == "span")
            out.append(f"  re-anchored the annotations of {len(self.migrated)} document(s) whose text changed: "
                       + ", ".join(f"{k} {spans.get(k, 0)}" for k in ("unchanged", "moved", "changed", "lost"))
                       + f" span(s); tasks to check carry `{REVIEW_FIELD}`")
        if self.reviewed:
            out.append(f"  cleared `{REVIEW_FIELD}` of {len(self.reviewed)} task(s) updated since their re-anchoring")
        if self.drifted:
            out.append(
                "  drifted (text changed under an unsaved draft only; task left as is): " + ", ".join(self.drifted)
            )
        if self.duplicates_removed:
            out.append(f"  removed {self.duplicates_removed} unannotated duplicate task(s)")
        if self.duplicates_annotated:
            out.append("  WARNING: several annotated tasks for: " + ", ".join(self.duplicates_annotated))
        return out


# ---- documents -> payloads ------------------------------------------------------------------


def task_payload(doc: Document, corpus_version: str) -> TaskPayload:
    text = doc.text
    if "\r" in text:  # browsers turn \r\n into \n, which would shift every offset after it
        raise NewsclaimsError(f"document {doc.id} contains a carriage return: rebuild the corpus (it normalizes newlines)")
    data = {
        "text": text,
        "doc_id": doc.id,
        "title": doc.title or "",
        # The page header shows `outlet`: the frontend reads `$source` as the whole task.
        "outlet": doc.source or "",
        "source": doc.source or "",
        "date": doc.date or "",
        "dateline": doc.dateline or "",
        "url": doc.url or "",
        "text_sha256": doc.text_sha256 or sha256_bytes(text.encode("utf-8")),
    }
    return TaskPayload(doc_id=doc.id, data=data, meta={"corpus_version": corpus_version})


def batches_by_bytes(tasks: Iterable[dict], max_bytes: int) -> Iterator[list[dict]]:
    """Group tasks so each POST body stays under max_bytes (a bigger single task goes alone)."""
    batch: list[dict] = []
    size = 2
    for task in tasks:
        n = len(json.dumps(task, ensure_ascii=False).encode("utf-8")) + 1
        if batch and size + n > max_bytes:
            yield batch
            batch, size = [], 2
        batch.append(task)
        size += n
    if batch:
        yield batch


# ---- what exists in the project ----------------------------------------------------------------


LIST_PAGE_SIZE = 1000  # Label Studio sets no maximum; 100 per page made listing 5k tasks a 50-request walk


# What a task row carries without serializing its annotations and predictions: listing 1000
# tasks with only these took 0.3 s against 2.2 s with fields=all (Label Studio 1.23, SQLite).
LIGHT_FIELDS = "id,data,meta,total_annotations,cancelled_annotations,total_predictions,draft_exists"


def list_tasks(client: LabelStudio, project_id: int) -> list[ExistingTask]:
    """Every task of the project (paginated by the SDK's pager), with annotations and predictions.

    The light fields first; the full listing only when some task has annotations, drafts or
    predictions to read (a project nobody has touched yet never pays for it).
    """
    light = list(client.tasks.list(project=project_id, include=LIGHT_FIELDS, page_size=LIST_PAGE_SIZE))
    if any(t.total_annotations or t.cancelled_annotations or t.total_predictions or t.draft_exists for t in light):
        return _list_full(client, project_id)
    return [ExistingTask(id=t.id, data=dict(t.data or {}), meta=dict(t.meta or {}), annotations=[], has_draft=False,
                         model_versions=[]) for t in light]


def _list_full(client: LabelStudio, project_id: int) -> list[ExistingTask]:
    tasks = []
    for t in client.tasks.list(project=project_id, fields="all", page_size=LIST_PAGE_SIZE):
        tasks.append(
            ExistingTask(
                id=t.id,
                data=dict(t.data or {}),
                meta=dict(t.meta or {}),
                annotations=list(t.annotations or []),
                has_draft=bool(t.draft_exists or t.drafts),
                model_versions=[(p.id, p.model_version or "") for p in t.predictions or []],
            )
        )
    return tasks


def by_doc_id(tasks: Iterable[ExistingTask]) -> dict[str, list[ExistingTask]]:
    groups: dict[str, list[ExistingTask]] = defaultdict(list)
    for t in tasks:
        if t.doc_id:
            groups[t.doc_id].append(t)
    return groups


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
            _delete_task(client, extra.id)
            summary.duplicates_removed += 1
    return kept


def _delete_task(client: LabelStudio, task_id: int) -> None:
    try:
        client.tasks.delete(id=str(task_id), request_options=NO_RETRY)
    except ApiError as e:
        if e.status_code != 404:  # already gone is what we wanted
            raise


# ---- the push -----------------------------------------------------------------------------------


def task_count(client: LabelStudio, project_id: int) -> int:
    """How many tasks the project holds (one small request: no task is listed)."""
    return client.projects.get(id=project_id).task_number or 0


def import_missing(client: LabelStudio, project_id: int, tasks: list[dict], batch_bytes: int) -> None:
    """POST tasks in batches, never retried by the SDK (a replayed POST would duplicate them)."""
    for batch in batches_by_bytes(tasks, batch_bytes):
        client.projects.import_tasks(id=project_id, request=batch, return_task_ids=True, request_options=NO_RETRY)


def push(client: LabelStudio, documents: Iterable[Document], corpus_version: str, project_title: str = DEFAULT_PROJECT,
         taxonomy: Taxonomy | None = None, batch_bytes: int = DEFAULT_BATCH_BYTES, preannotate: bool = True,
         full_check: bool = False, overlap: int | None = None,
         migration_report: Path | None = None) -> PushSummary:
    """Upsert one task per document into the project titled `project_title` (created if needed).

    SDK and connection failures come out as `LabelStudioError`; re-running is always safe.
    `full_check`: list every task even when the push ledger says nothing changed.
    `overlap`: annotators per task (None: keep the project's; 1 for a new project). Every push
    also refreshes the project's instructions from the guidelines (round_settings.py).
    """
    check_overlap(overlap)
    url = client_url(client)
    with push_lock(url, project_title) as lock, \
            translated_errors(url, "pushing tasks (re-running push is safe: it never duplicates)"):
        return _push(client, documents, corpus_version, project_title, taxonomy, batch_bytes, preannotate,
                     ledger_file=None if full_check else ledger_path(lock), ledger_out=ledger_path(lock),
                     overlap=overlap, migration_report=migration_report)


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
    corpus_version: str,
    project_title: str = DEFAULT_PROJECT,
    taxonomy: Taxonomy | None = None,
    batch_bytes: int = DEFAULT_BATCH_BYTES,
    preannotate: bool = True,
    ledger_file: Path | None = None,
    ledger_out: Path | None = None,
    overlap: int | None = None,
    migration_report: Path | None = None,
) -> PushSummary:
    """`ledger_file`: a push ledger to trust if the server confirms it; `ledger_out`: where to
    record this push's outcome (both None: no ledger at all)."""
    taxonomy = taxonomy or load_taxonomy()
    label_config = render_label_config(taxonomy)
    project, created = get_or_create_project(client, project_title, label_config)
    summary = PushSummary(project=project_title, project_id=project.id, corpus_version=corpus_version,
                          project_created=created)

    payloads = {}
    documents_by_id: dict[str, Document] = {}
    for doc in documents:
        documents_by_id[doc.id] = doc
        if doc.id in payloads:
            raise NewsclaimsError(f"corpus {corpus_version} lists document {doc.id} twice")
        payloads[doc.id] = task_payload(doc, corpus_version)
    summary.documents = len(payloads)
    digest = payloads_digest((p.doc_id, p.data, p.meta) for p in payloads.values())
    if ledger_file and not preannotate and ledger_confirms(client, project, read_ledger(ledger_file), digest):
        summary.unchanged = len(payloads)  # what listing every task would find, confirmed by the server
        summary.model_version = "none"
        # Project settings never touch a task's `updated_at`, so the ledger stays true.
        summary.overlap = apply_round_settings(client, project, overlap, None).overlap
        return summary
    # The newest task stamp before anything is listed: tasks stamped later are this push's writes
    # or someone else's (then no ledger is written). An empty project needs no request.
    stamp_before = newest_update(client, project.id) if ledger_out and project.task_number else None

    existing = remove_duplicates(client, project.id, summary)
    lexicon = lexicon_from_annotations(((t.data.get("text") or "", t.annotations) for t in existing.values()),
                                       taxonomy.entity_names)
    predictions = PredictionBuilder(taxonomy, label_config, lexicon) if preannotate else None
    summary.model_version = predictions.model_version if predictions else "none"

    missing: list[dict] = []
    annotator_of = lazy_pseudonyms(client)
    for doc_id, payload in payloads.items():
        task = existing.get(doc_id)
        if task is None:
            prediction = predictions.build(payload.data["text"]) if predictions else None
            summary.predictions_added += bool(prediction)
            missing.append(payload.to_import(prediction))
        elif task.data.get("text_sha256") != payload.text_sha256 and task.annotated:
            if not task.annotations:
                summary.drifted.append(doc_id)
                continue
            plan = pending_plan(task.meta, payload.text_sha256) or plan_migration(
                task.id, task.data, task.annotations, documents_by_id[doc_id], payload.text_sha256, annotator_of)
            if migration_report:
                append_rows(migration_report, plan.rows)  # before any write: a re-run appends the same rows
            apply_migration(client, plan, task.meta, payload.data, payload.meta, task.meta.get("corpus_version"),
                            corpus_version)
            for pid, _ in task.model_versions:  # suggestions for the old text: the new ones follow below
                client.predictions.delete(id=pid)
            task.model_versions = []
            summary.migrated.append(doc_id)
            summary.migration_rows += plan.rows
        elif comparable(task.data, DATA_KEPT) == payload.data and comparable(task.meta, META_KEPT) == payload.meta:
            if task.data.get(REVIEW_FIELD) and reviewed_since_migration(task.meta, task.annotations):
                client.tasks.update(id=str(task.id), data=payload.data, meta=comparable(task.meta, {REANCHORED_KEY}))
                summary.reviewed.append(doc_id)
            else:
                summary.unchanged += 1
        else:
            text_changed = task.data.get("text_sha256") != payload.text_sha256
            client.tasks.update(id=str(task.id), data=kept(task.data, payload.data, DATA_KEPT),
                                meta=kept(task.meta, payload.meta, META_KEPT))
            if text_changed:  # the old suggestions point into the old text
                for pid, _ in task.model_versions:
                    client.predictions.delete(id=pid)
                task.model_versions = []
            summary.updated += 1

    tasks_after = None  # the task count, when known to be current
    if missing:
        before = task_count(client, project.id)
        try:
            import_missing(client, project.id, missing, batch_bytes)
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
    summary.overlap = apply_round_settings(client, project, overlap,
                                           predictions.model_version if predictions else None).overlap
    if ledger_out:
        record_ledger(client, project, summary, digest, stamp_before, tasks_after, ledger_out)
    return summary


def ledger_confirms(client: LabelStudio, project, ledger: PushLedger | None, digest: str) -> bool:
    """The ledger describes this project and this corpus, and the server shows no change since."""
    if ledger is None or ledger.project_id != project.id or ledger.project_created_at != project_stamp(project):
        return False
    if ledger.payloads_sha256 != digest or (project.task_number or 0) != ledger.task_count:
        return False
    return updated_after(client, project.id, ledger.newest_update) == 0


def record_ledger(client: LabelStudio, project, summary: PushSummary, digest: str, stamp_before: str | None,
                  tasks_after: int | None, path: Path) -> None:
    """Write the ledger if this push knows the whole state of the project, else remove the old one."""
    forget_ledger(path)
    if summary.drifted or summary.duplicates_annotated:
        return  # some documents' tasks do not hold their payload: nothing to vouch for
    newest = newest_update(client, project.id)  # before counting: a later save shows next time
    total = task_count(client, project.id) if tasks_after is None else tasks_after
    stamped = total if stamp_before is None else updated_after(client, project.id, stamp_before)
    if stamped != summary.created + summary.updated:
        return  # someone else created or saved tasks while we pushed
    write_ledger(path, PushLedger(project_id=project.id, project_created_at=project_stamp(project),
                                  payloads_sha256=digest, task_count=total, newest_update=newest))


def add_prediction(client: LabelStudio, task: ExistingTask, predictions: PredictionBuilder, text: str) -> int:
    """Upload this model version's prediction unless the task has it; replace our older versions."""
    versions = [v for _, v in task.model_versions]
    if predictions.model_version in versions:
        return 0
    prediction = predictions.build(text)
    if prediction is None:
        return 0
    client.predictions.create(task=task.id, result=prediction["result"], model_version=prediction["model_version"],
                              request_options=NO_RETRY)
    for pid, version in task.model_versions:
        if version.startswith(MODEL_PREFIX):
            client.predictions.delete(id=pid)
    return 1


# ---- CLI ------------------------------------------------------------------------------------------


def add_subcommand(subparsers) -> None:
    parser = subparsers.add_parser("push", help="Upsert one Label Studio task per corpus document (idempotent)")
    parser.add_argument("--corpus", metavar="V", help="corpus version (default: the latest)")
    parser.add_argument("--versions-dir", type=Path, default=VERSIONS_DIR, help="default: %(default)s")
    parser.add_argument("--project", default=DEFAULT_PROJECT, help="project title (default: %(default)s)")
    parser.add_argument("--batch-bytes", type=int, default=DEFAULT_BATCH_BYTES, help="max bytes per import POST")
    parser.add_argument("--no-predictions", action="store_true", help="don't upload pre-annotations")
    parser.add_argument("--overlap", type=int, metavar="N", default=None,
                        help="annotators per task in the label stream (default: what the project has; 1 when new)")
    parser.add_argument("--full-check", action="store_true",
                        help="list every task even when the push ledger says nothing changed since the last push")
    parser.add_argument("--migration-report", type=Path, default=None, metavar="FILE",
                        help="where re-anchored spans are listed (default annotation/migrations/<project>-<V>.jsonl)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    version = args.corpus or latest_version(args.versions_dir)
    if version is None:
        raise NewsclaimsError(f"no corpus version in {args.versions_dir}: run `make corpus` first")
    documents = list(load_documents(version, args.versions_dir))  # fails early on a bad version
    if args.batch_bytes <= 0:
        raise NewsclaimsError("--batch-bytes must be positive")
    report = args.migration_report or ANNOTATION_DIR / "migrations" / f"{slugify(args.project)}-{version}.jsonl"
    summary = push(connect(), documents, version, args.project, batch_bytes=args.batch_bytes,
                   preannotate=not args.no_predictions, full_check=args.full_check, overlap=args.overlap,
                   migration_report=report)
    print("\n".join(summary.lines()))
    if summary.migrated:
        print(f"  every re-anchored span ({finish_report(report)} rows): {report}")
    if summary.drifted or summary.duplicates_annotated:
        print("push finished with warnings (see above)", file=sys.stderr)
    return 0
