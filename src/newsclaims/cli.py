"""`newsclaims` command line: one subcommand per stage.

Each stage module exposes `register(subparsers)`, adding its subcommand(s) with a `func`
default that takes the parsed args and returns an exit code.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from newsclaims import __version__
from newsclaims.errors import NewsclaimsError

# (module, what it adds). Modules are imported lazily so `newsclaims --help` stays fast.
STAGES = (
    "newsclaims.corpus.cli",
    "newsclaims.schemas.cli",
    "newsclaims.annotation.cli",
    "newsclaims.release.cli",
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
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as e:
            if e.name == name:  # stage not written yet
                continue
            raise
        module.register(sub)
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
