"""Bylines printed in a page's own elements, and how they correct trafilatura's author field."""

from __future__ import annotations

from lxml import html as lxml_html

from newsclaims.corpus.byline import split_author_field
from newsclaims.corpus.html import _borne_out, extract_html
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


def _bylines(body: str) -> list[tuple[str, ...]]:
    return byline_names(lxml_html.fromstring(f"<html><body>{body}</body></html>"))


def test_printed_byline_lines_without_a_byline_class():
    assert _bylines("<p><strong>Autor:</strong> <a href='/p/7'>Jane Doe</a><br><strong>Tags:</strong> x</p>") == [
        ("Jane Doe",)
    ]
    assert _bylines("<div><i>von Daniela Berg</i></div>") == [("Daniela Berg",)]
    assert _bylines("<p><em>Text von Karl Stein &nbsp; Illustration von Max Roth</em></p>") == [("Karl Stein",)]
    assert _bylines("<div class='meta'>Ein Artikel von <b>Pia Lenz</b> | 27.01.2022 - 12:45</div>") == [("Pia Lenz",)]
    assert _bylines("<div>Datum: 19.11.2021<br>Autor: Fritz Lang<br>Quelle: Agentur</div>") == [("Fritz Lang",)]
    # sentences, places, a lone word, links and comment threads are no bylines
    assert _bylines("<p>By contrast, the council met on Tuesday.</p><p>Von Berlin nach Hamburg</p>") == []
    assert _bylines("<p>By Tuesday</p><a>Von Anna Schmidt</a>") == []
    assert _bylines("<div class='comment-body'><p>Von Troll Person</p></div>") == []


def test_a_dated_line_beside_the_headline_names_its_author():
    assert _bylines("<div><h1>Variablen</h1><p>11.12.2019 - Amelie Roth</p></div>") == [("Amelie Roth",)]
    assert _bylines("<div><small>04.02.2022 | 13:10 Uhr | Uta Hell</small><h1>Stellungnahme</h1></div>") == [
        ("Uta Hell",)
    ]
    # far from the headline a dated line is a list of events, places, ...
    assert _bylines("<div><h1>Termine</h1></div><section><p>11.12.2019 - Berlin Mitte</p></section>") == []


def test_byline_text_dates_and_posting_phrases_are_not_names():
    assert names_in("By Alex Brook Thursday, November 9, 2023 4:41AM") == ["Alex Brook"]
    assert names_in("Posted on September 21, 2020 by Adi Tal") == ["Adi Tal"]
    assert names_in("Von Hans Freitag") == ["Hans Freitag"]  # a weekday alone may be a surname
    assert names_in("Autor: Eva Roth (Pressesprecherin)") == ["Eva Roth"]
    # hashed class names: the test id still says "byline"; its elements are words apart
    tree = lxml_html.fromstring(
        '<html><body><div class="QHbl" data-testid="prism-byline"><span>By</span><span><a>J.R. Stone</a>'
        "</span></div></body></html>"
    )
    assert byline_names(tree) == [("J.R. Stone",)]
    assert _bylines("<div class='dates_auteurs'>par <span class='auteurs'>Didier Roi</span>, 21 juin 2018</div>") == [
        ("Didier Roi",)
    ]


def test_one_word_authors_as_the_page_prints_them_in_full():
    assert spelled_as_printed(["Arianschlichenmayer"], ["Arian Schlichenmayer"]) == ["Arian Schlichenmayer"]
    assert spelled_as_printed(["Bo"], ["Bo2man"]) == ["Bo2man"]  # trafilatura cuts a handle at a digit
    assert spelled_as_printed(["Stefanus"], [], ["Stefanus Stahl"]) == ["Stefanus Stahl"]
    # a first name in a list of words ("Matthias Medizinstudent, Papa") is not completed
    assert spelled_as_printed(["Matthias"], ["Matthias Medizinstudent", "Papa"]) == ["Matthias"]
    assert spelled_as_printed(["Jan"], [], ["Jan Roth", "Jan Weber"]) == ["Jan"]  # two surnames: which?


def test_the_newsroom_signs_when_no_person_does():
    page = """<html><head><title>Sperrung der Brücke</title></head><body><article><h1>Sperrung der Brücke</h1>
    <div class="td-post-author-name"><span>Von</span> <a href="/author/redaktion/">Redaktion</a></div>{body}
    </article></body></html>"""
    article = extract_html(page.format(body=_BODY))
    assert article is not None and article.fields.authors == ("Redaktion",)
    person = page.format(body='<p class="byline">Von Lena Marquardt</p>' + _BODY)
    article = extract_html(person)
    assert article is not None and article.fields.authors == ("Lena Marquardt",)


def _article(head: str, byline: str) -> tuple[str, ...]:
    page = f"""<html><head><title>Budget passes</title>{head}</head><body><article><h1>Budget passes</h1>
    {byline}{_BODY}</article><footer><p>Hecho en Bolivia con Drupal por Smartica</p></footer></body></html>"""
    article = extract_html(page)
    assert article is not None
    return article.fields.authors


