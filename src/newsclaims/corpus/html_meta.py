"""A page's own metadata tags: JSON-LD (schema.org NewsArticle and kin), Open Graph / article:*
properties and plain <meta> names, plus <html lang>. Used where trafilatura's metadata has no
answer (it reads these too, but not every shape of them, and it never reads the language).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from newsclaims.corpus.byline import clean_author
from newsclaims.corpus.html_byline import byline_names
from newsclaims.corpus.html_date import ShownDate, headline_element, shown_dates

_WRITTEN_BY = re.compile(r"written by|verfasst von|geschrieben von|écrit par|escrito por|scritto da", re.IGNORECASE)
_ARTICLE_TYPES = {"article", "newsarticle", "reportagenewsarticle", "blogposting", "webpage", "report"}


@dataclass
class PageMeta:
    """Each field as (value, where it came from: json_ld | open_graph | meta)."""

    title: tuple[str, str] | None = None
    authors: tuple[tuple[str, ...], str] | None = None
    date: tuple[str, str] | None = None
    site: tuple[str, str] | None = None
    language: tuple[str, str] | None = None
    document_title: str | None = None  # the <title> element's text
    headings: list[str] = field(default_factory=list)  # the page's <h1> texts, in order
    home_headings: list[str] = field(default_factory=list)  # <h1>s that are a link to the home page
    subheadings: list[str] = field(default_factory=list)  # its first <h2>/<h3> texts, in order
    heading_parts: dict[str, list[str]] = field(default_factory=dict)  # an <h1>'s child elements' texts
    bylines: list[tuple[str, ...]] = field(default_factory=list)  # names of byline elements (html_byline)
    printed: list[str] = field(default_factory=list)  # every author name the tags give, as written
    shown_dates: list[ShownDate] = field(default_factory=list)  # dates printed beside the headline


def _text(el) -> str:
    return " ".join("".join(el.itertext()).split()) if el is not None else ""


# A home page link: "/", or a host with no path ("https://blog.example/"), also inside an archive's
# copy ("https://web.archive.org/web/2014.../http://www.blog.example/").
_HOME = re.compile(r"(?:.*/)?(?:https?:)?//[^/?#]+/?|/|\./|/?index\.(?:html?|php)")


def _is_home(href: str | None) -> bool:
    return bool(href) and bool(_HOME.fullmatch(href.strip()))  # type: ignore[union-attr]


def _names(value) -> list[str]:
    if isinstance(value, list):
        return [n for v in value for n in _names(v)]
    if isinstance(value, dict):
        return _names(value.get("name"))
    if isinstance(value, str) and value.strip() and not value.strip().startswith("http"):
        return [value.strip()]
    return []


def _ld_items(data) -> list[dict]:
    if isinstance(data, list):
        return [i for d in data for i in _ld_items(d)]
    if isinstance(data, dict):
        return [data, *_ld_items(data.get("@graph", []))]
    return []


def _types(item: dict) -> set[str]:
    t = item.get("@type", [])
    return {x.lower() for x in (t if isinstance(t, list) else [t]) if isinstance(x, str)}


def page_meta(tree) -> PageMeta:
    """The metadata tags of an lxml HTML tree."""
    meta = PageMeta()

    def offer(name: str, value, where: str) -> None:
        if value and getattr(meta, name) is None:
            setattr(meta, name, (value, where))

    for script in tree.iterfind('.//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        for item in _ld_items(data):
            if not _types(item) & _ARTICLE_TYPES:
                continue
            headline = item.get("headline") or item.get("name")
            offer("title", headline.strip() if isinstance(headline, str) else None, "json_ld")
            authors = tuple(dict.fromkeys(n for n in map(clean_author, _names(item.get("author"))) if n))
            meta.printed += authors
            offer("authors", authors or None, "json_ld")
            published = item.get("datePublished") or item.get("dateCreated")
            offer("date", published if isinstance(published, str) else None, "json_ld")
            publisher = _names(item.get("publisher"))
            offer("site", publisher[0] if publisher else None, "json_ld")
            offer("language", item.get("inLanguage") if isinstance(item.get("inLanguage"), str) else None, "json_ld")
    tags: dict[str, str] = {}
    for el in tree.iterfind(".//meta"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or el.get("http-equiv") or "").lower()
        content = (el.get("content") or "").strip()
        if key and content and key not in tags:
            tags[key] = content
    offer("title", tags.get("og:title"), "open_graph")
    offer("site", tags.get("og:site_name"), "open_graph")
    offer("date", tags.get("article:published_time"), "open_graph")
    offer("language", tags.get("og:locale"), "open_graph")
    # article:author is often a profile URL: the first of these that is a name
    keys = ("author", "article:author", "parsely-author", "sailthru.author", "byl", "dc.creator")
    author = next((tags[k] for k in keys if tags.get(k) and not tags[k].startswith("http")), None)
    # WordPress (Yoast) labels its sharing cards: twitter:label1 "Written by", twitter:data1 the name
    labelled = (
        tags.get(f"twitter:data{i}") for i in (1, 2) if _WRITTEN_BY.fullmatch(tags.get(f"twitter:label{i}", ""))
    )
    author = author or next((v for v in labelled if v and not v.startswith("http")), None)
    if author:
        given = tuple(dict.fromkeys(n for n in map(clean_author, re.split(r"\s*(?:;|,? and |\|)\s*", author)) if n))
        meta.printed += given
        offer("authors", given or None, "meta")
    offer("date", tags.get("date") or tags.get("pubdate") or tags.get("dc.date"), "meta")
    offer("title", tags.get("twitter:title"), "meta")
    offer("language", tags.get("content-language") or tags.get("language"), "meta")
    if meta.authors is None:
        tagged = [_text(el) for el in tree.iterfind('.//a[@rel="author"]')]
        for el in tree.iterfind('.//*[@itemprop="author"]'):
            inner = el.find('.//*[@itemprop="name"]')
            tagged.append(inner.get("content") or _text(inner) if inner is not None else el.get("content") or _text(el))
        tagged += tree.xpath("(//article[@data-author])[1]/@data-author")  # a forum's opening post
        found = [n for n in (clean_author(n) for n in tagged if n) if n]
        meta.printed += found
        offer("authors", tuple(dict.fromkeys(found)) or None, "meta")
    meta.bylines = byline_names(tree)
    meta.printed += [n for names in meta.bylines for n in names]
    for h1 in tree.iter("h1"):
        heading = " ".join("".join(h1.itertext()).split())
        if 3 <= len(heading) <= 300:
            meta.headings.append(heading)
            meta.heading_parts[heading] = [t for t in map(_text, h1.iterchildren("span", "div", "a", "em")) if t]
            link = h1.find(".//a")
            if link is not None and _text(link) == heading and _is_home(link.get("href")):
                meta.home_headings.append(heading)
    for sub in tree.iter("h2", "h3"):
        if len(meta.subheadings) >= 20:
            break
        text = _text(sub)
        if 3 <= len(text) <= 300:
            meta.subheadings.append(text)
    title = tree.find(".//title")
    meta.document_title = _text(title) or None
    html = tree.getroottree().getroot() if hasattr(tree, "getroottree") else tree
    offer("language", html.get("lang") or html.get("xml:lang"), "meta")
    titles = [meta.document_title or "", *(meta.title[:1] if meta.title else ())]
    meta.shown_dates = shown_dates(tree, headline_element(tree, titles), meta.language[0] if meta.language else None)
    return meta
