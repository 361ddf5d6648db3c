"""Load `schemas/crosswalk.yaml`: our claim labels mapped to CheckThat!, ClaimBuster, Full Fact,
AFaCTA and schema.org ClaimReview, and apply it to claims and sentences.

The crosswalk names taxonomy values, so it lives beside the taxonomy and `problems` checks the
two against each other (every value it names exists; every claim value is mapped somewhere;
every combination of values a scheme reads matches one of its rules).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from newsclaims.errors import NewsclaimsError
from newsclaims.paths import CROSSWALK_FILE
from newsclaims.schemas.taxonomy import Taxonomy

FIDELITIES = ("exact", "lossy")


class CrosswalkError(NewsclaimsError, ValueError):
    """The crosswalk file is missing, malformed, or does not fit the taxonomy."""


# attribute -> the values it may take (None: the claim has no value for it)
Condition = Mapping[str, tuple[str | None, ...]]


@dataclass(frozen=True)
class SchemeLabel:
    name: str
    code: str  # what the community's files write (ClaimBuster's Verdict "-1"/"0"/"1")
    description: str = ""


@dataclass(frozen=True)
class Rule:
    when: Condition
    label: str | None  # None: cannot say; `could_be` lists what it may be
    could_be: tuple[str, ...]
    fidelity: str
    note: str

    def matches(self, attributes: Mapping[str, str | None]) -> bool:
        return all(attributes.get(a) in values for a, values in self.when.items())


@dataclass(frozen=True)
class Scheme:
    """A sentence-level labelling scheme."""

    name: str
    title: str
    reference: str
    labels: tuple[SchemeLabel, ...]
    rules: tuple[Rule, ...]
    no_claim: Rule

    @property
    def label_names(self) -> tuple[str, ...]:
        return tuple(lab.name for lab in self.labels)

    def code(self, label: str) -> str:
        return next(lab.code for lab in self.labels if lab.name == label)

    def claim_rule(self, attributes: Mapping[str, str | None]) -> Rule | None:
        return next((r for r in self.rules if r.matches(attributes)), None)

    def sentence_label(self, claims: Iterable[Mapping[str, str | None]]) -> str | None:
        """The label of a sentence holding these claims' attributes (None: cannot be said).

        Known labels rank by `labels` order; an unknown claim could be any of its `could_be`,
        so it hides a known label only if it might rank above it."""
        rank = {name: i for i, name in enumerate(self.label_names)}
        claims = list(claims)
        if not claims:
            return self.no_claim.label
        best, unknown = len(rank), len(rank)
        for attrs in claims:
            rule = self.claim_rule(attrs)
            if rule is not None and rule.label is not None:
                best = min(best, rank[rule.label])
            else:
                could_be = rule.could_be if rule is not None else self.label_names
                unknown = min(unknown, *(rank[c] for c in could_be))
        return self.label_names[best] if best < len(rank) and best <= unknown else None


@dataclass(frozen=True)
class AuthorRule:
    when: Condition
    source: str  # "speaker" or "outlet"


@dataclass(frozen=True)
class FieldMapping:
    field: str
    source: str
    fidelity: str
    note: str


@dataclass(frozen=True)
class ClaimReviewMapping:
    title: str
    reference: str
    normalized_attribute: str
    speaker_relation: str
    author: tuple[AuthorRule, ...]
    speaker_types: Mapping[str, str]  # entity label -> schema.org type
    fields: tuple[FieldMapping, ...]

    def author_source(self, attributes: Mapping[str, str | None]) -> str:
        return next(
            (r.source for r in self.author if all(attributes.get(a) in v for a, v in r.when.items())), "speaker"
        )


@dataclass(frozen=True)
class Crosswalk:
    version: int
    taxonomy_version: int
    schemes: tuple[Scheme, ...]
    claimreview: ClaimReviewMapping

    def scheme(self, name: str) -> Scheme:
        for s in self.schemes:
            if s.name == name:
                return s
        raise KeyError(name)

    def fits(self, tax: Taxonomy) -> bool:
        """Whether this crosswalk was written for the taxonomy's version (older releases are not mapped)."""
        return tax.version == self.taxonomy_version


def _condition(raw: object, where: str) -> Condition:
    if not isinstance(raw, dict):
        raise CrosswalkError(f"{where}: `when` must be a mapping of attribute -> value(s)")
    return {
        str(k): tuple(None if x is None else str(x) for x in (v if isinstance(v, list) else [v]))
        for k, v in raw.items()
    }


def _rule(raw: dict, where: str) -> Rule:
    fidelity = str(raw.get("fidelity"))
    if fidelity not in FIDELITIES:
        raise CrosswalkError(f"{where}: fidelity must be one of {', '.join(FIDELITIES)}, not {fidelity!r}")
    label = raw.get("label")
    return Rule(
        when=_condition(raw.get("when") or {}, where),
        label=None if label is None else str(label),
        could_be=tuple(str(x) for x in raw.get("could_be") or ()),
        fidelity=fidelity,
        note=" ".join(str(raw.get("note") or "").split()),
    )


