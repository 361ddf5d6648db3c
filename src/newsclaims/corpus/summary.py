"""The one-screen report at the end of `corpus build`."""

from __future__ import annotations

from newsclaims.corpus.build import Summary


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))) or "-"


def format_summary(s: Summary) -> str:
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
    if s.steps:
        columns = ("in", "out", "rejects", "passed", "seconds")
        lines.append(f"  {'steps':<17}" + "".join(f"{c:>10}" for c in columns))
        lines += [
            f"    {st.name:<15}{st.items_in:>10}{st.items_out:>10}{st.rejects:>10}{st.passed:>10}{st.seconds:>10.3f}"
            for st in s.steps
        ]
    return "\n".join(lines)
