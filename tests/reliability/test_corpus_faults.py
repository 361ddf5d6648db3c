"""`corpus build` killed with SIGKILL at each stage of its progress, and two builds at once.

Each kill: no partial version becomes visible; the re-run cleans up and writes exactly the
bytes of an uninterrupted build."""

from __future__ import annotations

import random
import subprocess
import threading
import time
from pathlib import Path

import pytest

from newsclaims.corpus.versions import latest_version, list_versions

from .helpers import NEWSCLAIMS, assert_clean_failure, cli_env, kill_at, partial_begun, partial_has, run_cli, started

OUTPUTS = ("documents.jsonl", "rejects.jsonl", "manifest.json")


def _articles(raw: Path, n: int) -> None:
    rng = random.Random(11)
    words = (
        "council budget minister talks ceasefire report village river school market police court "
        "harbour election drought vaccine railway bridge treaty"
    ).split()
    for i in range(n):
        text = "\n\n".join(" ".join(rng.choice(words) for _ in range(50)).capitalize() + "." for _ in range(6))
        (raw / f"article_{i:04d}.txt").write_text(text, encoding="utf-8")
    (raw / "bad.txt").write_bytes(b"\x00\x01\x02" * 50)
    (raw / "notes.docx").write_bytes(b"PK\x03\x04")


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """A raw folder and its uninterrupted build: (raw dir, version dir, seconds it took)."""
    base = tmp_path_factory.mktemp("corpus-faults")
    raw = base / "raw"
    raw.mkdir()
    _articles(raw, 250)
    t0 = time.monotonic()
    proc = run_cli("corpus", "build", "--raw", str(raw), "--out", str(base / "reference"))
    assert proc.returncode == 0, proc.stderr
    return raw, base / "reference" / "v1", time.monotonic() - t0


def _start_build(raw: Path, out: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [str(NEWSCLAIMS), "corpus", "build", "--raw", str(raw), "--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=cli_env(),
    )


def _assert_only_complete_versions(out: Path, reference: Path) -> None:
    for version in list_versions(out):
        for name in OUTPUTS:  # a version that is visible at all is the whole version
            assert (out / version / name).read_bytes() == (reference / name).read_bytes(), (version, name)
    visible = [p.name for p in out.iterdir() if not p.name.startswith(".")] if out.exists() else []
    assert set(visible) <= {"v1", "LATEST"}, visible


# Start-up (imports), the version directory begun, documents being processed, the documents file
# being written, the manifest written just before the final rename.
KILL_POINTS = {
    "start-up": started,
    "version directory begun": partial_begun,
    "documents processed": partial_has(".spool.jsonl", nonempty=True),
    "documents file written": partial_has("documents.jsonl"),
    "manifest written": partial_has("manifest.json"),
}


def test_killed_builds_leave_nothing_partial_and_the_rerun_matches(reference, tmp_path):
    raw, ref, seconds = reference
    out = tmp_path / "versions"
    landed = []
    for name, marker in KILL_POINTS.items():
        proc = _start_build(raw, out)
        if kill_at(proc, out, marker):
            landed.append(name)
        proc.communicate(timeout=120)
        _assert_only_complete_versions(out, ref)
        if latest_version(out) is not None:
            break  # it got to the end: later kills would only hit "nothing changed"
    assert {"start-up", "version directory begun", "documents processed"} <= set(landed), (
        f"kills landed at {landed} during a build of {seconds:.1f} s"
    )

    again = run_cli("corpus", "build", "--raw", str(raw), "--out", str(out))
    assert again.returncode == 0, again.stderr
    assert list_versions(out) == ["v1"] and latest_version(out) == "v1"
    for name in OUTPUTS:
        assert (out / "v1" / name).read_bytes() == (ref / name).read_bytes(), name
    leftovers = [p for p in out.rglob("*") if ".partial-" in p.name]
    assert leftovers == [], leftovers
    # And once more: nothing changed, nothing written, still one version.
    third = run_cli("corpus", "build", "--raw", str(raw), "--out", str(out))
    assert third.returncode == 0 and "nothing changed since v1" in third.stdout
    assert list_versions(out) == ["v1"]


def test_two_builds_at_once_never_interleave(reference, tmp_path):
    raw, ref, _ = reference
    out = tmp_path / "versions"
    results: list[subprocess.CompletedProcess] = []

    def build():
        results.append(run_cli("corpus", "build", "--raw", str(raw), "--out", str(out)))

    threads = [threading.Thread(target=build) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ok = [r for r in results if r.returncode == 0]
    refused = [r for r in results if r.returncode != 0]
    assert ok, [r.stderr for r in results]
    for r in refused:  # the loser is told why, without a traceback
        assert_clean_failure(r, "another corpus build is writing to", str(out))
    # Whoever ran second either saw the lock or found "nothing changed": one version, complete.
    assert list_versions(out) == ["v1"]
    for name in OUTPUTS:
        assert (out / "v1" / name).read_bytes() == (ref / name).read_bytes(), name
