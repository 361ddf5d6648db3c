"""The push plan is decided without a server: one action per document, by what its task holds."""

from __future__ import annotations

from newsclaims.annotation.project_tasks import ExistingTask
from newsclaims.annotation.push_migration import REANCHORED_KEY, REVIEW_FIELD
from newsclaims.annotation.push_plan import Action, plan_push, task_payload
from newsclaims.corpus.document import Document
from newsclaims.fsutil import sha256_bytes


def doc(doc_id: str, text: str) -> Document:
    return Document(
        id=doc_id,
        text=text,
        raw_path=f"{doc_id}.txt",
        raw_sha256="0" * 64,
        text_sha256=sha256_bytes(text.encode()),
        title="T",
        source="Outlet",
    )


def task(task_id: int, payload, *, text: str | None = None, annotations=(), draft=False, **data) -> ExistingTask:
    d = dict(payload.data, **data)
    if text is not None:
        d.update(text=text, text_sha256=sha256_bytes(text.encode()))
    return ExistingTask(
        id=task_id, data=d, meta=dict(payload.meta), annotations=list(annotations), has_draft=draft, model_versions=[]
    )


def test_each_kind_of_task_gets_its_action():
    docs = {n: doc(n, f"text of {n}.") for n in ("new", "same", "retitled", "edited", "drafted", "annotated")}
    payloads = {n: task_payload(d, "v2") for n, d in docs.items()}
    annotation = {"id": 7, "result": [], "updated_at": "2026-01-01T00:00:00Z"}
    existing = {
        "same": task(1, payloads["same"]),
        "retitled": task(2, payloads["retitled"], title="old title"),
        "edited": task(3, payloads["edited"], text="older text."),  # nobody worked on it
        "drafted": task(4, payloads["drafted"], text="older text.", draft=True),
        "annotated": task(5, payloads["annotated"], text="older text.", annotations=[annotation]),
    }
    plan = {p.payload.doc_id: p for p in plan_push(payloads, existing)}
    assert list(plan) == list(payloads)  # the payloads' order
    assert {n: p.action for n, p in plan.items()} == {
        "new": Action.CREATE,
        "same": Action.UNCHANGED,
        "retitled": Action.UPDATE,
        "edited": Action.UPDATE,
        "drafted": Action.DRIFT,
        "annotated": Action.MIGRATE,
    }
    assert plan["edited"].text_changed and not plan["retitled"].text_changed
    assert plan["new"].task is None


def test_a_reanchored_task_is_cleared_only_once_every_annotation_was_saved_again():
    payload = task_payload(doc("d", "the text."), "v2")
    migrated_at = "2026-01-01T10:00:00+00:00"

    def reanchored(saved_at: str) -> dict[str, Action]:
        t = task(9, payload, **{REVIEW_FIELD: "text changed: 1 span moved"})
        t.annotations = [{"id": 7, "updated_at": saved_at}]
        t.meta = {**payload.meta, REANCHORED_KEY: {"7": migrated_at}, "migrated_from_corpus": "v1"}
        return {p.payload.doc_id: p.action for p in plan_push({"d": payload}, {"d": t})}

    assert reanchored("2026-01-01T10:00:00Z") == {"d": Action.UNCHANGED}  # not saved since
    assert reanchored("2026-01-02T09:00:00Z") == {"d": Action.CLEAR_REVIEW}
