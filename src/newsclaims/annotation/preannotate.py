"""Rule-based pre-annotations, uploaded to Label Studio as predictions annotators start from.

Two sources of suggested entity spans:
- rules: DATE (months, weekdays, years, ISO dates), MONEY ($70.2 billion, USD 5m) and QUANTITY
  (1,000, over 1,000, 12%, seven);
- the project's lexicon: every entity string annotators already labelled (in submitted, not
  cancelled annotations), proposed wherever else it occurs as a whole word.
Annotators' lexicon wins over the rules where they overlap; among the rules MONEY > DATE > QUANTITY.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from label_studio_sdk.label_interface import LabelInterface

from newsclaims import __version__
from newsclaims.annotation import codec
from newsclaims.errors import NewsclaimsError
from newsclaims.schemas.controls import ENTITIES_NAME
from newsclaims.schemas.rule_labels import DATE, MONEY, QUANTITY
from newsclaims.schemas.taxonomy import Taxonomy

RULES_REVISION = 1  # bump when a rule below changes, so tasks get the new suggestions
MODEL_PREFIX = "newsclaims-rules-"
MIN_LEXICON_CHARS = 2
PREDICTION_ORIGIN = "prediction"

_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_MONTHS_ABBR = r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec"
_MONTH = rf"(?:{_MONTHS}|(?:{_MONTHS_ABBR})\.?)"
_WEEKDAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_YEAR = r"(?:1[89]\d\d|20\d\d)"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_SCALE = r"(?:thousand|million|billion|trillion|bn|mn|m|k)"
_COUNT_WORDS = (
    "two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
    "seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|"
    "hundreds|thousand|thousands|million|millions|billion|billions|dozen|dozens"
)
_APPROX = r"(?:(?:over|more than|less than|fewer than|about|around|nearly|almost|some|at least|up to|approximately)\s+)"
_CURRENCY_CODE = r"(?:USD|US\$|EUR|GBP|PKR|INR|RUB|CNY|JPY|Rs\.?)"
_CURRENCY_WORD = r"(?:dollars?|euros?|pounds?|rupees?|roubles?|rubles?|yuan|yen)"


def _rx(pattern: str, flags: int = 0) -> re.Pattern[str]:
    # Whole words only: no letter or digit may touch either end of a match.
    return re.compile(rf"(?<![\w$]){pattern}(?![\w%])", flags)


# (label, priority: lower wins, pattern)
RULES: tuple[tuple[str, int, re.Pattern[str]], ...] = (
    (MONEY, 1, _rx(rf"[$€£¥]\s?(?:{_NUMBER})(?:\s?{_SCALE}\b)?")),
    (MONEY, 1, _rx(rf"{_CURRENCY_CODE}\s?(?:{_NUMBER})(?:\s?{_SCALE}\b)?")),
    (MONEY, 1, _rx(rf"(?:{_NUMBER})(?:\s?{_SCALE})?\s{_CURRENCY_WORD}")),
    (DATE, 2, _rx(r"\d{4}-\d{2}-\d{2}")),
    (DATE, 2, _rx(rf"{_MONTH}\s{_DAY}(?:,?\s{_YEAR})?")),
    (DATE, 2, _rx(rf"{_DAY}\s{_MONTH}(?:,?\s{_YEAR})?")),
    (DATE, 2, _rx(rf"{_MONTH}\s{_YEAR}")),
    # A bare month, except "May" (a modal verb at the start of a sentence).
    (DATE, 2, _rx(r"(?:January|February|March|April|June|July|August|September|October|November|December)")),
    (DATE, 2, _rx(rf"(?:{_WEEKDAYS})")),
    (DATE, 2, _rx(_YEAR)),
    (QUANTITY, 3, _rx(rf"{_APPROX}?(?:{_NUMBER})(?:\s?(?:%|percent|per cent))")),
    (QUANTITY, 3, _rx(rf"{_APPROX}?(?:{_NUMBER})(?:\s(?:thousand|million|billion))?")),
    (QUANTITY, 3, _rx(rf"{_APPROX}?(?:{_COUNT_WORDS})", re.IGNORECASE)),
)


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    label: str
    priority: int = 0  # 0: from the project's own annotations

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end


def rule_spans(text: str) -> list[Span]:
    return [Span(m.start(), m.end(), label, prio) for label, prio, rx in RULES for m in rx.finditer(text)]


def lexicon_spans(text: str, lexicon: dict[str, str]) -> list[Span]:
    if not lexicon:
        return []
    # Longest strings first, so "Albert P. Khorev" is tried before "Khorev" at the same place.
    alternatives = "|".join(re.escape(s) for s in sorted(lexicon, key=lambda s: (-len(s), s)))
    rx = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")
    return [Span(m.start(), m.end(), lexicon[m.group()], 0) for m in rx.finditer(text)]


def select(spans: Iterable[Span]) -> list[Span]:
    """Non-overlapping spans: by priority, then longest first; returned in text order."""
    chosen: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.priority, -(s.end - s.start), s.start)):
        if not any(span.overlaps(c) for c in chosen):
            chosen.append(span)
    return sorted(chosen, key=lambda s: (s.start, s.end))


def suggest(text: str, lexicon: dict[str, str]) -> list[Span]:
    return select([*lexicon_spans(text, lexicon), *rule_spans(text)])


# ---- the project's lexicon ------------------------------------------------------------------


def lexicon_from_annotations(tasks: Iterable[tuple[str, list[dict]]], entity_names: tuple[str, ...]) -> dict[str, str]:
    """Entity string -> its most frequent label, from (task text, annotations) pairs.

    Only submitted, non-cancelled annotations count; offsets (not `value.text`) are the truth.
    """
    allowed = set(entity_names)
    votes: dict[str, Counter] = defaultdict(Counter)
    for text, task_annotations in tasks:
        for ann in task_annotations:
            if ann.get("was_cancelled"):
                continue
            # Offsets are the truth here, value.text is not compared (check_text=False).
            for region in codec.regions(ann.get("result") or [], text, ENTITIES_NAME, check_text=False):
                surface = region.text.strip()
                if region.label in allowed and len(surface) >= MIN_LEXICON_CHARS:
                    votes[surface][region.label] += 1
    # Most votes wins; ties go to the label listed first in the taxonomy (deterministic).
    order = {name: i for i, name in enumerate(entity_names)}
    return {s: min(c, key=lambda lab: (-c[lab], order[lab])) for s, c in sorted(votes.items())}


# ---- predictions ----------------------------------------------------------------------------


def model_version(taxonomy: Taxonomy, lexicon: dict[str, str]) -> str:
    """Names the rules, the taxonomy and the lexicon: a new one gets new suggestions uploaded."""
    base = f"{MODEL_PREFIX}t{taxonomy.version}-{__version__}-r{RULES_REVISION}"
    if not lexicon:
        return base
    digest = hashlib.sha256("\n".join(f"{s}\t{lab}" for s, lab in sorted(lexicon.items())).encode()).hexdigest()
    return f"{base}-lex{digest[:10]}"


def prediction_result(text: str, spans: list[Span]) -> list[dict]:
    regions = [
        codec.Region(f"p{i}", ENTITIES_NAME, s.label, s.start, s.end, text[s.start : s.end])
        for i, s in enumerate(spans)
    ]
    return codec.encode(regions, origin=PREDICTION_ORIGIN)


class PredictionBuilder:
    """Builds validated prediction payloads for task texts."""

    def __init__(self, taxonomy: Taxonomy, label_config: str, lexicon: dict[str, str]):
        self.interface = LabelInterface(label_config)
        self.lexicon = {s: lab for s, lab in lexicon.items() if lab in taxonomy.entity_names}
        self.model_version = model_version(taxonomy, self.lexicon)

    def build(self, text: str) -> dict | None:
        spans = suggest(text, self.lexicon)
        if not spans:
            return None
        prediction = {"model_version": self.model_version, "result": prediction_result(text, spans)}
        errors = self.interface.validate_prediction(prediction, return_errors=True)
        if errors:
            raise NewsclaimsError(f"pre-annotation does not fit the label config: {'; '.join(errors[:5])}")
        return prediction
