"""Errors a user can act on. The CLI prints their message (no traceback) and exits non-zero."""


class NewsclaimsError(Exception):
    """Base for expected failures: bad input, unreachable server, existing version, ..."""

    exit_code = 2
