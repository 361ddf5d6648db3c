"""PNG plots for the data card (matplotlib, Agg backend, no timestamp in the files)."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")  # headless, and the same bytes on every run
import matplotlib.pyplot as plt  # noqa: E402

from newsclaims.release.agreement import AgreementReport  # noqa: E402
from newsclaims.release.statistics import ReleaseStatistics  # noqa: E402

# PNG metadata matplotlib would add by default carries its version only, but be explicit.
_METADATA = {"Software": None}


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buf, format="png", dpi=100, metadata=_METADATA)
    plt.close(fig)
    return buf.getvalue()


def label_distribution(stats: ReleaseStatistics, claim_label: str) -> bytes:
    """Gold spans per entity label (taxonomy order), then the claims, under the taxonomy's claim label."""
    names = [*stats.entity_labels, claim_label]
    values = [*stats.entity_labels.values(), stats.claims]
    fig, ax = plt.subplots(figsize=(7, 4))
    bars = ax.barh(names[::-1], values[::-1], color="#2a9d8f")
    ax.bar_label(bars, padding=2)
    ax.set_xlabel("gold spans")
    ax.set_title("Label distribution (gold)")
    return _png(fig)


def claims_per_document(stats: ReleaseStatistics) -> bytes:
    counts: dict[int, int] = {}
    for n in stats.claims_per_document.values():
        counts[n] = counts.get(n, 0) + 1
    xs = sorted(counts)
    fig, ax = plt.subplots(figsize=(7, 3.5))
    bars = ax.bar([str(x) for x in xs], [counts[x] for x in xs], color="#d62828")
    ax.bar_label(bars, padding=2)
    ax.set_xlabel("gold claims in the document")
    ax.set_ylabel("documents")
    ax.set_title("Claims per document")
    return _png(fig)


def agreement(report: AgreementReport) -> bytes | None:
    """Exact and overlap F1 per label; None when agreement was not measured."""
    if not report.measured:
        return None
    labels = [k for k, v in report.spans.items() if v.exact_f1 is not None]
    if not labels:
        return None
    # overlap_f1 is None exactly when exact_f1 is (no spans on either side): every label has both.
    exact = [f for k in labels if (f := report.spans[k].exact_f1) is not None]
    overlap = [f for k in labels if (f := report.spans[k].overlap_f1) is not None]
    xs = range(len(labels))
    fig, ax = plt.subplots(figsize=(8, 4))
    ax.bar([x - 0.2 for x in xs], exact, width=0.4, label="exact F1", color="#264653")
    ax.bar([x + 0.2 for x in xs], overlap, width=0.4, label="overlap F1", color="#e9c46a")
    ax.set_xticks(list(xs), labels, rotation=45, ha="right")
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("F1 (pairwise, averaged)")
    ax.set_title(f"Span agreement on {report.shared_documents} shared document(s)")
    ax.legend()
    return _png(fig)
