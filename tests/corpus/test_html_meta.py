"""The page's own metadata tags, read where trafilatura has no answer, each with its source."""

from __future__ import annotations

from lxml import html as lxml_html
from trafilatura.settings import Document as TrafilaturaDocument

from newsclaims.corpus.byline import author_list, clean_author
from newsclaims.corpus.html import _metadata
from newsclaims.corpus.html_meta import PageMeta, page_meta
from newsclaims.corpus.html_title import headline


def _meta(page: str) -> PageMeta:
    return page_meta(lxml_html.fromstring(page))


def test_json_ld_first_then_open_graph_then_meta():
    page = """<html lang="fr-FR"><head>
    <script type="application/ld+json">{"@graph": [{"@type": "WebSite", "name": "Not this"},
      {"@type": ["NewsArticle"], "headline": "Le budget adopté", "datePublished": "2025-03-14",
       "author": {"@type": "Person", "name": "Jean Dupont"}}]}</script>
    <meta property="og:title" content="Le budget adopté | Le Courrier">
    <meta property="og:site_name" content="Le Courrier">
    <meta name="author" content="Someone Else"></head><body><h1>Le budget adopté</h1></body></html>"""
    m = _meta(page)
    assert m.title == ("Le budget adopté", "json_ld") and m.authors == (("Jean Dupont",), "json_ld")
    assert m.date == ("2025-03-14", "json_ld") and m.site == ("Le Courrier", "open_graph")
    assert m.language == ("fr-FR", "meta") and m.headings == ["Le budget adopté"]


def test_meta_author_and_tagged_bylines():
    m = _meta('<html><head><meta name="author" content="By Jane Smith and John Doe"></head><body></body></html>')
    assert m.authors == (("Jane Smith", "John Doe"), "meta")
    m = _meta('<html><body><span itemprop="author"><span itemprop="name">Ana López</span></span></body></html>')
    assert m.authors == (("Ana López",), "meta")


def test_headline_drops_the_site_affix_and_a_logo_h1():
    page = PageMeta(headings=["Talks stall in Geneva"])
    assert headline("Talks stall in Geneva | The Daily Wire", page, "The Daily Wire") == ("Talks stall in Geneva", "h1")
    logo = PageMeta(headings=["The Daily Wire"])
    assert headline("Talks stall in Geneva | The Daily Wire", logo, "The Daily Wire") == (
        "Talks stall in Geneva",
        "html",
    )
    assert headline("Talks stall in Geneva", PageMeta(), None) == ("Talks stall in Geneva", "html")


def test_author_names_are_cleaned():
    assert clean_author("View all posts by Daniel Lemire") == "Daniel Lemire"
    assert clean_author("Redacci&oacute;n Central") == "Redacción Central"
    assert clean_author("Admin") is None and clean_author("https://x.example/jane") is None
    assert author_list(["Frankfurter Allgemeine Zeitung GmbH", "Benjamin Fischer"]) == ["Benjamin Fischer"]
    assert author_list(["El Espectador", "Felipe Morales"], "El Espectador") == ["Felipe Morales"]
    assert author_list(["Grant Tinsley", "PhD"]) == ["Grant Tinsley"]
    assert author_list(["Valley Courier"], "Valley Courier") == ["Valley Courier"]  # nobody else named


def test_line_breaks_and_text_after_headings_are_kept():
    from newsclaims.corpus.html import extract_html

    page = (
        "<html><head><title>Tour dates</title></head><body><article><h1>Tour dates</h1>"
        "<p>The band announced its autumn tour on Monday, with dates across the country and two more "
        "to follow in the new year.</p><p>Sept. 17 -- Shoreline Amphitheatre, Mountain View, CA<br>"
        "Sept. 18 -- The Forum, Los Angeles, CA<br>Oct. 3 -- Ak-Chin Pavilion, Phoenix, AZ</p>"
        "</article></body></html>"
    )
    article = extract_html(page)
    assert article is not None
    assert "Mountain View, CA Sept. 18" in article.text and "CASept" not in article.text


def test_a_blog_name_h1_linking_home_is_not_the_headline():
    tree = lxml_html.fromstring(
        """<html><head><title>Four Years Remaining » Blog Archive » Interning of Small Integers</title></head>
        <body><h1><a href="http://fouryears.example/">Four Years Remaining</a></h1>
        <h2>Interning of Small Integers</h2></body></html>"""
    )
    assert headline("Four Years Remaining", page_meta(tree), None) == ("Interning of Small Integers", "heading")


def test_a_kicker_element_before_the_headline_is_dropped_and_double_escapes_undone():
    tree = lxml_html.fromstring(
        """<html><head><meta property="og:title" content="Olympia - Getränke per Schiff &amp;amp; Boot">
        </head><body><h1><span>Olympia</span> Getränke per Schiff &amp; Boot</h1></body></html>"""
    )
    assert headline(None, page_meta(tree), None) == ("Getränke per Schiff & Boot", "h1")
    # a lower-case continuation is one phrase, not kicker and headline
    tree = lxml_html.fromstring("<html><body><h1><em>Nach</em> dem Sturm kam die Flut</h1></body></html>")
    assert headline(None, page_meta(tree), None) == ("Nach dem Sturm kam die Flut", "h1")


def test_a_domain_or_a_symbol_h1_gives_way_to_the_declared_title():
    tree = lxml_html.fromstring(
        """<html><head><meta name="twitter:title" content="XUM1541: Dateien austauschen"></head>
        <body><h1>jan-grosser.de</h1></body></html>"""
    )
    assert headline(None, page_meta(tree), None) == ("XUM1541: Dateien austauschen", "meta")


def test_labels_are_no_names_and_a_particle_is_no_domain():
    from newsclaims.corpus.byline import is_organization

    assert clean_author("Name") is None and clean_author("Donnerstag") is None and clean_author("Stand") is None
    assert clean_author("Beitrag von Hans Ruhe") == "Hans Ruhe"
    assert not is_organization("Verónica De Vita") and is_organization("Tagesschau De")
    assert is_organization("Redaktion") and author_list(["Redaktion", "Jane Doe"]) == ["Jane Doe"]


def test_a_sharing_card_s_written_by_and_a_forum_post_s_author_are_author_tags():
    card = """<html><head><meta name="twitter:label1" content="Verfasst von">
    <meta name="twitter:data1" content="Karoline Herr"><meta name="twitter:label2" content="Lesedauer">
    <meta name="twitter:data2" content="4 Minuten"></head><body></body></html>"""
    assert _meta(card).authors == (("Karoline Herr",), "meta")
    reading_time = card.replace("Verfasst von", "Est. reading time")
    assert _meta(reading_time).authors is None
    forum = (
        '<html><body><article data-author="Pepemaus">...</article><article data-author="Mo">...</article></body></html>'
    )
    assert _meta(forum).authors == (("Pepemaus",), "meta")


def test_a_page_with_only_a_title_element_keeps_it_as_its_title():
    # trafilatura gave no title for such a page; the <title> element is the one the page has
    page = PageMeta(document_title="Briefe - 26 Oktober 2010 - Blog - Bilder, News, Geschichte und Schleifen!")
    fields = _metadata(TrafilaturaDocument(), page, None, [])
    assert fields.origin["title"] == "title" and fields.title and fields.title.startswith("Briefe")
