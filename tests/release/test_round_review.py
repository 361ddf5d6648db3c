"""An annotation round's review: conflicts between annotators, progress against the overlap,
where each document's gold came from, and what pull refuses (an annotator who submitted twice).

Expected values are worked out by hand from the small documents below.
"""

from __future__ import annotations

import json

from newsclaims.annotation.conflicts import DocumentConflict, conflicts_jsonl, find_conflicts
from newsclaims.annotation.export_parser import parse_task
from newsclaims.annotation.status import progress
from newsclaims.release.gold import adjudicate
from newsclaims.schemas.taxonomy import load_taxonomy

from .builders import REPO_TAXONOMY, claim, make_document, record, span

TAX = load_taxonomy(REPO_TAXONOMY)
DOC = make_document("r", "Mayor Ana Ruiz said the city hired 300 nurses in May.")
OTHER = make_document("s", "The council met on Monday.")


def _pair(**second):
    """Two annotators of DOC; the second one's claim_type / claim boundary may differ."""
    ana = span(DOC, "Ana Ruiz", "PERSON", "p")
    first = record(
        DOC,
        "annotator-1",
        1,
        entities=[ana],
        claims=[claim(DOC, "the city hired 300 nurses", "c", "quantity")],
        said_by=[("c", "p")],
    )
    needle = second.get("needle", "the city hired 300 nurses")
    other = record(
        DOC,
        "annotator-2",
        2,
        entities=[ana],
        claims=[claim(DOC, needle, "c", second.get("claim_type", "quantity"))],
        said_by=[("c", "p")],
        ground_truth=second.get("ground_truth", False),
    )
    return [first, other]


def test_unanimous_annotators_have_no_conflict():
    assert find_conflicts(_pair(), TAX) == []


def test_another_claim_type_is_one_attribute_conflict():
    [c] = find_conflicts(_pair(claim_type="other"), TAX)
    assert (c.doc_id, c.annotators) == (DOC.id, ["annotator-1", "annotator-2"])
    [item] = c.items
    start = DOC.text.index("the city")
    assert (item.kind, item.label, item.start, item.end) == ("claim_attribute", "claim_type", start, start + 25)
    assert item.votes == {"quantity": ["annotator-1"], "other": ["annotator-2"]}
    assert c.link(7, "http://ls") == f"http://ls/projects/7/data?task={c.task_id}"


def test_another_boundary_is_two_claim_spans():
    [c] = find_conflicts(_pair(needle="the city hired 300 nurses in May"), TAX)
    kinds = sorted((i.kind, i.end - i.start, tuple(i.votes["marked"])) for i in c.items)
    assert kinds == [("claim", 25, ("annotator-1",)), ("claim", 32, ("annotator-2",))]


def test_ground_truth_settles_a_conflict():
    assert find_conflicts(_pair(claim_type="other", ground_truth=True), TAX) == []


def test_conflicts_round_trip_through_jsonl():
    conflicts = find_conflicts(_pair(claim_type="other"), TAX)
    lines = conflicts_jsonl(conflicts).decode().splitlines()
    assert [DocumentConflict.from_dict(json.loads(line)) for line in lines] == conflicts


def test_gold_source_per_document():
    single = record(OTHER, "annotator-1", 3, entities=[span(OTHER, "council", "ORG", "o")])
    gold, review = adjudicate([*_pair(claim_type="other"), single], TAX)
    assert gold[DOC.id].method == "majority" and gold[OTHER.id].method == "single_annotator"
    [c] = gold[DOC.id].claims
    assert c.attributes["claim_type"] is None  # 1 of 2 each: no majority, left null and listed
    assert [(i.kind, i.label) for i in review] == [("claim_attribute", "claim_type")]
    gold, review = adjudicate(_pair(claim_type="other", ground_truth=True), TAX)
    assert gold[DOC.id].method == "ground_truth" and gold[DOC.id].claims[0].attributes["claim_type"] == "other"
    assert review == []


def _ann(aid, who, cancelled=False, lead=None, result=()):
    return {"id": aid, "completed_by": who, "was_cancelled": cancelled, "lead_time": lead, "result": list(result)}


def test_progress_counts_tasks_against_the_overlap():
    tasks = [
        {"id": 1, "annotations": [_ann(1, "annotator-1", lead=10.0), _ann(2, "annotator-2", lead=30.0)]},
        {"id": 2, "annotations": [_ann(3, "annotator-1", lead=20.0), _ann(4, "annotator-2", cancelled=True)]},
        {"id": 3, "annotations": []},
    ]
    counts, people = progress(tasks, overlap=2)
    assert counts == {"done": 1, "in_progress": 1, "remaining": 1, "submissions_missing": 3, "needs_review": 0}
    assert [(p.annotator, p.submitted, p.skipped, p.median_lead_seconds) for p in people] == [
        ("annotator-1", 2, 0, 15.0),
        ("annotator-2", 1, 1, 30.0),
    ]
    counts, _ = progress([], overlap=2)
    assert counts == {"done": 0, "in_progress": 0, "remaining": 0, "submissions_missing": 0, "needs_review": 0}
    flagged = [{"id": 4, "data": {"needs_review": "text changed (v1 -> v2): 1 lost"}, "annotations": []}]
    assert progress(flagged, overlap=1)[0]["needs_review"] == 1


def test_an_annotator_who_submitted_twice_is_a_problem_naming_task_and_pseudonym():
    task = {
        "id": 5,
        "data": {"doc_id": DOC.id, "text": DOC.text},
        "annotations": [
            _ann(8, "annotator-2"),
            _ann(9, "annotator-2"),
            _ann(10, "annotator-1", cancelled=True),
            _ann(11, "annotator-1"),
        ],
    }
    parsed = parse_task(task, DOC.text, TAX)
    [problem] = parsed.problems
    assert (problem.task_id, problem.annotator, problem.annotation_id) == (5, "annotator-2", 9)
    assert "task 5" in str(problem) and "annotator-2" in str(problem) and "twice" in str(problem)
    assert sorted(r.annotation_id for r in parsed.records) == [8, 11]
