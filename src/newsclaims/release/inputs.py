"""Find and load what a release is built from: a corpus version, an annotation snapshot, the taxonomy.

The corpus and annotation stages own the loaders (`newsclaims.corpus.versions`,
`newsclaims.annotation.snapshots`); this module resolves directories (so tests and the CLI can
point anywhere) and records which files went in, for the manifest.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from newsclaims import paths
from newsclaims.annotation import snapshots
from newsclaims.annotation.records import AnnotationRecord
from newsclaims.annotation.snapshots import SnapshotMeta, load_annotations
from newsclaims.corpus import versions
from newsclaims.corpus.document import Document
from newsclaims.corpus.versions import load_documents
from newsclaims.errors import NewsclaimsError
from newsclaims.fsutil import sha256_bytes, sha256_file
from newsclaims.gc_pause import gc_paused
from newsclaims.schemas.crosswalk import Crosswalk, CrosswalkError, load_crosswalk
from newsclaims.schemas.taxonomy import Taxonomy, TaxonomyError, load_taxonomy


class InputError(NewsclaimsError):
    """A corpus version, snapshot or taxonomy is missing or unreadable."""


@dataclass(frozen=True)
class ReleaseInputs:
    corpus_version: str
    corpus_dir: Path
    snapshot_id: str
    snapshot_dir: Path
    snapshot_meta: SnapshotMeta
    taxonomy_file: Path
    taxonomy: Taxonomy
    documents: list[Document]
    annotations: list[AnnotationRecord]
    # pseudonym -> role ("maintainer", "annotator", ...) from annotation/annotators.yaml
    annotator_roles: dict[str, str] = field(default_factory=dict)
    # pseudonym -> how that annotator worked, where annotators.yaml says (`{role: .., note: ..}`)
    annotator_notes: dict[str, str] = field(default_factory=dict)
    roles_file: Path | None = None
    # Pairs of doc ids known to report one story (e.g. claims linked across documents): story
    # grouping joins them. Whoever fills this must also add its source file to `input_files`.
    same_story: tuple[tuple[str, str], ...] = ()
    # Claim links (annotation/links, beside the exports) are read unless the release being rebuilt
    # was made before they were an input.
    with_links: bool = True
    # schemas/crosswalk.yaml (beside the taxonomy file): the sentences config's labels. Used, and
    # recorded as an input, only when written for this taxonomy's version.
    crosswalk: Crosswalk | None = None
    crosswalk_file: Path | None = None

    @property
    def sentence_crosswalk(self) -> Crosswalk | None:
        """The crosswalk when it fits the taxonomy (a release of an older taxonomy has no sentences)."""
        return self.crosswalk if self.crosswalk is not None and self.crosswalk.fits(self.taxonomy) else None

    def independent_annotations(self) -> list[AnnotationRecord]:
        """The annotations agreement is measured on: all but the adjudicators'."""
        return [a for a in self.annotations if self.annotator_roles.get(a.annotator) != ADJUDICATOR_ROLE]

    def input_files(self) -> dict[str, dict[str, str]]:
        """sha256 of every input file, grouped by input (paths relative to the input's directory)."""
        files = {
            "corpus": _hash_tree(self.corpus_dir),
            "annotations": _hash_tree(self.snapshot_dir),
            "taxonomy": {self.taxonomy_file.name: sha256_file(self.taxonomy_file)},
        }
        if self.sentence_crosswalk is not None and self.crosswalk_file is not None:
            files["crosswalk"] = {self.crosswalk_file.name: sha256_file(self.crosswalk_file)}
        if self.roles_file is not None:
            # The entry this snapshot uses, not the whole file: adding another snapshot's roles
            # must not make every earlier release "built from other inputs".
            entry: dict = self.annotator_roles
            if self.annotator_notes:  # roles alone keep the digest earlier releases recorded
                entry = {"roles": self.annotator_roles, "notes": self.annotator_notes}
            used = json.dumps(entry, sort_keys=True).encode("utf-8")
            files["annotator_roles"] = {f"{self.roles_file.name}#{self.snapshot_id}": sha256_bytes(used)}
        from newsclaims.release.clusters import link_input_files  # claim_clusters' inputs (issue 14)

        if self.with_links and (links := link_input_files(self.snapshot_dir)):
            files["links"] = links
        return files


ROLES_FILE = "annotators.yaml"  # beside the exports directory: annotation/annotators.yaml
DEFAULT_ROLE = "annotator"
# An adjudicator's annotation settles conflicts after seeing the others: it is gold, but counting
# it in agreement would measure the adjudicator against the annotations it was made from.
ADJUDICATOR_ROLE = "adjudicator"


