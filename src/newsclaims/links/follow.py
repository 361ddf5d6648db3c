"""Link answers and proposals follow claims whose boundaries a taxonomy migration moved.

A claim is named by its offsets (`claim_key`), so a span fixed by `annotate migrate-taxonomy`
(the reporting verb left out, a closing quotation mark taken in) would make every answer on it
stale. The migrated snapshot's migration.jsonl says where each claim went; an answer or
proposal naming the old key *and the old text* is re-keyed to the new claim (its pair id
recomputed), so people's judgements are kept. Anything else is left as it is, for `apply` to
judge (a corpus migration's re-anchored claims are not followed: their text may have changed).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from pathlib import Path
from typing import TypeVar

from newsclaims.links.records import LinkAnswer, Proposal, claim_key, pair_id

MIGRATION_FILE = "migration.jsonl"  # as annotation.migrate writes it
T = TypeVar("T", LinkAnswer, Proposal)


def claim_moves(snapshot_dir: Path | None) -> dict[str, tuple[str, str, str]]:
    """old claim key -> (old text, new key, new text) for every claim the snapshot's taxonomy
    migration moved; {} for any other snapshot."""
    if snapshot_dir is None or not (snapshot_dir / MIGRATION_FILE).is_file():
        return {}
    meta = json.loads((snapshot_dir / "snapshot.json").read_text(encoding="utf-8"))
    if meta.get("migrated_from_taxonomy") is None:
        return {}
    moves = {}
    for line in (snapshot_dir / MIGRATION_FILE).read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        if r.get("kind") == "claim" and (r["old_start"], r["old_end"]) != (r["new_start"], r["new_end"]):
            old = claim_key(r["doc_id"], r["old_start"], r["old_end"])
            moves[old] = (r["old_text"], claim_key(r["doc_id"], r["new_start"], r["new_end"]), r["new_text"])
    return moves


def follow(items: Iterable[T], moves: dict[str, tuple[str, str, str]]) -> list[T]:
    """The answers (or proposals) re-keyed through `moves`; unmoved ones unchanged."""
    out = []
    for item in items:
        ends = {}
        for side in ("left", "right"):
            key, text = getattr(item, side), getattr(item, f"{side}_text")
            old_text, new_key, new_text = moves.get(key, (None, key, text))
            ends[side] = (new_key, new_text) if old_text == text else (key, text)
        if ends["left"] == (item.left, item.left_text) and ends["right"] == (item.right, item.right_text):
            out.append(item)
            continue
        (lk, lt), (rk, rt) = sorted(ends.values())
        out.append(dataclasses.replace(item, pair_id=pair_id(lk, rk), left=lk, right=rk, left_text=lt, right_text=rt))
    return out
