"""`build_corpus` end to end on raw folders full of awkward inputs."""

from __future__ import annotations

import json
import os
import shutil

import pytest

from newsclaims.corpus.build import BuildSettings, build_corpus
from newsclaims.corpus.errors import CorpusError, RawDirMissingError, VersionConflictError
from newsclaims.corpus.read import document_id
from newsclaims.corpus.versions import latest_version, load_documents, load_rejects, read_manifest
from newsclaims.errors import NewsclaimsError
from newsclaims.fsutil import sha256_file

from .samples import FOREIGN, SEED_000, SEED_002

MAX_BYTES = 50_000

HTML = """<!doctype html><html><head><title>Talks stall in Geneva | The Daily Wire Service</title>
<meta property="og:site_name" content="The Daily Wire Service">
<meta property="article:published_time" content="2025-09-24T08:00:00+00:00">
<link rel="canonical" href="https://news.example.com/geneva-talks"></head>
<body><nav><a href="/">Home</a> | <a href="/world">World</a></nav>
<article><h1>Talks stall in Geneva</h1>
<p>Negotiators meeting in Geneva failed on Wednesday to agree on a timetable for the next round of talks, officials said.</p>
<h2>What was agreed</h2>
<p>Both delegations said they would keep technical working groups in place and exchange lists of prisoners within a month.</p>
<ul><li>A prisoner exchange within thirty days</li><li>Technical groups stay in place</li></ul>
<p>“We are closer than we were,” one diplomat said — but declined to give details.</p></article>
<footer>© 2025 The Daily Wire Service. All rights reserved.</footer></body></html>"""


def _article(n: int) -> str:
    return (
        f"Report number {n}: the regional council met on Monday to discuss the budget for the coming year. "
        f"Members approved {n + 3} new projects and rejected a proposal to raise local taxes. "
        "The mayor said the decisions would help schools and hospitals across the district."
    )


