"""Property tests for reanchor.OffsetMap: random texts with many repeats, random edit scripts.

The diff may align an edit differently than the script that made it (deleting the first "ab " of
"ab ab " reads the same as deleting the second), so properties stated in terms of the script are
checked only where every minimal-cost alignment agrees; `_alignments` computes that independently.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsclaims.annotation.reanchor import CHANGED_MIN_SIMILARITY, OffsetMap

WORDS = ["ab", "ba", "a", "abab", "the", "claim", "said", "😀", "𝔸", "🇷🇺", "a😀b", "𝔸𝔸"]
SEPS = [" ", " ", "\n", ", "]
SETTINGS = settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


def _levenshtein(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def _alignments(old: str, new: str):
    """Minimal insert+delete cost D, and for each old index i the set of new indices j such that
    old[i] is matched to new[j] in some minimal alignment, with "del" in the set if some minimal
    alignment deletes old[i]. Every monotone path crosses row i -> i+1 exactly once."""
    n, m, inf = len(old), len(new), 10**9
    fwd = [[inf] * (m + 1) for _ in range(n + 1)]
    bwd = [[inf] * (m + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        for j in range(m + 1):
            best = 0 if i == j == 0 else inf
            if i: best = min(best, fwd[i - 1][j] + 1)
            if j: best = min(best, fwd[i][j - 1] + 1)
            if i and j and old[i - 1] == new[j - 1]: best = min(best, fwd[i - 1][j - 1])
            fwd[i][j] = best
    for i in range(n, -1, -1):
        for j in range(m, -1, -1):
            best = 0 if i == n and j == m else inf
            if i < n: best = min(best, bwd[i + 1][j] + 1)
            if j < m: best = min(best, bwd[i][j + 1] + 1)
            if i < n and j < m and old[i] == new[j]: best = min(best, bwd[i + 1][j + 1])
            bwd[i][j] = best
    total = fwd[n][m]
    rows = []
    for i in range(n):
        row = {j for j in range(m) if old[i] == new[j] and fwd[i][j] + bwd[i + 1][j + 1] == total}
        if any(fwd[i][j] + 1 + bwd[i + 1][j] == total for j in range(m + 1)):
            row.add("del")
        rows.append(row)
    return total, rows


@st.composite
def cases(draw, edited: bool = True):
    """(old, spans, new, edits): spans pairwise disjoint or nested; edits = disjoint, separated
    (pos, deleted length, inserted text) in old offsets, aimed at span boundaries, span insides
    or anywhere."""
    size = draw(st.sampled_from([1, 8, 60]))  # long texts, edits far apart: the line-mode diff
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
    edits.sort()
    new, at = [], 0
    for pos, cut, ins in edits:
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
        expected = round(1 - _levenshtein(a, b) / max(len(a), len(b)), 4)
        assert move.similarity == expected >= CHANGED_MIN_SIMILARITY
    else:
        assert move.status == "lost" and move.start is move.end is move.text is None


@SETTINGS
@given(cases(edited=False))
def test_identity_every_span_unchanged(case):
    """Mapping a text onto itself keeps every span where it was, with its own text."""
    old, spans, new, _ = case
    for s, e in spans:
        assert OffsetMap(old, new).map_span(s, e) == OffsetMap(old, old).map_span(s, e)
        move = OffsetMap(old, new).map_span(s, e)
        assert (move.status, move.start, move.end, move.text) == ("unchanged", s, e, old[s:e])


@SETTINGS
@given(cases())
def test_status_invariants_and_order(case):
    """No span is ever mapped onto other words: unchanged/moved spans carry exactly their old text,
    changed spans report their true normalized Levenshtein similarity (>= the threshold), lost
    spans carry nothing; mapped spans keep their order; mapping is deterministic."""
    old, spans, new, _ = case
    omap = OffsetMap(old, new)
    moves = {span: omap.map_span(*span) for span in spans}
    for span, move in moves.items():
        _check_invariants(old, new, span, move)
        assert move == omap.map_span(*span) == OffsetMap(old, new).map_span(*span)
    mapped = sorted((s0, m.start) for (s0, _), m in moves.items() if m.status != "lost")
    for (a0, a), (b0, b) in zip(mapped, mapped[1:]):
        assert a0 == b0 or a <= b


@SETTINGS
@given(cases())
def test_untouched_spans_keep_text_and_deleted_spans_are_lost(case):
    """A span the script left untouched (no character deleted or replaced, no insertion strictly
    inside) comes back unchanged/moved, shifted by the script's net insertions before it; a span
    inside a deleted region is lost. Both are asserted only where every minimal diff agrees with
    the script (an ambiguous alignment may legitimately read the edit elsewhere)."""
    old, spans, new, edits = case
    omap = OffsetMap(old, new)
    total, rows = _alignments(old, new)
    kept = sum(length for _, _, length in omap.runs) if omap.runs else len(old) * (old == new)
    assert len(old) + len(new) - 2 * kept == total, "the diff is not minimal"
    for s0, e0 in spans:
        move = omap.map_span(s0, e0)
        _check_invariants(old, new, (s0, e0), move)
        touched = any(p < e0 and s0 < p + c or (s0 < p < e0 and ins) for p, c, ins in edits)
        shift = sum(len(ins) - c for p, c, ins in edits if p + c <= s0)
        if not touched and all(rows[i] == {i + shift} for i in range(s0, e0)):
            assert (move.status, move.start, move.end) == (
                "unchanged" if shift == 0 else "moved", s0 + shift, e0 + shift)
        deleted = any(p <= s0 and e0 <= p + c for p, c, _ in edits)
        if deleted and all(rows[i] == {"del"} for i in range(s0, e0)):
            assert move.status == "lost"
