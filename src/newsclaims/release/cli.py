"""`newsclaims validate`, `newsclaims release --version V` and `newsclaims datacard`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from newsclaims import paths
from newsclaims.errors import NewsclaimsError
from newsclaims.release import versions
from newsclaims.release.splits import DEFAULT_SEED, parse_ratios


def _add_input_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--versions-dir", type=Path, default=None, help="corpus versions (default: corpus/versions)")
    p.add_argument("--corpus-version", default=None, help="corpus version (default: the one named in LATEST)")
    p.add_argument("--exports-dir", type=Path, default=None, help="annotation snapshots (default: annotation/exports)")
    p.add_argument("--snapshot", default=None, help="snapshot id (default: the one named in LATEST)")
    p.add_argument("--taxonomy", type=Path, default=None, help="taxonomy file (default: schemas/taxonomy.yaml)")


def _inputs(args):
    from newsclaims.release.inputs import resolve_inputs

    return resolve_inputs(args.versions_dir, args.exports_dir, args.taxonomy, args.corpus_version, args.snapshot)


def run_validate(args) -> int:
    from newsclaims.release.validate import format_failures, validate_records

    inputs = _inputs(args)
    failures = validate_records(inputs.documents, inputs.annotations, inputs.taxonomy)
    where = f"corpus {inputs.corpus_version} ({len(inputs.documents)} documents), snapshot {inputs.snapshot_id} ({len(inputs.annotations)} annotations)"
    if failures:
        print(format_failures(failures))
        print(f"\nnewsclaims: validation failed: {len(failures)} problem(s) in {where}", file=sys.stderr)
        return 1
    print(f"valid: {where}")
    return 0


def run_release(args) -> int:
    releases = versions.store(args.releases_dir)
    version = versions.check_new_version(args.version, releases.root)
    ratios = parse_ratios(args.splits)
    inputs = _inputs(args)
    busy = f"another `newsclaims release` is writing to {releases.root}; wait for it to finish, then re-run"
    with releases.writer(busy):
        return _release_locked(args, version, ratios, inputs, releases.root)


def _release_locked(args, version, ratios, inputs, releases_dir: Path) -> int:
    from newsclaims.release.build import same_inputs, write_data_card, write_release
    from newsclaims.release.content import compute_release

    existing = releases_dir / version
    if existing.exists():
        if versions.store(releases_dir).exists(version) and same_inputs(existing, inputs.input_files(), ratios,
                                                                         args.seed):
            return _verify_existing(existing, compute_release(inputs, version, ratios, args.seed), releases_dir)
        raise versions.ReleaseExistsError(
            f"release {version} already exists ({existing}) and was built from other inputs; "
            "releases are immutable: choose a new version (e.g. make release VERSION=x.y.z)"
        )
    content = compute_release(inputs, version, ratios, args.seed)
    out = write_release(content, releases_dir)
    counts = ", ".join(f"{c}: {sum(n.values())}" for c, n in content.stats.splits.items())
    print(f"wrote {out} ({counts}; splits {sorted({a.split for a in content.splits})})")
    if args.data_card:
        newest = write_data_card(releases_dir, args.data_card)
        print(f"wrote {args.data_card} (card of release {newest})")
    return 0


def _verify_existing(existing: Path, content, releases_dir: Path) -> int:
    """Same inputs as an existing release: rebuild aside and prove the data is still what it holds.

    The existing folder is never touched; a mismatch means the code now builds other data from the
    same inputs, which deserves a new version rather than a silent difference.
    """
    import tempfile

    from newsclaims.release.build import write_release
    from newsclaims.release.manifest import read_release_manifest

    with tempfile.TemporaryDirectory(prefix=f".{existing.name}.partial-verify-", dir=releases_dir) as scratch:
        rebuilt = read_release_manifest(write_release(content, Path(scratch))).content_sha256
    recorded = read_release_manifest(existing).content_sha256
    if rebuilt != recorded:
        raise NewsclaimsError(
            f"release {existing.name} was built from these same inputs, but this code now builds different "
            f"data from them (content sha256 {rebuilt[:12]} vs {recorded[:12]}); releases are immutable: "
            "choose a new version (make release VERSION=x.y.z)"
        )
    print(f"release {existing.name} is up to date: rebuilt from its inputs, same content sha256 {recorded[:12]}; nothing written")
    return 0


def run_datacard(args) -> int:
    from newsclaims.release.build import write_data_card

    newest = write_data_card(args.releases_dir or paths.RELEASES_DIR, args.output)
    print(f"wrote {args.output} (card of release {newest})")
    return 0


def register(subparsers) -> None:
    v = subparsers.add_parser("validate", help="Check the corpus and the annotation snapshot against the taxonomy")
    _add_input_options(v)
    v.set_defaults(func=run_validate)

    r = subparsers.add_parser(
        "release", help="Validate, adjudicate and write releases/<V>/ (a Hugging Face dataset folder)"
    )
    r.add_argument(
        "--version", required=True, help="release version, e.g. 0.1.0 (an existing release is never overwritten)"
    )
    _add_input_options(r)
    r.add_argument("--releases-dir", type=Path, default=None, help="where releases go (default: releases)")
    r.add_argument("--splits", default="0.8,0.1,0.1", help="train,validation,test ratios (default 0.8,0.1,0.1)")
    r.add_argument("--seed", default=DEFAULT_SEED, help="seed of the split hash")
    r.add_argument(
        "--data-card", type=Path, default=None, help="also write the newest release's card here (e.g. DATA_CARD.md)"
    )
    r.set_defaults(func=run_release)

    c = subparsers.add_parser("datacard", help="Write DATA_CARD.md from the newest release")
    c.add_argument("--releases-dir", type=Path, default=None)
    c.add_argument("--output", type=Path, default=paths.ROOT / "DATA_CARD.md")
    c.set_defaults(func=run_datacard)