def test_trafilatura_authors_the_bylines_do_not_bear_out():
    # trafilatura's answer is no name (a sentence): the printed byline
    assert _article('<meta name="author" content="Hecho en Bolivia con Drupal por Smartica">', "") == ()
    tagged = '<meta name="author" content="Eine realistische Interpretation des Multiplikators">'
    assert _article(tagged, '<div class="author">Georg Quast</div>') == ("Georg Quast",)
    # the publisher beside the authors, printed in no byline
    both = '<meta name="author" content="Condé Nast, Fiona Born, Mariam Hof">'
    assert _article(both, '<p class="byline">Von Fiona Born und Mariam Hof</p>') == ("Fiona Born", "Mariam Hof")
    # the page's one byline names someone else than trafilatura (and no author tag does): the byline
    assert _borne_out(("Deutsche Wellen",), PageMeta(bylines=[("Kossi Tia",), ("Kossi Tia",)])) is None
    tagged_too = PageMeta(authors=(("Deutsche Wellen",), "meta"), bylines=[("Kossi Tia",)])
    assert _borne_out(("Deutsche Wellen",), tagged_too) == ("Deutsche Wellen",)
    assert _borne_out(("Deutsche Wellen",), PageMeta(bylines=[("Kossi Tia",), ("Ann Lee",)])) == ("Deutsche Wellen",)
    # a byline with the author's role still bears trafilatura's name out
    assert _article('<meta name="author" content="Chris Hain">', '<p class="author">Chris Hain Chefredakteur</p>') == (
        "Chris Hain",
    )


_BODY = "<p>" + " ".join(["The council met on Tuesday and spoke about the budget for the coming year."] * 6) + "</p>"


def test_a_text_signed_with_a_name_alone_gives_its_author():
    def signed(last: str):
        page = f"<html><body><article><h1>Tappara gewinnt</h1>{_BODY}{_BODY}<p>{last}</p></article></body></html>"
        article = extract_html(page)
        assert article is not None
        return article.fields.authors, article.fields.origin.get("authors")

    assert signed("Stefan Wasmer") == (("Stefan Wasmer",), "signature")
    assert signed("– David Dunkley") == (("David Dunkley",), "signature")
    assert signed("Euer HansEhrlich") == (("HansEhrlich",), "signature")  # a closing before a handle
    assert signed("Euer Glück!") == ((), None)  # a closing, but no name after it
    assert signed("MEHR ERFAHREN") == ((), None)  # a button
    assert signed('Aufs Baugerüst."') == ((), None)  # a poem's last line


def test_author_boxes_labels_and_chinese_bylines():
    # an author box heads with the name; its links and bio are not part of it
    box = "<div class='author-bio'><h3>Martin Junker</h3><p>Schreibt seit 2010 über Leasing.</p></div>"
    assert _bylines(box) == [("Martin Junker",)]
    teaser = "<div class='teaser-box author'><div class='title'>Johanna Kropfitsch</div><a>Alle Artikel</a></div>"
    assert _bylines(teaser) == [("Johanna Kropfitsch",)]
    # ... but a line of several names is read whole, not cut at its first link
    two = "<div class='blog-author'><div><a>Sarah Hinger</a></div> &amp; <a>Sylvia Torres</a></div>"
    assert _bylines(two) == [("Sarah Hinger", "Sylvia Torres")]
    # a byline word in an element of its own, the names in the next
    assert _bylines("<div><span class='sr'>| By </span><span>Cara Stiles</span> | <time>April 13</time></div>") == [
        ("Cara Stiles",)
    ]
    assert _bylines("<div><p class='label'><b>By</b></p></div><div><p class='full-name'>Todd Bates</p></div>") == [
        ("Todd Bates",)
    ]
    assert _bylines("<div class='row'><span>Von:</span><input name='user'></div><div>Suche Erweitert</div>") == []
    # a <byline> element, the agency after the name, a role after a comma
    assert _bylines("<byline>Von David Hutzler, dpa</byline>") == [("David Hutzler",)]
    assert _bylines("<p><strong>Autorin: Uta Staschewski, Projektleiterin der HSS in Tunis</strong></p>") == [
        ("Uta Staschewski",)
    ]
    # a posting verb makes a handle a name; "Von" alone does not
    assert _bylines("<p class='date'>Erstellt von <a>Fabian</a> am Dienstag 6. Mai 2014</p>") == [("Fabian",)]
    assert _bylines("<p>Von Fabian am Dienstag 6. Mai 2014</p>") == []
    assert _bylines("<p class='meta'>Von R. R. am 07.08.2013 um 09:07 Uhr gespeichert unter Kommunizieren</p>") == [
        ("R. R.",)
    ]
    # the responsible editor of a Chinese page, as a tag's text and as a text's tail
    assert _bylines("<div class='detail_author'><span>责任编辑：孔德明</span></div>") == [("孔德明",)]
    assert _bylines("<span><span>【纠错】</span>\n责任编辑： \n焦鹏 \n</span>") == [("焦鹏",)]
    # a degree after a comma is not a second person
    assert names_in("Michael L. Anderson, PhD; Carlos Dobkin, PhD") == ["Michael L. Anderson", "Carlos Dobkin"]


def test_an_interview_names_both_people():
    assert split_author_field("Richard David Precht im Gespräch mit Karin Fischer") == [
        "Richard David Precht",
        "Karin Fischer",
    ]
    assert split_author_field("Jane Doe; John Roe") == ["Jane Doe", "John Roe"]
