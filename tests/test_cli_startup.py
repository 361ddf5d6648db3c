"""The CLI starts at once: building its parser imports argparse-level code only.

Each command imports its work when it runs (commands.py), so `newsclaims --help` and every
`newsclaims X --help` must not load the SDK, pandas, scipy & co. `python -X importtime` lists
every module a start imports; a heavy one among them fails the test, named.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = (
    "label_studio_sdk",
    "pandas",
    "numpy",
    "scipy",
    "datasketch",
    "pyarrow",
    "datasets",
    "pandera",
    "trafilatura",
    "lingua",
    "ftfy",
    "charset_normalizer",
    "httpx",
    "matplotlib",
    "dask",
    "yaml",
    "diff_match_patch",
    "rapidfuzz",
    "markdown_it",
)

COMMANDS = (
    ["--help"],
    ["corpus", "build", "--help"],
    ["schemas", "generate", "--help"],
    ["annotate", "--help"],
    ["annotate", "status", "--help"],
    ["annotate", "push", "--help"],
    ["validate", "--help"],
    ["release", "--help"],
    ["bench", "--help"],
)


def imported_at_start(args: list[str]) -> dict[str, int]:
    """module -> cumulative microseconds, for one `newsclaims ARGS` run."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "newsclaims.cli", *args], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    modules = {}
    for line in proc.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            _, cumulative, name = (part.strip() for part in line.removeprefix("import time:").split("|"))
            if cumulative.isdigit():
                modules[name] = int(cumulative)
    assert "newsclaims.commands" in modules, "importtime printed nothing we could read"
    return modules


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_start_imports_no_heavy_module(args):
    modules = imported_at_start(args)
    heavy = sorted(m for m in modules if m.split(".")[0] in HEAVY)
    assert heavy == [], f"`newsclaims {' '.join(args)}` imports {heavy[:8]} at start"
