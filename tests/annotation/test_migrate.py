"""`annotate migrate`: the committed seed snapshot re-anchored to a corrected corpus, and
documents with emoji, renamed raw files and deleted documents (no server needed).

The seed edit is what a newsroom does: a correction note at the top of the body, the typo
"agains" fixed, one paragraph deleted. Expected figures are counted by hand from
annotation/seed/seed_annotations.yaml: the deleted paragraph ("The myth of ...") holds the
entities e30-e34 and the claims c11 and c12 (both said_by e11) of document 000; claim c19 holds
"agains".
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from corpus_factory import make_document, write_version

from newsclaims.annotation.migrate import MIGRATION_FILE, migrate_snapshot
from newsclaims.annotation.snapshots import load_annotations, load_snapshot_meta, write_snapshot
from newsclaims.corpus.versions import load_documents

REPO = Path(__file__).resolve().parents[2]
NEWSCLAIMS = Path(sys.executable).parent / "newsclaims"
SEED_SNAPSHOT = "newsclaims-seed-a95fcd3cdc5e"
SEED_000 = "000_c9d4eb58757d2b79.txt"
NOTE = "Correction, 24 September: an earlier version of this report misspelt a word. "


def _run(root: Path, *args: str) -> str:
    cli = subprocess.run(
        [str(NEWSCLAIMS), *args],
        cwd=root,
        env={**os.environ, "NEWSCLAIMS_ROOT": str(root)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert cli.returncode == 0, cli.stdout + cli.stderr
    return cli.stdout


@pytest.fixture
def corrected_seeds(tmp_path) -> Path:
    root = tmp_path / "checkout"
    for part in ("corpus", "schemas"):
        shutil.copytree(REPO / part, root / part)
    shutil.copytree(REPO / "annotation" / "exports", root / "annotation" / "exports")
    # The checkout as it was when v1 and the seed snapshot were the newest: the correction below
    # then makes v2, whatever later versions the repository has.
    for store, keep in ((root / "corpus" / "versions", "v1"), (root / "annotation" / "exports", SEED_SNAPSHOT)):
        for p in store.iterdir():
            if p.is_dir() and p.name not in (keep, ".cache"):
                shutil.rmtree(p)
        (store / "LATEST").write_text(keep + "\n", encoding="utf-8")
    # ... and under the taxonomy of that time (v1, kept in schemas/history), which the snapshot follows.
    shutil.copy(root / "schemas" / "history" / "v1" / "taxonomy.yaml", root / "schemas" / "taxonomy.yaml")
    (root / "pyproject.toml").write_text("", encoding="utf-8")
    raw = root / "corpus" / "raw" / SEED_000
    paragraphs = raw.read_text(encoding="utf-8").split("\n\n")
    assert paragraphs[4].startswith("The myth of")
    del paragraphs[4]
    text = "\n\n".join(paragraphs).replace("stance agains the", "stance against the")
    raw.write_text(text.replace(") Ambassador of Russia", ") " + NOTE + "Ambassador of Russia", 1), encoding="utf-8")
    assert "corpus v2 written" in _run(root, "corpus", "build")
    return root


def test_the_corrected_seed_article_keeps_every_span_but_the_deleted_paragraph(corrected_seeds):
    root = corrected_seeds
    exports, versions = root / "annotation" / "exports", root / "corpus" / "versions"
    summary = _run(root, "annotate", "migrate", "--snapshot", SEED_SNAPSHOT, "--to-corpus", "v2")
    old_records = {r.doc_id: r for r in load_annotations(SEED_SNAPSHOT, exports)}
    meta = load_snapshot_meta(exports_dir=exports)
    assert meta.parent_snapshot == SEED_SNAPSHOT and meta.migrated_from_corpus == ["v1"]
    assert meta.corpus_versions == ["v2"] and meta.snapshot_id in summary
    rows = [json.loads(line) for line in (exports / meta.snapshot_id / MIGRATION_FILE).read_text().splitlines()]
    new_text = {d.id: d.text for d in load_documents("v2", versions)}
    doc_000 = next(d.id for d in load_documents("v1", versions) if d.raw_path == SEED_000)

    spans = [r for r in rows if r["kind"] == "span"]
    assert len(spans) == sum(len(r.entities) + len(r.claims) for r in old_records.values()) == 220 + 86
    lost = {r["region_id"] for r in spans if r["status"] == "lost"}
    assert lost == {"e30", "e31", "e32", "e33", "e34", "c11", "c12"} and all(
        r["doc_id"] == doc_000 for r in spans if r["status"] == "lost"
    )
    (changed,) = [r for r in spans if r["status"] == "changed"]
    assert changed["region_id"] == "c19" and "stance against the" in changed["new_text"]
    assert "agains the" in changed["old_text"] and changed["similarity"] >= 0.8
    n_000 = len(old_records[doc_000].entities) + len(old_records[doc_000].claims)
    statuses = Counter((r["doc_id"] == doc_000, r["status"]) for r in spans)
    assert statuses[(True, "moved")] == n_000 - 8  # everything after the note moved by its length
    assert statuses[(False, "unchanged")] == len(spans) - n_000  # the other report did not change
    # The shift of a moved span, from the three edits of the old text: the note before everything,
    # the paragraph (with its blank line) deleted, one letter added by the typo fix.
    old_000 = next(d.text for d in load_documents("v1", versions) if d.id == doc_000)
    cut_start = old_000.index("The myth of")
    cut_end = old_000.index("\n\n", cut_start) + 2
    typo = old_000.index("stance agains the") + len("stance agains")
    for r in spans:
        if r["status"] in ("unchanged", "moved"):
            assert new_text[r["new_doc_id"]][r["new_start"] : r["new_end"]] == r["old_text"]
        if r["status"] == "moved":
            shift = len(NOTE) - (cut_end - cut_start if r["old_start"] >= cut_end else 0) + (r["old_start"] >= typo)
            assert r["new_start"] - r["old_start"] == shift, r
    relations = Counter(r["status"] for r in rows if r["kind"] == "relation")
    assert relations == {"kept": 79, "lost": 2}
    assert sorted(r["region_id"] for r in rows if r["kind"] == "relation" and r["status"] == "lost") == [
        "c11->e11",
        "c12->e11",
    ]

    # The new snapshot validates against v2 and a release built on it records the lineage.
    assert "valid" in _run(root, "validate")
    _run(root, "release", "--version", "0.3.0")
    manifest = json.loads((root / "releases" / "0.3.0" / "manifest.json").read_text())
    assert manifest["inputs"]["lineage"] == {
        "parent_snapshot": SEED_SNAPSHOT,
        "from_corpus_versions": ["v1"],
        "to_corpus_versions": ["v2"],
    }
    assert any("re-anchored from snapshot " + SEED_SNAPSHOT in line for line in manifest["changelog"])
    # re-running writes nothing new: the same migration is the same snapshot
    assert "unchanged:" in _run(root, "annotate", "migrate", "--snapshot", SEED_SNAPSHOT, "--to-corpus", "v2")


def _task(task_id: int, doc, version: str, regions: list[tuple[str, str, str, str]], relation=None) -> dict:
    result = []
    for rid, control, label, needle in regions:
        start = doc.text.index(needle)
        result.append(
            {
                "id": rid,
                "from_name": control,
                "to_name": "text",
                "type": "labels",
                "value": {"start": start, "end": start + len(needle), "text": needle, "labels": [label]},
            }
        )
    if relation:
        result.append(
            {
                "type": "relation",
                "from_id": relation[0],
                "to_id": relation[1],
                "direction": "right",
                "labels": ["said_by"],
            }
        )
    return {
        "id": task_id,
        "data": {"doc_id": doc.id, "text": doc.text},
        "meta": {"corpus_version": version},
        "annotations": [
            {
                "id": 100 + task_id,
                "completed_by": "annotator-1",
                "was_cancelled": False,
                "ground_truth": False,
                "result": result,
            }
        ],
        "predictions": [],
        "drafts": [],
    }


def test_emoji_renamed_and_deleted_documents(tmp_path):
    versions, exports = tmp_path / "versions", tmp_path / "exports"
    emoji = make_document("emoji.txt", "😀 Mayor Ana Ruiz said 🇷🇺 the city hired nurses.", title="t")
    renamed = make_document("old-name.txt", "Kiev said prisoners were exchanged in the spring.", title="t")
    gone = make_document("gone.txt", "The council met and agreed on nothing at all.", title="t")
    write_version(versions, "v1", [emoji, renamed, gone])
    tasks = [
        _task(
            1,
            emoji,
            "v1",
            [("p", "entities", "PERSON", "Ana Ruiz"), ("c", "claims", "CLAIM", "🇷🇺 the city hired nurses")],
            relation=("c", "p"),
        ),
        _task(2, renamed, "v1", [("k", "entities", "GPE", "Kiev")]),
        _task(3, gone, "v1", [("o", "entities", "ORG", "council")]),
    ]
    from newsclaims.annotation.export_parser import parse_export
    from newsclaims.schemas.taxonomy import load_taxonomy

    parsed = parse_export(tasks, {}, load_taxonomy())
    assert not parsed.problems
    parent = write_snapshot(tasks, parsed.records, project="p", taxonomy_sha256="0", counts={}, exports_dir=exports)
    emoji_v2 = make_document("emoji.txt", "🕊️😀 Mayor Ana Ruiz said 🇷🇺 the city hired 𝔸 nurses.", title="t")
    moved_file = make_document("new-name.txt", renamed.text, title="t")
    write_version(versions, "v2", [emoji_v2, moved_file])

    result = migrate_snapshot(parent.snapshot_id, "v2", exports_dir=exports, versions_dir=versions)
    by_region = {r.region_id: r for r in result.rows}
    assert by_region["p"].status == "moved" and by_region["p"].new_start == emoji_v2.text.index("Ana Ruiz")
    assert by_region["c"].status == "changed" and by_region["c"].new_text == "🇷🇺 the city hired 𝔸 nurses"
    assert by_region["c->p"].status == "kept"
    assert (by_region["k"].status, by_region["k"].new_doc_id) == ("unchanged", moved_file.id)
    assert result.documents[renamed.id].how == "renamed" and result.documents[gone.id].how == "gone"
    assert by_region["o"].status == "lost"
    records = {r.doc_id: r for r in load_annotations(result.snapshot.snapshot_id, exports)}
    assert set(records) == {emoji_v2.id, moved_file.id}
    for doc, record in ((emoji_v2, records[emoji_v2.id]), (moved_file, records[moved_file.id])):
        for s in [*record.entities, *record.claims]:
            assert doc.text[s.start : s.end] == s.text


def test_the_report_is_each_row_as_json_even_with_json_inside_the_texts():
    from newsclaims.annotation.reanchor import MigrationRow, rows_jsonl

    texts = ["plain", '},{"doc_id":"x"}', 'a "quoted" },{ brace', "😀\nline", "\\"]
    rows = [
        MigrationRow("nc-1", None, i, i, "annotator-1", f"r{i}", "span", "CLAIM", "lost", 0, len(t), t)
        for i, t in enumerate(texts)
    ]
    assert rows_jsonl(rows) == b"".join(r.to_json() for r in rows)
    assert [json.loads(line)["old_text"] for line in rows_jsonl(rows).decode().splitlines()] == texts
    assert rows_jsonl([]) == b""
