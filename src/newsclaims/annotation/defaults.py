"""Defaults shared by the annotation commands, in a module light enough for the CLI to import."""

DEFAULT_PROJECT = "newsclaims"
DEFAULT_BATCH_BYTES = 4 << 20  # far below Label Studio's ~250 MB per POST, and quick to retry
PLACEHOLDER_DOMAIN = "newsclaims.invalid"  # seed annotators' accounts; RFC 2606: never a real mailbox
