"""Which of a page's titles is the article's headline: its <h1>s, its other headings, the
publisher's declared headline (JSON-LD, Open Graph), its <title> element and trafilatura's pick.

The <title> and og:title usually add the site's name ("Headline | Site", "Blog » Archive »
Headline"), blogs set the blog's name as the only <h1>, and news sites print a kicker (topic line)
before the headline inside the <h1>. The printed <h1> wins when a declared title confirms it.
"""

from __future__ import annotations

import html
import re

from newsclaims.corpus.html_byline import loose_key, name_key
from newsclaims.corpus.html_meta import PageMeta

# Separators between a title and the site's name. The strong ones never sit inside a headline;
# the dashes often do ("Office 365 – HBDI – die Dritte"), so only a known site name is cut there.
_STRONG = re.compile(r"\s+(?:»|::|·)\s+|\s*[|｜│]\s*")
_DASH = re.compile(r"\s+[-–—]\s+|\s*:\s+")
_TRAILING = re.compile(r"\s+[|»:·–—-]+$")
_DECORATION = re.compile(r"^(?:\[?>|[|•*])\s*")  # "[> Jens Weber": a bullet, not part of the title
_LEADING = re.compile(r"^[\s:|»·–—-]+")
_HOST = re.compile(r"(?:[a-z0-9-]+\.)+[a-z]{2,}", re.IGNORECASE)


def _looks_like_domain(part: str) -> bool:
    return bool(_HOST.fullmatch(part.strip()))


def main_part(title: str, sites: set[str], longest: bool = True) -> str:
    """The title without the site's name: strong separators split it, known site names and domain
    names are cut at either end (at dashes too), and of several parts the longest is kept (an
    <h1> keeps them all: "Plot in R (5 Examples) | Axis Text" is printed as the headline)."""
    title = " ".join(title.split())
    if not ("«" in title and title.endswith("»")):  # a closing guillemet, not a separator
        title = _TRAILING.sub("", title)
    parts = [p for p in _STRONG.split(title) if p.strip()]
    kept = [p for p in parts if not _is_site(p, sites)] or parts
    best = max(kept, key=len) if longest else _joined(title, kept)
    dashed = _DASH.split(best)
    while len(dashed) > 1 and _is_site(dashed[-1], sites):
        dashed.pop()
    while len(dashed) > 1 and _is_site(dashed[0], sites):
        dashed.pop(0)
    return best if len(dashed) == len(_DASH.split(best)) else _joined(best, dashed)


def _joined(title: str, kept: list[str]) -> str:
    """The kept dash-separated parts with the separators the title used between them."""
    start = title.index(kept[0])
    end = title.index(kept[-1], start) + len(kept[-1])
    return title[start:end]


def _site_names(page: PageMeta, site: str | None, title: str | None) -> set[str]:
    """The site's names: the declared one (also as its host name says it: "lastampa.it" is
    "La Stampa"), and an <h1> that is a link to the home page (blogs set their own name as the
    page's <h1>). trafilatura sometimes gives the headline as the site's name (the <title>'s
    main part): that is none."""
    names = {loose_key(h) for h in page.home_headings}
    document = max(_STRONG.split(page.document_title or ""), key=len)
    if site and loose_key(site) not in (loose_key(title), loose_key(document)):
        names.add(loose_key(site))
        if _looks_like_domain(site):
            host = site.lower().removeprefix("www.").rsplit(".", 1)[0]
            names.add(host.replace(".", " "))
    return names - {""}


def _is_site(part: str, sites: set[str]) -> bool:
    return loose_key(part) in sites or name_key(part) in {s.replace(" ", "") for s in sites} or _looks_like_domain(part)


def _without_kicker(heading: str, reference: str) -> str:
    """An <h1> that is a kicker followed by the headline ("Energiewende Oberland: Klimavorreiter
    Oberland?", declared title "Klimavorreiter Oberland?"): the headline, as the <h1> prints it."""
    key, ref = loose_key(heading), loose_key(reference)
    if not ref or key == ref or not key.endswith(" " + ref) or len(ref) < len(key) / 2:
        return heading
    tokens = heading.split()
    for cut in range(len(tokens) - 1, 0, -1):
        if loose_key(" ".join(tokens[cut:])) == ref:
            # "Nutzerbasierte Abrechnung: Musik-Stars fordern ...": a kicker the <h1> joins with a
            # colon is printed as part of the headline
            return heading if tokens[cut - 1].endswith(":") else " ".join(tokens[cut:])
    return heading


