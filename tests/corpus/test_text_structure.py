"""Header (agency line, dateline) recognition, paragraph segmentation and derived titles."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis_budget import examples

from newsclaims.corpus.header import split_header
from newsclaims.corpus.normalize import normalize_text
from newsclaims.corpus.paragraphs import derive_title, segment


@pytest.mark.parametrize(
    "text,dateline,source,rest",
    [
        ("KYIV, Ukraine (AP) — Officials said.", "KYIV", "AP", "Officials said."),
        ("WASHINGTON (Reuters) - The bill passed.", "WASHINGTON", "Reuters", "The bill passed."),
        ("NEW YORK -- Markets fell.", "NEW YORK", None, "Markets fell."),
        ("МОСКВА — Переговоры продолжаются.", "МОСКВА", None, "Переговоры продолжаются."),
    ],
)
def test_datelines_are_split_off(text, dateline, source, rest):
    header, remaining = split_header(text)
    assert header is not None and (header.dateline, header.source) == (dateline, source)
    assert remaining == rest
    assert text == header.text + text[len(header.text) : len(text) - len(rest)] + rest


@pytest.mark.parametrize(
    "text",
    [
        "NATO — it said nothing.",  # a sentence, not a dateline
        "Hello - world",
        "The U.S. - said",
        "date 2025-13-45 ISLAMABAD, (Agency - 1st Jan, 2025) Body.",  # not a real date
        "ISLAMABAD —",  # nothing after it
    ],
)
def test_non_headers_are_left_alone(text):
    assert split_header(text) == (None, text)


def _kinds(text):
    return [(p.kind, text[p.start : p.end]) for p in segment(text)]


def test_headings_list_items_and_paragraphs():
    text = "Intro paragraph ends here.\nA Section Heading\nBody text follows.\n* star item\n2. numbered item\n• bullet"
    assert _kinds(text) == [
        ("paragraph", "Intro paragraph ends here."),
        ("heading", "A Section Heading"),
        ("paragraph", "Body text follows."),
        ("list_item", "* star item"),
        ("list_item", "2. numbered item"),
        ("list_item", "• bullet"),
    ]


def test_hard_wrapped_block_is_one_paragraph():
    text = (
        "This is a hard wrapped paragraph that goes on and on\nacross several lines because "
        "someone used an email\nclient with a fixed width of about fifty characters.\n\nSecond one."
    )
    assert _kinds(text) == [("paragraph", text.split("\n\n")[0]), ("paragraph", "Second one.")]


def test_single_short_line_is_a_paragraph_not_a_heading():
    assert _kinds("Breaking news") == [("paragraph", "Breaking news")]


def test_markdown_heading_and_title_from_it():
    text = "# The Title\n\nBody sentence one. Body sentence two."
    paragraphs = segment(text)
    assert paragraphs[0].kind == "heading"
    assert derive_title(text, paragraphs) == ("The Title", "first_heading")


def test_title_is_the_first_sentence_without_breaking_at_initials():
    text = "Albert P. Khorev spoke on Tuesday. He said more."
    assert derive_title(text, segment(text)) == ("Albert P. Khorev spoke on Tuesday.", "first_sentence")


_LINES = st.lists(
    st.one_of(
        st.text(max_size=80), st.sampled_from(["", "- item", "A Heading", "Sentence one. Two.", "ISLAMABAD — X"])
    ),
    max_size=12,
)


@settings(max_examples=examples(300), deadline=None)
@given(_LINES)
def test_paragraphs_cover_every_line_in_order(lines):
    text = normalize_text("\n".join(lines))
    paragraphs = segment(text)
    end = 0
    for p in paragraphs:
        assert end <= p.start < p.end <= len(text) and p.kind in {"paragraph", "heading", "list_item"}
        end = p.end
    covered = "".join(text[p.start : p.end] for p in paragraphs)
    assert covered.replace("\n", "") == text.replace("\n", "")


@settings(max_examples=examples(300), deadline=None)
@given(_LINES)
def test_header_split_loses_nothing(lines):
    text = normalize_text("\n".join(lines))
    header, rest = split_header(text)
    if header is None:
        assert rest == text
    else:
        assert text.startswith(header.text) and text.endswith(rest) and rest
        assert normalize_text(rest) == rest
