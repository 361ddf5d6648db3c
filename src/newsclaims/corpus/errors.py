"""Expected failures of the corpus stage (the CLI prints them without a traceback)."""

from newsclaims.errors import NewsclaimsError


class CorpusError(NewsclaimsError):
    """Base for corpus-stage failures."""


class RawDirMissingError(CorpusError):
    pass


class VersionConflictError(CorpusError):
    """An existing (immutable) version would get different content."""


class VersionNotFoundError(CorpusError):
    pass


class BuildLockedError(CorpusError):
    """Another `corpus build` is writing to the same versions directory."""
