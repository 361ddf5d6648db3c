"""Offline language identification with lingua (the detector is built once per process)."""

from __future__ import annotations

import functools

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


@functools.cache
def detector() -> LanguageDetector:
    return LanguageDetectorBuilder.from_languages(*(getattr(Language, name) for name in LANGUAGES)).build()


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of `text`'s language, or None when lingua cannot tell."""
    language = detector().detect_language_of(text[:SAMPLE_CHARS])
    return language.iso_code_639_1.name.lower() if language is not None else None


def language_codes() -> list[str]:
    return sorted(getattr(Language, name).iso_code_639_1.name.lower() for name in LANGUAGES)
