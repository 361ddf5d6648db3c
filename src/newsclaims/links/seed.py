"""The maintainers' judgements of the seed pairs, from a YAML file, entered through the pairwise project.

    annotator: maintainer-links          # the account the answers are entered as
    default: different                   # the role of every pushed pair the file does not list
    pairs:
      - {left: "<claim text>", right: "<claim text>", role: same, numbers_differ: true}

Claims are named by their text (unique among the claims of the proposals' snapshot); roles are
the link schema's roles, so no choice name is written here. A listed pair that was not proposed
gets its task first (scored like the others). Re-running creates nothing new.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from label_studio_sdk import LabelStudio
from label_studio_sdk.core.api_error import ApiError

from newsclaims.annotation.client import NO_RETRY, client_url, find_project, translated_errors
from newsclaims.annotation.defaults import PLACEHOLDER_DOMAIN
from newsclaims.annotation.project_tasks import list_tasks
from newsclaims.annotation.seed import ensure_user, seed_unique_id
from newsclaims.errors import NewsclaimsError
from newsclaims.links.inputs import load_claims, read_proposals
from newsclaims.links.push import push_pairs
from newsclaims.links.records import ClaimRef, pair_id
from newsclaims.schemas.links import DIFFERENT, ROLES, LinkSchema, load_link_schema


class LinkSeedError(NewsclaimsError):
    pass


@dataclass
class SeedLinks:
    annotator: str
    default: str
    pairs: dict[str, tuple[str, bool]]  # pair id -> (role, numbers differ)


@dataclass
class SeedLinkImport:
    created: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    added_tasks: list[str] = field(default_factory=list)


def read_seed_links(path: Path, claims: dict[str, ClaimRef]) -> SeedLinks:
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    by_text: dict[str, list[str]] = {}
    for c in claims.values():
        by_text.setdefault(c.text, []).append(c.key)
    problems: list[str] = []

    def key(text: Any) -> str | None:
        keys = by_text.get(str(text), [])
        if len(keys) != 1:
            problems.append(f"{text!r}: {'no claim' if not keys else 'several claims'} with this text")
            return None
        return keys[0]

    pairs: dict[str, tuple[str, bool]] = {}
    for item in raw.get("pairs") or []:
        a, b, role = key(item.get("left")), key(item.get("right")), item.get("role")
        if role not in ROLES:
            problems.append(f"{item!r}: role must be one of {', '.join(ROLES)}")
        if a and b and role in ROLES:
            pairs[pair_id(a, b)] = (role, bool(item.get("numbers_differ", False)))
    default = raw.get("default", DIFFERENT)
    if default not in ROLES:
        problems.append(f"default {default!r}: must be one of {', '.join(ROLES)}")
    if problems:
        raise LinkSeedError(f"{path}: {len(problems)} problem(s), nothing imported:\n  " + "\n  ".join(problems))
    return SeedLinks(str(raw.get("annotator", "maintainer")), default, pairs)


def answer_result(schema: LinkSchema, role: str, numbers_differ: bool) -> list[dict[str, Any]]:
    """The Label Studio result of one pairwise answer."""
    result: list[dict[str, Any]] = [
        {
            "from_name": schema.relation_control,
            "to_name": "left",
            "type": "choices",
            "value": {"choices": [schema.choice(role)]},
        }
    ]
    if numbers_differ:
        result.append(
            {
                "from_name": schema.numbers_control,
                "to_name": "left",
                "type": "choices",
                "value": {"choices": [schema.numbers_choice]},
            }
        )
    return result


def import_seed_links(
    client: LabelStudio, file: Path, project_title: str, proposals_file: Path, versions_dir: Path, exports_dir: Path
) -> SeedLinkImport:
    from newsclaims.links.embed import encode
    from newsclaims.links.propose import score_pairs

    schema = load_link_schema()
    found = read_proposals(proposals_file)
    inputs = load_claims(found.corpus_version, found.snapshot_id, versions_dir, exports_dir)
    seed = read_seed_links(file, inputs.claims)
    out = SeedLinkImport()
    proposed = {p.pair_id for p in found.proposals}
    if set(seed.pairs) - proposed:  # score every pair to give the unproposed ones their features
        everything = score_pairs(inputs.stories, encode, floor=float("-inf")).proposals
        extra = [p for p in everything if p.pair_id in set(seed.pairs) - proposed]
        out.added_tasks = push_pairs(
            client,
            extra,
            inputs.claims,
            corpus_version=found.corpus_version,
            snapshot_id=found.snapshot_id,
            schema=schema,
            project_title=project_title,
        ).created
    project = find_project(client, project_title)
    if project is None:
        raise LinkSeedError(f"no project {project_title!r} at {client_url(client)}: run `newsclaims links push` first")
    user_id = ensure_user(client, seed.annotator, f"{seed.annotator}@{PLACEHOLDER_DOMAIN}")
    url = client_url(client)
    for task in list_tasks(client, project.id):
        pid = str(task.data.get("pair_id"))
        if any(a.get("completed_by") == user_id and not a.get("was_cancelled") for a in task.annotations):
            out.already.append(pid)
            continue
        role, numbers = seed.pairs.get(pid, (seed.default, False))
        try:
            client.annotations.create(
                id=task.id,
                result=answer_result(schema, role, numbers),
                completed_by=user_id,
                unique_id=seed_unique_id(task.id, seed.annotator),
                was_cancelled=False,
                request_options=NO_RETRY,
            )
        except ApiError as e:
            if e.status_code == 409:
                out.already.append(pid)
                continue
            with translated_errors(url, f"creating the seed answer of task {task.id}"):
                raise
        out.created.append(pid)
    return out
