"""codec: typed regions -> Label Studio result items -> typed regions, and what the export parser makes of them."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis_budget import examples
from label_studio_sdk.label_interface import LabelInterface

from newsclaims.annotation import codec
from newsclaims.annotation.export_parser import parse_task
from newsclaims.bench.synth_annotations import annotate, documents
from newsclaims.schemas.controls import CLAIMS_NAME, ENTITIES_NAME, SAID_BY
from newsclaims.schemas.labelstudio import render_label_config
from newsclaims.schemas.taxonomy import load_taxonomy

TAX = load_taxonomy()
TEXT = "🇺🇦😀 Résumé: Albert P. Khorev said that Russia is making progress.\nNATO agreed."


@st.composite
def regions(draw) -> codec.Region:
    start = draw(st.integers(0, len(TEXT) - 1))
    end = draw(st.integers(start + 1, len(TEXT)))
    control = draw(st.sampled_from([ENTITIES_NAME, CLAIMS_NAME]))
    label = draw(st.sampled_from([*TAX.entity_names, TAX.claim.name]))
    return codec.Region(draw(st.text("abc0123", min_size=1, max_size=6)), control, label, start, end, TEXT[start:end])


@given(st.lists(regions(), max_size=8), st.sampled_from([None, "manual", "prediction"]))
@settings(max_examples=examples(200), deadline=None)
def test_regions_decode_to_what_was_encoded(items, origin):
    encoded = codec.encode(items, origin)
    assert all(("origin" in e) == (origin is not None) for e in encoded)
    assert [codec.decode_region(e, TEXT) for e in encoded] == items
    assert codec.regions(encoded, TEXT) == items


def test_choices_and_relations_decode_to_what_was_encoded():
    allowed = {a.name: set(a.value_names) for a in TAX.claim.attributes}
    attr = TAX.claim.attributes[0]
    choice = codec.RegionChoice("c1", attr.name, attr.value_names[-1], 3, 9)
    relation = codec.Relation("c1", "e1", SAID_BY)
    assert codec.decode_choice(codec.encode_item(choice), allowed) == choice
    assert codec.decode_relation(codec.encode_item(relation), SAID_BY) == relation


def test_structural_problems_are_reported_not_raised():
    bad_offsets = {
        "id": "x",
        "from_name": ENTITIES_NAME,
        "type": codec.LABELS,
        "value": {"start": 5, "end": 2, "labels": [TAX.entity_names[0]]},
    }
    assert "out of range" in codec.decode_region(bad_offsets, TEXT).message
    two_labels = {"id": "x", "type": codec.LABELS, "value": {"start": 0, "end": 2, "labels": ["A", "B"]}}
    assert "exactly one label" in codec.decode_region(two_labels, TEXT).message
    attr = TAX.claim.attributes[0]
    unknown = {"id": "c1", "from_name": attr.name, "type": codec.CHOICES, "value": {"choices": ["nope"]}}
    assert codec.decode_choice(unknown, {attr.name: set(attr.value_names)}).message.startswith(f"{attr.name} must be")
    assert "from_id and to_id" in codec.decode_relation({"type": codec.RELATION, "from_id": 3}, SAID_BY).message
    kinds = [
        e if isinstance(e, codec.ItemProblem) else e[0]
        for e in codec.items_in_order(
            [{"type": codec.RELATION}, 7, {"type": codec.CHOICES}, {"type": "rectangle"}, {"type": codec.LABELS}]
        )
    ]
    assert kinds[:2] == [
        codec.ItemProblem(None, "unexpected result item of type 'int'"),
        codec.ItemProblem(None, "unexpected result item of type 'rectangle'"),
    ]
    assert kinds[2:] == [codec.LABELS, codec.CHOICES, codec.RELATION]


@pytest.mark.parametrize("index", range(6))
def test_annotation_items_fit_the_config_and_parse_back_to_the_same_records(index):
    """What the seed import and the bench write is what Label Studio's config accepts and what a
    pull reads back (the reason seed import needs no parse of a fake task)."""
    doc = documents(6)[index]
    a = annotate(doc, TAX, 15)
    assert a.claims and a.said_by and all(c.attributes for c in a.claims)
    result = codec.encode(codec.annotation_items(a.entities, a.claims, a.said_by, TAX), origin="manual")
    assert LabelInterface(render_label_config(TAX)).validate_prediction({"result": result}, return_errors=True) == []
    task = {
        "id": 1,
        "data": {"text": doc.text, "doc_id": doc.id},
        "annotations": [{"id": 2, "completed_by": "annotator-1", "result": result}],
    }
    parsed = parse_task(task, doc.text, TAX)
    assert parsed.problems == []
    [record] = parsed.records
    assert record.entities == sorted(a.entities, key=lambda s: (s.start, s.end, s.label, s.id))
    assert record.claims == sorted(a.claims, key=lambda c: (c.start, c.end, c.id))
    assert record.said_by == sorted(set(a.said_by), key=lambda link: (link.claim_id, link.speaker_id))


def test_free_text_attribute_is_a_textarea_item_the_config_accepts_and_a_pull_reads_back():
    (text_attr,) = TAX.claim.text_attributes
    doc = documents(1)[0]
    a = annotate(doc, TAX, 15)
    typed = "Officials say the bridge will reopen in May 2026."
    claims = [
        type(c)(c.id, c.start, c.end, c.text, {**c.attributes, text_attr.name: typed if i == 0 else None})
        for i, c in enumerate(a.claims)
    ]
    items = codec.annotation_items(a.entities, claims, a.said_by, TAX)
    (text_item,) = [i for i in items if isinstance(i, codec.RegionText)]
    assert (text_item.region_id, text_item.value) == (claims[0].id, typed)
    result = codec.encode(items, origin="manual")
    (encoded,) = [r for r in result if r["type"] == codec.TEXTAREA]
    assert encoded["value"]["text"] == [typed]  # Label Studio keeps a TextArea's text as a list
    assert LabelInterface(render_label_config(TAX)).validate_prediction({"result": result}, return_errors=True) == []
    task = {
        "id": 1,
        "data": {"text": doc.text, "doc_id": doc.id},
        "annotations": [{"id": 2, "completed_by": "annotator-1", "result": result}],
    }
    parsed = parse_task(task, doc.text, TAX)
    assert parsed.problems == []
    got = {c.id: c.attributes[text_attr.name] for c in parsed.records[0].claims}
    assert got[claims[0].id] == typed and all(v is None for k, v in got.items() if k != claims[0].id)


def test_textarea_items_decode_leniently_and_report_what_is_wrong():
    allowed = {a.name for a in TAX.claim.text_attributes}
    (name,) = allowed
    item = {
        "id": "c1",
        "from_name": name,
        "type": codec.TEXTAREA,
        "value": {"start": 0, "end": 4, "text": [" a ", "b"]},
    }
    assert codec.decode_text(item, allowed) == codec.RegionText("c1", name, "a\nb", 0, 4)
    emptied = {**item, "value": {"start": 0, "end": 4, "text": ["  "]}}
    assert codec.decode_text(emptied, allowed) is None  # an emptied box is no value
    assert "list of strings" in codec.decode_text({**item, "value": {"text": [3]}}, allowed).message
    assert "unknown per-region text" in codec.decode_text({**item, "from_name": "claim_type"}, allowed).message
