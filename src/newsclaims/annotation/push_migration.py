"""`annotate push` of a corpus version whose text changed under annotated tasks: re-anchor in place.

For each such task the annotations are moved through the same OffsetMap as `annotate migrate`
(reanchor.py), the task gets its new text, and a `needs_review` data field (a column and a
filter in the data manager) says what moved, changed or was lost. Predictions are rebuilt for
the new text by the push itself. A later push clears the note once every re-anchored
annotation was saved again (Update) by someone.

Safe to interrupt: the target result of every annotation is computed from the untouched task
first and stored in the task's meta (one request); then each annotation is PATCHed with its
target (idempotent), then the task's text and meta. A re-run finds the stored plan and applies
the same targets, so an interrupted push ends as an uninterrupted one would.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from label_studio_sdk import LabelStudio

from newsclaims.annotation.reanchor import (
    CHANGED,
    LOST,
    MOVED,
    SAME_ID,
    DocumentMatch,
    OffsetMap,
    migrate_result,
    migration_row,
)
from newsclaims.corpus.document import Document
from newsclaims.errors import NewsclaimsError
from newsclaims.fsutil import atomic_write_text

REVIEW_FIELD = "needs_review"  # task data: empty when nothing needs a look
PLAN_KEY = "migration_plan"  # task meta: the targets of an interrupted migration
REANCHORED_KEY = "reanchored_annotations"  # task meta: annotation id -> when the migration saved it


@dataclass
class TaskMigration:
    task_id: int
    doc_id: str
    to_text_sha256: str
    targets: dict[str, list[Any]]  # annotation id (str: JSON keys) -> its result in the new text
    rows: list[dict[str, Any]] = field(default_factory=list)  # MigrationRow dicts

    def review_note(self, from_version: str | None, to_version: str) -> str:
        spans = Counter(r["status"] for r in self.rows if r["kind"] == "span")
        if not spans.get(MOVED) and not spans.get(CHANGED) and not spans.get(LOST):
            return ""
        note = (
            f"text changed ({from_version or '?'} -> {to_version}): {spans.get(MOVED, 0)} span(s) moved, "
            f"{spans.get(CHANGED, 0)} changed, {spans.get(LOST, 0)} lost"
        )
        return note + (
            "; check the changed spans and re-draw the lost ones, then Update"
            if spans.get(CHANGED) or spans.get(LOST)
            else ""
        )

    def to_meta(self) -> dict[str, Any]:
        return {
            "task_id": self.task_id,
            "doc_id": self.doc_id,
            "to_text_sha256": self.to_text_sha256,
            "targets": self.targets,
            "rows": self.rows,
        }

    @classmethod
    def from_meta(cls, d: dict[str, Any]) -> TaskMigration:
        return cls(
            task_id=d["task_id"],
            doc_id=d["doc_id"],
            to_text_sha256=d["to_text_sha256"],
            targets=dict(d["targets"]),
            rows=list(d["rows"]),
        )


def plan_migration(
    task_id: int,
    task_data: dict,
    annotations: list[dict],
    new_doc: Document,
    new_sha: str,
    annotator_of: Callable[[Any], str],
) -> TaskMigration:
    """Targets for every annotation of a task whose text becomes `new_doc.text` (pure)."""
    mapping = OffsetMap(task_data.get("text") or "", new_doc.text)
    match = DocumentMatch(task_data["doc_id"], new_doc, SAME_ID)
    plan = TaskMigration(task_id=task_id, doc_id=task_data["doc_id"], to_text_sha256=new_sha, targets={})
    task = {"id": task_id}
    for ann in sorted(annotations, key=lambda a: a["id"]):
        shown = {**ann, "completed_by": annotator_of(ann.get("completed_by"))}

        def report(item, move, ann=shown):
            if not ann.get("was_cancelled"):
                plan.rows.append(migration_row(task, ann, match, item, move).to_dict())

        plan.targets[str(ann["id"])] = migrate_result(ann.get("result") or [], mapping, report)
    return plan


def pending_plan(meta: dict, new_sha: str) -> TaskMigration | None:
    """The stored plan of an interrupted migration to this text, if any."""
    stored = (meta or {}).get(PLAN_KEY)
    if not stored:
        return None
    plan = TaskMigration.from_meta(stored)
    if plan.to_text_sha256 != new_sha:
        raise NewsclaimsError(
            f"task {plan.task_id} ({plan.doc_id}) holds an interrupted migration to another text "
            f"(sha256 {plan.to_text_sha256[:12]}): re-run the push of the corpus version it was pushing first"
        )
    return plan


def apply_migration(
    client: LabelStudio,
    plan: TaskMigration,
    task_meta: dict,
    data: dict,
    meta: dict,
    from_version: str | None,
    to_version: str,
) -> None:
    """Store the plan, PATCH every annotation to its target, then give the task its new text."""
    if not (task_meta or {}).get(PLAN_KEY):
        client.tasks.update(id=str(plan.task_id), meta={**(task_meta or {}), PLAN_KEY: plan.to_meta()})
    saved = {}
    for annotation_id, result in sorted(plan.targets.items()):
        answer = client.annotations.update(id=int(annotation_id), result=result)  # a PATCH: safe to repeat
        saved[annotation_id] = answer.updated_at.isoformat() if answer.updated_at else None
    note = plan.review_note(from_version, to_version)
    client.tasks.update(
        id=str(plan.task_id),
        data={**data, REVIEW_FIELD: note},
        meta={**meta, "migrated_from_corpus": from_version, REANCHORED_KEY: saved},
    )


def reviewed_since_migration(meta: dict, annotations: list[dict]) -> bool:
    """Every annotation the migration re-anchored was saved again by a person since (so the
    `needs_review` note has been dealt with)."""
    saved = (meta or {}).get(REANCHORED_KEY) or {}
    current = {str(a.get("id")): a.get("updated_at") for a in annotations}
    if not saved:
        return False
    for annotation_id, at in saved.items():
        now = current.get(annotation_id)
        if now is None:
            continue  # deleted since: nothing left to review
        if at is None or _when(now) <= _when(at):
            return False
    return True


def _when(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


# Keys a push leaves as they are on an existing task: what a re-anchoring wrote for annotators.
DATA_KEPT = frozenset({REVIEW_FIELD})
META_KEPT = frozenset({"migrated_from_corpus", REANCHORED_KEY})


def comparable(d: dict, kept: frozenset[str]) -> dict:
    return {k: v for k, v in d.items() if k not in kept}


def kept(current: dict, payload: dict, kept: frozenset[str]) -> dict:
    return {**payload, **{k: current[k] for k in kept if k in current}}


def lazy_pseudonyms(client: LabelStudio):
    """user id -> pseudonym (the pull's map), loading users and the map only when first needed."""
    from newsclaims.annotation.pseudonymize import open_registry, user_pseudonym

    users: dict[int, str] = {}

    def annotator_of(user: object) -> str:
        if not users:
            from newsclaims.annotation.pull import user_emails  # pull imports push: not at module level

            users.update(user_emails(client))
        with open_registry() as registry:
            return user_pseudonym(registry, users, user)

    return annotator_of


def append_rows(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as f:
        f.writelines(json.dumps(r, sort_keys=True, ensure_ascii=False) + "\n" for r in rows)


def finish_report(path: Path) -> int:
    """Sort and deduplicate the rows an interrupted push and its re-run appended; returns the count."""
    if not path.is_file():
        return 0
    rows = sorted(set(path.read_text(encoding="utf-8").splitlines()) - {""})
    atomic_write_text(path, "".join(line + "\n" for line in rows))
    return len(rows)
