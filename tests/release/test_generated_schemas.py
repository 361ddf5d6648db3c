"""pandera schemas and datasets Features are generated from the taxonomy, not written by hand."""

from __future__ import annotations

import pandas as pd
import pytest
from datasets import ClassLabel, Value
from pandera.errors import SchemaErrors

from newsclaims.schemas import features, tables
from newsclaims.schemas.taxonomy import load_taxonomy, parse_taxonomy

from .builders import REPO_TAXONOMY


@pytest.fixture(scope="module")
def taxonomies():
    base = load_taxonomy(REPO_TAXONOMY)
    extended = (
        REPO_TAXONOMY.read_text()
        .replace(
            "entities:\n",
            'entities:\n  - name: WEAPON\n    description: A named weapon system.\n    example: "the [Iskander] missile"\n',
            1,
        )
        .replace(
            "        - name: other",
            "        - name: rumour\n          description: Hearsay.\n"
            '          example: "people say"\n        - name: other',
            1,
        )
    )
    return base, parse_taxonomy(extended.encode())


def _span_frame(label: str) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "doc_id": "nc-0123456789abcdef",
                "annotator": "annotator-1",
                "annotation_id": 1,
                "region_id": "r",
                "start": 0,
                "end": 4,
                "text": "abcd",
                "doc_length": 10,
                "doc_slice": "abcd",
                "label": label,
            }
        ]
    ).astype({"doc_length": "Int64"})


def test_entity_schema_follows_the_taxonomy(taxonomies):
    base, extended = taxonomies
    with pytest.raises(SchemaErrors):
        tables.entity_spans_schema(base).validate(_span_frame("WEAPON"), lazy=True)
    tables.entity_spans_schema(extended).validate(_span_frame("WEAPON"), lazy=True)


def test_features_follow_the_taxonomy(taxonomies):
    base, extended = taxonomies
    for tax in (base, extended):
        ent = features.entities_features(tax)["entities"].feature["label"]
        assert isinstance(ent, ClassLabel) and ent.names == list(tax.entity_names)
        claims = features.claims_features(tax)["claims"].feature
        for attr in tax.claim.choice_attributes:
            assert claims[attr.name].names == list(attr.value_names)
        for attr in tax.claim.text_attributes:
            assert claims[attr.name] == Value("string")
        assert features.ner_features(tax)["ner_tags"].feature.names == list(tax.bio_tags)
    assert "rumour" in features.claims_features(extended)["claims"].feature["claim_type"].names
    assert "B-WEAPON" in features.ner_features(extended)["ner_tags"].feature.names
