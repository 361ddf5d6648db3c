"""`annotate import-seed` against a real Label Studio server: YAML spans -> one annotation per task."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import yaml

from newsclaims.annotation.pull import pull
from newsclaims.annotation.push import push
from newsclaims.annotation.records import ClaimRecord, SaidByLink, SpanRecord
from newsclaims.annotation.seed import import_seed
from newsclaims.annotation.seed_file import SeedError, find_occurrence, load_seed_file, parse_seed
from newsclaims.annotation.snapshots import load_annotations
from newsclaims.corpus.document import Document
from newsclaims.fsutil import sha256_bytes
from newsclaims.schemas.taxonomy import load_taxonomy

SEED_FILE = Path(__file__).parent / "data" / "seed_small.yaml"
ATTRIBUTES = [a.name for a in load_taxonomy().claim.attributes]
EMOJI_TEXT = (
    "📰🇷🇺 ISLAMABAD: Ambassador of Russia to Pakistan, Albert P. Khorev on Tuesday said that "
    "Russia is making real progress toward achieving peace in Ukraine.\n"
    "“Calls for a full ceasefire sound hollow,” Khorev told reporters."
)
PLAIN_TEXT = "According to the UN Secretariat, these attacks claimed seven civilian lives and injured 122 others."


def make_docs() -> list[Document]:
    docs = []
    for raw_path, text in (("seed-emoji.txt", EMOJI_TEXT), ("seed-plain.txt", PLAIN_TEXT)):
        digest = sha256_bytes(text.encode())
        docs.append(
            Document(
                id="nc-" + sha256_bytes(raw_path.encode())[:16],
                text=text,
                raw_path=raw_path,
                raw_sha256=digest,
                text_sha256=digest,
                title=raw_path,
                language="en",
            )
        )
    return sorted(docs, key=lambda d: d.id)


def write_version(versions_dir: Path, docs: list[Document]) -> None:
    vdir = versions_dir / "v1"
    vdir.mkdir(parents=True)
    (vdir / "documents.jsonl").write_text(
        "".join(json.dumps(d.to_dict(), sort_keys=True, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8"
    )
    (vdir / "manifest.json").write_text(json.dumps({"version": "v1"}), encoding="utf-8")


@pytest.fixture
def pushed(labelstudio, ls_project, tmp_path):
    client = labelstudio.client()
    docs = make_docs()
    versions = tmp_path / "versions"
    write_version(versions, docs)
    push(client, docs, "v1", ls_project.title)
    email = f"maintainer-test-{uuid.uuid4().hex[:8]}@newsclaims.invalid"
    return {
        "client": client,
        "project": ls_project,
        "docs": {d.raw_path: d for d in docs},
        "versions": versions,
        "email": email,
        "env": labelstudio.env(),
        "tmp": tmp_path,
    }


def annotations_of(client, project_id):
    out = {}
    for t in client.tasks.list(project=project_id, fields="all"):
        out[t.data["doc_id"]] = [a for a in client.annotations.list(id=t.id) if not a.was_cancelled]
    return out


def expected_records(seed_path: Path, docs: dict[str, Document]):
    """What the YAML means, computed independently of the importer: spans by nth occurrence."""
    raw = yaml.safe_load(seed_path.read_text())
    out = {}
    for d in raw["documents"]:
        text = docs[d["raw_path"]].text

        def locate(item):
            start = -1
            for _ in range(item["occurrence"]):
                start = text.index(item["text"], start + 1)
            return start, start + len(item["text"])

        entities = [SpanRecord(e["id"], *locate(e), e["label"], e["text"]) for e in d["entities"]]
        claims = [
            ClaimRecord(
                c["id"],
                *locate(c),
                c["text"],
                # Every taxonomy attribute, unset (None) where the file leaves it out.
                {name: {True: "yes", False: "no"}.get(c.get(name), c.get(name)) for name in ATTRIBUTES},
            )
            for c in d["claims"]
        ]
        links = [SaidByLink(c["id"], c["said_by"]) for c in d["claims"] if c.get("said_by")]
        out[docs[d["raw_path"]].id] = (
            sorted(entities, key=lambda s: (s.start, s.end)),
            sorted(claims, key=lambda s: (s.start, s.end)),
            sorted(links, key=str),
        )
    return out


def test_import_then_pull_gives_the_seed_and_a_rerun_adds_nothing(pushed):
    p = pushed
    seed = load_seed_file(SEED_FILE)
    out = import_seed(p["client"], seed, p["project"].title, annotator_email=p["email"], versions_dir=p["versions"])
    assert sorted(out.created) == sorted(d.id for d in p["docs"].values())
    assert out.already == [] and out.conflicts == []

    again = import_seed(p["client"], seed, p["project"].title, annotator_email=p["email"], versions_dir=p["versions"])
    assert again.created == [] and sorted(again.already) == sorted(out.created)
    per_doc = annotations_of(p["client"], p["project"].id)
    assert {d: len(a) for d, a in per_doc.items()} == {d.id: 1 for d in p["docs"].values()}

    result = pull(
        p["client"],
        p["project"].title,
        exports_dir=p["tmp"] / "exports",
        versions_dir=p["versions"],
        pseudonyms_file=p["tmp"] / "pseudonyms.json",
    )
    assert result.counts["annotations"] == 2 and result.counts["annotators"] == 1
    expected = expected_records(SEED_FILE, p["docs"])
    records = load_annotations(exports_dir=p["tmp"] / "exports")
    assert {r.doc_id: (r.entities, r.claims, r.said_by) for r in records} == expected
    assert {r.annotator for r in records} == {"annotator-1"}
    # the emoji document's spans land on the right characters
    emoji = p["docs"]["seed-emoji.txt"]
    rec = next(r for r in records if r.doc_id == emoji.id)
    assert [emoji.text[s.start : s.end] for s in rec.entities] == [s.text for s in rec.entities]
    e3 = next(s for s in rec.entities if s.id == "e3")  # the 2nd "Russia": "said that Russia is ..."
    assert e3.start == EMOJI_TEXT.index("Russia", EMOJI_TEXT.index("Russia") + 1)
    assert "maintainer" not in (p["tmp"] / "exports" / result.snapshot.snapshot_id / "export.json").read_text()


def test_cli_import_seed_and_rerun(pushed):
    p = pushed
    cmd = [
        sys.executable,
        "-m",
        "newsclaims.cli",
        "annotate",
        "import-seed",
        str(SEED_FILE),
        "--project",
        p["project"].title,
        "--annotator-email",
        p["email"],
        "--versions-dir",
        str(p["versions"]),
    ]
    first = subprocess.run(cmd, env=p["env"], capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    assert "2 annotation(s) created, 0 already there" in first.stdout
    second = subprocess.run(cmd, env=p["env"], capture_output=True, text=True, timeout=300)
    assert second.returncode == 0, second.stderr
    assert "0 annotation(s) created, 2 already there" in second.stdout

    # The file changed after import: the annotation in Label Studio is not overwritten.
    changed = yaml.safe_load(SEED_FILE.read_text())
    changed["documents"][1]["entities"][0]["label"] = "GPE"
    changed_file = p["tmp"] / "changed.yaml"
    changed_file.write_text(yaml.safe_dump(changed, allow_unicode=True))
    third = subprocess.run(
        [*cmd[:5], str(changed_file), *cmd[6:]], env=p["env"], capture_output=True, text=True, timeout=300
    )
    assert third.returncode == 1
    assert "1 left as is" in third.stdout and "already has a different annotation" in third.stdout
    per_doc = annotations_of(p["client"], p["project"].id)
    plain = p["docs"]["seed-plain.txt"].id
    assert len(per_doc[plain]) == 1
    assert per_doc[plain][0].result[0]["value"]["labels"] == ["ORG"]


def test_every_unresolvable_item_is_listed_and_nothing_is_imported(pushed):
    p = pushed
    bad = yaml.safe_load(SEED_FILE.read_text())
    emoji, plain = bad["documents"]
    emoji["entities"][0]["text"] = "Albert Q. Khorev"  # not in the text
    emoji["entities"][1]["occurrence"] = 3  # "Khorev" occurs twice
    emoji["claims"][0]["said_by"] = "e3"  # a GPE cannot say anything
    plain["claims"][0]["claim_type"] = "rumour"
    bad["documents"].append({"raw_path": "never-pushed.txt", "entities": [], "claims": []})
    with pytest.raises(SeedError) as err:
        import_seed(
            p["client"], parse_seed(bad), p["project"].title, annotator_email=p["email"], versions_dir=p["versions"]
        )
    msg = str(err.value)
    assert "6 problem(s)" in msg and "nothing imported" in msg
    assert "seed-emoji.txt c2: said_by 'e2' names an entity that could not be resolved" in msg
    assert "seed-emoji.txt e1: 'Albert Q. Khorev' occurrence 1 not found (it occurs 0 time(s)" in msg
    assert "seed-emoji.txt e2: 'Khorev' occurrence 3 not found (it occurs 2 time(s)" in msg
    assert "seed-emoji.txt c1: said_by 'e3' must name a PERSON or ORG entity, got GPE" in msg
    assert "seed-plain.txt c1: claim_type 'rumour' is not one of" in msg
    assert "never-pushed.txt: no task" in msg and "newsclaims annotate push" in msg
    assert all(a == [] for a in annotations_of(p["client"], p["project"].id).values())


def test_unknown_project_tells_to_push_first(labelstudio):
    with pytest.raises(SeedError, match="run `newsclaims annotate push` first"):
        import_seed(labelstudio.client(), load_seed_file(SEED_FILE), f"missing-{uuid.uuid4().hex[:6]}")


def test_seed_file_parsing(tmp_path):
    seed = parse_seed(
        yaml.safe_load("""
