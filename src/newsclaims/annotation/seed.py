"""`newsclaims annotate import-seed FILE`: the maintainers' seed annotation -> Label Studio.

The seed file (annotation/seed/seed_annotations.yaml) names spans by their text and which
occurrence of it they are, not by offsets, so it stays readable and survives re-normalization:

    annotator: maintainer-1
    documents:
      - raw_path: 000_c9d4eb58757d2b79.txt        # Document.raw_path (or doc_id: nc-...)
        entities:
          - {id: e1, text: "Albert P. Khorev", label: PERSON, occurrence: 1}
        claims:
          - {id: c1, text: "...", occurrence: 1, claim_type: event, checkworthy: "no",
             attribution: reported_speech, said_by: e1}

Steps: load_seed_file -> resolve each document against its pushed task's text (every
unresolvable item is reported, nothing is imported if any is) -> validate the Label Studio
result (LabelInterface, then our own export parser, so a later pull is sure to accept it) ->
one annotation per task by the annotator's Label Studio user, with a deterministic unique_id
so a re-run creates nothing new.
"""

from __future__ import annotations

import argparse
import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from label_studio_sdk import LabelStudio
from label_studio_sdk.core.api_error import ApiError
from label_studio_sdk.label_interface import LabelInterface

from newsclaims.annotation.client import NO_RETRY, client_url, connect, find_project, translated_errors
from newsclaims.annotation.export_parser import CLAIMS_CONTROL, ENTITIES_CONTROL, SAID_BY, parse_task
from newsclaims.annotation.push import DEFAULT_PROJECT
from newsclaims.corpus.versions import list_versions, load_documents
from newsclaims.errors import NewsclaimsError
from newsclaims.paths import VERSIONS_DIR
from newsclaims.schemas.taxonomy import Taxonomy, load_taxonomy

TEXT_NAME = "text"
PLACEHOLDER_DOMAIN = "newsclaims.invalid"  # RFC 2606: never a real mailbox
# uuid5 namespace of seed annotations: unique_id = uuid5(NS, "<task id>:<annotator>")
SEED_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/newsclaims/seed-annotations")


class SeedError(NewsclaimsError):
    pass


# ---- the seed file -------------------------------------------------------------------------


@dataclass(frozen=True)
class SeedEntity:
    id: str
    text: str
    label: str
    occurrence: int = 1


@dataclass(frozen=True)
class SeedClaim:
    id: str
    text: str
    occurrence: int = 1
    claim_type: str | None = None
    checkworthy: str | None = None
    attribution: str | None = None
    said_by: str | None = None


@dataclass
class SeedDocument:
    key: str  # raw_path or doc_id, as written in the file
    by: str  # "raw_path" | "doc_id"
    entities: list[SeedEntity] = field(default_factory=list)
    claims: list[SeedClaim] = field(default_factory=list)


@dataclass
class SeedFile:
    annotator: str
    documents: list[SeedDocument]


def _as_str(value: Any) -> str | None:
    # YAML 1.1 reads an unquoted `checkworthy: no` as False: take it as the word that was meant.
    if isinstance(value, bool):
        return "yes" if value else "no"
    return None if value is None else str(value)


def _items(raw: Any, cls: type, where: str, problems: list[str]) -> list:
    out = []
    known = set(cls.__dataclass_fields__)
    for i, item in enumerate(raw or []):
        if not isinstance(item, dict):
            problems.append(f"{where} item {i + 1}: expected a mapping, got {item!r}")
            continue
        unknown = set(item) - known
        if unknown:
            problems.append(f"{where} item {i + 1}: unknown key(s) {', '.join(sorted(unknown))}")
            continue
        try:
            obj = cls(**{k: (v if k == "occurrence" else _as_str(v)) for k, v in item.items()})
        except TypeError as e:
            problems.append(f"{where} item {i + 1}: {e}")
            continue
        if not isinstance(obj.occurrence, int) or isinstance(obj.occurrence, bool) or obj.occurrence < 1:
            problems.append(f"{where} {obj.id}: occurrence must be a positive integer, got {obj.occurrence!r}")
            continue
        out.append(obj)
    return out


