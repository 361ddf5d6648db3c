"""`newsclaims annotate migrate-taxonomy`: a snapshot made under an older taxonomy, as a new
immutable snapshot under the current one.

The mapping is data (schemas/migrations/v<A>_to_v<B>.yaml, `newsclaims.schemas.migrations`).
Each claim also gets the v2 span conventions where a mechanical move does it
(`span_rules`): the reporting verb left out, quotation marks both in or both out. Every entity
and claim of every annotation is a row of migration.jsonl: what it was, what it became, and why
it is `listed` for re-annotation when something could not be derived. Counts: every claim is
exactly one of `exact`, `lossy` or `listed`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from newsclaims.annotation import span_rules
from newsclaims.annotation.codec import CHOICES, LABELS
from newsclaims.annotation.conflicts import conflicts_jsonl, find_conflicts
from newsclaims.annotation.export_parser import parse_task, record_sort_key
from newsclaims.annotation.migrate import MIGRATION_FILE
from newsclaims.annotation.snapshots import (
    CONFLICTS_FILE,
    SnapshotWrite,
    load_export,
    load_snapshot_meta,
    write_snapshot,
)
from newsclaims.errors import NewsclaimsError
from newsclaims.paths import EXPORTS_DIR
from newsclaims.schemas.controls import CLAIMS_NAME, ENTITIES_NAME, TEXT_NAME
from newsclaims.schemas.migrations import (
    EXACT,
    LOSSY,
    REVIEW,
    UNKNOWN,
    TaxonomyMigration,
    migration_to_current,
    taxonomy_by_sha256,
)
from newsclaims.schemas.taxonomy import load_taxonomy

LISTED = "listed"


@dataclass(frozen=True)
class ClaimMigration:
    """One claim under the new taxonomy: its span, attributes, and what was done or left open."""

    start: int
    end: int
    attributes: dict[str, str | None]
    how: dict[str, dict]
    fixes: tuple[str, ...]
    listed: tuple[str, ...]

    @property
    def mapping(self) -> str:
        if self.listed:
            return LISTED
        return LOSSY if any(h["mapping"] != EXACT for h in self.how.values()) else EXACT


def migrate_claim(m: TaxonomyMigration, text: str, start: int, end: int, old: dict[str, str | None]) -> ClaimMigration:
    """The claim's new attributes (the mapping file) and boundary (the span rules)."""
    attributes, how = m.map_attributes(old)
    fixes, listed = [], []
    for name, h in how.items():
        if h["mapping"] in (UNKNOWN, REVIEW):
            listed.append(f"{name}: not derivable from {h['from']} ({h['mapping']})")
    verb = span_rules.reporting_verb(text[start:end])
    if verb is not None:
        moved = span_rules.drop_reporting_verb(text, start, end)
        if moved is None:
            listed.append(f"span is only the reporting verb {verb!r}")
        else:
            start = moved
            fixes.append(f"reporting verb {verb!r} left out")
            # What is left is the verb's object ("Kiev of ..."): it reads alone only with a
            # normalized sentence, which no rule can write.
            listed.append(f"normalized: span started with {verb!r}; write the claim as a standalone sentence")
    quoted = span_rules.fix_quotes(text, start, end)
    if quoted is None:
        listed.append("quotation marks: no boundary move balances them")
    elif quoted != (start, end):
        fixes.append(f"quotation marks balanced ({start}:{end} -> {quoted[0]}:{quoted[1]})")
        start, end = quoted
    return ClaimMigration(start, end, attributes, how, tuple(fixes), tuple(listed))


