"""`newsclaims annotate migrate`: re-anchor a snapshot's annotations to another corpus version.

Steps, each doing one thing:
  match_documents   old document -> new document: same id, else same raw path, else the most
                    similar unmatched text (word-shingle Jaccard, then the diff's kept share)
  migrate_task      every region of the task's annotations and predictions through the
                    document's OffsetMap (reanchor.py); relations whose ends are lost go too
  parse_export      the migrated export parsed against the new texts, as a pull would
  write_snapshot    a new immutable snapshot naming its parent and both corpus versions, with
                    migration.jsonl: every span and relation, unchanged / moved / changed / lost

Nothing is dropped silently: a span that did not survive is a `lost` row of the report.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from newsclaims.annotation.conflicts import conflicts_jsonl, find_conflicts
from newsclaims.annotation.export_parser import parse_task, record_sort_key
from newsclaims.annotation.push_plan import task_payload
from newsclaims.annotation.reanchor import (
    GONE,
    KEPT,
    LOST,
    RENAMED,
    SAME_ID,
    SAME_RAW_PATH,
    DocumentMatch,
    MigrationRow,
    OffsetMap,
    migrate_result,
    migration_row,
    rows_jsonl,
)
from newsclaims.annotation.records import AnnotationRecord
from newsclaims.annotation.snapshots import (
    CONFLICTS_FILE,
    SnapshotWrite,
    load_annotations,
    load_export,
    load_snapshot_meta,
    write_snapshot,
)
from newsclaims.corpus.document import Document
from newsclaims.corpus.versions import load_documents
from newsclaims.errors import NewsclaimsError
from newsclaims.gc_pause import gc_paused
from newsclaims.paths import EXPORTS_DIR, VERSIONS_DIR
from newsclaims.schemas.taxonomy import Taxonomy, load_taxonomy

MIGRATION_FILE = "migration.jsonl"
DOC_MATCH_MIN_JACCARD = 0.5  # word 3-gram Jaccard a renamed document must reach to be a candidate
DOC_MATCH_MIN_KEPT = 0.8  # share of the old text the diff keeps for a renamed document to match


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i : i + 3]) for i in range(max(0, len(words) - 2))}


def _kept_share(old: str, new: str) -> float:
    m = OffsetMap(old, new)
    return 1.0 if m.identical else sum(length for _, _, length in m.runs) / max(1, len(old))


def match_documents(old: dict[str, Document], new: dict[str, Document]) -> dict[str, DocumentMatch]:
    """For each old document: the new document it became, and how it was recognised."""
    out: dict[str, DocumentMatch] = {}
    by_path = {d.raw_path: d for d in new.values()}
    taken: set[str] = set()
    for doc_id in sorted(old):
        if doc_id in new:
            out[doc_id] = DocumentMatch(doc_id, new[doc_id], SAME_ID)
            taken.add(doc_id)
    for doc_id, doc in sorted(old.items()):
        if doc_id in out:
            continue
        same = by_path.get(doc.raw_path)
        if same is not None and same.id not in taken and same.id not in old:
            out[doc_id] = DocumentMatch(doc_id, same, SAME_RAW_PATH)
            taken.add(same.id)
    for doc_id, doc in sorted(old.items()):
        if doc_id in out:
            continue
        mine = _shingles(doc.text)
        best, best_score = None, 0.0
        for cand in new.values():
            if cand.id in taken or cand.id in old:
                continue
            theirs = _shingles(cand.text)
            jaccard = len(mine & theirs) / max(1, len(mine | theirs))
            if jaccard >= DOC_MATCH_MIN_JACCARD and jaccard > best_score:
                best, best_score = cand, jaccard
        if best is not None and _kept_share(doc.text, best.text) >= DOC_MATCH_MIN_KEPT:
            out[doc_id] = DocumentMatch(doc_id, best, RENAMED)
            taken.add(best.id)
        else:
            out[doc_id] = DocumentMatch(doc_id, None, GONE)
    return out


@dataclass
class MigrationResult:
    snapshot: SnapshotWrite
    rows: list[MigrationRow]
    documents: dict[str, DocumentMatch]

    def summary(self) -> str:
        spans = Counter(r.status for r in self.rows if r.kind == "span")
        relations = Counter(r.status for r in self.rows if r.kind == "relation")
        docs = Counter(m.how for m in self.documents.values())
        state = "wrote" if self.snapshot.written else "unchanged:"
        return "\n".join(
            [
                f"{state} snapshot {self.snapshot.snapshot_id} ({self.snapshot.path})",
                "  documents: " + ", ".join(f"{k} {v}" for k, v in sorted(docs.items())),
                "  spans: " + ", ".join(f"{k} {spans.get(k, 0)}" for k in ("unchanged", "moved", "changed", "lost")),
                "  relations: " + ", ".join(f"{k} {relations.get(k, 0)}" for k in (KEPT, LOST)),
                f"  every span and relation: {self.snapshot.path / MIGRATION_FILE}",
            ]
        )


def _documents(versions: list[str], versions_dir: Path) -> dict[str, Document]:
    out: dict[str, Document] = {}
    for version in versions:
        out.update({d.id: d for d in load_documents(version, versions_dir)})
    return out


@gc_paused()  # hundreds of thousands of JSON values and rows: see newsclaims.gc_pause
def migrate_snapshot(
    snapshot_id: str,
    to_corpus: str,
    *,
    exports_dir: Path = EXPORTS_DIR,
    versions_dir: Path = VERSIONS_DIR,
    out_dir: Path | None = None,
    taxonomy: Taxonomy | None = None,
) -> MigrationResult:
    taxonomy = taxonomy or load_taxonomy()
    meta = load_snapshot_meta(snapshot_id, exports_dir)
    tasks = load_export(snapshot_id, exports_dir)
    new_docs = _documents([to_corpus], versions_dir)
    # The text each task was annotated on is in the export (pull checked it against the corpus);
    # the old corpus version is read only for documents whose id is not in the new one (their
    # raw path helps find them).
    old_text = {t["data"]["doc_id"]: t["data"]["text"] for t in tasks}
    gone = set(old_text) - set(new_docs)
    old_docs = (
        {d: doc for d, doc in _documents(meta.corpus_versions, versions_dir).items() if d in gone} if gone else {}
    )
    missing = sorted(gone - set(old_docs))
    if missing:
        raise NewsclaimsError(
            f"snapshot {snapshot_id} annotates {len(missing)} document(s) that are neither in "
            f"{to_corpus} nor in its own corpus version(s) {meta.corpus_versions} in "
            f"{versions_dir}: {', '.join(missing[:5])}"
        )
    matches = {d: DocumentMatch(d, new_docs[d], SAME_ID) for d in sorted(set(old_text) - gone)}
    matches |= match_documents(old_docs, {d: doc for d, doc in new_docs.items() if d not in old_text})
    rows: list[MigrationRow] = []
    migrated: list[dict[str, Any]] = []
    for task in sorted(tasks, key=lambda t: t["id"]):
        match = matches[task["data"]["doc_id"]]
        mapping = OffsetMap(old_text[match.old_id], match.new.text if match.new else "")
        new_task = dict(task)
        for key in ("annotations", "predictions", "drafts"):
            items = []
            for ann in task.get(key) or []:
                if not isinstance(ann, dict):  # an export may list predictions and drafts by id only
                    items.append(ann)
                    continue

                def report(item, move, ann=ann, key=key):
                    if key == "annotations" and not ann.get("was_cancelled"):
                        rows.append(migration_row(task, ann, match, item, move))

                items.append({**ann, "result": migrate_result(ann.get("result") or [], mapping, report)})
            new_task[key] = items
        if match.new is None:
            continue  # the document is gone: every span of it is a `lost` row above
        payload = task_payload(match.new, to_corpus)
        new_task["data"] = payload.data
        new_task["meta"] = {**payload.meta, "migrated_from_corpus": (task.get("meta") or {}).get("corpus_version")}
        migrated.append(new_task)
    records, problems = _records(migrated, old_text, new_docs, load_annotations(snapshot_id, exports_dir), taxonomy)
    if problems:  # a bug here, not a user error: the mapping must keep every offset valid
        raise NewsclaimsError(
            "the migrated annotations do not fit the new texts:\n  " + "\n  ".join(str(p) for p in problems[:20])
        )
    report_bytes = rows_jsonl(rows)
    snapshot = write_snapshot(
        migrated,
        records,
        project=meta.project,
        taxonomy_sha256=taxonomy.sha256,
        counts={**_counts(rows), "annotations": len(records)},
        pulled_at=meta.pulled_at,
        exports_dir=out_dir or exports_dir,
        project_id=meta.project_id,
        parent_snapshot=snapshot_id,
        migrated_from_corpus=meta.corpus_versions,
        extra_files={MIGRATION_FILE: report_bytes, CONFLICTS_FILE: conflicts_jsonl(find_conflicts(records, taxonomy))},
    )
    return MigrationResult(snapshot=snapshot, rows=rows, documents=matches)


def _records(
    migrated: list[dict[str, Any]],
    old_text: dict[str, str],
    new_docs: dict[str, Document],
    parent: list[AnnotationRecord],
    taxonomy: Taxonomy,
) -> tuple[list[AnnotationRecord], list]:
    """The records of the migrated tasks, as a pull of them would parse them.

    A document whose id and text did not change keeps its parent records (same offsets, same
    text digest), re-labelled with the new corpus version: parsing them again would give the
    same records. Every other task is parsed against its new text."""
    by_doc: dict[str, list[AnnotationRecord]] = {}
    for r in parent:
        by_doc.setdefault(r.doc_id, []).append(r)
    records, problems = [], []
    for task in migrated:
        doc_id, version = task["data"]["doc_id"], task["meta"]["corpus_version"]
        new = new_docs[doc_id]
        if old_text.get(doc_id) == new.text and doc_id in by_doc:
            records += [replace(r, corpus_version=version) for r in by_doc[doc_id]]
            continue
        part = parse_task(task, new.text, taxonomy)
        records += part.records
        problems += part.problems
    return sorted(records, key=record_sort_key), problems


def _counts(rows: list[MigrationRow]) -> dict[str, int]:
    c = Counter(f"{r.kind}s_{r.status}" for r in rows)
    return dict(sorted(c.items()))
