"""`newsclaims annotate migrate-taxonomy`: annotations made under an older taxonomy, under the current one."""

from __future__ import annotations

from pathlib import Path

from newsclaims.commands import CommandGroup, opt
from newsclaims.paths import EXPORTS_DIR, VERSIONS_DIR

commands = CommandGroup(None)  # added to `annotate` by annotation/cli.py


@commands.command(
    "migrate-taxonomy",
    "migrate a snapshot (or the seed file) to the current taxonomy by schemas/migrations/",
    opt("--snapshot", default=None, help="the snapshot to migrate (default: the newest; it is never changed)"),
    opt("--exports-dir", type=Path, default=EXPORTS_DIR, help="snapshots directory (default annotation/exports)"),
    opt("--out", type=Path, default=None, help="where the new snapshot goes (default: --exports-dir)"),
    opt("--taxonomy", type=Path, default=None, help="the current taxonomy (default schemas/taxonomy.yaml)"),
    opt(
        "--seed-file",
        type=Path,
        default=None,
        help="migrate this seed annotation file in place instead (e.g. annotation/seed/seed_annotations.yaml)",
    ),
    opt(
        "--versions-dir", type=Path, default=VERSIONS_DIR, help="corpus versions (the seed file resolves in the newest)"
    ),
    description="Writes a new immutable snapshot whose migration.jsonl records every entity and claim: its "
    "mapping (exact, lossy, or listed for re-annotation when a value cannot be derived) and every span "
    "boundary moved to the current span rules. Re-running it writes nothing new.",
)
def migrate_taxonomy(
    snapshot: str | None,
    exports_dir: Path,
    out: Path | None,
    taxonomy: Path | None,
    seed_file: Path | None,
    versions_dir: Path,
) -> int:
    if seed_file is not None:
        from newsclaims.annotation.seed_migrate import migrate_seed_file

        print(migrate_seed_file(seed_file, versions_dir=versions_dir, taxonomy_file=taxonomy).summary())
        return 0
    from newsclaims.annotation.migrate_taxonomy import AlreadyMigratedError, migrate_snapshot_taxonomy

    try:
        result = migrate_snapshot_taxonomy(snapshot, exports_dir=exports_dir, taxonomy_file=taxonomy, out_dir=out)
    except AlreadyMigratedError as e:
        print(f"unchanged: {e}")
        return 0
    print(result.summary())
    return 0
