"""`score_pairs` with the real offline model on hand-written claims, and the inputs that must give no links."""

from __future__ import annotations

from newsclaims.links.propose import choose_threshold, evaluate, score_pairs
from newsclaims.links.records import pair_id

from .conftest import claim, story

# Two outlets' wordings of the same three claims, and one claim each that the other lacks.
A = [
    claim("doc-a", 0, "Transfer of remains of more than 6,000 Ukrainian soldiers", "Outlet A"),
    claim("doc-a", 100, "$70.2 billion in military and financial support provided to Kiev", "Outlet A"),
    claim("doc-a", 200, "Exchange of over 1,000 prisoners of war", "Outlet A"),
    claim("doc-a", 300, "Moscow does not seek confrontation with NATO members", "Outlet A"),
]
B = [
    claim("doc-b", 0, "the remains of 6,060 Ukrainian soldiers have been transferred to Ukraine", "Outlet B"),
    claim("doc-b", 100, "military and financial aid to Kiev has amounted to 70.2 billion dollars", "Outlet B"),
    claim("doc-b", 200, "one thousand prisoners of war from both sides have been exchanged", "Outlet B"),
    claim("doc-b", 300, "Pakistan strongly supports a diplomatic resolution to the conflict", "Outlet B"),
]
SAME = {pair_id(a.key, b.key) for a, b in zip(A[:3], B[:3])}


def test_same_claims_told_twice_score_above_the_rest(encoder):
    scored = score_pairs([story("doc-a", *A, *B)], encoder, floor=float("-inf"))
    assert scored.pairs_compared == 16 and len(scored.proposals) == 16
    by_id = {p.pair_id: p for p in scored.proposals}
    worst_same = min(by_id[p].score for p in SAME)
    best_other = max(p.score for p in scored.proposals if p.pair_id not in SAME)
    assert worst_same > best_other
    soldiers = by_id[pair_id(A[0].key, B[0].key)]
    assert soldiers.features.numbers_differ and soldiers.features.numbers_compatible == 1.0
    assert soldiers.left_numbers == ["> 6,000 soldier"] and soldiers.right_numbers == ["6,060 soldier"]
    money = by_id[pair_id(A[1].key, B[1].key)]
    assert money.features.numbers_shared == 1.0 and not money.features.numbers_differ
    prisoners = by_id[pair_id(A[2].key, B[2].key)]
    # "over 1,000" and "one thousand" state one figure: the same value, whatever the qualifier.
    assert prisoners.features.numbers_shared == 1.0 and not prisoners.features.numbers_differ
    # Every proposal names its claims in a fixed order and carries the features behind its score.
    assert all(p.left < p.right and p.features.cosine <= 1.0 for p in scored.proposals)


def test_threshold_chosen_on_confirmed_pairs(encoder):
    scored = score_pairs([story("doc-a", *A, *B)], encoder, floor=float("-inf"))
    chosen = choose_threshold(scored.proposals, SAME)
    assert chosen is not None and chosen.precision == 1.0 and chosen.recall == 1.0
    assert evaluate(scored.proposals, SAME, chosen.threshold + 1).recall == 0.0
    assert choose_threshold(scored.proposals, set()) is None


def test_bad_inputs_give_no_links_and_no_error(encoder):
    no_numbers = [
        claim("d1", 0, "Russia remains open to meaningful dialogue"),
        claim("d2", 0, "Russia is open to dialogue"),
    ]
    scored = score_pairs([story("d1", *no_numbers)], encoder, floor=float("-inf"))
    assert len(scored.proposals) == 1 and scored.proposals[0].features.numbers_shared == 0.0
    # Nothing to count on either side adds nothing (0/0 is no overlap, not a full one): no link.
    unrelated = [
        claim("d1", 0, "Moscow does not seek confrontation with NATO members"),
        claim("d2", 0, "The legislation bans Soviet-era symbols"),
    ]
    (only,) = score_pairs([story("d1", *unrelated)], encoder, floor=float("-inf")).proposals
    assert only.score == only.features.cosine and not only.features.numbers_differ
    assert score_pairs([story("d1", *unrelated)], encoder).proposals == []
    one_document = story("d1", claim("d1", 0, "A claim"), claim("d1", 50, "A claim"))
    one_claim_each = story(
        "d3", claim("d3", 0, "Peace talks resumed in May"), claim("d4", 0, "Peace talks resumed in May")
    )
    assert score_pairs([one_document], encoder).proposals == []
    assert score_pairs([], encoder).proposals == [] and score_pairs([], encoder).pairs_compared == 0
    single = score_pairs([one_claim_each], encoder)
    assert single.pairs_compared == 1 and len(single.proposals) == 1  # one claim per document still links


def test_documents_of_other_story_groups_are_never_compared(encoder):
    # The same wording in two groups: only pairs within a group exist, and the count is linear in groups.
    groups = [
        story(
            f"g{i}",
            claim(f"g{i}-a", 0, "Exchange of 1,000 prisoners"),
            claim(f"g{i}-b", 0, "1,000 prisoners exchanged"),
        )
        for i in range(6)
    ]
    scored = score_pairs(groups, encoder, floor=float("-inf"))
    assert scored.pairs_compared == 6 and scored.groups == 6
    assert all(p.left.split("-")[0] == p.right.split("-")[0] for p in scored.proposals)
    assert score_pairs(groups[:3], encoder, floor=float("-inf")).pairs_compared == 3


def test_embedding_a_chunk_at_a_time_changes_nothing(encoder):
    groups = [
        story("doc-a", *A, *B),
        story("g2", claim("g2-a", 0, "Over 1,000 prisoners"), claim("g2-b", 0, "1,000 POWs")),
    ]
    whole = score_pairs(groups, encoder, floor=float("-inf"))
    by_story = score_pairs(groups, encoder, floor=float("-inf"), chunk_claims=1)
    assert [(p.pair_id, p.features) for p in whole.proposals] == [(p.pair_id, p.features) for p in by_story.proposals]
    assert whole.pairs_compared == by_story.pairs_compared == 17
