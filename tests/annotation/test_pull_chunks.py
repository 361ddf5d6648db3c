"""A pull in chunks of task ids against the real server: the same snapshot bytes as one export,
and resumable after an interruption (only when nothing changed on the server since)."""

from __future__ import annotations

import uuid

import orjson
import pytest

from newsclaims.annotation.client import NO_RETRY
from newsclaims.annotation.export_chunks import ChunkEvent, export_json, id_ranges, task_ids
from newsclaims.annotation.pull import ExportOptions, pull
from newsclaims.annotation.push_plan import task_payload
from newsclaims.annotation.snapshots import (
    ANNOTATIONS_FILE,
    CONFLICTS_FILE,
    EXPORT_FILE,
    latest_snapshot,
    load_annotations,
)
from newsclaims.bench.synth_annotations import annotate, documents, label_studio_result, write_corpus_version
from newsclaims.schemas.taxonomy import load_taxonomy

TASKS, CHUNK = 30, 7  # 5 chunks: 7, 7, 7, 7, 2


def test_id_ranges_cover_the_span_once_at_most_chunk_size_ids_wide():
    assert id_ranges(3, 11, 3) == [(3, 5), (6, 8), (9, 11)]
    assert id_ranges(3, 12, 3) == [(3, 5), (6, 8), (9, 11), (12, 12)]
    assert id_ranges(5, 5, 7) == [(5, 5)]


class Interrupt(Exception):
    pass


@pytest.fixture
def annotated(labelstudio, ls_project, tmp_path):
    """TASKS tasks with one submitted annotation each, and the corpus version they come from."""
    client = labelstudio.client()
    tax = load_taxonomy()
    docs = documents(TASKS)
    write_corpus_version(tmp_path / "versions", docs, "v1")
    tasks = [
        {
            **task_payload(d, "v1").to_import(None),
            "annotations": [{"result": label_studio_result(annotate(d, tax, 4), tax)}],
        }
        for d in docs
    ]
    client.projects.import_tasks(id=ls_project.id, request=tasks, request_options=NO_RETRY)
    # A second annotator on tasks of the last chunks and the first: pseudonyms are numbered in the
    # order annotators are met, so a chunked pull meeting them in another order would differ.
    tag = uuid.uuid4().hex[:8]
    bob = client.users.create(username=f"bob{tag}", email=f"bob.{tag}@example.org", request_options=NO_RETRY).id
    ids = task_ids(client, ls_project.id)
    by_doc = {t.data["doc_id"]: t.id for t in client.tasks.list(project=ls_project.id)}
    for d in (docs[-1], docs[-9], docs[0]):
        client.annotations.create(
            id=by_doc[d.id],
            result=label_studio_result(annotate(d, tax, 2), tax),
            completed_by=bob,
            request_options=NO_RETRY,
        )
    assert len(ids) == TASKS
    return client, ls_project, tax


def _pull(client, project, tax, tmp_path, out: str, **export):
    return pull(
        client,
        project.title,
        exports_dir=tmp_path / out,
        versions_dir=tmp_path / "versions",
        pseudonyms_file=tmp_path / f"pseudonyms-{out}.json",  # each pull numbers annotators afresh
        taxonomy=tax,
        export=ExportOptions(**export),
    )


def test_chunked_pull_is_byte_identical_to_one_export_and_resumes_after_an_interruption(annotated, tmp_path):
    client, project, tax = annotated
    ids = task_ids(client, project.id)
    assert len(ids) == TASKS
    single_tasks = orjson.loads(export_json(client, project.id))
    assert sorted(t["id"] for t in single_tasks) == ids

    single = _pull(client, project, tax, tmp_path, "single", chunk_size=1000)
    resume = tmp_path / "resume"
    events: list[ChunkEvent] = []

    def stop_after_two(event: ChunkEvent) -> None:
        events.append(event)
        if event.index == 1:
            raise Interrupt  # as a Ctrl-C after the second chunk

    with pytest.raises(Interrupt):
        _pull(client, project, tax, tmp_path, "chunked", chunk_size=CHUNK, resume_dir=resume, on_chunk=stop_after_two)
    assert latest_snapshot(tmp_path / "chunked") is None  # nothing half-written
    kept = sorted(p.name for p in (resume / f"project-{project.id}").glob("chunk-*.json"))
    assert kept == ["chunk-00000.json", "chunk-00001.json"]

    events.clear()
    chunked = _pull(
        client, project, tax, tmp_path, "chunked", chunk_size=CHUNK, resume_dir=resume, on_chunk=events.append
    )
    assert [(e.index, e.total, e.tasks, e.reused) for e in events] == [
        (0, 5, 7, True),
        (1, 5, 7, True),
        (2, 5, 7, False),
        (3, 5, 7, False),
        (4, 5, 2, False),
    ]
    assert chunked.snapshot.snapshot_id == single.snapshot.snapshot_id
    for name in (EXPORT_FILE, ANNOTATIONS_FILE, CONFLICTS_FILE):
        assert (chunked.snapshot.path / name).read_bytes() == (single.snapshot.path / name).read_bytes(), name
    assert chunked.counts == single.counts and single.counts["annotations"] == TASKS + 3
    assert single.counts["annotators"] == 2
    assert not (resume / f"project-{project.id}").exists()  # the snapshot holds them now


def test_a_resume_after_the_server_changed_starts_over(annotated, tmp_path):
    client, project, tax = annotated
    resume = tmp_path / "resume"

    def stop_at_once(event: ChunkEvent) -> None:
        raise Interrupt

    with pytest.raises(Interrupt):
        _pull(client, project, tax, tmp_path, "out", chunk_size=CHUNK, resume_dir=resume, on_chunk=stop_at_once)
    # An annotation of the chunk already downloaded is edited: reusing the chunk would lose the edit.
    first_task = task_ids(client, project.id)[0]
    admin = client.users.whoami().id
    (edited,) = [a for a in client.annotations.list(id=first_task) if a.completed_by == admin]
    assert edited.id is not None and edited.result
    client.annotations.update(id=edited.id, result=[])

    events: list[ChunkEvent] = []
    result = _pull(client, project, tax, tmp_path, "out", chunk_size=CHUNK, resume_dir=resume, on_chunk=events.append)
    assert [e.reused for e in events] == [False] * 5
    records = {r.annotation_id: r for r in load_annotations(result.snapshot.snapshot_id, tmp_path / "out")}
    assert len(records) == TASKS + 3
    assert records[edited.id].entities == [] and records[edited.id].claims == []
