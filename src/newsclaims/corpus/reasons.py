"""Why a raw input did not become a document: the codes written to rejects.jsonl."""

from __future__ import annotations

from enum import StrEnum


class RejectReason(StrEnum):
    # Made by reading and the per-file steps: a function of one file, so reusable from a parent.
    BAD_SIDECAR = "bad_sidecar"
    SYMLINK_OUTSIDE_RAW = "symlink_outside_raw"
    UNKNOWN_EXTENSION = "unknown_extension"
    TOO_LARGE = "too_large"
    UNREADABLE = "unreadable"
    BAD_RECORD = "bad_record"
    DUPLICATE_RECORD_ID = "duplicate_record_id"
    EMPTY = "empty"
    BINARY = "binary"
    NUL_BYTES = "nul_bytes"
    UNDECODABLE = "undecodable"
    NO_MAIN_TEXT = "no_main_text"
    # Made by validation and deduplication: they depend on the other documents.
    INVALID_DOCUMENT = "invalid_document"
    ID_COLLISION = "id_collision"
    DUPLICATE = "duplicate"


# The reasons a parent version's reject can be reused for an unchanged article (parent_cache.py);
# bad_sidecar is left out because metadata files are read again on every build.
PER_FILE_REASONS = frozenset(
    {
        RejectReason.SYMLINK_OUTSIDE_RAW,
        RejectReason.UNKNOWN_EXTENSION,
        RejectReason.TOO_LARGE,
        RejectReason.UNREADABLE,
        RejectReason.BAD_RECORD,
        RejectReason.DUPLICATE_RECORD_ID,
        RejectReason.EMPTY,
        RejectReason.BINARY,
        RejectReason.NUL_BYTES,
        RejectReason.UNDECODABLE,
        RejectReason.NO_MAIN_TEXT,
    }
)
