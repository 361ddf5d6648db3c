"""Main text, structure and metadata of an HTML page, via trafilatura (and the page's own tags
where trafilatura has no answer: html_meta.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import trafilatura
from htmldate import find_date
from trafilatura.settings import Document, set_date_params
from trafilatura.utils import load_html

from newsclaims.corpus.byline import author_list, is_organization, split_author_field
from newsclaims.corpus.document import Paragraph
from newsclaims.corpus.html_byline import PARTICLES, is_name, name_key, reads_as_text, spelled_as_printed
from newsclaims.corpus.html_date import printed_date
from newsclaims.corpus.html_meta import PageMeta, page_meta
from newsclaims.corpus.html_title import headline
from newsclaims.corpus.normalize import normalize_text
from newsclaims.corpus.rawfolder import SourceFields

# libxml2 (under lxml, under trafilatura) drops everything nested deeper than this.
MAX_PARSER_DEPTH = 255
_VOID_TAGS = frozenset("area base br col embed hr img input link meta param source track wbr".split())

_BLOCK_KIND = {"head": "heading", "p": "paragraph", "quote": "paragraph", "code": "paragraph"}


@dataclass
class HtmlArticle:
    text: str  # normalized; blocks separated by a blank line, list items by a newline
    paragraphs: list[Paragraph] = field(default_factory=list)
    fields: SourceFields = field(default_factory=SourceFields)


def _text_of(element) -> str:
    """The element's text with a line break for each <lb/> (itertext would glue "CA<lb/>Sept."
    into "CASept."); the element's own tail is not included."""
    out = [element.text or ""]
    for child in element:
        out.append("\n" if child.tag == "lb" else _text_of(child))
        out.append(child.tail or "")
    return "".join(out)


def _flat(element) -> str:
    # One block per line: newlines inside a block (<br>) become spaces.
    return " ".join(normalize_text(_text_of(element)).split("\n")).strip()


def _loose(text: str | None) -> str:
    return " ".join(normalize_text(text or "").split("\n")).strip()


def _blocks(body) -> list[tuple[str, str, str]]:
    """(kind, text, separator-before) for each block of trafilatura's XML body."""
    out: list[tuple[str, str, str]] = [("paragraph", _loose(body.text), "\n\n")]
    for element in body:
        if element.tag == "list":
            for i, item in enumerate(element.iter("item")):
                out.append(("list_item", _flat(item), "\n" if i else "\n\n"))
        elif element.tag == "table":
            for row in element.iter("row"):
                cells = [_flat(cell) for cell in row]
                out.append(("paragraph", " | ".join(c for c in cells if c), "\n\n"))
        else:
            out.append((_BLOCK_KIND.get(element.tag, "paragraph"), _flat(element), "\n\n"))
        # Text after a block and outside any (trafilatura leaves a paragraph after a heading as
        # the heading's tail): a paragraph of its own, or it would be lost.
        out.append(("paragraph", _loose(element.tail), "\n\n"))
    return [b for b in out if b[1]]


def _extends(authors: tuple[str, ...], printed: tuple[str, ...], site: str | None) -> bool:
    """The page's first byline names everyone trafilatura found and more people ("A, B" over
    "A"; not "A, CNN")."""
    keys = {name_key(n) for n in printed}
    more = [n for n in printed if name_key(n) not in {name_key(a) for a in authors}]
    return bool(more) and all(name_key(a) in keys for a in authors) and not any(is_organization(n, site) for n in more)


def _borne_out(authors: tuple[str, ...], page: PageMeta) -> tuple[str, ...] | None:
    """trafilatura's authors as far as the page's bylines bear them out: none when one is no
    name (it read a footer credit or a commenter's "Art Edwards says"); without a name beside
    them that no byline prints ("Condé Nast" beside the two authors); None when the page prints
    one byline only and neither it nor the author tags name any of them (trafilatura read
    someone else). A byline "Jane Doe Chefredakteurin" bears out "Jane Doe"."""
    if any(reads_as_text(a) for a in authors):
        return ()
    keys = [name_key(n) for names in page.bylines for n in names]
    shown = tuple(a for a in authors if any(name_key(a) in k for k in keys))
    tagged = {name_key(n) for n in (page.authors[0] if page.authors else ())}
    if authors and not shown and len(set(page.bylines)) == 1 and not tagged & {name_key(a) for a in authors}:
        return None
    return shown or authors


# A signature's words: capitalized words in lower case after the capital ("Stefan Wasmer"; not a
# button "MEHR ERFAHREN" or a handle "HansEhrlich"), particles, initials.
_SIGNED_WORD = re.compile(r"[^\W\d_][^\W\d_A-Z]*(?:[-'’][^\W\d_][^\W\d_A-Z]*)*|[^\W\d_]\.")
_SIGN_OFF = re.compile(r"^[–—-]\s*")
# A letter's closing before the name ("Euer HansEhrlich", "Cheers, Jane Doe"): a handle signs too
_GREETING = re.compile(
    r"^(?:euer|eure|dein|deine|yours|cheers|(?:liebe|viele|herzliche|beste) grüße|cordialement|saludos),?\s+",
    re.IGNORECASE,
)


