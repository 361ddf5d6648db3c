"""Small shared pieces of the reliability suite: running the real CLI, and scanning output for secrets."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

NEWSCLAIMS = Path(sys.executable).parent / "newsclaims"


def cli_env(**extra: str) -> dict[str, str]:
    """The test process's environment without any Label Studio settings, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LABEL_STUDIO_")}
    env.update(extra)
    return env


def run_cli(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None,
            timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([str(NEWSCLAIMS), *args], capture_output=True, text=True, timeout=timeout,
                          env=env if env is not None else cli_env(), cwd=cwd)


def assert_clean_failure(proc: subprocess.CompletedProcess, *needles: str) -> str:
    """Failed with the CLI's one-line error (no traceback); returns stdout+stderr."""
    out = proc.stdout + proc.stderr
    assert proc.returncode not in (0, None), out
    assert "Traceback" not in out, out
    assert "newsclaims: error:" in proc.stderr, out
    for needle in needles:
        assert needle in out, (needle, out)
    return out
