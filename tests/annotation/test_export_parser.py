"""export_parser: hand-built Label Studio export tasks -> AnnotationRecords (pure, no server)."""

from __future__ import annotations

import pytest

from newsclaims.annotation.export_parser import parse_export, parse_task
from newsclaims.annotation.records import ClaimRecord, SaidByLink, SpanRecord
from newsclaims.schemas.taxonomy import load_taxonomy

# The emoji and the accented letter are one code point each: Python offsets == Label Studio offsets.
TEXT = "🇺🇦😀 Résumé: Albert P. Khorev said that Russia is making progress. NATO agreed."
PERSON = "Albert P. Khorev"
CLAIM = "Russia is making progress"
ORG = "NATO"


def off(sub: str) -> tuple[int, int]:
    start = TEXT.index(sub)
    return start, start + len(sub)


def span(rid, control, label, sub, with_text=True):
    start, end = off(sub)
    value = {"start": start, "end": end, "labels": [label]}
    if with_text:
        value["text"] = sub
    return {"id": rid, "from_name": control, "to_name": "text", "type": "labels", "value": value}


def choice(rid, control, value, sub=CLAIM):
    start, end = off(sub)
    return {
        "id": rid,
        "from_name": control,
        "to_name": "text",
        "type": "choices",
        "value": {"start": start, "end": end, "choices": [value]},
    }


def relation(a, b, direction="right", labels=("said_by",)):
    return {"from_id": a, "to_id": b, "type": "relation", "direction": direction, "labels": list(labels)}


def full_result(reverse=False):
    return [
        span("e1", "entities", "PERSON", PERSON),
        span("e2", "entities", "ORG", ORG, with_text=False),  # value.text may be missing
        span("c1", "claims", "CLAIM", CLAIM),
        choice("c1", "claim_type", "other"),
        choice("c1", "checkworthy", "yes"),
        choice("c1", "attribution", "reported_speech"),
        # the UI lets annotators draw the arrow either way round
        relation("e1", "c1", "left") if reverse else relation("c1", "e1"),
    ]


def task(annotations, **extra):
    t = {
        "id": 7,
        "data": {"text": TEXT, "doc_id": "nc-00000000000000aa"},
        "meta": {"corpus_version": "v1"},
        "annotations": annotations,
        "drafts": [],
        "predictions": [],
    }
    t.update(extra)
    return t


def annotation(aid, who, result, **extra):
    return {"id": aid, "completed_by": who, "result": result, "was_cancelled": False, "ground_truth": False, **extra}


@pytest.fixture(scope="module")
def tax():
    return load_taxonomy()


def test_spans_attributes_and_reversed_relation_after_emoji(tax):
    parsed = parse_task(task([annotation(11, "annotator-1", full_result(reverse=True), ground_truth=True)]), TEXT, tax)
    assert parsed.problems == []
    (rec,) = parsed.records
    assert (rec.doc_id, rec.annotator, rec.task_id, rec.annotation_id) == ("nc-00000000000000aa", "annotator-1", 7, 11)
    assert rec.corpus_version == "v1" and rec.ground_truth is True
    s, e = off(PERSON)
    assert s == TEXT.index("Albert")  # sanity: the emoji counted as single code points
    assert rec.entities == [
        SpanRecord("e1", s, e, "PERSON", PERSON),
        SpanRecord("e2", *off(ORG), "ORG", ORG),
    ]
    assert rec.claims == [
        ClaimRecord(
            "c1",
            *off(CLAIM),
            CLAIM,
            # every taxonomy attribute has a key; unset ones (verifiable, normalized) are None
            {
                "verifiable": None,
                "checkworthy": "yes",
                "claim_type": "other",
                "attribution": "reported_speech",
                "normalized": None,
            },
        )
    ]
    # normalized: from the CLAIM to its speaker, although the arrow was drawn PERSON -> CLAIM
    assert rec.said_by == [SaidByLink(claim_id="c1", speaker_id="e1")]
    for sp in rec.entities + rec.claims:
        assert TEXT[sp.start : sp.end] == sp.text


def test_cancelled_drafts_and_predictions_are_not_annotations(tax):
    prediction = {"id": 1, "model_version": "rules", "result": full_result()}
    draft = {"id": 3, "user": "annotator-2", "result": full_result()}
    t = task(
        [annotation(11, "annotator-1", full_result()), annotation(12, "annotator-2", [], was_cancelled=True)],
        drafts=[draft],
        predictions=[prediction, 2],
    )
    parsed = parse_task(t, TEXT, tax)
    assert [r.annotation_id for r in parsed.records] == [11]
    assert (parsed.cancelled, parsed.drafts, parsed.predictions) == (1, 1, 2)


def test_submitted_empty_annotation_is_kept_with_empty_lists(tax):
    parsed = parse_task(task([annotation(11, "annotator-1", [])]), TEXT, tax)
    assert parsed.problems == []
    (rec,) = parsed.records
    assert rec.entities == [] and rec.claims == [] and rec.said_by == []


def test_unset_attribute_is_none(tax):
    result = [span("c1", "claims", "CLAIM", CLAIM), choice("c1", "claim_type", "quantity")]
    (rec,) = parse_task(task([annotation(1, "annotator-1", result)]), TEXT, tax).records
    assert rec.claims[0].attributes["claim_type"] == "quantity"
    assert rec.claims[0].attributes["checkworthy"] is None and rec.claims[0].attributes["attribution"] is None


