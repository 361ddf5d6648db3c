"""Secrets and identities: the token never shows, `.env` is private and ignored, generated
passwords differ per install, the committed outputs hold no annotator identity, and the
labelling config escapes whatever the taxonomy says."""

from __future__ import annotations

import json
import re
import stat
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from label_studio_sdk.label_interface import LabelInterface

from newsclaims.annotation.pseudonymize import find_emails
from newsclaims.annotation.server import ServerError, start_server
from newsclaims.annotation.settings import API_KEY_VAR, PASSWORD_VAR, LabelStudioSettings, read_env_file
from newsclaims.paths import ROOT, TAXONOMY_FILE
from newsclaims.schemas.labelstudio import render_label_config
from newsclaims.schemas.taxonomy import TaxonomyError, parse_taxonomy

from .fake_servers import FakeServer, healthy_until, refused_url
from .helpers import cli_env, run_cli

TOKEN = "5ecre7" + "ab" * 17


def test_token_never_in_any_output_of_any_command_against_a_bad_server(tmp_path):
    bad = FakeServer(healthy_until("POST", "/api/projects", (500, {"detail": f"token {TOKEN} rejected"})))
    try:
        outputs = ""
        for url in (bad.url, refused_url()):
            env = cli_env(LABEL_STUDIO_URL=url, LABEL_STUDIO_API_KEY=TOKEN, LABEL_STUDIO_TIMEOUT="2")
            for args in (
                ["annotate", "push", "--versions-dir", str(tmp_path / "none")],
                ["annotate", "push", "--corpus", "v1"],
                ["annotate", "pull", "--out", str(tmp_path / "ex"), "--pseudonyms", str(tmp_path / "p.json")],
                ["annotate", "server", "status", "--data-dir", str(tmp_path / "none")],
            ):
                proc = run_cli(*args, env=env)
                outputs += proc.stdout + proc.stderr
    finally:
        bad.close()
    assert outputs and TOKEN not in outputs and TOKEN[:10] not in outputs
    assert "Traceback" not in outputs
    assert TOKEN not in repr(LabelStudioSettings("u", TOKEN)) and TOKEN not in str(LabelStudioSettings("u", TOKEN))


def _fake_label_studio(tmp_path: Path) -> Path:
    """An executable that exits at once: start_server writes the login before it runs the server."""
    exe = tmp_path / "bin" / "label-studio"
    exe.parent.mkdir()
    exe.write_text("#!/bin/sh\necho 'pretend server' >&2\nexit 3\n")
    exe.chmod(0o755)
    return exe


def test_each_install_gets_its_own_generated_password_and_token_in_a_private_env(tmp_path):
    exe = _fake_label_studio(tmp_path)
    logins = []
    for name in ("one", "two"):
        env_file = tmp_path / f"{name}.env"
        with pytest.raises(ServerError) as err:
            start_server(port=0, data_dir=tmp_path / name, env_file=env_file, label_studio_bin=exe, timeout=20)
        values = read_env_file(env_file)
        assert stat.S_IMODE(env_file.stat().st_mode) == 0o600
        assert values[PASSWORD_VAR] not in str(err.value) and values[API_KEY_VAR] not in str(err.value)
        log = (tmp_path / name / "label-studio.log").read_text()
        assert values[PASSWORD_VAR] not in log and values[API_KEY_VAR] not in log
        logins.append(values)
    assert logins[0][PASSWORD_VAR] != logins[1][PASSWORD_VAR]
    assert logins[0][API_KEY_VAR] != logins[1][API_KEY_VAR]
    for values in logins:
        assert len(values[PASSWORD_VAR]) >= 16 and values[PASSWORD_VAR].lower() not in {"admin", "password"}


