"""Defaults of `corpus build`, in a module light enough for the CLI and the no-change check."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_MAX_BYTES = 20 * 1024 * 1024  # a raw file (or .jsonl record) above this is rejected as too_large
EXECUTOR_NAMES = ("local", "dask")  # executors.EXECUTORS, by name (a test checks they agree)


@dataclass(frozen=True)
class MinHashConfig:
    """Everything that decides which documents are near duplicates (recorded in the manifest)."""

    threshold: float = 0.8  # estimated Jaccard similarity of word shingles
    num_perm: int = 128
    shingle_words: int = 5
    seed: int = 1  # fixed: the same texts give the same signatures on every machine
    # How a shingle becomes the 32-bit value MinHash permutes: a polynomial hash of its UTF-8
    # bytes mod 2^64, avalanched by MurmurHash3's fmix64, top 32 bits (dedup.shingle_hashes).
    shingle_hash: str = "poly64-fmix64"

    def recorded(self) -> dict[str, float | int | str]:
        return {
            "threshold": self.threshold,
            "num_perm": self.num_perm,
            "shingle_words": self.shingle_words,
            "seed": self.seed,
            "shingle_hash": self.shingle_hash,
        }


MINHASH = MinHashConfig()
