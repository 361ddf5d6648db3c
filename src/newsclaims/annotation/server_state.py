"""What we know of the local Label Studio process: where it lives, its recorded state, its pid.

Kept free of HTTP and the SDK so `newsclaims annotate server status` and the CLI's defaults load
at once. The state file holds pid, port and url only: secrets stay in `.env` (settings.py).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import time
from dataclasses import dataclass
from pathlib import Path

from newsclaims.errors import NewsclaimsError
from newsclaims.fsutil import atomic_write_text
from newsclaims.paths import ROOT

HOST = "127.0.0.1"
DEFAULT_PORT = 8080
DEFAULT_DATA_DIR = ROOT / ".labelstudio"
LABEL_STUDIO_BIN = ROOT / ".venv-labelstudio" / "bin" / "label-studio"
STATE_FILE = "newsclaims-server.json"
LOG_FILE = "label-studio.log"
DB_FILE = "label_studio.sqlite3"
START_TIMEOUT = 240.0  # cold start (migrations) takes ~40 s on an idle 2-core machine
STOP_TIMEOUT = 30.0
# Pull: tasks per export request (a 5k-task export takes ~10 s on 2 cores, far inside the 60 s
# request timeout), and where chunks of an interrupted pull wait (raw exports: personal data).
PULL_CHUNK_TASKS = 5000
PULL_RESUME_DIR = DEFAULT_DATA_DIR / "pull-chunks"


class ServerError(NewsclaimsError):
    pass


@dataclass(frozen=True)
class ServerState:
    """The server we started on a data dir, as recorded in its state file."""

    pid: int
    port: int
    url: str

    @classmethod
    def read(cls, data_dir: Path) -> ServerState | None:
        """The recorded state (None if there is none or it is unreadable)."""
        with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
            raw = json.loads((Path(data_dir) / STATE_FILE).read_text())
            return cls(pid=int(raw["pid"]), port=int(raw["port"]), url=str(raw["url"]))
        return None

    @classmethod
    def running(cls, data_dir: Path) -> ServerState | None:
        """The recorded state if its process is alive and is a label-studio server."""
        state = cls.read(data_dir)
        if state and pid_alive(state.pid) and is_label_studio(state.pid):
            return state
        return None

    def write(self, data_dir: Path) -> None:
        atomic_write_text(
            Path(data_dir) / STATE_FILE, json.dumps({"pid": self.pid, "port": self.port, "url": self.url}) + "\n"
        )

    @staticmethod
    def clear(data_dir: Path) -> None:
        with contextlib.suppress(FileNotFoundError):
            (Path(data_dir) / STATE_FILE).unlink()


def port_is_free(port: int, host: str = HOST) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server itself will
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def free_port(host: str = HOST) -> int:
    """A port nothing listens on right now (the kernel's pick)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child of ours counts as dead.
    with contextlib.suppress(OSError):
        stat = Path(f"/proc/{pid}/stat").read_text()
        if stat.rsplit(")", 1)[1].split()[0] == "Z":
            return False
    return True


def is_label_studio(pid: int) -> bool:
    """Guard against pid reuse: only signal a process that is a label-studio server."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return any(part.endswith(b"label-studio") for part in cmdline)


def terminate(pid: int, timeout: float = STOP_TIMEOUT) -> None:
    """SIGTERM the server's process group, then SIGKILL if it lingers."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, sig)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, os.WNOHANG)  # reap it if it is our child
            if not pid_alive(pid):
                return
            time.sleep(0.2)
