"""Builders for release-stage fixtures: a small corpus version and annotation snapshot on disk.

Texts are short made-up news items; spans are located by searching the text, so offsets are
right by construction and a test breaks one thing at a time.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from pathlib import Path

from newsclaims.annotation import snapshots
from newsclaims.annotation.records import AnnotationRecord, ClaimRecord, SaidByLink, SpanRecord
from newsclaims.corpus.document import Document, NearDuplicate
from newsclaims.schemas.taxonomy import load_taxonomy

REPO_TAXONOMY = Path(__file__).resolve().parents[2] / "schemas" / "taxonomy.yaml"


def make_document(key: str, text: str, date=None, dateline=None, near=(), license="CC-BY-4.0") -> Document:
    return Document(
        id="nc-" + hashlib.sha256(key.encode()).hexdigest()[:16],
        text=text,
        raw_path=f"{key}.txt",
        raw_sha256=hashlib.sha256(text.encode()).hexdigest(),
        text_sha256=hashlib.sha256(text.encode()).hexdigest(),
        title=f"Title {key}",
        source="Test Wire",
        date=date,
        dateline=dateline,
        language="en",
        url=f"https://example.org/{key}",
        license=license,
        near_duplicates=[NearDuplicate(id=i, similarity=0.9) for i in near],
    )


def span(doc: Document, needle: str, label: str, rid: str, nth: int = 0) -> SpanRecord:
    start = -1
    for _ in range(nth + 1):
        start = doc.text.index(needle, start + 1)
    return SpanRecord(id=rid, start=start, end=start + len(needle), label=label, text=needle)


def claim(
    doc: Document, needle: str, rid: str, claim_type="other", checkworthy="yes", attribution="reported_speech"
) -> ClaimRecord:
    s = span(doc, needle, "CLAIM", rid)
    return ClaimRecord(
        id=rid,
        start=s.start,
        end=s.end,
        text=needle,
        attributes={"claim_type": claim_type, "checkworthy": checkworthy, "attribution": attribution},
    )


def record(
    doc: Document, annotator: str, annotation_id: int, entities=(), claims=(), said_by=(), ground_truth=False
) -> AnnotationRecord:
    return AnnotationRecord(
        doc_id=doc.id,
        annotator=annotator,
        task_id=annotation_id,
        annotation_id=annotation_id,
        corpus_version="v1",
        text_sha256=doc.text_sha256,
        ground_truth=ground_truth,
        entities=list(entities),
        claims=list(claims),
        said_by=[SaidByLink(c, s) for c, s in said_by],
    )


def write_corpus(versions_dir: Path, docs: list[Document], version: str = "v1") -> Path:
    d = versions_dir / version
    d.mkdir(parents=True)
    lines = [json.dumps(doc.to_dict(), sort_keys=True, ensure_ascii=False) for doc in sorted(docs, key=lambda x: x.id)]
    (d / "documents.jsonl").write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    (d / "manifest.json").write_text(json.dumps({"version": version, "documents": len(docs)}) + "\n")
    (d / "rejects.jsonl").write_text("")
    (versions_dir / "LATEST").write_text(version + "\n")
    return versions_dir


def write_snapshot(exports_dir: Path, records: list[AnnotationRecord], project: str = "newsclaims-test") -> str:
    """Write a snapshot with the annotation stage's own writer; returns its id (LATEST points to it)."""
    tasks = [{"id": r.task_id, "data": {"doc_id": r.doc_id}, "annotations": [r.to_dict()]} for r in records]
    written = snapshots.write_snapshot(
        tasks,
        records,
        project=project,
        taxonomy_sha256=load_taxonomy(REPO_TAXONOMY).sha256,
        counts={"tasks": len(tasks), "annotations": len(records)},
        exports_dir=exports_dir,
    )
    return written.snapshot_id


# ---- a small corpus: two reports of one press conference, one other story with a near duplicate


A_TEXT = (
    "ISLAMABAD: Ambassador Albert Khorev said on Tuesday that Russia exchanged over 1,000 prisoners. "
    "“Talks will resume in May,” Khorev told reporters at the Russian Embassy."
)
B_TEXT = (
    "Russian envoy Albert Khorev said in Islamabad that Kiev violated the Easter ceasefire. "
    "The UN said 122 people were injured."
)
C_TEXT = "LONDON: The Bank of England raised rates to 5 percent, Governor Andrew Bailey said on Thursday."
D_TEXT = "The Bank of England raised interest rates to 5 percent on Thursday, said Governor Andrew Bailey."


