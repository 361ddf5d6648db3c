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

_ARTICLE_TYPES = {"article", "newsarticle", "reportagenewsarticle", "blogposting", "webpage", "report"}


@dataclass
class PageMeta:
    """Each field as (value, where it came from: json_ld | open_graph | meta)."""

    title: tuple[str, str] | None = None
    authors: tuple[tuple[str, ...], str] | None = None
    date: tuple[str, str] | None = None
    site: tuple[str, str] | None = None
    language: tuple[str, str] | None = None
    headings: list[str] = field(default_factory=list)  # the page's <h1> texts, in order
    heading_parts: dict[str, list[str]] = field(default_factory=dict)  # an <h1>'s child elements' texts
    bylines: list[tuple[str, ...]] = field(default_factory=list)  # names of byline elements (html_byline)
    printed: list[str] = field(default_factory=list)  # every author name the tags give, as written


def _text(el) -> str:
    return " ".join("".join(el.itertext()).split()) if el is not None else ""


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


_AFFIX = re.compile(r"\s+(?:\||-|–|—|·|::|»|/)\s+")


def _key(text: str | None) -> str:
    return " ".join((text or "").split()).casefold()


def _without_kicker(heading: str, title: str | None, page: PageMeta) -> str:
    """An <h1> that sets a kicker (topic line) and the headline in elements of their own
    ("<h1><span>Nach Corona-Lockerungen</span><span>Autohäuser rechnen ...</span></h1>"): the
    part the metadata title also gives, when the whole <h1> is not in it."""
    if not title or _key(heading) in _key(title):
        return heading
    parts = [p for p in page.heading_parts.get(heading, []) if len(p) >= len(heading) / 3 and _key(p) in _key(title)]
    return max(parts, key=len) if len(parts) >= 1 and len(page.heading_parts.get(heading, [])) >= 2 else heading


def headline(title: str | None, page: PageMeta, site: str | None) -> tuple[str, str] | None:
    """(the article's headline, its source): the page's one <h1>, or the <h1> that the
    metadata title contains (titles add the site's name: "Headline | Site"), else the metadata
    title without such an affix. A lone <h1> naming the site (a logo) is not the headline."""
    parts = _AFFIX.split(title or "")
    sites = {_key(site)} | {_key(p) for p in parts[1:] if len(parts) > 1 and len(p) < len(max(parts, key=len))}
    candidates = [h for h in page.headings if _key(h) not in sites]
    if len(page.headings) == 1 and candidates:
        return _without_kicker(candidates[0], title, page), "h1"
    for heading in candidates:
        if _key(heading) and title and (_key(heading) in _key(title) or _key(title) in _key(heading)):
            return _without_kicker(heading, title, page), "h1"
    if not title:
        return None
    if len(parts) > 1:
        return max(parts, key=len), "html"
    return title, "html"


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
    html = tree.getroottree().getroot() if hasattr(tree, "getroottree") else tree
    offer("language", html.get("lang") or html.get("xml:lang"), "meta")
    return meta
