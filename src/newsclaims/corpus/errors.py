"""Expected failures of the corpus stage (the CLI prints them without a traceback)."""

from newsclaims.errors import (
    ArtifactExistsError,
    ArtifactNameError,
    ArtifactNotFoundError,
    NewsclaimsError,
    WriterBusyError,
)


class CorpusError(NewsclaimsError):
    """Base for corpus-stage failures."""


class RawDirMissingError(CorpusError):
    pass


class VersionConflictError(CorpusError, ArtifactExistsError):
    """An existing (immutable) version would get different content."""


class VersionNotFoundError(CorpusError, ArtifactNotFoundError):
    pass


class InvalidVersionNameError(CorpusError, ArtifactNameError):
    """A version name that would not be a plain directory name under the versions directory."""


class BuildLockedError(CorpusError, WriterBusyError):
    """Another `corpus build` is writing to the same versions directory."""
