"""Exact duplicates (same normalized text) and near duplicates (MinHash LSH over word shingles)."""

from __future__ import annotations

import array
import contextlib
import functools
import hashlib
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
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


@dataclass
class ExactDuplicates:
    """text digest -> id of the first document seen with that text (digests as bytes: half the
    memory of hex strings)."""

    first_by_hash: dict[bytes, str] = field(default_factory=dict)

    def original_of(self, doc_id: str, text_sha256: str) -> str | None:
        first = self.first_by_hash.setdefault(bytes.fromhex(text_sha256), doc_id)
        return None if first == doc_id else first


class NearDuplicateIndex:
    """Near duplicates by MinHash LSH with datasketch's banding (MinHashLSH's own b x r for the
    threshold), indexed in compact arrays instead of MinHashLSH's dict-of-sets storage, which
    keeps ~6 KB of Python objects per document and so grows the build's memory with the corpus.

    `add` spools each signature to a scratch file and keeps 8 bytes per band; `pairs` then sorts
    the band keys once, and checks every pair sharing a bucket exactly as MinHashLSH.query +
    LeanMinHash.jaccard would: equal band values, then the estimated Jaccard similarity. A pair
    shares a bucket regardless of the order documents arrive in, so the result is the same set
    of pairs the incremental query-then-insert loop found.
    """

    def __init__(self, scratch: Path, threshold: float = NEAR_DUPLICATE_THRESHOLD):
        self.threshold = threshold
        self.bands = MinHashLSH(threshold=threshold, num_perm=NUM_PERM).hashranges
        self.dtype = _template().hashvalues.dtype
        self.ids: list[str] = []
        self.keys = array.array("Q")  # len(bands) band keys per document
        self.path = Path(scratch)
        self._file = open(self.path, "w+b")  # noqa: SIM115 (closed by close())

    def add(self, doc_id: str, text: str, known: np.ndarray | None = None) -> np.ndarray:
        """Index a document; `known`: the MinHash values of `text` if already computed."""
        values = np.asarray(minhash(text).hashvalues if known is None else known, dtype=self.dtype)
        data = values.tobytes()
        size = values.itemsize
        for start, end in self.bands:
            band = hashlib.blake2b(data[start * size : end * size], digest_size=8).digest()
            self.keys.append(int.from_bytes(band, "little"))
        self._file.write(data)
        self.ids.append(doc_id)
        return values

    def flush(self) -> None:
        self._file.flush()

    def signatures(self) -> np.ndarray:
        """All signatures, one row per document, read from the scratch file (not copied into memory)."""
        self.flush()
        if not self.ids:
            return np.zeros((0, NUM_PERM), dtype=self.dtype)
        return np.memmap(self.path, dtype=self.dtype, mode="r", shape=(len(self.ids), NUM_PERM))

    def pairs(self) -> list[tuple[str, str, float]]:
        """(earlier id, later id, similarity) of every near-duplicate pair, sorted."""
        n, b = len(self.ids), len(self.bands)
        if n < 2:
            return []
        keys = np.frombuffer(self.keys, dtype=np.uint64).reshape(n, b)
        candidates: set[tuple[int, int]] = set()
        for band in range(b):
            column = keys[:, band]
            order = np.argsort(column, kind="stable")
            ordered = column[order]
            same = np.flatnonzero(ordered[1:] == ordered[:-1])
            if not len(same):
                continue
            # Runs of equal keys: each run is one bucket.
            starts = same[np.r_[True, np.diff(same) > 1]]
            for s in starts:
                e = s + 1
                while e < n and ordered[e] == ordered[s]:
                    e += 1
                members = sorted(order[s:e].tolist())
                candidates.update((x, y) for i, x in enumerate(members) for y in members[i + 1 :])
        signatures = self.signatures()
        found = []
        for x, y in sorted(candidates):
            a, c = signatures[x], signatures[y]
            if not any(np.array_equal(a[s:e], c[s:e]) for s, e in self.bands):
                continue  # only the 64-bit band keys collided
            similarity = round(float(np.count_nonzero(a == c)) / float(NUM_PERM), 4)
            if similarity >= self.threshold:
                found.append((self.ids[x], self.ids[y], similarity))
        return found

    def close(self) -> None:
        self._file.close()
        self.path.unlink(missing_ok=True)


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

    def save(self, index: NearDuplicateIndex, text_sha256: bytes) -> None:
        """`text_sha256`: the 32-byte digests of the index's documents, in the index's order.
        Streamed from the index's scratch file in index order: holding all signatures (and a
        copy for joining them) cost 3 bytes of memory per byte of cache at the end of a build."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        index.flush()
        size = NUM_PERM * self.dtype.itemsize
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.partial-", dir=self.path.parent)
        try:
            with os.fdopen(fd, "wb") as out, open(index.path, "rb") as signatures:
                for row in range(len(index.ids)):
                    out.write(text_sha256[row * 32 : row * 32 + 32])
                    out.write(signatures.read(size))
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
