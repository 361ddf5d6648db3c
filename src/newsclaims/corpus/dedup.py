"""Exact duplicates (same normalized text) and near duplicates (MinHash LSH over word shingles)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from datasketch import LeanMinHash, MinHash, MinHashLSH

NEAR_DUPLICATE_THRESHOLD = 0.8
NUM_PERM = 128
SHINGLE_WORDS = 5
MINHASH_SEED = 1  # fixed: the same texts give the same signatures on every machine
_WORD = re.compile(r"\w+")


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[bytes]:
    words = _WORD.findall(text.casefold())
    if len(words) <= size:
        return {" ".join(words).encode("utf-8")}
    return {" ".join(words[i : i + size]).encode("utf-8") for i in range(len(words) - size + 1)}


def minhash(text: str) -> LeanMinHash:
    m = MinHash(num_perm=NUM_PERM, seed=MINHASH_SEED)
    m.update_batch(list(shingles(text)))
    return LeanMinHash(m)


@dataclass
class ExactDuplicates:
    """text_sha256 -> id of the first document seen with that text."""

    first_by_hash: dict[str, str] = field(default_factory=dict)

    def original_of(self, doc_id: str, text_sha256: str) -> str | None:
        first = self.first_by_hash.setdefault(text_sha256, doc_id)
        return None if first == doc_id else first


@dataclass
class NearDuplicateIndex:
    """Add documents one by one; each add returns the earlier documents it nearly duplicates."""

    threshold: float = NEAR_DUPLICATE_THRESHOLD
    lsh: MinHashLSH = field(init=False)
    signatures: dict[str, LeanMinHash] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.lsh = MinHashLSH(threshold=self.threshold, num_perm=NUM_PERM)

    def add(self, doc_id: str, text: str) -> list[tuple[str, float]]:
        signature = minhash(text)
        found = []
        for other in self.lsh.query(signature):
            similarity = round(float(signature.jaccard(self.signatures[other])), 4)
            if similarity >= self.threshold:
                found.append((other, similarity))
        self.lsh.insert(doc_id, signature)
        self.signatures[doc_id] = signature
        return sorted(found)
