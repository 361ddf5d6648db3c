"""`newsclaims` command line: one subcommand per stage.

Each stage's `cli.py` declares its commands as typed functions with their options beside them
(commands.py) and exposes `register(subparsers)`.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from newsclaims import __version__
from newsclaims.errors import NewsclaimsError

# The stage modules import only argparse-level code; each command imports its work when it runs.
STAGES = (
    "newsclaims.corpus.cli",
    "newsclaims.schemas.cli",
    "newsclaims.annotation.cli",
    "newsclaims.release.cli",
    "newsclaims.links.cli",
    "newsclaims.export.cli",
    "newsclaims.bench.cli",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsclaims",
        description="Build, annotate, validate and publish the newsclaims corpus.",
    )
    parser.add_argument("--version", action="version", version=f"newsclaims {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in STAGES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except NewsclaimsError as e:
        print(f"newsclaims: error: {e}", file=sys.stderr)
        return e.exit_code
    except BrokenPipeError:
        # Output piped into `head` & co.: the reader left; not an error worth a traceback.
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("newsclaims: interrupted; nothing half-written was left behind", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