def _signed(blocks: list[tuple[str, str, str]], site: str | None) -> str | None:
    """The name a text is signed with: its last block a paragraph of a name alone ("Stefan
    Wasmer", "– David Dunkley") or after a closing ("Euer HansEhrlich"), after more text than it. Two cells joined by the extraction
    ("Aktuelle Nutzung  Studentenwohnanlage") are no name."""
    if len(blocks) < 3 or blocks[-1][0] != "paragraph" or "  " in blocks[-1][1]:
        return None
    name = _SIGN_OFF.sub("", blocks[-1][1])
    greeted = _GREETING.match(name)
    name = name[greeted.end() :] if greeted else name
    words = name.split()
    if greeted and len(words) == 1 and re.fullmatch(r"[^\W\d_][\w.-]*\w", name) and name[0].isupper():
        return name if is_name(name) and not is_organization(name, site) else None
    if not 2 <= len(words) <= 4 or not all(w in PARTICLES or _SIGNED_WORD.fullmatch(w) for w in words):
        return None
    return name if words[0][0].isupper() and is_name(name) and not is_organization(name, site) else None


def _metadata(
    result: Document, page: PageMeta, updated: str | None, blocks: list[tuple[str, str, str]]
) -> SourceFields:
    """trafilatura's answer for each field, else the page's own tags; `origin` says which."""
    values: dict = {}
    origin: dict[str, str] = {}
    site = result.sitename or (page.site[0] if page.site else None)
    printed = [*page.printed, *([site] if site else [])]  # a blog named after its author's handle
    alone = [names[0] for names in [*page.bylines, *([page.authors[0]] if page.authors else [])] if len(names) == 1]
    authors = tuple(spelled_as_printed(author_list(split_author_field(result.author), site), printed, alone))
    page_authors = (tuple(author_list(list(page.authors[0]), site)), page.authors[1]) if page.authors else None
    if page_authors and any(reads_as_text(a) for a in page_authors[0]):  # "Peter Amende und Fuchsy designed"
        page_authors = None
    borne = _borne_out(authors, page)
    if borne is None and not any(is_organization(n, site) for n in page.bylines[0]):
        authors, page_authors = (), (page.bylines[0], "byline")
    elif borne is not None:
        authors = borne
    if all(is_organization(a, site) for a in authors):  # none, or only the publisher: a printed byline
        people = [(names, "byline") for names in page.bylines if not any(is_organization(n, site) for n in names)]
        if page_authors and not all(is_organization(a, site) for a in page_authors[0]):
            people.insert(0, page_authors)
        if people:
            authors, page_authors = (), people[0]
        elif not authors and not page_authors and page.bylines:  # a byline "www.example.com" is what it prints
            page_authors = (page.bylines[0], "byline")
    elif page.bylines and _extends(authors, page.bylines[0], site):
        authors = page.bylines[0]
    date = printed_date(result.date, updated, page.shown_dates)
    ours = {"title": result.title, "authors": authors, "date": date, "source": result.sitename}
    theirs = {"title": page.title, "authors": page_authors, "date": page.date, "source": page.site}
    for name, value in ours.items():
        if value:
            values[name], origin[name] = value, "html"
        elif theirs[name]:
            values[name], origin[name] = theirs[name]  # type: ignore[misc]
    if date and date != result.date:
        origin["date"] = "printed"
    signed = _signed(blocks, site) if "authors" not in values else None
    if signed:
        values["authors"], origin["authors"] = (signed,), "signature"
    title = headline(values.get("title"), page, values.get("source"))
    if title is not None:
        values["title"], origin["title"] = (
            title[0],
            title[1] if origin.get("title", "html") == "html" else origin["title"],
        )
    if page.language:
        values["language"], origin["language"] = (
            page.language[0].replace("_", "-").split("-")[0].lower(),
            page.language[1],
        )
        if len(values["language"]) != 2:
            del values["language"], origin["language"]
    return SourceFields(**values, url=result.url or None, origin=origin)


def extract_html(html: str) -> HtmlArticle | None:
    """None when trafilatura finds no main text."""
    tree = load_html(html)
    if tree is None:
        return None
    page = page_meta(tree)  # before trafilatura, which cleans the tree in place
    # the page's latest date (an update's), by trafilatura's date settings otherwise
    updated = find_date(html, **{**set_date_params(), "original_date": False})
    result = trafilatura.bare_extraction(
        tree, with_metadata=True, include_comments=False, include_tables=True, include_formatting=False
    )
    if not isinstance(result, Document):  # None: no main text (a dict only with as_dict=True)
        return None
    body = result.body
    text, paragraphs = "", []
    blocks = _blocks(body)
    for kind, block, separator in blocks:
        if text:
            text += separator
        paragraphs.append(Paragraph(len(text), len(text) + len(block), kind))
        text += block
    if not text:
        return None
    return HtmlArticle(text, paragraphs, _metadata(result, page, updated, blocks))


class _DepthMeter(HTMLParser):
    """Deepest element nesting of a page (the stdlib parser keeps no tree, so any depth is fine)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.depth = self.deepest = 0

    def handle_starttag(self, tag, attrs):
        if tag not in _VOID_TAGS:
            self.depth += 1
            self.deepest = max(self.deepest, self.depth)

    def handle_endtag(self, tag):
        if tag not in _VOID_TAGS:
            self.depth = max(0, self.depth - 1)


def nesting_depth(html: str) -> int:
    meter = _DepthMeter()
    meter.feed(html)
    meter.close()
    return meter.deepest
