"""Round trip from the committed seed data (corpus/versions/LATEST + annotation/exports/LATEST).

No server is needed: this is what `make release` does, into a temporary releases dir.
"""

from __future__ import annotations

import json
from pathlib import Path

import datasets

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


def test_committed_seed_snapshot_validates_and_loads(tmp_path, hf_cache, capsys):
    assert (ROOT / "annotation" / "exports" / "LATEST").is_file(), "the seed annotation snapshot is not committed"
    assert main(["validate", *INPUTS]) == 0, capsys.readouterr().out
    assert main(["release", "--version", "0.1.0", *INPUTS, "--releases-dir", str(tmp_path)]) == 0
    release = tmp_path / "0.1.0"
    inputs = resolve_inputs(
        ROOT / "corpus" / "versions", ROOT / "annotation" / "exports", ROOT / "schemas" / "taxonomy.yaml"
    )
    n_spans = 0
    for config, key in (("entities", "entities"), ("claims", "claims")):
        ds = datasets.load_dataset(str(release), config, cache_dir=str(hf_cache))
        for split in ds:
            for row in ds[split]:
                for s in row[key]:
                    assert row["text"][s["start"] : s["end"]] == s["text"]
                    n_spans += 1
                    if key == "claims" and s["speaker"]:
                        sp = s["speaker"]
                        assert row["text"][sp["start"] : sp["end"]] == sp["text"]
    assert n_spans > 0
    # The seed articles are two reports of one press conference: one story group, one split.
    components = story_components(inputs.documents, StoryEvidence())
    groups = {d: i for i, members in enumerate(components) for d in members}
    manifest = json.loads((release / "manifest.json").read_text())
    for split, ids in manifest["split_assignment"].items():
        for other, other_ids in manifest["split_assignment"].items():
            if other != split:
                assert not {groups[i] for i in ids} & {groups[i] for i in other_ids}
