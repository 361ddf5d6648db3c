"""Agreement figures on a fixture small enough to work out by hand (the arithmetic is in the tests)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis_budget import examples

from newsclaims.release.agreement import measure_agreement, overlap_f1
from newsclaims.schemas.taxonomy import load_taxonomy

from .builders import REPO_TAXONOMY, claim, make_document, record, span

P = make_document("p", "Alice met Bob in Paris on Monday. Carol said taxes rose 5 percent.")
Q = make_document("q", "Prices went up. The mill closed. Rain caused floods.")


def _fixture():
    p1 = record(
        P,
        "annotator-1",
        1,
        entities=[
            span(P, "Alice", "PERSON", "a"),
            span(P, "Bob", "PERSON", "b"),
            span(P, "Paris", "GPE", "c"),
            span(P, "Monday", "DATE", "d"),
            span(P, "Carol", "PERSON", "e"),
        ],
        claims=[claim(P, "taxes rose 5 percent", "k", "quantity", "yes")],
        said_by=[("k", "e")],
    )
    p2 = record(
        P,
        "annotator-2",
        2,
        entities=[
            span(P, "Alice", "PERSON", "a"),
            span(P, "Bob", "ORG", "b"),
            span(P, "in Paris", "GPE", "c"),
            span(P, "Monday", "DATE", "d"),
            span(P, "Carol", "PERSON", "e"),
        ],
        claims=[claim(P, "taxes rose 5 percent", "k", "quantity", "no")],
        said_by=[("k", "e")],
    )
    p3 = record(P, "annotator-3", 3, entities=[span(P, "Alice", "PERSON", "a")])
    q1 = record(
        Q,
        "annotator-1",
        4,
        claims=[
            claim(Q, "Prices went up", "x", "quantity"),
            claim(Q, "The mill closed", "y", "other"),
            claim(Q, "Rain caused floods", "z", "correlation_causation"),
        ],
    )
    q2 = record(
        Q,
        "annotator-2",
        5,
        claims=[
            claim(Q, "Prices went up", "x", "quantity"),
            claim(Q, "The mill closed", "y", "other"),
            claim(Q, "Rain caused floods", "z", "other"),
        ],
    )
    return [p1, p2, p3, q1, q2]


@pytest.fixture(scope="module")
def report():
    return measure_agreement(_fixture(), load_taxonomy(REPO_TAXONOMY))


def f1(common, a, b):
    return 2 * common / (a + b)


def test_measured_on_shared_documents(report):
    assert report.measured
    assert report.shared_documents == 2
    assert report.annotators == ["annotator-1", "annotator-2", "annotator-3"]
    assert report.annotator_pairs == 3  # (1,2) share P and Q; (1,3) and (2,3) share P


def test_person_exact_f1_is_the_mean_over_annotator_pairs(report):
    # PERSON in P: annotator-1 {Alice, Bob, Carol}, annotator-2 {Alice, Carol}, annotator-3 {Alice}
    pair_12 = f1(2, 3, 2)
    pair_13 = f1(1, 3, 1)
    pair_23 = f1(1, 2, 1)
    assert report.spans["PERSON"].exact_f1 == pytest.approx((pair_12 + pair_13 + pair_23) / 3, abs=1e-4)
    assert report.spans["PERSON"].pairs == 3


def test_overlap_f1_credits_overlapping_spans_of_the_same_label(report):
    # GPE: "Paris" vs "in Paris" (only annotators 1 and 2 mark any GPE; pairs with 3 have one side empty -> 0)
    assert report.spans["GPE"].exact_f1 == pytest.approx((f1(0, 1, 1) + 0 + 0) / 3, abs=1e-4)
    assert report.spans["GPE"].overlap_f1 == pytest.approx((1.0 + 0 + 0) / 3, abs=1e-4)
    # Bob as PERSON vs ORG: the label matters for overlap too.
    precision_12 = 2 / 3  # annotator-1's Alice and Carol overlap a PERSON of annotator-2, Bob does not
    recall_12 = 2 / 2
    overlap_12 = 2 * precision_12 * recall_12 / (precision_12 + recall_12)
    overlap_13 = 2 * (1 / 3) * 1 / (1 / 3 + 1)
    overlap_23 = 2 * (1 / 2) * 1 / (1 / 2 + 1)
    assert report.spans["PERSON"].overlap_f1 == pytest.approx((overlap_12 + overlap_13 + overlap_23) / 3, abs=1e-4)


def test_labels_nobody_used_are_not_given_a_figure(report):
    assert report.spans["MONEY"].exact_f1 is None
    assert report.spans["MONEY"].overlap_f1 is None
    assert report.spans["MONEY"].pairs == 0


def test_claim_spans_and_said_by(report):
    # CLAIM: (1,2) agree on all 4 claims of P and Q; annotator-3 marked none in P.
    assert report.spans["CLAIM"].exact_f1 == pytest.approx((f1(4, 4, 4) + f1(0, 1, 0) + f1(0, 1, 0)) / 3, abs=1e-4)
    # said_by: (1,2) both link the tax claim to Carol; annotator-3 has no links.
    assert report.said_by.exact_f1 == pytest.approx((1.0 + 0 + 0) / 3, abs=1e-4)


def test_krippendorff_alpha_on_exactly_matched_claims(report):
    # claim_type over the 4 claims annotators 1 and 2 both marked:
    # (quantity, quantity) in P; in Q (quantity, quantity), (other, other), (correlation_causation, other).
    pairs = [("quantity", "quantity"), ("quantity", "quantity"), ("other", "other"), ("correlation_causation", "other")]
    values = [v for pair in pairs for v in pair]
    n = len(values)
    counts = {v: values.count(v) for v in set(values)}
    disagreeing = sum(a != b for a, b in pairs) * 2  # each disagreeing unit adds two ordered pairs
    d_observed = disagreeing / n
    d_expected = sum(counts[a] * counts[b] for a in counts for b in counts if a != b) / (n * (n - 1))
    attr = report.claim_attributes["claim_type"]
    assert attr.matched_claims == 4
    assert attr.krippendorff_alpha == pytest.approx(1 - d_observed / d_expected, abs=1e-4)
    assert attr.observed_agreement == pytest.approx(3 / 4, abs=1e-4)


def test_alpha_is_left_undefined_when_everyone_used_one_value(report):
    # attribution: every matched claim is "reported_speech" for both annotators -> no expected disagreement
    attr = report.claim_attributes["attribution"]
    assert attr.krippendorff_alpha is None
    assert "undefined" in attr.note
    assert attr.observed_agreement == 1.0


def test_single_annotator_is_not_measured():
    records = [r for r in _fixture() if r.annotator == "annotator-1"]
    report = measure_agreement(records, load_taxonomy(REPO_TAXONOMY))
    assert not report.measured
    assert "single annotator" in report.reason
    assert report.spans == {} and report.claim_attributes == {} and report.said_by is None


def _overlap_f1_by_definition(a, b):
    """Every span of one side against every span of the other (the quadratic definition)."""
    if not a and not b:
        return None
    if not a or not b:
        return 0.0

    def found(x, y):
        return sum(any(d == d2 and lab == lab2 and s < e2 and s2 < e for d2, s2, e2, lab2 in y) for d, s, e, lab in x)

    p, r = found(a, b) / len(a), found(b, a) / len(b)
    return 0.0 if p + r == 0 else 2 * p * r / (p + r)


_spans = st.sets(
    st.tuples(
        st.sampled_from(["d1", "d2"]), st.integers(0, 12), st.integers(1, 6), st.sampled_from(["PERSON", "ORG"])
    ).map(lambda t: (t[0], t[1], t[1] + t[2], t[3])),
    max_size=8,
)


@settings(max_examples=examples(300), deadline=None)
@given(_spans, _spans)
def test_overlap_f1_matches_its_definition(a, b):
    assert overlap_f1(a, b) == _overlap_f1_by_definition(a, b)


def test_an_attribute_left_unset_says_on_how_many_claims_alpha_stands():
    doc = make_document("u", "Prices went up. The mill closed. Rain caused floods.")

    def claims(middle: str | None):
        made = [
            claim(doc, "Prices went up", "x", "quantity", "yes"),
            claim(doc, "The mill closed", "y", "other", "no"),
            claim(doc, "Rain caused floods", "z", "other", "no"),
        ]
        made[1].attributes["checkworthy"] = middle  # None: unset, as a migrated claim can be
        return made

    one = record(doc, "annotator-1", 1, claims=claims(None))
    other = record(doc, "annotator-2", 2, claims=claims("no"))
    report = measure_agreement([one, other], load_taxonomy(REPO_TAXONOMY))
    assert report.claim_attributes["checkworthy"].krippendorff_alpha == 1.0
    assert report.claim_attributes["checkworthy"].note == "on the 2 of 3 claims where two annotators gave a value"
    assert report.claim_attributes["claim_type"].note == ""
