"""How `make eval-inputs` compares an answer with the evaldata gold: one rule for us and for
trafilatura. trafilatura's own tests (tests/eval_authors.py) compare exact strings; ours forgives
only what a reader does not see or would not call a different answer: case, typography, invisible
characters, the order and joining of several names, and what a byline prints around them (a
leading "By"/"Von", a closing full stop, a degree). Dates are compared exactly, on pages
whose gold is a calendar date (a few gold values are typos such as "2022-29-11": no answer can
equal them, so they are listed and left out for both).
"""

from __future__ import annotations

import datetime as dt
import re

HOLD_OUT_EVERY = 5  # every 5th page (in sorted order) is held out: reported apart, not used to write rules

# Typography is not what is measured: quotes, dashes and ellipses are compared as ASCII.
_TYPOGRAPHY = str.maketrans(
    {"’": "'", "‘": "'", "´": "'", "“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "–": "-", "—": "-"}
)
# Soft hyphens and zero-width characters are invisible: not part of what a reader sees.
_INVISIBLE = re.compile("[\u00ad\u200b-\u200d\u2060\ufeff]")


def norm(value: str | None) -> str:
    text = _INVISIBLE.sub("", (value or "").translate(_TYPOGRAPHY)).replace("…", "...")
    return re.sub(r"\s+", " ", text).strip().casefold()


# What a byline prints around the names, not part of any: "Von Roland Brockmann", "Rodolfo
# Costa.", the degree after "Michael L. Anderson, PhD".
_BY_WORD = re.compile(r"^(?:by|von|par|por)\s+")
_DEGREES = {"phd", "ph.d.", "ph.d", "md", "m.d.", "msc", "mba"}


def people(names: list[str]) -> list[str]:
    """Names one by one, however a page or the gold joins them ("A; B", "A and B", "A, B",
    agencies "det/dpa")."""
    parts = [p for n in names for p in re.split(r"\s*(?:;|,|/| and | und | y | et | & )\s*", norm(n))]
    parts = [_BY_WORD.sub("", p).rstrip(".") if p not in _DEGREES else "" for p in parts]
    return sorted(p for p in parts if p)


def authors_equal(ours: list[str], gold: str) -> bool:
    return people(ours) == people([gold])


def gold_date(value: str) -> dt.date | None:
    """The gold's YYYY-MM-DD as a date; None when it is not one."""
    try:
        return dt.date.fromisoformat(value) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else None
    except ValueError:
        return None
