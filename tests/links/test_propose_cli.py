"""`newsclaims links propose` on the committed seed data, and on a snapshot without claims."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from newsclaims.annotation.records import AnnotationRecord
from newsclaims.cli import main
from newsclaims.corpus.versions import load_documents
from newsclaims.links.claims import story_claims
from newsclaims.links.propose import score_pairs
from newsclaims.schemas.taxonomy import load_taxonomy

ROOT = Path(__file__).resolve().parents[2]
# The snapshot the seed pairs were judged on (the second round's gold re-annotated the claims since).
LINKED_SNAPSHOT = "newsclaims-seed-8b7dd6133cd7"
INPUTS = [
    "--versions-dir",
    str(ROOT / "corpus/versions"),
    "--exports-dir",
    str(ROOT / "annotation/exports"),
    "--snapshot",
    LINKED_SNAPSHOT,
]


def test_threshold_chosen_on_the_confirmed_seed_links(encoder, tmp_path, capsys):
    out = tmp_path / "proposals.json"
    assert main(["links", "propose", *INPUTS, "--out", str(out)]) == 0
    found = json.loads(out.read_text(encoding="utf-8"))
    # Recomputed here from the maintainers' file itself, not from the code's calibration.
    seed = yaml.safe_load((ROOT / "annotation/links/seed_links.yaml").read_text(encoding="utf-8"))
    same = {frozenset((p["left"], p["right"])) for p in seed["pairs"] if p["role"] == "same"}
    linked = {
        frozenset((p["left_text"], p["right_text"])) for p in found["proposals"] if p["score"] >= found["threshold"]
    }
    precision, recall = len(linked & same) / len(linked), len(linked & same) / len(same)
    assert f"precision {precision:.3f}" in found["threshold_note"] and f"recall {recall:.3f}" in found["threshold_note"]
    assert precision >= 0.6 and recall >= 0.6  # what the README states for the seeds (v2 spans)
    assert found["pairs_compared"] == 43 * 43 and found["groups"] == 1
    assert "stale" not in capsys.readouterr().out


def test_without_confirmed_links_the_default_threshold_applies(encoder, tmp_path, capsys):
    out = tmp_path / "proposals.json"
    args = ["links", "propose", *INPUTS, "--out", str(out), "--link-exports", str(tmp_path / "none")]
    assert main(args) == 0
    assert "no confirmed links yet" in json.loads(out.read_text())["threshold_note"]


def test_a_snapshot_without_claims_gives_no_links(encoder):
    docs = list(load_documents("v1", ROOT / "corpus/versions"))
    empty = [AnnotationRecord(d.id, "annotator-1", i, i) for i, d in enumerate(docs, 1)]
    stories = story_claims(docs, empty, load_taxonomy())
    assert stories == [] and score_pairs(stories, encoder).proposals == []
