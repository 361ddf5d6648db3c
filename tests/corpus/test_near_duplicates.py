"""The compact near-duplicate index (issue 5) finds exactly the pairs that datasketch's own
MinHashLSH query-then-insert loop finds, with the same similarities."""

from __future__ import annotations

import random

from datasketch import MinHashLSH
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis_budget import examples

from newsclaims.corpus.dedup import MINHASH, NearDuplicateIndex, minhash

WORDS = "council budget minister talks ceasefire border prices energy court vote police report city".split()


def _texts(seed: int) -> list[str]:
    rng = random.Random(seed)
    texts = []
    for _ in range(120):
        if texts and rng.random() < 0.35:  # a near copy of an earlier text: a few words changed
            words = rng.choice(texts).split()
            for _ in range(rng.randint(0, max(1, len(words) // 25))):
                words[rng.randrange(len(words))] = rng.choice(WORDS)
            texts.append(" ".join(words))
        else:
            texts.append(" ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 200))))
    return texts


def _datasketch_pairs(texts: list[str]) -> list[tuple[str, str, float]]:
    lsh, signatures, found = MinHashLSH(threshold=MINHASH.threshold, num_perm=MINHASH.num_perm), {}, []
    for i, text in enumerate(texts):
        key, signature = f"d{i:03d}", minhash(text)
        for other in lsh.query(signature):
            similarity = round(float(signature.jaccard(signatures[other])), 4)
            if similarity >= MINHASH.threshold:
                found.append((other, key, similarity))
        lsh.insert(key, signature)
        signatures[key] = signature
    return sorted(found)


def test_same_pairs_as_minhashlsh(tmp_path):
    for seed in range(3):
        texts = _texts(seed)
        index = NearDuplicateIndex(tmp_path / f"signatures-{seed}.bin")
        for i, text in enumerate(texts):
            index.add(f"d{i:03d}", text)
        expected = _datasketch_pairs(texts)
        assert len(expected) > 10  # the planted near copies are there to be found
        assert sorted(index.pairs()) == expected
        index.close()
        assert not (tmp_path / f"signatures-{seed}.bin").exists()


def test_known_signatures_give_the_same_pairs(tmp_path):
    texts = _texts(7)
    plain, cached = NearDuplicateIndex(tmp_path / "a.bin"), NearDuplicateIndex(tmp_path / "b.bin")
    for i, text in enumerate(texts):
        values = plain.add(f"d{i:03d}", text)
        cached.add(f"d{i:03d}", "not the text: the signature is given", known=values.copy())
    assert plain.pairs() == cached.pairs()


def _reference_shingle_hash(data: bytes) -> int:
    """MinHashConfig.shingle_hash, one byte at a time: sum(byte_k * P^k) mod 2^64 with P the
    FNV-64 prime, MurmurHash3's fmix64, the top 32 bits."""
    mask, h, power = (1 << 64) - 1, 0, 1
    for byte in data:
        h, power = (h + byte * power) & mask, (power * 0x100000001B3) & mask
    for shift, multiplier in ((33, 0xFF51AFD7ED558CCD), (33, 0xC4CEB9FE1A85EC53)):
        h = ((h ^ (h >> shift)) * multiplier) & mask
    return (h ^ (h >> 33)) >> 32


def _reference_signature(text: str):
    """datasketch's documented use with that hash function, shingles joined word by word."""
    import re

    from datasketch import MinHash

    words = re.findall(r"\w+", text.casefold())
    size = MINHASH.shingle_words
    runs = [words] if len(words) <= size else [words[i : i + size] for i in range(len(words) - size + 1)]
    m = MinHash(num_perm=MINHASH.num_perm, seed=MINHASH.seed, hashfunc=_reference_shingle_hash)
    m.update_batch([" ".join(run).encode("utf-8") for run in runs])
    return m.hashvalues


_WORDS = st.sampled_from(
    [
        "the",
        "council",
        "met",
        "Straße",
        "İstanbul",
        "ﬁnal",
        "совет",
        "бюджет",
        "東京",
        "42",
        "x",
        "ǅemal",
        "café",
        "naïve",
        "ΣΊΣΥΦΟΣ",
        "😀",
    ]
)
_SEPARATORS = st.sampled_from([" ", "\n", ", ", " — ", "...", "\n\n", "-"])


@settings(max_examples=examples(300), deadline=None)
@given(st.lists(st.tuples(_WORDS, _SEPARATORS), max_size=40).map(lambda ps: "".join(w + s for w, s in ps)))
def test_signature_is_datasketchs_minhash_of_the_shingle_hash(text):
    import numpy as np

    ours = minhash(text).hashvalues
    expected = _reference_signature(text)
    assert ours.dtype == expected.dtype and np.array_equal(ours, expected)
