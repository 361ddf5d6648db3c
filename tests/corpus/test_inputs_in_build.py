"""Issue 16 through a whole build: authors, partial dates, field sources, a sidecar's encoding,
close calls in the summary, HTML metadata from the page's own tags."""

from __future__ import annotations

import json

from newsclaims.corpus.build import BuildSettings, build_corpus
from newsclaims.corpus.summary import format_summary
from newsclaims.corpus.versions import latest_version, load_documents

BODY = (
    "The regional council met on Tuesday to discuss the budget for the coming year. Members approved "
    "three new projects and rejected a proposal to raise local taxes, officials said."
)
OTHER = (
    "Britain's economy grew faster than expected in the last quarter, official figures showed, as "
    "services and construction recovered from a weak winter."
)

PAGE = """<!doctype html><html lang="en"><head><title>Budget approved - Valley Courier</title>
<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle",
"headline": "Budget approved", "datePublished": "2025-03-14T09:00:00Z",
"author": [{"@type": "Person", "name": "Jane Smith"}, {"@type": "Person", "name": "John Doe"}],
"publisher": {"@type": "Organization", "name": "Valley Courier"}}</script></head>
<body><article><h1>Budget approved</h1><p>%s</p><h2>Next steps</h2>Schools will get the first
share of the money in April, the treasurer said.</article></body></html>""" % BODY.replace("Tuesday", "Friday")


def _build(raw, tmp_path):
    out = tmp_path / "versions"
    summary = build_corpus(raw, out, settings=BuildSettings(max_bytes=50_000))
    docs = {d.raw_path: d for d in load_documents(latest_version(out), out)}
    return summary, out, docs


def test_bylines_datelines_and_page_metadata_reach_the_documents(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "byline.txt").write_text(f"By Jane Smith and John Doe\nMarch 14, 2025\n\nGENEVA — {BODY}", encoding="utf-8")
    (raw / "reuters.txt").write_text(
        f"LONDON, March 14 (Reuters) - {OTHER}\n\n(Reporting by Ann Ray; Editing by Tom Lee)", encoding="utf-8"
    )
    (raw / "page.html").write_text(PAGE, encoding="utf-8")
    _, _, docs = _build(raw, tmp_path)

    d = docs["byline.txt"]
    assert d.text == BODY and d.authors == ["Jane Smith", "John Doe"] and d.authors_source == "header"
    assert (d.date, d.date_precision, d.date_source, d.dateline) == ("2025-03-14", "day", "header", "GENEVA")
    assert d.removed["header"] == "By Jane Smith and John Doe\nMarch 14, 2025\n\nGENEVA —"

    r = docs["reuters.txt"]
    assert r.text == OTHER and (r.source, r.dateline) == ("Reuters", "LONDON")
    assert (r.date, r.date_partial, r.date_precision) == (None, "--03-14", "month-day")  # no guessed year
    assert r.removed["signature"] == {"text": "(Reporting by Ann Ray; Editing by Tom Lee)", "start": len(OTHER) + 2}
    assert r.authors == ["Ann Ray"]

    p = docs["page.html"]
    assert (p.title, p.title_source) == ("Budget approved", "h1")
    assert p.authors == ["Jane Smith", "John Doe"] and p.authors_source == "html"  # trafilatura reads JSON-LD too
    assert p.date == "2025-03-14" and p.source == "Valley Courier"
    assert "Schools will get the first share of the money in April" in p.text  # text after a heading


def test_a_sidecar_encoding_wins_and_close_calls_are_listed(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    text = "Zażółć gęślą jaźń: rada miasta przyjęła budżet na przyszły rok."
    (raw / "pl.txt").write_bytes(text.encode("iso8859-2"))
    (raw / "pl.txt.meta.json").write_text(json.dumps({"encoding": "iso-8859-2"}), encoding="utf-8")
    (raw / "short.txt").write_bytes("Ala ma kota. Kot ma Alę: to ź.".encode("cp1250"))
    summary, out, docs = _build(raw, tmp_path)
    assert docs["pl.txt"].text == text and docs["pl.txt"].encoding == "iso8859-2"
    assert docs["pl.txt"].encoding_confidence == 1.0
    short = docs["short.txt"]
    report = format_summary(summary, out)
    close = "encoding_runner_up" in short.removed
    assert close == (short.encoding_confidence is not None and short.encoding_confidence < 0.3)
    assert ("short.txt:" in report) == close and "close calls" in report