def test_every_bad_offset_is_reported_not_just_the_first(tax):
    shifted = span("e1", "entities", "PERSON", PERSON)
    shifted["value"]["start"] += 2  # what a UTF-16 offset bug would produce after the emoji
    shifted["value"]["end"] += 2
    out_of_range = span("e2", "entities", "ORG", ORG)
    out_of_range["value"]["end"] = len(TEXT) + 5
    backwards = span("e3", "entities", "GPE", "Russia")
    backwards["value"]["start"], backwards["value"]["end"] = 30, 20
    anns = [annotation(1, "annotator-1", [shifted, out_of_range]), annotation(2, "annotator-2", [backwards])]
    parsed = parse_task(task(anns), TEXT, tax)
    msgs = [str(p) for p in parsed.problems]
    assert len(msgs) == 3, msgs
    assert all("task 7" in m and "doc nc-00000000000000aa" in m for m in msgs)
    assert "annotation 1, region e1" in msgs[0] and "Label Studio says" in msgs[0]
    assert "annotation 1, region e2" in msgs[1] and "out of range" in msgs[1]
    assert "annotation 2, region e3" in msgs[2]


def test_escaped_newline_in_value_text_is_not_a_mismatch(tax):
    text = "First line.\nSecond line is a claim."
    value = {"start": 0, "end": 17, "text": "First line.\\nSecon", "labels": ["CLAIM"]}
    value["text"] = text[0:17].replace("\n", "\\n")
    item = {"id": "c1", "from_name": "claims", "to_name": "text", "type": "labels", "value": value}
    t = task([annotation(1, "annotator-1", [item])], data={"text": text, "doc_id": "nc-1"})
    parsed = parse_task(t, text, tax)
    assert parsed.problems == []
    assert parsed.records[0].claims[0].text == text[0:17]


@pytest.mark.parametrize(
    "result, expected",
    [
        (
            [span("e1", "entities", "PERSON", PERSON), span("e2", "entities", "ORG", ORG), relation("e1", "e2")],
            "must link a CLAIM and a PERSON/ORG span, got PERSON and ORG",
        ),
        (
            [span("c1", "claims", "CLAIM", CLAIM), span("g1", "entities", "GPE", "Russia"), relation("c1", "g1")],
            "speaker must be ORG/PERSON, got GPE",
        ),
        ([span("c1", "claims", "CLAIM", CLAIM), relation("c1", "nope")], "got CLAIM and missing region"),
        (
            [
                span("c1", "claims", "CLAIM", CLAIM),
                span("e1", "entities", "PERSON", PERSON),
                relation("c1", "e1", labels=()),
            ],
            "exactly the label 'said_by'",
        ),
        ([span("x1", "entities", "CLAIM", CLAIM)], "not in the taxonomy"),
        ([span("x1", "claims", "PERSON", PERSON)], "not in the taxonomy"),
        (
            [span("e1", "entities", "PERSON", PERSON), choice("e1", "claim_type", "other", PERSON)],
            "attached to an entity span",
        ),
        ([span("c1", "claims", "CLAIM", CLAIM), choice("c1", "claim_type", "gossip")], "claim_type must be one of"),
    ],
)
def test_invalid_structures_are_problems(tax, result, expected):
    parsed = parse_task(task([annotation(1, "annotator-1", result)]), TEXT, tax)
    assert len(parsed.problems) == 1, [str(p) for p in parsed.problems]
    assert expected in str(parsed.problems[0])


def test_unpseudonymized_export_is_refused(tax):
    parsed = parse_task(task([annotation(1, 42, full_result())]), TEXT, tax)
    assert parsed.records == []
    assert "pseudonymize" in str(parsed.problems[0])


def test_task_text_changed_since_push_is_reported(tax):
    corpus_text = TEXT.replace("Résumé", "Resume")
    parsed = parse_task(task([annotation(1, "annotator-1", full_result())]), corpus_text, tax)
    assert parsed.records == []
    assert "differs from the corpus text" in str(parsed.problems[0])


def test_parse_export_falls_back_to_task_text_and_sorts(tax):
    t1 = task([annotation(5, "annotator-2", full_result()), annotation(4, "annotator-1", [])])
    t2 = task([annotation(3, "annotator-1", [])], id=8, data={"text": "x", "doc_id": "nc-00000000000000ab"})
    parsed = parse_export([t2, t1], {"nc-00000000000000aa": None}, tax)
    assert parsed.problems == []
    assert [(r.doc_id, r.annotator, r.annotation_id) for r in parsed.records] == [
        ("nc-00000000000000aa", "annotator-1", 4),
        ("nc-00000000000000aa", "annotator-2", 5),
        ("nc-00000000000000ab", "annotator-1", 3),
    ]


def test_free_text_on_an_entity_span_is_a_problem(tax):
    (name,) = [a.name for a in tax.claim.text_attributes]
    on_entity = {"id": "e1", "from_name": name, "to_name": "text", "type": "textarea", "value": {"text": ["x"]}}
    parsed = parse_task(
        task([annotation(11, "annotator-1", [span("e1", "entities", "PERSON", PERSON), on_entity])]), TEXT, tax
    )
    assert [p.message for p in parsed.problems] == [
        f"{name} is attached to an entity span; claim attributes belong on CLAIM spans"
    ]
