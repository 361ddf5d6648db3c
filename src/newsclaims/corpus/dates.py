"""Dates written out in an article's own language ("14 mars 2025", "March 14", "14 марта"),
read by dateparser. A date without a year is kept as a month and day, never given a guessed year.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

# dateparser's own language list is large; these are the ones the header parser is tested in,
# tried after the article's language so that an English dateline in a German paper still reads.
FALLBACK_LANGUAGES = ("en", "fr", "de", "es", "ru", "it", "pt", "nl", "pl", "uk")
_HAS_DIGIT = re.compile(r"\d")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")


@dataclass(frozen=True)
class ParsedDate:
    value: str  # YYYY-MM-DD, or --MM-DD when the text has no year
    precision: str  # day | month-day


@functools.cache
def _parser(languages: tuple[str, ...], require: tuple[str, ...]):
    from dateparser.date import DateDataParser  # heavy: imported when a header needs a date

    settings = {
        "REQUIRE_PARTS": list(require),
        "PREFER_DAY_OF_MONTH": "first",
        "RETURN_AS_TIMEZONE_AWARE": False,
        "PARSERS": ["custom-formats", "absolute-time"],  # no "yesterday", no "3 days ago"
        "STRICT_PARSING": False,
    }
    return DateDataParser(languages=list(languages), settings=settings, try_previous_locales=False)


def _languages(language: str | None) -> tuple[str, ...]:
    first = (language,) if language and language in FALLBACK_LANGUAGES else ()
    return first + tuple(lang for lang in FALLBACK_LANGUAGES if lang not in first)


def _get(text: str, languages: tuple[str, ...], require: tuple[str, ...]):
    try:
        data = _parser(languages, require).get_date_data(text)
    except (ValueError, OverflowError, TypeError):
        return None
    return data.date_obj


def parse_date(text: str, language: str | None = None) -> ParsedDate | None:
    """The date `text` spells (its whole point: a dateline's date part or a line of its own)."""
    text = text.strip().strip(".,;:-–— ")
    if not _HAS_DIGIT.search(text) or len(text) > 60:
        return None
    m = _ISO.match(text)
    if m:
        return ParsedDate(f"{m[1]}-{m[2]}-{m[3]}", "day")
    languages = _languages(language)
    full = _get(text, languages, ("day", "month", "year"))
    if full is not None:
        return ParsedDate(full.date().isoformat(), "day")
    month_day = _get(text, languages, ("day", "month"))
    if month_day is not None and not re.search(r"\b\d{4}\b", text):
        return ParsedDate(f"--{month_day.month:02d}-{month_day.day:02d}", "month-day")
    return None  # a month alone ("March 2025") is not a publication date
