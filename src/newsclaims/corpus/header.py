"""Metadata that articles carry at the top of their text (agency headers, datelines).

`split_header(text)` returns what it recognized and the text without it; the caller records
the removed header so nothing is lost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date as Date

# "date 2025-09-23 ISLAMABAD, (UrduPoint / Pakistan Point News - 23rd Sep, 2025) "
_DATED_AGENCY = re.compile(
    r"date (?P<date>\d{4}-\d{2}-\d{2}) (?P<dateline>[^\W\d_][^,()\n]{0,40}?), "
    r"\((?P<source>[^()\n]{2,80}?) - [^()\n]{4,30}\)[ \t]*"
)
# "ISLAMABAD — ", "KYIV, Ukraine (AP) — ", "WASHINGTON (Reuters) - ", "PARIS -- "
_DATELINE = re.compile(
    r"(?P<dateline>[^\W\d_][^\W\d_.'’ -]*(?:[ .'’-]{1,2}[^\W\d_]+){0,4}\.?)"
    r"(?:, (?P<region>[^\W\d_][^()\n—–,]{0,30}?))?"
    r"(?: \((?P<source>[^()\n]{1,40})\))?"
    r" ?(?:—|–|--?) +"
)


@dataclass(frozen=True)
class Header:
    text: str  # exactly what was removed from the start of the text
    date: str | None = None
    dateline: str | None = None
    source: str | None = None


def _valid_iso_date(value: str) -> bool:
    try:
        Date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _match_header(text: str) -> Header | None:
    m = _DATED_AGENCY.match(text)
    if m and m["dateline"].strip().isupper() and _valid_iso_date(m["date"]):
        return Header(m[0], m["date"], m["dateline"].strip(), m["source"].strip())
    m = _DATELINE.match(text)
    if m and m["dateline"].isupper() and len(m["dateline"]) >= 2:
        return Header(m[0], None, m["dateline"].rstrip("."), m["source"])
    return None


def split_header(text: str) -> tuple[Header | None, str]:
    """The header at the very start of `text` (if any) and the rest of the text."""
    header = _match_header(text)
    if header is None:
        return None, text
    rest = text[len(header.text) :].lstrip()
    if not rest or rest[0].islower():  # whole text, or a sentence like "NATO — it said": not a header
        return None, text
    return Header(text[: len(text) - len(rest)].rstrip(), header.date, header.dateline, header.source), rest
