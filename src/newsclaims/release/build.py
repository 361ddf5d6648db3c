"""Write a release folder `releases/<V>/` from its computed content, atomically.

Everything is written into a hidden temporary sibling and renamed into place in one step, so
an interrupted build leaves no half-written release, and an existing release is never touched.
Outputs carry no wall-clock time: rows are sorted, parquet batches are a fixed size, and the
only dates are the articles' own, so building twice gives the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any

import datasets
import numpy as np
import pyarrow as pa
from datasets import ClassLabel, Dataset, DatasetInfo, Features, List
from datasets.table import InMemoryTable

from newsclaims.annotation.snapshots import SnapshotMeta
from newsclaims.fsutil import atomic_write_text, sha256_bytes
from newsclaims.gc_pause import gc_paused
from newsclaims.release import card, plots
from newsclaims.release.builder import current_builder
from newsclaims.release.content import ReleaseContent
from newsclaims.release.history import previous_manifest
from newsclaims.release.inputs import ROLES_FILE
from newsclaims.release.manifest import (
    Lineage,
    ReleaseInputRecord,
    ReleaseManifest,
    ReleaseParameters,
    dumps,
    manifest_bytes,
    read_release_manifest,
)
from newsclaims.release.splits import SPLITS_FILE
from newsclaims.release.versions import ReleaseExistsError, release_versions, store
from newsclaims.schemas.features import CONFIGS, config_features

PARQUET_BATCH_SIZE = 1000


__all__ = ["ReleaseExistsError", "same_inputs", "write_changelog", "write_data_card", "write_release"]


def _write(root: Path, rel: str, data: bytes) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _encoder(feature) -> Callable[[Any], Any]:
    """A function encoding one value of `feature` (label names -> ClassLabel ids), compiled once.

    Not `Dataset.from_list`: its encoder looks only at the first element of a list to decide
    whether the list needs encoding, so a document whose first claim has no agreed attribute
    and no speaker kept the label names of its other claims and failed to convert. It also
    fingerprinted every table by pickling it, the largest cost of a release build.
    """
    if isinstance(feature, ClassLabel):
        ids = {name: i for i, name in enumerate(feature.names)}
        return lambda v: ids[v] if isinstance(v, str) else v
    if isinstance(feature, (dict, Features)):
        # Only the fields holding labels are rewritten; the rest are copied as they are (keys the
        # features lack are ignored by pyarrow, missing ones are null either way).
        fields = [(name, f) for name, f in ((n, _encoder(f)) for n, f in feature.items()) if f is not _same]
        if not fields:
            return _same
        return lambda v: None if v is None else {**v, **{name: f(v.get(name)) for name, f in fields}}
    if isinstance(feature, List):
        if isinstance(feature.feature, ClassLabel):  # e.g. ner_tags: millions of names, one C-level lookup each
            ids = {name: i for i, name in enumerate(feature.feature.names)}
            lookup = ids.__getitem__
            return lambda v: None if v is None else _class_ids(v, lookup, ids)
        item = _encoder(feature.feature)
        if item is _same:
            return _same
        return lambda v: None if v is None else [item(x) for x in v]
    return _same


def _same(v):
    return v


def _class_ids(names, lookup: Callable[[str], int], ids: dict[str, int]):
    if isinstance(names, np.ndarray):  # ids already (the ner config's tags)
        return names
    try:
        return list(map(lookup, names))
    except KeyError:  # a null or an id already: encode one by one (an unknown name still raises)
        return [ids[v] if isinstance(v, str) else v for v in names]


def _dataset(rows: list[dict], features: Features) -> Dataset:
    encode = _encoder(features)
    table = pa.Table.from_pylist([encode(r) for r in rows], schema=features.arrow_schema)
    # A fixed fingerprint: it names the in-memory dataset only and never reaches the parquet files.
    return Dataset(InMemoryTable(table), info=DatasetInfo(features=features), fingerprint="newsclaims-release")


def _write_parquet(content: ReleaseContent, root: Path) -> dict[str, dict]:
    """Parquet files of every config/split; returns what `dataset_info` needs per config."""
    features = config_features(content.inputs.taxonomy, content.inputs.sentence_crosswalk)
    infos = {}
    for config in (c for c in CONFIGS if content.rows.get(c)):  # claim_clusters only where there are clusters
        splits, download_size = {}, 0
        for split, rows in content.rows[config].items():
            path = root / config / f"{split}-00000-of-00001.parquet"
            path.parent.mkdir(parents=True, exist_ok=True)
            ds = _dataset(rows, features[config])
            ds.to_parquet(str(path), batch_size=PARQUET_BATCH_SIZE)
            splits[split] = {"num_bytes": ds.data.nbytes, "num_examples": len(ds)}
            download_size += path.stat().st_size
        infos[config] = {"features": features[config], "splits": splits, "download_size": download_size}
    return infos


def _file_hashes(root: Path, skip: Collection[str] = frozenset()) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): sha256_bytes(p.read_bytes())
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.relative_to(root).as_posix() not in skip
    }


def _lineage(meta: SnapshotMeta) -> Lineage | None:
    """Where a migrated snapshot's annotations came from (None for a pulled snapshot)."""
    if not meta.parent_snapshot:
        return None
    return Lineage(
        parent_snapshot=meta.parent_snapshot,
        # A taxonomy migration keeps the corpus version: from is to.
        from_corpus_versions=meta.migrated_from_corpus or (meta.corpus_versions if meta.migrated_from_taxonomy else []),
        to_corpus_versions=meta.corpus_versions or [],
        from_taxonomy_version=meta.migrated_from_taxonomy,
    )


