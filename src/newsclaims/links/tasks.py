"""A pairwise task: both claims with a sentence of context on each side, outlet, date and figures.

The data field names are the ones the generated config (schemas/links.py) shows; the claim keys
and texts ride along so a pulled answer names the claims it was about.
"""

from __future__ import annotations

import html
from typing import Any

from newsclaims.links.records import ClaimRef, Proposal
from newsclaims.schemas.links import SIDES


def claim_html(c: ClaimRef) -> str:
    """The claim marked inside its context; every piece of corpus text escaped."""
    return f"{html.escape(c.before)} <mark><b>{html.escape(c.text)}</b></mark> {html.escape(c.after)}".strip()


def _features_line(p: Proposal) -> str:
    f = p.features
    return (
        f"cosine {f.cosine:.2f}, numbers shared {f.numbers_shared:.2f} / compatible {f.numbers_compatible:.2f} / "
        f"conflict {f.numbers_conflict:.2f}, dates {f.dates:.2f}, entities {f.entities:.2f}"
        + ("; the figures look different: check them" if f.numbers_differ else "")
    )


def task_for(p: Proposal, claims: dict[str, ClaimRef], corpus_version: str, snapshot_id: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "pair_id": p.pair_id,
        "group": p.group,
        "score": f"{p.score:.3f}",
        "features": _features_line(p),
    }
    for side, key, numbers in zip(SIDES, (p.left, p.right), (p.left_numbers, p.right_numbers)):
        c = claims[key]
        data |= {
            f"{side}_key": key,
            f"{side}_text": c.text,
            f"{side}_doc_id": c.doc_id,
            f"{side}_outlet": c.outlet or "unknown outlet",
            f"{side}_date": c.date or "no date",
            f"{side}_html": claim_html(c),
            f"{side}_numbers": ", ".join(numbers) or "none",
        }
    return {"data": data, "meta": {"corpus_version": corpus_version, "snapshot_id": snapshot_id}}
