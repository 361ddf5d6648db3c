"""`links pull`: the pairwise project's answers -> a pseudonymized, immutable link snapshot.

The same steps as `annotate pull`: the snapshot-API export, pseudonyms for every person, typed
answers, one atomic snapshot. An answer is recorded as given; whether its claims still exist is
checked when it is applied (`links.apply.check_answers`), where a stale one is reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from label_studio_sdk import LabelStudio

from newsclaims.annotation.client import client_url, find_project
from newsclaims.annotation.pseudonymize import PSEUDONYMS_FILE, open_registry, pseudonymize_export
from newsclaims.annotation.pull import export_project, user_emails
from newsclaims.annotation.snapshots import SnapshotWrite
from newsclaims.errors import NewsclaimsError
from newsclaims.links.records import LinkAnswer
from newsclaims.links.snapshots import write_link_snapshot
from newsclaims.schemas.links import LinkSchema


class LinkPullError(NewsclaimsError):
    pass


def parse_answers(
    tasks: list[dict[str, Any]], schema: LinkSchema
) -> tuple[list[LinkAnswer], dict[str, int], list[str]]:
    """(answers, counts, problems) of a pseudonymized export."""
    answers: list[LinkAnswer] = []
    problems: list[str] = []
    cancelled = unanswered = 0
    for t in tasks:
        data = t.get("data") or {}
        for ann in t.get("annotations") or []:
            if ann.get("was_cancelled"):
                cancelled += 1
                continue
            relation, numbers = None, False
            for r in ann.get("result") or []:
                choices = (r.get("value") or {}).get("choices") or []
                if r.get("from_name") == schema.relation_control and choices:
                    relation = choices[0]
                elif r.get("from_name") == schema.numbers_control:
                    numbers = schema.numbers_choice in choices
            if relation is None:
                unanswered += 1
                continue
            if schema.role_of(relation) is None:
                problems.append(f"task {t.get('id')} annotation {ann.get('id')}: unknown choice {relation!r}")
                continue
            answers.append(
                LinkAnswer(
                    pair_id=str(data.get("pair_id")),
                    left=str(data.get("left_key")),
                    right=str(data.get("right_key")),
                    left_text=str(data.get("left_text")),
                    right_text=str(data.get("right_text")),
                    relation=relation,
                    numbers_differ=numbers,
                    annotator=str(ann.get("completed_by")),
                    annotation_id=int(ann.get("id") or 0),
                    task_id=int(t.get("id") or 0),
                )
            )
    counts = {"tasks": len(tasks), "answers": len(answers), "cancelled": cancelled, "without_choice": unanswered}
    counts["annotators"] = len({a.annotator for a in answers})
    return answers, counts, problems


@dataclass
class LinkPull:
    snapshot: SnapshotWrite
    counts: dict[str, int]


def pull_links(
    client: LabelStudio,
    project_title: str,
    schema: LinkSchema,
    *,
    exports_dir: Path | None = None,
    pseudonyms_file: Path = PSEUDONYMS_FILE,
) -> LinkPull:
    project = find_project(client, project_title)
    if project is None:
        raise LinkPullError(
            f"no Label Studio project titled {project_title!r} at {client_url(client)}: run `newsclaims links push`"
        )
    raw = export_project(client, project.id)
    users = user_emails(client)
    with open_registry(pseudonyms_file) as registry:
        tasks = pseudonymize_export(raw, registry, users)
    answers, counts, problems = parse_answers(tasks, schema)
    if problems:
        raise LinkPullError(f"{len(problems)} problem(s) in the export; nothing written:\n  " + "\n  ".join(problems))
    written = write_link_snapshot(
        tasks,
        answers,
        project=project_title,
        schema_sha256=schema.sha256,
        counts=counts,
        pulled_at=datetime.now(UTC).isoformat(timespec="seconds"),
        exports_dir=exports_dir,
    )
    return LinkPull(written, counts)
