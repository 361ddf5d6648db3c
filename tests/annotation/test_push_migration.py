"""`annotate push` of a new corpus version under annotated tasks, against the real server: the
annotations are re-anchored in place, the lost spans reported, nothing duplicated; a re-run
changes nothing, and a push interrupted half-way ends where an uninterrupted one does.
"""

from __future__ import annotations

import json
import uuid

import pytest
from corpus_factory import make_document, write_version
from flaky_proxy import FlakyProxy
from ls_items import span_item

from newsclaims.annotation.client import NO_RETRY, LabelStudioError, make_client
from newsclaims.annotation.pull import pull
from newsclaims.annotation.push import push
from newsclaims.annotation.push_migration import PLAN_KEY, REVIEW_FIELD, finish_report
from newsclaims.annotation.settings import LabelStudioSettings
from newsclaims.annotation.snapshots import load_annotations
from newsclaims.annotation.status import format_status, round_status

OLD = (
    "😀 Mayor Ana Ruiz said the city hired 300 nurses agains all odds.\n\n"
    "The council disagreed with the mayor.\n\n"
    "Kiev said prisoners were exchanged."
)
NEW = (
    "Correction: a word was misspelt.\n\n😀 Mayor Ana Ruiz said the city hired 300 nurses against all odds.\n\n"
    "Kiev said prisoners were exchanged."
)


def _result(text):
    claim = span_item("c1", text, "the city hired 300 nurses agains all odds", "CLAIM", "claims")
    choice = {
        "id": "c1",
        "from_name": "claim_type",
        "to_name": "text",
        "type": "choices",
        "value": {"start": claim["value"]["start"], "end": claim["value"]["end"], "choices": ["quantity"]},
    }
    return [
        span_item("p1", text, "Ana Ruiz", "PERSON"),
        claim,
        choice,
        span_item("o1", text, "The council", "ORG"),
        span_item("k1", text, "Kiev", "GPE"),
        {"type": "relation", "from_id": "c1", "to_id": "p1", "direction": "right", "labels": ["said_by"]},
        {"type": "relation", "from_id": "c1", "to_id": "o1", "direction": "right", "labels": ["said_by"]},
    ]


def _annotated_project(labelstudio, title, doc_key):
    client = labelstudio.client()
    old = make_document(doc_key, OLD, title="t")
    push(client, [old], "v1", title, preannotate=False)
    (task,) = list(client.tasks.list(project=_project_id(client, title)))
    user = client.users.create(
        username=f"u{uuid.uuid4().hex[:8]}", email=f"u{uuid.uuid4().hex[:8]}@example.org", request_options=NO_RETRY
    )
    client.annotations.create(id=task.id, result=_result(OLD), completed_by=user.id, request_options=NO_RETRY)
    new = make_document(doc_key, NEW, title="t")
    assert new.id == old.id  # the same raw file, corrected
    return client, task.id, new


def _project_id(client, title):
    return next(p.id for p in client.projects.list(title=title) if p.title == title)


def _state(client, title):
    tasks = list(client.tasks.list(project=_project_id(client, title), fields="all"))
    return [
        (
            t.data["text"],
            t.data.get(REVIEW_FIELD),
            sorted(
                (
                    (r.get("id"), r["type"], json.dumps(r.get("value"), sort_keys=True))
                    for a in t.annotations
                    for r in a["result"]
                ),
                key=str,
            ),
        )
        for t in tasks
    ]


