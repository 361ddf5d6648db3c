"""Defaults of `corpus build`, in a module light enough for the CLI to import."""

DEFAULT_MAX_BYTES = 20 * 1024 * 1024  # a raw file (or .jsonl record) above this is rejected as too_large
EXECUTOR_NAMES = ("local", "dask")  # executors.EXECUTORS, by name (a test checks they agree)
