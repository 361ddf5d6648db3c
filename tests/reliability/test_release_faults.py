"""`newsclaims release` killed with SIGKILL at each stage of its progress, run twice at once, and re-run
over an existing release: never a half release, never an overwritten one."""

from __future__ import annotations

import subprocess
import threading
import time
from pathlib import Path

import pytest

from newsclaims import paths

from .helpers import NEWSCLAIMS, assert_clean_failure, cli_env, kill_at, partial_begun, partial_has, run_cli, started

VERSION = "9.9.9"
# Start-up (imports, reading inputs), then the release directory as it is written.
KILL_POINTS = {
    "start-up": started,
    "release directory begun": partial_begun,
    "agreement written": partial_has("agreement.json"),
    "card written": partial_has("README.md"),
    "manifest written": partial_has("manifest.json"),
}


def release_args(releases: Path, *extra: str) -> list[str]:
    # The committed corpus version and annotation snapshot, read only; the release goes to a temp dir.
    return [
        "release",
        "--version",
        VERSION,
        "--versions-dir",
        str(paths.VERSIONS_DIR),
        "--exports-dir",
        str(paths.EXPORTS_DIR),
        "--releases-dir",
        str(releases),
        *extra,
    ]


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    releases = tmp_path_factory.mktemp("release-reference")
    t0 = time.monotonic()
    proc = run_cli(*release_args(releases))
    assert proc.returncode == 0, proc.stderr
    return releases, tree(releases / VERSION), time.monotonic() - t0


def test_killed_release_builds_leave_no_half_release(reference, tmp_path):
    _, expected, seconds = reference
    releases = tmp_path / "releases"
    landed = []
    for name, point in KILL_POINTS.items():
        proc = subprocess.Popen(
            [str(NEWSCLAIMS), *release_args(releases)],
            env=cli_env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if kill_at(proc, releases, point):
            landed.append(name)
        proc.wait(timeout=60)
        if (releases / VERSION).exists():  # visible means complete
            assert tree(releases / VERSION) == expected
            break
    assert {"start-up", "release directory begun"} <= set(landed), f"kills landed at {landed} ({seconds:.1f} s build)"
    again = run_cli(*release_args(releases))
    assert again.returncode == 0, again.stderr
    assert tree(releases / VERSION) == expected  # same bytes as the uninterrupted build
    assert [p.name for p in releases.iterdir() if ".partial-" in p.name] == []  # leftovers cleaned


def test_an_existing_release_is_never_overwritten(reference, tmp_path):
    releases, expected, _ = reference
    before = {p: p.stat().st_mtime_ns for p in (releases / VERSION).rglob("*")}
    same = run_cli(*release_args(releases))
    assert same.returncode == 0 and "up to date" in same.stdout
    other = run_cli(*release_args(releases, "--splits", "0.5,0.25,0.25"))
    assert_clean_failure(other, f"release {VERSION} already exists", "choose a new version")
    assert tree(releases / VERSION) == expected
    assert {p: p.stat().st_mtime_ns for p in (releases / VERSION).rglob("*")} == before


def test_two_releases_at_once_never_interleave(reference, tmp_path):
    _, expected, _ = reference
    releases = tmp_path / "releases"
    results: list[subprocess.CompletedProcess] = []
    threads = [threading.Thread(target=lambda: results.append(run_cli(*release_args(releases)))) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert any(r.returncode == 0 for r in results), [r.stderr for r in results]
    for r in results:
        if r.returncode != 0:
            assert_clean_failure(r, "another `newsclaims release` is writing to")
    assert tree(releases / VERSION) == expected
    assert sorted(p.name for p in releases.iterdir()) == sorted(["CHANGELOG.md", VERSION])


@pytest.mark.parametrize(
    "option,value",
    [("--version", "../../x"), ("--version", "/etc"), ("--corpus-version", "../../x"), ("--snapshot", "../x")],
)
def test_path_like_names_are_refused(tmp_path, option, value):
    args = release_args(tmp_path / "releases")
    if option == "--version":
        args[args.index("--version") + 1] = value
    else:
        args += [option, value]
    assert_clean_failure(run_cli(*args), "invalid version name")
    assert not (tmp_path / "releases").exists() or list((tmp_path / "releases").iterdir()) == []
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize("value", ["../../x", "ABSOLUTE"])
def test_corpus_build_refuses_path_like_versions(tmp_path, value):
    # The absolute name points into this test's own folder, so a /tmp/x left by someone else
    # cannot make the test fail (or pass).
    absolute = tmp_path / "elsewhere" / "x"
    value = str(absolute) if value == "ABSOLUTE" else value
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text("The council approved the budget on Monday after a long debate.", encoding="utf-8")
    proc = run_cli("corpus", "build", "--raw", str(raw), "--out", str(tmp_path / "versions"), "--version", value)
    assert_clean_failure(proc, "invalid version name")
    assert not (tmp_path / "x").exists() and not absolute.exists()
    assert (
        not (tmp_path / "versions").exists()
        or [p for p in (tmp_path / "versions").iterdir() if not p.name.startswith(".")] == []
    )
