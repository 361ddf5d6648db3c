"""`annotate push` against the real Label Studio server: idempotent, crash-safe, drift-aware."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import time
from collections import Counter

import pytest
from corpus_factory import seed_documents, synthetic_documents, write_version
from flaky_proxy import FlakyProxy
from label_studio_sdk.label_interface import LabelInterface

from newsclaims.annotation.client import LabelStudioError, make_client
from newsclaims.annotation.preannotate import MODEL_PREFIX
from newsclaims.annotation.project_tasks import list_tasks
from newsclaims.annotation.push import push
from newsclaims.annotation.settings import LabelStudioSettings
from newsclaims.paths import LABEL_CONFIG_FILE


def doc_counts(client, project_id) -> Counter:
    return Counter(t.doc_id for t in list_tasks(client, project_id))


def cli(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "newsclaims.cli", *args], capture_output=True, text=True, env=env, timeout=300
    )


def annotate(client, task, result):
    me = client.users.whoami()
    return client.annotations.create(id=task.id, result=result, completed_by=me.id)


def entity(text, surface, label, rid="e1"):
    start = text.index(surface)
    return {
        "id": rid,
        "from_name": "entities",
        "to_name": "text",
        "type": "labels",
        "value": {"start": start, "end": start + len(surface), "text": surface, "labels": [label]},
    }


def test_push_seed_corpus_twice_gives_one_task_per_document(labelstudio, ls_project):
    client = labelstudio.client()
    docs = seed_documents()
    first = push(client, docs, "v1", ls_project.title)
    assert (first.created, first.unchanged, first.project_id) == (len(docs), 0, ls_project.id)
    second = push(client, docs, "v1", ls_project.title)
    assert (second.created, second.unchanged, second.updated, second.drifted) == (0, len(docs), 0, [])
    assert doc_counts(client, ls_project.id) == Counter({d.id: 1 for d in docs})

    tasks = {t.doc_id: t for t in list_tasks(client, ls_project.id)}
    for d in docs:  # text, id and metadata for the annotator; corpus version in meta
        data = tasks[d.id].data
        assert data["text"] == d.text and data["text_sha256"] == d.text_sha256 and data["title"] == d.title
        assert set(data) == {"text", "doc_id", "title", "outlet", "source", "date", "dateline", "url", "text_sha256"}
        assert tasks[d.id].meta == {"corpus_version": "v1"}


def test_cli_push_twice_from_a_corpus_version_dir(labelstudio, ls_project, tmp_path):
    docs = seed_documents()
    write_version(tmp_path, "v1", docs)
    args = ("annotate", "push", "--corpus", "v1", "--versions-dir", str(tmp_path), "--project", ls_project.title)
    first = cli(*args, env=labelstudio.env())
    assert first.returncode == 0, first.stderr
    assert f"created {len(docs)}, unchanged 0" in first.stdout
    second = cli(*args, env=labelstudio.env())
    assert second.returncode == 0, second.stderr
    assert f"created 0, unchanged {len(docs)}" in second.stdout
    assert doc_counts(labelstudio.client(), ls_project.id) == Counter({d.id: 1 for d in docs})
    for out in (first.stdout + first.stderr, second.stdout + second.stderr):
        assert labelstudio.api_key not in out


def test_lost_import_answer_then_repush_leaves_one_task_per_document(labelstudio, ls_project):
    """The server commits batch 2 but the client never hears back; re-push completes, no duplicates."""
    docs = synthetic_documents(24)
    proxy = FlakyProxy(int(labelstudio.url.rsplit(":", 1)[1]), drop_response_of=2)
    try:
        flaky = make_client(LabelStudioSettings(proxy.url, labelstudio.api_key))
        with pytest.raises(LabelStudioError):  # not retried by the SDK: a replayed POST would duplicate
            push(flaky, docs, "v1", ls_project.title, batch_bytes=8_000)
        assert proxy.dropped == 1 and proxy.matched == 2
    finally:
        proxy.close()

    client = labelstudio.client()
    after_crash = doc_counts(client, ls_project.id)
    assert after_crash and max(after_crash.values()) == 1
    assert len(after_crash) < len(docs)  # it really died half-way

    summary = push(client, docs, "v1", ls_project.title, batch_bytes=8_000)
    assert summary.created == len(docs) - len(after_crash)
    assert summary.unchanged == len(after_crash)
    assert summary.duplicates_removed == 0
    assert doc_counts(client, ls_project.id) == Counter({d.id: 1 for d in docs})


def test_import_cut_mid_request_then_repush(labelstudio, ls_project):
    docs = synthetic_documents(6, prefix="cut")
    proxy = FlakyProxy(int(labelstudio.url.rsplit(":", 1)[1]), drop_request_after=300)
    try:
        with pytest.raises(LabelStudioError):
            push(make_client(LabelStudioSettings(proxy.url, labelstudio.api_key)), docs, "v1", ls_project.title)
    finally:
        proxy.close()
    client = labelstudio.client()
    assert doc_counts(client, ls_project.id) == Counter()  # a half-received POST creates nothing
    assert push(client, docs, "v1", ls_project.title).created == len(docs)
    assert doc_counts(client, ls_project.id) == Counter({d.id: 1 for d in docs})


def test_push_killed_mid_batch_then_repush(labelstudio, ls_project, tmp_path):
    docs = synthetic_documents(60, words=300, prefix="kill")
    write_version(tmp_path, "v1", docs)
    args = (
        "annotate",
        "push",
        "--versions-dir",
        str(tmp_path),
        "--project",
        ls_project.title,
        "--batch-bytes",
        "30000",
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "newsclaims.cli", *args],
        env=labelstudio.env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    client = labelstudio.client()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if (client.projects.get(id=ls_project.id).task_number or 0) >= 6:  # a few batches are in
            break
        time.sleep(0.05)
    proc.kill()
    proc.wait()
    after_kill = doc_counts(client, ls_project.id)
    assert 0 < len(after_kill) < len(docs), "the push should have been killed half-way"
    assert max(after_kill.values()) == 1

    again = cli(*args, env=labelstudio.env())
    assert again.returncode == 0, again.stderr
    assert doc_counts(client, ls_project.id) == Counter({d.id: 1 for d in docs})


def test_outside_duplicates_are_removed_unless_annotated(labelstudio, ls_project):
    client = labelstudio.client()
    docs = seed_documents()
    push(client, docs, "v1", ls_project.title, preannotate=False)
    original = {t.doc_id: t for t in list_tasks(client, ls_project.id)}
    # Someone imports the same tasks again by hand; one copy of the first document gets annotated.
    copies = [{"data": t.data, "meta": t.meta} for t in original.values()]
    client.projects.import_tasks(id=ls_project.id, request=copies, request_options={"max_retries": 0})
    d0 = docs[0]
    copy0 = max((t for t in list_tasks(client, ls_project.id) if t.doc_id == d0.id), key=lambda t: t.id)
    annotate(client, copy0, [entity(d0.text, "Khorev", "PERSON")])

    summary = push(client, docs, "v1", ls_project.title, preannotate=False)
    assert summary.duplicates_removed == 2  # both unannotated extras
    assert summary.created == 0
    remaining = {t.doc_id: t for t in list_tasks(client, ls_project.id)}
    assert doc_counts(client, ls_project.id) == Counter({d.id: 1 for d in docs})
    assert remaining[d0.id].id == copy0.id  # the annotated copy is the one kept


def test_changed_text_updates_unannotated_tasks_and_re_anchors_annotated_ones(labelstudio, ls_project):
    client = labelstudio.client()
    annotated_doc, free_doc = seed_documents()
    push(client, [annotated_doc, free_doc], "v1", ls_project.title)
    tasks = {t.doc_id: t for t in list_tasks(client, ls_project.id)}
    khorev = entity(annotated_doc.text, "Khorev", "PERSON")
    annotate(client, tasks[annotated_doc.id], [khorev])

    def changed(d):
        text = d.text + "\nCorrection: on Friday 12 more people were hurt."
        return dataclasses.replace(d, text=text, text_sha256="")

    summary = push(client, [changed(annotated_doc), changed(free_doc)], "v2", ls_project.title)
    assert summary.drifted == [] and summary.migrated == [annotated_doc.id]
    assert summary.updated == 1 and summary.created == 0
    assert [(r["region_id"], r["status"]) for r in summary.migration_rows] == [(khorev["id"], "unchanged")]

    after = {t.doc_id: t for t in list_tasks(client, ls_project.id)}
    for doc in (annotated_doc, free_doc):
        assert after[doc.id].data["text"] == changed(doc).text
        assert after[doc.id].meta["corpus_version"] == "v2"
    assert after[annotated_doc.id].meta["migrated_from_corpus"] == "v1"
    assert after[annotated_doc.id].data["needs_review"] == ""  # the text was only appended to
    (ann,) = after[annotated_doc.id].annotations
    assert [r["value"] for r in ann["result"]] == [khorev["value"]]
    # the updated tasks' suggestions point into their new text
    for doc in (annotated_doc, free_doc):
        (pred,) = client.predictions.list(task=after[doc.id].id)
        text = after[doc.id].data["text"]
        assert any(r["value"]["text"] == "Friday" for r in pred.result)
        for r in pred.result:
            assert text[r["value"]["start"] : r["value"]["end"]] == r["value"]["text"]


def test_predictions_are_uploaded_once_and_follow_the_project_lexicon(labelstudio, ls_project):
    client = labelstudio.client()
    docs = seed_documents()
    first = push(client, docs, "v1", ls_project.title)
    assert first.predictions_added == len(docs)
    interface = LabelInterface(ls_project.label_config)
    for t in list_tasks(client, ls_project.id):
        (pred,) = client.predictions.list(task=t.id)
        assert pred.model_version == first.model_version and pred.model_version.startswith(MODEL_PREFIX)
        assert interface.validate_prediction({"result": pred.result}, return_errors=True) == []
        labels = {r["value"]["labels"][0] for r in pred.result}
        assert {"DATE", "QUANTITY"} <= labels
    assert push(client, docs, "v1", ls_project.title).predictions_added == 0  # idempotent

    # An annotator labels "Khorev" in one article: the other article gets it proposed everywhere.
    d0, d1 = docs
    tasks = {t.doc_id: t for t in list_tasks(client, ls_project.id)}
    annotate(client, tasks[d0.id], [entity(d0.text, "Khorev", "PERSON")])
    third = push(client, docs, "v1", ls_project.title)
    assert third.model_version != first.model_version and third.predictions_added == len(docs)
    (pred,) = client.predictions.list(task=tasks[d1.id].id)  # the old version was replaced
    assert pred.model_version == third.model_version
    khorev = [(r["value"]["start"], r["value"]["labels"]) for r in pred.result if r["value"]["text"] == "Khorev"]
    expected = [i for i in range(len(d1.text)) if d1.text.startswith("Khorev", i)]
    assert [s for s, _ in khorev] == expected and all(lab == ["PERSON"] for _, lab in khorev)


def test_label_config_round_trip(labelstudio, ls_project):
    client = labelstudio.client()
    client.projects.update(
        id=ls_project.id,
        label_config='<View><Text name="text" value="$text"/>'
        '<Labels name="entities" toName="text"><Label value="PERSON"/></Labels></View>',
    )
    push(client, seed_documents()[:1], "v1", ls_project.title, preannotate=False)
    on_server = client.projects.get(id=ls_project.id).label_config
    assert on_server.strip() == LABEL_CONFIG_FILE.read_text(encoding="utf-8").strip()
    interface = LabelInterface(on_server)
    assert {c.name for c in interface.controls} == {
        "entities",
        "claims",
        "verifiable",
        "checkworthy",
        "claim_type",
        "attribution",
        "normalized",  # the per-region TextArea
    }


def test_bad_token_is_a_clear_error_without_the_token(labelstudio, ls_project, tmp_path):
    write_version(tmp_path, "v1", seed_documents())
    bad = "wrong-token-" + "7" * 28
    r = cli(
        "annotate",
        "push",
        "--versions-dir",
        str(tmp_path),
        "--project",
        ls_project.title,
        env=labelstudio.env(LABEL_STUDIO_API_KEY=bad),
    )
    assert r.returncode != 0
    assert "rejected the API token" in r.stderr and labelstudio.url in r.stderr
    assert "Traceback" not in r.stderr + r.stdout
    assert bad not in r.stderr + r.stdout and labelstudio.api_key not in r.stderr + r.stdout
    assert doc_counts(labelstudio.client(), ls_project.id) == Counter()


def test_unreachable_server_is_a_clear_error(labelstudio, tmp_path):
    from newsclaims.annotation.server_state import free_port

    write_version(tmp_path, "v1", seed_documents())
    url = f"http://127.0.0.1:{free_port()}"
    r = cli("annotate", "push", "--versions-dir", str(tmp_path), env=labelstudio.env(LABEL_STUDIO_URL=url))
    assert r.returncode != 0
    assert f"cannot reach Label Studio at {url}" in r.stderr and "make labelstudio" in r.stderr
    assert "Traceback" not in r.stderr + r.stdout and labelstudio.api_key not in r.stderr + r.stdout


def test_push_a_corpus_version_built_by_the_corpus_stage(labelstudio, ls_project, tmp_path):
    from newsclaims.corpus.build import build_corpus
    from newsclaims.corpus.versions import latest_version, load_documents
    from newsclaims.paths import RAW_DIR

    build_corpus(RAW_DIR, tmp_path)
    version = latest_version(tmp_path)
    docs = list(load_documents(version, tmp_path))
    r = cli("annotate", "push", "--versions-dir", str(tmp_path), "--project", ls_project.title, env=labelstudio.env())
    assert r.returncode == 0, r.stderr
    tasks = {t.doc_id: t for t in list_tasks(labelstudio.client(), ls_project.id)}
    assert sorted(tasks) == sorted(d.id for d in docs)
    for d in docs:
        assert tasks[d.id].data["text"] == d.text
        assert tasks[d.id].data["text_sha256"] == d.text_sha256
        assert tasks[d.id].data["dateline"] == (d.dateline or "")
        assert tasks[d.id].meta == {"corpus_version": version}


# ---- the push ledger: an unchanged re-push skips the listing, every change is still seen ---------


def counting_listings(monkeypatch) -> list[int]:
    """Count the push module's full listings (a spy on our own function; the server is real)."""
    import newsclaims.annotation.push as push_module

    calls = []
    real = push_module.list_tasks

    def spy(client, project_id):
        calls.append(project_id)
        return real(client, project_id)

    monkeypatch.setattr(push_module, "list_tasks", spy)
    return calls


