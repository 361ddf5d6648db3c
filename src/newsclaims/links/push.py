"""`links push`: one pairwise task per proposal in a separate Label Studio project, keyed by pair id.

Re-running never duplicates a task: what the project holds is listed and only missing pairs are
imported (the SDK's POST retries are off, as for `annotate push`); one push per project at a time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from label_studio_sdk import LabelStudio

from newsclaims.annotation.client import client_url, get_or_create_project
from newsclaims.annotation.defaults import DEFAULT_BATCH_BYTES
from newsclaims.annotation.project_tasks import import_tasks, list_tasks
from newsclaims.annotation.push import push_lock
from newsclaims.links.records import ClaimRef, Proposal
from newsclaims.links.tasks import task_for
from newsclaims.schemas.links import LinkSchema, render_link_config

DEFAULT_LINKS_PROJECT = "newsclaims-links"


@dataclass
class LinkPush:
    project_id: int
    created: list[str] = field(default_factory=list)  # pair ids
    existing: list[str] = field(default_factory=list)


def push_pairs(
    client: LabelStudio,
    proposals: Sequence[Proposal],
    claims: dict[str, ClaimRef],
    *,
    corpus_version: str,
    snapshot_id: str,
    schema: LinkSchema,
    project_title: str = DEFAULT_LINKS_PROJECT,
    batch_bytes: int = DEFAULT_BATCH_BYTES,
) -> LinkPush:
    url = client_url(client)
    with push_lock(url, project_title):
        project, _ = get_or_create_project(client, project_title, render_link_config(schema))
        have = {t.data.get("pair_id") for t in list_tasks(client, project.id)}
        out = LinkPush(project.id)
        missing = []
        for p in proposals:
            if p.pair_id in have:
                out.existing.append(p.pair_id)
                continue
            have.add(p.pair_id)
            missing.append(task_for(p, claims, corpus_version, snapshot_id))
            out.created.append(p.pair_id)
        if missing:
            import_tasks(client, project.id, missing, batch_bytes)
        return out
