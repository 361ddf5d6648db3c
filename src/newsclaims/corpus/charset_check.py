"""Checking a single-byte code page guess: every candidate code page that decodes the bytes is
scored by how implausible its text is in the language it reads as, and the least implausible wins.

A byte detector (charset-normalizer) ranks code pages by byte statistics, which cannot tell
cp1252 from a Baltic or Central European page on a short text: they share most letters and
differ only in the handful of bytes that make the difference (quotes, dashes, the euro sign,
the accented letters). The text each candidate gives is what tells them apart: C1 control
characters, letters that the language does not use, symbols inside words and upper-case letters
inside lower-case words do not occur in news text written by people.
"""

from __future__ import annotations

import codecs
import functools
from dataclasses import dataclass

import regex

from newsclaims.corpus.language import detect_language

# The legacy code pages of news text, most common first: candidates that decode to the same text
# (most Western text is the same in cp1252 and latin-1) are named by the earliest here.
CANDIDATES = (
    "cp1252",
    "iso8859-1",
    "iso8859-15",
    "cp1250",
    "iso8859-2",
    "cp1251",
    "koi8-r",
    "koi8-u",
    "iso8859-5",
    "cp1257",
    "iso8859-13",
    "cp1254",
    "iso8859-9",
)
# A margin (in penalty points, below) under this is a close call: recorded and reported.
CLOSE_CALL_MARGIN = 3.0
SAMPLE_CHARS = 8000
LANGUAGE_SAMPLE = 600
PRESELECT_MARGIN = 20.0
PRESELECT_MAX = 3

_CYRILLIC = "абвгдежзийклмнопрстуфхцчшщъыьэюя"
# Non-ASCII letters each language writes (lower case). A letter outside its language's set costs
# a penalty; languages not listed here only get the script checks.
ALPHABETS = {
    "en": "éèïöüçñ",  # loanwords: café, naïve, Zoë, façade, señor
    "fr": "àâæçéèêëîïôœùûüÿ",
    "de": "äöüßé",
    "es": "áéíóúñü",
    "it": "àèéìíîòóùú",
    "pt": "áâãàçéêíóôõú",
    "nl": "éëïöüèáó",
    "pl": "ąćęłńóśźż",
    "cs": "áčďéěíňóřšťúůýž",
    "tr": "çğıöşüâîû",
    "ru": _CYRILLIC + "ё",
    "bg": _CYRILLIC.replace("ы", "").replace("э", ""),
    "uk": _CYRILLIC.replace("ъ", "").replace("ы", "").replace("э", "") + "ґєії",
    "be": _CYRILLIC.replace("и", "").replace("щ", "").replace("ъ", "") + "ёіў",
    "sr": "абвгдђежзијклљмнњопрстћуфхцчџш" + "čćđšž",
}


@dataclass(frozen=True)
class Verdict:
    encoding: str
    text: str
    penalty: float
    runner_up: str | None  # the best candidate that gives a different text
    margin: float | None  # its penalty minus the winner's; None when no other text was possible

    @property
    def confidence(self) -> float:
        if self.margin is None:
            return 1.0
        return round(min(1.0, self.margin / 10.0), 2)

    @property
    def close_call(self) -> bool:
        return self.margin is not None and self.margin < CLOSE_CALL_MARGIN


@functools.cache
def is_single_byte(encoding: str) -> bool:
    """Every byte is one character (or undefined) in this code page."""
    try:
        decoded = bytes(range(256)).decode(encoding, errors="replace")
    except LookupError:
        return False
    return len(decoded) == 256


def canonical(encoding: str) -> str:
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        return encoding


# Each pattern counts one kind of oddity, with its weight. Only non-ASCII characters can be
# odd: every candidate reads ASCII the same. Regexes (the `regex` module, for Unicode
# properties) keep a long file at a few milliseconds per candidate.
_ODDITIES = (
    (regex.compile(r"[\x80-\x9f]"), 10.0),  # C1 controls: a cp1252 byte read as latin-1, or a wrong page
    (regex.compile(r"[\u2190-\u25ff]"), 3.0),  # arrows, maths, box drawing: KOI8's upper half as text
    (regex.compile("[" + regex.escape("¤¦¨´¸¯¬¶¹³¼¾µ÷ˇ˘˛˝˙¢¥©®ªº") + "]"), 1.0),  # rare in news text
    (regex.compile(r"(?<=\p{L})[^\x00-\x7f\p{L}\p{M}’·\s](?=\p{L})"), 3.0),  # a symbol inside a word: "wi³cej"
    (regex.compile(r"(?<=\p{Ll})(?=[^\x00-\x7f])\p{Lu}"), 2.0),  # "мИНИСТР": KOI8-R read as cp1251
    (regex.compile(r"(?<=\p{Lu})(?=[^\x00-\x7f])\p{Lu}"), 0.5),  # "ФИНАНСОВ" (capitals are rare)
    (regex.compile(r"\p{Latin}(?=[\p{Cyrillic}\p{Greek}])|[\p{Cyrillic}\p{Greek}](?=\p{Latin})"), 2.0),
    (regex.compile(r"\p{Cyrillic}(?=\p{Greek})|\p{Greek}(?=\p{Cyrillic})"), 2.0),
)


@functools.cache
def _foreign_letters(language: str) -> regex.Pattern | None:
    """Non-ASCII letters the language does not write."""
    alphabet = ALPHABETS.get(language)
    if alphabet is None:
        return None
    letters = regex.escape(alphabet + alphabet.upper())
    return regex.compile(rf"(?=\p{{L}})[^\x00-\x7f{letters}]")


def penalty(text: str, language: str | None) -> float:
    """How implausible `text` is as text in `language` (0 = nothing odd)."""
    points = sum(weight * len(pattern.findall(text)) for pattern, weight in _ODDITIES)
    foreign = _foreign_letters(language) if language else None
    if foreign is not None:
        points += 3.0 * len(foreign.findall(text))
    return points


def _language_of(text: str) -> str | None:
    return detect_language(text)


def check_single_byte(data: bytes, detected: str) -> Verdict | None:
    """The most plausible decoding of `data` among the candidate code pages (and `detected`);
    None when none of them decodes it."""
    detected = canonical(detected)
    names = list(dict.fromkeys([*map(canonical, CANDIDATES), detected]))
    by_text: dict[str, str] = {}  # text -> first (preferred) encoding giving it
    for name in names:
        try:
            text = data.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
        by_text.setdefault(text, name)
    if not by_text:
        return None
    # Script checks alone first: the language detector (the costly part) only reads candidates
    # that are not already far worse than the best one.
    rough = {text: penalty(text[:SAMPLE_CHARS], None) for text in by_text}
    cutoff = min(rough.values()) + PRESELECT_MARGIN
    kept = sorted((r, names.index(by_text[t]), t) for t, r in rough.items() if r <= cutoff)[:PRESELECT_MAX]
    scored = []
    for _, _, text in kept:
        name = by_text[text]
        sample = text[:SAMPLE_CHARS]
        scored.append((penalty(sample, _language_of(sample[:LANGUAGE_SAMPLE])), names.index(name), name, text))
    scored.sort()
    best, second = scored[0], scored[1] if len(scored) > 1 else None
    if second is None:
        return Verdict(best[2], best[3], best[0], None, None)
    return Verdict(best[2], best[3], best[0], second[2], second[0] - best[0])