def _claim_items(m: TaxonomyMigration, text: str, region: dict, choices: list[dict]) -> tuple[list[dict], dict]:
    """The claim's labels item and its choice items under the new taxonomy, and its report row part."""
    value = region["value"]
    old = {c["from_name"]: (c["value"].get("choices") or [None])[0] for c in choices}
    cm = migrate_claim(m, text, value["start"], value["end"], old)
    new_region = {**region, "value": {**value, "start": cm.start, "end": cm.end, "text": text[cm.start : cm.end]}}
    template = choices[0] if choices else {"id": region["id"], "to_name": TEXT_NAME, "type": CHOICES}
    items = [new_region]
    for attr in m.new.claim.choice_attributes:
        chosen = cm.attributes.get(attr.name)
        if chosen is not None:
            items.append(
                {**template, "from_name": attr.name, "value": {"start": cm.start, "end": cm.end, "choices": [chosen]}}
            )
    row = {
        "kind": "claim",
        "old_start": value["start"],
        "old_end": value["end"],
        "old_text": text[value["start"] : value["end"]],
        "new_start": cm.start,
        "new_end": cm.end,
        "new_text": text[cm.start : cm.end],
        "attributes": cm.how,
        "span_fixes": list(cm.fixes),
        "listed": list(cm.listed),
        "mapping": cm.mapping,
    }
    return items, row


def migrate_result(m: TaxonomyMigration, result: list[Any], text: str) -> tuple[list[Any], list[dict]]:
    """A Label Studio result under the new taxonomy, and one report row per entity and claim."""
    choices: dict[Any, list[dict]] = {}
    for r in result:
        if isinstance(r, dict) and r.get("type") == CHOICES:
            choices.setdefault(r.get("id"), []).append(r)
    out: list[Any] = []
    rows: list[dict] = []
    for r in result:
        if not isinstance(r, dict) or r.get("type") == CHOICES:
            continue  # choices are written with their claim, below
        if r.get("type") == LABELS and r.get("from_name") == ENTITIES_NAME:
            (label,) = r["value"]["labels"]
            vm = m.entities[label]
            out.append({**r, "value": {**r["value"], "labels": [vm.to]}})
            listed = [vm.note or f"{label}: {vm.mapping}"] if vm.mapping in (REVIEW, UNKNOWN) else []
            rows.append({"kind": "entity", "region_id": r["id"], "label": label, "new_label": vm.to,
                         "start": r["value"]["start"], "end": r["value"]["end"],
                         "text": text[r["value"]["start"] : r["value"]["end"]], "listed": listed,
                         "mapping": LISTED if listed else (EXACT if vm.mapping == EXACT else LOSSY)})  # fmt: skip
        elif r.get("type") == LABELS and r.get("from_name") == CLAIMS_NAME:
            items, row = _claim_items(m, text, r, choices.pop(r.get("id"), []))
            out += items
            rows.append({"region_id": r["id"], **row})
        else:
            out.append(r)
    out += [c for rest in choices.values() for c in rest]  # choices of no claim: the parser reports them
    return out, rows


@dataclass
class TaxonomyMigrationResult:
    snapshot: SnapshotWrite
    rows: list[dict]
    from_version: int
    to_version: int

    def counts(self) -> dict[str, int]:
        return self.count(self.rows)

    @staticmethod
    def count(rows: list[dict]) -> dict[str, int]:
        """Claims and entities by mapping (each exactly one of exact, lossy, listed), spans fixed."""
        claims = Counter(r["mapping"] for r in rows if r["kind"] == "claim")
        entities = Counter(r["mapping"] for r in rows if r["kind"] == "entity")
        out = {f"claims_{k}": claims.get(k, 0) for k in (EXACT, LOSSY, LISTED)}
        out |= {f"entities_{k}": entities.get(k, 0) for k in (EXACT, LOSSY, LISTED)}
        out["claims"] = sum(claims.values())
        out["entities"] = sum(entities.values())
        out["claim_spans_fixed"] = sum(bool(r["span_fixes"]) for r in rows if r["kind"] == "claim")
        return dict(sorted(out.items()))

    def summary(self) -> str:
        c = self.counts()
        state = "wrote" if self.snapshot.written else "unchanged:"
        return "\n".join(
            [
                f"{state} snapshot {self.snapshot.snapshot_id} ({self.snapshot.path}), "
                f"taxonomy v{self.from_version} -> v{self.to_version}",
                f"  claims: {c['claims']} = exact {c['claims_exact']} + lossy {c['claims_lossy']} "
                f"+ listed for re-annotation {c['claims_listed']}; spans fixed {c['claim_spans_fixed']}",
                f"  entities: {c['entities']} = exact {c['entities_exact']} + lossy {c['entities_lossy']} "
                f"+ listed {c['entities_listed']}",
                f"  every entity and claim: {self.snapshot.path / MIGRATION_FILE}",
            ]
        )


