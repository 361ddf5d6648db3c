"""What the last push left in a Label Studio project, so re-pushing an unchanged corpus costs
three small requests instead of listing every task.

A cache, never the truth. It is trusted only when the server confirms nothing changed since
it was written: the same project (id and creation time), the same number of tasks, and no
task whose `updated_at` is later than the newest one the push saw. Label Studio stamps
`updated_at` on every task it creates or saves (edited data, meta), so an added task shows as a
later stamp, a deleted one as a smaller count, an edited one as a later stamp. Anything else
and the push lists the project as before, then writes a new ledger.

A ledger is written only when the push knows the whole state: every document's task holds its
payload (nothing drifted or doubly annotated), and the only tasks stamped during the push are
the ones it wrote (a task someone else saved meanwhile means: no ledger). Left open: an edit
made in Label Studio, while the push runs, to a task that push itself writes; the next push
trusts the ledger and keeps that edit. Pushes hold a lock and take seconds; `--full-check`
(or deleting the ledger file) lists the project regardless.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
from label_studio_sdk import LabelStudio

from newsclaims.annotation.project_tasks import task_count
from newsclaims.annotation.push_plan import PushSummary
from newsclaims.fsutil import atomic_write_text

# The one timestamp format Label Studio's data-manager filter accepts (microseconds, UTC "Z").
STAMP_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


@dataclass(frozen=True)
class PushLedger:
    project_id: int
    project_created_at: str
    payloads_sha256: str  # the task data + meta of every document, as pushed
    task_count: int  # tasks in the project after the push (extras not in the corpus included)
    newest_update: str | None  # the latest task updated_at after the push (None: no task)


def payloads_digest(payloads: Iterable[tuple[str, dict, dict]]) -> str:
    """sha256 over (doc_id, data, meta) of every document, in doc id order."""
    h = hashlib.sha256()
    for doc_id, data, meta in sorted(payloads, key=lambda p: p[0]):
        # orjson for speed (bench/NOTES.md); only ever compared with digests made the same way
        h.update(orjson.dumps([doc_id, data, meta], option=orjson.OPT_SORT_KEYS))
        h.update(b"\n")
    return h.hexdigest()


def ledger_path(lock_path: Path) -> Path:
    """Next to the push lock: same key (server URL + project title), outside the checkout."""
    return lock_path.with_name(lock_path.stem + ".ledger.json")


def read_ledger(path: Path) -> PushLedger | None:
    """The ledger, or None if there is none or it is unreadable (then the push lists everything)."""
    with contextlib.suppress(OSError, ValueError, TypeError):
        return PushLedger(**json.loads(path.read_text(encoding="utf-8")))
    return None


def write_ledger(path: Path, ledger: PushLedger) -> None:
    atomic_write_text(path, json.dumps(asdict(ledger), sort_keys=True) + "\n")


def forget_ledger(path: Path) -> None:
    path.unlink(missing_ok=True)


def _stamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime(STAMP_FORMAT)


def _first_page(client: LabelStudio, project_id: int, query: dict):
    # page_size=1 and only the first page: iterating the SDK pager would walk every task.
    return client.tasks.list(project=project_id, include="id,updated_at", page_size=1, query=json.dumps(query))


def newest_update(client: LabelStudio, project_id: int) -> str | None:
    """The latest `updated_at` over the project's tasks (one small request)."""
    page = _first_page(client, project_id, {"ordering": ["-tasks:updated_at"]})
    items = page.items or []
    return _stamp(items[0].updated_at) if items and items[0].updated_at else None


def updated_after(client: LabelStudio, project_id: int, stamp: str | None) -> int:
    """How many tasks were created or saved after `stamp` (None: every task)."""
    query: dict = {}
    if stamp is not None:
        query["filters"] = {
            "conjunction": "and",
            "items": [{"filter": "filter:tasks:updated_at", "operator": "greater", "type": "Datetime", "value": stamp}],
        }
    return _first_page(client, project_id, query).response.total or 0


def project_stamp(project) -> str:
    created = project.created_at
    return _stamp(created) if isinstance(created, datetime) else str(created or "")


def ledger_confirms(client: LabelStudio, project: Any, ledger: PushLedger | None, digest: str) -> bool:
    """The ledger describes this project and this corpus, and the server shows no change since."""
    if ledger is None or ledger.project_id != project.id or ledger.project_created_at != project_stamp(project):
        return False
    if ledger.payloads_sha256 != digest or (project.task_number or 0) != ledger.task_count:
        return False
    return updated_after(client, project.id, ledger.newest_update) == 0


def record_ledger(
    client: LabelStudio,
    project: Any,
    summary: PushSummary,
    digest: str,
    stamp_before: str | None,
    tasks_after: int | None,
    path: Path,
) -> None:
    """Write the ledger if this push knows the whole state of the project, else remove the old one."""
    forget_ledger(path)
    if summary.drifted or summary.duplicates_annotated:
        return  # some documents' tasks do not hold their payload: nothing to vouch for
    newest = newest_update(client, project.id)  # before counting: a later save shows next time
    total = task_count(client, project.id) if tasks_after is None else tasks_after
    stamped = total if stamp_before is None else updated_after(client, project.id, stamp_before)
    if stamped != summary.created + summary.updated:
        return  # someone else created or saved tasks while we pushed
    write_ledger(
        path,
        PushLedger(
            project_id=project.id,
            project_created_at=project_stamp(project),
            payloads_sha256=digest,
            task_count=total,
            newest_update=newest,
        ),
    )
