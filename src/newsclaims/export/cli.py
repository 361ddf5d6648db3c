"""`newsclaims export checkthat|claimbuster|claimreview --release X.Y.Z --out FILE`."""

from __future__ import annotations

import tempfile
from pathlib import Path

from newsclaims.commands import CommandGroup, opt

FORMATS = ("checkthat", "claimbuster", "claimreview")

export = CommandGroup(None)
register = export.register


@export.command(
    "export",
    "Write a release as CheckThat! TSV, ClaimBuster CSV or ClaimReview JSON-LD",
    opt("fmt", metavar="FORMAT", choices=FORMATS, help="the file format: %(choices)s"),
    opt("--release", required=True, help="release version (under --releases-dir) or a release folder"),
    opt("--out", type=Path, required=True, help="the file to write"),
    opt("--raw", type=Path, default=None, help="your raw folder: restore texts a licence withholds (hydrate)"),
    opt("--releases-dir", type=Path, default=None),
    opt("--crosswalk", type=Path, default=None, help="crosswalk file (default: schemas/crosswalk.yaml)"),
)
def run_export(
    fmt: str, release: str, out: Path, raw: Path | None, releases_dir: Path | None, crosswalk: Path | None
) -> int:
    from newsclaims.export.formats import EXPORTERS
    from newsclaims.export.reading import open_release
    from newsclaims.release.cli import _release_dir
    from newsclaims.schemas.crosswalk import load_crosswalk

    folder = _release_dir(release, releases_dir)
    cw = load_crosswalk(crosswalk)
    with tempfile.TemporaryDirectory(prefix="newsclaims-export-") as tmp:
        if raw is not None:
            from newsclaims.release.hydrate import hydrate

            hydrated = Path(tmp) / folder.name
            hydrate(folder, raw, hydrated)
            folder = hydrated
        result = EXPORTERS[fmt](open_release(folder), cw, out)
    skipped = f"; {result.skipped} left out (no label the crosswalk can say)" if result.skipped else ""
    print(f"wrote {result.path}: {result.written} of {result.source_rows} row(s) ({fmt}){skipped}")
    return 0
