"""Re-anchoring spans from an old document text to a new one, through a real diff of the two.

diff-match-patch (Myers' diff, line mode first, no time limit so the result never depends on
the machine's speed) splits the texts into equal runs and edits. A span's offsets move through the equal
runs only; nothing is ever searched for, so a span can never land on another occurrence of the
same words.

- unchanged: both ends in one equal run, same offsets;
- moved: both ends in one equal run, shifted by edits before it;
- changed: the span contains an edit; its ends are mapped (an end inside an edit goes to that
  edit's edge, so the replacement text stays inside the span) and the new text is accepted when
  it is still close to the old: normalized Levenshtein similarity (rapidfuzz) >=
  CHANGED_MIN_SIMILARITY;
- lost: the span's text was deleted, or what is left is not close enough.

Offsets are code points (Python `str` indices), as in Label Studio and the corpus. Below the
mapping: the same for a Label Studio result list (spans, their per-region choices, relations),
used by `annotate migrate` (a snapshot) and `annotate push` (tasks in Label Studio). These work
on the raw items, not the codec's typed ones: an item must come back with every key Label
Studio put on it (score, meta, ...), only its offsets and text changed.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Any

import orjson
from diff_match_patch import diff_match_patch
from rapidfuzz.distance import Levenshtein

from newsclaims.annotation.codec import LABELS, RELATION
from newsclaims.corpus.document import Document

UNCHANGED, MOVED, CHANGED, LOST = "unchanged", "moved", "changed", "lost"
# A corrected typo or a changed number keeps a span (one character in ten may differ); a
# rewritten clause does not. Chosen on the seed edits (tests/annotation/test_reanchor.py).
CHANGED_MIN_SIMILARITY = 0.8
KEPT = "kept"  # a relation whose two ends survived
# How a document of the old corpus version was found in the new one.
RENAMED, SAME_ID, SAME_RAW_PATH, GONE = "renamed", "same_id", "same_raw_path", "gone"


@dataclass(frozen=True)
class SpanMove:
    status: str  # UNCHANGED | MOVED | CHANGED | LOST
    start: int | None
    end: int | None
    text: str | None
    similarity: float  # 1.0 for unchanged / moved; 0.0 for a deleted span


def _differ() -> diff_match_patch:
    dmp = diff_match_patch()
    dmp.Diff_Timeout = 0  # deterministic: a time limit would make the diff depend on the machine
    return dmp


def similarity(a: str, b: str) -> float:
    """1 - Levenshtein distance / the longer length (1.0 for two equal strings): rapidfuzz's exact
    distance (diff-match-patch's `diff_levenshtein` only bounds it from above)."""
    return Levenshtein.normalized_similarity(a, b)


class OffsetMap:
    """The equal runs of a diff between `old` and `new`, for mapping offsets from one to the other."""

    def __init__(self, old: str, new: str) -> None:
        self.old, self.new = old, new
        self.identical = old == new
        # (old_start, new_start, length) of every equal run, in order; plus where each edit is.
        self.runs: list[tuple[int, int, int]] = []
        if not self.identical:
            o = n = 0
            # Line mode first, then characters within changed lines: fast on long articles. Where
            # lines moved the diff may not be minimal (a span there may be lost that a minimal
            # diff would keep), but every equal run it reports is equal text.
            for op, chunk in _differ().diff_main(old, new, True):
                if not chunk:
                    continue
                if op == 0:
                    last = self.runs[-1] if self.runs else None
                    if last and last[0] + last[2] == o and last[1] + last[2] == n:
                        # line mode can leave an empty edit between two equal runs: one run
                        self.runs[-1] = (last[0], last[1], last[2] + len(chunk))
                    else:
                        self.runs.append((o, n, len(chunk)))
                    o += len(chunk)
                    n += len(chunk)
                elif op == -1:
                    o += len(chunk)
                else:
                    n += len(chunk)
        self._starts = [r[0] for r in self.runs]

    def _run_of(self, pos: int, as_end: bool) -> tuple[int, int, int] | None:
        """The equal run holding old offset `pos` (a start: start <= pos < end; an end: start < pos <= end)."""
        i = bisect.bisect_right(self._starts, pos - 1 if as_end else pos) - 1
        if i < 0:
            return None
        o, n, length = self.runs[i]
        inside = o < pos <= o + length if as_end else o <= pos < o + length
        return self.runs[i] if inside else None

    def _edge(self, pos: int, as_end: bool) -> int:
        """An old offset inside an edit -> the new offset of that edit's far edge (keep the replacement)."""
        if as_end:  # the edit ends where the next equal run begins
            j = bisect.bisect_left(self._starts, pos)
            return self.runs[j][1] if j < len(self.runs) else len(self.new)
        i = bisect.bisect_right(self._starts, pos) - 1  # the edit starts where the previous run ends
        if i < 0:
            return 0
        _, n, length = self.runs[i]
        return n + length

    def _kept(self, start: int, end: int) -> int:
        """How many characters of old[start:end] are in equal runs."""
        i = max(0, bisect.bisect_right(self._starts, start) - 1)
        kept = 0
        while i < len(self.runs) and self.runs[i][0] < end:
            o, _, length = self.runs[i]
            kept += max(0, min(end, o + length) - max(start, o))
            i += 1
        return kept

    def map_span(self, start: int, end: int) -> SpanMove:
        if self.identical:
            return SpanMove(UNCHANGED, start, end, self.old[start:end], 1.0)
        old_text = self.old[start:end]
        run = self._run_of(start, as_end=False)
        if run is not None and end <= run[0] + run[2]:
            new_start = start - run[0] + run[1]
            status = UNCHANGED if new_start == start else MOVED
            return SpanMove(status, new_start, new_start + (end - start), old_text, 1.0)
        start_run, end_run = run, self._run_of(end, as_end=True)
        new_start = start - start_run[0] + start_run[1] if start_run else self._edge(start, as_end=False)
        new_end = end - end_run[0] + end_run[1] if end_run else self._edge(end, as_end=True)
        if self._kept(start, end) == 0 or new_end <= new_start:
            return SpanMove(LOST, None, None, None, 0.0)
        new_text = self.new[new_start:new_end]
        score = similarity(old_text, new_text)
        if score < CHANGED_MIN_SIMILARITY:
            return SpanMove(LOST, None, None, None, round(score, 4))
        return SpanMove(CHANGED, new_start, new_end, new_text, round(score, 4))


# ---- Label Studio results -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MigrationRow:
    """What happened to one region (entity or claim span) or relation of one annotation."""

    doc_id: str
    new_doc_id: str | None
    task_id: int
    annotation_id: int
    annotator: str
    region_id: str
    kind: str  # span | relation
    label: str
    status: str  # a span: unchanged | moved | changed | lost; a relation: kept | lost (with an end)
    old_start: int | None = None
    old_end: int | None = None
    old_text: str | None = None
    new_start: int | None = None
    new_end: int | None = None
    new_text: str | None = None
    similarity: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}  # flat: no deep copy needed

    def to_json(self) -> bytes:
        """One line of migration.jsonl (fields in declaration order)."""
        return orjson.dumps(self, option=orjson.OPT_APPEND_NEWLINE)


