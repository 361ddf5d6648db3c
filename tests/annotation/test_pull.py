"""`annotate pull` against a real Label Studio server: two annotators, an emoji, cancelled work,
drafts and predictions; records equal what was annotated, pseudonymized, with no email anywhere.
"""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from newsclaims.annotation.client import NO_RETRY
from newsclaims.annotation.pseudonymize import find_emails
from newsclaims.annotation.pull import PullError, pull
from newsclaims.annotation.push import push
from newsclaims.annotation.records import ClaimRecord, SaidByLink, SpanRecord
from newsclaims.annotation.snapshots import (
    ANNOTATIONS_FILE,
    EXPORT_FILE,
    latest_snapshot,
    load_annotations,
    load_snapshot_meta,
    write_snapshot,
)
from newsclaims.corpus.document import Document
from newsclaims.fsutil import sha256_bytes
from newsclaims.schemas.taxonomy import load_taxonomy

# Emoji (one code point each, but two UTF-16 units) before every span of the first document.
EMOJI_TEXT = (
    "🇷🇺🕊️ Peace talks 😀\n"
    "ISLAMABAD: Ambassador Albert P. Khorev said on Tuesday that Russia is making real progress "
    "toward peace. NATO disagreed."
)
PLAIN_TEXT = "Kiev said over 1,000 prisoners of war have been exchanged since May 2025."


def make_doc(doc_id: str, text: str, raw_path: str) -> Document:
    return Document(
        id=doc_id,
        text=text,
        raw_path=raw_path,
        raw_sha256=sha256_bytes(text.encode()),
        text_sha256=sha256_bytes(text.encode()),
        title=f"Title of {raw_path}",
        language="en",
    )


