"""Exact duplicates (same normalized text) and near duplicates (MinHash LSH over word shingles)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

from newsclaims.fsutil import atomic_write_bytes

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


@functools.cache
def _template() -> MinHash:
    return MinHash(num_perm=NUM_PERM, seed=MINHASH_SEED)


def minhash(text: str) -> LeanMinHash:
    # The permutations are drawn once per process and shared (drawing them is a third of the
    # cost of a short document); the same seed gives the same permutations, so the same values.
    t = _template()
    m = MinHash(num_perm=NUM_PERM, seed=MINHASH_SEED, permutations=t.permutations, scheme=t.scheme)
    m.update_batch(list(shingles(text)))
    return LeanMinHash(m)


def _from_values(values: np.ndarray) -> LeanMinHash:
    return LeanMinHash(seed=MINHASH_SEED, hashvalues=values, scheme=_template().scheme)


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

    def add(self, doc_id: str, text: str, known: np.ndarray | None = None) -> list[tuple[str, float]]:
        """`known`: the MinHash values of `text` if already computed (from SignatureCache)."""
        signature = minhash(text) if known is None else _from_values(known)
        found = []
        for other in self.lsh.query(signature):
            similarity = round(float(signature.jaccard(self.signatures[other])), 4)
            if similarity >= self.threshold:
                found.append((other, similarity))
        self.lsh.insert(doc_id, signature)
        self.signatures[doc_id] = signature
        return sorted(found)


class SignatureCache:
    """MinHash values by text_sha256, kept next to the versions so that a rebuild does not hash
    the shingles of texts it has already seen (MinHash is a fifth of a build's time).

    One file of fixed-size records (32-byte digest, NUM_PERM values), rewritten atomically after
    each build with the signatures of that build's documents. A cache, not output: deleting it
    only makes the next build slower. The parameters are in the file name, so changing them
    starts a new cache.
    """

    def __init__(self, versions_dir: Path):
        scheme = _template().scheme
        self.path = Path(versions_dir) / ".cache" / f"minhash-{scheme}-{NUM_PERM}-{MINHASH_SEED}-{SHINGLE_WORDS}.bin"
        self.dtype = _template().hashvalues.dtype
        self.record = 32 + NUM_PERM * self.dtype.itemsize
        self._data: bytes = b""
        self._rows: dict[bytes, int] = {}

    def load(self) -> SignatureCache:
        try:
            self._data = self.path.read_bytes()
        except OSError:
            return self
        n = len(self._data) // self.record
        self._rows = {self._data[i * self.record : i * self.record + 32]: i for i in range(n)}
        return self

    def get(self, text_sha256: str) -> np.ndarray | None:
        row = self._rows.get(bytes.fromhex(text_sha256))
        if row is None:
            return None
        start = row * self.record + 32
        return np.frombuffer(self._data, dtype=self.dtype, count=NUM_PERM, offset=start)

    def save(self, index: NearDuplicateIndex, text_sha256_by_id: dict[str, str]) -> None:
        parts = []
        for doc_id in sorted(index.signatures):
            parts.append(bytes.fromhex(text_sha256_by_id[doc_id]))
            parts.append(np.asarray(index.signatures[doc_id].hashvalues, dtype=self.dtype).tobytes())
        atomic_write_bytes(self.path, b"".join(parts))
