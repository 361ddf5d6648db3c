"""Metadata that articles carry at the top of their text: byline and date lines, agency headers
and datelines, in the shapes agencies and papers use:

    By Jane Smith and John Doe            Jane Smith, Staff Writer        Par Jean Dupont
    March 14, 2025                        Publié le 14 mars 2025
    GENEVA, 14 March 2025 (Wire Desk) —   PARIS, 14 mars 2025 (AFP) -     LONDON, March 14 (Reuters) -
    KYIV, Ukraine (AP) —                  Berlin (dpa) -                  МОСКВА, 14 марта. /ТАСС/.
    date 2025-09-23 ISLAMABAD, (UrduPoint / Pakistan Point News - 23rd Sep, 2025)

`split_header(text, language)` returns what it recognized and the text without it; a title line
above a byline stays in the text. The caller records what was removed, so nothing is lost.
Bump normalize.NORMALIZER_VERSION when the output can change for some input (it is what tells
a build that the parent version's records cannot be reused).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date as Date

from newsclaims.corpus.byline import byline
from newsclaims.corpus.dates import parse_date

# "date 2025-09-23 ISLAMABAD, (UrduPoint / Pakistan Point News - 23rd Sep, 2025) "
_DATED_AGENCY = re.compile(
    r"date (?P<date>\d{4}-\d{2}-\d{2}) (?P<dateline>[^\W\d_][^,()\n]{0,40}?), "
    r"\((?P<source>[^()\n]{2,80}?) - [^()\n]{4,30}\)[ \t]*"
)
_CITY = r"[^\W\d_][^\W\d_.'’ -]*(?:[ .'’-]{1,2}[^\W\d_]+){0,4}\.?"
_PART = r"[^()\n—–,/]{1,40}?"
_RU_AGENCIES = r"РИА Новости|ТАСС|Интерфакс|ПРАЙМ|РБК"
# "ISLAMABAD — ", "KYIV, Ukraine (AP) — ", "LONDON, March 14 (Reuters) - ", "Madrid, 14 mar (EFE).- ",
# "МОСКВА, 14 марта. /ТАСС/. ", "МОСКВА, 14 мар — РИА Новости. "
_DATELINE = re.compile(
    rf"(?P<dateline>{_CITY})"
    rf"(?:, (?P<p1>{_PART}))?(?:, (?P<p2>{_PART}))?"
    r"(?: ?\((?P<source>[^()\n]{1,40})\)|\.? /(?P<slashed>[^/\n]{2,30})/)?"
    rf"(?: ?(?:—|–|--?|\.-)(?: (?P<after>{_RU_AGENCIES})\.)?|(?<=/)\.) +"
)
_DATE_LINE_PREFIX = re.compile(
    r"^(?:(?:published|updated|posted|publié|mis à jour|veröffentlicht|aktualisiert|publicado|actualizado|"
    r"опубликовано|обновлено)(?: on| le| am| el)?:? )",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Header:
    text: str  # exactly what was removed from the text
    start: int = 0  # where it was in the text (after a title line it is not 0)
    date: str | None = None  # YYYY-MM-DD, or --MM-DD for a date without its year
    date_precision: str | None = None  # day | month-day
    dateline: str | None = None
    source: str | None = None
    authors: tuple[str, ...] = ()


def _valid_iso_date(value: str) -> bool:
    try:
        Date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _dateline(text: str, language: str | None) -> Header | None:
    m = _DATED_AGENCY.match(text)
    if m and m["dateline"].strip().isupper() and _valid_iso_date(m["date"]):
        return Header(m[0], 0, m["date"], "day", m["dateline"].strip(), m["source"].strip())
    m = _DATELINE.match(text)
    if not m or len(m["dateline"]) < 2:
        return None
    source = m["source"] or m["slashed"] or m["after"]
    city = m["dateline"].rstrip(".")
    # A city in capitals, or an agency's "Berlin (dpa) -": a capitalized word alone is a sentence.
    if not (city.isupper() or (source and city[0].isupper() and (m["p1"] or m["source"]))):
        return None
    if not m["source"] and source and not m["p1"]:
        return None
    date = precision = region = None
    for part in (m["p1"], m["p2"]):
        if part is None:
            continue
        parsed = parse_date(part, language) if re.search(r"\d", part) else None
        if parsed is not None and date is None:
            date, precision = parsed.value, parsed.precision
        elif parsed is None and region is None and not re.search(r"\d", part) and part[:1].isupper():
            region = part.strip()
        else:
            return None  # "WASHINGTON, 1,200 workers -": not a dateline
    return Header(m[0], 0, date, precision, city, source.strip() if source else None)


def _date_line(line: str, language: str | None):
    if len(line) > 100:  # a paragraph: no need to look further
        return None
    line = _DATE_LINE_PREFIX.sub("", line.strip())
    if len(line) > 60 or not re.search(r"\d", line):
        return None
    if re.fullmatch(r"[\d\s.,:/-]+", line) and not re.search(r"\d{4}", line):
        return None  # "14, 15": a list of numbers
    return parse_date(line, language)


def _lines(text: str, start: int, count: int) -> list[tuple[int, int]]:
    """(start, end) of the next `count` non-blank lines from `start`."""
    out: list[tuple[int, int]] = []
    pos = start
    while len(out) < count and pos < len(text):
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end
        if not text[pos : min(end, pos + 200)].isspace() and pos != end:
            out.append((pos, end))
        pos = end + 1
    return out


def _match_header(text: str, language: str | None) -> Header | None:
    lines = _lines(text, 0, 4)
    if not lines:
        return None

    def is_meta(span: tuple[int, int]) -> bool:
        line = text[span[0] : span[1]]
        return byline(line) is not None or _date_line(line, language) is not None

    # A title line above a byline or date line stays: it is the article's title.
    first = 1 if len(lines) > 1 and not is_meta(lines[0]) and is_meta(lines[1]) else 0
    if first and _dateline(text, language) is not None:
        first = 0
    authors: list[str] = []
    date = precision = None
    end = lines[first][0]
    for s, e in lines[first : first + 3]:
        line = text[s:e]
        names = byline(line)
        parsed = None if names else _date_line(line, language)
        if names and not authors:
            authors = names
        elif parsed is not None and date is None:
            date, precision = parsed.value, parsed.precision
        else:
            break
        end = e
    start = lines[first][0]
    body = end
    while body < len(text) and text[body].isspace():
        body += 1
    found = _dateline(text[body:], language)
    if found is None and end == start:
        return None
    stop = body + len(found.text) if found else end
    if found and found.date and not (date and not date.startswith("--")):
        date, precision = found.date, found.date_precision
    return Header(
        text[start:stop],
        start,
        date,
        precision,
        found.dateline if found else None,
        found.source if found else None,
        tuple(authors),
    )


def split_header(text: str, language: str | None = None) -> tuple[Header | None, str]:
    """The header near the start of `text` (if any) and the text without it."""
    header = _match_header(text, language)
    if header is None:
        return None, text
    head = text[: header.start].rstrip()
    head = head + "\n\n" if head else ""
    rest = text[header.start + len(header.text) :].lstrip()
    if not rest or rest[0].islower():  # whole text, or a sentence like "NATO — it said": not a header
        return None, text
    removed = text[header.start : len(text) - len(rest)].rstrip()
    return (
        Header(
            removed, header.start, header.date, header.date_precision, header.dateline, header.source, header.authors
        ),
        head + rest,
    )