def parse_seed(raw: Any, source: str = "seed file") -> SeedFile:
    if not isinstance(raw, dict) or not isinstance(raw.get("annotator"), str) or not raw["annotator"].strip():
        raise SeedError(f"{source}: expected a mapping with `annotator: <label>` and `documents: [...]`")
    problems: list[str] = []
    docs = []
    for i, d in enumerate(raw.get("documents") or []):
        if not isinstance(d, dict) or not (d.get("raw_path") or d.get("doc_id")):
            problems.append(f"document {i + 1}: needs raw_path (or doc_id)")
            continue
        by = "raw_path" if d.get("raw_path") else "doc_id"
        key = str(d[by])
        docs.append(
            SeedDocument(
                key=key,
                by=by,
                entities=_items(d.get("entities"), SeedEntity, f"{key} entities", problems),
                claims=_items(d.get("claims"), SeedClaim, f"{key} claims", problems),
            )
        )
    if not docs and not problems:
        problems.append("no documents")
    if problems:
        raise SeedError(f"{source} is malformed:\n  " + "\n  ".join(problems))
    return SeedFile(annotator=raw["annotator"].strip(), documents=docs)


def load_seed_file(path: Path) -> SeedFile:
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as e:
        raise SeedError(f"cannot read {path}: {e.strerror}") from None
    except yaml.YAMLError as e:
        raise SeedError(f"{path} is not valid YAML: {e}") from None
    return parse_seed(raw, str(path))


# ---- resolving text to offsets -------------------------------------------------------------


def find_occurrence(text: str, needle: str, occurrence: int) -> tuple[int, int] | int:
    """(start, end) of the nth occurrence of `needle` in `text`, or how many there are."""
    start, seen = -1, 0
    while True:
        start = text.find(needle, start + 1)
        if start < 0:
            return seen
        seen += 1
        if seen == occurrence:
            return start, start + len(needle)


def build_result(doc: SeedDocument, text: str, taxonomy: Taxonomy) -> tuple[list[dict[str, Any]], list[str]]:
    """The Label Studio `result` for one document, and every item that could not be resolved."""
    problems: list[str] = []
    result: list[dict[str, Any]] = []
    ids: set[str] = set()
    labels: dict[str, str] = {}

    def span(item, control: str, label: str) -> dict[str, Any] | None:
        """Append the span's result item; its `value`, or None if it could not be resolved."""
        if item.id in ids:
            problems.append(f"{doc.key}: id {item.id!r} is used twice")
            return None
        ids.add(item.id)
        if not item.text:
            problems.append(f"{doc.key} {item.id}: empty text")
            return None
        found = find_occurrence(text, item.text, item.occurrence)
        if isinstance(found, int):
            problems.append(
                f"{doc.key} {item.id}: {item.text!r} occurrence {item.occurrence} not found "
                f"(it occurs {found} time(s) in the document text)"
            )
            return None
        start, end = found
        labels[item.id] = label
        value = {"start": start, "end": end, "text": text[start:end], "labels": [label]}
        result.append({"id": item.id, "from_name": control, "to_name": TEXT_NAME, "type": "labels",
                       "origin": "manual", "value": value})
        return value

    for e in doc.entities:
        if e.label not in taxonomy.entity_names:
            problems.append(f"{doc.key} {e.id}: unknown entity label {e.label!r}")
            continue
        span(e, ENTITIES_CONTROL, e.label)
    speakers = set(taxonomy.relation(SAID_BY).to_labels)
    for c in doc.claims:
        value = span(c, CLAIMS_CONTROL, taxonomy.claim.name)
        if value is None:
            continue
        for attr in taxonomy.claim.attributes:
            chosen = getattr(c, attr.name)
            if chosen is None:
                continue
            if chosen not in attr.value_names:
                problems.append(f"{doc.key} {c.id}: {attr.name} {chosen!r} is not one of {', '.join(attr.value_names)}")
                continue
            result.append({"id": c.id, "from_name": attr.name, "to_name": TEXT_NAME, "type": "choices",
                           "origin": "manual", "value": {"start": value["start"], "end": value["end"],
                                                         "choices": [chosen]}})
        if c.said_by is not None:
            speaker = labels.get(c.said_by)
            if speaker not in speakers:
                if speaker is not None:
                    why = f"must name a PERSON or ORG entity, got {speaker}"
                elif c.said_by in ids:
                    why = "names an entity that could not be resolved (see above)"
                else:
                    why = "names no entity of this document"
                problems.append(f"{doc.key} {c.id}: said_by {c.said_by!r} {why}")
                continue
            result.append({"from_id": c.id, "to_id": c.said_by, "type": "relation", "direction": "right",
                           "labels": [SAID_BY]})
    return result, problems


