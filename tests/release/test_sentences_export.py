"""The crosswalk, the `sentences` config, sentence-chunked `ner`, and `newsclaims export`.

A small workspace on the committed taxonomy (v2) and schemas/crosswalk.yaml is released into a temp dir; the tests read the parquet files and the exported files
back with their own column rules and recompute every label from the claims config.
"""

from __future__ import annotations

import csv
import json
import shutil
from dataclasses import replace
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from datasets import Features

from newsclaims.cli import main
from newsclaims.corpus.document import Paragraph
from newsclaims.export.reading import ExportError, open_release
from newsclaims.release.ner import tokenize
from newsclaims.schemas.crosswalk import load_crosswalk, parse_crosswalk, problems
from newsclaims.schemas.taxonomy import load_taxonomy

from .builders import REPO_TAXONOMY, make_document, make_workspace, record, span

REPO = REPO_TAXONOMY.parents[1]
CROSSWALK = REPO / "schemas" / "crosswalk.yaml"

TEXT = (
    "Talks in Geneva\n"
    "Ambassador Albert P. Khorev said the U.S. sent 40 tanks in May. Prices will rise, he said. "
    "Russia had stolen children.The regime is cowardly.\n"
    "- Exchange of over 1,000 prisoners\n"
    "The weather was pleasant."
)


def _claim(doc, needle, rid, **attrs):
    s = span(doc, needle, "CLAIM", rid)
    from newsclaims.annotation.records import ClaimRecord

    return ClaimRecord(id=rid, start=s.start, end=s.end, text=needle, attributes=attrs)


def _doc(license="CC-BY-4.0"):
    doc = make_document("s", TEXT, date="2025-09-23", license=license)
    heading_end = TEXT.index("\n")
    body_end = TEXT.index("\n", heading_end + 1)
    list_end = TEXT.index("\n", body_end + 1)
    return replace(
        doc,
        paragraphs=[
            Paragraph(0, heading_end, "heading"),
            Paragraph(heading_end + 1, body_end, "paragraph"),
            Paragraph(body_end + 1, list_end, "list_item"),
            Paragraph(list_end + 1, len(TEXT), "paragraph"),
        ],
    )


def _records(doc):
    v = {"attribution": "reported_speech"}
    return [
        record(
            doc,
            "annotator-1",
            21,
            entities=[
                span(doc, "Albert P. Khorev", "PERSON", "e1"),
                span(doc, "U.S.", "GPE", "e2"),
                span(doc, "40", "QUANTITY", "e3"),
                span(doc, "Russia", "GPE", "e4"),
            ],
            claims=[
                _claim(
                    doc,
                    "the U.S. sent 40 tanks in May",
                    "c1",
                    verifiable="yes",
                    checkworthy="yes",
                    claim_type="quantity",
                    **v,
                ),
                _claim(doc, "Prices will rise", "c2", verifiable="no", checkworthy="no", claim_type="prediction", **v),
                _claim(
                    doc,
                    "Russia had stolen children.",
                    "c3",
                    verifiable="yes",
                    checkworthy="no",
                    claim_type="other",
                    attribution="author",
                ),
                _claim(
                    doc,
                    "The regime is cowardly.",
                    "c4",
                    verifiable="no",
                    checkworthy="no",
                    claim_type="other",
                    attribution="author",
                ),
            ],
            said_by=[("c1", "e1"), ("c2", "e1")],
        )
    ]


def _release(tmp_path: Path, license="CC-BY-4.0") -> Path:
    schemas = tmp_path / "schemas"
    schemas.mkdir()
    shutil.copy(REPO_TAXONOMY, schemas / "taxonomy.yaml")
    shutil.copy(CROSSWALK, schemas / "crosswalk.yaml")
    doc = _doc(license)
    ws = make_workspace(tmp_path / "ws", {"s": doc}, _records(doc))
    ws.taxonomy_file = schemas / "taxonomy.yaml"
    assert main(["release", "--version", "0.4.0", *ws.cli_inputs(), "--releases-dir", str(ws.releases_dir)]) == 0
    return ws.releases_dir / "0.4.0"


def _rows(release: Path, config: str) -> list[dict]:
    return open_release(release).rows(config)


@pytest.fixture
def release(tmp_path, hf_cache) -> Path:
    return _release(tmp_path)


# ---- the crosswalk against the taxonomy


def test_crosswalk_names_only_taxonomy_values_and_maps_every_one():
    assert problems(load_crosswalk(CROSSWALK), load_taxonomy(REPO_TAXONOMY)) == []


def test_problems_name_an_unknown_value_and_an_unmapped_one():
    raw = CROSSWALK.read_text(encoding="utf-8").replace("{claim_type: quantity}", "{claim_type: quantities}", 1)
    found = problems(parse_crosswalk(raw.encode()), load_taxonomy(REPO_TAXONOMY))
    assert any("'quantities' is not a value" in p for p in found)
    assert any("no rule for {'claim_type': 'quantity'}" in p for p in found)


