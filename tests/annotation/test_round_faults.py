"""An annotation round's commands on a real Label Studio when the round is empty, half done or
holds bad annotations: `status` and `conflicts` still answer, `pull` names every bad annotation
with its task and annotator pseudonym and writes nothing.
"""

from __future__ import annotations

import uuid

import pytest
from corpus_factory import write_version
from ls_items import span_item

from newsclaims.annotation.client import NO_RETRY
from newsclaims.annotation.conflicts import snapshot_conflicts
from newsclaims.annotation.pull import PullError, pull
from newsclaims.annotation.push import push
from newsclaims.annotation.status import format_status, round_status
from newsclaims.corpus.document import Document
from newsclaims.errors import NewsclaimsError
from newsclaims.fsutil import sha256_bytes

TEXT = "Mayor Ana Ruiz said the city hired 300 nurses in May. The council disagreed."


@pytest.fixture
def round_project(labelstudio, ls_project, tmp_path):
    client = labelstudio.client()
    digest = sha256_bytes(TEXT.encode())
    doc = Document(
        id="nc-" + uuid.uuid4().hex[:16],
        text=TEXT,
        raw_path="faults.txt",
        raw_sha256=digest,
        text_sha256=digest,
        title="Nurses",
        language="en",
    )
    versions = tmp_path / "versions"
    write_version(versions, "v1", [doc])
    summary = push(client, [doc], "v1", ls_project.title, preannotate=False, overlap=2)
    assert summary.overlap == 2
    (task,) = list(client.tasks.list(project=ls_project.id))
    people = {}
    for who in ("alice", "bob"):
        tag = uuid.uuid4().hex[:8]
        people[who] = client.users.create(
            username=f"{who}{tag}", email=f"{who}.{tag}@example.org", request_options=NO_RETRY
        ).id
    return {
        "client": client,
        "project": ls_project,
        "task": task,
        "people": people,
        "versions": versions,
        "exports": tmp_path / "exports",
        "pseudonyms": tmp_path / "pseudonyms.json",
        "doc": doc,
    }


def _status(r):
    return round_status(r["client"], r["project"].title, versions_dir=r["versions"], pseudonyms_file=r["pseudonyms"])


def _pull(r):
    return pull(
        r["client"],
        r["project"].title,
        exports_dir=r["exports"],
        versions_dir=r["versions"],
        pseudonyms_file=r["pseudonyms"],
    )


def test_status_and_conflicts_on_an_empty_then_half_annotated_round(round_project):
    r = round_project
    status = _status(r)
    assert (status.tasks, status.done, status.in_progress, status.remaining) == (1, 0, 0, 1)
    assert status.submissions_missing == 2 and status.annotators == [] and not status.agreement.measured
    assert "no annotations yet" in format_status(status)
    with pytest.raises(NewsclaimsError, match="no snapshot of project"):
        snapshot_conflicts(r["project"].title, r["exports"])

    r["client"].annotations.create(
        id=r["task"].id,
        result=[span_item("p1", TEXT, "Ana Ruiz", "PERSON")],
        completed_by=r["people"]["alice"],
        request_options=NO_RETRY,
    )
    status = _status(r)
    assert (status.done, status.in_progress, status.remaining, status.submissions_missing) == (0, 1, 0, 1)
    assert [(p.annotator, p.submitted) for p in status.annotators] == [("annotator-1", 1)]
    assert not status.agreement.measured  # one annotation per document: nothing to compare yet
    _pull(r)
    meta, conflicts = snapshot_conflicts(r["project"].title, r["exports"])
    assert conflicts == [] and meta.project_id == r["project"].id


def test_pull_names_every_bad_annotation_and_writes_nothing(round_project):
    r = round_project
    client, task = r["client"], r["task"]
    outside = span_item("out1", TEXT, "disagreed.", "ORG", start=len(TEXT) - 5)  # runs 5 past the end
    client.annotations.create(id=task.id, result=[outside], completed_by=r["people"]["alice"], request_options=NO_RETRY)
    claim = span_item("c1", TEXT, "the city hired 300 nurses", "CLAIM", control="claims")
    dangling = {"from_id": "c1", "to_id": "deleted1", "type": "relation", "direction": "right", "labels": ["said_by"]}
    unknown = span_item("u1", TEXT, "council", "COMMITTEE")
    client.annotations.create(
        id=task.id, result=[claim, dangling, unknown], completed_by=r["people"]["bob"], request_options=NO_RETRY
    )
    client.annotations.create(id=task.id, result=[], completed_by=r["people"]["bob"], request_options=NO_RETRY)

    with pytest.raises(PullError) as err:
        _pull(r)
    lines = [line.strip() for line in str(err.value).splitlines()[1:]]
    assert "4 problem(s)" in str(err.value) and "nothing was written" in str(err.value)
    assert all(line.startswith(f"task {task.id}, doc {r['doc'].id}, annotator-") for line in lines), lines
    by_problem = {
        next(w for w in ("out of range", "missing region", "COMMITTEE", "twice") if w in line): line for line in lines
    }
    assert "annotator-1" in by_problem["out of range"] and "region out1" in by_problem["out of range"]
    assert "annotator-2" in by_problem["missing region"] and "annotator-2" in by_problem["COMMITTEE"]
    assert "annotator-2 submitted this task twice" in by_problem["twice"]
    assert not r["exports"].exists() or not any(r["exports"].iterdir())

    status = _status(r)  # still answers, and says what pull will refuse
    assert len(status.problems) == 4 and status.done == 1
    assert "4 problem(s) that `annotate pull` will refuse" in format_status(status)
