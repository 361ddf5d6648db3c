"""Label Studio answering 500s, hanging past the timeout, refusing or dropping connections:
`annotate push` and `annotate pull` fail with one clear line naming the server and what to do,
retry only idempotent requests (a bounded number of times), and never show the token."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from newsclaims.annotation.client import make_client
from newsclaims.annotation.settings import DEFAULT_TIMEOUT, LabelStudioSettings, load_settings
from newsclaims.corpus.document import Document
from newsclaims.fsutil import sha256_bytes

from .fake_servers import FakeServer, healthy_until, refused_url
from .helpers import assert_clean_failure, cli_env, run_cli

TOKEN = "f00dbabe" * 5  # a 40-character legacy token that must never appear in any output
MAX_GET_ATTEMPTS = 3  # the SDK's default: one try and two retries


def write_corpus(versions: Path) -> Path:
    text = "Kiev said over 1,000 prisoners of war have been exchanged since May 2025."
    doc = Document(
        id="nc-00000000000000aa",
        text=text,
        raw_path="a.txt",
        raw_sha256=sha256_bytes(text.encode()),
        text_sha256=sha256_bytes(text.encode()),
        title="A",
        language="en",
    )
    vdir = versions / "v1"
    vdir.mkdir(parents=True)
    (vdir / "documents.jsonl").write_text(json.dumps(doc.to_dict(), sort_keys=True) + "\n", encoding="utf-8")
    (vdir / "rejects.jsonl").write_text("", encoding="utf-8")
    (vdir / "manifest.json").write_text(json.dumps({"version": "v1"}), encoding="utf-8")
    (versions / "LATEST").write_text("v1\n", encoding="utf-8")
    return versions


@pytest.fixture
def corpus(tmp_path) -> Path:
    return write_corpus(tmp_path / "versions")


def push(url: str, corpus: Path, tmp_path: Path, timeout: str = "2"):
    env = cli_env(LABEL_STUDIO_URL=url, LABEL_STUDIO_API_KEY=TOKEN, LABEL_STUDIO_TIMEOUT=timeout)
    return run_cli("annotate", "push", "--versions-dir", str(corpus), env=env, timeout=120)


def pull(url: str, corpus: Path, tmp_path: Path, timeout: str = "2"):
    env = cli_env(LABEL_STUDIO_URL=url, LABEL_STUDIO_API_KEY=TOKEN, LABEL_STUDIO_TIMEOUT=timeout)
    return run_cli(
        "annotate",
        "pull",
        "--versions-dir",
        str(corpus),
        "--out",
        str(tmp_path / "exports"),
        "--pseudonyms",
        str(tmp_path / "pseudonyms.json"),
        env=env,
        timeout=120,
    )


def assert_token_safe(out: str) -> None:
    assert TOKEN not in out and TOKEN[:12] not in out


@pytest.fixture
def server_500():
    s = FakeServer(lambda m, p: (500, {"detail": "Internal Server Error"}))
    yield s
    s.close()


def test_the_client_always_has_a_timeout(monkeypatch, tmp_path):
    monkeypatch.delenv("LABEL_STUDIO_TIMEOUT", raising=False)
    client = make_client(LabelStudioSettings("http://127.0.0.1:9", TOKEN))
    assert client._client_wrapper.get_timeout() == DEFAULT_TIMEOUT
    env = {"LABEL_STUDIO_URL": "http://127.0.0.1:9", "LABEL_STUDIO_API_KEY": TOKEN, "LABEL_STUDIO_TIMEOUT": "7.5"}
    assert make_client(load_settings(tmp_path / "none.env", env))._client_wrapper.get_timeout() == 7.5
    for bad in ("0", "-3", "soon"):
        with pytest.raises(Exception, match="LABEL_STUDIO_TIMEOUT must be a positive number") as e:
            load_settings(tmp_path / "none.env", {**env, "LABEL_STUDIO_TIMEOUT": bad})
        assert TOKEN not in str(e.value)


@pytest.mark.parametrize("command", [push, pull])
def test_500s_are_a_clear_error_after_bounded_get_retries(server_500, corpus, tmp_path, command):
    proc = command(server_500.url, corpus, tmp_path)
    out = assert_clean_failure(proc, server_500.url, "HTTP 500", "retry")
    assert_token_safe(out)
    assert 1 <= server_500.count("GET") <= MAX_GET_ATTEMPTS
    assert server_500.count("POST") == 0  # it stopped at the failed check; nothing was sent
    assert not (tmp_path / "exports").exists()


@pytest.mark.parametrize("command", [push, pull])
def test_a_hung_server_times_out_with_a_clear_error(corpus, tmp_path, command):
    hung = FakeServer(lambda m, p: (200, {}), delay=4.0)
    try:
        t0 = time.monotonic()
        proc = command(hung.url, corpus, tmp_path, timeout="1")
        elapsed = time.monotonic() - t0
    finally:
        hung.close()
    out = assert_clean_failure(proc, hung.url, "did not answer in time", "LABEL_STUDIO_TIMEOUT")
    assert_token_safe(out)
    assert hung.count("GET") <= MAX_GET_ATTEMPTS
    assert elapsed < 30, f"took {elapsed:.0f} s with a 1 s timeout"


@pytest.mark.parametrize("command", [push, pull])
def test_a_refused_connection_says_how_to_start_the_server(corpus, tmp_path, command):
    url = refused_url()
    proc = command(url, corpus, tmp_path)
    out = assert_clean_failure(proc, f"cannot reach Label Studio at {url}", "make labelstudio")
    assert_token_safe(out)


def test_a_rejected_token_names_the_setting_but_not_the_token(corpus, tmp_path):
    s = FakeServer(lambda m, p: (401, {"detail": f"Invalid token {TOKEN}"}))  # a server that echoes it back
    try:
        proc = push(s.url, corpus, tmp_path)
    finally:
        s.close()
    out = assert_clean_failure(proc, s.url, "rejected the API token", "LABEL_STUDIO_API_KEY")
    assert_token_safe(out)
    assert s.auth_headers and all(h.endswith(TOKEN) for h in s.auth_headers)  # it was sent, only to the server


@pytest.mark.parametrize(
    "answer,says", [((500, {"detail": "boom"}), "HTTP 500"), (None, "dropped the connection")], ids=["500", "dropped"]
)
def test_a_failed_post_is_never_replayed(corpus, tmp_path, answer, says):
    """Creating the project fails (500, or the connection drops): one POST, then a clear error."""
    s = FakeServer(healthy_until("POST", "/api/projects", answer))
    try:
        proc = push(s.url, corpus, tmp_path)
    finally:
        s.close()
    out = assert_clean_failure(proc, s.url, says, "creating project")
    assert_token_safe(out)
    assert s.count("POST", "/api/projects") == 1
    assert s.count("GET", "/api/projects") <= MAX_GET_ATTEMPTS


@pytest.mark.parametrize("answer", [(502, {"detail": "bad gateway"}), None], ids=["502", "dropped"])
def test_idempotent_lookups_are_retried_a_bounded_number_of_times(corpus, tmp_path, answer):
    s = FakeServer(healthy_until("GET", "/api/projects", answer))
    try:
        proc = pull(s.url, corpus, tmp_path)
    finally:
        s.close()
    out = assert_clean_failure(proc, s.url, "looking up project")
    assert "make labelstudio" not in out or answer is not None  # a dropped answer is not "start the server"
    assert_token_safe(out)
    assert 2 <= s.count("GET", "/api/projects") <= MAX_GET_ATTEMPTS  # retried, but not forever
    assert s.count("POST") == 0


def test_run_outside_the_checkout_is_a_clear_error(corpus, tmp_path):
    """No schemas/taxonomy.yaml in reach: one line saying which file is missing, no traceback."""
    s = FakeServer(healthy_until("POST", "/api/projects", (500, {})))
    env = cli_env(LABEL_STUDIO_URL=s.url, LABEL_STUDIO_API_KEY=TOKEN, NEWSCLAIMS_ROOT=str(tmp_path))
    try:
        proc = run_cli("annotate", "push", "--versions-dir", str(corpus), env=env, cwd=tmp_path)
    finally:
        s.close()
    assert_clean_failure(proc, "cannot read taxonomy", str(tmp_path / "schemas" / "taxonomy.yaml"))
    assert s.count("POST") == 0
