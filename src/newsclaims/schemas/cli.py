"""`newsclaims schemas generate [--check]`: write the files generated from the taxonomy."""

from __future__ import annotations

import sys
from pathlib import Path

from newsclaims.commands import CommandGroup, opt
from newsclaims.errors import NewsclaimsError
from newsclaims.fsutil import atomic_write_text
from newsclaims.paths import LABEL_CONFIG_FILE, TAXONOMY_FILE


class StaleGeneratedFileError(NewsclaimsError):
    exit_code = 1


schemas = CommandGroup("schemas", "Files generated from schemas/taxonomy.yaml")
register = schemas.register


@schemas.command(
    "generate",
    "Write annotation/label_config.xml from the taxonomy",
    opt("--taxonomy", type=Path, default=TAXONOMY_FILE, help="taxonomy YAML (default: %(default)s)"),
    opt("--out", type=Path, default=LABEL_CONFIG_FILE, help="output XML (default: %(default)s)"),
    opt("--check", action="store_true", help="write nothing; exit 1 if the output is stale"),
)
def generate(taxonomy: Path, out: Path, check: bool) -> int:
    from newsclaims.schemas.labelstudio import render_label_config
    from newsclaims.schemas.taxonomy import TaxonomyError, load_taxonomy

    try:
        xml = render_label_config(load_taxonomy(taxonomy))
    except TaxonomyError as e:
        raise NewsclaimsError(str(e)) from None
    current = out.read_text(encoding="utf-8") if out.is_file() else None
    if current == xml:
        print(f"{out}: up to date")
        return 0
    if check:
        raise StaleGeneratedFileError(f"{out} is stale: run `newsclaims schemas generate`")
    atomic_write_text(out, xml)
    print(f"{out}: written", file=sys.stdout)
    return 0
