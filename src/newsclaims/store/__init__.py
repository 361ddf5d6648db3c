"""One store for the immutable artifacts: corpus versions, annotation snapshots and releases.

`VersionedStore(kind, root)` lists, orders, finds the newest, moves the LATEST pointer, locks and
creates artifacts atomically; `JsonRecord` is the base of their typed manifests. The kinds are
defined beside their artifacts: `corpus.versions.CORPUS_VERSIONS`,
`annotation.snapshots.SNAPSHOTS`, `release.versions.RELEASES`.
"""

from newsclaims.store.record import Fields, JsonRecord, ManifestError
from newsclaims.store.versioned import NAME_RE, POINTER_FILE, ArtifactKind, VersionedStore

__all__ = ["NAME_RE", "POINTER_FILE", "ArtifactKind", "Fields", "JsonRecord", "ManifestError", "VersionedStore"]
