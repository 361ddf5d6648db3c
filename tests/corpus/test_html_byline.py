"""Bylines printed in a page's own elements, and how they correct trafilatura's author field."""

from __future__ import annotations

from lxml import html as lxml_html

from newsclaims.corpus.html import extract_html
from newsclaims.corpus.html_byline import byline_names, name_key, names_in, spelled_as_printed
from newsclaims.corpus.html_meta import PageMeta, page_meta
from newsclaims.corpus.html_title import headline
from newsclaims.corpus.normalize import NORMALIZER_VERSION, recorded_normalizer_version

_BODY = "<p>" + "The council met on Tuesday and voted on the new budget for the coming year. " * 6 + "</p>"


def test_byline_text_gives_the_names_without_lead_words_or_dates():
    assert names_in("Von Jane Doe | 3. Mai 2024") == ["Jane Doe"]
    assert names_in("By : Joe S.") == ["Joe S."]
    assert names_in("Posted by T. V. Raman") == ["T. V. Raman"]
    assert names_in("von Rudolf Fischer, Simon Kohler") == ["Rudolf Fischer", "Simon Kohler"]
    assert names_in("By") == [] and names_in("Artikel von") == [] and names_in("Foto: Ingo Schneider") == []
    assert names_in("Name") == [] and names_in("This is a whole sentence about the weather today") == []


def test_byline_elements_outside_comments_and_forms():
    tree = lxml_html.fromstring(
        """<html><body class="single-format-standard"><article>
        <span class="meta-prep-author">By</span> <span class="author vcard">Mira Holt</span>
        <p>text</p></article>
        <ol class="comment-list"><li><div class="comment-author">Troll Person says:</div></li></ol>
        <p class="comment-form-author">Name *</p></body></html>"""
    )
    assert byline_names(tree) == [("Mira Holt",)]


def test_names_spelled_as_the_page_prints_them():
    assert name_key("Gàbor Muniér") == name_key("Gabor Munier")
    assert spelled_as_printed(["T V Raman", "Ann Lee"], ["T. V. Raman"]) == ["T. V. Raman", "Ann Lee"]
    # a handle "jane.doe" is no better spelling of "Jane Doe"
    assert spelled_as_printed(["Jane Doe"], ["jane.doe"]) == ["Jane Doe"]


def test_a_printed_byline_replaces_the_publisher_as_author():
    page = f"""<html><head><title>Budget passes | Valley Courier</title>
    <meta property="og:site_name" content="Valley Courier"><meta name="author" content="Valley Courier">
    </head><body><article><h1>Budget passes</h1>
    <div class="article-byline">Von Lena Marquardt | 3. Mai 2024</div>{_BODY}</article></body></html>"""
    article = extract_html(page)
    assert article is not None
    assert article.fields.authors == ("Lena Marquardt",) and article.fields.origin["authors"] == "byline"


def test_an_author_tag_that_is_a_url_does_not_hide_the_next_one():
    tree = lxml_html.fromstring(
        """<html><head><meta property="article:author" content="https://facebook.com/someone">
        <meta name="dc.creator" content="Piet de Vries"></head><body></body></html>"""
    )
    assert page_meta(tree).authors == (("Piet de Vries",), "meta")


def test_an_h1_kicker_in_its_own_element_is_not_part_of_the_headline():
    tree = lxml_html.fromstring(
        """<html><body><h1><span class="kicker">Nach dem Sturm</span>
        <span class="title">Die Stadt räumt auf und zählt die Schäden</span></h1></body></html>"""
    )
    meta = page_meta(tree)
    title = "Unwetter: Die Stadt räumt auf und zählt die Schäden | Stadtblatt"
    assert headline(title, meta, "Stadtblatt") == ("Die Stadt räumt auf und zählt die Schäden", "h1")
    # the whole <h1> is in the title: nothing to drop
    plain = PageMeta(headings=["Nach dem Sturm"], heading_parts={"Nach dem Sturm": ["Nach", "dem Sturm"]})
    assert headline("Nach dem Sturm - Stadtblatt", plain, "Stadtblatt") == ("Nach dem Sturm", "h1")


def test_only_builds_with_html_inputs_record_the_html_rules():
    assert recorded_normalizer_version(["a.txt", "b.meta.json"]) == NORMALIZER_VERSION
    assert recorded_normalizer_version(["a.txt", "page.HTML"]).startswith(NORMALIZER_VERSION + "+html")
