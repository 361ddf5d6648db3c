"""The one text normalizer. Every stage that needs normalized text calls `normalize_text`.

Bump NORMALIZER_VERSION whenever the output of `normalize_text` can change for some input:
it is recorded in each version's manifest and part of the "did anything change?" check.
"""

from __future__ import annotations

import re
import unicodedata

import ftfy
from ftfy.badness import is_bad

NORMALIZER_VERSION = "1"

# Repair mojibake and line breaks, but keep typography: curly quotes, dashes, full-width
# characters and ligatures are what the author wrote. HTML entities are left alone in plain
# text (trafilatura already unescapes real HTML).
_FTFY = ftfy.TextFixerConfig(
    unescape_html=False,
    uncurl_quotes=False,
    fix_character_width=False,
    fix_latin_ligatures=False,
    normalization="NFC",
    explain=False,
)

_LINE_BREAK = re.compile("\r\n|[\r\u2028\u2029\x85\x0b\x0c]")
# Invisible characters that carry no meaning in news text: zero-width space, word joiner,
# BOM / zero-width no-break space, soft hyphen, Mongolian vowel separator.
_INVISIBLE = re.compile("[\u200b\u2060\ufeff\u00ad\u180e]")
_ZWJ, _ZWNJ, _VS16 = "\u200d", "\u200c", "\ufe0f"
_HSPACE_RUN = re.compile(r"[^\S\n]{2,}")
_BLANK_LINES = re.compile(r"\n{3,}")


# Cc minus newline/tab (Cc is exactly U+0000-001F and U+007F-009F); Cs are lone surrogates (not
# encodable as UTF-8); noncharacters. One regex pass instead of a category lookup per character.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# Text without any of these characters, already NFC and without mojibake (ftfy's own `is_bad`),
# is returned unchanged by ftfy with _FTFY's settings: controls, C1, line breaks it rewrites,
# terminal escapes, surrogates, the characters its remove_control_chars drops, and Ã/Â (its
# badness regex anchors "^[ÃÂ] " at each line, which a whole-text search would miss).
_FTFY_MAY_CHANGE = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\r\u2028\u2029\u206a-\u206f\ufeff"
                              "\ufff9-\ufffc\ud800-\udfff\u00c3\u00c2]")


def _fix_text(text: str) -> str:
    """ftfy only where it can change something: it is by far the slowest step on clean text."""
    if _FTFY_MAY_CHANGE.search(text) or not unicodedata.is_normalized("NFC", text) or is_bad(text):
        return ftfy.fix_text(text, _FTFY)
    return text


def _emojiish(ch: str) -> bool:
    return ch == _VS16 or unicodedata.category(ch) in ("So", "Sk")


def _keep_joiner(text: str, i: int) -> bool:
    """ZWJ glues emoji sequences and ZWNJ shapes Persian/Indic words: keep them only there."""
    if i == 0 or i == len(text) - 1:
        return False
    before, after = text[i - 1], text[i + 1]
    if text[i] == _ZWJ:
        return _emojiish(before) and _emojiish(after)
    return unicodedata.category(before)[0] in "LM" and unicodedata.category(after)[0] in "LM"


def _drop_joiners(text: str) -> str:
    if _ZWJ not in text and _ZWNJ not in text:
        return text
    return "".join(ch for i, ch in enumerate(text) if ch not in (_ZWJ, _ZWNJ) or _keep_joiner(text, i))


def _normalize_once(text: str) -> str:
    # ftfy first: C1 control characters can be part of mojibake it repairs.
    text = _fix_text(text)
    text = _LINE_BREAK.sub("\n", text)
    text = _CONTROL.sub("", text)
    text = _INVISIBLE.sub("", text)
    text = _drop_joiners(text)
    text = text.replace("\t", " ")
    text = _HSPACE_RUN.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    text = _BLANK_LINES.sub("\n\n", text).strip()
    return unicodedata.normalize("NFC", text)


def normalize_text(text: str) -> str:
    """Normalize decoded text: mojibake fixed, NFC, `\\n` line ends, invisible and control
    characters removed, runs of spaces collapsed, lines stripped, paragraphs (blank-line
    separated) kept, at most one blank line in a row. Idempotent: applied to its own output
    it changes nothing (the steps run to a fixed point)."""
    for _ in range(6):
        fixed = _normalize_once(text)
        if fixed == text:
            break
        text = fixed
    return text
