"""Small shared pieces of the reliability suite: running the real CLI, and scanning output for secrets."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

NEWSCLAIMS = Path(sys.executable).parent / "newsclaims"


def cli_env(**extra: str) -> dict[str, str]:
    """The test process's environment without any Label Studio settings, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LABEL_STUDIO_")}
    env.update(extra)
    return env


def run_cli(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None, timeout: float = 300
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(NEWSCLAIMS), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env if env is not None else cli_env(),
        cwd=cwd,
    )


def assert_clean_failure(proc: subprocess.CompletedProcess, *needles: str) -> str:
    """Failed with the CLI's one-line error (no traceback); returns stdout+stderr."""
    out = proc.stdout + proc.stderr
    assert proc.returncode not in (0, None), out
    assert "Traceback" not in out, out
    assert "newsclaims: error:" in proc.stderr, out
    for needle in needles:
        assert needle in out, (needle, out)
    return out


# ---- killing a command at a point of its progress ----------------------------------------------
# A kill point is a state of the command's output directory to wait for, never a delay: an
# atomic writer's `.<name>.partial-*` directory begun, a file in it written.
KillPoint = Callable[[Path], bool]


def partial_dir(out: Path) -> Path | None:
    return next(iter(sorted(out.glob(".*.partial-*"))), None) if out.exists() else None


def started(out: Path) -> bool:
    return True


def partial_begun(out: Path) -> bool:
    return partial_dir(out) is not None


def partial_has(name: str, nonempty: bool = False) -> KillPoint:
    def point(out: Path) -> bool:
        partial = partial_dir(out)
        path = partial / name if partial else None
        return bool(path and path.is_file() and (not nonempty or path.stat().st_size > 0))

    return point


def exited_within(proc: subprocess.Popen, seconds: float) -> bool:
    """Wait up to `seconds` for `proc` to end: between two looks at the output, never a blind pause."""
    try:
        proc.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        return False
    return True


def kill_at(proc: subprocess.Popen, out: Path, point: KillPoint, timeout: float = 120) -> bool:
    """SIGKILL `proc` once `point(out)` holds; False if it ended before (nothing killed)."""
    deadline = time.monotonic() + timeout
    while not point(out):
        if exited_within(proc, 0.005):
            return False
        assert time.monotonic() < deadline, "the command neither reached the kill point nor ended"
    if proc.poll() is not None:
        return False
    os.kill(proc.pid, signal.SIGKILL)
    return True
