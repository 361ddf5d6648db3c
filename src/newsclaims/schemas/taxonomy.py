"""Load `schemas/taxonomy.yaml` into typed records. Everything label-related starts here."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import yaml

from newsclaims.errors import NewsclaimsError
from newsclaims.paths import TAXONOMY_FILE
from newsclaims.schemas.controls import (
    CLAIM_FIELDS,
    CLAIMS_NAME,
    ENTITIES_NAME,
    SAID_BY,
)

_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class TaxonomyError(NewsclaimsError, ValueError):
    """The taxonomy file is missing or malformed (a NewsclaimsError: the CLI prints it without a traceback)."""


# Kinds of claim attribute: one value from a closed list, or free text (a per-region TextArea).
CHOICE = "choice"
TEXT = "text"
ATTRIBUTE_KINDS = (CHOICE, TEXT)


@dataclass(frozen=True)
class LabelDef:
    name: str
    description: str
    example: str
    color: str | None = None
    # The OntoNotes 5.0 labels this one corresponds to (entities only; empty when not given).
    ontonotes: tuple[str, ...] = ()


@dataclass(frozen=True)
class UnmappedLabel:
    """An OntoNotes label with no label of ours, and what annotators do with it."""

    name: str
    note: str


@dataclass(frozen=True)
class AttributeDef:
    name: str
    description: str
    values: tuple[LabelDef, ...]
    kind: str = CHOICE
    # False: a claim may leave it empty (e.g. a value a taxonomy migration could not derive).
    required: bool = True
    example: str = ""

    @property
    def value_names(self) -> tuple[str, ...]:
        return tuple(v.name for v in self.values)

    @property
    def is_choice(self) -> bool:
        return self.kind == CHOICE


@dataclass(frozen=True)
class ClaimDef:
    name: str
    description: str
    example: str
    color: str | None
    attributes: tuple[AttributeDef, ...]

    @property
    def choice_attributes(self) -> tuple[AttributeDef, ...]:
        """The attributes with a closed value list: the ones agreement, majority and ClassLabels use."""
        return tuple(a for a in self.attributes if a.is_choice)

    @property
    def text_attributes(self) -> tuple[AttributeDef, ...]:
        """Free-text attributes: stored as strings, never voted on or measured for agreement."""
        return tuple(a for a in self.attributes if not a.is_choice)

    def attribute(self, name: str) -> AttributeDef:
        for a in self.attributes:
            if a.name == name:
                return a
        raise KeyError(name)


@dataclass(frozen=True)
class RelationDef:
    name: str
    description: str
    example: str
    from_labels: tuple[str, ...]
    to_labels: tuple[str, ...]


@dataclass(frozen=True)
class Taxonomy:
    version: int
    name: str
    entities: tuple[LabelDef, ...]
    claim: ClaimDef
    relations: tuple[RelationDef, ...]
    sha256: str  # digest of the file's bytes, recorded in manifests
    ontonotes_unmapped: tuple[UnmappedLabel, ...] = ()

    @property
    def entity_names(self) -> tuple[str, ...]:
        return tuple(e.name for e in self.entities)

    @property
    def person_label(self) -> str | None:
        """The entity label of named people (story grouping uses the people a report names)."""
        return "PERSON" if "PERSON" in self.entity_names else None

    @cached_property
    def bio_tags(self) -> tuple[str, ...]:
        """Tag names for token classification: O, then B-/I- for every entity label."""
        tags = ["O"]
        for name in self.entity_names:
            tags += [f"B-{name}", f"I-{name}"]
        return tuple(tags)

    def relation(self, name: str) -> RelationDef:
        for r in self.relations:
            if r.name == name:
                return r
        raise KeyError(name)


def _label(d: dict, where: str) -> LabelDef:
    try:
        name = str(d["name"])
        desc = str(d["description"]).strip()
        example = str(d["example"]).strip()
    except (KeyError, TypeError) as e:
        raise TaxonomyError(f"{where}: every label needs name, description and example ({e})") from None
    if not desc or not example:
        raise TaxonomyError(f"{where} {name}: description and example must not be empty")
    ontonotes = d.get("ontonotes") or ()
    if not isinstance(ontonotes, (list, tuple)):
        raise TaxonomyError(f"{where} {name}: ontonotes must be a list of label names")
    return LabelDef(
        name=name, description=desc, example=example, color=d.get("color"), ontonotes=tuple(map(str, ontonotes))
    )


def _attribute(a: dict) -> AttributeDef:
    name = a.get("name")
    kind = str(a.get("kind", CHOICE))
    if kind not in ATTRIBUTE_KINDS:
        raise TaxonomyError(f"claim attribute {name!r}: kind {kind!r} is not one of {', '.join(ATTRIBUTE_KINDS)}")
    required = a.get("required", True)
    if not isinstance(required, bool):
        raise TaxonomyError(f"claim attribute {name!r}: required must be true or false")
    values = tuple(_label(v, f"claim attribute {name}") for v in a.get("values") or [])
    if kind == CHOICE and not values:
        raise TaxonomyError(f"claim attribute {name!r} has no values")
    if kind == TEXT and values:
        raise TaxonomyError(f"claim attribute {name!r} is free text and cannot list values")
    try:
        description = str(a["description"]).strip()
    except KeyError:
        raise TaxonomyError(f"claim attribute {name!r} needs a description") from None
    return AttributeDef(
        name=str(name),
        description=description,
        values=values,
        kind=kind,
        required=required,
        example=str(a.get("example") or "").strip(),
    )


def parse_taxonomy(data: bytes) -> Taxonomy:
    raw = yaml.safe_load(data)
    if not isinstance(raw, dict):
        raise TaxonomyError("taxonomy must be a YAML mapping")
    entities = tuple(_label(e, "entities") for e in raw.get("entities") or [])
    c = raw.get("claim") or {}
    claim_label = _label(c, "claim")
    attributes = [_attribute(a) for a in c.get("attributes") or []]
    relations = tuple(
        RelationDef(
            name=str(r["name"]),
            description=str(r["description"]).strip(),
            example=str(r["example"]).strip(),
            from_labels=tuple(r["from"]),
            to_labels=tuple(r["to"]),
        )
        for r in raw.get("relations") or []
    )
    tax = Taxonomy(
        version=int(raw["version"]),
        name=str(raw["name"]),
        entities=entities,
        claim=ClaimDef(
            claim_label.name, claim_label.description, claim_label.example, claim_label.color, tuple(attributes)
        ),
        relations=relations,
        sha256=hashlib.sha256(data).hexdigest(),
        ontonotes_unmapped=tuple(
            UnmappedLabel(str(u["name"]), str(u["note"]).strip()) for u in raw.get("ontonotes_unmapped") or []
        ),
    )
    _check(tax)
    return tax


def _check(tax: Taxonomy) -> None:
    names = [*tax.entity_names, tax.claim.name]
    if len(set(names)) != len(names):
        raise TaxonomyError(f"duplicate label names in {names}")
    for n in names + [a.name for a in tax.claim.attributes] + [r.name for r in tax.relations]:
        if not _NAME_RE.match(n):
            raise TaxonomyError(f"label/attribute name {n!r} must be an identifier ([A-Za-z_][A-Za-z0-9_]*)")
    for r in tax.relations:
        for lab in (*r.from_labels, *r.to_labels):
            if lab not in names:
                raise TaxonomyError(f"relation {r.name} refers to unknown label {lab}")
    attribute_names = [a.name for a in tax.claim.attributes]
    if len(set(attribute_names)) != len(attribute_names):
        raise TaxonomyError(f"duplicate claim attribute names in {attribute_names}")
    for n in attribute_names:
        if n in CLAIM_FIELDS or n in (ENTITIES_NAME, CLAIMS_NAME):
            raise TaxonomyError(f"claim attribute {n!r} would clash with the claim field or control of that name")
    if SAID_BY not in [r.name for r in tax.relations]:
        raise TaxonomyError(f"the taxonomy must define the relation {SAID_BY!r} (a claim's speaker)")


def load_taxonomy(path: Path | None = None) -> Taxonomy:
    path = Path(path or TAXONOMY_FILE)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise TaxonomyError(f"cannot read taxonomy {path}: {e.strerror}") from None
    return parse_taxonomy(data)


def history_file(version: int, taxonomy_file: Path | None = None) -> Path:
    """Where the taxonomy of `version` is kept once a newer one replaces it: beside the
    current taxonomy, in history/v<N>/taxonomy.yaml (the same file name, so a release's
    recorded input name is the same whichever copy it was built from)."""
    current = Path(taxonomy_file or TAXONOMY_FILE)
    return current.parent / "history" / f"v{version}" / current.name


def taxonomy_file_for(version: int, sha256: str | None, taxonomy_file: Path | None = None) -> Path:
    """The taxonomy file a release recorded (version and digest): the current file when it is
    that one, else its copy under history/; the current file when neither matches (the rebuild
    then reports the difference rather than guessing another taxonomy)."""
    current = Path(taxonomy_file or TAXONOMY_FILE)
    for candidate in (current, history_file(version, current)):
        if candidate.is_file() and (sha256 is None or hashlib.sha256(candidate.read_bytes()).hexdigest() == sha256):
            return candidate
    return current