@dataclass
class Workspace:
    root: Path
    versions_dir: Path
    exports_dir: Path
    releases_dir: Path
    taxonomy_file: Path
    docs: dict[str, Document]
    records: list[AnnotationRecord]

    def cli_inputs(self) -> list[str]:
        return [
            "--versions-dir",
            str(self.versions_dir),
            "--exports-dir",
            str(self.exports_dir),
            "--taxonomy",
            str(self.taxonomy_file),
        ]


def sample_documents() -> dict[str, Document]:
    c = make_document("c", C_TEXT, date="2025-10-02", dateline="LONDON")
    d = make_document("d", D_TEXT, date="2025-10-03", near=[c.id])
    c = replace(c, near_duplicates=[NearDuplicate(id=d.id, similarity=0.8)])
    return {
        "a": make_document("a", A_TEXT, date="2025-09-23", dateline="ISLAMABAD"),
        "b": make_document("b", B_TEXT, date="2025-09-23T10:00:00", dateline="Islamabad"),
        "c": c,
        "d": d,
    }


def sample_records(docs: dict[str, Document]) -> list[AnnotationRecord]:
    a, b, c = docs["a"], docs["b"], docs["c"]
    return [
        # Two annotators on A: they agree on most spans, differ on one entity and one attribute.
        record(
            a,
            "annotator-1",
            11,
            entities=[
                span(a, "Albert Khorev", "PERSON", "e1"),
                span(a, "Tuesday", "DATE", "e2"),
                span(a, "Russia", "GPE", "e3"),
                span(a, "Khorev", "PERSON", "e4", nth=1),
                span(a, "Russian Embassy", "ORG", "e5"),
            ],
            claims=[
                claim(a, "Russia exchanged over 1,000 prisoners", "c1", "quantity"),
                claim(a, "Talks will resume in May", "c2", "prediction", "no", "direct_quote"),
            ],
            said_by=[("c1", "e1"), ("c2", "e4")],
        ),
        record(
            a,
            "annotator-2",
            12,
            entities=[
                span(a, "Albert Khorev", "PERSON", "r1"),
                span(a, "Tuesday", "DATE", "r2"),
                span(a, "Russia", "GPE", "r3"),
                span(a, "Khorev", "PERSON", "r4", nth=1),
                span(a, "over 1,000", "QUANTITY", "r6"),
            ],
            claims=[
                claim(a, "Russia exchanged over 1,000 prisoners", "k1", "quantity"),
                claim(a, "Talks will resume in May", "k2", "prediction", "yes", "direct_quote"),
            ],
            said_by=[("k1", "r1"), ("k2", "r4")],
        ),
        record(
            b,
            "annotator-1",
            13,
            entities=[
                span(b, "Albert Khorev", "PERSON", "e1"),
                span(b, "Islamabad", "GPE", "e2"),
                span(b, "Kiev", "GPE", "e3"),
                span(b, "Easter", "EVENT", "e4"),
                span(b, "UN", "ORG", "e5"),
                span(b, "122", "QUANTITY", "e6"),
            ],
            claims=[
                claim(b, "Kiev violated the Easter ceasefire", "c1", "other"),
                claim(b, "122 people were injured", "c2", "quantity"),
            ],
            said_by=[("c1", "e1"), ("c2", "e5")],
        ),
        record(
            c,
            "annotator-2",
            14,
            entities=[
                span(c, "Bank of England", "ORG", "e1"),
                span(c, "5 percent", "QUANTITY", "e2"),
                span(c, "Andrew Bailey", "PERSON", "e3"),
                span(c, "Thursday", "DATE", "e4"),
            ],
            claims=[claim(c, "The Bank of England raised rates to 5 percent", "c1", "quantity")],
            said_by=[("c1", "e3")],
        ),
    ]


def make_workspace(root: Path, docs: dict[str, Document], records: list[AnnotationRecord]) -> Workspace:
    ws = Workspace(root, root / "versions", root / "exports", root / "releases", REPO_TAXONOMY, docs, records)
    write_corpus(ws.versions_dir, list(docs.values()))
    write_snapshot(ws.exports_dir, records)
    return ws
