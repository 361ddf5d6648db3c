"""Rebuilding an existing release compares every file: identical -> up to date; different -> the
files, data or metadata, and a non-zero exit unless another builder made the release (said plainly)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from newsclaims.cli import main
from newsclaims.release.builder import code_sha256

from .builders import write_corpus
from .test_seed_release import INPUTS, ROOT


def _release(ws, version="1.0.0", *extra) -> int:
    return main(["release", "--version", version, *ws.cli_inputs(), "--releases-dir", str(ws.releases_dir), *extra])


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _edit_manifest(release: Path, edit) -> None:
    m = json.loads((release / "manifest.json").read_text())
    edit(m)
    (release / "manifest.json").write_text(json.dumps(m, indent=2, sort_keys=True) + "\n")


def test_manifest_records_the_builder(workspace):
    assert _release(workspace) == 0
    m = json.loads((workspace.releases_dir / "1.0.0" / "manifest.json").read_text())
    assert m["builder"]["code_sha256"] == code_sha256() and len(code_sha256()) == 64
    assert m["builder"]["tools"]["pyarrow"] and m["builder"]["newsclaims"]


def test_changed_data_under_the_same_builder_fails_naming_the_files(workspace, capsys):
    assert _release(workspace) == 0
    release = workspace.releases_dir / "1.0.0"
    parquet = next(release.glob("claims/*.parquet"))
    parquet.write_bytes(parquet.read_bytes() + b"\0")
    before = _files(release)
    assert _release(workspace) == 1
    err = capsys.readouterr().err
    assert f"changed: {parquet.relative_to(release).as_posix()}" in err and "the data changed" in err
    assert "up to date" not in err
    assert _files(release) == before


def test_another_builder_is_said_plainly_and_strict_mode_fails(workspace, capsys):
    assert _release(workspace) == 0
    release = workspace.releases_dir / "1.0.0"
    readme = release / "README.md"
    readme.write_text(readme.read_text() + "\nan older builder's sentence\n")
    _edit_manifest(release, lambda m: m["builder"].update(code_sha256="f" * 64))
    capsys.readouterr()
    assert _release(workspace) == 0
    out = capsys.readouterr().out
    assert "built by a different builder" in out and "release code ffffffffffff vs" in out
    assert "README.md" in out and "only metadata changed" in out and "up to date" not in out
    assert _release(workspace, "1.0.0", "--strict") == 1
    # A manifest from before builder records (releases/0.1.0 and 0.2.0) says so.
    _edit_manifest(release, lambda m: m.pop("builder"))
    assert _release(workspace) == 0
    assert "records no builder" in capsys.readouterr().out


def test_an_existing_version_is_rebuilt_from_its_recorded_inputs_not_latest(workspace, capsys):
    assert _release(workspace) == 0
    write_corpus(workspace.versions_dir, list(workspace.docs.values())[:3], version="v2")  # LATEST -> v2
    capsys.readouterr()
    assert _release(workspace) == 0
    assert "up to date" in capsys.readouterr().out
    assert _release(workspace, "1.0.0", "--corpus-version", "v2") == 2
    assert "built from corpus version v1, not v2" in capsys.readouterr().err


def test_the_committed_releases_rebuild_or_say_which_builder_made_them(tmp_path, capsys):
    releases = tmp_path / "releases"
    shutil.copytree(ROOT / "releases", releases)
    before = _files(releases)
    for version in sorted(p.name for p in (ROOT / "releases").iterdir() if (p / "manifest.json").is_file()):
        code = main(["release", "--version", version, *INPUTS, "--releases-dir", str(releases)])
        out = capsys.readouterr().out
        recorded = json.loads((releases / version / "manifest.json").read_text()).get("builder")
        if recorded and recorded["code_sha256"] == code_sha256():
            assert code == 0 and "up to date" in out, out
        else:  # made by other code: said plainly (the same files, or other ones), left alone
            said = ("built by a different builder", "differs only in its builder record")
            assert code == 0 and any(s in out for s in said), out
    assert _files(releases) == before


def test_other_code_writing_the_same_files_is_not_a_difference_even_when_strict(workspace, capsys):
    assert _release(workspace) == 0
    release = workspace.releases_dir / "1.0.0"
    _edit_manifest(release, lambda m: m["builder"].update(code_sha256="e" * 64))
    capsys.readouterr()
    assert _release(workspace, "1.0.0", "--strict") == 0
    out = capsys.readouterr().out
    assert "every file byte-identical except manifest.json" in out and "release code eeeeeeeeeeee vs" in out
    # Anything else in the manifest that differs is a difference.
    _edit_manifest(release, lambda m: m.update(changelog=["edited"]))
    assert _release(workspace, "1.0.0", "--strict") == 1
