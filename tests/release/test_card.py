"""The card never invents an agreement figure; with one annotator it says agreement was not measured."""

from __future__ import annotations

import json
import re

from newsclaims.cli import main

from .builders import make_workspace, sample_documents, sample_records


def _agreement_section(readme: str) -> str:
    return readme.split("## Agreement", 1)[1].split("\n## ", 1)[0]


def test_single_annotator_card_says_not_measured(tmp_path):
    docs = sample_documents()
    records = [r for r in sample_records(docs) if r.annotator == "annotator-1"]
    ws = make_workspace(tmp_path / "ws", docs, records)
    assert main(["release", "--version", "0.1.0", *ws.cli_inputs(), "--releases-dir", str(ws.releases_dir)]) == 0
    release = ws.releases_dir / "0.1.0"
    section = _agreement_section((release / "README.md").read_text())
    assert "not measured" in section
    assert not re.search(r"\d\.\d", section)  # no figure of any kind
    assert json.loads((release / "agreement.json").read_text())["measured"] is False
    assert not (release / "plots" / "agreement.png").exists()


def test_two_annotators_card_shows_the_figures_of_agreement_json(workspace):
    assert (
        main(["release", "--version", "0.1.0", *workspace.cli_inputs(), "--releases-dir", str(workspace.releases_dir)])
        == 0
    )
    release = workspace.releases_dir / "0.1.0"
    agreement = json.loads((release / "agreement.json").read_text())
    section = _agreement_section((release / "README.md").read_text())
    assert agreement["measured"] is True
    person = agreement["spans"]["PERSON"]
    assert f"| PERSON | {person['exact_f1']:.3f} | {person['overlap_f1']:.3f} |" in section
    alpha = agreement["claim_attributes"]["checkworthy"]["krippendorff_alpha"]
    assert f"| `checkworthy` | {alpha:.3f}" in section
    assert (release / "plots" / "agreement.png").read_bytes().startswith(b"\x89PNG")


def test_card_yaml_is_read_by_datasets_and_huggingface_hub(workspace):
    from datasets.info import DatasetInfosDict
    from datasets.utils.metadata import MetadataConfigs
    from huggingface_hub import DatasetCard

    assert (
        main(["release", "--version", "0.1.0", *workspace.cli_inputs(), "--releases-dir", str(workspace.releases_dir)])
        == 0
    )
    release = workspace.releases_dir / "0.1.0"
    card = DatasetCard.load(release / "README.md")
    configs = MetadataConfigs.from_dataset_card_data(card.data)
    infos = DatasetInfosDict.from_dataset_card_data(card.data)
    manifest = json.loads((release / "manifest.json").read_text())
    assert set(configs) == set(infos) == {"documents", "entities", "claims", "ner", "sentences"}
    assert configs.get_default_config_name() == "claims"
    for config, counts in manifest["statistics"]["splits"].items():
        assert manifest["content_sha256"] in configs[config]["description"]
        assert {s: i.num_examples for s, i in infos[config].splits.items()} == counts
