"""What a push will do to each document's task, decided without a request (pure).

`plan_push` compares the payload each corpus document becomes with the task that holds it now
and names one action per document; push.py applies the actions in order. Keeping the decision
apart from the writes makes every branch testable without a server.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from enum import Enum

from newsclaims.annotation.project_tasks import ExistingTask
from newsclaims.annotation.push_migration import (
    DATA_KEPT,
    META_KEPT,
    REVIEW_FIELD,
    comparable,
    reviewed_since_migration,
)
from newsclaims.annotation.round_settings import GUIDELINES_FILE
from newsclaims.corpus.document import Document
from newsclaims.errors import NewsclaimsError
from newsclaims.fsutil import sha256_bytes


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
        task: dict = {"data": self.data, "meta": self.meta}
        if prediction:
            task["predictions"] = [prediction]
        return task


def task_payload(doc: Document, corpus_version: str) -> TaskPayload:
    text = doc.text
    if "\r" in text:  # browsers turn \r\n into \n, which would shift every offset after it
        raise NewsclaimsError(
            f"document {doc.id} contains a carriage return: rebuild the corpus (it normalizes newlines)"
        )
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


class Action(Enum):
    CREATE = "create"  # no task holds the document
    UNCHANGED = "unchanged"  # the task holds this payload
    UPDATE = "update"  # nobody worked on the task: rewrite its data and meta
    MIGRATE = "migrate"  # the text changed under annotations: re-anchor them (push_migration.py)
    DRIFT = "drift"  # the text changed under a draft only: leave the task, report it
    CLEAR_REVIEW = "clear_review"  # a re-anchored task whose annotations were all saved again since


@dataclass(frozen=True)
class PlannedTask:
    action: Action
    payload: TaskPayload
    task: ExistingTask | None  # None for CREATE

    @property
    def text_changed(self) -> bool:
        return self.task is not None and self.task.data.get("text_sha256") != self.payload.text_sha256


def plan_task(payload: TaskPayload, task: ExistingTask | None) -> PlannedTask:
    if task is None:
        return PlannedTask(Action.CREATE, payload, None)
    if task.data.get("text_sha256") != payload.text_sha256 and task.annotated:
        return PlannedTask(Action.MIGRATE if task.annotations else Action.DRIFT, payload, task)
    if comparable(task.data, DATA_KEPT) == payload.data and comparable(task.meta, META_KEPT) == payload.meta:
        if task.data.get(REVIEW_FIELD) and reviewed_since_migration(task.meta, task.annotations):
            return PlannedTask(Action.CLEAR_REVIEW, payload, task)
        return PlannedTask(Action.UNCHANGED, payload, task)
    return PlannedTask(Action.UPDATE, payload, task)


def plan_push(payloads: dict[str, TaskPayload], existing: dict[str, ExistingTask]) -> list[PlannedTask]:
    """One action per document, in the payloads' order."""
    return [plan_task(payload, existing.get(doc_id)) for doc_id, payload in payloads.items()]


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
            out.append(
                f"  re-anchored the annotations of {len(self.migrated)} document(s) whose text changed: "
                + ", ".join(f"{k} {spans.get(k, 0)}" for k in ("unchanged", "moved", "changed", "lost"))
                + f" span(s); tasks to check carry `{REVIEW_FIELD}`"
            )
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
