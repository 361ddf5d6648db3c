"""An adjudicator's ground-truth annotation is gold but not a voice in agreement."""

from __future__ import annotations

from newsclaims.release.content import compute_release
from newsclaims.release.inputs import ROLES_FILE, resolve_inputs

from .builders import make_document, make_workspace, record, span

DOC = make_document("adj", "Alice met Bob in Paris on Monday.")


def _records():
    first = record(DOC, "annotator-1", 1, entities=[span(DOC, "Alice", "PERSON", "a"), span(DOC, "Paris", "GPE", "p")])
    second = record(
        DOC, "annotator-2", 2, entities=[span(DOC, "Alice", "PERSON", "a"), span(DOC, "Bob", "PERSON", "b")]
    )
    settled = record(
        DOC,
        "annotator-3",
        3,
        entities=[span(DOC, "Alice", "PERSON", "a"), span(DOC, "Bob", "PERSON", "b"), span(DOC, "Paris", "GPE", "p")],
        ground_truth=True,
    )
    return [first, second, settled]


def _release(tmp_path, roles: dict[str, str]):
    ws = make_workspace(tmp_path, {DOC.id: DOC}, _records())
    snapshot = (ws.exports_dir / "LATEST").read_text(encoding="utf-8").strip()
    lines = [f"{snapshot}:"] + [f"  {k}: {v}" for k, v in roles.items()] if roles else ["{}"]
    (ws.exports_dir.parent / ROLES_FILE).write_text("\n".join(lines) + "\n", encoding="utf-8")
    inputs = resolve_inputs(ws.versions_dir, ws.exports_dir, ws.taxonomy_file)
    return compute_release(inputs, "9.9.9")


def test_agreement_leaves_out_the_adjudicator_and_gold_is_its_annotation(tmp_path):
    content = _release(
        tmp_path, {"annotator-1": "maintainer", "annotator-2": "maintainer", "annotator-3": "adjudicator"}
    )
    assert content.agreement.annotators == ["annotator-1", "annotator-2"]
    assert content.agreement.annotator_pairs == 1
    # 1 and 2 share Alice of their 2 + 2 spans: 2*1/4
    assert content.agreement.spans["ALL"].exact_f1 == 0.5
    assert content.gold[DOC.id].method == "ground_truth"
    assert {s.text for s in content.gold[DOC.id].entities} == {"Alice", "Bob", "Paris"}


def test_without_the_adjudicator_role_every_annotator_counts(tmp_path):
    content = _release(tmp_path, {})
    assert content.agreement.annotator_pairs == 3


def test_card_says_how_each_annotator_worked_and_what_agreement_leaves_out(tmp_path):
    from huggingface_hub import DatasetCard

    from newsclaims.cli import main
    from newsclaims.schemas.taxonomy import load_taxonomy

    ws = make_workspace(tmp_path, {DOC.id: DOC}, _records())
    snapshot = (ws.exports_dir / "LATEST").read_text(encoding="utf-8").strip()
    (ws.exports_dir.parent / ROLES_FILE).write_text(
        f"{snapshot}:\n"
        "  annotator-1: maintainer\n"
        "  annotator-2: {role: maintainer, note: worked from the guidelines alone}\n"
        "  annotator-3: {role: adjudicator, note: settled every conflict}\n",
        encoding="utf-8",
    )
    assert main(["release", "--version", "9.9.9", *ws.cli_inputs(), "--releases-dir", str(ws.releases_dir)]) == 0
    readme = (ws.releases_dir / "9.9.9" / "README.md").read_text(encoding="utf-8")
    assert "`annotator-2` (maintainer): worked from the guidelines alone." in readme
    assert "`annotator-3` (adjudicator): settled every conflict." in readme
    agreement = readme.split("## Agreement", 1)[1].split("\n## ", 1)[0]
    assert "(annotator-3) are the gold and are left out" in " ".join(agreement.split())
    assert DatasetCard.load(ws.releases_dir / "9.9.9" / "README.md").data.annotations_creators == ["other"]
    person = next(e for e in load_taxonomy(ws.taxonomy_file).entities if e.name == "PERSON")
    assert f"| `PERSON` | {', '.join(f'`{o}`' for o in person.ontonotes)} |" in readme


def test_a_malformed_role_entry_is_refused(tmp_path):
    import pytest

    from newsclaims.release.inputs import InputError

    ws = make_workspace(tmp_path, {DOC.id: DOC}, _records())
    snapshot = (ws.exports_dir / "LATEST").read_text(encoding="utf-8").strip()
    (ws.exports_dir.parent / ROLES_FILE).write_text(
        f"{snapshot}:\n  annotator-1: {{note: no role}}\n", encoding="utf-8"
    )
    with pytest.raises(InputError, match="role"):
        resolve_inputs(ws.versions_dir, ws.exports_dir, ws.taxonomy_file)
