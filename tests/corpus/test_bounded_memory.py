"""Issue 5: the build's per-document state is small and fixed-size (ids, offsets, texts and the
diff live in scratch files), and each compact replacement gives exactly what the old in-memory
dicts and `json.dumps` gave."""

from __future__ import annotations

import hashlib
import json
import tracemalloc

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis_budget import examples

from newsclaims.corpus.build import BuildSettings, input_digest
from newsclaims.corpus.dedup import MINHASH, SignatureCache
from newsclaims.corpus.diff import ParentDiff
from newsclaims.corpus.document import Document, NearDuplicate, Paragraph
from newsclaims.corpus.duplicates import deduplicate
from newsclaims.corpus.filetable import RawFiles
from newsclaims.corpus.jsonstream import StreamedList, write_json
from newsclaims.corpus.normalize import recorded_normalizer_version
from newsclaims.corpus.parent_cache import SortedKeys
from newsclaims.corpus.pipeline import Draft
from newsclaims.corpus.rawfolder import list_raw_files
from newsclaims.corpus.spool import Spool

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=20,
)


def _streamed(value):
    """The same value with every list replaced by a StreamedList (read once per encoding)."""
    if isinstance(value, list):
        items = [_streamed(v) for v in value]
        return StreamedList(lambda: iter(items), len(items))
    if isinstance(value, dict):
        return {k: _streamed(v) for k, v in value.items()}
    return value


