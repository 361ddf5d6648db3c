"""The pairwise project's config comes from schemas/links.yaml only."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from newsclaims.cli import main
from newsclaims.schemas.links import LINKS_CONFIG_FILE, load_link_schema, render_link_config
from newsclaims.schemas.taxonomy import TaxonomyError

ROOT = Path(__file__).resolve().parents[2]


def test_committed_config_is_generated_from_the_schema(capsys):
    assert LINKS_CONFIG_FILE.read_text(encoding="utf-8") == render_link_config(load_link_schema())
    assert main(["links", "config", "--check"]) == 0 and "up to date" in capsys.readouterr().out


def test_every_choice_is_in_the_config_and_no_code_outside_schemas_names_one():
    schema = load_link_schema()
    config = render_link_config(schema)
    names = [c.name for c in schema.choices] + [schema.numbers_choice]
    assert all(f'value="{n}"' in config for n in names)
    for path in (ROOT / "src/newsclaims").rglob("*.py"):
        if "schemas" in path.parts:
            continue
        source = path.read_text(encoding="utf-8")
        for name in names:
            assert not re.search(rf"[\"']{re.escape(name)}[\"']", source), f"{path} names the choice {name!r}"


def test_a_schema_without_every_role_is_refused(tmp_path):
    bad = tmp_path / "links.yaml"
    bad.write_text(
        "version: 1\nname: x\nrelation: {control: r, description: d, choices: [{name: yes, role: same}]}\n"
        "numbers: {control: n, description: d, choice: differ}\n",
        encoding="utf-8",
    )
    with pytest.raises(TaxonomyError, match="roles"):
        load_link_schema(bad)
