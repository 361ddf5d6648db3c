"""`newsclaims publish --dry-run`: lists the files and checks the card offline; nothing is sent.
(Only --dry-run and the refusals before any network call are tested: no network here.)"""

from __future__ import annotations

import shutil

from newsclaims.cli import main


def _built(workspace) -> str:
    args = ["release", "--version", "1.0.0", *workspace.cli_inputs(), "--releases-dir", str(workspace.releases_dir)]
    assert main(args) == 0
    return str(workspace.releases_dir / "1.0.0")


def test_dry_run_lists_every_file_and_passes_a_good_card(workspace, capsys, monkeypatch):
    release = _built(workspace)
    monkeypatch.setenv("HF_TOKEN", "hf_secret_value_never_printed")
    capsys.readouterr()
    assert main(["publish", "--release", release, "--repo-id", "someone/newsclaims", "--dry-run"]) == 0
    out = capsys.readouterr()
    for name in ("README.md", "manifest.json", "splits.json", "claims/train-00000-of-00001.parquet"):
        assert name in out.out
    assert "nothing uploaded" in out.out and "hf_secret" not in out.out + out.err
    # By version under --releases-dir, too.
    args = [
        "publish",
        "--release",
        "1.0.0",
        "--releases-dir",
        str(workspace.releases_dir),
        "--repo-id",
        "a/b",
        "--dry-run",
    ]
    assert main(args) == 0


def test_card_problems_and_bad_repo_ids_are_refused(workspace, tmp_path, capsys):
    release = tmp_path / "copy"
    shutil.copytree(_built(workspace), release)
    readme = release / "README.md"
    readme.write_text(readme.read_text().replace("license: cc-by-4.0", "license: other", 1))
    (release / "ner" / "train-00000-of-00001.parquet").unlink()
    capsys.readouterr()
    assert main(["publish", "--release", str(release), "--repo-id", "someone/newsclaims", "--dry-run"]) == 1
    err = capsys.readouterr().err
    assert "license: other" in err and "config ner split train" in err
    assert main(["publish", "--release", str(release), "--repo-id", "not a repo", "--dry-run"]) == 2


def test_publishing_without_a_token_stops_before_any_request(workspace, capsys, monkeypatch):
    release = _built(workspace)
    for var in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    assert main(["publish", "--release", release, "--repo-id", "someone/newsclaims"]) == 2
    assert "no Hugging Face token" in capsys.readouterr().err