annotator: m1
documents:
  - raw_path: a.txt
    claims:
      - {id: c1, text: "x", occurrence: 1, checkworthy: no}
""")
    )
    assert (
        seed.annotator == "m1" and seed.documents[0].claims[0].attributes["checkworthy"] == "no"
    )  # YAML's `no` is False
    with pytest.raises(SeedError) as err:
        parse_seed(
            {
                "annotator": "m1",
                "documents": [
                    {
                        "raw_path": "a.txt",
                        "entities": [
                            {"id": "e1", "text": "x", "label": "ORG", "occurrence": 0},
                            {"id": "e2", "txt": "x", "label": "ORG"},
                        ],
                    },
                    {"entities": []},
                ],
            }
        )
    msg = str(err.value)
    assert "occurrence must be a positive integer" in msg and "unknown key(s) txt" in msg
    assert "document 2: needs raw_path" in msg
    (tmp_path / "bad.yaml").write_text("annotator: [unclosed\n")
    with pytest.raises(SeedError, match="not valid YAML"):
        load_seed_file(tmp_path / "bad.yaml")
    with pytest.raises(SeedError, match="cannot read"):
        load_seed_file(tmp_path / "missing.yaml")


def test_find_occurrence():
    assert find_occurrence("a b a b a", "a", 3) == (8, 9)
    assert find_occurrence("aaa", "aa", 2) == (1, 3)  # overlapping occurrences count
    assert find_occurrence("😀x😀x", "x", 2) == (3, 4)  # code points
    assert find_occurrence("abc", "z", 1) == 0
