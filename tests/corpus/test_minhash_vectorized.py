"""The vectorized MinHash (numpy shingle hashes) finds the near duplicates that datasketch's
default MinHash (SHA-1 of each shingle, what builds used before) finds with MinHashLSH, on a
hand-built set: planted near copies (a few words changed) and planted non-duplicates (many
words changed, or a different text on the same topic)."""

from __future__ import annotations

import random

import numpy as np
from datasketch import MinHash, MinHashLSH

from newsclaims.corpus.dedup import MINHASH, NearDuplicateIndex, shingle_hashes, shingles

VOCABULARY = (
    "council budget minister talks ceasefire border prices energy court vote police report city "
    "school hospital river bridge election strike union bank rate market oil gas grain port army "
    "treaty summit protest mayor judge ruling appeal village region farmer harvest flood storm"
).split()


def _changed(words: list[str], share: float, rng: random.Random) -> list[str]:
    out = list(words)
    for at in rng.sample(range(len(out)), round(share * len(out))):
        out[at] = rng.choice(VOCABULARY) + "x"  # a word no original text contains
    return out


def _planted() -> tuple[list[str], set[tuple[str, str]]]:
    """Texts and the pairs that must be found: each original gets one near copy (1 word in 200
    changed: shingle Jaccard about 0.95) and one far copy (a word in 4 changed: about 0.2)."""
    rng = random.Random(17)
    texts: list[str] = []
    near: set[tuple[str, str]] = set()
    for _ in range(30):
        words = [rng.choice(VOCABULARY) for _ in range(400)]
        original = len(texts)
        texts += [" ".join(words), " ".join(_changed(words, 0.005, rng)), " ".join(_changed(words, 0.25, rng))]
        near.add((f"d{original:03d}", f"d{original + 1:03d}"))
    return texts, near


def _jaccard(a: str, b: str) -> float:
    x, y = shingles(a), shingles(b)
    return len(x & y) / len(x | y)


def _datasketch_default_pairs(texts: list[str]) -> set[tuple[str, str]]:
    lsh, signatures, found = MinHashLSH(threshold=MINHASH.threshold, num_perm=MINHASH.num_perm), {}, set()
    for i, text in enumerate(texts):
        m = MinHash(num_perm=MINHASH.num_perm, seed=MINHASH.seed)  # sha1_hash32, the default
        m.update_batch(sorted(shingles(text)))
        key = f"d{i:03d}"
        for other in lsh.query(m):
            if m.jaccard(signatures[other]) >= MINHASH.threshold:
                found.add((other, key))
        lsh.insert(key, m)
        signatures[key] = m
    return found


def test_the_planted_set_is_what_it_claims():
    texts, near = _planted()
    for i in range(0, len(texts), 3):
        assert _jaccard(texts[i], texts[i + 1]) > 0.9
        assert _jaccard(texts[i], texts[i + 2]) < 0.5
    assert len(near) == 30


def test_same_pairs_as_datasketchs_default_minhash(tmp_path):
    texts, near = _planted()
    index = NearDuplicateIndex(tmp_path / "signatures.bin")
    for i, text in enumerate(texts):
        index.add(f"d{i:03d}", text)
    found = {(a, b) for a, b, _ in index.pairs()}
    index.close()
    assert found == near
    assert _datasketch_default_pairs(texts) == near


def test_huge_documents_are_hashed_in_blocks():
    # More shingles than one block: the blocks together are the whole-text hashes.
    text = " ".join(f"w{i}" for i in range(70_000))
    blocks = list(shingle_hashes(text))
    assert len(blocks) > 1
    hashes = np.concatenate(blocks)
    assert len(hashes) == 70_000 - MINHASH.shingle_words + 1
    assert len(np.unique(hashes)) > len(hashes) - 5  # 32-bit values: a couple of collisions at most


def test_signature_cache_is_named_by_the_shingle_hash(tmp_path):
    # The values changed with the hash: a cache of SHA-1 signatures must never be read as these.
    from newsclaims.corpus.dedup import SignatureCache

    old_name = f"minhash-affine32-{MINHASH.num_perm}-{MINHASH.seed}-{MINHASH.shingle_words}.bin"
    path = SignatureCache(tmp_path).path
    assert path.name != old_name and MINHASH.shingle_hash in path.name
    assert MINHASH.recorded()["shingle_hash"] == MINHASH.shingle_hash  # in the manifest's settings