@pytest.fixture
def messy_raw(raw_dir, tmp_path):
    """The seeds plus one file of every awkward kind the issue lists."""
    r = raw_dir
    (r / "empty.txt").write_bytes(b"")
    (r / "whitespace.txt").write_bytes(b"  \n\t\r\n \xe2\x80\x8b \n")
    (r / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (r / "nul.txt").write_bytes(_article(1).encode() * 3 + b"\x00" + b"tail.\n")
    (r / "undecodable.txt").write_bytes(bytes(range(0x80, 0x100)) * 8)
    (r / "notes.docx").write_bytes(b"PK\x03\x04 whatever")
    (r / "big.txt").write_text(_article(2) * 300, encoding="utf-8")
    shutil.copy(r / SEED_000, r / "copy of seed 000.txt")  # duplicate under another name, with spaces
    (r / "Київ новини.txt").write_text(FOREIGN["uk"] + "\n\nЦе окремий матеріал.", encoding="utf-8")  # Cyrillic name
    (r / "sub dir").mkdir()
    (r / "sub dir" / "report.txt").write_text(_article(3), encoding="utf-8")
    for lang, text in FOREIGN.items():
        encoding = {"ru": "cp1251", "fr": "cp1252"}.get(lang, "utf-8")
        (r / f"foreign_{lang}.txt").write_bytes(text.encode(encoding))
    (r / "page.html").write_text(HTML, encoding="utf-8")
    (r / "page.html.meta.json").write_text(json.dumps({"license": "CC-BY-4.0", "retrieved": "2025-09-25"}))
    (r / "records.jsonl").write_text(
        json.dumps(
            {
                "id": "a",
                "text": _article(4),
                "title": "Council budget",
                "url": "https://x.example/a",
                "date": "2025-09-20T10:00:00Z",
            }
        )
        + "\n"
        + "this is not json\n"
        + json.dumps({"id": "b", "title": "no text field"})
        + "\n"
        + json.dumps({"id": "a", "text": "Same key again."})
        + "\n"
        + "\n"
        + json.dumps({"text": _article(5), "date": "last Tuesday"})
        + "\n",
        encoding="utf-8",
    )
    (r / "broken.meta.json").write_text("{not json")
    (r / "sources.csv").write_text(
        f"path,url,outlet,license,retrieved\n{SEED_002},https://example.org/002,Example Outlet,,2025-09-24\n"
    )
    outside = tmp_path / "outside.txt"
    outside.write_text("secret text outside the raw folder", encoding="utf-8")
    os.symlink(outside, r / "link.txt")
    return r


@pytest.fixture
def messy_build(messy_raw, out_dir):
    summary = build_corpus(messy_raw, out_dir, settings=BuildSettings(max_bytes=MAX_BYTES))
    docs = {d.id: d for d in load_documents(summary.version, out_dir)}
    rejects = load_rejects(summary.version, out_dir)
    return summary, docs, rejects


def _rejected(rejects, path):
    return sorted(r["reason"] for r in rejects if r["raw_path"] == path)


def test_every_raw_file_is_a_document_a_reject_or_metadata(messy_raw, out_dir, messy_build):
    summary, docs, rejects = messy_build
    manifest = read_manifest(summary.version, out_dir)
    on_disk = sorted(p.relative_to(messy_raw).as_posix() for p in messy_raw.rglob("*") if p.is_file() or p.is_symlink())
    assert sorted(i["path"] for i in manifest["inputs"]) == on_disk
    in_docs = {d.raw_path for d in docs.values()}
    in_rejects = {r["raw_path"] for r in rejects}
    metadata = {i["path"] for i in manifest["inputs"] if i["role"] == "metadata"}
    assert metadata == {"page.html.meta.json", "broken.meta.json", "sources.csv"}
    assert set(on_disk) - metadata <= in_docs | in_rejects
    assert "broken.meta.json" in in_rejects
    counts = manifest["counts"]
    assert counts["documents"] == len(docs) == summary.accepted
    assert counts["rejects"] == len(rejects) == sum(summary.rejected_by_reason.values())


@pytest.mark.parametrize(
    "path,reasons",
    [
        ("empty.txt", ["empty"]),
        ("whitespace.txt", ["empty"]),
        ("image.txt", ["binary"]),
        ("nul.txt", ["nul_bytes"]),
        ("undecodable.txt", ["undecodable"]),
        ("notes.docx", ["unknown_extension"]),
        ("big.txt", ["too_large"]),
        ("link.txt", ["symlink_outside_raw"]),
        ("broken.meta.json", ["bad_sidecar"]),
        ("records.jsonl", ["bad_record", "bad_record", "duplicate_record_id"]),
    ],
)
def test_bad_inputs_are_rejected_with_their_reason(messy_build, path, reasons):
    _, _, rejects = messy_build
    assert _rejected(rejects, path) == reasons
    for r in rejects:
        if r["raw_path"] == path:
            assert r["detail"]


def test_symlink_target_outside_raw_is_never_read(messy_build):
    _, docs, rejects = messy_build
    assert not any("secret text" in d.text for d in docs.values())
    (link,) = [r for r in rejects if r["raw_path"] == "link.txt"]
    assert link["raw_sha256"] is None


def test_duplicate_under_another_name_points_to_the_kept_document(messy_build):
    summary, docs, rejects = messy_build
    (dup,) = [r for r in rejects if r["reason"] == "duplicate"]
    assert dup["raw_path"] == "copy of seed 000.txt"
    assert dup["duplicate_of"] == document_id(SEED_000) and dup["duplicate_of"] in docs
    assert summary.duplicates == 1


@pytest.mark.parametrize("lang", sorted(FOREIGN))
def test_non_english_articles_are_accepted_with_their_language(messy_build, lang):
    _, docs, _ = messy_build
    doc = docs[document_id(f"foreign_{lang}.txt")]
    assert doc.language == lang
    assert doc.text == FOREIGN[lang]  # cp1251 / cp1252 inputs decoded right


def test_languages_are_counted_in_the_summary(messy_build):
    summary, docs, _ = messy_build
    assert summary.languages["uk"] == 2 and summary.languages["ru"] == 1
    assert sum(summary.languages.values()) == len(docs)


def test_odd_file_names_keep_their_path_and_get_stable_ids(messy_build):
    _, docs, _ = messy_build
    for path in ("Київ новини.txt", "sub dir/report.txt"):
        doc = docs[document_id(path)]
        assert doc.raw_path == path


def test_html_main_text_metadata_and_sidecar(messy_build, messy_raw):
    _, docs, _ = messy_build
    doc = docs[document_id("page.html")]
    assert doc.format == "html"
    assert doc.title == "Talks stall in Geneva" and doc.title_source == "h1"  # the page's one <h1>
    assert doc.source == "The Daily Wire Service" and doc.url == "https://news.example.com/geneva-talks"
    assert doc.date == "2025-09-24"
    assert (doc.license, doc.retrieved) == ("CC-BY-4.0", "2025-09-25")
    assert "Home" not in doc.text and "All rights reserved" not in doc.text
    assert "“We are closer than we were,” one diplomat said — but" in doc.text
    kinds = [(p.kind, doc.text[p.start : p.end]) for p in doc.paragraphs]
    assert ("heading", "What was agreed") in kinds
    assert ("list_item", "A prisoner exchange within thirty days") in kinds
    assert doc.raw_sha256 == sha256_file(messy_raw / "page.html")


def test_jsonl_records_become_documents_with_their_metadata(messy_build):
    _, docs, rejects = messy_build
    a = docs[document_id("records.jsonl", "a")]
    assert (a.title, a.title_source, a.url, a.date) == ("Council budget", "record", "https://x.example/a", "2025-09-20")
    last = docs[document_id("records.jsonl", "line:6")]  # line 5 is blank
    assert last.date is None and last.removed["unparsed_date"] == "last Tuesday"
    assert last.title_source == "first_sentence"
    assert sorted(r["record"] for r in rejects if r["raw_path"] == "records.jsonl") == [2, 3, 4]


def test_sources_csv_fills_outlet_but_text_header_is_still_removed(messy_build):
    _, docs, _ = messy_build
    doc = docs[document_id(SEED_002)]
    assert (doc.source, doc.url, doc.retrieved) == ("Example Outlet", "https://example.org/002", "2025-09-24")
    assert doc.dateline == "ISLAMABAD" and doc.removed["header"] == "ISLAMABAD —"


def test_documents_are_sorted_and_offsets_valid(messy_build, out_dir):
    summary, docs, _ = messy_build
    lines = (out_dir / summary.version / "documents.jsonl").read_text(encoding="utf-8").splitlines()
    ids = [json.loads(line)["id"] for line in lines]
    assert ids == sorted(ids) and len(ids) == len(set(ids))
    for line in lines:
        assert list(json.loads(line)) == sorted(json.loads(line))
    for doc in docs.values():
        assert doc.paragraphs and all(0 <= p.start < p.end <= len(doc.text) for p in doc.paragraphs)


def test_two_builds_are_byte_identical_also_with_workers(messy_raw, tmp_path):
    outs = []
    for i, workers in enumerate((1, 1, 2)):
        out = tmp_path / f"out{i}"
        build_corpus(messy_raw, out, settings=BuildSettings(max_bytes=MAX_BYTES, workers=workers))
        outs.append(out / "v1")
    for name in ("documents.jsonl", "rejects.jsonl", "manifest.json"):
        contents = {(o / name).read_bytes() for o in outs}
        assert len(contents) == 1, name


def test_manifest_records_hashes_of_inputs_and_outputs(raw_dir, out_dir):
    summary = build_corpus(raw_dir, out_dir)
    m = read_manifest(summary.version, out_dir)
    assert m["version"] == "v1" and m["parent"] is None and m["normalizer_version"]
    for entry in m["inputs"]:
        assert entry["sha256"] == sha256_file(raw_dir / entry["path"])
    for name, out in m["outputs"].items():
        assert out["sha256"] == sha256_file(out_dir / "v1" / name)
    assert m["diff"] == {"added": sorted([document_id(SEED_000), document_id(SEED_002)]), "removed": [], "changed": []}


def test_nothing_changed_writes_nothing(raw_dir, out_dir):
    first = build_corpus(raw_dir, out_dir)
    before = sorted(p.name for p in out_dir.iterdir())
    second = build_corpus(raw_dir, out_dir)
    assert first.written and not second.written and "nothing changed since v1" in second.message
    assert sorted(p.name for p in out_dir.iterdir()) == before
    assert latest_version(out_dir) == "v1"


def test_next_version_has_parent_diff_and_stable_ids(raw_dir, out_dir):
    build_corpus(raw_dir, out_dir)
    v1 = {d.id: d for d in load_documents("v1", out_dir)}
    (raw_dir / SEED_000).write_text(
        (raw_dir / SEED_000).read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8"
    )
    (raw_dir / SEED_002).unlink()
    (raw_dir / "new.txt").write_text(_article(9), encoding="utf-8")
    summary = build_corpus(raw_dir, out_dir)
    assert summary.version == "v2" and summary.parent == "v1"
    m = read_manifest("v2", out_dir)
    assert m["parent"] == "v1"
    assert m["diff"] == {
        "added": [document_id("new.txt")],
        "removed": [document_id(SEED_002)],
        "changed": [document_id(SEED_000)],
    }
    v2 = {d.id: d for d in load_documents("v2", out_dir)}
    assert v2[document_id(SEED_000)].text.endswith("One more line.")
    assert v1[document_id(SEED_000)].id == document_id(SEED_000)
    assert latest_version(out_dir) == "v2" and (out_dir / "LATEST").read_text() == "v2\n"
    assert (out_dir / "v1" / "documents.jsonl").is_file()  # the old version is untouched


def test_rebuilding_an_existing_version_with_other_content_is_refused(raw_dir, out_dir):
    build_corpus(raw_dir, out_dir, version="v1")
    documents_before = (out_dir / "v1" / "documents.jsonl").read_bytes()
    again = build_corpus(raw_dir, out_dir, version="v1")
    assert not again.written and "already exists" in again.message
    (raw_dir / "new.txt").write_text(_article(1), encoding="utf-8")
    with pytest.raises(VersionConflictError, match="immutable"):
        build_corpus(raw_dir, out_dir, version="v1")
    assert issubclass(VersionConflictError, NewsclaimsError)
    assert (out_dir / "v1" / "documents.jsonl").read_bytes() == documents_before


def test_named_version_and_bad_names(raw_dir, out_dir):
    summary = build_corpus(raw_dir, out_dir, version="2025-09-release")
    assert summary.version == "2025-09-release" and latest_version(out_dir) == "2025-09-release"
    with pytest.raises(CorpusError):
        build_corpus(raw_dir, out_dir, version="../escape")
    with pytest.raises(RawDirMissingError):
        build_corpus(raw_dir / "missing", out_dir)


def test_near_duplicates_are_linked_both_ways(raw_dir, out_dir):
    base = " ".join(_article(n) for n in range(6))
    (raw_dir / "wire.txt").write_text(base, encoding="utf-8")
    (raw_dir / "wire-edited.txt").write_text(base.replace("Report number 5", "Report no. 5"), encoding="utf-8")
    summary = build_corpus(raw_dir, out_dir)
    docs = {d.id: d for d in load_documents(summary.version, out_dir)}
    a, b = docs[document_id("wire.txt")], docs[document_id("wire-edited.txt")]
    assert [n.id for n in a.near_duplicates] == [b.id] and [n.id for n in b.near_duplicates] == [a.id]
    assert 0.8 <= a.near_duplicates[0].similarity == b.near_duplicates[0].similarity < 1.0
    assert docs[document_id(SEED_000)].near_duplicates == []
    assert summary.near_duplicate_pairs == 1


def test_same_text_after_normalization_is_an_exact_duplicate(raw_dir, out_dir):
    text = _article(7)
    (raw_dir / "a.txt").write_text(text, encoding="utf-8")
    (raw_dir / "b.txt").write_bytes(("\ufeff  " + text.replace(" ", "  ") + "\r\n\r\n").encode("utf-8"))
    summary = build_corpus(raw_dir, out_dir)
    (dup,) = [r for r in load_rejects(summary.version, out_dir) if r["reason"] == "duplicate"]
    assert (dup["raw_path"], dup["duplicate_of"]) == ("b.txt", document_id("a.txt"))
