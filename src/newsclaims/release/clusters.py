"""The `claim_clusters` config and each claim's `cluster_id`: one claim, every report that carries it.

Inputs beside the annotation snapshots: `annotation/links/proposals.json` (the model's scored
pairs, `links propose`) and the newest link snapshot (people's answers, `links pull`).
- A confirmed cluster is a connected component of pairs people judged the same claim (strict
  majority of their newest answers). Nothing the model alone proposed ever enters one.
- A proposed cluster is a component of model links (score >= the proposals' threshold) between
  claims in no confirmed cluster, over pairs nobody has answered: any other answer (related,
  different) vetoes the model's link. Its `score` is its weakest link's.
- An answer or proposal naming a claim that no longer exists (or reads differently) is reported
  in `ClusterReport.stale` and not applied.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from newsclaims.corpus.document import Document
from newsclaims.links.apply import AppliedAnswers, apply_answers
from newsclaims.links.numbers import figures
from newsclaims.links.records import ProposalSet, claim_key
from newsclaims.release.gold_types import GoldDocument
from newsclaims.schemas.features import CLUSTER_STATUSES
from newsclaims.schemas.links import SAME

CONFIRMED, PROPOSED = CLUSTER_STATUSES


@dataclass(frozen=True)
class Edge:
    left: str
    right: str
    confirmed: bool
    score: float | None
    numbers_differ: bool


@dataclass
class ClusterReport:
    rows: list[dict] = field(default_factory=list)  # claim_clusters rows, sorted by cluster id
    cluster_of: dict[str, str] = field(default_factory=dict)  # claim key -> cluster id
    stale: list[str] = field(default_factory=list)
    split_of_cluster: dict[str, str] = field(default_factory=dict)


def links_dir_for(snapshot_dir: Path) -> Path:
    """annotation/exports/<snapshot> -> annotation/links (the same checkout's link inputs)."""
    return snapshot_dir.parent.parent / "links"


def load_link_inputs(links_dir: Path, snapshot_dir: Path | None = None) -> tuple[ProposalSet | None, list]:
    """The proposals and the newest link snapshot's answers there (None / [] where absent), re-keyed
    to the claims a taxonomy migration of `snapshot_dir` moved (`links.follow`)."""
    import dataclasses

    from newsclaims.links.follow import claim_moves, follow
    from newsclaims.links.inputs import read_proposals
    from newsclaims.links.snapshots import load_answers, store

    moves = claim_moves(snapshot_dir)
    proposals_file = links_dir / "proposals.json"
    proposals = read_proposals(proposals_file) if proposals_file.is_file() else None
    if proposals is not None and moves:
        proposals = dataclasses.replace(proposals, proposals=follow(proposals.proposals, moves))
    exports = links_dir / "exports"
    answers = load_answers(None, exports) if store(exports).latest() is not None else []
    return proposals, follow(answers, moves)


def link_input_files(snapshot_dir: Path) -> dict[str, str]:
    """sha256 of the link inputs a release reads (the proposals and the newest link snapshot's files),
    paths relative to annotation/links; empty when there are none."""
    from newsclaims.fsutil import sha256_file
    from newsclaims.links.snapshots import store

    root = links_dir_for(snapshot_dir)
    files = {"proposals.json": sha256_file(root / "proposals.json")} if (root / "proposals.json").is_file() else {}
    newest = store(root / "exports").latest()
    if newest is not None:
        for p in sorted((root / "exports" / newest).iterdir()):
            files[f"exports/{newest}/{p.name}"] = sha256_file(p)
    return files


def _components(nodes: Iterable[str], edges: Iterable[Edge]) -> list[list[str]]:
    parent = {n: n for n in nodes}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for e in edges:
        a, b = find(e.left), find(e.right)
        if a != b:
            parent[max(a, b)] = min(a, b)
    groups: dict[str, list[str]] = defaultdict(list)
    for n in parent:
        groups[find(n)].append(n)
    return [sorted(g) for g in groups.values() if len(g) > 1]


def cluster_id(members: Iterable[str]) -> str:
    return "cl-" + hashlib.sha256("\n".join(sorted(members)).encode()).hexdigest()[:12]


def build_clusters(
    gold: Mapping[str, GoldDocument],
    documents: Mapping[str, Document],
    proposals: ProposalSet | None,
    applied: AppliedAnswers,
    split_of_doc: Mapping[str, str],
) -> ClusterReport:
    claims = {claim_key(d, c.start, c.end): c for d, g in gold.items() for c in g.claims}
    report = ClusterReport(stale=list(applied.stale))
    model: list[Edge] = []
    scores: dict[str, float] = {}
    for p in proposals.proposals if proposals else []:
        gone = [
            k for k, t in ((p.left, p.left_text), (p.right, p.right_text)) if k not in claims or claims[k].text != t
        ]
        if gone:
            report.stale.append(f"proposal {p.pair_id}: claim {gone[0]} no longer exists as proposed; not applied")
            continue
        scores[p.pair_id] = p.score
        if proposals is not None and p.score >= proposals.threshold and p.pair_id not in applied.verdicts:
            model.append(Edge(p.left, p.right, False, p.score, p.features.numbers_differ))
    confirmed = [
        Edge(v.left, v.right, True, scores.get(v.pair_id), v.numbers_differ)
        for v in applied.verdicts.values()
        if v.role == SAME
    ]
    in_confirmed = {k for e in confirmed for k in (e.left, e.right)}
    model = [e for e in model if e.left not in in_confirmed and e.right not in in_confirmed]
    for status, edges in ((CONFIRMED, confirmed), (PROPOSED, model)):
        for members in _components({k for e in edges for k in (e.left, e.right)}, edges):
            mine = set(members)
            links = [e for e in edges if e.left in mine]
            cid = cluster_id(members)
            for k in members:
                report.cluster_of[k] = cid
            report.rows.append(_row(cid, status, members, links, claims, documents))
            report.split_of_cluster[cid] = split_of_doc[min(members).rsplit(":", 1)[0]]
    report.rows.sort(key=lambda r: r["cluster_id"])
    return report


def _row(cid: str, status: str, members: list[str], links: list[Edge], claims, documents) -> dict:
    rows = []
    for key in members:
        doc_id = key.rsplit(":", 1)[0]
        c, d = claims[key], documents[doc_id]
        numbers = [q.label() for q in figures(c.text).quantities]
        rows.append(
            {
                "doc_id": doc_id,
                "outlet": d.source,
                "date": d.date,
                "start": c.start,
                "end": c.end,
                "text": c.text,
                "numbers": numbers,
            }
        )
    model_scores = [e.score for e in links if e.score is not None]
    return {
        "cluster_id": cid,
        "status": status,
        "score": min(model_scores) if model_scores else None,
        "documents": len({m["doc_id"] for m in rows}),
        "outlets": sorted({m["outlet"] or "unknown" for m in rows}),
        "numbers_disagree": any(e.numbers_differ for e in links),
        "members": rows,
        "links": [
            {
                "left": e.left,
                "right": e.right,
                "confirmed": e.confirmed,
                "score": e.score,
                "numbers_differ": e.numbers_differ,
            }
            for e in sorted(links, key=lambda e: (e.left, e.right))
        ],
    }


def confirmed_story_pairs(inputs, gold: Mapping[str, GoldDocument]) -> tuple[tuple[str, str], ...]:
    """Pairs of documents that people said carry the same claim: story grouping joins them (model
    proposals do not: a wrong proposal must not move a document's split)."""
    from newsclaims.schemas.links import load_link_schema

    _, answers = (
        load_link_inputs(links_dir_for(inputs.snapshot_dir), inputs.snapshot_dir) if inputs.with_links else (None, [])
    )
    if not answers:
        return ()
    claims_text = {claim_key(d, c.start, c.end): c.text for d, g in gold.items() for c in g.claims}
    applied = apply_answers(answers, claims_text, load_link_schema())
    pairs = {
        tuple(sorted((v.left.rsplit(":", 1)[0], v.right.rsplit(":", 1)[0])))
        for v in applied.verdicts.values()
        if v.role == SAME
    }
    return tuple(sorted((a, b) for a, b in pairs if a != b))


def attach_clusters(content, docs: Mapping[str, Document]) -> ClusterReport:
    """Add `claim_clusters` rows and every claim's `cluster_id` to a release's content (in place)."""
    from newsclaims.schemas.links import load_link_schema

    inputs = content.inputs
    proposals, answers = (
        load_link_inputs(links_dir_for(inputs.snapshot_dir), inputs.snapshot_dir) if inputs.with_links else (None, [])
    )
    claims_text = {claim_key(d, c.start, c.end): c.text for d, g in content.gold.items() for c in g.claims}
    # A checkout without link answers needs no link schema (a scratch checkout may have none).
    applied = apply_answers(answers, claims_text, load_link_schema()) if answers else AppliedAnswers()
    split_of = {a.doc_id: a.split for a in content.splits}
    report = build_clusters(content.gold, docs, proposals, applied, split_of)
    for row in report.rows:  # a report whose licence keeps its text out keeps it out of clusters too
        for m in row["members"]:
            if m["doc_id"] in content.withheld:
                m["text"] = None
    for rows in content.rows["claims"].values():
        for row in rows:
            for c in row["claims"]:
                c["cluster_id"] = report.cluster_of.get(claim_key(row["id"], c["start"], c["end"]))
    by_split: dict[str, list[dict]] = defaultdict(list)
    for row in report.rows:
        by_split[report.split_of_cluster[row["cluster_id"]]].append(row)
    # No clusters, no config: `datasets` refuses to load a split of zero rows.
    if by_split:
        content.rows["claim_clusters"] = dict(sorted(by_split.items()))
    return report


def _cell(text: str, limit: int = 90) -> str:
    text = " ".join(text.split()).replace("|", "\\|")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _member_cell(member: dict) -> str:
    if member["text"] is None:
        return f"`{member['doc_id']}` [{member['start']}:{member['end']}] (text withheld: licence)"
    return _cell(member["text"], 70)


def _figures(member: dict) -> str:
    return ", ".join(member["numbers"]) or "–"


def clusters_card_section(content) -> str:
    """The card's tables: clusters across reports, and the clusters whose reports' figures disagree."""
    rows = [r for split in content.rows.get("claim_clusters", {}).values() for r in split]
    inputs = content.inputs
    proposals, _ = load_link_inputs(links_dir_for(inputs.snapshot_dir)) if inputs.with_links else (None, [])
    confirmed = sum(r["status"] == CONFIRMED for r in rows)
    lines = [
        "",
        "## Claims across reports",
        "",
        "The `claim_clusters` config has one row per claim told by several reports: its `members` (`doc_id`, "
        "`outlet`, `date`, `start`, `end`, `text`, `numbers`), its `links`, `numbers_disagree`, and `status`: "
        "`confirmed` (people judged every link the same claim in the pairwise Label Studio project) or "
        "`proposed` (the model's links only, with the weakest link's `score`; never mixed into a confirmed "
        "cluster). Each claim of the `claims` config carries its `cluster_id` (null when linked to nothing).",
        "",
        f"{len(rows)} clusters: {confirmed} confirmed, {len(rows) - confirmed} proposed by the model only."
        + (f" Model: {proposals.model}; {proposals.threshold_note}." if proposals else " No proposals were made."),
        "",
    ]
    if content.stale_links:
        answers = sum("answer not applied" in s for s in content.stale_links)
        lines += [
            f"{len(content.stale_links)} link judgement(s) were not applied ({answers} people's answer(s), "
            f"{len(content.stale_links) - answers} model proposal(s)): they name a claim this release's gold does "
            "not have, or has with other words (the claims were annotated again after the pairs were judged). "
            "Those pairs must be judged again on the current claims (`newsclaims links propose`, `links push`).",
            "",
        ]
    across = [r for r in rows if r["documents"] > 1]
    if across:
        lines += ["| cluster | status | reports | outlets | claim, as each report words it |", "|---|---|---|---|---|"]
        for r in across:
            texts = " / ".join(_member_cell(m) for m in r["members"])
            lines.append(
                f"| `{r['cluster_id']}` | {r['status']} | {r['documents']} | {', '.join(r['outlets'])} | {texts} |"
            )
        lines.append("")
    disagree = [r for r in rows if r["numbers_disagree"]]
    lines += ["### Number disagreements", ""]
    if not disagree:
        lines += ["None among the clusters.", ""]
    else:
        lines += ["| cluster | status | figures, per report |", "|---|---|---|"]
        for r in disagree:
            per = "; ".join(f"{m['outlet'] or m['doc_id']}: {_figures(m)}" for m in r["members"])
            lines.append(f"| `{r['cluster_id']}` | {r['status']} | {_cell(per, 200)} |")
        lines.append("")
    return "\n".join(lines)
