"""Generate the Label Studio labelling config (XML) from the taxonomy.

The taxonomy is the single source of truth; `annotation/label_config.xml` is this module's
output, committed so reviewers see label changes, and checked for staleness in the tests.
The element tree does all escaping: no taxonomy value is ever formatted into XML by hand.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from newsclaims.schemas.controls import CLAIMS_NAME, ENTITIES_NAME, TEXT_NAME
from newsclaims.schemas.taxonomy import LabelDef, Taxonomy

__all__ = ["CLAIMS_NAME", "ENTITIES_NAME", "TEXT_NAME", "build_label_config", "render_label_config"]
# Task data fields shown above the text, in order. Not `source`: the Label Studio frontend
# resolves `$source` to the whole task as JSON (seen in the browser test), not to data.source.
# `outlet` carries the same value as `source` for this reason.
HEADER_FIELDS = ("title", "outlet", "date", "dateline", "url", "doc_id")
# Header values are templates: "Outlet: $outlet" shows the caption and the task's value.
HEADER_CAPTIONS = {"outlet": "Outlet", "date": "Date", "dateline": "Dateline", "url": "URL", "doc_id": "Document"}

_HEADER_COMMENT = " GENERATED from schemas/taxonomy.yaml by `newsclaims schemas generate`: do not edit by hand. "


def _hint(label: LabelDef) -> str:
    return f"{label.description} Example: {label.example}"


def _labels(parent: ET.Element, name: str, labels: tuple[LabelDef, ...]) -> None:
    el = ET.SubElement(parent, "Labels", name=name, toName=TEXT_NAME, showInline="true")
    for label in labels:
        attrs = {"value": label.name, "hint": _hint(label)}
        if label.color:
            attrs["background"] = label.color
        ET.SubElement(el, "Label", attrs)


def build_label_config(taxonomy: Taxonomy) -> ET.Element:
    view = ET.Element("View")
    meta = ET.SubElement(view, "View", style="margin-bottom: 0.5em")
    for field in HEADER_FIELDS:
        header = f"${field}" if field == "title" else f"{HEADER_CAPTIONS[field]}: ${field}"
        ET.SubElement(meta, "Header", value=header, size="6" if field != "title" else "4")

    ET.SubElement(view, "Header", value="Entities", size="5")
    _labels(view, ENTITIES_NAME, taxonomy.entities)
    claim = taxonomy.claim
    ET.SubElement(view, "Header", value="Claims", size="5")
    _labels(view, CLAIMS_NAME, (LabelDef(claim.name, claim.description, claim.example, claim.color),))

    ET.SubElement(view, "Text", name=TEXT_NAME, value=f"${TEXT_NAME}")

    relations = ET.SubElement(view, "Relations")
    for rel in taxonomy.relations:
        ET.SubElement(relations, "Relation", value=rel.name, hint=f"{rel.description} Example: {rel.example}")

    # Per-claim attributes: shown only while a CLAIM region is selected, stored on that region.
    attrs_view = ET.SubElement(
        view, "View", visibleWhen="region-selected", whenTagName=CLAIMS_NAME, whenLabelValue=claim.name
    )
    for attr in claim.attributes:
        ET.SubElement(attrs_view, "Header", value=attr.name.replace("_", " "), size="6")
        shown = {"visibleWhen": "region-selected", "whenTagName": CLAIMS_NAME, "whenLabelValue": claim.name}
        if not attr.is_choice:
            # Free text per claim: one line the annotator may leave empty (`required` is checked
            # by validation, not by the form, so an optional field never blocks a submit).
            hint = f"{attr.description} Example: {attr.example}" if attr.example else attr.description
            textarea = {
                "name": attr.name,
                "toName": TEXT_NAME,
                "perRegion": "true",
                "editable": "true",
                "maxSubmissions": "1",
                "rows": "2",
                "placeholder": attr.example or attr.name,
                "hint": hint,
            }
            ET.SubElement(attrs_view, "TextArea", {**textarea, **shown})
            continue
        choice = {
            "name": attr.name,
            "toName": TEXT_NAME,
            "perRegion": "true",
            "choice": "single-radio",
            "showInline": "true",
            "hint": attr.description,
        }
        choices = ET.SubElement(attrs_view, "Choices", {**choice, **shown})
        for value in attr.values:
            ET.SubElement(choices, "Choice", value=value.name, hint=_hint(value))
    return view


def render_label_config(taxonomy: Taxonomy) -> str:
    """The config as text: deterministic (attribute order as built), indented, newline-terminated."""
    root = build_label_config(taxonomy)
    root.insert(0, ET.Comment(_HEADER_COMMENT))
    ET.indent(root, space="  ")
    return ET.tostring(root, encoding="unicode") + "\n"
