"""The real `newsclaims corpus build` command: summary, errors, and being killed mid-build."""

from __future__ import annotations

import contextlib
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from newsclaims.corpus.versions import latest_version, list_versions

NEWSCLAIMS = Path(sys.executable).parent / "newsclaims"


def _run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(NEWSCLAIMS), *args], capture_output=True, text=True, timeout=300, cwd=cwd)


def test_build_prints_a_summary_then_says_nothing_changed(raw_dir, out_dir):
    (raw_dir / "notes.bin").write_bytes(b"\x00\x01")
    first = _run("corpus", "build", "--raw", str(raw_dir), "--out", str(out_dir))
    assert first.returncode == 0, first.stderr
    assert f"corpus v1 written to {out_dir / 'v1'}" in first.stdout
    assert "accepted         2 documents" in first.stdout
    assert "rejected         1  (unknown_extension 1)" in first.stdout
    assert "languages        en 2" in first.stdout
    second = _run("corpus", "build", "--raw", str(raw_dir), "--out", str(out_dir))
    assert second.returncode == 0 and "nothing changed since v1; nothing written" in second.stdout
    assert list_versions(out_dir) == ["v1"]


def test_expected_failures_are_one_line_errors_not_tracebacks(raw_dir, out_dir, tmp_path):
    missing = _run("corpus", "build", "--raw", str(tmp_path / "nope"), "--out", str(out_dir))
    assert missing.returncode == 2 and "newsclaims: error: raw directory" in missing.stderr
    assert "Traceback" not in missing.stderr
    assert _run("corpus", "build", "--raw", str(raw_dir), "--out", str(out_dir), "--version", "v1").returncode == 0
    (raw_dir / "more.txt").write_text("Another article about the council budget meeting.", encoding="utf-8")
    conflict = _run("corpus", "build", "--raw", str(raw_dir), "--out", str(out_dir), "--version", "v1")
    assert conflict.returncode == 2 and "already exists with different content" in conflict.stderr
    assert "Traceback" not in conflict.stderr


def test_help_lists_the_options():
    out = _run("corpus", "build", "--help").stdout
    for option in ("--raw", "--out", "--version", "--max-bytes", "--workers"):
        assert option in out


def _many_articles(raw: Path, n: int) -> None:
    rng = random.Random(7)
    words = "council budget minister talks ceasefire report village river school market police court".split()
    for i in range(n):
        text = "\n\n".join(" ".join(rng.choice(words) for _ in range(60)).capitalize() + "." for _ in range(8))
        (raw / f"article_{i:04d}.txt").write_text(text, encoding="utf-8")


def test_a_killed_build_leaves_no_partial_version(raw_dir, out_dir):
    articles = 400
    _many_articles(raw_dir, articles)
    proc = subprocess.Popen(
        [str(NEWSCLAIMS), "corpus", "build", "--raw", str(raw_dir), "--out", str(out_dir)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    try:
        # Kill once documents are being processed into the version directory (its spool has grown).
        while not any(p.stat().st_size for p in out_dir.glob(".v1.partial-*/.spool.jsonl")):
            with contextlib.suppress(subprocess.TimeoutExpired):  # wait on the process, briefly
                proc.wait(timeout=0.01)
            assert proc.poll() is None, "build finished before it could be killed; make the input bigger"
            assert time.monotonic() < deadline, "build never started writing"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    assert not (out_dir / "v1").exists() and not (out_dir / "LATEST").exists()
    assert latest_version(out_dir) is None and list_versions(out_dir) == []
    # The next build cleans the leftover and writes a complete version.
    again = _run("corpus", "build", "--raw", str(raw_dir), "--out", str(out_dir))
    assert again.returncode == 0, again.stderr
    assert list_versions(out_dir) == ["v1"] and not list(out_dir.glob(".*partial*"))
    assert f"accepted         {articles + 2} documents" in again.stdout  # and the two seed copies
