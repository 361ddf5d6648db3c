"""One convention for every subcommand: a typed function with its options declared beside it.

A stage's `cli.py` makes a `CommandGroup` and decorates plain functions, Prodigy-recipe style:

    annotate = CommandGroup("annotate", "Label Studio: ...")

    @annotate.command("invite", "print the sign-up link", opt("--project", default="newsclaims"))
    def invite(project: str) -> int:
        from newsclaims.annotation.invite import invite_link  # heavy imports only when run
        ...

The function is called with the parsed options as keyword arguments (by their `dest`), and its
return value is the exit code. All argparse code lives here and in the stage `cli.py` modules;
the library modules they call know nothing of the command line. Imports inside the functions keep
`newsclaims --help` from loading the SDK, pandas or scipy.
"""

from __future__ import annotations

import argparse
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

CommandFunc = Callable[..., int]


@dataclass(frozen=True)
class Option:
    """The arguments of one `ArgumentParser.add_argument` call."""

    flags: tuple[str, ...]
    kwargs: dict[str, Any]


def opt(*flags: str, **kwargs: Any) -> Option:
    return Option(flags, kwargs)


@dataclass(frozen=True)
class Command:
    name: str
    help: str
    options: tuple[Option, ...]
    func: CommandFunc
    description: str | None = None
    epilog: str | None = None  # shown as written (line breaks kept)

    def __call__(self, args: argparse.Namespace) -> int:
        params = inspect.signature(self.func).parameters
        return int(self.func(**{name: getattr(args, name) for name in params}) or 0)


@dataclass
class CommandGroup:
    """Subcommands under one name (`annotate`, `corpus`, ...); `name=None` adds them at the top level."""

    name: str | None
    help: str = ""
    commands: list[Command | CommandGroup] = field(default_factory=list)

    def command(
        self, name: str, help: str, *options: Option, description: str | None = None, epilog: str | None = None
    ) -> Callable[[CommandFunc], CommandFunc]:
        def decorate(func: CommandFunc) -> CommandFunc:
            self.commands.append(Command(name, help, options, func, description, epilog))
            return func

        return decorate

    def group(self, name: str, help: str) -> CommandGroup:
        sub = CommandGroup(name, help)
        self.commands.append(sub)
        return sub

    def register(self, subparsers: Any) -> Any:
        """Add this group's parsers to `subparsers` (an `add_subparsers()` action); returns the
        action its commands were added to."""
        target = subparsers
        if self.name is not None:
            parser = subparsers.add_parser(self.name, help=self.help, description=self.help)
            target = parser.add_subparsers(dest=f"{self.name}_command", metavar="ACTION", required=True)
        for item in self.commands:
            if isinstance(item, CommandGroup):
                item.register(target)
                continue
            parser = target.add_parser(
                item.name,
                help=item.help,
                description=item.description or item.help,
                epilog=item.epilog,
                formatter_class=argparse.RawDescriptionHelpFormatter if item.epilog else argparse.HelpFormatter,
            )
            for option in item.options:
                parser.add_argument(*option.flags, **option.kwargs)
            parser.set_defaults(func=item)
        return target
