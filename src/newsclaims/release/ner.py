"""Tokens with offsets and BIO tags from gold entity spans, for token classification.

The tokenizer is a small regex (words, numbers with inner punctuation like 1,000 or 70.2, and
single punctuation marks); no model is needed, so it runs offline and is reproducible.
Tokens are kept as columns (texts, starts, ends), not one object per token: a release has
millions of tokens, and the columns are what the parquet file stores anyway.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from newsclaims.release.gold import GoldSpan

# A word: letters/digits joined by inner . or , (so "1,000" and "70.2" stay whole). Hyphens split
# ("Russia-Ukraine" -> Russia, -, Ukraine) because annotators label the parts of such compounds;
# a trailing "'s" is split off as its own token because entity spans usually stop before it.
# Abbreviations keep their periods: letters each followed by one ("U.S.", "e.g."), and an
# initial, a capital and its period before a capitalized word ("Albert P. Khorev").
TOKEN_RE = re.compile(r"(?:[^\W\d_]\.){2,}|[A-Z]\.(?=\s+[A-Z])|\w+(?:[.,]\w+)*|['’]\w+|[^\w\s]")
# The tokenizer of releases before 0.4.0 (abbreviations split: "U.S" + "."): hydrating such a
# release must cut its text as it was cut.
TOKEN_RE_V1 = re.compile(r"\w+(?:[.,]\w+)*|['’]\w+|[^\w\s]")
# The same pattern as one capturing group: `split` then returns gap, token, gap, ..., gap, all
# in C, and the offsets follow from the running sum of the pieces' lengths.
_SPLIT_RE = re.compile(f"({TOKEN_RE.pattern})")
_SPLIT_RE_V1 = re.compile(f"({TOKEN_RE_V1.pattern})")


@dataclass(frozen=True)
class Tokens:
    texts: list[str]
    starts: np.ndarray  # int32 code point offsets into the document text
    ends: np.ndarray

    def __len__(self) -> int:
        return len(self.texts)


def tokenize(text: str) -> Tokens:
    """The TOKEN_RE matches of `text`, in order (the same as `TOKEN_RE.finditer`)."""
    return _tokenize(text, _SPLIT_RE)


def tokenize_v1(text: str) -> Tokens:
    return _tokenize(text, _SPLIT_RE_V1)


def _tokenize(text: str, split_re: re.Pattern) -> Tokens:
    pieces = split_re.split(text)
    # Where each piece ends; numpy, not a Python int per token (pyarrow reads the array as is).
    offsets = np.cumsum(np.fromiter(map(len, pieces), dtype=np.int64, count=len(pieces)), dtype=np.int64)
    return Tokens(texts=pieces[1::2], starts=offsets[0:-1:2].astype(np.int32), ends=offsets[1::2].astype(np.int32))


def tokenize_span(text: str, start: int, end: int) -> Tokens:
    """The tokens of text[start:end] with offsets into `text`: a sentence's tokens never run
    into the next sentence (the glued "children.The" is two sentences, so two tokens)."""
    t = tokenize(text[start:end])
    return Tokens(texts=t.texts, starts=t.starts + np.int32(start), ends=t.ends + np.int32(start))


def bio_tags(tokens: Tokens, spans: Iterable[GoldSpan]) -> list[str]:
    """B-/I-/O per token. A token belongs to a span if they overlap; earlier (then longer) spans
    win where spans nest or overlap, since BIO cannot express both."""
    spans = list(spans)
    names = ["O", *(f"{p}-{label}" for label in sorted({s.label for s in spans}) for p in "BI")]
    ids = bio_tag_ids(tokens, spans, {name: i for i, name in enumerate(names)})
    return [names[i] for i in ids.tolist()]


def bio_tag_ids(tokens: Tokens, spans: Iterable[GoldSpan], tag_ids: Mapping[str, int]) -> np.ndarray:
    """`bio_tags` as ids (`tag_ids`: tag name -> ClassLabel id), one int64 array per document:
    what the parquet file stores, without a string per token."""
    tags = np.full(len(tokens), tag_ids["O"], dtype=np.int64)
    spans = sorted(spans, key=lambda s: (s.start, -(s.end - s.start), s.label))
    # Tokens are sorted and disjoint: the overlapping ones are those ending after the span
    # starts and starting before it ends, a contiguous range.
    firsts = np.searchsorted(tokens.ends, [s.start for s in spans], side="right").tolist()
    stops = np.searchsorted(tokens.starts, [s.end for s in spans], side="left").tolist()
    # A span is skipped if one of its tokens is tagged already. Spans come by start, so their
    # first tokens never decrease and accepted ranges never overlap: a token of this span is
    # tagged exactly when the furthest accepted range ends after its first token.
    furthest = 0
    for span, first, stop in zip(spans, firsts, stops):
        if first >= stop or furthest > first:
            continue
        furthest = stop
        tags[first] = tag_ids[f"B-{span.label}"]
        tags[first + 1 : stop] = tag_ids[f"I-{span.label}"]
    return tags
