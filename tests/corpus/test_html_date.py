"""The date a page prints beside its headline, and when it wins over the metadata's."""

from __future__ import annotations

from lxml import html as lxml_html

from newsclaims.corpus.html import extract_html
from newsclaims.corpus.html_date import ShownDate, headline_element, printed_date, shown_dates

_BODY = "<p>" + " ".join(["The council met on Tuesday and spoke about the budget for the coming year."] * 6) + "</p>"


def _shown(page: str, language: str | None = None) -> list[str]:
    tree = lxml_html.fromstring(page)
    return [s.date for s in shown_dates(tree, headline_element(tree, []), language)]


def test_dates_beside_the_headline_are_read_in_the_page_s_language():
    assert _shown("<html><body><h1>Budget</h1><p class='meta'>6.11.22 | 14:05</p></body></html>") == ["2022-11-06"]
    assert _shown("<html><body><h1>Budget</h1><span>Updated March 14, 2021</span></body></html>", "en") == [
        "2021-03-14"
    ]
    assert _shown("<html><body><h1>Presupuesto</h1><p>3 de mayo de 2022</p></body></html>", "es") == ["2022-05-03"]
    slashed = "<html><body><h1>Budget</h1><p>12/10/2020</p></body></html>"
    assert _shown(slashed, "de") == ["2020-10-12"] and _shown(slashed, "en") == ["2020-12-10"]
    assert _shown(slashed, "en-US") == ["2020-12-10"] and _shown(slashed, "en_GB") == ["2020-10-12"]


def test_only_dates_near_the_headline_count_and_impossible_ones_none():
    far = "<html><body><h1>Budget</h1>" + _BODY * 4 + "<footer>01.02.2019</footer></body></html>"
    assert _shown(far) == []
    above = "<html><body><div class='date'>2022-05-06</div><h1>Budget</h1><p>31.02.2022</p></body></html>"
    assert _shown(above) == ["2022-05-06"]  # just above it counts; 31 February is no date


def test_the_headline_is_the_h1_the_titles_name():
    tree = lxml_html.fromstring("<html><body><h1>Site Name</h1><h1>Talks stall in Geneva</h1></body></html>")
    assert headline_element(tree, ["Talks stall in Geneva | Site Name"]).text == "Talks stall in Geneva"
    assert headline_element(tree, []).text == "Site Name"


def test_a_printed_date_wins_only_where_the_metadata_bears_it_out():
    # metadata in UTC, a day before the page's own date
    assert printed_date("2022-11-06T23:00:00Z", None, [ShownDate(40, "2022-11-07")]) == "2022-11-07"
    # the page shows it as updated: the date it prints is the modified one
    assert printed_date("2021-03-08", "2021-03-14", [ShownDate(150, "2021-03-14")]) == "2021-03-14"
    # an event's date beside the headline, months away from any metadata date
    assert printed_date("2022-05-04", "2022-05-04", [ShownDate(60, "2021-09-30")]) == "2022-05-04"
    # it prints the update first and the publication after it: the publication stays
    shown = [ShownDate(99, "2022-12-07"), ShownDate(124, "2022-12-25")]
    assert printed_date("2022-12-25", "2022-12-07", shown) == "2022-12-25"
    assert printed_date(None, None, [ShownDate(0, "2022-12-07")]) is None  # no metadata: nothing bears it out


def test_extraction_records_a_printed_date_as_such():
    # htmldate reads the UTC metadata (2022-11-06); the page prints its own day under the headline
    page = f"""<html lang="de"><head><title>Der Haushalt steht</title>
    <meta property="article:published_time" content="2022-11-06T23:00:00.000Z"></head>
    <body><article><h1>Der Haushalt steht</h1><p>Montag, 7. November 2022</p>{_BODY}</article></body></html>"""
    article = extract_html(page)
    assert article is not None
    assert (article.fields.date, article.fields.origin["date"]) == ("2022-11-07", "printed")