def rows_jsonl(rows: list[MigrationRow]) -> bytes:
    """Every row's `to_json`, joined: one orjson call for the list (per-call overhead was 7x the
    work at 65k rows), then split at the object boundaries. `},{"doc_id":` cannot occur inside a
    JSON string (its quotes would be escaped), so it marks exactly where one row ends and the
    next begins (tests/annotation/test_migrate.py checks the bytes against `to_json`)."""
    if not rows:
        return b""
    return orjson.dumps(rows)[1:-1].replace(b'},{"doc_id":', b'}\n{"doc_id":') + b"\n"


@dataclass(frozen=True)
class DocumentMatch:
    old_id: str
    new: Document | None
    how: str  # same_id | same_raw_path | renamed | gone


def _region_label(item: dict[str, Any]) -> str:
    labels = (item.get("value") or {}).get("labels") or []
    return labels[0] if len(labels) == 1 and isinstance(labels[0], str) else str(labels)


def migrate_result(result: list[Any], mapping: OffsetMap, report) -> list[Any]:
    """A result list with every span moved through `mapping`; lost regions, their per-region
    choices and their relations are left out. `report(item, move)` is called per span and per
    relation (move None: the relation's ends survived; LOST: they did not)."""
    moves = {}
    move: SpanMove | None
    for item in result:
        value = item.get("value") if isinstance(item, dict) else None
        if (
            item.get("type") == LABELS
            and isinstance(value, dict)
            and isinstance(value.get("start"), int)
            and isinstance(value.get("end"), int)
        ):
            moves[item.get("id")] = move = mapping.map_span(value["start"], value["end"])
            report(item, move)
    if mapping.identical:  # every span kept its offsets: the items stay as they are (most documents)
        for item in result:
            if isinstance(item, dict) and item.get("type") == RELATION:
                ends = [moves.get(item.get(end)) for end in ("from_id", "to_id")]
                report(item, None if all(ends) else LOST)
        return [
            item
            for item in result
            if isinstance(item, dict)
            and (item.get("type") != RELATION or all(moves.get(item.get(end)) for end in ("from_id", "to_id")))
        ]
    out = []
    for item in result:
        if not isinstance(item, dict):
            continue
        if item.get("type") == RELATION:
            lost = any(
                moves.get(item.get(end)) is None or moves[item.get(end)].status == LOST for end in ("from_id", "to_id")
            )
            report(item, LOST if lost else None)
            if not lost:
                out.append(item)
            continue
        move = moves.get(item.get("id"))
        if move is None and item.get("type") != LABELS:
            out.append(item)  # not attached to a span we moved
            continue
        if move is None or move.status == LOST:
            continue
        value = dict(item["value"])  # a new value, the rest of the item shared (nothing below mutates it)
        item = {**item, "value": value}
        if "start" in value:
            value["start"], value["end"] = move.start, move.end
        if item.get("type") == LABELS:
            value["text"] = move.text
        out.append(item)
    return out


def migration_row(task, ann, match: DocumentMatch, item: dict, move) -> MigrationRow:
    new_id = match.new.id if match.new else None
    who = str(ann.get("completed_by"))
    if item.get("type") == RELATION:
        labels = item.get("labels") or []
        return MigrationRow(
            match.old_id,
            new_id,
            task["id"],
            ann["id"],
            who,
            f"{item.get('from_id')}->{item.get('to_id')}",
            "relation",
            labels[0] if labels else "",
            LOST if move == LOST else KEPT,
        )
    value = item["value"]
    return MigrationRow(
        match.old_id,
        new_id,
        task["id"],
        ann["id"],
        who,
        str(item.get("id")),
        "span",
        _region_label(item),
        move.status,
        value["start"],
        value["end"],
        value.get("text"),
        move.start,
        move.end,
        move.text,
        move.similarity,
    )
