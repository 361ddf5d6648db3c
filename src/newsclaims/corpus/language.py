"""Offline language identification: CLD2 where it is sure, lingua (high accuracy) otherwise.

lingua's high-accuracy mode is the reference (it decided every committed version's languages)
but costs milliseconds per article, several times the rest of a build. CLD2 (pycld2) answers in
a tenth of a millisecond; where it calls the text reliable, one language covers at least
CLD2_MIN_PERCENT of it and that language is one of LANGUAGES, its answer is taken, otherwise
lingua decides. On the bench corpus and ~1,000 real multilingual pages this gave lingua's answer
on every document (bench/NOTES.md, "Language detection"); tests/corpus/test_language_hybrid.py
checks the agreement on hand-written texts.
"""

from __future__ import annotations

import functools

import pycld2
from lingua import Language, LanguageDetector, LanguageDetectorBuilder

# A news-corpus set: the languages we expect plus their close neighbours, so that e.g.
# Ukrainian is not called Russian for lack of the right candidate.
LANGUAGES = (
    "ENGLISH",
    "RUSSIAN",
    "UKRAINIAN",
    "BELARUSIAN",
    "BULGARIAN",
    "SERBIAN",
    "FRENCH",
    "GERMAN",
    "SPANISH",
    "ITALIAN",
    "PORTUGUESE",
    "DUTCH",
    "POLISH",
    "CZECH",
    "TURKISH",
    "ARABIC",
    "PERSIAN",
    "URDU",
    "HINDI",
    "CHINESE",
    "JAPANESE",
)
SAMPLE_CHARS = 4000  # enough for a confident answer; keeps long articles cheap
CLD2_MIN_PERCENT = 90  # below this share of the text in its top language, lingua decides


@functools.cache
def detector() -> LanguageDetector:
    return LanguageDetectorBuilder.from_languages(*(getattr(Language, name) for name in LANGUAGES)).build()


@functools.cache
def _codes() -> frozenset[str]:
    return frozenset(language_codes())


def cld2_language(sample: str) -> str | None:
    """CLD2's language of `sample` when it is sure and the language is one of LANGUAGES, else None."""
    try:
        reliable, _, details = pycld2.detect(sample)
    except (pycld2.error, ValueError):  # e.g. invalid UTF-8 from lone surrogates
        return None
    code, percent = details[0][1], details[0][2]
    return code if reliable and percent >= CLD2_MIN_PERCENT and code in _codes() else None


def lingua_language(sample: str) -> str | None:
    language = detector().detect_language_of(sample)
    return language.iso_code_639_1.name.lower() if language is not None else None


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of `text`'s language, or None when it cannot be told."""
    sample = text[:SAMPLE_CHARS]
    return cld2_language(sample) or lingua_language(sample)


def language_codes() -> list[str]:
    return sorted(getattr(Language, name).iso_code_639_1.name.lower() for name in LANGUAGES)
