"""Where the project's data lives. Every default path in the CLI comes from here."""

from __future__ import annotations

import os
from pathlib import Path


def project_root() -> Path:
    """The checkout root: $NEWSCLAIMS_ROOT, else the nearest parent of the cwd holding pyproject.toml."""
    env = os.environ.get("NEWSCLAIMS_ROOT")
    if env:
        return Path(env).resolve()
    here = Path.cwd().resolve()
    for candidate in (here, *here.parents):
        if (candidate / "pyproject.toml").is_file() and (candidate / "schemas").is_dir():
            return candidate
    return here


ROOT = project_root()
RAW_DIR = ROOT / "corpus" / "raw"
VERSIONS_DIR = ROOT / "corpus" / "versions"
TAXONOMY_FILE = ROOT / "schemas" / "taxonomy.yaml"
CROSSWALK_FILE = ROOT / "schemas" / "crosswalk.yaml"
ANNOTATION_DIR = ROOT / "annotation"
LABEL_CONFIG_FILE = ANNOTATION_DIR / "label_config.xml"
EXPORTS_DIR = ANNOTATION_DIR / "exports"
RELEASES_DIR = ROOT / "releases"
ENV_FILE = ROOT / ".env"
