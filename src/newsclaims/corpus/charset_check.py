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
import unicodedata
from dataclasses import dataclass

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
SAMPLE_CHARS = 20000

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
# Characters a code page mix-up produces and people rarely type in news text.
_RARE = set("¤¦¨´¸¯¬¶¹³¼¾µ÷ˇ˘˛˝˙¢¥©®ªº¿¡") - set("¿¡")


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


def _script(ch: str) -> str:
    name = unicodedata.name(ch, "")
    return name.split(" ", 1)[0] if name else ""


def penalty(text: str, language: str | None) -> float:
    """How implausible `text` is as text in `language` (0 = nothing odd)."""
    allowed = ALPHABETS.get(language or "")
    points = 0.0
    prev = " "
    word_scripts: set[str] = set()
    for i, ch in enumerate(text):
        if ch.isascii():
            if not ch.isalpha():
                word_scripts = set()
            elif word_scripts and "LATIN" not in word_scripts:
                points += 2  # a Latin letter glued to a Cyrillic/Greek one
            prev = ch
            continue
        cat = unicodedata.category(ch)
        if cat == "Cc":
            points += 10  # C1 control: a cp1252 byte read as latin-1, or a wrong page
        elif cat.startswith("L"):
            low = ch.lower()
            if allowed is not None and low not in allowed:
                points += 3
            script = _script(ch)
            if word_scripts and script not in word_scripts:
                points += 2
            word_scripts.add(script)
            if ch.isupper() and prev.isalpha():
                points += 2 if prev.islower() else 0.5  # "мИНИСТР", "ФИНАНСОВ": KOI8-R read as cp1251
        else:
            nxt = text[i + 1] if i + 1 < len(text) else " "
            if ch in _RARE:
                points += 1
            elif "\u2190" <= ch <= "\u25ff":
                points += 3  # arrows, maths, box drawing, blocks: KOI8's upper half read as text
            if prev.isalpha() and nxt.isalpha() and cat[0] in "SPN" and ch not in "’'·-":
                points += 3  # a symbol inside a word: "wi³cej"
            word_scripts = set()
        prev = ch
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
    scored = []
    for text, name in by_text.items():
        sample = text[:SAMPLE_CHARS]
        scored.append((penalty(sample, _language_of(sample)), names.index(name), name, text))
    scored.sort()
    best, second = scored[0], scored[1] if len(scored) > 1 else None
    if second is None:
        return Verdict(best[2], best[3], best[0], None, None)
    return Verdict(best[2], best[3], best[0], second[2], second[0] - best[0])
