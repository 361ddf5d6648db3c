"""`newsclaims links ...`: propose cross-report claim links, push them as pairwise tasks, pull the answers.

Each command is a typed function with its options beside it (commands.py); the model, the SDK
and the release code are imported only when a command runs.
"""

from __future__ import annotations

from pathlib import Path

from newsclaims.commands import CommandGroup, opt
from newsclaims.errors import NewsclaimsError
from newsclaims.paths import ANNOTATION_DIR, EXPORTS_DIR, VERSIONS_DIR

links = CommandGroup("links", "The same claim in several reports: propose, push, pull")
register = links.register

LINKS_DIR = ANNOTATION_DIR / "links"
PROJECT = opt("--project", default="newsclaims-links", help="pairwise project title (default: %(default)s)")
PROPOSALS = opt("--proposals", type=Path, default=LINKS_DIR / "proposals.json", help="default: %(default)s")
LINK_EXPORTS = opt("--link-exports", type=Path, default=LINKS_DIR / "exports", help="default: %(default)s")


@links.command(
    "propose",
    "Score claim pairs across the reports of each story group and write the proposals",
    opt("--corpus", metavar="V", help="corpus version (default: the latest)"),
    opt("--snapshot", metavar="S", help="annotation snapshot (default: the latest)"),
    opt("--versions-dir", type=Path, default=VERSIONS_DIR, help="default: %(default)s"),
    opt("--exports-dir", type=Path, default=EXPORTS_DIR, help="default: %(default)s"),
    opt("--threshold", type=float, default=None, help="fix the link threshold (default: best F1 on confirmed links)"),
    opt("--out", type=Path, default=LINKS_DIR / "proposals.json", help="default: %(default)s"),
    LINK_EXPORTS,
)
def propose(
    corpus: str | None,
    snapshot: str | None,
    versions_dir: Path,
    exports_dir: Path,
    threshold: float | None,
    out: Path,
    link_exports: Path,
) -> int:
    from newsclaims.links.embed import MODEL_NAME, encode
    from newsclaims.links.inputs import load_claims, newest_answers, write_proposals
    from newsclaims.links.propose import (
        CANDIDATE_FLOOR,
        DEFAULT_THRESHOLD,
        WEIGHTS,
        choose_threshold,
        evaluate,
        score_pairs,
    )
    from newsclaims.links.records import ProposalSet
    from newsclaims.schemas.links import load_link_schema

    inputs = load_claims(corpus, snapshot, versions_dir, exports_dir)
    scored = score_pairs(inputs.stories, encode)
    applied = newest_answers(inputs.claims, load_link_schema(), link_exports, inputs.snapshot_dir)
    chosen = choose_threshold(scored.proposals, applied.same) if threshold is None else None
    if chosen is not None:
        note = chosen.note(f"{len(applied.verdicts)} confirmed pairs ({len(applied.same)} same claim)")
        threshold = chosen.threshold
    elif threshold is not None:
        note = f"threshold {threshold} given on the command line"
        if applied.same:
            note += "; " + evaluate(scored.proposals, applied.same, threshold).note("the confirmed pairs")
    else:
        threshold, note = DEFAULT_THRESHOLD, f"default threshold {DEFAULT_THRESHOLD}: no confirmed links yet"
    write_proposals(
        ProposalSet(
            corpus_version=inputs.corpus_version,
            snapshot_id=inputs.snapshot_id,
            model=MODEL_NAME,
            weights=dict(WEIGHTS),
            threshold=threshold,
            candidate_floor=CANDIDATE_FLOOR,
            threshold_note=note,
            groups=scored.groups,
            pairs_compared=scored.pairs_compared,
            proposals=scored.proposals,
        ),
        out,
    )
    linked = sum(p.score >= threshold for p in scored.proposals)
    print(
        f"{scored.pairs_compared} pairs compared in {scored.groups} story group(s) with two or more reports; "
        f"{len(scored.proposals)} candidates >= {CANDIDATE_FLOOR}, {linked} proposed links -> {out}"
    )
    print(f"  {note}")
    for line in applied.stale:
        print(f"  stale: {line}")
    return 0


