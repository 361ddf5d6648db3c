"""The maintainers' seed annotation file (annotation/seed/seed_annotations.yaml): parse and resolve.

The file names spans by their text and which occurrence of it they are, not by offsets, so it
stays readable and survives re-normalization:

    annotator: maintainer-1
    documents:
      - raw_path: 000_c9d4eb58757d2b79.txt        # Document.raw_path (or doc_id: nc-...)
        entities:
          - {id: e1, text: "Albert P. Khorev", label: PERSON, occurrence: 1}
        claims:
          - {id: c1, text: "...", occurrence: 1, claim_type: event, checkworthy: "no",
             attribution: reported_speech, said_by: e1}

A claim's other keys are the taxonomy's claim attributes. `resolve_document` turns a document's
items into records against the task text, checking every label, value and said_by target
against the taxonomy; `build_result` is the Label Studio result of those records (the codec).
Importing them is `newsclaims.annotation.seed`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from newsclaims.annotation import codec
from newsclaims.annotation.records import ClaimRecord, SaidByLink, SpanRecord
from newsclaims.errors import NewsclaimsError
from newsclaims.schemas.controls import SAID_BY
from newsclaims.schemas.taxonomy import Taxonomy, load_taxonomy

ORIGIN = "manual"  # what Label Studio writes for a region drawn by hand


class SeedError(NewsclaimsError):
    pass


@dataclass(frozen=True)
class SeedEntity:
    id: str
    text: str
    label: str
    occurrence: int = 1


@dataclass(frozen=True)
class SeedClaim:
    id: str
    text: str
    occurrence: int = 1
    said_by: str | None = None
    attributes: dict[str, str | None] = field(default_factory=dict)  # only those the file sets


@dataclass
class SeedDocument:
    key: str  # raw_path or doc_id, as written in the file
    by: str  # "raw_path" | "doc_id"
    entities: list[SeedEntity] = field(default_factory=list)
    claims: list[SeedClaim] = field(default_factory=list)


@dataclass
class SeedFile:
    annotator: str
    documents: list[SeedDocument]


def _as_str(value: Any) -> str | None:
    # YAML 1.1 reads an unquoted `checkworthy: no` as False: take it as the word that was meant.
    if isinstance(value, bool):
        return "yes" if value else "no"
    return None if value is None else str(value)


_ENTITY_KEYS = frozenset({"id", "text", "label", "occurrence"})
_CLAIM_KEYS = frozenset({"id", "text", "occurrence", "said_by"})


def _item(item: dict[str, Any], kind: str, attribute_names: frozenset[str]) -> SeedEntity | SeedClaim:
    """One entity or claim of the file; TypeError (missing key) or ValueError (unknown key)."""
    known = _ENTITY_KEYS if kind == "entities" else _CLAIM_KEYS | attribute_names
    unknown = set(item) - known
    if unknown:
        raise ValueError(f"unknown key(s) {', '.join(sorted(unknown))}")
    own: dict[str, Any] = {
        k: (v if k == "occurrence" else _as_str(v)) for k, v in item.items() if k not in attribute_names
    }
    if kind == "entities":
        return SeedEntity(**own)
    return SeedClaim(**own, attributes={k: _as_str(v) for k, v in item.items() if k in attribute_names})


def _items(raw: Any, kind: str, where: str, problems: list[str], attribute_names: frozenset[str]) -> list:
    out = []
    for i, item in enumerate(raw or []):
        if not isinstance(item, dict):
            problems.append(f"{where} item {i + 1}: expected a mapping, got {item!r}")
            continue
        try:
            obj = _item(item, kind, attribute_names)
        except (TypeError, ValueError) as e:
            problems.append(f"{where} item {i + 1}: {e}")
            continue
        if not isinstance(obj.occurrence, int) or isinstance(obj.occurrence, bool) or obj.occurrence < 1:
            problems.append(f"{where} {obj.id}: occurrence must be a positive integer, got {obj.occurrence!r}")
            continue
        out.append(obj)
    return out


def parse_seed(raw: Any, source: str = "seed file", taxonomy: Taxonomy | None = None) -> SeedFile:
    """The seed file's content; a claim's keys beyond id/text/occurrence/said_by must be claim
    attributes of `taxonomy` (default: the project's)."""
    if not isinstance(raw, dict) or not isinstance(raw.get("annotator"), str) or not raw["annotator"].strip():
        raise SeedError(f"{source}: expected a mapping with `annotator: <label>` and `documents: [...]`")
    taxonomy = taxonomy or load_taxonomy()
    # `taxonomy_version:` says which taxonomy the values follow (none: written before it was
    # recorded); a file for another version must be migrated first, not read with wrong values.
    version = raw.get("taxonomy_version")
    if version is not None and version != taxonomy.version:
        raise SeedError(
            f"{source} follows taxonomy v{version}, not v{taxonomy.version}: "
            "`newsclaims annotate migrate-taxonomy --seed-file` migrates it"
        )
    attribute_names = frozenset(a.name for a in taxonomy.claim.attributes)
    problems: list[str] = []
    docs = []
    for i, d in enumerate(raw.get("documents") or []):
        if not isinstance(d, dict) or not (d.get("raw_path") or d.get("doc_id")):
            problems.append(f"document {i + 1}: needs raw_path (or doc_id)")
            continue
        by = "raw_path" if d.get("raw_path") else "doc_id"
        key = str(d[by])
        docs.append(
            SeedDocument(
                key=key,
                by=by,
                entities=_items(d.get("entities"), "entities", f"{key} entities", problems, attribute_names),
                claims=_items(d.get("claims"), "claims", f"{key} claims", problems, attribute_names),
            )
        )
    if not docs and not problems:
        problems.append("no documents")
    if problems:
        raise SeedError(f"{source} is malformed:\n  " + "\n  ".join(problems))
    return SeedFile(annotator=raw["annotator"].strip(), documents=docs)


def load_seed_file(path: Path, taxonomy: Taxonomy | None = None) -> SeedFile:
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as e:
        raise SeedError(f"cannot read {path}: {e.strerror}") from None
    except yaml.YAMLError as e:
        raise SeedError(f"{path} is not valid YAML: {e}") from None
    return parse_seed(raw, str(path), taxonomy)


# ---- resolving text to offsets -------------------------------------------------------------


def find_occurrence(text: str, needle: str, occurrence: int) -> tuple[int, int] | int:
    """(start, end) of the nth occurrence of `needle` in `text`, or how many there are."""
    start, seen = -1, 0
    while True:
        start = text.find(needle, start + 1)
        if start < 0:
            return seen
        seen += 1
        if seen == occurrence:
            return start, start + len(needle)


@dataclass
class ResolvedDocument:
    """A seed document as records on the task text, and every item that could not be resolved."""

    entities: list[SpanRecord] = field(default_factory=list)
    claims: list[ClaimRecord] = field(default_factory=list)
    said_by: list[SaidByLink] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def resolve_document(doc: SeedDocument, text: str, taxonomy: Taxonomy) -> ResolvedDocument:
    out = ResolvedDocument()
    ids: set[str] = set()
    labels: dict[str, str] = {}

    def locate(item: SeedEntity | SeedClaim) -> tuple[int, int] | None:
        if item.id in ids:
            out.problems.append(f"{doc.key}: id {item.id!r} is used twice")
            return None
        ids.add(item.id)
        if not item.text:
            out.problems.append(f"{doc.key} {item.id}: empty text")
            return None
        found = find_occurrence(text, item.text, item.occurrence)
        if isinstance(found, int):
            out.problems.append(
                f"{doc.key} {item.id}: {item.text!r} occurrence {item.occurrence} not found "
                f"(it occurs {found} time(s) in the document text)"
            )
            return None
        return found

    for e in doc.entities:
        if e.label not in taxonomy.entity_names:
            out.problems.append(f"{doc.key} {e.id}: unknown entity label {e.label!r}")
            continue
        if (span := locate(e)) is not None:
            labels[e.id] = e.label
            out.entities.append(SpanRecord(e.id, *span, e.label, text[span[0] : span[1]]))
    speakers = taxonomy.relation(SAID_BY).to_labels
    for c in doc.claims:
        if (span := locate(c)) is None:
            continue
        labels[c.id] = taxonomy.claim.name
        attributes: dict[str, str | None] = {}
        for attr in taxonomy.claim.attributes:
            chosen = c.attributes.get(attr.name)
            if chosen is not None and attr.is_choice and chosen not in attr.value_names:
                out.problems.append(
                    f"{doc.key} {c.id}: {attr.name} {chosen!r} is not one of {', '.join(attr.value_names)}"
                )
                chosen = None
            attributes[attr.name] = chosen
        out.claims.append(ClaimRecord(c.id, *span, text[span[0] : span[1]], attributes))
        if c.said_by is None:
            continue
        speaker = labels.get(c.said_by)
        if speaker in speakers:
            out.said_by.append(SaidByLink(c.id, c.said_by))
            continue
        if speaker is not None:
            why = f"must name a {' or '.join(speakers)} entity, got {speaker}"
        elif c.said_by in ids:
            why = "names an entity that could not be resolved (see above)"
        else:
            why = "names no entity of this document"
        out.problems.append(f"{doc.key} {c.id}: said_by {c.said_by!r} {why}")
    return out


def build_result(doc: SeedDocument, text: str, taxonomy: Taxonomy) -> tuple[list[dict[str, Any]], list[str]]:
    """The Label Studio `result` for one document, and every item that could not be resolved."""
    resolved = resolve_document(doc, text, taxonomy)
    items = codec.annotation_items(resolved.entities, resolved.claims, resolved.said_by, taxonomy)
    return codec.encode(items, origin=ORIGIN), resolved.problems