@settings(max_examples=examples(200), deadline=None)
@given(value=st.dictionaries(st.text(max_size=8), json_values, max_size=5))
def test_write_json_is_json_dumps(tmp_path_factory, value):
    path = tmp_path_factory.mktemp("json") / "manifest.json"
    write_json(path, _streamed(value))
    assert path.read_bytes() == (json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


ids = st.lists(st.sampled_from([f"nc-{i:016x}" for i in range(40)]), unique=True, max_size=30).map(sorted)


@settings(max_examples=examples(200), deadline=None)
@given(before=ids, after=ids, changed=st.sets(st.integers(0, 39)))
def test_merge_diff_is_the_set_diff(tmp_path_factory, before, after, changed):
    def line(doc_id: str, version: int) -> bytes:
        return f'{{"id":"{doc_id}","v":{version}}}\n'.encode()

    old = {i: hashlib.sha256(line(i, 0)).digest() for i in before}
    new = {i: line(i, int(int(i[3:], 16) in changed)) for i in after}
    diff = ParentDiff(tmp_path_factory.mktemp("diff") / ".diff", iter(old.items()))
    try:
        assert list(diff.compare(iter(new.items()))) == list(new.values())
        got = {kind: list(diff.ids(kind)) for kind in diff.counts}
    finally:
        diff.close()
    assert got == {
        "added": sorted(new.keys() - old.keys()),
        "removed": sorted(old.keys() - new.keys()),
        "changed": sorted(i for i in new.keys() & old.keys() if hashlib.sha256(new[i]).digest() != old[i]),
    }
    assert diff.counts == {k: len(v) for k, v in got.items()}
    assert not list(diff.scratch.parent.iterdir())  # scratch files removed


def test_raw_files_table_gives_back_the_same_files(tmp_path):
    raw = tmp_path / "raw"
    for rel, data in {
        "a/b.txt": b"x" * 7,
        "a/b.txt.meta.json": b"{}",
        "c.html": b"<p>",
        "d.jsonl": b"",
        "\u00e9t\u00e9/\u65e5\u672c.txt": b"yy",
        "notes.md": b"n",
        "sources.csv": b"path\n",
    }.items():
        (raw / rel).parent.mkdir(parents=True, exist_ok=True)
        (raw / rel).write_bytes(data)
    (raw / "outside.txt").symlink_to(tmp_path / "elsewhere.txt")
    (tmp_path / "elsewhere.txt").write_text("secret")
    listed = list_raw_files(raw)
    table = RawFiles(raw, listed)
    assert list(table) == listed
    assert table[1:3] == listed[1:3] and table[-1] == listed[-1]
    for i, f in enumerate(table):
        table.set_sha256(i, f.sha256())
    inputs = list(table.inputs())
    assert [(i.path, i.sha256, i.bytes, i.role) for i in inputs] == [
        (f.rel, f.sha256(), f.size, f.role) for f in listed
    ]
    assert any(i.sha256 is None for i in inputs)  # the link outside the raw dir
    # The digest is the one json.dumps of the whole payload gives.
    s = BuildSettings()
    payload = {
        "normalizer_version": recorded_normalizer_version(i.path for i in inputs),  # "+htmlN" with a page
        "settings": s.recorded(),
        "inputs": [[i.path, i.sha256] for i in inputs],
    }
    expected = hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()
    assert input_digest(table, s) == expected


def test_spool_gives_lines_back_in_python_sort_order(tmp_path):
    # Non-ASCII and mixed-width ids: SQLite's BINARY order of UTF-8 must be Python's str order.
    names = ["b", "a", "\u00e9", "Z", "\U0001f600", "\uffff", "a\u0000b", "nc-00ff", "nc-0100", "\u65e5"]
    spool = Spool(tmp_path / ".spool.jsonl")
    try:
        for name in names:
            spool.add(Document(name, f"text of {name}", "x.txt", "0" * 64, "1" * 64))
        assert "a" in spool and "c" not in spool
        near = {"a": [NearDuplicate("b", 0.9)]}
        got = list(spool.sorted_lines(near))
    finally:
        spool.close()
    assert [i for i, _ in got] == sorted(names)
    assert all(json.loads(line)["id"] == i for i, line in got)
    assert json.loads(dict(got)["a"])["near_duplicates"] == [{"id": "b", "similarity": 0.9}]
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # spool and its table removed


def _drafts(n: int, every: int = 50):
    for i in range(n):
        text = f"Report {i}: the council met on day {i % 97} and approved {i * 7 % 1000} projects for district {i}."
        doc = Document(
            f"nc-{i:016x}",
            text,
            f"{i:06d}.txt",
            "0" * 64,
            hashlib.sha256(text.encode()).hexdigest(),
            paragraphs=[Paragraph(0, len(text))],
            language="en",
        )
        yield Draft(doc, None, signature=None)
        if i % every == 0:  # an exact duplicate of it, and an id seen before
            dup = Document(
                f"nc-{i + 10**9:016x}",
                text,
                f"dup-{i}.txt",
                "0" * 64,
                doc.text_sha256,
                paragraphs=[Paragraph(0, len(text))],
            )
            yield Draft(dup, None, signature=None)
            yield Draft(doc, None, signature=None)


def test_deduplicate_rejects_duplicates_and_repeated_ids(tmp_path):
    spool = Spool(tmp_path / ".spool.jsonl")
    try:
        result = deduplicate(_drafts(30, every=10), spool)
        lines = [line for _, line in spool.sorted_lines(result.near)]
        result.index.close()
    finally:
        spool.close()
    assert len(lines) == 30
    reasons = sorted((r.reason, r.raw_path, r.duplicate_of) for r in result.rejects)
    assert reasons == sorted(
        [("duplicate", f"dup-{i}.txt", f"nc-{i:016x}") for i in range(0, 30, 10)]
        + [("id_collision", f"{i:06d}.txt", None) for i in range(0, 30, 10)]
    )


def _peak_of_deduplicate(tmp_path, n: int) -> int:
    spool = Spool(tmp_path / f".spool-{n}.jsonl")
    drafts = list(_drafts(n))  # made before measuring: the stream's items are not the build's state
    tracemalloc.start()
    try:
        result = deduplicate(iter(drafts), spool)
        diff = ParentDiff(tmp_path / f".diff-{n}", iter(()))
        for _ in diff.compare(spool.sorted_lines(result.near)):
            pass
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        result.index.close()
        spool.close()
        diff.close()
    return peak


def test_per_document_state_is_small(tmp_path):
    """What the deduplicate + write steps keep per accepted document (the dicts of ids, offsets,
    text digests and line hashes they replaced kept ~700 bytes)."""
    small, large = _peak_of_deduplicate(tmp_path, 2000), _peak_of_deduplicate(tmp_path, 8000)
    per_document = (large - small) / 6000
    assert per_document < 250, f"{per_document:.0f} bytes of Python state per document"


def test_sorted_keys_find_each_key_and_nothing_else():
    keys = ["b/2.txt", "a/1.txt", "\u00e9t\u00e9.txt", "a/1.txt.x", "", "z\udcff.txt", "\u65e5\u672c/\u6771.txt"]
    found = SortedKeys(keys)
    assert [found.row(k) for k in keys] == list(range(len(keys)))
    for absent in ["a/1.tx", "a/1.txt.", "c.txt", "a\0", "x" * 100]:
        assert absent not in found
    assert "a" not in SortedKeys([]) and len(found) == len(keys)


def test_signature_cache_tells_apart_digests_with_the_same_prefix(tmp_path):
    cache = SignatureCache(tmp_path)
    prefix = bytes(range(8))
    digests = [prefix + bytes([i]) * 24 for i in range(3)] + [bytes([9]) * 32]
    values = [np.full(MINHASH.num_perm, i + 1, dtype=cache.dtype) for i in range(len(digests))]
    cache.path.parent.mkdir(parents=True)
    cache.path.write_bytes(b"".join(d + v.tobytes() for d, v in zip(digests[::-1], values[::-1])))
    cache.load()
    try:
        for d, v in zip(digests, values):
            assert np.array_equal(cache.get(d.hex()), v)
        assert cache.get((prefix + bytes([7]) * 24).hex()) is None
        assert cache.get(bytes(32).hex()) is None
    finally:
        cache.close()
    assert SignatureCache(tmp_path / "none").load().get(bytes(32).hex()) is None  # no file: a miss


def test_input_file_to_dict_is_what_asdict_gives():
    from dataclasses import asdict

    from newsclaims.corpus.filetable import InputFile

    for f in (InputFile("a/b.txt", "ab" * 32, 12, "article"), InputFile("m.meta.json", None, 0, "metadata")):
        assert f.to_dict() == asdict(f) and list(f.to_dict()) == list(asdict(f))
