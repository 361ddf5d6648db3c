"""Property tests for reanchor.OffsetMap: texts with many repeats, random edit scripts. A diff may
read an edit differently from its script (deleting the first "ab " of "ab ab " gives the same text
as deleting the second), so script-based properties are checked only where every minimal-cost
alignment agrees (`_alignments`, computed independently of diff-match-patch)."""

from __future__ import annotations

from dataclasses import astuple
from itertools import pairwise

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_budget import examples

from newsclaims.annotation.reanchor import CHANGED_MIN_SIMILARITY, OffsetMap

WORDS = ["ab", "ba", "a", "abab", "the", "claim", "said", "😀", "𝔸", "🇷🇺", "a😀b", "𝔸𝔸"]
SEPS = [" ", " ", "\n", ", "]
SETTINGS = settings(
    max_examples=examples(150), deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)


def _levenshtein(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def _alignments(old: str, new: str) -> tuple[int, list[set]]:
    """The minimal insert+delete cost, and for each old index i the new indices j that old[i] is
    matched to in some minimal alignment, plus "del" if some minimal alignment deletes it (a path
    through the grid crosses row i -> i+1 once: by a diagonal or by a deletion)."""
    n, m = len(old), len(new)
    fwd = [[i + j for j in range(m + 1)] for i in range(n + 1)]
    bwd = [[n - i + m - j for j in range(m + 1)] for i in range(n + 1)]
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            same = fwd[i - 1][j - 1] if old[i - 1] == new[j - 1] else n + m
            fwd[i][j] = min(fwd[i - 1][j] + 1, fwd[i][j - 1] + 1, same)
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            same = bwd[i + 1][j + 1] if old[i] == new[j] else n + m
            bwd[i][j] = min(bwd[i + 1][j] + 1, bwd[i][j + 1] + 1, same)
    total, rows = fwd[n][m], []
    for i in range(n):
        row = {j for j in range(m) if old[i] == new[j] and fwd[i][j] + bwd[i + 1][j + 1] == total}
        deletable = any(fwd[i][j] + 1 + bwd[i + 1][j] == total for j in range(m + 1))
        rows.append(row | ({"del"} if deletable else set()))
    return total, rows


@st.composite
def cases(draw, edited: bool = True):
    """(old, spans, new, edits): spans pairwise disjoint or nested; edits are separated
    (pos, deleted length, inserted text) in old offsets, aimed at span edges, insides, anywhere."""
    size = draw(st.sampled_from([1, 8, 60]))  # long texts with edits far apart: line-mode diffs
    words = draw(st.lists(st.sampled_from(WORDS), min_size=size, max_size=size + 10))
    old = "".join(w + draw(st.sampled_from(SEPS)) for w in words)
    n, spans = len(old), []
    for _ in range(draw(st.integers(1, 6))):
        a = draw(st.integers(0, n - 1))
        b = draw(st.integers(a + 1, min(n, a + draw(st.sampled_from([3, 10, 30, n])))))
        if all(b <= c or d <= a or (c <= a and b <= d) or (a <= c and d <= b) for c, d in spans):
            spans.append((a, b))
    edits: list[tuple[int, int, str]] = []
    for _ in range(draw(st.integers(0, 5)) if edited else 0):
        s0, e0 = draw(st.sampled_from(spans))
        pos = draw(st.sampled_from([s0, e0, (s0 + e0) // 2, draw(st.integers(0, n))]))
        pos = min(n, max(0, pos + draw(st.integers(-3, 3))))
        cut = min(n - pos, draw(st.sampled_from([0, 1, 2, 5, e0 - s0 + 4])))
        ins = "".join(draw(st.lists(st.sampled_from(WORDS + SEPS + ["§"]), max_size=3)))
        if (cut or ins) and all(pos + cut < q or q + c < pos for q, c, _ in edits):
            edits.append((pos, cut, ins))
    new, at = [], 0
    for pos, cut, ins in sorted(edits):
        new += [old[at:pos], ins]
        at = pos + cut
    return old, spans, "".join(new) + old[at:], edits


def _check_invariants(old: str, new: str, span: tuple[int, int], move) -> None:
    if move.status in ("unchanged", "moved"):
        assert new[move.start : move.end] == old[span[0] : span[1]] == move.text
        assert (move.status == "unchanged") == (move.start == span[0]) and move.similarity == 1.0
    elif move.status == "changed":
        assert 0 <= move.start < move.end <= len(new) and move.text == new[move.start : move.end]
        a, b = old[span[0] : span[1]], move.text
        true = round(1 - _levenshtein(a, b) / max(len(a), len(b)), 4)
        assert CHANGED_MIN_SIMILARITY <= move.similarity == true
    else:
        assert move.status == "lost" and move.start is move.end is move.text is None


@settings(SETTINGS, max_examples=examples(50))
@given(cases(edited=False))
def test_identity_every_span_unchanged(case):
    """Mapping a text onto itself keeps every span at its offsets, with its own text."""
    old, spans, _, _ = case
    for s, e in spans:
        assert astuple(OffsetMap(old, old).map_span(s, e)) == ("unchanged", s, e, old[s:e], 1.0)


@SETTINGS
@given(cases())
def test_never_other_words_order_kept_deterministic(case):
    """No span is mapped onto other words: unchanged/moved spans carry exactly their old text,
    changed ones a similarity >= the threshold, lost ones nothing; mapped spans keep their order;
    mapping twice, or through a second map, gives the same result."""
    old, spans, new, _ = case
    omap = OffsetMap(old, new)
    moves = {span: omap.map_span(*span) for span in spans}
    for span, move in moves.items():
        _check_invariants(old, new, span, move)
        assert move == omap.map_span(*span) == OffsetMap(old, new).map_span(*span)
    mapped = sorted((s0, m.start) for (s0, _), m in moves.items() if m.status != "lost")
    assert all(a0 == b0 or a <= b for (a0, a), (b0, b) in pairwise(mapped))


@SETTINGS
@given(cases())
def test_untouched_spans_move_and_deleted_spans_are_lost(case):
    """A span the script left alone (nothing in it deleted or replaced, no insertion strictly
    inside; edges do not count) comes back at its offsets shifted by the script's net insertions
    before it; a span inside a deleted region is lost. Checked only where every minimal diff
    agrees with the script, and only when the diff is minimal (diff-match-patch's line mode,
    used for texts > 100 characters, may return a longer one)."""
    old, spans, new, edits = case
    omap = OffsetMap(old, new)
    total, rows = _alignments(old, new)
    minimal = old == new or len(old) + len(new) - 2 * sum(r[2] for r in omap.runs) == total
    for s0, e0 in spans:
        move = omap.map_span(s0, e0)
        _check_invariants(old, new, (s0, e0), move)
        touched = any(p < e0 and s0 < p + c or (s0 < p < e0 and ins) for p, c, ins in edits)
        d = sum(len(ins) - c for p, c, ins in edits if p + c <= s0)
        if minimal and not touched and all(rows[i] == {i + d} for i in range(s0, e0)):
            got = (move.status, move.start, move.end, move.similarity)
            assert got == ("moved" if d else "unchanged", s0 + d, e0 + d, 1.0)
        inside_cut = any(p <= s0 and e0 <= p + c for p, c, _ in edits)
        if minimal and inside_cut and all(rows[i] == {"del"} for i in range(s0, e0)):
            assert move.status == "lost"


def test_similarity_is_the_levenshtein_similarity():
    """'the' -> 'eht' is two substitutions: 1 - 2/14 = 0.857 >= 0.8, so the span is changed."""
    move = OffsetMap("Reuters: the claim said.\n", "Reuters: eht claim said.\n").map_span(9, 23)
    assert (move.status, move.text, move.similarity) == ("changed", "eht claim said", 0.8571)


def test_adjacent_equal_runs_are_one_run():
    """Nothing in 'claim\\nb' changed, but line mode leaves an empty delete before the last 'b'."""
    body = "the claim\n" * 11
    old, new = "a" + body + "b", "c" + body + "bd"
    start = len(old) - 7
    assert astuple(OffsetMap(old, new).map_span(start, len(old))) == ("unchanged", start, len(old), "claim\nb", 1.0)