def _split_kicker(heading: str, page: PageMeta, references: list[str]) -> str:
    """A kicker set in an element of its own at the start of the <h1> ("<h1><span>Nach
    Corona-Lockerungen</span> Autohäuser rechnen ...</h1>"): what follows it is the headline.
    An element that a declared title names is the headline itself (a subtitle follows it)."""
    children = page.heading_parts.get(heading, [])
    keys = {loose_key(r) for r in references}
    named = [c for c in children if loose_key(c) in keys]
    if named:
        return named[0]
    if not children or not heading.startswith(children[0]) or len(children[0]) >= len(heading):
        return heading
    rest = _LEADING.sub("", heading[len(children[0]) :])
    first_letter = next((c for c in rest if c.isalpha()), "")
    # a headline starts as a sentence does: "Nach <em>dem Sturm</em>" is one phrase
    return rest if len(rest.split()) >= 2 and not first_letter.islower() else heading


def _same(heading: str, reference: str) -> bool:
    return bool(loose_key(heading)) and loose_key(heading) == loose_key(reference)


def _close(heading: str, reference: str) -> bool:
    """Nearly the same words ("... mit dem 10-in-1 Trockenshampoo" in an <h1>, "... mit dem neuen
    Wellaflex 10-in-1 Trockenshampoo" in the <title>): a headline reworded for the title."""
    h, r = loose_key(heading).split(), set(loose_key(reference).split())
    if len(h) < 4 or not r:
        return False
    shared = sum(w in r for w in h)
    return shared >= 0.8 * len(h) and shared >= 0.5 * len(r)


def _matches(heading: str, reference: str) -> bool:
    """One contains the other, and the shorter is not a mere word of the longer ("News" is in
    "News - Auf das erste Elektron kommt es an" but is no headline)."""
    h, r = loose_key(heading), loose_key(reference)
    if not (h and r):
        return False
    short, long = sorted((h, r), key=len)
    return f" {short} " in f" {long} " and len(short) >= 0.4 * len(long)


def _title_parts(title: str) -> list[str]:
    return [loose_key(p) for p in re.split(r"\s+(?:\||»|::|·|-|–|—|:)\s+|:\s+", title) if len(p.split()) >= 2]


def _confirmed(h1s: list[str], printed: dict[str, str], references: list[str], match) -> str | None:
    """The first <h1> (as printed, kicker removed) that `match` finds in a reference, the most
    trusted reference first."""
    for reference in references:
        for heading in h1s:
            if match(heading, reference) or match(printed[heading], reference):
                return _without_kicker(printed[heading], reference)
    return None


def headline(title: str | None, page: PageMeta, site: str | None) -> tuple[str, str] | None:
    """(the article's headline, its source: h1 | heading | json_ld | open_graph | meta | title |
    html). `title` is trafilatura's pick; the publisher's declared headline and the <title>
    element are trusted before it, because trafilatura's pick is often an <h1> already."""
    sites = _site_names(page, site, title)
    declared = page.title or (None, None)
    # JSON-LD values are often escaped twice ("Farben &amp; Formen"): a reader sees them once
    candidates = [(html.unescape(t), w) for t, w in (declared, (page.document_title, "title")) if t and w]
    trusted = [main_part(t, sites) for t, _ in candidates]
    # a logo or a domain name is not a headline, nor is an <h1> without a letter ("...")
    h1s = [h for h in page.headings if not _is_site(h, sites) and any(c.isalpha() for c in h)]
    named_by = [candidates[0][0]] if declared[0] else []
    printed = {h: main_part(_split_kicker(h, page, named_by), sites, False) for h in h1s}
    subheadings = {loose_key(h): _DECORATION.sub("", h) for h in reversed(page.subheadings)}
    for match in (_same, _matches, _close):
        found = _confirmed(h1s, printed, trusted, match)
        if found:
            return found, "h1"
        if match is _same and any(loose_key(r) in subheadings for r in trusted):
            return next(subheadings[loose_key(r)] for r in trusted if loose_key(r) in subheadings), "heading"
    # a blog sets the post's title in an <h2>/<h3>, and the <title> names it beside the blog's
    named = [loose_key(r) for r in trusted] + [p for t, _ in candidates for p in _title_parts(t)]
    firsts = {loose_key(h): h for h in reversed(h1s)}
    for key in named:  # the whole declared title first, then the titles' parts in their order
        if key in firsts:
            return firsts[key], "h1"
        if key in subheadings:
            return subheadings[key], "heading"
    found = _confirmed(h1s, printed, [main_part(title, sites)] if title else [], _matches)
    if found:
        return found, "h1"
    if len(page.headings) == 1 and h1s:
        return printed[h1s[0]], "h1"
    if declared[0]:
        return trusted[0], candidates[0][1]
    if title:
        return main_part(title, sites), "html"
    return (trusted[0], candidates[0][1]) if trusted else None