def _scheme(raw: dict) -> Scheme:
    name = str(raw["name"])
    labels = tuple(
        SchemeLabel(str(lab["name"]), str(lab.get("code", lab["name"])), str(lab.get("description") or ""))
        for lab in raw["labels"]
    )
    scheme = Scheme(
        name=name,
        title=str(raw.get("title") or name),
        reference=" ".join(str(raw.get("reference") or "").split()),
        labels=labels,
        rules=tuple(_rule(r, f"scheme {name} rule {i + 1}") for i, r in enumerate(raw.get("rules") or [])),
        no_claim=_rule(raw["no_claim"], f"scheme {name} no_claim"),
    )
    for rule in (*scheme.rules, scheme.no_claim):
        for lab in (rule.label, *rule.could_be):
            if lab is not None and lab not in scheme.label_names:
                raise CrosswalkError(f"scheme {name}: label {lab!r} is not one of its labels")
    if scheme.no_claim.label is None:
        raise CrosswalkError(f"scheme {name}: a sentence without a claim needs a label")
    return scheme


def parse_crosswalk(data: bytes) -> Crosswalk:
    try:
        raw = yaml.safe_load(data)
        cr = raw["claimreview"]
        return Crosswalk(
            version=int(raw["version"]),
            taxonomy_version=int(raw["taxonomy_version"]),
            schemes=tuple(_scheme(s) for s in raw["schemes"]),
            claimreview=ClaimReviewMapping(
                title=str(cr["title"]),
                reference=str(cr.get("reference") or ""),
                normalized_attribute=str(cr["normalized_attribute"]),
                speaker_relation=str(cr["speaker_relation"]),
                author=tuple(
                    AuthorRule(_condition(a["when"], "claimreview author"), str(a["from"])) for a in cr["author"]
                ),
                speaker_types={str(k): str(v) for k, v in cr["speaker_types"].items()},
                fields=tuple(
                    FieldMapping(
                        str(f["field"]), str(f["source"]), str(f["fidelity"]), " ".join(str(f["note"]).split())
                    )
                    for f in cr["fields"]
                ),
            ),
        )
    except (KeyError, TypeError, AttributeError) as e:
        raise CrosswalkError(f"crosswalk is malformed: missing or wrong {e}") from None


def load_crosswalk(path: Path | None = None) -> Crosswalk:
    path = Path(path or CROSSWALK_FILE)
    try:
        return parse_crosswalk(path.read_bytes())
    except OSError as e:
        raise CrosswalkError(f"cannot read crosswalk {path}: {e.strerror}") from None


def _named_values(cw: Crosswalk) -> Iterable[tuple[str, str, str | None]]:
    """(where, attribute, value) for every value the crosswalk names."""
    for s in cw.schemes:
        for i, r in enumerate((*s.rules, s.no_claim)):
            for attr, values in r.when.items():
                for v in values:
                    yield f"scheme {s.name} rule {i + 1}", attr, v
    for a in cw.claimreview.author:
        for attr, values in a.when.items():
            for v in values:
                yield "claimreview author", attr, v


def problems(cw: Crosswalk, tax: Taxonomy) -> list[str]:
    """Everything that keeps the crosswalk and the taxonomy from fitting; empty when they do."""
    out = []
    if not cw.fits(tax):
        out.append(f"crosswalk is for taxonomy v{cw.taxonomy_version}, the taxonomy is v{tax.version}")
    choice = {a.name: a.value_names for a in tax.claim.attributes if a.values}
    text_attributes = {a.name for a in tax.claim.attributes if not a.values}
    named: set[tuple[str, str | None]] = set()
    for where, attr, value in _named_values(cw):
        named.add((attr, value))
        if attr not in choice:
            out.append(f"{where}: {attr!r} is not a choice attribute of the taxonomy")
        elif value is not None and value not in choice[attr]:
            out.append(f"{where}: {attr} = {value!r} is not a value of the taxonomy")
    for attr, values in choice.items():
        out += [f"{attr} = {v!r} is mapped by no scheme" for v in values if (attr, v) not in named]
    if cw.claimreview.normalized_attribute not in text_attributes:
        out.append(f"claimreview: {cw.claimreview.normalized_attribute!r} is not a free-text claim attribute")
    if cw.claimreview.speaker_relation not in [r.name for r in tax.relations]:
        out.append(f"claimreview: relation {cw.claimreview.speaker_relation!r} is not in the taxonomy")
    out += [
        f"claimreview: {lab!r} is not an entity label"
        for lab in cw.claimreview.speaker_types
        if lab not in tax.entity_names
    ]
    for s in cw.schemes:
        read = sorted({a for r in s.rules for a in r.when if a in choice})
        for combo in itertools.product(*[(*choice[a], None) for a in read]):
            attrs = dict(zip(read, combo))
            if s.claim_rule(attrs) is None and None not in combo:  # a null may fall through: then unknown
                out.append(f"scheme {s.name}: no rule for {attrs}")
    return out