def validate_result(result: list[dict[str, Any]], text: str, label_config: str, taxonomy: Taxonomy,
                    where: str) -> list[str]:
    """LabelInterface's check of the config, then our own parser's: what pull will accept."""
    errors = [f"{where}: {e}" for e in LabelInterface(label_config).validate_prediction(
        {"result": result}, return_errors=True)]
    probe = {"id": 0, "data": {"text": text, "doc_id": where},
             "annotations": [{"id": 0, "completed_by": "probe", "result": result}]}
    errors += [str(p) for p in parse_task(probe, text, taxonomy).problems]
    return errors


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
        user = client.users.create(username=annotator, email=email, first_name=annotator,
                                   active_organization=org, request_options=NO_RETRY)
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
    raw_paths = _doc_ids_by_raw_path({(t.meta or {}).get("corpus_version") for t in tasks} - {None}, versions_dir)

    # Resolve everything first: one bad item anywhere and nothing is imported.
    problems: list[str] = []
    planned: list[tuple[str, Any, list[dict[str, Any]]]] = []
    for doc in seed.documents:
        doc_id = doc.key if doc.by == "doc_id" else raw_paths.get(doc.key)
        task = by_doc.get(doc_id) if doc_id else None
        if task is None:
            problems.append(
                f"{doc.key}: no task for this document in project {project_title!r}; "
                "run `newsclaims annotate push` for the corpus version that contains it"
            )
            continue
        text = task.data["text"]
        result, errs = build_result(doc, text, taxonomy)
        problems += errs
        if not errs:
            problems += validate_result(result, text, project.label_config, taxonomy, doc_id)
        planned.append((doc_id, task, result))
    if problems:
        raise SeedError(f"{len(problems)} problem(s) in the seed annotations; nothing imported:\n  "
                        + "\n  ".join(problems))

    email = annotator_email or f"{seed.annotator}@{PLACEHOLDER_DOMAIN}"
    user_id = ensure_user(client, seed.annotator, email)
    out = SeedImport()
    for doc_id, task, result in planned:
        with translated_errors(url, f"reading the annotations of task {task.id}"):
            existing = [a for a in client.annotations.list(id=task.id)
                        if a.completed_by == user_id and not a.was_cancelled]
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
            client.annotations.create(id=task.id, result=result, completed_by=user_id,
                                      unique_id=seed_unique_id(task.id, seed.annotator),
                                      was_cancelled=False, ground_truth=False, request_options=NO_RETRY)
        except ApiError as e:
            if e.status_code == 409:  # created by an earlier, interrupted run
                out.already.append(doc_id)
                continue
            with translated_errors(url, f"creating the seed annotation of task {task.id}"):
                raise
        out.created.append(doc_id)
    return out


def add_subcommand(subparsers) -> None:
    p = subparsers.add_parser(
        "import-seed",
        help="import the maintainers' seed annotations (YAML) into Label Studio",
        description="Resolve every span of FILE in the pushed task texts and create one annotation per "
        "document by the seed annotator's Label Studio account (re-runs create nothing new).",
    )
    p.add_argument("file", type=Path, metavar="FILE", help="e.g. annotation/seed/seed_annotations.yaml")
    p.add_argument("--project", default=DEFAULT_PROJECT, help=f"Label Studio project title (default {DEFAULT_PROJECT})")
    p.add_argument("--annotator-email", default=None,
                   help=f"email of the annotator's account (default <annotator>@{PLACEHOLDER_DOMAIN})")
    p.add_argument("--versions-dir", type=Path, default=VERSIONS_DIR, help="corpus versions directory")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    seed = load_seed_file(args.file)
    client = connect()
    out = import_seed(client, seed, args.project, annotator_email=args.annotator_email, versions_dir=args.versions_dir)
    print(f"{len(out.created)} annotation(s) created, {len(out.already)} already there, "
          f"{len(out.conflicts)} left as is (annotated differently)")
    for msg in out.conflicts:
        print(f"  {msg}")
    return 1 if out.conflicts else 0