def _changelog_lines(content: ReleaseContent, previous: ReleaseManifest | None) -> list[str]:
    s = content.stats
    lines = [
        f"corpus {content.inputs.corpus_version}, annotation snapshot {content.inputs.snapshot_id}, "
        f"taxonomy v{content.inputs.taxonomy.version}",
        f"{s.documents} documents ({s.annotated_documents} annotated), {sum(s.entity_labels.values())} "
        f"entity spans, {s.claims} claims, {len(s.annotators)} annotator(s)",
        "agreement: " + ("measured" if content.agreement.measured else f"not measured ({content.agreement.reason})"),
    ]
    lineage = _lineage(content.inputs.snapshot_meta)
    if lineage and lineage.from_taxonomy_version is not None:
        lines.append(
            f"annotations migrated from snapshot {lineage.parent_snapshot} (taxonomy "
            f"v{lineage.from_taxonomy_version} -> v{content.inputs.taxonomy.version}); see its migration.jsonl"
        )
    elif lineage:
        lines.append(
            f"annotations re-anchored from snapshot {lineage.parent_snapshot} (corpus "
            f"{', '.join(lineage.from_corpus_versions)} -> {', '.join(lineage.to_corpus_versions)}); "
            "see its migration.jsonl"
        )
    rec = content.split_record
    new_groups = sum(g.since == content.version for g in rec.groups)
    lines.append(
        (f"splits carried forward from {', '.join(rec.carried_from)}; " if rec.carried_from else "")
        + f"{new_groups} new story group(s) of {len(rec.groups)}"
        + (f"; {len(rec.held_apart)} link(s) between groups in different splits held apart" if rec.held_apart else "")
    )
    if previous is None:
        lines.append("first release")
    else:
        before = {d for ids in previous.split_assignment.values() for d in ids}
        now = {a.doc_id for a in content.splits}
        lines.append(f"since {previous.version}: +{len(now - before)} / -{len(before - now)} documents")
    return lines