def test_env_file_and_local_state_are_git_ignored():
    for path in (
        ".env",
        ".labelstudio/pseudonyms.json",
        ".labelstudio/label_studio.sqlite3",
        "corpus/versions/.v9.partial-abc",
        "releases/.1.0.0.partial-x",
    ):
        proc = subprocess.run(["git", "check-ignore", "-q", "--no-index", path], cwd=ROOT)
        assert proc.returncode == 0, f"{path} is not git-ignored"
    tracked = subprocess.run(["git", "ls-files", ".env", ".labelstudio"], cwd=ROOT, capture_output=True, text=True)
    assert tracked.stdout.strip() == ""


def _committed_outputs() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "annotation/exports", "releases", "DATA_CARD.md"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return [ROOT / p for p in listed]


IDENTITY_KEYS = re.compile(rb'"(email|first_name|last_name|username|created_username)"\s*:\s*"[^"]')


def test_committed_exports_releases_and_data_card_hold_no_annotator_identity():
    files = _committed_outputs()
    assert any("annotation/exports" in str(p) for p in files) and any("releases" in str(p) for p in files)
    for path in files:
        data = path.read_bytes()
        assert not IDENTITY_KEYS.search(data), path
        if path.suffix in (".json", ".jsonl", ".md", ".txt") or path.name == "LATEST":
            assert find_emails(data.decode("utf-8")) == [], path
    annotators = set()
    for path in files:
        if path.name == "annotations.jsonl":
            annotators |= {json.loads(line)["annotator"] for line in path.read_text().splitlines() if line.strip()}
    assert annotators and all(re.fullmatch(r"annotator-\d+", a) for a in annotators), annotators


# ---- the labelling config is generated safely from any taxonomy text ---------------------------

HOSTILE = "\"><script>alert(1)</script><View a='&amp; & < > \" '"


def _taxonomy(**changes) -> bytes:
    raw = yaml.safe_load(TAXONOMY_FILE.read_bytes())
    raw["entities"][0]["description"] = HOSTILE
    raw["entities"][0]["example"] = HOSTILE
    raw["claim"]["attributes"][0]["values"][0]["name"] = "a<b&c\"d'e"
    raw["relations"][0]["description"] = HOSTILE
    for path, value in changes.items():
        *parents, last = path.split(".")
        node = raw
        for p in parents:
            node = node[int(p)] if p.isdigit() else node[p]
        node[last] = value
    return yaml.safe_dump(raw, allow_unicode=True).encode()


def test_taxonomy_text_is_escaped_in_the_generated_config():
    tax = parse_taxonomy(_taxonomy())
    xml = render_label_config(tax)
    root = ET.fromstring(xml)  # well-formed whatever the descriptions say
    assert "<script>" not in xml
    hints = [el.get("hint") for el in root.iter("Label")]
    assert f"{HOSTILE} Example: {HOSTILE}" in hints  # survives exactly, as text
    assert "a<b&c\"d'e" in [el.get("value") for el in root.iter("Choice")]
    assert [el.tag for el in root.iter() if el.tag == "script"] == []
    LabelInterface(xml)  # and Label Studio's own parser accepts it


@pytest.mark.parametrize("path", ["entities.0.name", "claim.name", "claim.attributes.0.name", "relations.0.name"])
@pytest.mark.parametrize("name", ["PER<SON", "A&B", 'say"s', "x y", "../x"])
def test_label_names_that_are_not_identifiers_are_refused_clearly(path, name):
    with pytest.raises(TaxonomyError, match="must be an identifier"):
        parse_taxonomy(_taxonomy(**{path: name}))


def test_schemas_generate_refuses_a_hostile_label_name_without_a_traceback(tmp_path):
    bad = tmp_path / "taxonomy.yaml"
    bad.write_bytes(_taxonomy(**{"entities.0.name": "<PERSON>"}))
    proc = run_cli("schemas", "generate", "--taxonomy", str(bad), "--out", str(tmp_path / "config.xml"))
    assert proc.returncode == 2 and "must be an identifier" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "config.xml").exists()
