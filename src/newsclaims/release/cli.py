"""`newsclaims validate`, `newsclaims release --version V` and `newsclaims datacard`."""

from __future__ import annotations

import sys
from pathlib import Path

from newsclaims import paths
from newsclaims.commands import CommandGroup, opt
from newsclaims.release.splits import DEFAULT_SEED

top = CommandGroup(None)
register = top.register

INPUT_OPTIONS = (
    opt("--versions-dir", type=Path, default=None, help="corpus versions (default: corpus/versions)"),
    opt("--corpus-version", default=None, help="corpus version (default: the one named in LATEST)"),
    opt("--exports-dir", type=Path, default=None, help="annotation snapshots (default: annotation/exports)"),
    opt("--snapshot", default=None, help="snapshot id (default: the one named in LATEST)"),
    opt("--taxonomy", type=Path, default=None, help="taxonomy file (default: schemas/taxonomy.yaml)"),
)


def _inputs(
    versions_dir: Path | None,
    corpus_version: str | None,
    exports_dir: Path | None,
    snapshot: str | None,
    taxonomy: Path | None,
):
    from newsclaims.release.inputs import resolve_inputs

    return resolve_inputs(versions_dir, exports_dir, taxonomy, corpus_version, snapshot)


@top.command("validate", "Check the corpus and the annotation snapshot against the taxonomy", *INPUT_OPTIONS)
def validate(
    versions_dir: Path | None,
    corpus_version: str | None,
    exports_dir: Path | None,
    snapshot: str | None,
    taxonomy: Path | None,
) -> int:
    from newsclaims.release.validate import format_failures, validate_records

    inputs = _inputs(versions_dir, corpus_version, exports_dir, snapshot, taxonomy)
    failures = validate_records(inputs.documents, inputs.annotations, inputs.taxonomy)
    where = f"corpus {inputs.corpus_version} ({len(inputs.documents)} documents), snapshot {inputs.snapshot_id} ({len(inputs.annotations)} annotations)"
    if failures:
        print(format_failures(failures))
        print(f"\nnewsclaims: validation failed: {len(failures)} problem(s) in {where}", file=sys.stderr)
        return 1
    print(f"valid: {where}")
    return 0


@top.command(
    "release",
    "Validate, adjudicate and write releases/<V>/ (a Hugging Face dataset folder)",
    opt("--version", required=True, help="release version, e.g. 0.1.0 (an existing release is never overwritten)"),
    *INPUT_OPTIONS,
    opt("--releases-dir", type=Path, default=None, help="where releases go (default: releases)"),
    opt("--splits", default="0.8,0.1,0.1", help="train,validation,test ratios (default 0.8,0.1,0.1)"),
    opt("--seed", default=DEFAULT_SEED, help="seed of the split hash"),
    opt("--data-card", type=Path, default=None, help="also write the newest release's card here (e.g. DATA_CARD.md)"),
    opt(
        "--strict",
        action="store_true",
        help="an existing version must rebuild byte-identically, whatever builder made it (CI)",
    ),
)
def release(
    version: str,
    versions_dir: Path | None,
    corpus_version: str | None,
    exports_dir: Path | None,
    snapshot: str | None,
    taxonomy: Path | None,
    releases_dir: Path | None,
    splits: str,
    seed: str,
    data_card: Path | None,
    strict: bool,
) -> int:
    from newsclaims.release import versions
    from newsclaims.release.splits import parse_ratios

    releases = versions.store(releases_dir)
    version = versions.check_new_version(version, releases.root)
    ratios = parse_ratios(splits)
    if releases.exists(version):
        # An existing release is rebuilt from the inputs its manifest names, not from LATEST.
        from newsclaims.release.manifest import read_release_manifest

        recorded = read_release_manifest(releases.root / version).inputs
        for given, name, what in (
            (corpus_version, recorded.corpus_version, "corpus version"),
            (snapshot, recorded.snapshot_id, "snapshot"),
        ):
            if given and given != name:
                raise versions.ReleaseExistsError(
                    f"release {version} exists and was built from {what} {name}, not {given}; "
                    "releases are immutable: choose a new version"
                )
        corpus_version, snapshot = recorded.corpus_version, recorded.snapshot_id
        _require_recorded(version, versions_dir, exports_dir, corpus_version, snapshot)
        # Rebuilt with the taxonomy it was built with: the one given (or schemas/taxonomy.yaml) if it
        # is that one, else its copy kept beside it under history/ once a newer one replaced it.
        from newsclaims.schemas.taxonomy import taxonomy_file_for

        digests = recorded.files.get("taxonomy") or {}
        taxonomy = taxonomy_file_for(recorded.taxonomy_version, next(iter(digests.values()), None), taxonomy)
    inputs = _inputs(versions_dir, corpus_version, exports_dir, snapshot, taxonomy)
    if releases.exists(version):
        import dataclasses

        # Rebuilt as it was made: without annotation/annotators.yaml before it was an input (0.1.0),
        # without claim links before they were one (0.1.0, 0.2.0).
        if "annotator_roles" not in recorded.files:
            inputs = dataclasses.replace(inputs, annotator_roles={}, annotator_notes={}, roles_file=None)
        if "links" not in recorded.files:
            inputs = dataclasses.replace(inputs, with_links=False)
    busy = f"another `newsclaims release` is writing to {releases.root}; wait for it to finish, then re-run"
    with releases.writer(busy):
        return _release_locked(version, ratios, seed, data_card, inputs, releases.root, strict)


