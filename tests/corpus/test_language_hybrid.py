"""The fast language path (CLD2 where it is sure) gives lingua's high-accuracy answer, and
lingua decides whatever CLD2 is unsure of. Expected languages are the hand-labelled ones."""

from __future__ import annotations

import pytest

from newsclaims.corpus.language import cld2_language, detect_language, lingua_language

# (language, text): news-like paragraphs written for this test.
PARAGRAPHS = [
    (
        "en",
        "The city council met on Monday to discuss next year's budget. The mayor said that "
        "spending on schools would rise by four percent, while road repairs would be delayed.",
    ),
    (
        "de",
        "Der Stadtrat hat am Montag über den Haushalt für das kommende Jahr beraten. Die "
        "Bürgermeisterin sagte, die Ausgaben für Schulen würden um vier Prozent steigen.",
    ),
    (
        "fr",
        "Le conseil municipal s'est réuni lundi pour discuter du budget de l'année prochaine. "
        "Le maire a déclaré que les dépenses pour les écoles augmenteraient de quatre pour cent.",
    ),
    (
        "es",
        "El ayuntamiento se reunió el lunes para debatir el presupuesto del próximo año. El "
        "alcalde dijo que el gasto en escuelas aumentaría un cuatro por ciento.",
    ),
    (
        "it",
        "Il consiglio comunale si è riunito lunedì per discutere il bilancio del prossimo anno. "
        "Il sindaco ha detto che la spesa per le scuole aumenterà del quattro per cento.",
    ),
    (
        "pl",
        "Rada miasta zebrała się w poniedziałek, aby omówić budżet na przyszły rok. Burmistrz "
        "powiedział, że wydatki na szkoły wzrosną o cztery procent.",
    ),
    (
        "ru",
        "Городской совет собрался в понедельник, чтобы обсудить бюджет на следующий год. Мэр "
        "заявил, что расходы на школы вырастут на четыре процента.",
    ),
    (
        "uk",
        "Міська рада зібралася в понеділок, щоб обговорити бюджет на наступний рік. Мер "
        "заявив, що витрати на школи зростуть на чотири відсотки.",
    ),
    (
        "bg",
        "Общинският съвет се събра в понеделник, за да обсъди бюджета за следващата година. "
        "Кметът заяви, че разходите за училищата ще нараснат с четири процента.",
    ),
]


@pytest.mark.parametrize(("expected", "text"), PARAGRAPHS, ids=[p[0] for p in PARAGRAPHS])
def test_detects_the_language_and_agrees_with_lingua(expected, text):
    assert lingua_language(text) == expected  # the reference itself
    assert detect_language(text) == expected


def test_confident_texts_take_the_fast_path():
    sure = [text for _, text in PARAGRAPHS if cld2_language(text) is not None]
    assert len(sure) >= len(PARAGRAPHS) - 2  # the point of the fast path: most texts never reach lingua


def test_unsure_or_foreign_texts_go_to_lingua():
    # A language outside LANGUAGES (Swedish): CLD2 knows it but it is not a candidate, so lingua
    # picks among the candidates exactly as it always did.
    swedish = "Kommunfullmäktige sammanträdde på måndagen för att diskutera nästa års budget."
    assert cld2_language(swedish) is None
    assert detect_language(swedish) == lingua_language(swedish)
    # Two languages half and half: CLD2's top language covers well under 90% of it.
    mixed = PARAGRAPHS[0][1] + " " + PARAGRAPHS[6][1]
    assert cld2_language(mixed) is None
    assert detect_language(mixed) == lingua_language(mixed)
    assert detect_language("") is None
