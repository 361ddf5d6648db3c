"""The one-screen report at the end of `corpus build`."""

from __future__ import annotations

from pathlib import Path

import orjson

from newsclaims.corpus.build import Summary

CLOSE_CALLS_SHOWN = 10


def encoding_close_calls(documents: Path) -> list[str]:
    """ "raw path: encoding (runner-up, confidence)" of every document whose decoding was a close call."""
    out = []
    with open(documents, "rb") as f:
        for line in f:
            if b'"encoding_runner_up"' not in line:  # most lines: no need to parse them
                continue
            d = orjson.loads(line)
            runner_up = d["removed"].get("encoding_runner_up")
            if runner_up:
                out.append(
                    f"{d['raw_path']}: {d['encoding']} (nearly {runner_up}, confidence {d['encoding_confidence']})"
                )
    return out


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))) or "-"


def format_summary(s: Summary, out_dir: Path | None = None) -> str:
    """`out_dir`: where the version is, to list its close calls in decoding."""
    rejected = sum(s.rejected_by_reason.values())
    lines = [
        s.message,
        f"  version          {s.version} (parent: {s.parent or 'none'})",
        f"  raw files        {s.raw_files}",
        f"  accepted         {s.accepted} documents",
        f"  rejected         {rejected}" + (f"  ({_counts(s.rejected_by_reason)})" if rejected else ""),
        f"  duplicates       {s.duplicates} exact (rejected), {s.near_duplicate_pairs} near-duplicate pair(s) (linked)",
        f"  languages        {_counts(s.languages)}",
    ]
    if s.diff:
        lines.append(
            f"  vs parent        +{s.diff.get('added', 0)} added, -{s.diff.get('removed', 0)} removed, "
            f"~{s.diff.get('changed', 0)} changed"
        )
    documents = out_dir / s.version / "documents.jsonl" if out_dir is not None and s.version else None
    if documents is not None and documents.is_file():
        calls = encoding_close_calls(documents)
        lines.append(
            f"  close calls      {len(calls)} decoding(s)"
            + (" (check them, or give the encoding in a sidecar):" if calls else "")
        )
        lines += [f"    {c}" for c in calls[:CLOSE_CALLS_SHOWN]]
        if len(calls) > CLOSE_CALLS_SHOWN:
            lines.append(f"    ... and {len(calls) - CLOSE_CALLS_SHOWN} more")
    if s.steps:
        columns = ("in", "out", "rejects", "passed", "seconds")
        lines.append(f"  {'steps':<17}" + "".join(f"{c:>10}" for c in columns))
        lines += [
            f"    {st.name:<15}{st.items_in:>10}{st.items_out:>10}{st.rejects:>10}{st.passed:>10}{st.seconds:>10.3f}"
            for st in s.steps
        ]
    return "\n".join(lines)