def test_sentence_label_takes_the_first_label_and_never_guesses():
    cb = load_crosswalk(CROSSWALK).scheme("claimbuster")
    cfs = {"checkworthy": "yes", "verifiable": "yes"}
    ufs = {"checkworthy": "no", "verifiable": "yes"}
    unknown = {"checkworthy": "no", "verifiable": None}  # a migrated claim: UFS or NFS
    assert cb.sentence_label([]) == "NFS"
    assert cb.sentence_label([ufs, cfs]) == "CFS"
    assert cb.sentence_label([unknown, cfs]) == "CFS"
    assert cb.sentence_label([unknown, ufs]) == "UFS"  # the unknown one is at most UFS
    assert cb.sentence_label([unknown]) is None


# ---- the sentences config


def test_sentences_cut_blocks_and_glued_sentences(release):
    rows = _rows(release, "sentences")
    texts = [r["text"] for r in rows]
    assert texts[0] == "Talks in Geneva" and rows[0]["role"] == "heading"
    assert "Ambassador Albert P. Khorev said the U.S. sent 40 tanks in May." in texts  # no cut at P. or U.S.
    assert "Russia had stolen children." in texts and "The regime is cowardly." in texts  # "children.The"
    bullet = next(r for r in rows if r["text"].startswith("- Exchange"))
    assert bullet["role"] == "list_item" and bullet["paragraph"] == 2
    assert [r["index"] for r in rows] == list(range(len(rows)))
    for r in rows:
        assert TEXT[r["start"] : r["end"]] == r["text"]


def test_every_sentence_label_is_consistent_with_its_spans(release):
    """Recompute each sentence's labels from the claims config (not from the sentences code)."""
    claims = {f"{r['id']}:{c['start']}-{c['end']}": c for r in _rows(release, "claims") for c in r["claims"]}
    for s in _rows(release, "sentences"):
        inside = [k for k, c in claims.items() if c["start"] < s["end"] and s["start"] < c["end"]]
        assert sorted(s["claims"]) == sorted(inside)
        cs = [claims[k] for k in inside]
        assert s["checkthat"] == ("Yes" if any(c["checkworthy"] == "yes" for c in cs) else "No")
        if any(c["checkworthy"] == "yes" for c in cs):
            assert s["claimbuster"] == "CFS"
        elif any(c["verifiable"] == "yes" for c in cs):
            assert s["claimbuster"] == "UFS"
        else:
            assert s["claimbuster"] == "NFS"
        if not cs:
            assert s["fullfact"] == "not_a_claim" and s["afacta"] == "C0"
        speakers = {(c["speaker"]["start"], c["speaker"]["end"]) for c in cs if c["speaker"]}
        assert {(p["start"], p["end"]) for p in s["speakers"]} == speakers
    labelled = {s["text"]: s for s in _rows(release, "sentences")}
    first = labelled["Ambassador Albert P. Khorev said the U.S. sent 40 tanks in May."]
    assert (first["checkthat"], first["claimbuster"], first["fullfact"], first["afacta"]) == (
        "Yes",
        "CFS",
        "quantity",
        "C2",
    )
    assert [p["text"] for p in first["speakers"]] == ["Albert P. Khorev"]
    assert labelled["Prices will rise, he said."]["claimbuster"] == "NFS"
    assert labelled["Russia had stolen children."]["claimbuster"] == "UFS"


# ---- ner by sentence


def test_ner_chunks_concatenate_to_the_document_and_keep_abbreviations(release):
    ner = [r for r in _rows(release, "ner")]
    sentences = _rows(release, "sentences")
    assert [r["id"] for r in ner] == [s["id"] for s in sentences]
    tokens = [t for r in ner for t in r["tokens"]]
    starts = [x for r in ner for x in r["token_starts"]]
    assert "".join(tokens) == "".join(TEXT.split())  # every non-space character, once, in order
    assert all(TEXT[a : a + len(t)] == t for a, t in zip(starts, tokens)) and starts == sorted(set(starts))
    assert "U.S." in tokens and "P." in tokens
    # The whole-document tokenization differs only where a sentence was glued to the next.
    expected = []
    for t in tokenize(TEXT).texts:
        expected += ["children", ".", "The"] if t == "children.The" else [t]
    assert tokens == expected
    for r in ner:  # BIO: an I- tag continues a B- or I- of the same label, within the chunk
        prev = "O"
        for tag in r["ner_tags"]:
            if tag.startswith("I-"):
                assert prev[2:] == tag[2:] and prev != "O", (r["id"], r["ner_tags"])
            prev = tag
    khorev = next(r for r in ner if "Khorev" in r["tokens"])
    i = khorev["tokens"].index("Albert")
    assert khorev["ner_tags"][i : i + 3] == ["B-PERSON", "I-PERSON", "I-PERSON"]
    assert khorev["ner_tags"][khorev["tokens"].index("U.S.")] == "B-GPE"