def _require_recorded(
    version: str, versions_dir: Path | None, exports_dir: Path | None, corpus_version: str, snapshot: str
) -> None:
    from newsclaims.annotation import snapshots
    from newsclaims.corpus import versions as corpus_versions
    from newsclaims.release.versions import ReleaseExistsError

    have_corpus = corpus_versions.store(versions_dir or paths.VERSIONS_DIR).exists(corpus_version)
    have_snapshot = snapshots.store(exports_dir or paths.EXPORTS_DIR).exists(snapshot)
    if not (have_corpus and have_snapshot):
        raise ReleaseExistsError(
            f"release {version} already exists, built from corpus {corpus_version} and snapshot {snapshot}, "
            "which are not all here to rebuild it from; releases are immutable: choose a new version"
        )


def _release_locked(
    version: str, ratios, seed: str, data_card: Path | None, inputs, releases_dir: Path, strict: bool = False
) -> int:
    from newsclaims.release import versions
    from newsclaims.release.build import same_inputs, write_data_card, write_release
    from newsclaims.release.content import compute_release
    from newsclaims.release.history import prior_splits

    existing = releases_dir / version
    prior = prior_splits(releases_dir, version)
    if existing.exists():
        if versions.store(releases_dir).exists(version) and same_inputs(existing, inputs.input_files(), ratios, seed):
            from newsclaims.release.rebuild import rebuild_and_compare, verdict

            content = compute_release(inputs, version, ratios, seed, prior=prior)
            code, message = verdict(rebuild_and_compare(existing, content, releases_dir), strict)
            print(message, file=sys.stderr if code else sys.stdout)
            return code
        raise versions.ReleaseExistsError(
            f"release {version} already exists ({existing}) and was built from other inputs (files or "
            "--splits/--seed differ from its manifest); releases are immutable: choose a new version "
            "(e.g. make release VERSION=x.y.z)"
        )
    content = compute_release(inputs, version, ratios, seed, prior=prior)
    out = write_release(content, releases_dir)
    counts = ", ".join(f"{c}: {sum(n.values())}" for c, n in content.stats.splits.items())
    print(f"wrote {out} ({counts}; splits {sorted({a.split for a in content.splits})})")
    if data_card:
        newest = write_data_card(releases_dir, data_card)
        print(f"wrote {data_card} (card of release {newest})")
    return 0


@top.command(
    "datacard",
    "Write DATA_CARD.md from the newest release",
    opt("--releases-dir", type=Path, default=None),
    opt("--output", type=Path, default=paths.ROOT / "DATA_CARD.md"),
)
def datacard(releases_dir: Path | None, output: Path) -> int:
    from newsclaims.release.build import write_data_card

    newest = write_data_card(releases_dir or paths.RELEASES_DIR, output)
    print(f"wrote {output} (card of release {newest})")
    return 0


@top.command(
    "hydrate",
    "Rebuild a release's withheld texts from your own copy of the raw files (checked by sha256)",
    opt("--release", required=True, help="release version (under --releases-dir) or a release folder"),
    opt("--raw", type=Path, required=True, help="your raw folder (the files the release names in raw_path)"),
    opt("--out", type=Path, required=True, help="where the full release goes (must not exist)"),
    opt("--releases-dir", type=Path, default=None),
)
def hydrate(release: str, raw: Path, out: Path, releases_dir: Path | None) -> int:
    from newsclaims.release.hydrate import hydrate as run

    n = run(_release_dir(release, releases_dir), raw, out)
    print(f"wrote {out}: {n} document text(s) restored from {raw}, every one matching its text_sha256")
    return 0


@top.command(
    "publish",
    "Upload a release folder to the Hugging Face Hub (token from HF_TOKEN; --dry-run checks offline)",
    opt("--release", required=True, help="release version (under --releases-dir) or a release folder"),
    opt("--repo-id", required=True, help="OWNER/NAME of the dataset repository"),
    opt("--dry-run", action="store_true", help="list the files and check the card metadata; send nothing"),
    opt("--releases-dir", type=Path, default=None),
)
def publish(release: str, repo_id: str, dry_run: bool, releases_dir: Path | None) -> int:
    from newsclaims.release.publish import plan_publish, upload

    plan = plan_publish(_release_dir(release, releases_dir), repo_id)
    for path, size in plan.files:
        print(f"{size:>12,}  {path}")
    print(f"{len(plan.files)} file(s), {sum(s for _, s in plan.files):,} bytes -> datasets/{plan.repo_id}")
    if plan.problems:
        print("\n".join(f"problem: {p}" for p in plan.problems), file=sys.stderr)
        print(f"newsclaims: not publishing: {len(plan.problems)} problem(s)", file=sys.stderr)
        return 1
    if dry_run:
        print("dry run: card metadata checked, nothing uploaded")
        return 0
    print(f"uploaded: {upload(plan)}")
    return 0


def _release_dir(release: str, releases_dir: Path | None) -> Path:
    from newsclaims.release import versions

    as_path = Path(release)
    if as_path.is_dir() and (as_path / versions.MANIFEST_FILE).is_file():
        return as_path
    return versions.store(releases_dir).resolve(release)