@gc_paused()
def write_release(content: ReleaseContent, releases_dir: Path, history_dir: Path | None = None) -> Path:
    """Write `releases_dir/<version>/`; `history_dir`: where the earlier releases are (the
    changelog line names the one before), by default `releases_dir` (a rebuild aside differs)."""
    releases = store(releases_dir)
    version = releases.check_name(content.version)
    final = releases.root / version
    if final.exists():
        raise ReleaseExistsError(
            f"release {version} already exists in {releases_dir}; releases are immutable, choose a new --version"
        )
    datasets.disable_progress_bars()
    previous = previous_manifest(Path(history_dir or releases.root), version)
    builder = current_builder()
    with releases.create(version) as tmp:
        infos = _write_parquet(content, tmp)
        data_hashes = _file_hashes(tmp)
        content_sha256 = sha256_bytes("".join(f"{h}  {p}\n" for p, h in sorted(data_hashes.items())).encode())
        _write(tmp, "agreement.json", dumps(content.agreement.to_dict()).encode())
        _write(
            tmp,
            "review.jsonl",
            "".join(
                json.dumps(_review_dict(i, content.withheld), sort_keys=True, ensure_ascii=False) + "\n"
                for i in content.review
            ).encode(),
        )
        _write(tmp, SPLITS_FILE, dumps(content.split_record.to_json()).encode())
        _write(
            tmp,
            f"{card.PLOTS_DIR}/label_distribution.png",
            plots.label_distribution(content.stats, content.inputs.taxonomy.claim.name),
        )
        _write(tmp, f"{card.PLOTS_DIR}/claims_per_document.png", plots.claims_per_document(content.stats))
        agreement_png = plots.agreement(content.agreement)
        if agreement_png is not None:
            _write(tmp, f"{card.PLOTS_DIR}/agreement.png", agreement_png)
        data = card.card_data(content, infos, content_sha256)
        readme = card.render_card(content, data, content_sha256, agreement_png is not None)
        _write(tmp, "README.md", readme.encode("utf-8"))
        manifest = ReleaseManifest(
            name="newsclaims",
            version=version,
            content_sha256=content_sha256,
            inputs=ReleaseInputRecord(
                corpus_version=content.inputs.corpus_version,
                snapshot_id=content.inputs.snapshot_id,
                taxonomy_version=content.inputs.taxonomy.version,
                files=content.inputs.input_files(),
                lineage=_lineage(content.inputs.snapshot_meta),
            ),
            parameters=_parameters(content.ratios, content.seed),
            # The parquet files were hashed for the content digest already: hash only the rest.
            outputs={**data_hashes, **_file_hashes(tmp, skip={"manifest.json", *data_hashes})},
            tools={**builder.tools, "newsclaims": builder.newsclaims},
            builder=builder,
            statistics=content.stats,
            split_assignment={
                split: sorted(a.doc_id for a in content.splits if a.split == split)
                for split in sorted({a.split for a in content.splits})
            },
            changelog=_changelog_lines(content, previous),
        )
        _write(tmp, "manifest.json", manifest_bytes(manifest))
    write_changelog(releases.root)
    return final


def _review_dict(item, withheld: set[str]) -> dict:
    d = item.to_dict()
    if item.doc_id in withheld:  # the span's text is the article's: keep offsets only
        d["text"] = None
    return d


def _parameters(ratios: tuple[float, float, float], seed: str) -> ReleaseParameters:
    return ReleaseParameters(splits=list(ratios), seed=seed)


def same_inputs(release_dir: Path, content_inputs_files: dict, ratios: tuple[float, float, float], seed: str) -> bool:
    """Was this existing release built from exactly these input files and parameters?"""
    m = read_release_manifest(release_dir)
    recorded, current = dict(m.inputs.files), dict(content_inputs_files)
    if list(recorded.get("annotator_roles", {})) == [ROLES_FILE]:
        # Recorded as the whole file's digest (0.2.0): not comparable with a per-snapshot entry.
        # Roles only reach the card, which the rebuild compares byte for byte anyway.
        recorded.pop("annotator_roles")
        current.pop("annotator_roles", None)
    return recorded == current and m.parameters == _parameters(ratios, seed)


def write_changelog(releases_dir: Path) -> Path:
    """releases/CHANGELOG.md, regenerated from every release's manifest (newest first): no duplicates."""
    parts = ["# Changelog\n\nGenerated from each release's manifest.json; newest first.\n"]
    for version in reversed(release_versions(releases_dir)):
        m = read_release_manifest(releases_dir / version)
        parts.append(f"\n## {version}\n\n" + "".join(f"- {line}\n" for line in m.changelog))
        parts.append(f"- content sha256 `{m.content_sha256}`\n")
    path = releases_dir / "CHANGELOG.md"
    atomic_write_text(path, "".join(parts))
    return path


def write_data_card(releases_dir: Path, output: Path) -> str:
    """Write the newest release's card to `output` (the root DATA_CARD.md); returns its version."""
    newest = store(releases_dir).resolve(None)
    readme = (newest / "README.md").read_text(encoding="utf-8")
    atomic_write_text(output, card.root_data_card(readme, newest.name))
    return newest.name
