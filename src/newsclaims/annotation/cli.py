"""`newsclaims annotate ...`: Label Studio server, push, pull, seed import.

Each module listed here exposes `add_subcommand(subparsers)`; a module not written yet is skipped.
"""

from __future__ import annotations

import importlib

SUBCOMMAND_MODULES = (
    "newsclaims.annotation.server",  # annotate server start|stop|status
    "newsclaims.annotation.push",  # annotate push
    "newsclaims.annotation.pull",  # annotate pull
    "newsclaims.annotation.seed",  # annotate import-seed
    "newsclaims.annotation.invite",  # annotate invite
    "newsclaims.annotation.status",  # annotate status
    "newsclaims.annotation.conflicts",  # annotate conflicts
    "newsclaims.annotation.ground_truth",  # annotate ground-truth ID
    "newsclaims.annotation.migrate",  # annotate migrate --snapshot S --to-corpus V
)


def register(subparsers) -> None:
    parser = subparsers.add_parser("annotate", help="Label Studio: server, push tasks, pull annotations")
    sub = parser.add_subparsers(dest="annotate_command", metavar="ACTION", required=True)
    for name in SUBCOMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as e:
            if e.name == name:
                continue
            raise
        module.add_subcommand(sub)
