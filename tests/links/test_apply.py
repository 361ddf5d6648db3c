"""Answers are applied only to claims that still exist; a pair's verdict is a strict majority."""

from __future__ import annotations

from newsclaims.links.apply import apply_answers
from newsclaims.links.records import LinkAnswer, pair_id
from newsclaims.schemas.links import load_link_schema

SCHEMA = load_link_schema()
CLAIMS = {"d1:0-10": "ten chars.", "d2:0-5": "five.", "d2:9-12": "abc"}


def answer(left: str, right: str, role: str, who: str = "annotator-1", aid: int = 1, texts=None) -> LinkAnswer:
    lt, rt = texts or (CLAIMS.get(left, "gone"), CLAIMS.get(right, "gone"))
    return LinkAnswer(pair_id(left, right), left, right, lt, rt, SCHEMA.choice(role), False, who, aid, aid)


def test_an_answer_about_a_claim_that_no_longer_exists_is_reported_not_applied():
    gone = answer("d1:0-10", "d2:40-50", "same")  # d2:40-50 was dropped by a corpus migration
    reworded = answer("d1:0-10", "d2:9-12", "same", aid=2, texts=("ten chars.", "old words"))
    kept = answer("d1:0-10", "d2:0-5", "same", aid=3)
    applied = apply_answers([gone, reworded, kept], CLAIMS, SCHEMA)
    assert set(applied.verdicts) == {kept.pair_id}
    assert len(applied.stale) == 2
    assert any("d2:40-50 no longer exists" in line for line in applied.stale)
    assert any("d2:9-12 now reads 'abc'" in line for line in applied.stale)
    assert all("not applied" in line for line in applied.stale)


def test_strict_majority_of_newest_answers():
    votes = [
        answer("d1:0-10", "d2:0-5", "different", "annotator-1", 1),
        answer("d1:0-10", "d2:0-5", "same", "annotator-1", 5),  # the same person changed their mind
        answer("d1:0-10", "d2:0-5", "same", "annotator-2", 2),
        answer("d1:0-10", "d2:0-5", "related", "annotator-3", 3),
    ]
    applied = apply_answers(votes, CLAIMS, SCHEMA)
    verdict = applied.verdicts[pair_id("d1:0-10", "d2:0-5")]
    assert verdict.role == "same" and verdict.annotators == ("annotator-1", "annotator-2", "annotator-3")
    tie = apply_answers(votes[2:], CLAIMS, SCHEMA)
    assert tie.verdicts == {} and tie.undecided == [pair_id("d1:0-10", "d2:0-5")]


def test_no_answers_no_verdicts():
    applied = apply_answers([], CLAIMS, SCHEMA)
    assert applied.verdicts == {} and applied.stale == [] and applied.same == set()
