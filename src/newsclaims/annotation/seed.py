"""`newsclaims annotate import-seed FILE`: the maintainers' seed annotation -> Label Studio.

Steps: load_seed_file -> resolve each document against its pushed task's text (seed_file.py:
every unresolvable item is reported, nothing is imported if any is) -> check the Label Studio
result against the project's config (LabelInterface) -> one annotation per task by the
annotator's Label Studio user, with a deterministic unique_id so a re-run creates nothing new.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from label_studio_sdk import LabelStudio
from label_studio_sdk.core.api_error import ApiError
from label_studio_sdk.label_interface import LabelInterface

from newsclaims.annotation.client import (
    NO_RETRY,
    client_url,
    find_project,
    translated_errors,
)
from newsclaims.annotation.defaults import DEFAULT_PROJECT, PLACEHOLDER_DOMAIN
from newsclaims.annotation.seed_file import (
    SeedError,
    SeedFile,
    build_result,
)
from newsclaims.corpus.versions import list_versions, load_documents
from newsclaims.paths import VERSIONS_DIR
from newsclaims.schemas.taxonomy import Taxonomy, load_taxonomy

# uuid5 namespace of seed annotations: unique_id = uuid5(NS, "<task id>:<annotator>")
SEED_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/newsclaims/seed-annotations")


def validate_result(result: list[dict[str, Any]], label_config: str, where: str) -> list[str]:
    """LabelInterface's check of the result against the project's config. The taxonomy checks
    were made while resolving (seed_file.resolve_document), and the codec writes what the export
    parser reads, so a later pull accepts what passes here."""
    return [
        f"{where}: {e}"
        for e in LabelInterface(label_config).validate_prediction({"result": result}, return_errors=True)
    ]


# ---- Label Studio --------------------------------------------------------------------------


def seed_unique_id(task_id: int, annotator: str) -> str:
    return str(uuid.uuid5(SEED_NAMESPACE, f"{task_id}:{annotator}"))


def ensure_user(client: LabelStudio, annotator: str, email: str) -> int:
    """The Label Studio user id for `email`, creating it (in the admin's organization) if needed."""
    url = client_url(client)
    with translated_errors(url, "listing users"):
        for u in client.users.list():
            if (u.email or "").lower() == email.lower():
                return u.id
        org = client.users.whoami().active_organization
    with translated_errors(url, f"creating the annotator account {annotator!r}"):
        user = client.users.create(
            username=annotator, email=email, first_name=annotator, active_organization=org, request_options=NO_RETRY
        )
    return user.id


def _project_tasks(client: LabelStudio, project_id: int) -> list[Any]:
    with translated_errors(client_url(client), "listing tasks"):
        return list(client.tasks.list(project=project_id, fields="all"))


def _doc_ids_by_raw_path(versions: set[str], versions_dir: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    available = set(list_versions(versions_dir))
    for v in sorted(versions & available):
        for doc in load_documents(v, versions_dir):
            out.setdefault(doc.raw_path, doc.id)
    return out


@dataclass
class SeedImport:
    created: list[str] = field(default_factory=list)  # doc ids
    already: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)  # messages: annotated differently already


def _canonical(result: list[dict[str, Any]]) -> list[str]:
    keep = ("id", "from_name", "type", "from_id", "to_id", "labels")
    out = []
    for r in result:
        v = r.get("value") or {}
        item = {k: r.get(k) for k in keep} | {k: v.get(k) for k in ("start", "end", "labels", "choices")}
        out.append(json.dumps(item, sort_keys=True))
    return sorted(out)


def import_seed(
    client: LabelStudio,
    seed: SeedFile,
    project_title: str = DEFAULT_PROJECT,
    *,
    annotator_email: str | None = None,
    versions_dir: Path = VERSIONS_DIR,
    taxonomy: Taxonomy | None = None,
) -> SeedImport:
    taxonomy = taxonomy or load_taxonomy()
    url = client_url(client)
    project = find_project(client, project_title)
    if project is None:
        raise SeedError(f"no project titled {project_title!r} at {url}: run `newsclaims annotate push` first")
    tasks = _project_tasks(client, project.id)
    by_doc = {(t.data or {}).get("doc_id"): t for t in tasks}
    versions = {v for t in tasks if (v := (t.meta or {}).get("corpus_version")) is not None}
    raw_paths = _doc_ids_by_raw_path(versions, versions_dir)

    # Resolve everything first: one bad item anywhere and nothing is imported.
    problems: list[str] = []
    planned: list[tuple[str, Any, list[dict[str, Any]]]] = []
    for doc in seed.documents:
        doc_id = doc.key if doc.by == "doc_id" else raw_paths.get(doc.key)
        task = by_doc.get(doc_id) if doc_id else None
        if task is None or doc_id is None:
            problems.append(
                f"{doc.key}: no task for this document in project {project_title!r}; "
                "run `newsclaims annotate push` for the corpus version that contains it"
            )
            continue
        text = task.data["text"]
        result, errs = build_result(doc, text, taxonomy)
        problems += errs
        if not errs:
            problems += validate_result(result, project.label_config, doc_id)
        planned.append((doc_id, task, result))
    if problems:
        raise SeedError(
            f"{len(problems)} problem(s) in the seed annotations; nothing imported:\n  " + "\n  ".join(problems)
        )

    email = annotator_email or f"{seed.annotator}@{PLACEHOLDER_DOMAIN}"
    user_id = ensure_user(client, seed.annotator, email)
    out = SeedImport()
    for doc_id, task, result in planned:
        with translated_errors(url, f"reading the annotations of task {task.id}"):
            existing = [
                a for a in client.annotations.list(id=task.id) if a.completed_by == user_id and not a.was_cancelled
            ]
        if existing:
            if any(_canonical(a.result or []) == _canonical(result) for a in existing):
                out.already.append(doc_id)
            else:
                out.conflicts.append(
                    f"{doc_id} (task {task.id}) already has a different annotation by {seed.annotator}; left "
                    "as is: delete it in Label Studio to re-import from the file"
                )
            continue
        try:
            client.annotations.create(
                id=task.id,
                result=result,
                completed_by=user_id,
                unique_id=seed_unique_id(task.id, seed.annotator),
                was_cancelled=False,
                ground_truth=False,
                request_options=NO_RETRY,
            )
        except ApiError as e:
            if e.status_code == 409:  # created by an earlier, interrupted run
                out.already.append(doc_id)
                continue
            with translated_errors(url, f"creating the seed annotation of task {task.id}"):
                raise
        out.created.append(doc_id)
    return out