# ---- exports


def test_exports_parse_back_with_the_release_counts(release, tmp_path):
    sentences = _rows(release, "sentences")
    tsv, csv_path, jsonld = tmp_path / "ct.tsv", tmp_path / "cb.csv", tmp_path / "cr.jsonld"
    for fmt, out in (("checkthat", tsv), ("claimbuster", csv_path), ("claimreview", jsonld)):
        assert main(["export", fmt, "--release", str(release), "--out", str(out)]) == 0
    with tsv.open(newline="", encoding="utf-8") as f:
        ct = list(csv.DictReader(f, delimiter="\t"))
    assert list(ct[0]) == ["Sentence_id", "Text", "class_label"]
    assert len(ct) == len(sentences)
    assert {r["class_label"] for r in ct} == {"Yes", "No"}
    assert [r["Text"] for r in ct] == [s["text"] for s in sentences]
    with csv_path.open(newline="", encoding="utf-8") as f:
        cb = list(csv.DictReader(f))
    assert list(cb[0]) == ["Sentence_id", "Text", "Speaker", "Verdict"]
    assert len(cb) == len(sentences) and {r["Verdict"] for r in cb} <= {"-1", "0", "1"}
    verdict = {r["Text"]: r for r in cb}["Ambassador Albert P. Khorev said the U.S. sent 40 tanks in May."]
    assert (verdict["Verdict"], verdict["Speaker"]) == ("1", "Albert P. Khorev")
    reviews = json.loads(jsonld.read_text(encoding="utf-8"))
    assert len(reviews) == sum(len(r["claims"]) for r in _rows(release, "claims")) == 4
    for r in reviews:
        assert r["@context"] == "https://schema.org" and r["@type"] == "ClaimReview"
        assert r["itemReviewed"]["@type"] == "Claim" and "reviewRating" not in r
        assert r["itemReviewed"]["appearance"]["url"] == "https://example.org/s"
        assert r["itemReviewed"]["datePublished"] == "2025-09-23"
    by_text = {r["claimReviewed"]: r["itemReviewed"]["author"] for r in reviews}
    assert by_text["the U.S. sent 40 tanks in May"] == {"@type": "Person", "name": "Albert P. Khorev"}
    assert by_text["The regime is cowardly."] == {"@type": "Organization", "name": "Test Wire"}


def test_withheld_text_is_refused_by_name_not_written_empty(tmp_path, hf_cache, capsys):
    release = _release(tmp_path, license="LicenseRef-publisher-terms-unknown")
    assert all(r["text"] is None for r in _rows(release, "sentences"))
    for fmt in ("checkthat", "claimbuster", "claimreview"):
        out = tmp_path / f"{fmt}.out"
        assert main(["export", fmt, "--release", str(release), "--out", str(out)]) == 1
        assert not out.exists()
        assert "withholds the text" in capsys.readouterr().err


def test_a_release_without_sentences_says_so(tmp_path):
    with pytest.raises(ExportError, match="no `sentences` config"):
        from newsclaims.export.formats import checkthat

        checkthat(open_release(REPO / "releases" / "0.3.0"), load_crosswalk(CROSSWALK), tmp_path / "x.tsv")


def test_sentences_features_are_classlabels_from_the_crosswalk(release):
    table = pq.read_table(next((release / "sentences").glob("*.parquet")))
    features = Features.from_arrow_schema(table.schema)
    assert features["claimbuster"].names == ["CFS", "UFS", "NFS"]
    assert features["role"].names == ["heading", "list_item", "body"]


def test_the_card_renders_the_crosswalk_table(release):
    card = (release / "README.md").read_text(encoding="utf-8")
    assert "## Sentences and the crosswalk to other claim schemes" in card
    cw = load_crosswalk(CROSSWALK)
    for scheme in cw.schemes:
        rows = [line for line in card.splitlines() if line.startswith(f"| {scheme.title} |")]
        assert len(rows) == len(scheme.rules) + 1  # every rule and the no-claim row
    assert "| schema.org ClaimReview | not mapped | `reviewRating` | lossy | we do not rate claims |" in card
    n = len(_rows(release, "sentences"))
    assert f"The `sentences` config has {n} sentences" in card


def test_export_with_raw_restores_withheld_texts(tmp_path, hf_cache):
    release = _release(tmp_path, license="LicenseRef-publisher-terms-unknown")
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "s.txt").write_text(TEXT, encoding="utf-8")
    out = tmp_path / "ct.tsv"
    assert main(["export", "checkthat", "--release", str(release), "--raw", str(raw), "--out", str(out)]) == 0
    with out.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    assert [r["Sentence_id"] for r in rows] == [s["id"] for s in _rows(release, "sentences")]
    assert all(TEXT[s["start"] : s["end"]] == r["Text"] for s, r in zip(_rows(release, "sentences"), rows))