def test_unchanged_repush_trusts_the_confirmed_ledger_without_listing(labelstudio, ls_project, monkeypatch):
    client = labelstudio.client()
    docs = synthetic_documents(12, words=60, prefix="ledger")
    first = push(client, docs, "v1", ls_project.title, preannotate=False)
    assert first.created == len(docs)
    listings = counting_listings(monkeypatch)
    again = push(client, docs, "v1", ls_project.title, preannotate=False)
    assert (again.created, again.unchanged, again.updated, again.drifted) == (0, len(docs), 0, [])
    assert listings == []  # nothing listed: the server confirmed the ledger
    full = push(client, docs, "v1", ls_project.title, preannotate=False, full_check=True)
    assert (full.created, full.unchanged, full.updated) == (0, len(docs), 0)
    assert listings == [ls_project.id]
    assert doc_counts(client, ls_project.id) == Counter({d.id: 1 for d in docs})


def test_edits_deletions_and_additions_in_label_studio_are_seen_despite_the_ledger(
    labelstudio, ls_project, monkeypatch
):
    client = labelstudio.client()
    docs = synthetic_documents(10, words=60, prefix="drift")
    push(client, docs, "v1", ls_project.title, preannotate=False)
    assert push(client, docs, "v1", ls_project.title, preannotate=False).unchanged == len(docs)  # ledger in use

    tasks = {t.doc_id: t for t in list_tasks(client, ls_project.id)}
    edited, deleted = docs[0], docs[1]
    client.tasks.update(id=str(tasks[edited.id].id), data={**tasks[edited.id].data, "title": "edited in Label Studio"})
    client.tasks.delete(id=str(tasks[deleted.id].id))
    listings = counting_listings(monkeypatch)
    summary = push(client, docs, "v1", ls_project.title, preannotate=False)
    assert listings, "the ledger must not be trusted after changes in Label Studio"
    assert (summary.created, summary.updated, summary.unchanged) == (1, 1, len(docs) - 2)
    after = {t.doc_id: t for t in list_tasks(client, ls_project.id)}
    assert after[edited.id].data["title"] == (edited.title or "")  # the corpus value again
    assert doc_counts(client, ls_project.id) == Counter({d.id: 1 for d in docs})

    # An outside import of a copy (same count as a deletion + addition would give): still seen.
    assert push(client, docs, "v1", ls_project.title, preannotate=False).unchanged == len(docs)
    victim = after[docs[2].id]
    client.tasks.delete(id=str(victim.id))
    client.projects.import_tasks(
        id=ls_project.id,
        request=[{"data": after[docs[3].id].data, "meta": after[docs[3].id].meta}],
        request_options={"max_retries": 0},
    )
    summary = push(client, docs, "v1", ls_project.title, preannotate=False)
    assert (summary.created, summary.duplicates_removed) == (1, 1)
    assert doc_counts(client, ls_project.id) == Counter({d.id: 1 for d in docs})


