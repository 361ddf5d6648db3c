"""Every figure the card states is checked against the parquet files (read with pyarrow, counted
here independently of the release code), and the card's data-dependent sentences match the data."""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pyarrow.parquet as pq
from datasets import Features

from newsclaims.cli import main
from newsclaims.schemas.taxonomy import load_taxonomy

from .builders import make_workspace, sample_documents, sample_records
from .test_seed_release import INPUTS


def _rows(release: Path, config: str) -> tuple[list[dict], Features | None]:
    rows, features = [], None
    for p in sorted((release / config).glob("*.parquet")):
        table = pq.read_table(p)
        features = Features.from_arrow_schema(table.schema)
        rows += table.to_pylist()
    return rows, features


def _glance(readme: str) -> dict[str, int]:
    section = readme.split("## At a glance", 1)[1].split("\n## ", 1)[0]
    return {m[1]: int(m[2]) for m in re.finditer(r"^\| (.+?) \| (\d+) \|$", section, re.M)}


def expected_figures(release: Path) -> dict[str, int]:
    docs, _ = _rows(release, "documents")
    ents, ef = _rows(release, "entities")
    claims, cf = _rows(release, "claims")
    assert ef is not None and cf is not None
    label = ef["entities"].feature["label"]
    claim_feature = cf["claims"].feature
    attrs = [a.name for a in load_taxonomy().claim.choice_attributes]
    groups = json.loads((release / "splits.json").read_text())["groups"]
    figures = {
        "documents": len(docs),
        "annotated documents": len(ents),
        "documents with their text included": sum(d["text"] is not None for d in docs),
        "documents with their text withheld (licence)": sum(d["text"] is None for d in docs),
        "story groups": len(groups),
        "annotations": sum(len(r["annotators"]) for r in ents),
        "annotators": len({a for r in ents for a in r["annotators"]}),
        "gold entity spans": sum(len(r["entities"]) for r in ents),
        "gold claims": sum(len(r["claims"]) for r in claims),
        "gold claims with a speaker": sum(c["speaker"] is not None for r in claims for c in r["claims"]),
    }
    labels = Counter(label.int2str(s["label"]) for r in ents for s in r["entities"])
    figures |= {f"gold `{name}` spans": labels.get(name, 0) for name in label.names}
    for attr in attrs:
        values = Counter(
            claim_feature[attr].int2str(c[attr]) for r in claims for c in r["claims"] if c[attr] is not None
        )
        figures |= {f"claims with `{attr}` = `{v}`": n for v, n in values.items()}
        nulls = sum(c[attr] is None for r in claims for c in r["claims"])
        if nulls:
            figures[f"claims with `{attr}` null"] = nulls
    return figures


def check_card(release: Path) -> str:
    readme = (release / "README.md").read_text(encoding="utf-8")
    assert _glance(readme) == expected_figures(release)
    # The split table: one column per split that has a parquet file.
    splits = sorted({p.name.split("-")[0] for p in release.glob("*/*.parquet")})
    table = readme.split("## Splits", 1)[1].split("\n## ", 1)[0].splitlines()
    header = next(line for line in table if line.startswith("| config | "))
    assert sorted(c.strip() for c in header.split("|")[2:-1]) == splits
    for config in ("documents", "entities", "claims", "ner"):
        line = next(x for x in table if x.startswith(f"| `{config}` | "))
        counts = [int(c) for c in line.split("|")[2:-1]]
        order = [s for s in ("train", "validation", "test") if s in splits]
        assert counts == [pq.read_metadata(release / config / f"{s}-00000-of-00001.parquet").num_rows for s in order]
    assert ("no held-out data" in readme) == (splits == ["train"])
    docs, _ = _rows(release, "documents")
    dated = sorted(d["date"][:10] for d in docs if d["date"])
    if len(dated) == 1 and len(docs) > 1:
        assert f"One of the {len(docs)} documents is dated ({dated[0]})" in readme
        assert " to " + dated[0] not in readme  # one date is not a range
    withheld = sum(d["text"] is None for d in docs)
    said = (
        f"The text of {withheld} of the {len(docs)} documents is not"
        if withheld < len(docs)
        else "No document's text is"
    )
    assert (f"{said} in this release" in readme) == (withheld > 0)
    assert ("trafilatura" in readme) == any(d["raw_path"].endswith((".html", ".htm")) for d in docs)
    split = re.search(r"The first row of the `claims` config's `(\w+)` split", readme)[1]  # type: ignore[index]
    claims = pq.read_table(release / "claims" / f"{split}-00000-of-00001.parquet").to_pylist()
    first = json.loads(readme.split("### Example instance", 1)[1].split("```json\n", 1)[1].split("\n```", 1)[0])
    stored = next(iter(claims))
    assert first["id"] == stored["id"] and first["claims"] == stored["claims"][: len(first["claims"])]
    assert "@misc{newsclaims_" in readme and "## Bias, risks and limitations" in readme
    return readme


def test_card_figures_match_the_parquet_files_of_a_mixed_release(tmp_path):
    docs = sample_documents()
    docs["b"] = replace(docs["b"], license=None)  # one text withheld, three included
    docs["c"] = replace(docs["c"], license="LicenseRef-all-rights-reserved")
    ws = make_workspace(tmp_path / "ws", docs, sample_records(docs))
    args = ["release", "--version", "1.0.0", *ws.cli_inputs(), "--releases-dir", str(ws.releases_dir)]
    assert main([*args, "--splits", "0.34,0.33,0.33"]) == 0
    readme = check_card(ws.releases_dir / "1.0.0")
    assert "majority" in readme and "with two annotators: both" in readme  # two annotators on one document
    assert "The text of 2 of the 4 documents is not in this release" in readme


def test_card_figures_match_the_parquet_files_of_the_seed_release(tmp_path):
    assert main(["release", "--version", "0.3.0", *INPUTS, "--releases-dir", str(tmp_path)]) == 0
    readme = check_card(tmp_path / "0.3.0")
    # Maintainers only, one story, every document adjudicated: said as it is.
    assert "Every annotation was made by the project's maintainers" in readme
    annotation = readme.split("## Annotation process", 1)[1].split("## Agreement")[0]
    claims, features = _rows(tmp_path / "0.3.0", "claims")
    assert features is not None
    sources = Counter(features["gold_source"].int2str(r["gold_source"]) for r in claims)
    assert "no held-out data" in readme
    assert f"({'; '.join(f'{k}: {v}' for k, v in sorted(sources.items()))})" in annotation
    assert "no HTML went in" in readme
