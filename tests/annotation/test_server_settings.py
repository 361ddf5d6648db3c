"""Settings (env first, then .env; token masked) and the server helpers that need no server."""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys

import pytest

from newsclaims.annotation.server import ServerError, start_server, stop_server
from newsclaims.annotation.settings import SettingsError, load_settings, write_env_values


def test_environment_wins_over_env_file_and_repr_masks_the_token(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("LABEL_STUDIO_URL=http://file:1/\nLABEL_STUDIO_API_KEY=file-token-123\n")
    s = load_settings(env_file, environ={"LABEL_STUDIO_API_KEY": "env-token-456"})
    assert (s.url, s.api_key) == ("http://file:1", "env-token-456")
    assert "env-token-456" not in repr(s) and "env-token-456" not in str(s)
    assert "LABEL_STUDIO_API_KEY" not in os.environ or os.environ["LABEL_STUDIO_API_KEY"] != "file-token-123"


def test_missing_settings_say_what_to_do(tmp_path):
    with pytest.raises(SettingsError, match="make labelstudio"):
        load_settings(tmp_path / "absent.env", environ={})


def test_env_file_update_keeps_other_lines_and_is_private(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("# mine\nHF_TOKEN=keep-me\nLABEL_STUDIO_URL=http://old\n")
    write_env_values(env_file, {"LABEL_STUDIO_URL": "http://127.0.0.1:9", "LABEL_STUDIO_API_KEY": "abc"})
    assert (
        env_file.read_text()
        == "# mine\nHF_TOKEN=keep-me\nLABEL_STUDIO_URL=http://127.0.0.1:9\nLABEL_STUDIO_API_KEY=abc\n"
    )
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == [".env"]


def test_busy_port_fails_clearly_instead_of_moving(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        never_run = tmp_path / "label-studio"  # the port is checked first: no install needed
        never_run.write_text("#!/bin/sh\nexit 99\n")
        never_run.chmod(0o755)
        with pytest.raises(ServerError, match=f"port {port} .* busy"):
            start_server(port=port, data_dir=tmp_path / "data", env_file=tmp_path / ".env", label_studio_bin=never_run)
    assert not (tmp_path / ".env").exists()  # nothing was started, no credentials written


def test_missing_label_studio_install_is_a_clear_error(tmp_path):
    with pytest.raises(ServerError, match="not installed"):
        start_server(port=0, data_dir=tmp_path / "d", env_file=tmp_path / ".env", label_studio_bin=tmp_path / "nope")


def test_status_of_a_data_dir_without_server(tmp_path):
    r = subprocess.run(
        [sys.executable, "-m", "newsclaims.cli", "annotate", "server", "status", "--data-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 3 and "not running" in r.stdout


def test_stop_never_signals_a_process_that_is_not_label_studio(tmp_path):
    # A stale state file whose pid now belongs to someone else (here: this test process).
    (tmp_path / "newsclaims-server.json").write_text(json.dumps({"pid": os.getpid(), "port": 1, "url": "http://x"}))
    assert stop_server(tmp_path) is False
    assert not (tmp_path / "newsclaims-server.json").exists()
