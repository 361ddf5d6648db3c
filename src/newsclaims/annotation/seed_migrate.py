"""The seed annotation file (annotation/seed/seed_annotations.yaml) under a newer taxonomy.

The same mapping and span rules as a snapshot's migration (`migrate_taxonomy.migrate_claim`),
applied to the file's claims as they resolve in the newest corpus version; the file is
rewritten line by line, so only claim lines change (plus `taxonomy_version:`, which says which
taxonomy its values follow: a file without it is v1). A moved span is written back as its new
text and occurrence. Running it on a file already at the current version changes nothing.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from newsclaims.annotation.migrate_taxonomy import migrate_claim
from newsclaims.annotation.seed_file import SeedError, parse_seed, resolve_document
from newsclaims.corpus.versions import latest_version, load_documents
from newsclaims.fsutil import atomic_write_text
from newsclaims.paths import VERSIONS_DIR
from newsclaims.schemas.migrations import migration_to_current
from newsclaims.schemas.taxonomy import load_taxonomy

VERSION_KEY = "taxonomy_version"
_CLAIM_LINE = re.compile(r"^(\s*- )(\{.*\})\s*$")


@dataclass
class SeedMigration:
    path: Path
    from_version: int
    to_version: int
    written: bool
    rows: list[dict] = field(default_factory=list)

    def summary(self) -> str:
        if not self.written:
            return f"unchanged: {self.path} already follows taxonomy v{self.to_version}"
        kinds = [r["mapping"] for r in self.rows]
        fixed = sum(bool(r["span_fixes"]) for r in self.rows)
        return (
            f"wrote {self.path} (taxonomy v{self.from_version} -> v{self.to_version}): {len(kinds)} claims = "
            f"exact {kinds.count('exact')} + lossy {kinds.count('lossy')} + listed {kinds.count('listed')}; "
            f"spans fixed {fixed}"
        )


def _scalar(value: str) -> str:
    """A YAML scalar that reads back as this string ("yes"/"no" quoted: YAML 1.1 booleans)."""
    plain = re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", value) and yaml.safe_load(value) == value
    return value if plain else json.dumps(value, ensure_ascii=False)


def _occurrence(text: str, needle: str, start: int) -> int:
    """Which occurrence (1-based, every str.find match) of `needle` starts at `start`."""
    n, pos = 0, -1
    while (pos := text.find(needle, pos + 1)) != -1 and pos <= start:
        n += 1
    return n


def _texts(versions_dir: Path) -> dict[str, str]:
    """raw_path and doc id -> text, in the newest corpus version (the texts the seed is pushed on)."""
    out: dict[str, str] = {}
    newest = latest_version(versions_dir)
    if newest is None:
        raise SeedError(f"no corpus version in {versions_dir} to resolve the seed file in")
    for d in load_documents(newest, versions_dir):
        out[d.raw_path] = out[d.id] = d.text
    return out


def migrate_seed_file(
    path: Path, *, versions_dir: Path = VERSIONS_DIR, taxonomy_file: Path | None = None
) -> SeedMigration:
    source = Path(path).read_text(encoding="utf-8")
    raw = yaml.safe_load(source)
    current = load_taxonomy(taxonomy_file)
    version = int(raw.get(VERSION_KEY, 1)) if isinstance(raw, dict) else 1
    if version == current.version:
        return SeedMigration(Path(path), version, version, written=False)
    m = migration_to_current(version, taxonomy_file)
    seed = parse_seed(raw, str(path), m.old)
    texts = _texts(versions_dir)
    new_lines: dict[tuple[str, str], str] = {}  # (document key, claim id) -> its new mapping
    rows: list[dict] = []
    for doc in seed.documents:
        if doc.key not in texts:
            raise SeedError(f"{path}: {doc.key} is not in the newest corpus version")
        text = texts[doc.key]
        resolved = resolve_document(doc, text, m.old)
        if resolved.problems:
            raise SeedError(f"{path} does not resolve:\n  " + "\n  ".join(resolved.problems))
        said_by = {c.id: c.said_by for c in doc.claims}
        for c in resolved.claims:
            cm = migrate_claim(m, text, c.start, c.end, c.attributes)
            new_text = text[cm.start : cm.end]
            fields = {"id": c.id, "text": new_text, "occurrence": _occurrence(text, new_text, cm.start)}
            fields |= {k: v for k, v in cm.attributes.items() if v is not None}
            if said_by.get(c.id):
                fields["said_by"] = said_by[c.id]
            shown = (f"{k}: {v if isinstance(v, int) else _scalar(str(v))}" for k, v in fields.items())
            new_lines[(doc.key, c.id)] = "{" + ", ".join(shown) + "}"
            rows.append(
                {
                    "document": doc.key,
                    "claim_id": c.id,
                    "old_text": c.text,
                    "new_text": new_text,
                    "attributes": cm.how,
                    "span_fixes": list(cm.fixes),
                    "listed": list(cm.listed),
                    "mapping": cm.mapping,
                }  # fmt: skip
            )
    out: list[str] = []
    key = ""
    for line in source.splitlines(keepends=True):
        if line.startswith(f"{VERSION_KEY}:"):
            continue  # written again below, after `annotator:`
        if (doc_match := re.match(r"^\s*- (raw_path|doc_id): (.+?)\s*$", line)) is not None:
            key = str(yaml.safe_load(doc_match.group(2)))
        claim = _CLAIM_LINE.match(line)
        item = yaml.safe_load(claim.group(2)) if claim else None
        if claim and isinstance(item, dict) and (key, str(item.get("id"))) in new_lines and "label" not in item:
            line = claim.group(1) + new_lines[(key, str(item["id"]))] + "\n"
        out.append(line)
        if line.startswith("annotator:"):
            out.append(f"{VERSION_KEY}: {current.version}\n")
    atomic_write_text(Path(path), "".join(out))
    return SeedMigration(Path(path), version, current.version, written=True, rows=rows)
