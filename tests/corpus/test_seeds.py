"""Metadata extraction and structure on the two seed articles, through a real build."""

import pytest

from newsclaims.corpus.build import build_corpus
from newsclaims.corpus.read import document_id
from newsclaims.corpus.versions import load_documents

from .samples import SEED_000, SEED_002


@pytest.fixture
def seed_docs(raw_dir, out_dir):
    summary = build_corpus(raw_dir, out_dir)
    assert summary.written and summary.accepted == 2
    return {d.raw_path: d for d in load_documents(summary.version, out_dir)}


def test_seed_000_header_becomes_metadata(seed_docs, raw_dir):
    doc = seed_docs[SEED_000]
    header = "date 2025-09-23 ISLAMABAD, (UrduPoint / Pakistan Point News - 23rd Sep, 2025)"
    assert header in (raw_dir / SEED_000).read_text(encoding="utf-8")
    assert (doc.date, doc.dateline, doc.source) == ("2025-09-23", "ISLAMABAD", "UrduPoint / Pakistan Point News")
    assert doc.removed == {"header": header}
    assert header not in doc.text and "UrduPoint" not in doc.text
    assert doc.text.startswith("Ambassador of Russia to Pakistan, Albert P. Khorev on Tuesday said")
    assert doc.language == "en" and doc.format == "txt"
    assert doc.id == document_id(SEED_000)


def test_seed_000_paragraphs_are_the_blank_line_blocks(seed_docs, raw_dir):
    doc = seed_docs[SEED_000]
    raw_blocks = [b.strip() for b in (raw_dir / SEED_000).read_text(encoding="utf-8").split("\n\n") if b.strip()]
    assert len(doc.paragraphs) == len(raw_blocks)
    assert {p.kind for p in doc.paragraphs} == {"paragraph"}
    assert [doc.text[p.start : p.end] for p in doc.paragraphs][1:] == raw_blocks[1:]


def test_seed_002_lead_dateline_becomes_metadata(seed_docs):
    doc = seed_docs[SEED_002]
    assert doc.dateline == "ISLAMABAD"
    assert doc.removed == {"header": "ISLAMABAD —"}
    assert doc.text.startswith("Russia has reaffirmed its commitment")
    assert doc.date is None and doc.source is None


def test_seed_002_headings_and_list_items_are_recognized(seed_docs):
    doc = seed_docs[SEED_002]
    by_kind = {}
    for p in doc.paragraphs:
        by_kind.setdefault(p.kind, []).append(doc.text[p.start : p.end])
    assert by_kind["heading"] == [
        "Russia Ukraine Peace Talks Resume but Stall",
        "Western Support and Strategic Concerns",
        "Progress Claimed in Russia Ukraine Peace Talks",
        "Criticism of Ukrainian Legislation and Governance",
        "UN Diplomacy and Global Response",
        "Russia’s Position on NATO and Europe",
        "Pakistan’s Neutral Role in Russia Ukraine Peace Talks",
    ]
    assert by_kind["list_item"] == [
        "- Exchange of over 1,000 prisoners of war",
        "- Transfer of remains of more than 6,000 Ukrainian soldiers",
        "- Verification of lists related to children evacuated from conflict zones",
        "- Agreement to form a joint working group on ceasefire mechanisms",
    ]
    # Every line of the text is exactly one paragraph entry, in order.
    assert [doc.text[p.start : p.end] for p in doc.paragraphs] == doc.text.split("\n")


def test_seed_titles_are_derived_and_marked_as_such(seed_docs):
    d0, d2 = seed_docs[SEED_000], seed_docs[SEED_002]
    assert d2.title == (
        "Russia has reaffirmed its commitment to Russia Ukraine peace talks, while accusing "
        "Kiev of violating ceasefires and obstructing meaningful negotiations."
    )
    assert d2.title_source == d0.title_source == "first_sentence"
    assert d0.title.startswith("Ambassador of Russia to Pakistan, Albert P. Khorev") and d0.title.endswith("…")
    assert len(d0.title) <= 160


def test_seed_typography_survives(seed_docs):
    doc = seed_docs[SEED_002]
    assert "Moscow’s position" in doc.text and "“Calls for a full ceasefire" in doc.text
    assert "Zelensky—whose term" in doc.text