def test_push_re_anchors_annotations_in_place(labelstudio, tmp_path):
    title = f"mig-{uuid.uuid4().hex[:10]}"
    client, task_id, new = _annotated_project(labelstudio, title, "nurses.txt")
    report = tmp_path / "report.jsonl"
    try:
        summary = push(client, [new], "v2", title, preannotate=False, migration_report=report)
        assert summary.migrated == [new.id] and summary.drifted == [] and summary.created == 0
        statuses = {r["region_id"]: r["status"] for r in summary.migration_rows}
        assert statuses == {
            "p1": "moved",
            "c1": "changed",
            "o1": "lost",
            "k1": "moved",
            "c1->p1": "kept",
            "c1->o1": "lost",
        }
        assert finish_report(report) == 6
        task = client.tasks.get(id=task_id)
        assert task.data["text"] == NEW and PLAN_KEY not in (task.meta or {})
        assert "1 lost" in task.data[REVIEW_FIELD] and task.meta["migrated_from_corpus"] == "v1"
        (ann,) = client.annotations.list(id=task_id)
        regions = {r["id"]: r for r in ann.result if r["type"] == "labels"}
        assert set(regions) == {"p1", "c1", "k1"}
        for r in regions.values():
            v = r["value"]
            assert NEW[v["start"] : v["end"]] == v["text"]
        assert regions["c1"]["value"]["text"] == "the city hired 300 nurses against all odds"
        (choice,) = [r for r in ann.result if r["type"] == "choices"]
        assert (choice["value"]["start"], choice["value"]["choices"]) == (regions["c1"]["value"]["start"], ["quantity"])

        before = _state(client, title)
        again = push(client, [new], "v2", title, preannotate=False, migration_report=report)
        assert (again.unchanged, again.updated, again.migrated) == (1, 0, [])
        assert _state(client, title) == before
        assert len(list(client.tasks.list(project=_project_id(client, title)))) == 1

        versions = tmp_path / "versions"
        write_version(versions, "v2", [new])
        flagged = round_status(client, title, versions_dir=versions, pseudonyms_file=tmp_path / "p.json")
        assert flagged.needs_review == 1 and "need a look" in format_status(flagged)

        # An annotator fixes the task (Update): the next push clears the note, the one after changes nothing.
        client.annotations.update(id=ann.id, result=ann.result)
        cleared = push(client, [new], "v2", title, preannotate=False, migration_report=report)
        assert cleared.reviewed == [new.id] and not client.tasks.get(id=task_id).data.get(REVIEW_FIELD)
        settled = _state(client, title)
        assert push(client, [new], "v2", title, preannotate=False).unchanged == 1 and _state(client, title) == settled

        result = pull(
            client, title, exports_dir=tmp_path / "exports", versions_dir=versions, pseudonyms_file=tmp_path / "p.json"
        )
        assert result.counts["needs_review"] == 0  # the annotator updated it above: the note was cleared
        (record,) = load_annotations(result.snapshot.snapshot_id, tmp_path / "exports")
        assert [s.text for s in record.entities] == ["Ana Ruiz", "Kiev"]
        assert [link.speaker_id for link in record.said_by] == ["p1"]
    finally:
        client.projects.delete(id=_project_id(client, title))


def test_an_interrupted_push_ends_where_an_uninterrupted_one_does(labelstudio, tmp_path):
    control, broken = f"mig-{uuid.uuid4().hex[:10]}", f"mig-{uuid.uuid4().hex[:10]}"
    client, _, new = _annotated_project(labelstudio, control, "a.txt")
    push(client, [new], "v2", control, preannotate=False)
    client2, task_id, new2 = _annotated_project(labelstudio, broken, "a.txt")
    # The connection dies under every annotation PATCH: the plan is stored, no annotation moved.
    proxy = FlakyProxy(
        int(labelstudio.url.rsplit(":", 1)[1]), match=b"/api/annotations/", method=b"PATCH", drop_request_after=200
    )
    try:
        with pytest.raises(LabelStudioError):
            push(
                make_client(LabelStudioSettings(proxy.url, labelstudio.api_key)),
                [new2],
                "v2",
                broken,
                preannotate=False,
            )
        assert proxy.dropped >= 1
    finally:
        proxy.close()
    try:
        task = client2.tasks.get(id=task_id)
        assert task.data["text"] == OLD and PLAN_KEY in task.meta  # the plan is stored, nothing else changed
        summary = push(client2, [new2], "v2", broken, preannotate=False)
        assert summary.migrated == [new2.id]
        assert _state(client2, broken) == _state(client, control)
        assert PLAN_KEY not in (client2.tasks.get(id=task_id).meta or {})
    finally:
        client.projects.delete(id=_project_id(client, control))
        client2.projects.delete(id=_project_id(client2, broken))
