"""The pairwise linking project, from `schemas/links.yaml`: its choices and its Label Studio config.

Nothing else names a control or a choice of that project: code asks `LinkSchema` for the choice
that plays a role (`same`, `related`, `different`) and for the "numbers differ" choice.
"""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import yaml

from newsclaims.paths import ROOT
from newsclaims.schemas.taxonomy import TaxonomyError

LINKS_SCHEMA_FILE = ROOT / "schemas" / "links.yaml"
LINKS_CONFIG_FILE = ROOT / "annotation" / "links" / "label_config.xml"
ROLES = ("same", "related", "different")
SAME, RELATED, DIFFERENT = ROLES
# Task data fields (written by links/tasks.py, read by the config): not labels, the task's layout.
SIDES = ("left", "right")
_HEADER_COMMENT = " GENERATED from schemas/links.yaml by `newsclaims links config`: do not edit by hand. "


@dataclass(frozen=True)
class LinkChoice:
    name: str
    role: str
    hint: str


@dataclass(frozen=True)
class LinkSchema:
    version: int
    name: str
    relation_control: str
    relation_description: str
    choices: tuple[LinkChoice, ...]
    numbers_control: str
    numbers_description: str
    numbers_choice: str
    sha256: str

    def choice(self, role: str) -> str:
        return next(c.name for c in self.choices if c.role == role)

    def role_of(self, choice: str) -> str | None:
        return next((c.role for c in self.choices if c.name == choice), None)


def load_link_schema(path: Path | None = None) -> LinkSchema:
    path = Path(path or LINKS_SCHEMA_FILE)
    try:
        data = path.read_bytes()
        raw = yaml.safe_load(data)
        rel, num = raw["relation"], raw["numbers"]
        choices = tuple(LinkChoice(str(c["name"]), str(c["role"]), str(c.get("hint", ""))) for c in rel["choices"])
        schema = LinkSchema(
            version=int(raw["version"]),
            name=str(raw["name"]),
            relation_control=str(rel["control"]),
            relation_description=str(rel["description"]),
            choices=choices,
            numbers_control=str(num["control"]),
            numbers_description=str(num["description"]),
            numbers_choice=str(num["choice"]),
            sha256=hashlib.sha256(data).hexdigest(),
        )
    except (OSError, yaml.YAMLError, KeyError, TypeError, ValueError) as e:
        raise TaxonomyError(f"{path}: not a valid link schema ({e})") from None
    if sorted(c.role for c in choices) != sorted(ROLES):
        raise TaxonomyError(f"{path}: the relation choices must play the roles {', '.join(ROLES)} once each")
    return schema


def render_link_config(schema: LinkSchema) -> str:
    """The pairwise labelling config: both claims in context, outlet and date, the two controls."""
    view = ET.Element("View")
    ET.SubElement(view, "Header", value="Score $score: $features", size="6")
    for side in SIDES:
        box = ET.SubElement(view, "View", style="border: 1px solid #ccc; padding: 0.5em; margin-bottom: 0.5em")
        ET.SubElement(box, "Header", value=f"${side}_outlet, ${side}_date (${side}_doc_id)", size="5")
        ET.SubElement(box, "HyperText", name=side, value=f"${side}_html", inline="true")
        ET.SubElement(box, "Text", name=f"{side}_numbers", value=f"Figures: ${side}_numbers")
    ET.SubElement(view, "Header", value=schema.relation_description, size="5")
    rel = ET.SubElement(
        view, "Choices", name=schema.relation_control, toName=SIDES[0], choice="single-radio", required="true"
    )
    for c in schema.choices:
        ET.SubElement(rel, "Choice", value=c.name, hint=c.hint)
    ET.SubElement(view, "Header", value=schema.numbers_description, size="6")
    num = ET.SubElement(view, "Choices", name=schema.numbers_control, toName=SIDES[0], choice="multiple")
    ET.SubElement(num, "Choice", value=schema.numbers_choice)
    ET.indent(view)
    return f"<!--{_HEADER_COMMENT}-->\n" + ET.tostring(view, encoding="unicode") + "\n"
