"""`newsclaims schemas generate [--check]`: write the files generated from the taxonomy."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from newsclaims.errors import NewsclaimsError
from newsclaims.fsutil import atomic_write_text
from newsclaims.paths import LABEL_CONFIG_FILE, TAXONOMY_FILE
from newsclaims.schemas.labelstudio import render_label_config
from newsclaims.schemas.taxonomy import TaxonomyError, load_taxonomy


class StaleGeneratedFileError(NewsclaimsError):
    exit_code = 1


def register(subparsers) -> None:
    parser = subparsers.add_parser("schemas", help="Files generated from schemas/taxonomy.yaml")
    sub = parser.add_subparsers(dest="schemas_command", metavar="ACTION", required=True)
    gen = sub.add_parser("generate", help="Write annotation/label_config.xml from the taxonomy")
    gen.add_argument("--taxonomy", type=Path, default=TAXONOMY_FILE, help="taxonomy YAML (default: %(default)s)")
    gen.add_argument("--out", type=Path, default=LABEL_CONFIG_FILE, help="output XML (default: %(default)s)")
    gen.add_argument("--check", action="store_true", help="write nothing; exit 1 if the output is stale")
    gen.set_defaults(func=generate)


def generate(args: argparse.Namespace) -> int:
    try:
        xml = render_label_config(load_taxonomy(args.taxonomy))
    except TaxonomyError as e:
        raise NewsclaimsError(str(e)) from None
    out: Path = args.out
    current = out.read_text(encoding="utf-8") if out.is_file() else None
    if current == xml:
        print(f"{out}: up to date")
        return 0
    if args.check:
        raise StaleGeneratedFileError(f"{out} is stale: run `newsclaims schemas generate`")
    atomic_write_text(out, xml)
    print(f"{out}: written", file=sys.stdout)
    return 0
