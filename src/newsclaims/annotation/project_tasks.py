"""The tasks a Label Studio project holds, as push sees them: listing, counting, importing, deleting."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from label_studio_sdk import LabelStudio
from label_studio_sdk.core.api_error import ApiError

from newsclaims.annotation.client import NO_RETRY

LIST_PAGE_SIZE = 1000  # Label Studio sets no maximum; fewer requests per listing (bench/NOTES.md)

# What a task row carries without serializing its annotations and predictions (bench/NOTES.md).
LIGHT_FIELDS = "id,data,meta,total_annotations,cancelled_annotations,total_predictions,draft_exists"


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


def list_tasks(client: LabelStudio, project_id: int) -> list[ExistingTask]:
    """Every task of the project (paginated by the SDK's pager), with annotations and predictions.

    The light fields first; the full listing only when some task has annotations, drafts or
    predictions to read (a project nobody has touched yet never pays for it).
    """
    # Any: the SDK's pager is typed with an unbound item type, and its task models lack fields
    # the rows carry (a prediction's id).
    light: list[Any] = list(client.tasks.list(project=project_id, include=LIGHT_FIELDS, page_size=LIST_PAGE_SIZE))
    if any(t.total_annotations or t.cancelled_annotations or t.total_predictions or t.draft_exists for t in light):
        return _list_full(client, project_id)
    return [
        ExistingTask(
            id=t.id,
            data=dict(t.data or {}),
            meta=dict(t.meta or {}),
            annotations=[],
            has_draft=False,
            model_versions=[],
        )
        for t in light
    ]


def _list_full(client: LabelStudio, project_id: int) -> list[ExistingTask]:
    tasks = []
    t: Any  # as in list_tasks
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


def delete_task(client: LabelStudio, task_id: int) -> None:
    try:
        client.tasks.delete(id=str(task_id), request_options=NO_RETRY)
    except ApiError as e:
        if e.status_code != 404:  # already gone is what we wanted
            raise


def task_count(client: LabelStudio, project_id: int) -> int:
    """How many tasks the project holds (one small request: no task is listed)."""
    return client.projects.get(id=project_id).task_number or 0


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


def import_tasks(client: LabelStudio, project_id: int, tasks: list[dict], batch_bytes: int) -> None:
    """POST tasks in batches, never retried by the SDK (a replayed POST would duplicate them)."""
    for batch in batches_by_bytes(tasks, batch_bytes):
        # ignored: the SDK sends plain task dicts as they are, but types `request` as its models.
        client.projects.import_tasks(
            id=project_id,
            request=batch,  # type: ignore[arg-type]
            return_task_ids=True,
            request_options=NO_RETRY,
        )