def write_version(versions_dir: Path, version: str, docs: list[Document]) -> None:
    vdir = versions_dir / version
    vdir.mkdir(parents=True)
    lines = [json.dumps(d.to_dict(), sort_keys=True, ensure_ascii=False) for d in sorted(docs, key=lambda d: d.id)]
    (vdir / "documents.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (vdir / "manifest.json").write_text(json.dumps({"version": version, "documents": len(docs)}), encoding="utf-8")
    (vdir / "rejects.jsonl").write_text("", encoding="utf-8")


def region_id() -> str:
    return uuid.uuid4().hex[:10]  # the UI's region ids are short random strings too


def ui_span(rid: str, text: str, sub: str, label: str, control: str, occurrence: int = 1) -> dict:
    start = -1
    for _ in range(occurrence):
        start = text.index(sub, start + 1)
    return {
        "id": rid,
        "from_name": control,
        "to_name": "text",
        "type": "labels",
        "origin": "manual",
        "value": {"start": start, "end": start + len(sub), "text": sub, "labels": [label]},
    }


def ui_choice(span: dict, control: str, value: str) -> dict:
    v = span["value"]
    return {
        "id": span["id"],
        "from_name": control,
        "to_name": "text",
        "type": "choices",
        "origin": "manual",
        "value": {"start": v["start"], "end": v["end"], "choices": [value]},
    }


def ui_relation(a: str, b: str, direction: str) -> dict:
    return {"from_id": a, "to_id": b, "type": "relation", "direction": direction, "labels": ["said_by"]}


class Annotation:
    """What an annotator did in the UI, and the records pull must turn it into."""

    def __init__(self, text: str):
        self.text = text
        self.result: list[dict] = []
        self.entities: list[SpanRecord] = []
        self.claims: list[ClaimRecord] = []
        self.said_by: list[SaidByLink] = []

    def entity(self, sub: str, label: str) -> str:
        item = ui_span(region_id(), self.text, sub, label, "entities")
        self.result.append(item)
        v = item["value"]
        self.entities.append(SpanRecord(item["id"], v["start"], v["end"], label, self.text[v["start"] : v["end"]]))
        return item["id"]

    def claim(self, sub: str, speaker: str | None = None, reverse: bool = False, **attrs: str) -> str:
        item = ui_span(region_id(), self.text, sub, "CLAIM", "claims")
        self.result.append(item)
        for name, value in attrs.items():
            self.result.append(ui_choice(item, name, value))
        v = item["value"]
        every = {a.name: attrs.get(a.name) for a in load_taxonomy().claim.attributes}  # unset: None
        self.claims.append(ClaimRecord(item["id"], v["start"], v["end"], self.text[v["start"] : v["end"]], every))
        if speaker:
            # the arrow drawn from the speaker to the claim is still claim --said_by--> speaker
            self.result.append(
                ui_relation(speaker, item["id"], "left") if reverse else ui_relation(item["id"], speaker, "right")
            )
            self.said_by.append(SaidByLink(item["id"], speaker))
        return item["id"]

    def expected(self) -> tuple:
        key = lambda s: (s.start, s.end, s.id)  # noqa: E731
        return (
            sorted(self.entities, key=key),
            sorted(self.claims, key=key),
            sorted(self.said_by, key=lambda x: (x.claim_id, x.speaker_id)),
        )


@pytest.fixture
def annotated(labelstudio, ls_project, tmp_path):
    """A pushed two-document corpus annotated by two annotator accounts (plus noise to ignore)."""
    client = labelstudio.client()
    tag = uuid.uuid4().hex[:8]
    docs = [
        make_doc(f"nc-{tag}00000001", EMOJI_TEXT, f"emoji-{tag}.txt"),
        make_doc(f"nc-{tag}00000002", PLAIN_TEXT, f"plain-{tag}.txt"),
    ]
    versions = tmp_path / "versions"
    write_version(versions, "v1", docs)
    push(client, docs, "v1", ls_project.title)  # with rule-based predictions: must not become annotations
    tasks = {t.data["doc_id"]: t for t in client.tasks.list(project=ls_project.id, fields="all")}
    emoji_task, plain_task = tasks[docs[0].id], tasks[docs[1].id]

    people = {}
    person_tag = uuid.uuid4().hex[:8]  # in emails, usernames and surnames only: must not reach the output
    for who in ("alice", "bob"):
        email = f"{who}.{person_tag}@example.org"
        user = client.users.create(
            username=f"{who}{person_tag}",
            email=email,
            first_name=who.title(),
            last_name=f"Surname{person_tag}",
            request_options=NO_RETRY,
        )
        people[who] = (user.id, email)

    def submit(task, who, ann: Annotation, **extra):
        created = client.annotations.create(
            id=task.id, result=ann.result, completed_by=people[who][0], request_options=NO_RETRY, **extra
        )
        return created.id

    alice_emoji = Annotation(EMOJI_TEXT)
    khorev = alice_emoji.entity("Albert P. Khorev", "PERSON")
    alice_emoji.entity("Tuesday", "DATE")
    alice_emoji.entity("Russia", "GPE")
    alice_emoji.entity("NATO", "ORG")
    alice_emoji.claim(
        "Russia is making real progress toward peace",
        khorev,
        reverse=True,
        claim_type="other",
        checkworthy="yes",
        attribution="reported_speech",
    )
    bob_emoji = Annotation(EMOJI_TEXT)
    bob_khorev = bob_emoji.entity("Khorev", "PERSON")
    bob_emoji.claim("Russia is making real progress toward peace", bob_khorev, claim_type="prediction")
    alice_plain = Annotation(PLAIN_TEXT)
    kiev = alice_plain.entity("Kiev", "ORG")
    alice_plain.entity("over 1,000", "QUANTITY")
    alice_plain.entity("May 2025", "DATE")
    alice_plain.claim(
        "over 1,000 prisoners of war have been exchanged since May 2025",
        kiev,
        claim_type="quantity",
        checkworthy="yes",
        attribution="reported_speech",
    )

    ids = {
        ("alice", docs[0].id): submit(emoji_task, "alice", alice_emoji, ground_truth=True),
        ("bob", docs[0].id): submit(emoji_task, "bob", bob_emoji),
        ("alice", docs[1].id): submit(plain_task, "alice", alice_plain),
    }
    expected = {("alice", docs[0].id): alice_emoji, ("bob", docs[0].id): bob_emoji, ("alice", docs[1].id): alice_plain}
    # Noise that is not an annotation: bob skips the plain document, the admin leaves a draft.
    client.annotations.create(
        id=plain_task.id, result=[], was_cancelled=True, completed_by=people["bob"][0], request_options=NO_RETRY
    )
    draft = client._client_wrapper.httpx_client.request(
        f"api/tasks/{plain_task.id}/drafts",
        method="POST",
        json={"result": [ui_span(region_id(), PLAIN_TEXT, "Kiev", "GPE", "entities")], "lead_time": 3.0},
    )
    assert draft.status_code == 201, draft.text
    return {
        "client": client,
        "project": ls_project,
        "docs": docs,
        "versions": versions,
        "people": people,
        "ids": ids,
        "expected": expected,
        "tasks": (emoji_task, plain_task),
        "exports": tmp_path / "exports",
        "pseudonyms": tmp_path / "pseudonyms.json",
        "env": labelstudio.env(),
    }


def run_pull(a):
    return pull(
        a["client"],
        a["project"].title,
        exports_dir=a["exports"],
        versions_dir=a["versions"],
        pseudonyms_file=a["pseudonyms"],
    )


def assert_no_personal_data(root: Path, people: dict) -> None:
    files = [p for p in root.rglob("*") if p.is_file()]
    assert files
    for path in files:
        content = path.read_text(encoding="utf-8")
        assert find_emails(content) == [], path
        for _, email in people.values():
            local = email.split("@")[0]
            assert local.split(".")[1] not in content, path  # nor the tag in usernames and surnames


def test_pull_records_equal_what_was_annotated(annotated):
    a = annotated
    result = run_pull(a)
    snap = result.snapshot
    assert snap.written and snap.snapshot_id.startswith(a["project"].title.lower() + "-")
    assert latest_snapshot(a["exports"]) == snap.snapshot_id

    records = load_annotations(exports_dir=a["exports"])
    assert len(records) == 3  # the cancelled annotation, the draft and the predictions are not records
    pseudonym = {}
    for r in records:
        who = next(w for (w, d), i in a["ids"].items() if i == r.annotation_id)
        assert r.annotator.startswith("annotator-")
        assert pseudonym.setdefault(who, r.annotator) == r.annotator  # one pseudonym per person
        exp = a["expected"][(who, r.doc_id)]
        assert (r.entities, r.claims, r.said_by) == exp.expected()
        assert r.corpus_version == "v1"
        assert r.ground_truth is (who == "alice" and r.doc_id == a["docs"][0].id)
        for span in [*r.entities, *r.claims]:
            text = exp.text
            assert text[span.start : span.end] == span.text
    assert len(set(pseudonym.values())) == 2
    # sorted by (doc_id, annotator, annotation_id)
    assert [(r.doc_id, r.annotator, r.annotation_id) for r in records] == sorted(
        (r.doc_id, r.annotator, r.annotation_id) for r in records
    )

    c = result.counts
    assert (c["tasks"], c["annotations"], c["annotators"]) == (2, 3, 2)
    assert (c["entities"], c["claims"], c["said_by"]) == (8, 3, 3)
    assert c["skipped_cancelled"] == 1 and c["skipped_drafts"] == 1
    assert c["skipped_predictions"] >= 1  # push added rule-based suggestions (dates, money, quantities)

    meta = load_snapshot_meta(exports_dir=a["exports"])
    assert meta.corpus_version == "v1" and meta.project == a["project"].title
    assert meta.checked_against_task_text == []
    snap_dir = a["exports"] / snap.snapshot_id
    for name in (EXPORT_FILE, ANNOTATIONS_FILE):
        assert meta.files[name] == sha256_bytes((snap_dir / name).read_bytes())
    assert snap.snapshot_id.endswith(meta.files[EXPORT_FILE][:12])

    # The raw export is kept (pseudonymized) with every annotation, cancelled ones included.
    export = json.loads((snap_dir / EXPORT_FILE).read_text(encoding="utf-8"))
    completers = {ann["completed_by"] for t in export for ann in t["annotations"]}
    assert completers == set(pseudonym.values())
    assert_no_personal_data(a["exports"], a["people"])
    assert find_emails(a["pseudonyms"].read_text()) == []


def test_repull_is_unchanged_and_new_work_makes_a_new_snapshot(annotated):
    a = annotated
    first = run_pull(a).snapshot
    snap_dir = a["exports"] / first.snapshot_id
    before = {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in snap_dir.iterdir()}

    second = run_pull(a).snapshot
    assert (second.snapshot_id, second.written) == (first.snapshot_id, False)
    assert {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in snap_dir.iterdir()} == before
    assert sorted(p.name for p in a["exports"].iterdir()) == sorted(["LATEST", first.snapshot_id])

    # The command line says so, and prints neither the token nor an email.
    cli = subprocess.run(
        [
            sys.executable,
            "-m",
            "newsclaims.cli",
            "annotate",
            "pull",
            "--project",
            a["project"].title,
            "--out",
            str(a["exports"]),
            "--versions-dir",
            str(a["versions"]),
            "--pseudonyms",
            str(a["pseudonyms"]),
        ],
        env=a["env"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert cli.returncode == 0, cli.stderr
    assert "unchanged" in cli.stdout and first.snapshot_id in cli.stdout
    assert "2 tasks, 3 annotations by 2 annotator(s)" in cli.stdout
    assert (
        find_emails(cli.stdout + cli.stderr) == [] and a["env"]["LABEL_STUDIO_API_KEY"] not in cli.stdout + cli.stderr
    )

    # bob comes back to the plain document: a new snapshot, same pseudonyms for the same people
    emoji_task, plain_task = a["tasks"]
    late = Annotation(PLAIN_TEXT)
    late.entity("Kiev", "GPE")
    client = a["client"]
    client.annotations.create(
        id=plain_task.id, result=late.result, completed_by=a["people"]["bob"][0], request_options=NO_RETRY
    )
    third = run_pull(a).snapshot
    assert third.written and third.snapshot_id != first.snapshot_id
    assert latest_snapshot(a["exports"]) == third.snapshot_id
    old = load_annotations(first.snapshot_id, a["exports"])
    new = load_annotations(exports_dir=a["exports"])
    assert len(new) == len(old) + 1
    names = {(r.doc_id, r.annotation_id): r.annotator for r in old}
    assert all(names[(r.doc_id, r.annotation_id)] == r.annotator for r in new if (r.doc_id, r.annotation_id) in names)
    assert len({r.annotator for r in new}) == 2
    assert_no_personal_data(a["exports"], a["people"])


def test_bad_offsets_fail_the_pull_listing_every_region_and_write_nothing(annotated):
    a = annotated
    emoji_task, plain_task = a["tasks"]
    # What a UTF-16 offset bug in a client would send: shifted by the surrogate pairs before it.
    start = EMOJI_TEXT.index("Khorev")
    shifted = {
        "id": "shifted001",
        "from_name": "entities",
        "to_name": "text",
        "type": "labels",
        "value": {"start": start + 3, "end": start + 9, "text": "Khorev", "labels": ["PERSON"]},
    }
    outside = {
        "id": "outside001",
        "from_name": "entities",
        "to_name": "text",
        "type": "labels",
        "value": {"start": len(PLAIN_TEXT) - 2, "end": len(PLAIN_TEXT) + 10, "labels": ["ORG"]},
    }
    # A third annotator (alice and bob already submitted the emoji task: a second submission of
    # theirs would be its own problem, see test_round_faults.py).
    tag = uuid.uuid4().hex[:8]
    carol = (
        a["client"].users.create(username=f"carol{tag}", email=f"carol.{tag}@example.org", request_options=NO_RETRY).id
    )
    a["client"].annotations.create(id=emoji_task.id, result=[shifted], completed_by=carol, request_options=NO_RETRY)
    a["client"].annotations.create(id=plain_task.id, result=[outside], completed_by=carol, request_options=NO_RETRY)
    with pytest.raises(PullError) as err:
        run_pull(a)
    msg = str(err.value)
    assert "2 problem(s)" in msg and "nothing was written" in msg
    assert f"task {emoji_task.id}" in msg and "region shifted001" in msg and a["docs"][0].id in msg
    assert f"task {plain_task.id}" in msg and "region outside001" in msg and "out of range" in msg
    assert not a["exports"].exists() or list(a["exports"].iterdir()) == []


def test_offsets_are_checked_against_the_corpus_text_not_the_task(annotated, tmp_path):
    """The corpus version named in the task meta is the truth; without it, the task text is used and said so."""
    a = annotated
    other = tmp_path / "other-versions"
    write_version(other, "v1", [make_doc(d.id, d.text.replace("Khorev", "Chorev"), d.raw_path) for d in a["docs"]])
    with pytest.raises(PullError, match="differs from the corpus text"):
        pull(
            a["client"],
            a["project"].title,
            exports_dir=a["exports"],
            versions_dir=other,
            pseudonyms_file=a["pseudonyms"],
        )
    missing = tmp_path / "no-versions"
    missing.mkdir()
    result = pull(
        a["client"], a["project"].title, exports_dir=a["exports"], versions_dir=missing, pseudonyms_file=a["pseudonyms"]
    )
    assert result.corpus.missing_versions == {"v1"}
    assert load_snapshot_meta(exports_dir=a["exports"]).checked_against_task_text == sorted(d.id for d in a["docs"])


def test_pull_of_unknown_project_is_a_clear_error(labelstudio, tmp_path):
    with pytest.raises(PullError, match="no Label Studio project titled 'no-such-project-.*annotate push"):
        pull(
            labelstudio.client(),
            f"no-such-project-{uuid.uuid4().hex[:6]}",
            exports_dir=tmp_path,
            versions_dir=tmp_path,
            pseudonyms_file=tmp_path / "p.json",
        )
    assert list(tmp_path.iterdir()) == [] or all(p.name.startswith("p.json") for p in tmp_path.iterdir())


def test_interrupted_snapshot_write_leaves_nothing(tmp_path, monkeypatch):
    """No server needed: a crash while writing leaves neither a snapshot nor a partial directory."""
    import newsclaims.annotation.snapshots as snapshots

    def boom(self):
        raise KeyboardInterrupt

    monkeypatch.setattr(snapshots.SnapshotMeta, "to_json", boom)
    tasks = [{"id": 1, "data": {"doc_id": "nc-1", "text": "x"}, "annotations": []}]
    with pytest.raises(KeyboardInterrupt):
        write_snapshot(tasks, [], project="p", taxonomy_sha256="0" * 64, counts={}, exports_dir=tmp_path)
    assert list(tmp_path.iterdir()) == []
    assert latest_snapshot(tmp_path) is None


def test_snapshot_id_ignores_clock_derived_fields(tmp_path):
    """Label Studio embeds "created_ago" in exports; a later re-pull of the same data is still unchanged."""

    def export(ago):
        return [
            {
                "id": 1,
                "data": {"doc_id": "nc-1", "text": "x"},
                "annotations": [
                    {
                        "id": 2,
                        "completed_by": "annotator-1",
                        "result": [],
                        "prediction": {"id": 3, "created_ago": ago, "result": []},
                    }
                ],
            }
        ]

    first = write_snapshot(export("0 minutes"), [], project="p", taxonomy_sha256="0", counts={}, exports_dir=tmp_path)
    again = write_snapshot(export("2 hours"), [], project="p", taxonomy_sha256="0", counts={}, exports_dir=tmp_path)
    assert first.written and not again.written and again.snapshot_id == first.snapshot_id
    assert "created_ago" not in (first.path / EXPORT_FILE).read_text()
    changed = export("0 minutes")
    changed[0]["annotations"][0]["result"] = [{"id": "a"}]
    assert (
        write_snapshot(changed, [], project="p", taxonomy_sha256="0", counts={}, exports_dir=tmp_path).snapshot_id
        != first.snapshot_id
    )
