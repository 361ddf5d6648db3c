"""`links push` / `links pull` against the real Label Studio (session server), on the committed seed proposals."""

from __future__ import annotations

import json
import uuid

import pytest

from newsclaims.annotation.client import find_project
from newsclaims.annotation.project_tasks import list_tasks
from newsclaims.annotation.pseudonymize import find_emails
from newsclaims.cli import main
from newsclaims.links.apply import apply_answers
from newsclaims.links.inputs import PROPOSALS_FILE, load_claims, read_proposals
from newsclaims.links.pull import pull_links
from newsclaims.links.seed import answer_result
from newsclaims.links.snapshots import ANSWERS_FILE, EXPORT_FILE, load_answers
from newsclaims.schemas.links import load_link_schema, render_link_config

SCHEMA = load_link_schema()


@pytest.fixture
def links_project(labelstudio, monkeypatch):
    for name, value in labelstudio.env().items():
        monkeypatch.setenv(name, value)
    title = f"test-links-{uuid.uuid4().hex[:10]}"
    yield title
    client = labelstudio.client()
    project = find_project(client, title)
    if project is not None:
        client.projects.delete(id=project.id)


def test_push_is_idempotent_and_pull_snapshots_pseudonymized_answers(labelstudio, links_project, tmp_path, capsys):
    proposals = read_proposals(PROPOSALS_FILE)
    top = tmp_path / "proposals.json"
    top.write_text(PROPOSALS_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["links", "push", "--proposals", str(top), "--project", links_project, "--min-score", "0.8"]) == 0
    assert main(["links", "push", "--proposals", str(top), "--project", links_project, "--min-score", "0.8"]) == 0
    expected = sorted(p.pair_id for p in proposals.proposals if p.score >= 0.8)
    client = labelstudio.client()
    project = find_project(client, links_project)
    assert project is not None and project.label_config.strip() == render_link_config(SCHEMA).strip()
    tasks = list_tasks(client, project.id)
    assert sorted(t.data["pair_id"] for t in tasks) == expected  # once each, after two pushes
    soldiers = next(t for t in tasks if "6,060" in t.data["right_text"] + t.data["left_text"])
    assert "<mark><b>" in soldiers.data["left_html"] and soldiers.data["left_numbers"] != "none"
    assert "figures look different" in soldiers.data["features"]
    assert "0 pair task(s) created" in capsys.readouterr().out.splitlines()[-1]

    client.annotations.create(id=soldiers.id, result=answer_result(SCHEMA, "same", True), was_cancelled=False)
    other = next(t for t in tasks if t.id != soldiers.id)
    client.annotations.create(id=other.id, result=answer_result(SCHEMA, "different", False), was_cancelled=False)
    exports, pseudonyms = tmp_path / "exports", tmp_path / "pseudonyms.json"
    first = pull_links(client, links_project, SCHEMA, exports_dir=exports, pseudonyms_file=pseudonyms)
    again = pull_links(client, links_project, SCHEMA, exports_dir=exports, pseudonyms_file=pseudonyms)
    assert first.snapshot.written and not again.snapshot.written
    assert again.snapshot.snapshot_id == first.snapshot.snapshot_id
    answers = {a.pair_id: a for a in load_answers(None, exports)}
    assert set(answers) == {soldiers.data["pair_id"], other.data["pair_id"]}
    mine = answers[soldiers.data["pair_id"]]
    assert mine.relation == SCHEMA.choice("same") and mine.numbers_differ and mine.annotator == "annotator-1"
    assert answers[other.data["pair_id"]].relation == SCHEMA.choice("different")
    for name in (EXPORT_FILE, ANSWERS_FILE):
        assert find_emails((first.snapshot.path / name).read_text(encoding="utf-8")) == []
    meta = json.loads((first.snapshot.path / "snapshot.json").read_text())
    assert meta["counts"]["answers"] == 2 and meta["annotation_snapshots"] == [proposals.snapshot_id]

    # The corpus moved on and the soldiers' claim is gone: its answer is reported, not applied.
    claims = {k: c.text for k, c in load_claims(proposals.corpus_version, proposals.snapshot_id).claims.items()}
    del claims[mine.right]
    applied = apply_answers(load_answers(None, exports), claims, SCHEMA)
    assert set(applied.verdicts) == {other.data["pair_id"]}
    assert len(applied.stale) == 1 and mine.right in applied.stale[0]
