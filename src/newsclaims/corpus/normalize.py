"""The one text normalizer. Every stage that needs normalized text calls `normalize_text`.

Bump NORMALIZER_VERSION whenever the output of `normalize_text` can change for some input, and
whenever a per-file rule does (decoding, the header parser, HTML metadata): it is recorded in
each version's manifest and part of the "did anything change?" check, so a parent version's
records are not reused under rules that would give something else.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import ftfy
from ftfy.badness import BADNESS_RE, is_bad

NORMALIZER_VERSION = "2"  # 2: checked single-byte decoding, header parser v2, authors and field sources
# Rules that only HTML pages go through (html.py, html_meta.py, html_byline.py). Recorded only by
# builds with an HTML input, so a change here rebuilds those and leaves text-only corpora as they are.
# 1: byline elements, names spelled as printed, <h1> kicker, first non-URL author tag
# 2: printed byline lines ("Autor: ...", a dated line by the <h1>), labels no names, the newsroom
#    as an author of last resort, one-word authors completed as printed
# 3: the date printed beside the headline where the metadata bears it out (html_date.py); a
#    sharing card's "Written by", a forum post's data-author, a text signed with a name alone
# 4: author boxes headed by the name, a byline word in an element of its own, <byline>, Chinese
#    editor lines, handles after a posting verb or a letter's closing, interviews' two names
HTML_RULES_VERSION = "4"
_HTML_SUFFIXES = (".html", ".htm")


def recorded_normalizer_version(paths: Iterable[str]) -> str:
    """NORMALIZER_VERSION, with "+html<N>" when any input is an HTML page."""
    if any(p.lower().endswith(_HTML_SUFFIXES) for p in paths):
        return f"{NORMALIZER_VERSION}+html{HTML_RULES_VERSION}"
    return NORMALIZER_VERSION


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
_FTFY_MAY_CHANGE = re.compile(
    "[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\r\u2028\u2029\u206a-\u206f\ufeff\ufff9-\ufffc\ud800-\udfff\u00c3\u00c2]"
)


def _badness_window() -> int | None:
    """The longest match of ftfy's badness regex, if every one of its alternatives needs a
    non-ASCII character (true of ftfy 6: mojibake is made of non-ASCII characters) and nothing
    in it looks around or at the end of the text; else None."""
    try:
        import re._constants as C
        import re._parser as P

        parsed = P.parse(BADNESS_RE.pattern, BADNESS_RE.flags)
        [(op, (_, branches))] = list(parsed)
        if op is not C.BRANCH or BADNESS_RE.flags & (re.MULTILINE | re.IGNORECASE):
            return None

        def non_ascii(op, av) -> bool:
            if op is C.LITERAL:
                return av >= 0x80
            return op is C.IN and all((o is C.LITERAL and a >= 0x80) or (o is C.RANGE and a[0] >= 0x80) for o, a in av)

        def plain(items) -> bool:  # only `^` (the text start) among anchors, no lookaround
            for o, a in items:
                if o is C.AT and a is not C.AT_BEGINNING or o in (C.ASSERT, C.ASSERT_NOT, C.GROUPREF):
                    return False
                if o is C.MAX_REPEAT or o is C.MIN_REPEAT:
                    if not plain(a[2]):
                        return False
                elif o is C.SUBPATTERN and not plain(a[3]):
                    return False
                elif o is C.BRANCH and not all(plain(b) for b in a[1]):
                    return False
            return True

        if not all(plain(branch) and any(non_ascii(o, a) for o, a in branch) for branch in branches):
            return None
        longest = parsed.getwidth()[1]
        return longest if longest < 64 else None
    except Exception:  # a Python or ftfy whose regex we cannot read: search the whole text
        return None


_BADNESS_WINDOW = _badness_window()
# Non-ASCII characters close enough together that their windows (below) touch.
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f](?:[\x00-\x7f]{0,%d}[^\x00-\x7f])*" % (2 * (_BADNESS_WINDOW or 1) - 2))


def looks_bad(text: str) -> bool:
    """`ftfy.badness.is_bad(text)`, without trying its large regex at every position: a match
    needs a non-ASCII character and is at most _BADNESS_WINDOW long, so it lies within that
    distance of one. Clean English news has a few curly quotes and dashes, so this searches a
    few short windows instead of the whole text. (A match inside a window is a match in the
    text: the regex has no lookaround and no end anchor, and `^` still means the text start.)"""
    window = _BADNESS_WINDOW
    if window is None or text.isascii():
        return window is None and is_bad(text)
    for run in _NON_ASCII_RUN.finditer(text):
        if BADNESS_RE.search(text, max(run.start() - window + 1, 0), run.end() - 1 + window):
            return True
    return False


def _fix_text(text: str) -> str:
    """ftfy only where it can change something: it is by far the slowest step on clean text."""
    if _FTFY_MAY_CHANGE.search(text) or not unicodedata.is_normalized("NFC", text) or looks_bad(text):
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


# Anything the layout steps of `_normalize_once` (after ftfy) would change: a character one of
# them replaces or drops (line breaks, controls, invisibles, joiners, tabs), a run of spaces,
# space at the start or end of a line, 3+ newlines, a newline at either end. Without any of
# these (and in NFC) the steps return the text as it is, so one scan replaces eight passes;
# in particular the fixed-point check of `normalize_text` on its own output costs one scan.
_LAYOUT_MAY_CHANGE = re.compile(
    "[\r\u2028\u2029\x85\x0b\x0c\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff"
    "\u200b\u2060\ufeff\u00ad\u180e\u200d\u200c\t]"
    r"|[^\S\n]{2,}|^[^\S\n]|[^\S\n]$|\n{3}|\A\n|\n\Z",
    re.MULTILINE,
)


def _normalize_once(text: str) -> str:
    # ftfy first: C1 control characters can be part of mojibake it repairs.
    text = _fix_text(text)
    if not _LAYOUT_MAY_CHANGE.search(text) and unicodedata.is_normalized("NFC", text):
        return text
    return _normalize_layout(text)


def _normalize_layout(text: str) -> str:
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
