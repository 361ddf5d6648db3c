"""Rule-based and lexicon pre-annotations (pure: no server)."""

from __future__ import annotations

import pytest
from label_studio_sdk.label_interface import LabelInterface

from newsclaims.annotation.preannotate import (
    PredictionBuilder,
    lexicon_from_annotations,
    model_version,
    suggest,
)
from newsclaims.schemas.labelstudio import render_label_config
from newsclaims.schemas.taxonomy import load_taxonomy

TAX = load_taxonomy()


def found(text: str, lexicon: dict[str, str] | None = None) -> list[tuple[str, str]]:
    return [(s.label, text[s.start : s.end]) for s in suggest(text, lexicon or {})]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("with $70.2 billion in aid", [("MONEY", "$70.2 billion")]),
        ("a USD 5m grant", [("MONEY", "USD 5m")]),
        ("paid 300 million dollars", [("MONEY", "300 million dollars")]),
        ("since May 2025, on May 31 and June 1", [("DATE", "May 2025"), ("DATE", "May 31"), ("DATE", "June 1")]),
        ("said on Tuesday that", [("DATE", "Tuesday")]),
        ("published 2025-09-23 in", [("DATE", "2025-09-23")]),
        ("the 2015 Minsk agreements", [("DATE", "2015")]),
        ("claimed seven civilian lives and injured 122 others", [("QUANTITY", "seven"), ("QUANTITY", "122")]),
        ("over 1,000 prisoners of war", [("QUANTITY", "over 1,000")]),
        ("rose 12% and 3.5 percent", [("QUANTITY", "12%"), ("QUANTITY", "3.5 percent")]),
        ("May I ask, said someone", []),  # a sentence-initial modal is not a date
        ("Version3 and A380", []),  # digits inside words are not quantities
    ],
)
def test_rules(text, expected):
    assert found(text) == expected


def test_lexicon_matches_whole_words_only_and_wins_over_rules():
    text = "Russia and the Russian side met Russia's envoy in Brussels; Russians agreed. Minsk 2015 talks."
    lexicon = {"Russia": "GPE", "Minsk 2015": "EVENT"}
    assert found(text, lexicon) == [("GPE", "Russia"), ("GPE", "Russia"), ("EVENT", "Minsk 2015")]


def test_lexicon_comes_from_submitted_entity_annotations_only():
    text = "Albert P. Khorev met NATO officials. Claim here."

    def span(start, end, label, control="entities"):
        return {
            "id": f"{start}",
            "from_name": control,
            "to_name": "text",
            "type": "labels",
            "value": {"start": start, "end": end, "labels": [label], "text": "IGNORED"},
        }

    annotations = [
        {
            "was_cancelled": False,
            "result": [span(0, 16, "PERSON"), span(21, 25, "ORG"), span(37, 48, "CLAIM", "claims")],
        },
        {"was_cancelled": True, "result": [span(37, 42, "ORG")]},  # cancelled: ignored
        {"was_cancelled": False, "result": [span(21, 25, "GPE"), span(21, 25, "ORG"), span(0, 999, "PERSON")]},
    ]
    lexicon = lexicon_from_annotations([(text, annotations)], TAX.entity_names)
    # offsets are the truth (value.text is ignored), majority label wins, bad offsets skipped
    assert lexicon == {"Albert P. Khorev": "PERSON", "NATO": "ORG"}


def test_predictions_validate_against_the_config_and_name_their_version():
    config = render_label_config(TAX)
    builder = PredictionBuilder(TAX, config, {"Khorev": "PERSON"})
    text = "On Tuesday Khorev said 122 people were hurt, costing $5 million."
    prediction = builder.build(text)
    assert prediction["model_version"] == builder.model_version
    assert LabelInterface(config).validate_prediction(prediction, return_errors=True) == []
    values = [(r["value"]["labels"][0], r["value"]["text"]) for r in prediction["result"]]
    assert values == [("DATE", "Tuesday"), ("PERSON", "Khorev"), ("QUANTITY", "122"), ("MONEY", "$5 million")]
    for r in prediction["result"]:
        assert text[r["value"]["start"] : r["value"]["end"]] == r["value"]["text"]
    assert builder.build("nothing to see here") is None


def test_model_version_changes_with_the_lexicon_and_is_stable_otherwise():
    a = model_version(TAX, {"Khorev": "PERSON"})
    assert a == model_version(TAX, {"Khorev": "PERSON"})
    assert a != model_version(TAX, {"Khorev": "PERSON", "NATO": "ORG"})
    assert model_version(TAX, {}).startswith(f"newsclaims-rules-t{TAX.version}-")
