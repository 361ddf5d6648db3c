"""Round trip from the committed seed data (corpus/versions/LATEST + annotation/exports/LATEST).

No server is needed: this is what `make release` does, into a temporary releases dir. The seed
articles' licence does not allow redistribution, so the release carries no text; `newsclaims
hydrate` puts it back from the committed raw files, checked by sha256.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import datasets
import pytest

from newsclaims.cli import main
from newsclaims.release.grouping import StoryEvidence, story_components
from newsclaims.release.inputs import resolve_inputs

ROOT = Path(__file__).resolve().parents[2]
INPUTS = [
    "--versions-dir",
    str(ROOT / "corpus" / "versions"),
    "--exports-dir",
    str(ROOT / "annotation" / "exports"),
    "--taxonomy",
    str(ROOT / "schemas" / "taxonomy.yaml"),
]


@pytest.fixture(scope="module")
def seed_release(tmp_path_factory) -> Path:
    releases = tmp_path_factory.mktemp("seed") / "releases"
    assert main(["release", "--version", "0.1.0", *INPUTS, "--releases-dir", str(releases)]) == 0
    return releases / "0.1.0"


def _spans(release: Path, cache: Path):
    for config, key in (("entities", "entities"), ("claims", "claims")):
        ds = datasets.load_dataset(str(release), config, cache_dir=str(cache))
        for split in ds:
            for row in ds[split]:
                for s in row[key]:
                    yield row, s
                    if key == "claims" and s["speaker"]:
                        yield row, s["speaker"]


def test_committed_seed_snapshot_validates_and_loads(seed_release, hf_cache, capsys):
    assert (ROOT / "annotation" / "exports" / "LATEST").is_file(), "the seed annotation snapshot is not committed"
    assert main(["validate", *INPUTS]) == 0, capsys.readouterr().out
    spans = list(_spans(seed_release, hf_cache))
    assert spans and all(row["text"] is None and s["text"] is None for row, s in spans)  # not redistributable
    inputs = resolve_inputs(
        ROOT / "corpus" / "versions", ROOT / "annotation" / "exports", ROOT / "schemas" / "taxonomy.yaml"
    )
    # The seed articles are two reports of one press conference: one story group, one split.
    components = story_components(inputs.documents, StoryEvidence())
    groups = {d: i for i, members in enumerate(components) for d in members}
    manifest = json.loads((seed_release / "manifest.json").read_text())
    for split, ids in manifest["split_assignment"].items():
        for other, other_ids in manifest["split_assignment"].items():
            if other != split:
                assert not {groups[i] for i in ids} & {groups[i] for i in other_ids}


def test_hydrate_restores_every_text_from_the_raw_files(seed_release, tmp_path, hf_cache, capsys):
    out = tmp_path / "full"
    assert (
        main(["hydrate", "--release", str(seed_release), "--raw", str(ROOT / "corpus" / "raw"), "--out", str(out)]) == 0
    )
    docs = datasets.load_dataset(str(out), "documents", cache_dir=str(hf_cache))
    rows = [r for split in docs for r in docs[split]]
    assert len(rows) == 2
    for r in rows:
        assert hashlib.sha256(r["text"].encode("utf-8")).hexdigest() == r["text_sha256"]
    spans = list(_spans(out, hf_cache))
    assert len(spans) > 200
    for row, s in spans:
        assert row["text"][s["start"] : s["end"]] == s["text"]
    ner = datasets.load_dataset(str(out), "ner", cache_dir=str(hf_cache))
    for split in ner:
        for r in ner[split]:
            assert len(r["tokens"]) == len(r["token_starts"]) > 0
    # The published folder is untouched, and a hydrated copy is never published.
    assert not (seed_release / "hydrated.json").exists()
    assert main(["publish", "--release", str(out), "--repo-id", "someone/newsclaims", "--dry-run"]) == 1
    assert "hydrated copy" in capsys.readouterr().err


def test_hydrate_refuses_a_raw_file_whose_text_differs_naming_it(seed_release, tmp_path, capsys):
    raw = tmp_path / "raw"
    shutil.copytree(ROOT / "corpus" / "raw", raw)
    edited = sorted(raw.glob("*.txt"))[0]
    edited.write_text(edited.read_text(encoding="utf-8").replace("Russia", "Russland", 1), encoding="utf-8")
    out = tmp_path / "full"
    assert main(["hydrate", "--release", str(seed_release), "--raw", str(raw), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert edited.name in err and "does not match" in err
    assert not out.exists()
    edited.unlink()
    assert main(["hydrate", "--release", str(seed_release), "--raw", str(raw), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert edited.name in err and "missing" in err
    assert not out.exists()
