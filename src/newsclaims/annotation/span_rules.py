"""The claim span conventions that make a claim readable alone (annotation/GUIDELINES.md §7.3).

- Quotation marks both inside a span or both outside it: a span never opens a quotation it does
  not close, or closes one it did not open.
- The reporting verb stays out: a span never starts with "said", "accused", ... (read alone,
  "accused Kiev of X" is about an accusation, not about what Kiev did).

Checks (`quotes_balanced`, `reporting_verb`) and the mechanical boundary fixes a taxonomy
migration applies (`fix_quotes`, `drop_reporting_verb`). The verbs are English words, not
labels: they are listed here, not in the taxonomy.
"""

from __future__ import annotations

import re

OPEN_QUOTE, CLOSE_QUOTE, STRAIGHT_QUOTE = "“", "”", '"'

# Reporting verbs as a span's first word. Past forms, participles and third-person forms only:
# base forms such as "state", "report", "claim", "list" or "point" open ordinary noun phrases
# ("State media ...", "Claims of ...") and would be false alarms, and so would plural nouns
# spelt like a verb ("Calls for a ceasefire ...", "Thanks to ...", "Warning signs ...").
REPORTING_VERBS = frozenset(
    """
    said says saying told tells telling noted noting added adds adding stated stating
    claimed claiming argued argues arguing stressed stresses stressing emphasized emphasised emphasizes
    emphasizing emphasising warned warns insisted insists insisting explained explains explaining
    accused accuses accusing attributed attributes attributing criticized criticised criticizes
    criticising criticizing dismissed dismisses dismissing called calling cited cites citing
    pointed pointing praised praises praising thanked thanking denied denies denying rejected
    rejects rejecting highlighted highlighting described describes describing asserted
    asserts asserting listed blamed blames blaming urged urges urging reiterated reiterates
    reiterating recalled recalling underlined underlines underlining alleged alleges alleging
    announced announces announcing confirmed confirms confirming acknowledged acknowledges
    acknowledging suggested suggests suggesting mentioned mentioning remarked
    declared declares declaring contended contends admitted admits admitting reaffirmed reaffirms
    reaffirming expressed expresses expressing
    """.split()
)
_PRONOUNS = ("he", "she", "they", "we", "i", "it")
_WORD = re.compile(r"[\w’'-]+")
# After an opening mark the claim's own words may end with punctuation before the closing mark.
_CLOSE_AFTER = re.compile(r"[.,;:!?…]*" + CLOSE_QUOTE)


def _depths(span: str) -> tuple[int, int]:
    """(closing marks with no opening mark before them, opening marks left unclosed)."""
    unopened = depth = 0
    for ch in span:
        if ch == OPEN_QUOTE:
            depth += 1
        elif ch == CLOSE_QUOTE:
            if depth:
                depth -= 1
            else:
                unopened += 1
    return unopened, depth


def quotes_balanced(span: str) -> bool:
    return _depths(span) == (0, 0) and span.count(STRAIGHT_QUOTE) % 2 == 0


def reporting_verb(span: str) -> str | None:
    """The reporting verb a span starts with ("said", or "he said"), else None."""
    words = [w.lower() for w in _WORD.findall(span[:60])[:2]]
    if words and words[0] in REPORTING_VERBS:
        return words[0]
    if len(words) == 2 and words[0] in _PRONOUNS and words[1] in REPORTING_VERBS:
        return " ".join(words)
    return None


def drop_reporting_verb(text: str, start: int, end: int) -> int | None:
    """The new start of a span that opens with a reporting verb: after the verb (with a pronoun
    before it and a "that" after it); None if nothing would be left."""
    verb = reporting_verb(text[start:end])
    if verb is None:
        return start
    m = re.match(r"\s*" + r"\s+".join(map(re.escape, verb.split())) + r"\s+(?:that\s+)?", text[start:end], re.I)
    if m is None or start + m.end() >= end:
        return None
    return start + m.end()


def fix_quotes(text: str, start: int, end: int) -> tuple[int, int] | None:
    """(start, end) moved so the span's quotation marks balance, or None when no move at the
    edges does it. An unclosed opening mark takes in its closing mark when only punctuation
    separates them ("the “glorification of Nazism" -> "... Nazism.”"), else a leading one is
    left out; an unopened closing mark takes in the opening mark just before the span, else a
    trailing one is left out. A stray straight quote is taken in from either side."""
    if quotes_balanced(text[start:end]):
        return start, end
    unopened, unclosed = _depths(text[start:end])
    for _ in range(unclosed):
        m = _CLOSE_AFTER.match(text, end)
        if m is not None:
            end = m.end()
        elif text[start] == OPEN_QUOTE:
            start += 1
    for _ in range(unopened):
        if start > 0 and text[start - 1] == OPEN_QUOTE:
            start -= 1
        elif text[end - 1] == CLOSE_QUOTE:
            end -= 1
    if text[start:end].count(STRAIGHT_QUOTE) % 2:
        if text[end : end + 1] == STRAIGHT_QUOTE:
            end += 1
        elif start > 0 and text[start - 1] == STRAIGHT_QUOTE:
            start -= 1
    while start < end and text[start].isspace():
        start += 1
    return (start, end) if start < end and quotes_balanced(text[start:end]) else None