def test_a_changed_corpus_is_pushed_although_the_ledger_matches_the_server(labelstudio, ls_project):
    client = labelstudio.client()
    docs = synthetic_documents(6, words=60, prefix="corpus")
    push(client, docs, "v1", ls_project.title, preannotate=False)
    changed = [dataclasses.replace(docs[0], text=docs[0].text + " Updated.", text_sha256="")] + docs[1:]
    summary = push(client, changed, "v2", ls_project.title, preannotate=False)
    assert (summary.updated, summary.unchanged, summary.created) == (len(docs), 0, 0)  # meta says v2 everywhere
    task = {t.doc_id: t for t in list_tasks(client, ls_project.id)}[docs[0].id]
    assert task.data["text"].endswith(" Updated.") and task.meta == {"corpus_version": "v2"}


def test_no_ledger_is_written_when_someone_else_saved_a_task_during_the_push(labelstudio, ls_project, tmp_path):
    from newsclaims.annotation.client import find_project
    from newsclaims.annotation.push_ledger import newest_update, payloads_digest, read_ledger, record_ledger
    from newsclaims.annotation.push_plan import PushSummary

    client = labelstudio.client()
    docs = synthetic_documents(4, words=40, prefix="race")
    push(client, docs, "v1", ls_project.title, preannotate=False)
    project = find_project(client, ls_project.title)
    stamp = newest_update(client, project.id)
    task = list_tasks(client, ls_project.id)[0]
    client.tasks.update(id=str(task.id), data={**task.data, "title": "saved by someone else"})  # "during" our push
    digest = payloads_digest([])
    summary = PushSummary(project=ls_project.title, project_id=project.id, corpus_version="v1", unchanged=len(docs))
    ledger = tmp_path / "ledger.json"
    record_ledger(client, project, summary, digest, stamp, None, ledger)
    assert read_ledger(ledger) is None
    summary.updated = 1  # had the push written that task itself, the state would be known
    record_ledger(client, project, summary, digest, stamp, None, ledger)
    written = read_ledger(ledger)
    assert written is not None and written.task_count == len(docs) and written.newest_update > stamp