def _roles_entry(roles_file: Path, snapshot_id: str, parent: str | None) -> dict:
    import yaml

    try:
        raw = yaml.safe_load(roles_file.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as e:
        raise InputError(f"cannot read {roles_file}: {e}") from None
    entry = raw.get(snapshot_id, raw.get(parent, {}) if parent else {}) if isinstance(raw, dict) else None
    shape = "expected `<snapshot id>: {annotator-N: role}` or `{annotator-N: {role: .., note: ..}}` mappings"
    if not isinstance(entry, dict) or not all(isinstance(k, str) for k in entry):
        raise InputError(f"{roles_file}: {shape}")
    for value in entry.values():
        described = isinstance(value, dict) and set(value) <= {"role", "note"} and isinstance(value.get("role"), str)
        if not (isinstance(value, str) or (described and isinstance(value.get("note", ""), str))):
            raise InputError(f"{roles_file}: {shape}")
    return entry


def load_annotator_roles(roles_file: Path, snapshot_id: str, parent: str | None = None) -> dict[str, str]:
    """The roles recorded for one snapshot's pseudonyms: `<snapshot id>: {annotator-N: role}`; a
    migrated snapshot without an entry of its own has its parent's (the same people)."""
    entry = _roles_entry(roles_file, snapshot_id, parent)
    return dict(sorted((k, v if isinstance(v, str) else v["role"]) for k, v in entry.items()))


def load_annotator_notes(roles_file: Path, snapshot_id: str, parent: str | None = None) -> dict[str, str]:
    """How each annotator worked, for the card, where the entry says (`note`)."""
    entry = _roles_entry(roles_file, snapshot_id, parent)
    return dict(sorted((k, v["note"]) for k, v in entry.items() if isinstance(v, dict) and v.get("note")))


def _hash_tree(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): sha256_file(p)
        for p in sorted(root.rglob("*"))
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts)
    }


def _load(what: str, name: str, loader):
    try:
        return list(loader())
    except NewsclaimsError:
        raise
    except (OSError, ValueError, KeyError, TypeError) as e:  # malformed files: say which input
        raise InputError(f"cannot read {what} {name}: {e}") from None


@gc_paused()
def resolve_inputs(
    versions_dir: Path | None = None,
    exports_dir: Path | None = None,
    taxonomy_file: Path | None = None,
    corpus_version: str | None = None,
    snapshot_id: str | None = None,
) -> ReleaseInputs:
    """Load the inputs; by default the newest corpus version and the newest snapshot (their LATEST files)."""
    versions_dir = Path(versions_dir or paths.VERSIONS_DIR)
    exports_dir = Path(exports_dir or paths.EXPORTS_DIR)
    taxonomy_file = Path(taxonomy_file or paths.TAXONOMY_FILE)
    # The stores raise a clear error for a bad name, an unknown one, or none at all.
    corpus_dir = versions.store(versions_dir).resolve(corpus_version or None)
    snapshot_dir = snapshots.store(exports_dir).resolve(snapshot_id or None)
    corpus_version, snapshot_id = corpus_dir.name, snapshot_dir.name
    # The crosswalk beside the taxonomy (a scratch checkout's), else the project's.
    crosswalk_file = taxonomy_file.with_name(paths.CROSSWALK_FILE.name)
    crosswalk_file = crosswalk_file if crosswalk_file.is_file() else paths.CROSSWALK_FILE
    try:
        taxonomy = load_taxonomy(taxonomy_file)
        crosswalk = load_crosswalk(crosswalk_file) if crosswalk_file.is_file() else None
    except (TaxonomyError, CrosswalkError) as e:
        raise InputError(str(e)) from None
    try:
        snapshot_meta = snapshots.load_snapshot_meta(snapshot_id, exports_dir)
    except json.JSONDecodeError as e:
        raise InputError(f"{snapshot_dir / snapshots.META_FILE}: not valid JSON ({e.msg})") from None
    roles_file = exports_dir.parent / ROLES_FILE
    has_roles = roles_file.is_file()
    return ReleaseInputs(
        annotator_roles=load_annotator_roles(roles_file, snapshot_id, snapshot_meta.parent_snapshot)
        if has_roles
        else {},
        annotator_notes=load_annotator_notes(roles_file, snapshot_id, snapshot_meta.parent_snapshot)
        if has_roles
        else {},
        roles_file=roles_file if has_roles else None,
        corpus_version=corpus_version,
        corpus_dir=corpus_dir,
        snapshot_id=snapshot_id,
        snapshot_dir=snapshot_dir,
        snapshot_meta=snapshot_meta,
        taxonomy_file=taxonomy_file,
        taxonomy=taxonomy,
        crosswalk=crosswalk,
        crosswalk_file=crosswalk_file if crosswalk is not None else None,
        documents=sorted(
            _load("corpus version", corpus_version, lambda: load_documents(corpus_version, versions_dir)),
            key=lambda d: d.id,
        ),
        annotations=sorted(
            _load("annotation snapshot", snapshot_id, lambda: load_annotations(snapshot_id, exports_dir)),
            key=lambda a: (a.doc_id, a.annotator, a.annotation_id),
        ),
    )
