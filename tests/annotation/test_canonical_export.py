"""canonical_export renders through orjson when it can: the bytes must stay exactly json.dumps's.

No server needed. Snapshot ids are digests of these bytes, so any difference would silently
renumber every snapshot (and the committed one would no longer be what a re-pull produces).
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis_budget import examples

from newsclaims.annotation.pull import PullError, parse_export_json
from newsclaims.annotation.snapshots import (
    EXPORT_FILE,
    canonical_export,
    drop_volatile,
    fast_canonical_export,
    halve_indent,
)
from newsclaims.paths import EXPORTS_DIR

SEED_SNAPSHOT = EXPORTS_DIR / "newsclaims-seed-a95fcd3cdc5e"


def json_dumps_reference(tasks: list[dict]) -> bytes:
    """The original implementation, kept here as the definition of the format."""
    ordered = drop_volatile(sorted(tasks, key=lambda t: t.get("id") or 0))
    return (json.dumps(ordered, sort_keys=True, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


scalars = (
    st.none()
    | st.booleans()
    | st.integers()  # beyond 64 bits too: orjson refuses them, the json path takes over
    | st.floats(allow_nan=False, allow_infinity=False)  # JSON text has no NaN / Infinity
    | st.text()
    | st.sampled_from(["0.00001", "1e-7", "created_ago", '"created_ago": ', "a\nb", "\u2028", "\x00\x1f\x7f", "é😀"])
)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.text(max_size=6) | st.sampled_from(["created_ago", "id", "é", "😀", 'a"b']), children, max_size=4
        )
    ),
    max_leaves=20,
)
annotation = st.dictionaries(
    st.sampled_from(["id", "result", "created_ago", "prediction", "lead_time", "x"]), json_values, max_size=5
)
task = st.fixed_dictionaries(
    {"id": st.integers(0, 50), "data": json_values},
    optional={
        "annotations": st.lists(annotation, max_size=3),
        "predictions": st.lists(annotation, max_size=2),
        "created_ago": st.text(max_size=5),
        "meta": json_values,
    },
)


@settings(max_examples=examples(400), deadline=None)
@given(st.lists(task, max_size=5))
def test_canonical_export_is_byte_identical_to_json_dumps(tasks):
    assert canonical_export(tasks) == json_dumps_reference(tasks)


@pytest.mark.parametrize(
    "value",
    [
        1e-05,
        1.5e-07,
        -3.25e-09,
        0.00001234,
        5e-324,
        1e16,
        1.5e17,
        2**63,
        2**64,
        2**70,
        -(2**63) - 1,
        0.0001,
        0.1,
        123456.789,
    ],
)
def test_numbers_orjson_writes_differently_still_come_out_as_json_writes_them(value):
    tasks = [{"id": 1, "annotations": [{"lead_time": value, "result": [value]}], "data": {"v": [value, {"w": value}]}}]
    assert canonical_export(tasks) == json_dumps_reference(tasks)


def test_the_committed_snapshot_takes_the_fast_path_and_is_reproduced():
    data = (SEED_SNAPSHOT / EXPORT_FILE).read_bytes()
    tasks = json.loads(data)
    assert fast_canonical_export(sorted(tasks, key=lambda t: t["id"])) == data
    assert canonical_export(tasks) == data


def test_a_typical_export_takes_the_fast_path():
    """So the property test above compares the orjson path, not json with itself."""
    tasks = [
        {
            "id": i,
            "data": {"text": f"Doc {i} said 0.5 and 1e-3", "doc_id": f"nc-{i}"},
            "annotations": [
                {
                    "id": i,
                    "created_ago": "3 minutes",
                    "lead_time": 12.5,
                    "created_at": "2026-11-22T13:24:56Z",
                    "unique_id": "231fc2b7-3e16-4971-ae6e-1ac448dfcc4f",
                    "prediction": {"created_ago": "x"},
                    "result": [{"value": {"start": 0, "end": 3, "labels": ["ORG"]}}],
                }
            ],
        }
        for i in range(3)
    ]
    fast = fast_canonical_export(tasks)
    assert fast is not None and fast == json_dumps_reference(tasks)
    assert b"created_ago" not in fast


def test_a_volatile_key_in_an_unusual_place_is_still_dropped():
    tasks = [{"id": 1, "data": {"x": {"created_ago": "now", "y": 1}}}]
    assert fast_canonical_export(tasks) is None  # the known places missed it: the generic path runs
    assert canonical_export(tasks) == json_dumps_reference(tasks)
    assert b"created_ago" not in canonical_export(tasks)


def test_halve_indent():
    assert halve_indent(b'[\n  {\n    "a": [\n      1\n    ]\n  }\n]') == b'[\n {\n  "a": [\n   1\n  ]\n }\n]'
    assert halve_indent(b"[]") == b"[]"


def test_the_export_is_parsed_as_strict_json():
    assert parse_export_json(b'[{"id": 1, "x": 1e-05}]', 7) == [{"id": 1, "x": 1e-05}]
    for bad in (b'[{"id": 1, "x": NaN}]', b"[{", b'[{"x": Infinity}]'):
        with pytest.raises(PullError, match="project 7 is not JSON"):
            parse_export_json(bad, 7)


def test_annotation_record_to_dict_is_what_asdict_gives():
    from dataclasses import asdict

    from newsclaims.annotation.records import AnnotationRecord, ClaimRecord, SaidByLink, SpanRecord

    record = AnnotationRecord(
        "nc-0123456789abcdef",
        "annotator-1",
        7,
        9,
        corpus_version="v1",
        text_sha256="ab" * 32,
        ground_truth=True,
        entities=[SpanRecord("e1", 0, 5, "PERSON", "Khorev"), SpanRecord("e2", 9, 14, "ORG", "Mínfin 🙂")],
        claims=[
            ClaimRecord("c1", 20, 40, "the deficit fell", {"claim_type": "statistical"}),
            ClaimRecord("c2", 41, 50, "x"),
        ],
        said_by=[SaidByLink("c1", "e1")],
    )

    def flat_claims(d: dict) -> dict:
        # On disk a claim's attributes sit beside its own fields (records.py): asdict nests them.
        return {
            **d,
            "claims": [{**{k: v for k, v in c.items() if k != "attributes"}, **c["attributes"]} for c in d["claims"]],
        }

    for r in (record, AnnotationRecord("nc-0000000000000000", "annotator-2", 1, 2)):
        d = r.to_dict()
        assert d == flat_claims(asdict(r)) and list(d) == list(asdict(r))
        assert AnnotationRecord.from_dict(d) == r