@links.command(
    "push",
    "Send the proposals to the pairwise Label Studio project (idempotent)",
    PROPOSALS,
    PROJECT,
    opt("--min-score", type=float, default=None, help="push pairs scoring at least this (default: every candidate)"),
    opt("--versions-dir", type=Path, default=VERSIONS_DIR, help="default: %(default)s"),
    opt("--exports-dir", type=Path, default=EXPORTS_DIR, help="default: %(default)s"),
)
def push(proposals: Path, project: str, min_score: float | None, versions_dir: Path, exports_dir: Path) -> int:
    from newsclaims.annotation.client import connect
    from newsclaims.links.inputs import load_claims, read_proposals
    from newsclaims.links.push import push_pairs
    from newsclaims.schemas.links import load_link_schema

    found = read_proposals(proposals)
    inputs = load_claims(found.corpus_version, found.snapshot_id, versions_dir, exports_dir)
    chosen = [p for p in found.proposals if min_score is None or p.score >= min_score]
    result = push_pairs(
        connect(),
        chosen,
        inputs.claims,
        corpus_version=found.corpus_version,
        snapshot_id=found.snapshot_id,
        schema=load_link_schema(),
        project_title=project,
    )
    print(
        f"project {project!r} (id {result.project_id}): {len(result.created)} pair task(s) created, {len(result.existing)} already there"
    )
    return 0


@links.command(
    "pull",
    "Pull the pairwise answers into a pseudonymized, immutable link snapshot",
    PROJECT,
    opt("--out", type=Path, default=LINKS_DIR / "exports", help="link snapshots directory (default: %(default)s)"),
    opt("--versions-dir", type=Path, default=VERSIONS_DIR, help="default: %(default)s"),
    opt("--exports-dir", type=Path, default=EXPORTS_DIR, help="default: %(default)s"),
    opt("--pseudonyms", type=Path, default=None, help="pseudonym registry (default: .labelstudio/pseudonyms.json)"),
)
def pull(project: str, out: Path, versions_dir: Path, exports_dir: Path, pseudonyms: Path | None) -> int:
    from newsclaims.annotation.client import connect
    from newsclaims.annotation.pseudonymize import PSEUDONYMS_FILE
    from newsclaims.links.inputs import load_claims, newest_answers
    from newsclaims.links.pull import pull_links
    from newsclaims.schemas.links import load_link_schema

    schema = load_link_schema()
    result = pull_links(connect(), project, schema, exports_dir=out, pseudonyms_file=pseudonyms or PSEUDONYMS_FILE)
    verb = "written" if result.snapshot.written else "unchanged, already"
    counts = ", ".join(f"{k} {v}" for k, v in sorted(result.counts.items()))
    print(f"link snapshot {result.snapshot.snapshot_id} {verb} at {result.snapshot.path} ({counts})")
    inputs = load_claims(None, None, versions_dir, exports_dir)
    applied = newest_answers(inputs.claims, schema, out, inputs.snapshot_dir)
    print(
        f"  against corpus {inputs.corpus_version} / snapshot {inputs.snapshot_id}: {len(applied.verdicts)} pair verdict(s), "
        f"{len(applied.same)} same claim, {len(applied.stale)} stale answer(s) not applied"
    )
    for line in applied.stale:
        print(f"  stale: {line}")
    return 0


@links.command(
    "import-seed",
    "Enter the maintainers' judgements of the seed pairs into the pairwise project",
    opt("file", type=Path, help="e.g. annotation/links/seed_links.yaml"),
    PROJECT,
    PROPOSALS,
    opt("--versions-dir", type=Path, default=VERSIONS_DIR, help="default: %(default)s"),
    opt("--exports-dir", type=Path, default=EXPORTS_DIR, help="default: %(default)s"),
)
def import_seed(file: Path, project: str, proposals: Path, versions_dir: Path, exports_dir: Path) -> int:
    from newsclaims.annotation.client import connect
    from newsclaims.links.seed import import_seed_links

    done = import_seed_links(connect(), file, project, proposals, versions_dir, exports_dir)
    print(
        f"{len(done.created)} answer(s) created, {len(done.already)} already there, {len(done.added_tasks)} task(s) added"
    )
    return 0


@links.command(
    "config",
    "Write (or --check) annotation/links/label_config.xml from schemas/links.yaml",
    opt("--check", action="store_true", help="write nothing; exit 1 if stale"),
)
def config(check: bool) -> int:
    from newsclaims.fsutil import atomic_write_text
    from newsclaims.schemas.links import LINKS_CONFIG_FILE, load_link_schema, render_link_config

    xml = render_link_config(load_link_schema())
    current = LINKS_CONFIG_FILE.read_text(encoding="utf-8") if LINKS_CONFIG_FILE.is_file() else None
    if current == xml:
        print(f"{LINKS_CONFIG_FILE}: up to date")
        return 0
    if check:
        raise NewsclaimsError(f"{LINKS_CONFIG_FILE} is stale: run `newsclaims links config`")
    atomic_write_text(LINKS_CONFIG_FILE, xml)
    print(f"{LINKS_CONFIG_FILE}: written")
    return 0
