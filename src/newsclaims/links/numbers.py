"""The numbers, money amounts and dates a claim asserts, normalized so two wordings compare.

"1,000" = "one thousand" = "1000"; "$70.2 billion" = "70.2 billion dollars"; "more than 6,000"
is 6,000 with a lower-bound qualifier, compatible with 6,060 but not equal to it; "119 states"
and "119 countries" count the same unit. Number words go through text2num's `alpha2digit`
(the field's converter); what it leaves (digits with a scale word, currency, units, months and
years) is read here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "bn": 1e9, "mln": 1e6}
CURRENCY_WORDS = {"dollar": "USD", "usd": "USD", "euro": "EUR", "eur": "EUR", "ruble": "RUB", "rouble": "RUB"}
CURRENCY_SIGNS = {"$": "USD", "€": "EUR", "£": "GBP", "₽": "RUB"}
# Words that count the same thing: the unit of "119 states" is the unit of "119 countries".
UNIT_SYNONYMS = {"state": "country", "nation": "country", "delegation": "country", "body": "remains"}
# A qualifier makes the figure a bound or an estimate: (kind, relative tolerance).
QUALIFIERS = {
    "more than": "min",
    "over": "min",
    "at least": "min",
    "upwards of": "min",
    "fewer than": "max",
    "less than": "max",
    "under": "max",
    "up to": "max",
    "about": "approx",
    "around": "approx",
    "approximately": "approx",
    "nearly": "approx",
    "almost": "approx",
    "some": "approx",
    "roughly": "approx",
}
APPROX_TOLERANCE = 0.1
MONTHS = {
    m: i
    for i, m in enumerate(
        "january february march april may june july august september october november december".split(), 1
    )
}

_QUAL = "|".join(sorted(QUALIFIERS, key=len, reverse=True))
_NUMBER_RE = re.compile(
    rf"(?:(?P<qual>{_QUAL})\s+)?(?P<sign>[$€£₽])?\s?(?P<num>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    rf"(?:\s*(?P<scale>{'|'.join(SCALES)}|1000000000000|1000000000|1000000|1000)\b)?"
    r"(?P<rest>(?:\s+[A-Za-z][\w'-]*){0,2})",
    re.IGNORECASE,
)
_DATE_RE = re.compile(rf"\b(?P<month>{'|'.join(MONTHS)})\b(?:\s+(?P<day>\d{{1,2}})\b)?", re.IGNORECASE)
_YEAR_RE = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_SKIP_UNIT = {"of", "and", "the", "in", "to", "from", "since", "for", "on", "at", "by", "who", "that"}


@dataclass(frozen=True, order=True)
class Quantity:
    """One figure: `value` in units (scale applied), `unit` a lemma or currency code."""

    value: float
    unit: str | None = None
    money: bool = False
    bound: str | None = None  # min | max | approx | None (exact)

    def label(self) -> str:
        qual = {"min": "> ", "max": "< ", "approx": "~"}.get(self.bound or "", "")
        number = f"{self.value:,.0f}" if self.value == int(self.value) else f"{self.value:,}"
        return f"{qual}{number}{' ' + self.unit if self.unit else ''}"


@dataclass(frozen=True)
class ClaimFigures:
    quantities: tuple[Quantity, ...]
    dates: frozenset[str]  # "2025", "m05", "m05-31"

    @property
    def empty(self) -> bool:
        return not self.quantities and not self.dates


def _lemma(word: str) -> str:
    w = word.casefold().strip("'-")
    for suffix, repl in (("ies", "y"), ("s", "")):
        if w.endswith(suffix) and len(w) > len(suffix) + 2:
            w = w[: -len(suffix)] + repl
            break
    return UNIT_SYNONYMS.get(w, w)


def _unit(rest: str) -> tuple[str | None, str | None]:
    """(currency, unit) from the words after a figure: '70.2 billion dollars', '6,000 Ukrainian soldiers'."""
    words = [w for w in rest.split() if w]
    if not words:
        return None, None
    first = _lemma(words[0])
    if first in CURRENCY_WORDS:
        return CURRENCY_WORDS[first], None
    if first in _SKIP_UNIT or first in MONTHS:
        return None, None
    # "6,060 Ukrainian soldiers": a capitalized adjective before the counted noun is skipped.
    if len(words) > 1 and words[0][:1].isupper() and _lemma(words[1]) not in _SKIP_UNIT:
        return None, _lemma(words[1])
    return None, first


def figures(text: str) -> ClaimFigures:
    """Every figure and date in `text`, years and day-of-month numbers kept out of the quantities."""
    from text_to_num import alpha2digit

    digits = alpha2digit(text, "en")
    dates: set[str] = {y for y in _YEAR_RE.findall(digits)}
    day_spans: list[tuple[int, int]] = []
    for m in _DATE_RE.finditer(digits):
        month = MONTHS[m.group("month").casefold()]
        # "may" is also a verb: only a capitalized May counts as the month.
        if m.group("month").casefold() == "may" and not m.group("month")[0].isupper():
            continue
        dates.add(f"m{month:02d}")
        if m.group("day"):
            dates.add(f"m{month:02d}-{int(m.group('day')):02d}")
            day_spans.append(m.span("day"))
    quantities: set[Quantity] = set()
    for m in _NUMBER_RE.finditer(digits):
        if any(a <= m.start("num") < b for a, b in day_spans) or _YEAR_RE.fullmatch(m.group("num")):
            if not m.group("sign"):
                continue
        value = float(m.group("num").replace(",", ""))
        scale = m.group("scale")
        if scale:
            value *= SCALES.get(scale.casefold(), float(scale) if scale.isdigit() else 1.0)
        currency, unit = _unit(m.group("rest") or "")
        sign = CURRENCY_SIGNS.get(m.group("sign") or "")
        money = bool(sign or currency)
        qual = m.group("qual")
        quantities.add(
            Quantity(
                value=value,
                unit=sign or currency if money else unit,
                money=money,
                bound=QUALIFIERS.get(qual.casefold()) if qual else None,
            )
        )
    return ClaimFigures(tuple(sorted(quantities)), frozenset(dates))


def compatible(a: Quantity, b: Quantity) -> bool:
    """Could both wordings describe one figure? 'more than 6,000' and '6,060': yes."""
    if a.value == b.value:
        return True
    for x, y in ((a, b), (b, a)):
        if x.bound == "min" and y.value >= x.value and y.value <= x.value * (1 + APPROX_TOLERANCE):
            return True
        if x.bound == "max" and y.value <= x.value and y.value >= x.value * (1 - APPROX_TOLERANCE):
            return True
        if x.bound == "approx" and abs(y.value - x.value) <= APPROX_TOLERANCE * x.value:
            return True
    return False


def same_thing(a: Quantity, b: Quantity) -> bool:
    """Do the two figures count the same thing (both money in one currency, or one unit)?"""
    if a.money or b.money:
        return a.money and b.money and a.unit == b.unit
    return a.unit is not None and a.unit == b.unit
