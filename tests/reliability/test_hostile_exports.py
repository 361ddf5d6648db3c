"""Malformed Label Studio exports: every problem is listed (not just the first), nothing crashes.
Property-based: no JSON-shaped input makes the export parser or the normalizer raise."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_budget import examples

from newsclaims.annotation.export_parser import parse_export
from newsclaims.corpus.normalize import normalize_text
from newsclaims.schemas.taxonomy import load_taxonomy

TAX = load_taxonomy()
TEXT = "Albert P. Khorev said that Russia is making progress. NATO agreed."


def at(sub: str) -> tuple[int, int]:
    start = TEXT.index(sub)
    return start, start + len(sub)


def span(rid, control, label, start, end, **value):
    return {
        "id": rid,
        "from_name": control,
        "to_name": "text",
        "type": "labels",
        "value": {"start": start, "end": end, "labels": [label], **value},
    }


def task(result, task_id=7, **ann):
    return {
        "id": task_id,
        "data": {"text": TEXT, "doc_id": f"nc-{task_id:016x}"},
        "meta": {"corpus_version": "v1"},
        "annotations": [{"id": 100 + task_id, "completed_by": "annotator-1", "result": result, **ann}],
    }


def test_every_problem_of_a_malformed_export_is_listed():
    person, claim = at("Albert P. Khorev"), at("Russia is making progress")
    bad = [
        span("u1", "entities", "WIZARD", *person),  # unknown label
        span("u2", "claims", "PERSON", *claim),  # label from the wrong control
        span("r1", "entities", "ORG", 20, 10),  # end < start
        span("r2", "entities", "GPE", 60, 400),  # past the end of the text
        span("r3", "entities", "GPE", -3, 4),  # negative
        span("r4", "entities", "GPE", "0", 4),  # not an integer
        {"id": "m1", "from_name": "entities", "to_name": "text", "type": "labels", "value": {"start": 0, "end": 6}},
        {"id": "m2", "type": "labels"},  # no value at all
        {"from_id": "ghost", "to_id": "u1", "type": "relation", "labels": ["said_by"]},  # dangling relation
        {
            "id": "c9",
            "from_name": "claim_type",
            "to_name": "text",
            "type": "choices",
            "value": {"choices": ["quantity"]},
        },  # attribute on no span
        {"id": "x", "type": "polygonlabels"},  # a control the config does not have
    ]
    parsed = parse_export([task(bad)], {}, TAX)
    by_region = {p.region_id: p.message for p in parsed.problems}
    for rid, words in {
        "u1": "not in the taxonomy",
        "u2": "not in the taxonomy",
        "r1": "out of range",
        "r2": "out of range",
        "r3": "out of range",
        "r4": "must be integers",
        "m1": "exactly one label",
        "m2": "exactly one label",
        "ghost->u1": "missing region",
        "c9": "no span",
        "x": "unexpected result item",
    }.items():
        assert rid in by_region, (rid, by_region)
        assert words in by_region[rid], (rid, by_region[rid])
    assert all(p.task_id == 7 and p.doc_id == "nc-0000000000000007" for p in parsed.problems)


def test_problems_across_tasks_and_missing_fields_are_all_reported():
    tasks = [
        task([span("a", "entities", "PERSON", *at("Albert P. Khorev"))], task_id=1),  # fine
        {"id": 2, "data": {"text": TEXT}, "annotations": []},  # no doc_id
        task("not a list", task_id=3),
        {
            "id": 4,
            "data": {"text": TEXT, "doc_id": "nc-0000000000000004"},
            "annotations": [{"id": 9, "completed_by": 17, "result": []}],
        },  # not pseudonymized
        task([span("b", "entities", "ORG", 0, 999)], task_id=5),
    ]
    parsed = parse_export(tasks, {}, TAX)
    assert {p.task_id for p in parsed.problems} == {2, 3, 4, 5}
    assert len(parsed.records) >= 1 and parsed.records[0].doc_id == "nc-0000000000000001"


# ---- property-based: no crash, whatever Label Studio (or a hand-edited file) sends ------------

json_scalars = st.none() | st.booleans() | st.integers(-5, 200) | st.floats(allow_nan=True) | st.text(max_size=12)
json_values = st.recursive(
    json_scalars,
    lambda kids: st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=8), kids, max_size=4),
    max_leaves=20,
)
words = st.sampled_from(
    [
        "labels",
        "choices",
        "relation",
        "entities",
        "claims",
        "claim_type",
        "checkworthy",
        "attribution",
        "PERSON",
        "ORG",
        "CLAIM",
        "said_by",
        "yes",
        "quantity",
        "a",
        "b",
        "text",
    ]
)
keys = st.sampled_from(
    [
        "id",
        "from_name",
        "to_name",
        "type",
        "value",
        "start",
        "end",
        "labels",
        "choices",
        "text",
        "from_id",
        "to_id",
        "direction",
    ]
)
loose = st.recursive(
    json_scalars | words | st.integers(0, len(TEXT) + 2),
    lambda kids: st.lists(kids, max_size=5) | st.dictionaries(keys, kids, max_size=6),
    max_leaves=30,
)
result_items = st.lists(loose, max_size=6)
annotation = st.fixed_dictionaries(
    {},
    optional={
        "id": json_values | st.integers(1, 99),
        "completed_by": loose,
        "result": result_items | loose,
        "was_cancelled": loose,
        "ground_truth": loose,
    },
)
tasks = st.lists(
    st.fixed_dictionaries(
        {},
        optional={
            "id": json_values | st.integers(1, 99),
            "data": st.fixed_dictionaries(
                {},
                optional={"text": st.just(TEXT) | json_values, "doc_id": st.just("nc-00000000000000aa") | json_values},
            )
            | loose,
            "meta": loose,
            "annotations": st.lists(annotation | loose, max_size=3) | loose,
            "drafts": loose,
            "predictions": loose,
        },
    )
    | loose,
    max_size=3,
)


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tasks)
def test_the_export_parser_never_crashes(export):
    parsed = parse_export(export, {}, TAX)
    for p in parsed.problems:
        assert str(p)  # every problem renders as a message
    for r in parsed.records:
        for s in [*r.entities, *r.claims]:
            assert TEXT[s.start : s.end] == s.text


@settings(max_examples=examples(300), deadline=None)
@given(
    st.text(
        alphabet=st.characters(codec="utf-8") | st.sampled_from("\x00\r\n\u2028\ufeff\u200d\u00c3<>&"), max_size=200
    )
)
def test_the_normalizer_never_crashes_and_is_idempotent(text):
    out = normalize_text(text)
    assert normalize_text(out) == out
    assert "\r" not in out and "\x00" not in out
