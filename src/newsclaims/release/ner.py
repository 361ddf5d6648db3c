"""Tokens with offsets and BIO tags from gold entity spans, for token classification.

The tokenizer is a small regex (words, numbers with inner punctuation like 1,000 or 70.2, and
single punctuation marks); no model is needed, so it runs offline and is reproducible.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from newsclaims.release.gold import GoldSpan

# A word: letters/digits joined by inner . or , (so "1,000" and "70.2" stay whole). Hyphens split
# ("Russia-Ukraine" -> Russia, -, Ukraine) because annotators label the parts of such compounds;
# a trailing "'s" is split off as its own token because entity spans usually stop before it.
TOKEN_RE = re.compile(r"\w+(?:[.,]\w+)*|['’]\w+|[^\w\s]")


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int


def tokenize(text: str) -> list[Token]:
    return [Token(m.group(), m.start(), m.end()) for m in TOKEN_RE.finditer(text)]


def bio_tags(tokens: list[Token], spans: Iterable[GoldSpan]) -> list[str]:
    """B-/I-/O per token. A token belongs to a span if they overlap; earlier (then longer) spans
    win where spans nest or overlap, since BIO cannot express both."""
    tags = ["O"] * len(tokens)
    for span in sorted(spans, key=lambda s: (s.start, -(s.end - s.start), s.label)):
        inside = [i for i, t in enumerate(tokens) if t.start < span.end and span.start < t.end]
        if not inside or any(tags[i] != "O" for i in inside):
            continue
        tags[inside[0]] = f"B-{span.label}"
        for i in inside[1:]:
            tags[i] = f"I-{span.label}"
    return tags
