"""Header shapes of agencies and papers (issue 16), each with what a reader takes from it."""

from __future__ import annotations

import pytest

from newsclaims.corpus.byline import byline, split_signature
from newsclaims.corpus.header import split_header

CASES = [
    # text, language, removed, date, dateline, source, authors, rest starts with
    (
        "PARIS, 14 mars 2025 (AFP) - Le gouvernement a tranché.",
        "fr",
        "PARIS, 14 mars 2025 (AFP) -",
        "2025-03-14",
        "PARIS",
        "AFP",
        (),
        "Le gouvernement",
    ),
    (
        "GENEVA, 14 March 2025 (Wire Desk) — Talks stalled.",
        "en",
        "GENEVA, 14 March 2025 (Wire Desk) —",
        "2025-03-14",
        "GENEVA",
        "Wire Desk",
        (),
        "Talks",
    ),
    (
        "LONDON, March 14 (Reuters) - Britain grew.",
        "en",
        "LONDON, March 14 (Reuters) -",
        "--03-14",
        "LONDON",
        "Reuters",
        (),
        "Britain",
    ),
    ("KYIV, Ukraine (AP) — Russia launched drones.", "en", "KYIV, Ukraine (AP) —", None, "KYIV", "AP", (), "Russia"),
    (
        "BERLIN, 14. März 2025 (dpa) - Die Regierung hat entschieden.",
        "de",
        "BERLIN, 14. März 2025 (dpa) -",
        "2025-03-14",
        "BERLIN",
        "dpa",
        (),
        "Die",
    ),
    ("Berlin (dpa) - Die Regierung hat entschieden.", "de", "Berlin (dpa) -", None, "Berlin", "dpa", (), "Die"),
    (
        "MADRID, 14 de marzo de 2025 (EFE) - El Gobierno aprobó.",
        "es",
        "MADRID, 14 de marzo de 2025 (EFE) -",
        "2025-03-14",
        "MADRID",
        "EFE",
        (),
        "El",
    ),
    (
        "МОСКВА, 14 марта. /ТАСС/. Правительство одобрило.",
        "ru",
        "МОСКВА, 14 марта. /ТАСС/.",
        "--03-14",
        "МОСКВА",
        "ТАСС",
        (),
        "Правительство",
    ),
    (
        "By Jane Smith\nMarch 14, 2025\n\nGENEVA — Talks stalled.",
        "en",
        "By Jane Smith\nMarch 14, 2025\n\nGENEVA —",
        "2025-03-14",
        "GENEVA",
        None,
        ("Jane Smith",),
        "Talks",
    ),
    (
        "By Jane Smith and John Doe\n\nThe council voted.",
        "en",
        "By Jane Smith and John Doe",
        None,
        None,
        None,
        ("Jane Smith", "John Doe"),
        "The council",
    ),
    (
        "Jane Smith, Staff Writer\n\nThe council voted.",
        "en",
        "Jane Smith, Staff Writer",
        None,
        None,
        None,
        ("Jane Smith",),
        "The council",
    ),
    (
        "Par Jean Dupont\nPublié le 14 mars 2025\n\nLe conseil a voté.",
        "fr",
        "Par Jean Dupont\nPublié le 14 mars 2025",
        "2025-03-14",
        None,
        None,
        ("Jean Dupont",),
        "Le conseil",
    ),
    (
        "date 2025-09-23 ISLAMABAD, (UrduPoint / Pakistan Point News - 23rd Sep, 2025) Ambassador said.",
        "en",
        "date 2025-09-23 ISLAMABAD, (UrduPoint / Pakistan Point News - 23rd Sep, 2025)",
        "2025-09-23",
        "ISLAMABAD",
        "UrduPoint / Pakistan Point News",
        (),
        "Ambassador",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0][:30] for c in CASES])
def test_header_shapes(case):
    text, language, removed, date, dateline, source, authors, rest_start = case
    header, rest = split_header(text, language)
    assert header is not None
    assert (header.text, header.date, header.dateline, header.source, header.authors) == (
        removed,
        date,
        dateline,
        source,
        authors,
    )
    assert rest.startswith(rest_start) and text.endswith(rest[len(rest_start) :])


def test_a_title_above_the_byline_stays_in_the_text():
    text = "Talks stall in Geneva\nBy Jane Smith\n\nGENEVA — Talks stalled on Friday."
    header, rest = split_header(text, "en")
    assert header is not None and header.authors == ("Jane Smith",) and header.start == len("Talks stall in Geneva\n")
    assert rest == "Talks stall in Geneva\n\nTalks stalled on Friday."
    assert text[header.start : header.start + len(header.text)] == header.text


@pytest.mark.parametrize(
    "text",
    [
        "NATO — it said so.",
        "WASHINGTON, 1,200 workers - Strike.",
        "The council voted on Tuesday.\nIt was close.",
        "Paris, France — Le président",
    ],
)
def test_sentences_are_not_headers(text):
    assert split_header(text, "en") == (None, text)


def test_bylines_need_names():
    assert byline("By the way, this is not a byline") is None
    assert byline("De nombreux manifestants") is None
    assert byline("Von Hans Müller und Eva Schmidt") == ["Hans Müller", "Eva Schmidt"]
    assert byline("By Jane Smith, Associated Press") == ["Jane Smith"]


def test_agency_signature_at_the_end():
    text = "Talks stalled.\n\n(Reporting by Jane Smith in Geneva; Editing by Ann Ray)"
    found = split_signature(text)
    assert found is not None
    signature, start, reporters = found
    assert text[start:] == signature == "(Reporting by Jane Smith in Geneva; Editing by Ann Ray)"
    assert reporters == ["Jane Smith"]
    assert split_signature("He said (reporting by phone) it was fine.") is None
