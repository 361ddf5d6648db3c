"""Build a release from a snapshot and load it back with the real `datasets`, offline."""

from __future__ import annotations

import json

import datasets
import pytest

from newsclaims.cli import main
from newsclaims.schemas.taxonomy import load_taxonomy

CONFIGS = ("documents", "entities", "claims", "ner")


@pytest.fixture
def built(workspace, capsys):
    code = main(
        ["release", "--version", "0.1.0", *workspace.cli_inputs(), "--releases-dir", str(workspace.releases_dir)]
    )
    assert code == 0, capsys.readouterr()
    return workspace.releases_dir / "0.1.0"


def _load(folder, config, cache):
    return datasets.load_dataset(str(folder), config, cache_dir=str(cache))


def test_every_span_matches_its_text_after_loading(built, workspace, hf_cache):
    tax = load_taxonomy(workspace.taxonomy_file)
    entities = _load(built, "entities", hf_cache)
    claims = _load(built, "claims", hf_cache)
    label = entities["train"].features["entities"].feature["label"]
    n_spans = n_claims = n_speakers = 0
    for split in entities:
        for row in entities[split]:
            for s in row["entities"]:
                assert row["text"][s["start"] : s["end"]] == s["text"]
                assert label.int2str(s["label"]) in tax.entity_names
                n_spans += 1
    for split in claims:
        for row in claims[split]:
            for c in row["claims"]:
                assert row["text"][c["start"] : c["end"]] == c["text"]
                n_claims += 1
                if c["speaker"] is not None:
                    sp = c["speaker"]
                    assert row["text"][sp["start"] : sp["end"]] == sp["text"]
                    n_speakers += 1
    manifest = json.loads((built / "manifest.json").read_text())
    assert n_spans == sum(manifest["statistics"]["entity_labels"].values()) > 0
    assert n_claims == manifest["statistics"]["claims"] > 0
    assert n_speakers == manifest["statistics"]["claims_with_speaker"] > 0


def test_labels_and_attributes_survive_as_classlabels(built, workspace, hf_cache):
    tax = load_taxonomy(workspace.taxonomy_file)
    claims = _load(built, "claims", hf_cache)
    feature = claims["train"].features["claims"].feature
    for attr in tax.claim.choice_attributes:
        assert feature[attr.name].names == list(attr.value_names)
    # A claim both annotators marked with the same attributes keeps them, decoded by name.
    doc_a = workspace.docs["a"]
    rows = {r["id"]: r for split in claims for r in claims[split]}
    first = next(c for c in rows[doc_a.id]["claims"] if c["text"].startswith("Russia exchanged"))
    assert feature["claim_type"].int2str(first["claim_type"]) == "quantity"
    assert feature["speaker"]["label"].int2str(first["speaker"]["label"]) == "PERSON"
    assert first["speaker"]["text"] == "Albert Khorev"


def test_ner_tags_decode_to_the_gold_entities(built, workspace, hf_cache):
    ner = _load(built, "ner", hf_cache)
    entities = _load(built, "entities", hf_cache)
    tag = ner["train"].features["ner_tags"].feature
    label = entities["train"].features["entities"].feature["label"]
    spans = {r["id"]: r for split in entities for r in entities[split]}
    begins_of: dict[str, list] = {}
    for split in ner:
        for row in ner[split]:  # one row per sentence; offsets into its document's text
            text = spans[row["doc_id"]]["text"]
            tags = [tag.int2str(t) for t in row["ner_tags"]]
            assert len(tags) == len(row["tokens"]) == len(row["token_starts"])
            for tok, start in zip(row["tokens"], row["token_starts"]):
                assert text[start : start + len(tok)] == tok
            begins_of.setdefault(row["doc_id"], []).extend(
                (start, t[2:]) for start, t in zip(row["token_starts"], tags) if t.startswith("B-")
            )
    for doc_id, begins in begins_of.items():
        gold = sorted((s["start"], label.int2str(s["label"])) for s in spans[doc_id]["entities"])
        assert sorted(begins) == gold


def test_documents_config_has_every_corpus_document(built, workspace, hf_cache):
    docs = _load(built, "documents", hf_cache)
    ids = sorted(r["id"] for split in docs for r in docs[split])
    assert ids == sorted(d.id for d in workspace.docs.values())
    row = next(r for split in docs for r in docs[split] if r["id"] == workspace.docs["a"].id)
    assert row["text"] == workspace.docs["a"].text
    assert row["dateline"] == "ISLAMABAD"


def test_default_config_loads_and_yaml_has_exact_splits(built, hf_cache):
    ds = datasets.load_dataset(str(built), cache_dir=str(hf_cache))
    assert "claims" in ds["train"].features
    card = datasets.load_dataset_builder(str(built), "entities", cache_dir=str(hf_cache)).info
    manifest = json.loads((built / "manifest.json").read_text())
    for split, n in manifest["statistics"]["splits"]["entities"].items():
        assert card.splits[split].num_examples == n
        assert card.splits[split].num_bytes > 0


def test_new_release_with_new_content_is_not_served_from_a_stale_cache(workspace, hf_cache, tmp_path):
    """Same folder path, same cache, different rows: the content digest must change the cache key."""
    from .builders import claim, make_workspace, record

    folder = tmp_path / "published"
    main(["release", "--version", "0.1.0", *workspace.cli_inputs(), "--releases-dir", str(tmp_path / "r1")])
    (tmp_path / "r1" / "0.1.0").rename(folder)
    first = _load(folder, "claims", hf_cache)
    n_first = sum(len(r["claims"]) for s in first for r in first[s])

    docs = workspace.docs
    extra = record(
        docs["d"], "annotator-1", 99, claims=[claim(docs["d"], "said Governor Andrew Bailey", "x1", "other")]
    )
    ws2 = make_workspace(tmp_path / "ws2", docs, [*workspace.records, extra])
    main(["release", "--version", "0.1.0", *ws2.cli_inputs(), "--releases-dir", str(tmp_path / "r2")])
    import shutil

    shutil.rmtree(folder)
    (tmp_path / "r2" / "0.1.0").rename(folder)
    second = _load(folder, "claims", hf_cache)
    assert sum(len(r["claims"]) for s in second for r in second[s]) == n_first + 1
