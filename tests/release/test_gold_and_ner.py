"""Adjudication (ground truth, majority, review list) and tokens + BIO tags."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis_budget import examples

from newsclaims.release.gold import GoldSpan, adjudicate
from newsclaims.release.ner import TOKEN_RE, bio_tags, tokenize
from newsclaims.schemas.taxonomy import load_taxonomy

from .builders import REPO_TAXONOMY, claim, make_document, record, span

TAX = load_taxonomy(REPO_TAXONOMY)
DOC = make_document("g", "Mayor Ana Ruiz said the city hired 300 nurses, the council said.")


def _three_annotators():
    sp = lambda rid: span(DOC, "Ana Ruiz", "PERSON", rid)  # noqa: E731
    council = span(DOC, "council", "ORG", "o")
    nurses = lambda rid, cw: claim(DOC, "the city hired 300 nurses", rid, "quantity", cw)  # noqa: E731
    return [
        record(DOC, "annotator-1", 1, entities=[sp("s"), council], claims=[nurses("k", "yes")], said_by=[("k", "s")]),
        record(
            DOC,
            "annotator-2",
            2,
            entities=[sp("s"), span(DOC, "300", "QUANTITY", "q")],
            claims=[nurses("k", "no")],
            said_by=[("k", "s")],
        ),
        record(DOC, "annotator-3", 3, entities=[sp("s"), council], claims=[nurses("k", "yes")], said_by=[("k", "o")]),
    ]


def test_majority_gold_and_review_list():
    gold, review = adjudicate(_three_annotators(), TAX)
    g = gold[DOC.id]
    assert g.method == "majority"
    ana = GoldSpan(DOC.text.index("Ana Ruiz"), DOC.text.index("Ana Ruiz") + 8, "PERSON", "Ana Ruiz")
    council = GoldSpan(DOC.text.index("council"), DOC.text.index("council") + 7, "ORG", "council")
    assert g.entities == sorted([ana, council])  # 3/3 and 2/3; QUANTITY 1/3 is left out
    [c] = g.claims
    assert c.attributes == {
        "verifiable": None,  # no annotator set it: unset, not the string "None"
        "checkworthy": "yes",
        "claim_type": "quantity",
        "attribution": "reported_speech",
        "normalized": None,
    }
    assert c.speaker == ana  # 2 of 3 linked the claim to Ana Ruiz
    kinds = sorted((i.kind, i.label) for i in review)
    assert ("span", "QUANTITY") in kinds  # left out, listed
    assert ("speaker", "CLAIM") in kinds  # not unanimous, listed
    assert not any(i.kind == "claim_attribute" for i in review)


def test_speaker_is_null_when_its_span_is_not_gold():
    # 4 annotators; 3 mark the claim (gold). 2 of those 3 link it to "council", which only those 2
    # marked: a majority speaker, but 2 of 4 is no majority for the span, so the speaker stays null.
    council = span(DOC, "council", "ORG", "o")
    nurses = claim(DOC, "the city hired 300 nurses", "k", "quantity")
    records = [
        record(DOC, "annotator-1", 1, entities=[council], claims=[nurses], said_by=[("k", "o")]),
        record(DOC, "annotator-2", 2, entities=[council], claims=[nurses], said_by=[("k", "o")]),
        record(DOC, "annotator-3", 3, claims=[nurses]),
        record(DOC, "annotator-4", 4),
    ]
    gold, review = adjudicate(records, TAX)
    [c] = gold[DOC.id].claims
    assert c.speaker is None
    assert gold[DOC.id].entities == []
    [item] = [i for i in review if i.kind == "speaker"]
    assert "left null" in item.outcome
    assert item.votes[f"{council.start}:{council.end}:ORG"] == ["annotator-1", "annotator-2"]


def test_tied_attribute_is_null_and_reviewed():
    records = _three_annotators()[:2]  # yes vs no on checkworthy
    gold, review = adjudicate(records, TAX)
    assert gold[DOC.id].claims[0].attributes["checkworthy"] is None
    [item] = [i for i in review if i.kind == "claim_attribute"]
    assert item.votes == {"yes": ["annotator-1"], "no": ["annotator-2"]}


def test_ground_truth_annotation_wins():
    records = _three_annotators()
    records[1] = replace(records[1], ground_truth=True)
    gold, review = adjudicate(records, TAX)
    g = gold[DOC.id]
    assert g.method == "ground_truth"
    assert {s.label for s in g.entities} == {"PERSON", "QUANTITY"}
    assert g.claims[0].attributes["checkworthy"] == "no"
    assert review == []


def test_tokenize_keeps_offsets_and_numbers_whole():
    text = "Khorev’s team paid $70.2 billion to 1,000 step-by-step groups."
    tokens = tokenize(text)
    assert all(text[s:e] == t for t, s, e in zip(tokens.texts, tokens.starts, tokens.ends))
    assert tokens.texts[:4] == ["Khorev", "’s", "team", "paid"]
    assert "70.2" in tokens.texts and "1,000" in tokens.texts
    assert ["step", "-", "by", "-", "step"] == tokens.texts[9:14]


@settings(max_examples=examples(300), deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab1,.'’- \n\tЖ_é😀$")), max_size=60))
def test_tokenize_is_exactly_the_regex_matches(text):
    tokens = tokenize(text)
    matches = list(TOKEN_RE.finditer(text))
    assert tokens.texts == [m.group() for m in matches]
    assert tokens.starts.tolist() == [m.start() for m in matches]
    assert tokens.ends.tolist() == [m.end() for m in matches]


def _bio_tags_by_scanning(text, spans):
    """The definition: a token is in a span if they overlap; earlier, then longer spans win."""
    matches = list(TOKEN_RE.finditer(text))
    tags = ["O"] * len(matches)
    for gold_span in sorted(spans, key=lambda s: (s.start, -(s.end - s.start), s.label)):
        inside = [i for i, m in enumerate(matches) if m.start() < gold_span.end and gold_span.start < m.end()]
        if inside and all(tags[i] == "O" for i in inside):
            tags[inside[0]] = f"B-{gold_span.label}"
            for i in inside[1:]:
                tags[i] = f"I-{gold_span.label}"
    return tags


@settings(max_examples=examples(300), deadline=None)
@given(st.data())
def test_bio_tags_match_the_overlap_definition(data):
    text = data.draw(st.text(alphabet=st.sampled_from(list("ab1,.- ")), min_size=1, max_size=40))
    bounds = st.tuples(st.integers(0, len(text)), st.integers(0, len(text))).map(sorted)
    raw = data.draw(st.lists(st.tuples(bounds, st.sampled_from(["PERSON", "ORG"])), max_size=6))
    spans = [GoldSpan(s, e, label, text[s:e]) for (s, e), label in raw if e > s]
    assert bio_tags(tokenize(text), spans) == _bio_tags_by_scanning(text, spans)


def test_bio_tags_from_spans_and_overlaps():
    text = "Albert P. Khorev met the UN in New York."
    tokens = tokenize(text)
    person = GoldSpan(0, 16, "PERSON", "Albert P. Khorev")
    org = GoldSpan(text.index("UN"), text.index("UN") + 2, "ORG", "UN")
    gpe = GoldSpan(text.index("New York"), text.index("New York") + 8, "GPE", "New York")
    nested = GoldSpan(text.index("York"), text.index("York") + 4, "GPE", "York")
    tags = dict(zip(tokens.texts, bio_tags(tokens, [person, org, gpe, nested])))
    assert [tags[w] for w in ("Albert", "P.", "Khorev", "met", "UN", "New", "York")] == [
        "B-PERSON",
        "I-PERSON",
        "I-PERSON",
        "O",
        "B-ORG",
        "B-GPE",
        "I-GPE",
    ]


@given(
    st.lists(
        st.builds(
            GoldSpan,
            st.integers(0, 5),
            st.integers(0, 5),
            st.sampled_from(["ORG", "PERSON"]),
            st.sampled_from(["a", "b"]),
        )
    )
)
def test_gold_span_sort_key_is_the_dataclass_order(spans):
    from newsclaims.release.gold_types import span_order as _order

    assert sorted(spans, key=_order) == sorted(spans)
