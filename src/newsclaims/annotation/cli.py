"""`newsclaims annotate ...`: the Label Studio server, push, pull, and the annotation round.

Each command is a typed function with its options beside it (commands.py); the work happens in
the modules it imports when it runs, so `newsclaims --help` never loads the SDK.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from newsclaims.annotation import migrate_cli
from newsclaims.annotation.defaults import DEFAULT_BATCH_BYTES, DEFAULT_PROJECT, PLACEHOLDER_DOMAIN
from newsclaims.annotation.server_cli import server
from newsclaims.annotation.server_state import PULL_CHUNK_TASKS, PULL_RESUME_DIR
from newsclaims.commands import CommandGroup, opt
from newsclaims.errors import NewsclaimsError
from newsclaims.paths import ANNOTATION_DIR, EXPORTS_DIR, VERSIONS_DIR

annotate = CommandGroup("annotate", "Label Studio: server, push tasks, pull annotations")
annotate.commands.append(server)  # start, stop, status, backup, restore: server_cli.py
annotate.commands += migrate_cli.commands.commands  # migrate-taxonomy: migrate_cli.py

PROJECT = opt("--project", default=DEFAULT_PROJECT, help="project title (default: %(default)s)")

register = annotate.register


@annotate.command(
    "push",
    "Upsert one Label Studio task per corpus document (idempotent)",
    opt("--corpus", metavar="V", help="corpus version (default: the latest)"),
    opt("--versions-dir", type=Path, default=VERSIONS_DIR, help="default: %(default)s"),
    PROJECT,
    opt("--batch-bytes", type=int, default=DEFAULT_BATCH_BYTES, help="max bytes per import POST"),
    opt("--no-predictions", action="store_true", help="don't upload pre-annotations"),
    opt(
        "--overlap",
        type=int,
        metavar="N",
        default=None,
        help="annotators per task in the label stream (default: what the project has; 1 when new)",
    ),
    opt(
        "--full-check",
        action="store_true",
        help="list every task even when the push ledger says nothing changed since the last push",
    ),
    opt(
        "--migration-report",
        type=Path,
        default=None,
        metavar="FILE",
        help="where re-anchored spans are listed (default annotation/migrations/<project>-<V>.jsonl)",
    ),
)
def push(
    corpus: str | None,
    versions_dir: Path,
    project: str,
    batch_bytes: int,
    no_predictions: bool,
    overlap: int | None,
    full_check: bool,
    migration_report: Path | None,
) -> int:
    from newsclaims.annotation.client import connect
    from newsclaims.annotation.push import push as push_documents
    from newsclaims.annotation.push_migration import finish_report
    from newsclaims.annotation.snapshots import slugify
    from newsclaims.corpus.versions import latest_version, load_documents

    version = corpus or latest_version(versions_dir)
    if version is None:
        raise NewsclaimsError(f"no corpus version in {versions_dir}: run `make corpus` first")
    documents = list(load_documents(version, versions_dir))  # fails early on a bad version
    if batch_bytes <= 0:
        raise NewsclaimsError("--batch-bytes must be positive")
    report = migration_report or ANNOTATION_DIR / "migrations" / f"{slugify(project)}-{version}.jsonl"
    summary = push_documents(
        connect(),
        documents,
        version,
        project,
        batch_bytes=batch_bytes,
        preannotate=not no_predictions,
        full_check=full_check,
        overlap=overlap,
        migration_report=report,
    )
    print("\n".join(summary.lines()))
    if summary.migrated:
        print(f"  every re-anchored span ({finish_report(report)} rows): {report}")
    if summary.drifted or summary.duplicates_annotated:
        print("push finished with warnings (see above)", file=sys.stderr)
    return 0


@annotate.command("invite", "print the link annotators sign up with (open sign-up stays closed)")
def invite() -> int:
    from newsclaims.annotation.client import connect
    from newsclaims.annotation.invite import invite_link

    print(invite_link(connect()))
    return 0


@annotate.command(
    "ground-truth",
    "mark the adjudicated annotation of a task as its ground truth",
    opt("annotation", type=int, metavar="ANNOTATION_ID", help="the id on the annotation's tab"),
    PROJECT,
    opt("--unset", action="store_true", help="clear the flag instead"),
)
def ground_truth(annotation: int, project: str, unset: bool) -> int:
    from newsclaims.annotation.client import connect
    from newsclaims.annotation.ground_truth import mark_ground_truth

    task = mark_ground_truth(connect(), project, annotation, value=not unset)
    state = "no longer" if unset else "now"
    print(f"annotation {annotation} of task {task} is {state} the ground truth; pull again to take it as gold")
    return 0


@annotate.command(
    "pull",
    "export annotations from Label Studio into a pseudonymized snapshot",
    PROJECT,
    opt("--out", type=Path, default=EXPORTS_DIR, help="snapshots directory (default annotation/exports)"),
    opt("--versions-dir", type=Path, default=VERSIONS_DIR, help="corpus versions directory"),
    opt("--pseudonyms", type=Path, default=None, help="pseudonym map (default .labelstudio/pseudonyms.json)"),
    opt(
        "--chunk-size",
        type=int,
        default=PULL_CHUNK_TASKS,
        help="tasks per export request; a larger project is exported in chunks (default: %(default)s)",
    ),
    opt(
        "--resume-dir",
        type=Path,
        default=PULL_RESUME_DIR,
        help="where downloaded chunks wait for a resumed pull (default .labelstudio/pull-chunks)",
    ),
    opt("--no-progress", dest="progress", action="store_false", help="no progress bar"),
    description="Export the project through the snapshot API (in chunks of task ids, resumable: re-run an "
    "interrupted pull), pseudonymize annotators, check every offset against the corpus text and write "
    "annotation/exports/<snapshot_id>/ (nothing if unchanged).",
)
def pull(
    project: str,
    out: Path,
    versions_dir: Path,
    pseudonyms: Path | None,
    chunk_size: int,
    resume_dir: Path,
    progress: bool,
) -> int:
    from newsclaims.annotation.client import connect
    from newsclaims.annotation.pseudonymize import PSEUDONYMS_FILE
    from newsclaims.annotation.pull import ExportOptions
    from newsclaims.annotation.pull import pull as pull_snapshot
    from newsclaims.annotation.pull_progress import ChunkProgress
    from newsclaims.annotation.push_migration import REVIEW_FIELD

    with ChunkProgress(enabled=progress) as bar:
        result = pull_snapshot(
            connect(),
            project,
            exports_dir=out,
            versions_dir=versions_dir,
            pseudonyms_file=pseudonyms or PSEUDONYMS_FILE,
            export=ExportOptions(chunk_size=chunk_size, resume_dir=resume_dir, on_chunk=bar.update),
        )
    if bar.reused:
        print(f"resumed: {bar.reused} chunk(s) of an interrupted pull reused (nothing changed on the server since)")
    c = result.counts
    snap = result.snapshot
    if result.corpus.missing_versions:
        missing = ", ".join(sorted(result.corpus.missing_versions))
        print(
            f"warning: corpus version(s) {missing} not found in {versions_dir}; offsets of "
            f"{len(result.corpus.from_task)} document(s) were checked against the task text instead"
        )
    print(
        f"{c['tasks']} tasks, {c['annotations']} annotations by {c['annotators']} annotator(s): "
        f"{c['entities']} entity spans, {c['claims']} claims, {c['said_by']} said_by links; skipped "
        f"{c['skipped_cancelled']} cancelled, {c['skipped_drafts']} drafts, {c['skipped_predictions']} predictions"
    )
    if c["needs_review"]:
        print(
            f"warning: {c['needs_review']} task(s) were re-anchored to a changed text and not updated since; "
            f"filter the data manager on `{REVIEW_FIELD}` and check them before a release"
        )
    if result.conflicts:
        print(
            f"{len(result.conflicts)} document(s) where annotators disagree: `newsclaims annotate conflicts "
            f"--project {project!r}` lists them"
        )
    if snap.written:
        print(f"wrote snapshot {snap.snapshot_id} to {snap.path}")
    else:
        print(f"unchanged: snapshot {snap.snapshot_id} already holds this export; nothing written")
    return 0


@annotate.command(
    "import-seed",
    "import the maintainers' seed annotations (YAML) into Label Studio",
    opt("file", type=Path, metavar="FILE", help="e.g. annotation/seed/seed_annotations.yaml"),
    PROJECT,
    opt(
        "--annotator-email",
        default=None,
        help=f"email of the annotator's account (default <annotator>@{PLACEHOLDER_DOMAIN})",
    ),
    opt("--versions-dir", type=Path, default=VERSIONS_DIR, help="corpus versions directory"),
    description="Resolve every span of FILE in the pushed task texts and create one annotation per document by "
    "the seed annotator's Label Studio account (re-runs create nothing new).",
)
def import_seed(file: Path, project: str, annotator_email: str | None, versions_dir: Path) -> int:
    from newsclaims.annotation.client import connect
    from newsclaims.annotation.seed import import_seed as import_seed_file
    from newsclaims.annotation.seed_file import load_seed_file

    seed = load_seed_file(file)  # checked against the project's taxonomy (schemas/taxonomy.yaml)
    out = import_seed_file(connect(), seed, project, annotator_email=annotator_email, versions_dir=versions_dir)
    print(
        f"{len(out.created)} annotation(s) created, {len(out.already)} already there, "
        f"{len(out.conflicts)} left as is (annotated differently)"
    )
    for msg in out.conflicts:
        print(f"  {msg}")
    return 1 if out.conflicts else 0


@annotate.command(
    "status",
    "progress of the annotation round, per annotator, and agreement so far",
    PROJECT,
    opt("--json", action="store_true", dest="as_json", help="the same figures as JSON"),
    opt("--versions-dir", type=Path, default=VERSIONS_DIR, help="corpus versions directory"),
    opt(
        "--pseudonyms",
        type=Path,
        default=None,
        help="pseudonym map shared with `annotate pull` (default .labelstudio/pseudonyms.json)",
    ),
)
def status(project: str, as_json: bool, versions_dir: Path, pseudonyms: Path | None) -> int:
    from newsclaims.annotation.client import connect
    from newsclaims.annotation.pseudonymize import PSEUDONYMS_FILE
    from newsclaims.annotation.status import format_status, round_status

    state = round_status(connect(), project, versions_dir=versions_dir, pseudonyms_file=pseudonyms or PSEUDONYMS_FILE)
    print(json.dumps(state.to_dict(), indent=2, sort_keys=True) if as_json else format_status(state))
    return 0


@annotate.command(
    "conflicts",
    "documents where annotators disagree, from the newest pull",
    PROJECT,
    opt("--exports-dir", type=Path, default=EXPORTS_DIR, help="snapshots directory (default annotation/exports)"),
    opt("--json", action="store_true", dest="as_json", help="one JSON object per conflicting document"),
)
def conflicts(project: str, exports_dir: Path, as_json: bool) -> int:
    from newsclaims.annotation.conflicts import format_conflicts, snapshot_conflicts
    from newsclaims.annotation.settings import load_settings

    meta, found = snapshot_conflicts(project, exports_dir)
    try:
        base_url = load_settings().url
    except NewsclaimsError:  # no server configured: relative links still say which task
        base_url = ""
    if as_json:
        for c in found:
            print(
                json.dumps(
                    {**c.to_dict(), "link": c.link(meta.project_id, base_url)}, sort_keys=True, ensure_ascii=False
                )
            )
    else:
        print(f"snapshot {meta.snapshot_id} (pulled {meta.pulled_at}):")
        print(format_conflicts(found, meta.project_id, base_url))
    return 0


@annotate.command(
    "migrate",
    "re-anchor a snapshot's annotations to another corpus version",
    opt("--snapshot", required=True, help="the snapshot to migrate (it is never changed)"),
    opt("--to-corpus", required=True, metavar="V", help="the corpus version to re-anchor to"),
    opt("--versions-dir", type=Path, default=VERSIONS_DIR, help="corpus versions directory"),
    opt("--exports-dir", type=Path, default=EXPORTS_DIR, help="snapshots directory (default annotation/exports)"),
    opt("--out", type=Path, default=None, help="where the new snapshot goes (default: --exports-dir)"),
)
def migrate(snapshot: str, to_corpus: str, versions_dir: Path, exports_dir: Path, out: Path | None) -> int:
    from newsclaims.annotation.migrate import migrate_snapshot

    result = migrate_snapshot(snapshot, to_corpus, exports_dir=exports_dir, versions_dir=versions_dir, out_dir=out)
    print(result.summary())
    return 0
