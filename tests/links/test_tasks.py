"""A pairwise task shows each claim in its context, escaped, with outlet, date and figures."""

from __future__ import annotations

from newsclaims.links.claims import context
from newsclaims.links.records import ClaimRef, PairFeatures, Proposal, pair_id
from newsclaims.links.tasks import claim_html, task_for

TEXT = "First sentence here. Then <b>6,060</b> soldiers & more were sent. Last one. Never shown."


def test_context_is_a_sentence_on_each_side():
    start = TEXT.index("6,060")
    end = start + len("6,060</b> soldiers")
    before, after = context(TEXT, start, end)
    assert before == "First sentence here. Then <b>"
    assert after == "& more were sent. Last one."


def test_task_escapes_the_text_and_carries_both_claims():
    a = ClaimRef("d1", 0, 5, "<script>x</script>", "Outlet & Co", "2025-09-23", "before <i>", "after")
    b = ClaimRef("d2", 0, 5, "plain", None, None)
    feats = PairFeatures(0.9, 0.0, 1.0, 0.0, 0.0, 0.0, True)
    p = Proposal(pair_id(a.key, b.key), a.key, b.key, a.text, b.text, "d1", 0.95, feats, ["> 6,000 soldier"], [])
    task = task_for(p, {a.key: a, b.key: b}, "v1", "snap")
    data = task["data"]
    assert "<script>" not in data["left_html"] and "&lt;script&gt;" in data["left_html"]
    assert claim_html(a) == "before &lt;i&gt; <mark><b>&lt;script&gt;x&lt;/script&gt;</b></mark> after"
    assert data["left_outlet"] == "Outlet & Co" and data["right_outlet"] == "unknown outlet"
    assert (
        data["right_date"] == "no date"
        and data["left_numbers"] == "> 6,000 soldier"
        and data["right_numbers"] == "none"
    )
    assert data["pair_id"] == p.pair_id and "figures look different" in data["features"]
    assert task["meta"] == {"corpus_version": "v1", "snapshot_id": "snap"}
