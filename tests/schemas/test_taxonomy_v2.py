"""Taxonomy v2's new fields: free-text and optional attributes, and the OntoNotes mapping."""

from __future__ import annotations

import pytest
import yaml

from newsclaims.paths import TAXONOMY_FILE
from newsclaims.schemas.taxonomy import TaxonomyError, load_taxonomy, parse_taxonomy, taxonomy_file_for

# The 18 OntoNotes 5.0 named-entity labels (Weischedel et al. 2013, the release's guidelines).
ONTONOTES = {
    "PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW", "LANGUAGE",
    "DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL",
}  # fmt: skip


def test_every_ontonotes_label_is_accounted_for():
    tax = load_taxonomy()
    mapped = [o for e in tax.entities for o in e.ontonotes]
    assert all(e.ontonotes for e in tax.entities)
    assert set(mapped) <= ONTONOTES
    said = {u.name for u in tax.ontonotes_unmapped}
    assert ONTONOTES - set(mapped) <= said  # every label we do not map to says what becomes of it
    (quantity,) = [e for e in tax.entities if "CARDINAL" in e.ontonotes]
    assert set(quantity.ontonotes) == {"CARDINAL", "QUANTITY", "PERCENT"}
    assert "LAW" in said  # no LAW label: the taxonomy says so


def test_free_text_and_optional_attributes():
    tax = load_taxonomy()
    assert [a.name for a in tax.claim.text_attributes] and all(not a.values for a in tax.claim.text_attributes)
    assert all(a.values for a in tax.claim.choice_attributes)
    assert any(a.is_choice and not a.required for a in tax.claim.attributes)  # empty on migrated claims


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"kind": "number"}, "kind 'number'"),
        ({"kind": "text"}, "free text and cannot list values"),
        ({"required": "sometimes"}, "required must be true or false"),
    ],
)
def test_malformed_attribute_kinds_are_refused(change, message):
    raw = yaml.safe_load(TAXONOMY_FILE.read_text(encoding="utf-8"))
    choice = next(a for a in raw["claim"]["attributes"] if "values" in a)
    choice.update(change)
    with pytest.raises(TaxonomyError, match=message):
        parse_taxonomy(yaml.safe_dump(raw).encode())


def test_a_release_finds_the_taxonomy_it_recorded():
    current = load_taxonomy()
    old = taxonomy_file_for(1, None)
    assert taxonomy_file_for(current.version, current.sha256) == TAXONOMY_FILE
    v1 = load_taxonomy(TAXONOMY_FILE.parent / "history" / "v1" / "taxonomy.yaml")
    assert taxonomy_file_for(1, v1.sha256) == TAXONOMY_FILE.parent / "history" / "v1" / "taxonomy.yaml"
    assert taxonomy_file_for(1, "0" * 64) == TAXONOMY_FILE  # no match: the current one, reported by the rebuild
    assert old == TAXONOMY_FILE  # no digest to check: the current file
