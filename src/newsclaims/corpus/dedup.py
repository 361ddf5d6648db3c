"""Exact duplicates (same normalized text) and near duplicates (MinHash LSH over word shingles)."""

from __future__ import annotations

import array
import contextlib
import functools
import hashlib
import io
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

from newsclaims.corpus.defaults import MINHASH, MinHashConfig
from newsclaims.corpus.scratch import drop_scratch_db, scratch_db

_WORD = re.compile(r"\w+")
_P = 0x100000001B3  # odd (the FNV-64 prime), so invertible mod 2^64
_P_INV = pow(_P, -1, 1 << 64)
_FMIX64 = (np.uint64(33), np.uint64(0xFF51AFD7ED558CCD), np.uint64(0xC4CEB9FE1A85EC53))
_BLOCK = 1 << 15  # shingles hashed at once: bounds memory on a huge document


def _words_joined(text: str) -> bytes:
    return " ".join(_WORD.findall(text.casefold())).encode("utf-8")


def shingles(text: str, size: int = MINHASH.shingle_words) -> set[bytes]:
    """The distinct runs of `size` words (casefolded, space-joined, UTF-8): what `shingle_hashes`
    hashes, as bytes (for tests and for reading; the build never makes these objects)."""
    words = _words_joined(text).split(b" ")
    if len(words) <= size:
        return {b" ".join(words)}
    return {b" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


_POWERS: dict[int, np.ndarray] = {}
_CACHED_POWERS = 1 << 20  # bytes of text whose powers stay cached (16 MiB for both bases)


def _powers(base: int, n: int) -> np.ndarray:
    """base^k mod 2^64 for k < n (uint64 arithmetic wraps), cached up to _CACHED_POWERS."""
    table = _POWERS.get(base)
    if table is not None and len(table) >= n:
        return table[:n]
    p = np.full(max(n, 1), base, dtype=np.uint64)
    p[0] = 1
    table = np.cumprod(p, dtype=np.uint64)
    if n <= _CACHED_POWERS:
        _POWERS[base] = table
    return table[:n]


def _fmix64(x: np.ndarray) -> np.ndarray:
    shift, m1, m2 = _FMIX64
    x = x ^ (x >> shift)
    x = x * m1
    x = x ^ (x >> shift)
    x = x * m2
    return x ^ (x >> shift)


def _span_hashes(data: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """sum(data[k] * P^(k - s) for k in s..e-1) mod 2^64 for each span, from one prefix sum:
    (S[e] - S[s]) * P^-s, where S[j] = sum(data[k] * P^k for k < j)."""
    lo, hi = int(starts[0]), int(ends[-1])
    seg = data[lo:hi].astype(np.uint64)
    prefix = np.zeros(len(seg) + 1, dtype=np.uint64)
    np.cumsum(seg * _powers(_P, len(seg)), dtype=np.uint64, out=prefix[1:])
    s, e = starts - lo, ends - lo
    return (prefix[e] - prefix[s]) * _powers(_P_INV, len(seg) + 1)[s]


def shingle_hashes(text: str, size: int = MINHASH.shingle_words) -> Iterator[np.ndarray]:
    """The 32-bit hash of every run of `size` words (the bytes `shingles` makes), in blocks:
    MinHashConfig.shingle_hash, computed in numpy without a Python object per shingle."""
    joined = _words_joined(text)
    data = np.frombuffer(joined, dtype=np.uint8)
    spaces = np.flatnonzero(data == 0x20)
    word_starts = np.concatenate(([0], spaces + 1))
    word_ends = np.concatenate((spaces, [len(data)]))
    if len(word_starts) <= size:  # one shingle: all the words (b"" for a text without any)
        starts, ends = word_starts[:1], word_ends[-1:]
    else:
        starts, ends = word_starts[: len(word_starts) - size + 1], word_ends[size - 1 :]
    for at in range(0, len(starts), _BLOCK):
        h = _span_hashes(data, starts[at : at + _BLOCK], ends[at : at + _BLOCK])
        yield (_fmix64(h) >> np.uint64(32)).astype(np.uint32)


@functools.cache
def _template(config: MinHashConfig = MINHASH) -> MinHash:
    return MinHash(num_perm=config.num_perm, seed=config.seed)


def signature(text: str, config: MinHashConfig = MINHASH) -> np.ndarray:
    """MinHash values of `text`: datasketch's affine32 permutations (drawn once per process from
    the fixed seed) applied to `shingle_hashes`, as `MinHash(hashfunc=...).update_batch` would
    (tests/corpus/test_minhash_vectorized.py checks it), without a Python call per shingle."""
    t = _template(config)
    a, b = t.permutations
    values = t.hashvalues.copy()
    for block in shingle_hashes(text, config.shingle_words):
        permuted = np.multiply(_fmix32(block)[:, None], a)
        permuted += b  # uint32: wraps mod 2^32, as datasketch's affine32
        np.minimum(values, permuted.min(axis=0), out=values)
    return values


def _fmix32(hv: np.ndarray) -> np.ndarray:
    hv = hv ^ (hv >> np.uint32(16))
    hv = hv * np.uint32(0x85EBCA6B)
    hv = hv ^ (hv >> np.uint32(13))
    hv = hv * np.uint32(0xC2B2AE35)
    return hv ^ (hv >> np.uint32(16))


def minhash(text: str, config: MinHashConfig = MINHASH) -> LeanMinHash:
    t = _template(config)
    return LeanMinHash(seed=config.seed, hashvalues=signature(text, config), scheme=t.scheme)


class ExactDuplicates:
    """text digest -> id of the first document seen with that text, in a scratch SQLite table
    (so the build's memory does not grow with the corpus)."""

    def __init__(self, scratch: Path):
        self.path = Path(scratch)
        self._db = scratch_db(self.path)
        self._db.execute("CREATE TABLE texts (digest BLOB PRIMARY KEY, first_id TEXT NOT NULL) WITHOUT ROWID")

    def original_of(self, doc_id: str, text_sha256: str) -> str | None:
        digest = bytes.fromhex(text_sha256)
        row = self._db.execute("SELECT first_id FROM texts WHERE digest = ?", (digest,)).fetchone()
        if row is None:
            self._db.execute("INSERT INTO texts VALUES (?, ?)", (digest, doc_id))
            return None
        return None if row[0] == doc_id else row[0]

    def close(self) -> None:
        drop_scratch_db(self._db, self.path)


class NearDuplicateIndex:
    """Near duplicates by MinHash LSH with datasketch's banding (MinHashLSH's own b x r for the
    threshold), indexed in compact arrays instead of MinHashLSH's dict-of-sets storage, which
    keeps ~6 KB of Python objects per document and so grows the build's memory with the corpus.

    `add` spools each signature to a scratch file and 8 bytes per band to one more scratch file
    per band; `pairs` then sorts the keys of one band at a time, and checks every pair sharing a bucket exactly as MinHashLSH.query +
    LeanMinHash.jaccard would: equal band values, then the estimated Jaccard similarity. A pair
    shares a bucket regardless of the order documents arrive in, so the result is the same set
    of pairs the incremental query-then-insert loop found.
    """

    def __init__(self, scratch: Path, config: MinHashConfig = MINHASH):
        self.config = config
        self.bands = MinHashLSH(threshold=config.threshold, num_perm=config.num_perm).hashranges
        self.dtype = _template(config).hashvalues.dtype
        # Ids as one UTF-8 blob plus end offsets: a few bytes per document, not a str object each.
        self._id_blob = bytearray()
        self._id_ends = array.array("Q")
        self.path = Path(scratch)
        self._file = open(self.path, "w+b")  # noqa: SIM115 (closed by close())
        self._band_paths = [self.path.with_name(f"{self.path.name}.band{i}") for i in range(len(self.bands))]
        self._band_files = [open(p, "w+b") for p in self._band_paths]  # noqa: SIM115 (closed by close())

    def add(self, doc_id: str, text: str, known: np.ndarray | None = None) -> np.ndarray:
        """Index a document; `known`: the MinHash values of `text` if already computed."""
        values = np.asarray(signature(text, self.config) if known is None else known, dtype=self.dtype)
        data = values.tobytes()
        size = values.itemsize
        for (start, end), keys in zip(self.bands, self._band_files):
            keys.write(hashlib.blake2b(data[start * size : end * size], digest_size=8).digest())
        self._file.write(data)
        self._id_blob += doc_id.encode("utf-8")
        self._id_ends.append(len(self._id_blob))
        return values

    def __len__(self) -> int:
        return len(self._id_ends)

    def doc_id(self, row: int) -> str:
        start = self._id_ends[row - 1] if row else 0
        return self._id_blob[start : self._id_ends[row]].decode("utf-8")

    def flush(self) -> None:
        self._file.flush()
        for keys in self._band_files:
            keys.flush()

    def pairs(self) -> list[tuple[str, str, float]]:
        """(earlier id, later id, similarity) of every near-duplicate pair, sorted."""
        n, b = len(self), len(self.bands)
        if n < 2:
            return []
        self.flush()
        candidates: set[tuple[int, int]] = set()
        for band in range(b):
            column = np.fromfile(self._band_paths[band], dtype="<u8")
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
        found = []
        # Rows read one at a time: a memory map of the file would keep every touched page resident.
        num_perm = self.config.num_perm
        row_bytes, fd = num_perm * np.dtype(self.dtype).itemsize, self._file.fileno()
        read = functools.lru_cache(maxsize=64)(
            lambda row: np.frombuffer(os.pread(fd, row_bytes, row * row_bytes), dtype=self.dtype)
        )
        for x, y in sorted(candidates):
            a, c = read(x), read(y)
            if not any(np.array_equal(a[s:e], c[s:e]) for s, e in self.bands):
                continue  # only the 64-bit band keys collided
            similarity = round(float(np.count_nonzero(a == c)) / float(num_perm), 4)
            if similarity >= self.config.threshold:
                found.append((self.doc_id(x), self.doc_id(y), similarity))
        return found

    def close(self) -> None:
        self._file.close()
        self.path.unlink(missing_ok=True)
        for keys, path in zip(self._band_files, self._band_paths):
            keys.close()
            path.unlink(missing_ok=True)


class SignatureCache:
    """MinHash values by text_sha256, kept next to the versions so that a rebuild does not hash
    the shingles of texts it has already seen (MinHash is a large share of a build's time).

    One file of fixed-size records (32-byte digest, NUM_PERM values), rewritten atomically after
    each build with the signatures of that build's documents. A cache, not output: deleting it
    only makes the next build slower. The parameters are in the file name, so changing them
    starts a new cache.
    """

    def __init__(self, versions_dir: Path, config: MinHashConfig = MINHASH):
        c, scheme = config, _template(config).scheme
        self.num_perm = c.num_perm
        name = f"minhash-{scheme}-{c.shingle_hash}-{c.num_perm}-{c.seed}-{c.shingle_words}.bin"
        self.path = Path(versions_dir) / ".cache" / name
        self.dtype = _template(config).hashvalues.dtype
        self.record = 32 + c.num_perm * self.dtype.itemsize
        # Looked up by the first 8 bytes of the digest (sorted, 16 bytes per record in memory);
        # the records stay in the file and are read one at a time, so memory stays small per record.
        self._prefixes: np.ndarray = np.zeros(0, dtype=np.uint64)
        self._rows: np.ndarray = np.zeros(0, dtype=np.int64)
        self._file: io.BufferedReader | None = None

    def load(self) -> SignatureCache:
        try:
            self._file = file = open(self.path, "rb")  # noqa: SIM115 (closed by close())
        except OSError:
            return self
        n = os.fstat(file.fileno()).st_size // self.record
        prefixes = np.empty(n, dtype=np.uint64)
        for start in range(0, n, 4096):  # the digests' prefixes, read in blocks
            block = np.frombuffer(file.read(min(4096, n - start) * self.record), dtype=np.uint8)
            rows = block.reshape(-1, self.record)[:, :8]
            prefixes[start : start + len(rows)] = np.ascontiguousarray(rows).view("<u8").ravel()
        self._rows = np.argsort(prefixes, kind="stable")
        self._prefixes = prefixes[self._rows]
        return self

    def get(self, text_sha256: str) -> np.ndarray | None:
        digest = bytes.fromhex(text_sha256)
        prefix = np.uint64(int.from_bytes(digest[:8], "little"))
        at = int(np.searchsorted(self._prefixes, prefix))
        while at < len(self._prefixes) and self._prefixes[at] == prefix:
            if self._file is None:  # closed (an empty cache never gets here: no prefixes)
                raise ValueError(f"{self.path}: read after close()")
            record = os.pread(self._file.fileno(), self.record, int(self._rows[at]) * self.record)
            if record[:32] == digest:
                return np.frombuffer(record, dtype=self.dtype, count=self.num_perm, offset=32)
            at += 1
        return None

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def save(self, index: NearDuplicateIndex, text_sha256: bytes) -> None:
        """`text_sha256`: the 32-byte digests of the index's documents, in the index's order.
        Streamed from the index's scratch file in index order: holding all signatures (and a
        copy for joining them) would need several times the cache's size in memory."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        index.flush()
        size = self.num_perm * self.dtype.itemsize
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.partial-", dir=self.path.parent)
        try:
            with os.fdopen(fd, "wb") as out, open(index.path, "rb") as signatures:
                for row in range(len(index)):
                    out.write(text_sha256[row * 32 : row * 32 + 32])
                    out.write(signatures.read(size))
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
