"""Taxonomy migrations as data: schemas/migrations/v<A>_to_v<B>.yaml, checked against both taxonomies.

A migration maps every entity label and every claim attribute value of the old taxonomy to one
of the new, marked `exact`, `lossy` (right, but a distinction is gone) or `review` (kept, but
some may need another value: listed); a new attribute is `derived` from an old one where the old
definition settles it, else left empty (`unknown`) and listed, never guessed. The taxonomies
themselves are found by version (`history_file`) or by digest (`taxonomy_by_sha256`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from newsclaims.paths import TAXONOMY_FILE
from newsclaims.schemas.taxonomy import Taxonomy, TaxonomyError, history_file, load_taxonomy

EXACT, LOSSY, REVIEW, UNKNOWN = "exact", "lossy", "review", "unknown"
MAPPINGS = (EXACT, LOSSY, REVIEW, UNKNOWN)


@dataclass(frozen=True)
class ValueMap:
    to: str | None  # None: no value (UNKNOWN)
    mapping: str
    note: str = ""


@dataclass(frozen=True)
class DerivedAttribute:
    """A new attribute whose value follows from an old attribute's value (`source`)."""

    source: str
    values: dict[str, ValueMap]


@dataclass(frozen=True)
class TaxonomyMigration:
    old: Taxonomy
    new: Taxonomy
    entities: dict[str, ValueMap]
    attributes: dict[str, dict[str, ValueMap]]  # old attribute (same name in new) -> value map
    derived: dict[str, DerivedAttribute]
    source: Path

    def map_attributes(self, old: dict[str, str | None]) -> tuple[dict[str, str | None], dict[str, dict]]:
        """The claim's attributes under the new taxonomy (every new attribute, in its order) and,
        per new attribute, how it was reached: {"from", "to", "mapping"} (an unset old value
        stays unset, `exact`; an attribute no rule gives stays empty, `unknown` if required)."""
        values: dict[str, str | None] = {}
        how: dict[str, dict] = {}
        for attr in self.new.claim.attributes:
            name = attr.name
            if name in self.attributes:
                given = old.get(name)
                vm = self.attributes[name][given] if given is not None else ValueMap(None, EXACT)
                values[name], how[name] = vm.to, {"from": given, "to": vm.to, "mapping": vm.mapping}
            elif name in self.derived:
                d = self.derived[name]
                given = old.get(d.source)
                found = d.values.get(given) if given is not None else None
                vm = found or ValueMap(None, UNKNOWN)
                values[name] = vm.to
                how[name] = {"from": f"{d.source}={given}", "to": vm.to, "mapping": vm.mapping}
            else:
                # New and underivable: empty. Listed only if annotators must fill it in.
                values[name] = None
                how[name] = {"from": None, "to": None, "mapping": UNKNOWN if attr.required else EXACT}
        return values, how


def _value_map(raw: object, where: str) -> ValueMap:
    if not isinstance(raw, dict) or raw.get("mapping") not in MAPPINGS or "to" not in raw:
        raise TaxonomyError(f"{where}: expected {{to: VALUE, mapping: {'|'.join(MAPPINGS)}}}, got {raw!r}")
    to = raw["to"]
    if (to is None) != (raw["mapping"] == UNKNOWN):
        raise TaxonomyError(f"{where}: `to: null` goes with `mapping: unknown`, and only with it")
    return ValueMap(None if to is None else str(to), str(raw["mapping"]), str(raw.get("note") or ""))


def _check_values(maps: dict[str, ValueMap], old: tuple[str, ...], new: tuple[str, ...], where: str) -> None:
    missing = sorted(set(old) - set(maps))
    extra = sorted(set(maps) - set(old))
    bad = sorted(v.to for v in maps.values() if v.to is not None and v.to not in new)
    if missing or extra or bad:
        raise TaxonomyError(f"{where}: unmapped {missing}, not in the old taxonomy {extra}, not in the new {bad}")


def migration_file(old_version: int, new_version: int, taxonomy_file: Path | None = None) -> Path:
    current = Path(taxonomy_file or TAXONOMY_FILE)
    return current.parent / "migrations" / f"v{old_version}_to_v{new_version}.yaml"


def load_migration(path: Path, old: Taxonomy, new: Taxonomy) -> TaxonomyMigration:
    """The mapping in `path`, checked: every old label and value mapped, every target in `new`."""
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as e:
        raise TaxonomyError(f"cannot read taxonomy migration {path}: {e}") from None
    if not isinstance(raw, dict) or (raw.get("from_version"), raw.get("to_version")) != (old.version, new.version):
        raise TaxonomyError(f"{path}: must map taxonomy v{old.version} to v{new.version}")
    entities = {str(k): _value_map(v, f"{path} entity {k}") for k, v in (raw.get("entities") or {}).items()}
    _check_values(entities, old.entity_names, new.entity_names, f"{path} entities")
    attributes: dict[str, dict[str, ValueMap]] = {}
    for name, values in (raw.get("claim_attributes") or {}).items():
        maps = {str(k): _value_map(v, f"{path} {name}={k}") for k, v in (values or {}).items()}
        try:
            _check_values(maps, old.claim.attribute(name).value_names, new.claim.attribute(name).value_names, path.name)
        except KeyError:
            raise TaxonomyError(f"{path}: claim attribute {name!r} must be in both taxonomies") from None
        attributes[str(name)] = maps
    unmapped = {a.name for a in old.claim.attributes} - set(attributes)
    if unmapped:
        raise TaxonomyError(f"{path}: old claim attribute(s) {sorted(unmapped)} have no mapping")
    derived = {}
    for name, spec in (raw.get("derived") or {}).items():
        spec = dict(spec or {})
        source = str(spec.pop("from", ""))
        try:
            old_values, new_values = old.claim.attribute(source).value_names, new.claim.attribute(name).value_names
        except KeyError:
            raise TaxonomyError(f"{path}: derived {name!r} needs `from:` an old attribute and a new {name!r}") from None
        maps = {str(k): _value_map(v, f"{path} {name} from {source}={k}") for k, v in spec.items()}
        _check_values(maps, old_values, new_values, f"{path} derived {name}")
        derived[str(name)] = DerivedAttribute(source, maps)
    return TaxonomyMigration(old, new, entities, attributes, derived, Path(path))


def taxonomy_by_sha256(sha256: str, taxonomy_file: Path | None = None) -> Taxonomy | None:
    """The current taxonomy or one kept under history/ whose file has this digest, else None."""
    current = Path(taxonomy_file or TAXONOMY_FILE)
    history = current.parent / "history"
    candidates = [current, *sorted(history.glob(f"v*/{current.name}"))] if history.is_dir() else [current]
    for path in candidates:
        tax = load_taxonomy(path)
        if tax.sha256 == sha256:
            return tax
    return None


def migration_to_current(old_version: int, taxonomy_file: Path | None = None) -> TaxonomyMigration:
    """The migration from the kept taxonomy `old_version` to the current one (one step)."""
    new = load_taxonomy(taxonomy_file)
    old = load_taxonomy(history_file(old_version, taxonomy_file))
    return load_migration(migration_file(old.version, new.version, taxonomy_file), old, new)
