"""The taxonomy is the single source: extend it, and the whole pipeline follows with no code change.

A scratch checkout (NEWSCLAIMS_ROOT) gets a copy of schemas/taxonomy.yaml with a new claim
attribute (`evidence`), a new entity label (`WEAPON`) and a new said_by target (`GPE`: a
country's statement). Its config is generated with the CLI, the corpus pushed to the real Label
Studio, one annotation using all three made through the API, then pull, validate and release;
`datasets` reads the new column and label back with the annotated values.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import datasets
import pytest
import yaml
from ls_items import span_item

from newsclaims.corpus.versions import latest_version, load_documents

pytestmark = pytest.mark.labelstudio

REPO = Path(__file__).resolve().parents[2]
NEWSCLAIMS = Path(sys.executable).parent / "newsclaims"

RAW = (
    "MOSCOW — Russia said on Tuesday that its forces had used Iskander missiles only against military "
    "targets. Officials in Kyiv disputed the account.\n"
)
SPEAKER, WEAPON_TEXT = "Russia", "Iskander missiles"
CLAIM = "its forces had used Iskander missiles only against military targets"
# The new pieces, as a maintainer would add them to the taxonomy.
NEW_LABEL = {
    "name": "WEAPON",
    "description": "A named weapon or weapon system.",
    "example": "the army fired [Iskander missiles]",
    "color": "#6d597a",
}
NEW_ATTRIBUTE = {
    "name": "evidence",
    "description": "Does the article give evidence for the claim?",
    "values": [
        {
            "name": "cited",
            "description": "The article cites a source or a document.",
            "example": "according to the report",
        },
        {"name": "none_given", "description": "No evidence is given.", "example": "Russia said ..."},
    ],
}
NEW_TARGET = "GPE"
ANNOTATED = {
    "verifiable": "yes",
    "checkworthy": "yes",
    "claim_type": "other",
    "attribution": "reported_speech",
    "evidence": "none_given",
}
# The taxonomy's free-text attribute, typed into its per-region TextArea (Label Studio keeps a list).
TEXT_ATTRIBUTE, TYPED = "normalized", "Russia says its forces used Iskander missiles only against military targets."


def extended_checkout(tmp: Path) -> Path:
    root = tmp / "checkout"
    for d in ("schemas", "annotation", "corpus/raw"):
        (root / d).mkdir(parents=True)
    taxonomy = yaml.safe_load((REPO / "schemas" / "taxonomy.yaml").read_text(encoding="utf-8"))
    taxonomy["entities"].append(NEW_LABEL)
    taxonomy["claim"]["attributes"].append(NEW_ATTRIBUTE)
    (said_by,) = [r for r in taxonomy["relations"] if r["name"] == "said_by"]
    assert NEW_TARGET not in said_by["to"]
    said_by["to"].append(NEW_TARGET)
    (root / "schemas" / "taxonomy.yaml").write_text(yaml.safe_dump(taxonomy, sort_keys=False), encoding="utf-8")
    shutil.copy(REPO / "annotation" / "GUIDELINES.md", root / "annotation")
    (root / "pyproject.toml").write_text("[project]\nname = 'scratch'\n", encoding="utf-8")
    (root / "corpus" / "raw" / "iskander.txt").write_text(RAW, encoding="utf-8")
    (root / "corpus" / "raw" / "iskander.txt.meta.json").write_text(
        json.dumps(
            {
                "title": "Moscow on its strikes",
                "outlet": "Wire One",
                "date": "2025-09-01",
                "url": "https://example.org/iskander",
                "license": "CC-BY-4.0",  # redistributable: the release carries the text
            }
        ),
        encoding="utf-8",
    )
    return root


def run(root: Path, env: dict[str, str], *args: str) -> str:
    cli = subprocess.run(
        [str(NEWSCLAIMS), *args], cwd=root, env=env, capture_output=True, text=True, timeout=600, check=False
    )  # the assertion below shows the output
    assert cli.returncode == 0, f"newsclaims {' '.join(args)} failed:\n{cli.stdout}{cli.stderr}"
    return cli.stdout


def test_new_attribute_label_and_relation_target_reach_the_release(labelstudio, tmp_path, hf_cache):
    root = extended_checkout(tmp_path)
    env = labelstudio.env(NEWSCLAIMS_ROOT=str(root), HF_DATASETS_CACHE=str(hf_cache))
    title = f"extended-{uuid.uuid4().hex[:10]}"
    client = labelstudio.client()
    run(root, env, "corpus", "build")
    versions = root / "corpus" / "versions"
    (doc,) = load_documents(latest_version(versions), versions)
    run(root, env, "schemas", "generate")
    config = (root / "annotation" / "label_config.xml").read_text(encoding="utf-8")
    assert 'value="WEAPON"' in config and 'name="evidence"' in config
    try:
        run(root, env, "annotate", "push", "--project", title)
        (project,) = [p for p in client.projects.list(title=title) if p.title == title]
        assert 'name="evidence"' in client.projects.get(id=project.id).label_config
        (task,) = client.tasks.list(project=project.id, fields="all")
        claim = span_item("c1", doc.text, CLAIM, "CLAIM", "claims")
        result = [
            span_item("e1", doc.text, SPEAKER, NEW_TARGET, "entities"),
            span_item("e2", doc.text, WEAPON_TEXT, NEW_LABEL["name"], "entities"),
            claim,
        ]
        result += [
            {
                "id": "c1",
                "from_name": name,
                "to_name": "text",
                "type": "choices",
                "value": {"start": claim["value"]["start"], "end": claim["value"]["end"], "choices": [value]},
            }
            for name, value in ANNOTATED.items()
        ]
        result.append(
            {
                "id": "c1",
                "from_name": TEXT_ATTRIBUTE,
                "to_name": "text",
                "type": "textarea",
                "value": {"start": claim["value"]["start"], "end": claim["value"]["end"], "text": [TYPED]},
            }
        )
        result.append({"from_id": "c1", "to_id": "e1", "type": "relation", "direction": "right", "labels": ["said_by"]})
        client.annotations.create(id=task.id, result=result, was_cancelled=False, ground_truth=False)

        pulled = run(root, env, "annotate", "pull", "--project", title)
        assert "1 tasks, 1 annotations by 1 annotator(s): 2 entity spans, 1 claims, 1 said_by links" in pulled
        snapshot = (root / "annotation" / "exports" / "LATEST").read_text().strip()
        lines = (root / "annotation" / "exports" / snapshot / "annotations.jsonl").read_text().splitlines()
        (record,) = [json.loads(line) for line in lines]
        (stored,) = record["claims"]
        assert {k: stored[k] for k in ANNOTATED} == ANNOTATED and stored["text"] == CLAIM
        assert stored[TEXT_ATTRIBUTE] == TYPED
        assert record["said_by"] == [{"claim_id": "c1", "speaker_id": "e1"}]
        run(root, env, "validate")
        run(root, env, "release", "--version", "0.1.0")
    finally:
        for p in client.projects.list(title=title):
            if p.title == title:
                client.projects.delete(id=p.id)

    release = str(root / "releases" / "0.1.0")
    claims = datasets.load_dataset(release, "claims", cache_dir=str(hf_cache))
    (split,) = claims.values()
    feature = split.features["claims"].feature
    assert feature["evidence"].names == [v["name"] for v in NEW_ATTRIBUTE["values"]]
    (row,) = split
    (c,) = row["claims"]
    assert (c["text"], feature["evidence"].int2str(c["evidence"])) == (CLAIM, "none_given")
    assert {name: feature[name].int2str(c[name]) for name in ANNOTATED} == ANNOTATED
    assert c[TEXT_ATTRIBUTE] == TYPED  # a plain string column, not a ClassLabel
    assert (c["speaker"]["text"], feature["speaker"]["label"].int2str(c["speaker"]["label"])) == (SPEAKER, NEW_TARGET)

    entities = datasets.load_dataset(release, "entities", cache_dir=str(hf_cache))
    (split,) = entities.values()
    label = split.features["entities"].feature["label"]
    assert NEW_LABEL["name"] in label.names
    (row,) = split
    assert sorted((s["text"], label.int2str(s["label"])) for s in row["entities"]) == [
        (WEAPON_TEXT, NEW_LABEL["name"]),
        (SPEAKER, NEW_TARGET),
    ]
    ner = datasets.load_dataset(release, "ner", cache_dir=str(hf_cache))
    (split,) = ner.values()
    tags = split.features["ner_tags"].feature
    # One row per sentence: the weapon is tagged in the sentence that names it.
    tagged = [(tok, tags.int2str(t)) for row in split for tok, t in zip(row["tokens"], row["ner_tags"]) if t]
    assert ("Iskander", f"B-{NEW_LABEL['name']}") in tagged and ("missiles", f"I-{NEW_LABEL['name']}") in tagged
