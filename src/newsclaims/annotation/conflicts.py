"""Where annotators disagree: what an adjudicator opens in Label Studio.

Per document with two or more annotators (each one's newest annotation), every point on which
they are not unanimous: an entity span or a CLAIM span not everyone marked (a boundary
disagreement shows as two such spans), a claim attribute with more than one value among those
who marked the claim with the same offsets, and a claim whose `said_by` speaker differs. A
strict majority does not make a point go away here (the release's gold may still take it);
a document with an annotation marked ground truth is resolved and left out (the release takes
that annotation as gold, as `newsclaims.release.gold` does).
`annotate pull` writes them to the snapshot (conflicts.jsonl); `annotate conflicts` lists the
newest snapshot's with the labelling-page link of each.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from newsclaims.annotation.records import (
    AnnotationRecord,
    ClaimRecord,
    newest_by_document,
)
from newsclaims.errors import NewsclaimsError
from newsclaims.paths import EXPORTS_DIR
from newsclaims.schemas.controls import SAID_BY
from newsclaims.schemas.taxonomy import Taxonomy

MARKED, NOT_MARKED, NO_SPEAKER = "marked", "not marked", "none"


@dataclass(frozen=True)
class Disagreement:
    kind: str  # entity | claim | claim_attribute | said_by
    start: int
    end: int
    label: str  # the entity label, the claim label, or the attribute name
    text: str
    votes: dict[str, list[str]]  # option -> the annotators who chose it

    def to_dict(self) -> dict:
        return {
            "kind": self.kind,
            "start": self.start,
            "end": self.end,
            "label": self.label,
            "text": self.text,
            "votes": {k: list(v) for k, v in self.votes.items()},
        }


@dataclass(frozen=True)
class DocumentConflict:
    doc_id: str
    task_id: int
    annotators: list[str]
    items: list[Disagreement] = field(default_factory=list)

    def link(self, project_id: int | None, base_url: str = "") -> str:
        """The labelling page of the task (Label Studio's data manager opens it with its annotations)."""
        project = project_id if project_id is not None else "<project>"
        return f"{base_url.rstrip('/')}/projects/{project}/data?task={self.task_id}"

    def to_dict(self) -> dict:
        return {
            "doc_id": self.doc_id,
            "task_id": self.task_id,
            "annotators": list(self.annotators),
            "disagreements": [i.to_dict() for i in self.items],
        }

    @classmethod
    def from_dict(cls, d: dict) -> DocumentConflict:
        items = [Disagreement(**{**i, "votes": dict(i["votes"])}) for i in d.get("disagreements", [])]
        return cls(doc_id=d["doc_id"], task_id=d["task_id"], annotators=list(d["annotators"]), items=items)


def _span_items(kind: str, marks: dict[tuple[int, int, str, str], list[str]], names: list[str]) -> list[Disagreement]:
    items = []
    for (start, end, label, text), who in sorted(marks.items()):
        if len(who) < len(names):
            votes = {MARKED: sorted(who), NOT_MARKED: [n for n in names if n not in who]}
            items.append(Disagreement(kind, start, end, label, text, votes))
    return items


def _speaker_of(r: AnnotationRecord) -> dict[str, str]:
    """claim region id -> "start:end LABEL text" of its said_by speakers (joined when several)."""
    spans = {s.id: s for s in r.entities}
    out: dict[str, list[str]] = defaultdict(list)
    for link in r.said_by:
        if (s := spans.get(link.speaker_id)) is not None:
            out[link.claim_id].append(f"{s.start}:{s.end} {s.label} {s.text}")
    return {claim: " + ".join(sorted(v)) for claim, v in out.items()}


def document_conflict(
    doc_id: str, by_annotator: dict[str, AnnotationRecord], claim_label: str, attribute_names: Iterable[str]
) -> DocumentConflict:
    names = sorted(by_annotator)
    entity_marks: dict[tuple[int, int, str, str], list[str]] = defaultdict(list)
    claim_marks: dict[tuple[int, int, str, str], list[str]] = defaultdict(list)
    claims_at: dict[tuple[int, int], dict[str, tuple[ClaimRecord, str]]] = defaultdict(dict)
    for name in names:
        r = by_annotator[name]
        for s in {(s.start, s.end, s.label, s.text) for s in r.entities}:
            entity_marks[s].append(name)
        speakers = _speaker_of(r)
        for c in r.claims:
            if name not in claims_at[(c.start, c.end)]:
                claim_marks[(c.start, c.end, claim_label, c.text)].append(name)
                claims_at[(c.start, c.end)][name] = (c, speakers.get(c.id, NO_SPEAKER))
    items = _span_items("entity", entity_marks, names) + _span_items("claim", claim_marks, names)
    for (start, end), marked in sorted(claims_at.items()):
        if len(marked) < 2:
            continue
        claim_text = next(iter(marked.values()))[0].text
        for attr in attribute_names:
            votes: dict[str, list[str]] = defaultdict(list)
            for name, (c, _) in sorted(marked.items()):
                votes[str(c.attributes.get(attr))].append(name)
            if len(votes) > 1:
                items.append(Disagreement("claim_attribute", start, end, attr, claim_text, dict(votes)))
        speaker_votes: dict[str, list[str]] = defaultdict(list)
        for name, (_, speaker) in sorted(marked.items()):
            speaker_votes[speaker].append(name)
        if len(speaker_votes) > 1:
            items.append(Disagreement(SAID_BY, start, end, claim_label, claim_text, dict(speaker_votes)))
    task_id = max(by_annotator.values(), key=lambda r: r.annotation_id).task_id
    return DocumentConflict(doc_id=doc_id, task_id=task_id, annotators=names, items=items)


def find_conflicts(records: Iterable[AnnotationRecord], taxonomy: Taxonomy) -> list[DocumentConflict]:
    """Every document where two or more annotators are not unanimous and no ground truth settles it."""
    records = list(records)
    settled = {r.doc_id for r in records if r.ground_truth}
    # Free text (a claim's rewrite) is not a conflict: two wordings of one claim can both be right.
    attribute_names = [a.name for a in taxonomy.claim.choice_attributes]
    out = []
    for doc_id, by_annotator in sorted(newest_by_document(records).items()):
        if len(by_annotator) < 2 or doc_id in settled:
            continue
        conflict = document_conflict(doc_id, by_annotator, taxonomy.claim.name, attribute_names)
        if conflict.items:
            out.append(conflict)
    return out


def conflicts_jsonl(conflicts: list[DocumentConflict]) -> bytes:
    return "".join(json.dumps(c.to_dict(), sort_keys=True, ensure_ascii=False) + "\n" for c in conflicts).encode()


# ---- `newsclaims annotate conflicts` ---------------------------------------------------------------


def snapshot_conflicts(project_title: str, exports_dir: Path = EXPORTS_DIR, taxonomy: Taxonomy | None = None):
    """(snapshot meta, conflicts) of the newest snapshot pulled from the project titled `project_title`.

    A snapshot from before conflicts.jsonl existed is read from its annotations (same function)."""
    from newsclaims.annotation.snapshots import (
        CONFLICTS_FILE,
        list_snapshots,
        load_annotations,
        snapshot_path,
    )
    from newsclaims.schemas.taxonomy import load_taxonomy

    metas = [m for m in list_snapshots(exports_dir) if m.project == project_title]
    if not metas:
        raise NewsclaimsError(
            f"no snapshot of project {project_title!r} in {exports_dir}: run "
            f"`newsclaims annotate pull --project {project_title!r}` first"
        )
    meta = metas[-1]
    path = snapshot_path(meta.snapshot_id, exports_dir) / CONFLICTS_FILE
    if path.is_file():
        lines = path.read_text(encoding="utf-8").splitlines()
        return meta, [DocumentConflict.from_dict(json.loads(line)) for line in lines if line.strip()]
    return meta, find_conflicts(load_annotations(meta.snapshot_id, exports_dir), taxonomy or load_taxonomy())


def format_conflicts(conflicts: list[DocumentConflict], project_id: int | None, base_url: str) -> str:
    if not conflicts:
        return "no conflicts: every document with two or more annotators is unanimous or has ground truth"
    lines = [
        f"{len(conflicts)} document(s) where annotators disagree (open each, compare, fix one, mark it "
        "ground truth, then pull again):"
    ]
    for c in conflicts:
        lines.append(f"{c.doc_id}  task {c.task_id}  {', '.join(c.annotators)}  {c.link(project_id, base_url)}")
        for i in c.items:
            votes = "; ".join(f"{option}: {', '.join(who)}" for option, who in i.votes.items())
            lines.append(f"    {i.kind:<16}{i.label:<12}{i.start}:{i.end} {i.text[:60]!r}  {votes}")
    return "\n".join(lines)
