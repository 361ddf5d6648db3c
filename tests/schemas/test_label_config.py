"""The Label Studio config generated from the taxonomy: up to date, valid, complete, escaped."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET

from label_studio_sdk.label_interface import LabelInterface

from newsclaims.paths import LABEL_CONFIG_FILE, TAXONOMY_FILE
from newsclaims.schemas.labelstudio import render_label_config
from newsclaims.schemas.taxonomy import load_taxonomy, parse_taxonomy


def test_committed_label_config_is_up_to_date():
    committed = LABEL_CONFIG_FILE.read_text(encoding="utf-8")
    assert committed == render_label_config(load_taxonomy()), "run `newsclaims schemas generate`"


def test_committed_config_is_valid_for_label_studio():
    interface = LabelInterface(LABEL_CONFIG_FILE.read_text(encoding="utf-8"))
    interface.validate()  # raises on schema / name / toName errors
    assert [o.name for o in interface.objects] == ["text"]
    assert interface.get_object("text").value == "$text"


def test_config_has_every_label_and_attribute_of_the_taxonomy():
    tax = load_taxonomy()
    interface = LabelInterface(render_label_config(tax))
    assert interface.get_control("entities").labels == list(tax.entity_names)
    assert interface.get_control("claims").labels == [tax.claim.name]
    assert tax.claim.text_attributes  # the taxonomy has a free-text attribute to render
    for attr in tax.claim.attributes:
        control = interface.get_control(attr.name)
        assert control.tag == ("Choices" if attr.is_choice else "TextArea")
        if attr.is_choice:
            assert control.labels == list(attr.value_names)
        assert control.attr["perRegion"] == "true"
        assert control.attr["visibleWhen"] == "region-selected"
        assert control.attr["whenLabelValue"] == tax.claim.name
    root = ET.fromstring(render_label_config(tax))
    assert [r.get("value") for r in root.iter("Relation")] == [r.name for r in tax.relations]
    # every label carries its definition as a hint, and its colour
    for label in tax.entities:
        (el,) = [e for e in root.iter("Label") if e.get("value") == label.name]
        assert label.description in el.get("hint")
        assert el.get("background") == label.color


def test_a_claim_annotation_with_attributes_and_said_by_validates():
    tax = load_taxonomy()
    interface = LabelInterface(render_label_config(tax))
    text = "Khorev said Russia lost 12 soldiers."
    result = [
        {
            "id": "p",
            "from_name": "entities",
            "to_name": "text",
            "type": "labels",
            "value": {"start": 0, "end": 6, "labels": ["PERSON"]},
        },
        {
            "id": "c",
            "from_name": "claims",
            "to_name": "text",
            "type": "labels",
            "value": {"start": 12, "end": len(text) - 1, "labels": ["CLAIM"]},
        },
        {
            "id": "c",
            "from_name": "claim_type",
            "to_name": "text",
            "type": "choices",
            "value": {"start": 12, "end": len(text) - 1, "choices": ["quantity"]},
        },
        {"type": "relation", "from_id": "c", "to_id": "p", "direction": "right", "labels": ["said_by"]},
    ]
    assert interface.validate_prediction({"result": result}, return_errors=True) == []
    bad = [dict(result[0], value={"start": 0, "end": 6, "labels": ["SPEAKER"]})]
    assert interface.validate_prediction({"result": bad}, return_errors=True) != []


def test_taxonomy_text_is_escaped_not_interpolated():
    nasty = 'Uses <b>tags</b> & "quotes" \' and a ]]> end'
    raw = TAXONOMY_FILE.read_text(encoding="utf-8").replace(
        "A monetary amount with its unit or currency.", nasty.replace("'", "''").join(["'", "'"]), 1
    )
    tax = parse_taxonomy(raw.encode("utf-8"))
    xml = render_label_config(tax)
    LabelInterface(xml).validate()
    (money,) = [e for e in ET.fromstring(xml).iter("Label") if e.get("value") == "MONEY"]
    assert money.get("hint").startswith(nasty)
    assert "<b>" not in xml


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "newsclaims.cli", *args], capture_output=True, text=True, timeout=120)


def test_generate_check_reports_a_stale_file_and_generate_fixes_it(tmp_path):
    out = tmp_path / "label_config.xml"
    out.write_text("<View/>\n")
    stale = _cli("schemas", "generate", "--check", "--out", str(out))
    assert stale.returncode == 1
    assert "stale" in stale.stderr and "Traceback" not in stale.stderr
    assert out.read_text() == "<View/>\n"  # --check writes nothing

    assert _cli("schemas", "generate", "--out", str(out)).returncode == 0
    assert out.read_text(encoding="utf-8") == render_label_config(load_taxonomy())
    assert _cli("schemas", "generate", "--check", "--out", str(out)).returncode == 0
    assert [p.name for p in tmp_path.iterdir()] == ["label_config.xml"]  # no temp files left


def test_headers_show_task_fields_but_never_source():
    # Label Studio's frontend resolves `$source` to the whole task JSON, not to data.source.
    root = ET.fromstring(render_label_config(load_taxonomy()))
    header_values = [h.get("value") for h in root.iter("Header")]
    assert header_values[0] == "$title"
    shown = " ".join(header_values)
    assert all(f"${field}" in shown for field in ("outlet", "date", "dateline", "url", "doc_id"))
    assert "$source" not in shown


def test_attribute_named_like_a_claim_field_or_control_is_refused():
    """Claims store their attributes beside id/start/end/text (and release rows beside speaker);
    per-region choices are controls named after their attribute."""
    import pytest
    import yaml

    from newsclaims.schemas.taxonomy import TaxonomyError

    for name in ("text", "start", "speaker", "entities"):
        raw = yaml.safe_load(TAXONOMY_FILE.read_text(encoding="utf-8"))
        raw["claim"]["attributes"][0]["name"] = name
        with pytest.raises(TaxonomyError, match=f"claim attribute {name!r} would clash"):
            parse_taxonomy(yaml.safe_dump(raw).encode("utf-8"))
    raw = yaml.safe_load(TAXONOMY_FILE.read_text(encoding="utf-8"))
    raw["relations"][0]["name"] = "spoken_by"
    with pytest.raises(TaxonomyError, match="must define the relation 'said_by'"):
        parse_taxonomy(yaml.safe_dump(raw).encode("utf-8"))
