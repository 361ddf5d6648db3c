"""Errors a user can act on. The CLI prints their message (no traceback) and exits non-zero."""


class NewsclaimsError(Exception):
    """Base for expected failures: bad input, unreachable server, existing version, ..."""

    exit_code = 2


# What a `VersionedStore` (newsclaims.store) raises. Each kind of artifact raises its own
# subclasses (e.g. a corpus version's are also `CorpusError`s), so a caller can catch either
# "any corpus failure" or "any unknown artifact name"; the message is final where it is raised.
class ArtifactNameError(NewsclaimsError):
    """A name that cannot be an artifact's: it would leave the store's directory, or breaks the kind's rule."""


class ArtifactNotFoundError(NewsclaimsError):
    """No complete artifact of that name (or none at all, when the newest was asked for)."""


class ArtifactExistsError(NewsclaimsError):
    """An immutable artifact of that name exists already."""


class WriterBusyError(NewsclaimsError):
    """Another process is writing to the same store."""