class AlreadyMigratedError(NewsclaimsError):
    exit_code = 0


def migrate_snapshot_taxonomy(
    snapshot_id: str | None = None, *, exports_dir: Path = EXPORTS_DIR, taxonomy_file: Path | None = None,
    out_dir: Path | None = None
) -> TaxonomyMigrationResult:  # fmt: skip
    meta = load_snapshot_meta(snapshot_id, exports_dir)
    new = load_taxonomy(taxonomy_file)
    if meta.taxonomy_sha256 == new.sha256:
        raise AlreadyMigratedError(f"snapshot {meta.snapshot_id} is already under taxonomy v{new.version}")
    old = taxonomy_by_sha256(meta.taxonomy_sha256, taxonomy_file)
    if old is None:
        raise NewsclaimsError(f"snapshot {meta.snapshot_id} was made under a taxonomy kept nowhere in schemas/")
    m = migration_to_current(old.version, taxonomy_file)
    if m.old.sha256 != old.sha256:
        raise NewsclaimsError(f"schemas/history/v{old.version} is not the taxonomy snapshot {meta.snapshot_id} used")
    rows: list[dict] = []
    tasks = []
    for task in sorted(load_export(meta.snapshot_id, exports_dir), key=lambda t: t["id"]):
        text = task["data"]["text"]
        new_task = dict(task)
        for key in ("annotations", "predictions", "drafts"):
            items = []
            for ann in task.get(key) or []:
                if not isinstance(ann, dict):
                    items.append(ann)
                    continue
                result, ann_rows = migrate_result(m, ann.get("result") or [], text)
                if key == "annotations" and not ann.get("was_cancelled"):
                    where = {"doc_id": task["data"]["doc_id"], "task_id": task["id"], "annotation_id": ann.get("id")}
                    rows += [{**where, "annotator": str(ann.get("completed_by")), **row} for row in ann_rows]
                items.append({**ann, "result": result})
            new_task[key] = items
        tasks.append(new_task)
    records, problems = [], []
    for task in tasks:
        part = parse_task(task, task["data"]["text"], new)
        records += part.records
        problems += part.problems
    if problems:  # a bug in the mapping, not a user error
        raise NewsclaimsError("the migrated annotations do not parse:\n  " + "\n  ".join(map(str, problems[:20])))
    records.sort(key=record_sort_key)
    counts = TaxonomyMigrationResult.count(rows)
    snapshot = write_snapshot(
        tasks,
        records,
        project=meta.project,
        taxonomy_sha256=new.sha256,
        counts={**counts, "annotations": len(records)},
        pulled_at=meta.pulled_at,
        exports_dir=out_dir or exports_dir,
        project_id=meta.project_id,
        parent_snapshot=meta.snapshot_id,
        migrated_from_taxonomy=old.version,
        extra_files={MIGRATION_FILE: _jsonl(rows), CONFLICTS_FILE: conflicts_jsonl(find_conflicts(records, new))},
    )
    return TaxonomyMigrationResult(snapshot, rows, old.version, new.version)


def _jsonl(rows: list[dict]) -> bytes:
    return b"".join(orjson.dumps(r) + b"\n" for r in rows)
