"""Paragraph structure of normalized plain text, and a title derived from it.

Lines are the unit (seed 002 puts one paragraph per line); blank lines separate blocks. A block
of hard-wrapped lines (most lines stop mid-sentence) is one paragraph. Short lines without
closing punctuation are headings; bullet or numbered lines are list items.
"""

from __future__ import annotations

import re

from newsclaims.corpus.document import Paragraph

_LIST_ITEM = re.compile(r"(?:[-*•·‣◦–]|\d{1,3}[.)]|[a-z][)])\s+\S")
_MARKDOWN_HEADING = re.compile(r"#{1,6}\s+\S")
_CLOSING = "\"'”’»)]"
_TERMINAL = ".,;:!?…"
HEADING_MAX_CHARS = 120
HEADING_MAX_WORDS = 16
TITLE_MAX_CHARS = 160
_LINE = re.compile(r"[^\n]+")
_SENTENCE_END = re.compile(r"(?<![\s.][A-Z])(?<!\b(?:Mr|Ms|Dr|St|Jr|Sr|vs))[.!?…][\"'”’»)]*(?=\s+\S)")


def _ends_sentence(line: str) -> bool:
    return line.rstrip(_CLOSING)[-1:] in _TERMINAL if line.rstrip(_CLOSING) else False


def is_list_item(line: str) -> bool:
    return bool(_LIST_ITEM.match(line))


def is_heading(line: str) -> bool:
    if _MARKDOWN_HEADING.match(line):
        return True
    if is_list_item(line) or len(line) > HEADING_MAX_CHARS or len(line.split()) > HEADING_MAX_WORDS:
        return False
    first = next((ch for ch in line if ch.isalnum()), "")
    return bool(first) and not first.islower() and not _ends_sentence(line)


def _blocks(text: str) -> list[list[tuple[int, int]]]:
    """Line spans grouped into blank-line separated blocks."""
    blocks: list[list[tuple[int, int]]] = []
    previous_end = None
    for m in _LINE.finditer(text):
        if previous_end is None or text.count("\n", previous_end, m.start()) > 1:
            blocks.append([])
        blocks[-1].append(m.span())
        previous_end = m.end()
    return blocks


def _hard_wrapped(text: str, lines: list[tuple[int, int]]) -> bool:
    if len(lines) < 3:
        return False
    body = [text[s:e] for s, e in lines[:-1] if not is_list_item(text[s:e])]
    open_ended = sum(1 for line in body if not _ends_sentence(line) and len(line) >= 30)
    return open_ended > len(body) / 2


def segment(text: str) -> list[Paragraph]:
    """Paragraphs of `text` with their kind; offsets are code points (text[start:end])."""
    paragraphs: list[Paragraph] = []
    blocks = _blocks(text)
    n_lines = sum(len(b) for b in blocks)
    for lines in blocks:
        if _hard_wrapped(text, lines):
            current: tuple[int, int, str] | None = None
            for s, e in lines:
                if is_list_item(text[s:e]) or current is None:
                    if current:
                        paragraphs.append(Paragraph(current[0], current[1], current[2]))
                    current = (s, e, "list_item" if is_list_item(text[s:e]) else "paragraph")
                else:
                    current = (current[0], e, current[2])
            if current:
                paragraphs.append(Paragraph(current[0], current[1], current[2]))
            continue
        for s, e in lines:
            line = text[s:e]
            kind = "list_item" if is_list_item(line) else "heading" if n_lines > 1 and is_heading(line) else "paragraph"
            paragraphs.append(Paragraph(s, e, kind))
    return paragraphs


def first_sentence(paragraph: str) -> str:
    m = _SENTENCE_END.search(paragraph)
    sentence = paragraph[: m.end()] if m else paragraph
    if len(sentence) <= TITLE_MAX_CHARS:
        return sentence
    cut = sentence[: TITLE_MAX_CHARS - 1].rsplit(" ", 1)[0].rstrip(",;:—– ")
    return cut + "…"


def derive_title(text: str, paragraphs: list[Paragraph]) -> tuple[str | None, str | None]:
    """(title, title_source) for text that came without a title: its leading heading, else its
    first sentence (shortened to TITLE_MAX_CHARS)."""
    if not paragraphs:
        return None, None
    first = paragraphs[0]
    line = text[first.start : first.end]
    if first.kind == "heading":
        return line.lstrip("#").strip(), "first_heading"
    return first_sentence(line.replace("\n", " ")), "first_sentence"
