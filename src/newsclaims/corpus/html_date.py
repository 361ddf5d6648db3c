"""The date a page prints beside its headline, and when it is the page's date rather than the one
its metadata gives. A reader takes the date shown under the headline ("6.11.22", "Updated March
14, 2021"); the metadata is often in UTC, a day off for a European or American page, or it is the
first publication of an article that the page shows as updated. The printed date wins only when
the page's metadata bears it out (the same day as its published or modified date, or a few days
off): a date beside the headline may also be an event's or a related article's.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from newsclaims.corpus.dates import parse_date

NEAR = (-100, 1200)  # characters of page text from the headline's start: its header and first lines
DAYS_OFF = 7  # a printed date this close to a metadata date is the same publication, seen elsewhere
_MONTH = r"[^\W\d_]{3,10}\.?"
_DATE = re.compile(
    r"(?<![\d.])(?P<d>\d{1,2})\.\s?(?P<m>\d{1,2})\.\s?(?P<y>\d{4}|\d{2})(?![\d.])"  # 6.11.22, 01.11.2023
    r"|(?<!\d)(?P<iy>\d{4})-(?P<im>\d{2})-(?P<id>\d{2})(?!\d)"
    r"|(?<!\d)(?P<s1>\d{1,2})/(?P<s2>\d{1,2})/(?P<sy>\d{4})(?!\d)"  # 12/10/2020: the locale says which is the day
    rf"|(?<!\d)\d{{1,2}}\.?\s(?:de\s)?{_MONTH}\s(?:de\s)?\d{{4}}(?!\d)"  # 14. März 2025, 3 de mayo de 2022
    rf"|\b{_MONTH}\s\d{{1,2}}(?:st|nd|rd|th)?,?\s\d{{4}}(?!\d)"  # March 14, 2021
)
_SKIP = {"script", "style", "noscript", "head", "template"}
# Locales whose pages write 12/10/2020 for December 10: American English, and English without a
# region (most such pages are American); British, Irish, Indian, Australian... English put the day first.
_DAY_FIRST_ENGLISH = {"gb", "uk", "ie", "in", "au", "nz", "za", "sg", "hk", "pk", "ng", "ke"}


def month_first(locale: str | None) -> bool:
    parts = (locale or "").replace("_", "-").lower().split("-")
    return parts[0] == "en" and (len(parts) < 2 or parts[1] not in _DAY_FIRST_ENGLISH)


@dataclass(frozen=True)
class ShownDate:
    offset: int  # characters of page text from the headline's start (negative: above it)
    date: str  # YYYY-MM-DD


def _texts(element, skip: set) -> Iterator[tuple[str, Any]]:
    """The page's text pieces in reading order, each with the element it is in."""
    if not isinstance(element.tag, str) or element.tag in skip:
        if element.tail:
            yield element.tail, element.getparent()
        return
    if element.text:
        yield element.text, element
    for child in element:
        yield from _texts(child, skip)
    if element.tail:
        yield element.tail, element.getparent()


def _valid(year: int, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _read(m: re.Match, locale: str | None) -> str | None:
    if m["d"]:
        year = int(m["y"])
        return _valid(year + 2000 if year < 100 else year, int(m["m"]), int(m["d"]))
    if m["iy"]:
        return _valid(int(m["iy"]), int(m["im"]), int(m["id"]))
    if m["s1"]:
        a, b = int(m["s1"]), int(m["s2"])
        return _valid(int(m["sy"]), *((a, b) if month_first(locale) else (b, a)))
    parsed = parse_date(m[0], (locale or "")[:2].lower() or None)
    return parsed.value if parsed and parsed.precision == "day" else None


def shown_dates(tree, headline, locale: str | None) -> list[ShownDate]:
    """The dates printed near `headline` (an element of `tree`), in reading order, read in the
    page's declared `locale` ("de", "en-GB", "fr_FR")."""
    if headline is None:
        return []
    pieces, start, length = [], None, 0
    for text, owner in _texts(tree, _SKIP):
        if start is None and owner is not None and (owner is headline or headline in owner.iterancestors()):
            start = length
        pieces.append((length, text))
        length += len(text)
    if start is None:
        return []
    out = []
    for at, text in pieces:
        if not NEAR[0] <= at - start <= NEAR[1] + len(text):
            continue
        for m in _DATE.finditer(text):
            offset = at + m.start() - start
            value = _read(m, locale) if NEAR[0] <= offset <= NEAR[1] else None
            if value:
                out.append(ShownDate(offset, value))
    return out


def _days(a: str, b: str | None) -> int:
    if not b or not re.match(r"\d{4}-\d{2}-\d{2}", b):
        return 10**6
    return abs((dt.date.fromisoformat(a[:10]) - dt.date.fromisoformat(b[:10])).days)


def printed_date(published: str | None, modified: str | None, shown: list[ShownDate]) -> str | None:
    """The first date shown beside the headline when the metadata bears it out, else `published`."""
    if not shown or not published:
        return published
    first = shown[0].date
    if any(s.date == published[:10] for s in shown):  # the page also prints it: its date after all
        return published
    if min(_days(first, published), _days(first, modified)) <= DAYS_OFF:  # the modified day itself too
        return first
    return published


def headline_element(tree, titles: list[str]):
    """The <h1> the page's own titles name (the longest whose text its <title> or declared title
    holds: not the site name they also hold), else its first <h1>."""
    keys = [" ".join(t.split()).casefold() for t in titles if t]
    first, named, longest = None, None, 0
    for h1 in tree.iter("h1"):
        text = " ".join("".join(h1.itertext()).split()).casefold()
        if not text:
            continue
        first = first if first is not None else h1
        if len(text) > longest and any(text in key for key in keys):
            named, longest = h1, len(text)
    return named if named is not None else first
