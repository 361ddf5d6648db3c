"""Release folders: reproducible, immutable, atomic, with manifest, changelog and data card."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsclaims.cli import main
from newsclaims.fsutil import sha256_file
from newsclaims.release import plots

from .builders import claim, make_workspace, record


def _release(ws, version="0.1.0", releases_dir=None, *extra) -> int:
    return main(
        [
            "release",
            "--version",
            version,
            *ws.cli_inputs(),
            "--releases-dir",
            str(releases_dir or ws.releases_dir),
            *extra,
        ]
    )


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_two_builds_are_byte_identical(workspace, tmp_path):
    assert _release(workspace, "0.1.0", tmp_path / "one") == 0
    assert _release(workspace, "0.1.0", tmp_path / "two") == 0
    one, two = _files(tmp_path / "one" / "0.1.0"), _files(tmp_path / "two" / "0.1.0")
    assert set(one) >= {
        "README.md",
        "manifest.json",
        "agreement.json",
        "review.jsonl",
        "claims/train-00000-of-00001.parquet",
        "plots/label_distribution.png",
    }
    assert one.keys() == two.keys()
    for name in one:
        assert one[name] == two[name], f"{name} differs between two builds"
    assert (tmp_path / "one" / "CHANGELOG.md").read_bytes() == (tmp_path / "two" / "CHANGELOG.md").read_bytes()


def test_manifest_hashes_every_input_and_output(workspace):
    assert _release(workspace) == 0
    release = workspace.releases_dir / "0.1.0"
    m = json.loads((release / "manifest.json").read_text())
    corpus_dir = workspace.versions_dir / "v1"
    assert m["inputs"]["files"]["corpus"]["documents.jsonl"] == sha256_file(corpus_dir / "documents.jsonl")
    snapshot = (workspace.exports_dir / "LATEST").read_text().strip()
    for name in ("annotations.jsonl", "export.json", "snapshot.json"):
        assert m["inputs"]["files"]["annotations"][name] == sha256_file(workspace.exports_dir / snapshot / name)
    assert m["inputs"]["files"]["taxonomy"]["taxonomy.yaml"] == sha256_file(workspace.taxonomy_file)
    outputs = {p.relative_to(release).as_posix() for p in release.rglob("*") if p.is_file()} - {"manifest.json"}
    assert set(m["outputs"]) == outputs
    for name, digest in m["outputs"].items():
        assert sha256_file(release / name) == digest
    assert m["tools"]["datasets"] and m["tools"]["pyarrow"]
    assert str(workspace.root) not in (release / "manifest.json").read_text()  # no machine paths


def test_existing_release_is_never_overwritten(workspace, tmp_path, capsys):
    assert _release(workspace) == 0
    release = workspace.releases_dir / "0.1.0"
    before = _files(release)
    # Same inputs again: nothing to do, nothing written.
    assert _release(workspace) == 0
    assert "up to date" in capsys.readouterr().out
    # Different inputs under the same version: refused with a clear message.
    docs = workspace.docs
    extra = record(docs["d"], "annotator-1", 99, claims=[claim(docs["d"], "said Governor Andrew Bailey", "x1")])
    ws2 = make_workspace(tmp_path / "ws2", docs, [*workspace.records, extra])
    assert _release(ws2, "0.1.0", workspace.releases_dir) == 2
    err = capsys.readouterr().err
    assert "already exists" in err and "immutable" in err and "Traceback" not in err
    assert _files(release) == before
    # A new version is fine, and the changelog lists both once.
    assert _release(ws2, "0.2.0", workspace.releases_dir) == 0
    changelog = (workspace.releases_dir / "CHANGELOG.md").read_text()
    assert changelog.count("## 0.2.0") == 1 and changelog.count("## 0.1.0") == 1
    assert changelog.index("## 0.2.0") < changelog.index("## 0.1.0")
    assert "since 0.1.0: +0 / -0 documents" in changelog


def test_same_inputs_rebuild_is_compared_file_by_file(workspace, capsys):
    assert _release(workspace) == 0
    release = workspace.releases_dir / "0.1.0"
    capsys.readouterr()
    assert _release(workspace) == 0
    assert "up to date" in capsys.readouterr().out
    # An existing release whose bytes differ from what the same builder makes from the same inputs
    # (here: its recorded digest was edited) is reported with the files that differ, never rewritten.
    manifest = json.loads((release / "manifest.json").read_text())
    manifest["content_sha256"] = "0" * 64
    (release / "manifest.json").write_text(json.dumps(manifest))
    before = _files(release)
    assert _release(workspace) == 1
    err = capsys.readouterr().err
    assert "changed: manifest.json" in err and "only metadata changed" in err and "same builder" in err
    assert "up to date" not in err and "Traceback" not in err
    assert _files(release) == before
    assert not [p for p in workspace.releases_dir.iterdir() if ".partial-" in p.name]


def test_interrupted_build_leaves_nothing(workspace, monkeypatch):
    def boom(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(plots, "claims_per_document", boom)
    assert _release(workspace) == 130
    leftovers = list(workspace.releases_dir.iterdir()) if workspace.releases_dir.exists() else []
    assert leftovers == []


@pytest.mark.parametrize("version", ["../evil", "a/b", ""])
def test_bad_version_names_are_refused(workspace, version, capsys):
    assert _release(workspace, version) == 2
    assert "invalid version name" in capsys.readouterr().err
    assert not workspace.releases_dir.exists()


def test_data_card_is_the_newest_release_card(workspace, tmp_path):
    card = tmp_path / "DATA_CARD.md"
    assert _release(workspace, "0.1.0", None, "--data-card", str(card)) == 0
    text = card.read_text()
    readme = (workspace.releases_dir / "0.1.0" / "README.md").read_text()
    assert not text.lstrip().startswith("---")  # the YAML stays in the release README
    for section in (
        "Motivation",
        "Composition",
        "Collection",
        "Annotation process and annotators",
        "Agreement",
        "Personal information",
        "Preprocessing",
        "Uses",
        "Bias, risks and limitations",
        "Distribution and licensing",
        "Maintenance",
        "Citation",
    ):
        assert f"## {section}" in text and f"## {section}" in readme
    links = [line.split("](")[1].rstrip(")") for line in text.splitlines() if line.startswith("![")]
    assert links and all(link.startswith("releases/0.1.0/plots/") for link in links)
    for link in links:  # relative to the repo root, i.e. to the releases dir's parent here
        assert (workspace.releases_dir.parent / link).is_file()
    assert main(["datacard", "--releases-dir", str(workspace.releases_dir), "--output", str(card)]) == 0
    assert card.read_text() == text


@pytest.mark.parametrize("version", ["0.0.0-bench", "v1", "1.0", "../../x"])
def test_release_versions_must_be_major_minor_patch(workspace, capsys, version):
    assert _release(workspace, version) == 2
    err = capsys.readouterr().err
    assert "version" in err and "Traceback" not in err
    assert not workspace.releases_dir.exists() or not any(workspace.releases_dir.iterdir())
