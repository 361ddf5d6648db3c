"""A dedicated, real Label Studio server started by `newsclaims annotate server start` (not the
session one, because these tests kill it): loopback only, no open sign-up, generated secrets;
killed mid-push and restarted; pushes racing; pulls killed; and a full push -> annotate -> pull
-> validate -> release run whose every written file is scanned for annotator identities.

The server is started once for the module (cold start ~45-80 s); the kill test restarts it on
the same data dir (warm, ~5 s). If it cannot start, every test here fails (never skips).
"""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from newsclaims.annotation.client import NO_RETRY, connect
from newsclaims.annotation.pseudonymize import find_emails
from newsclaims.annotation.server import start_server, stop_server
from newsclaims.annotation.server_state import free_port
from newsclaims.annotation.settings import API_KEY_VAR, PASSWORD_VAR, URL_VAR, LabelStudioSettings, read_env_file
from newsclaims.corpus.document import Document
from newsclaims.fsutil import sha256_bytes

from .helpers import NEWSCLAIMS, cli_env, kill_at, partial_begun, partial_has, run_cli, started

N_DOCS = 240
# Start-up (imports, the export request), then the snapshot directory as it is written.
PULL_KILL_POINTS = {
    "start-up": started,
    "snapshot directory begun": partial_begun,
    "export written": partial_has("export.json"),
    "annotations written": partial_has("annotations.jsonl"),
}


@dataclass
class Dedicated:
    port: int
    data_dir: Path
    env_file: Path
    start_output: str
    url: str = ""
    api_key: str = field(default="", repr=False)
    password: str = field(default="", repr=False)

    def env(self, **extra: str) -> dict[str, str]:
        return cli_env(**{URL_VAR: self.url, API_KEY_VAR: self.api_key}, **extra)

    def client(self):
        return connect(LabelStudioSettings(self.url, self.api_key))

    def pid(self) -> int:
        return json.loads((self.data_dir / "newsclaims-server.json").read_text())["pid"]


@pytest.fixture(scope="module", name="server")
def dedicated_labelstudio(tmp_path_factory):
    base = tmp_path_factory.mktemp("dedicated-ls")
    port = free_port()
    data_dir, env_file = base / "data", base / "ls.env"
    proc = run_cli(
        "annotate",
        "server",
        "start",
        "--port",
        str(port),
        "--data-dir",
        str(data_dir),
        "--env-file",
        str(env_file),
        timeout=400,
    )
    try:
        assert proc.returncode == 0, f"the dedicated Label Studio server did not start:\n{proc.stdout}{proc.stderr}"
        values = read_env_file(env_file)
        s = Dedicated(
            port,
            data_dir,
            env_file,
            proc.stdout + proc.stderr,
            url=values[URL_VAR],
            api_key=values[API_KEY_VAR],
            password=values[PASSWORD_VAR],
        )
        yield s
    finally:
        stop_server(data_dir)


def make_docs(n: int, tag: str) -> list[Document]:
    docs = []
    for i in range(n):
        text = f"Report {i}. On Tuesday officials in Kiev said {i + 3} people met the council. " + " ".join(
            f"Paragraph {j} says the talks went on." for j in range(40)
        )
        key = f"{tag}/{i:04d}.txt"
        docs.append(
            Document(
                id="nc-" + sha256_bytes(key.encode())[:16],
                text=text,
                raw_path=key,
                raw_sha256=sha256_bytes(text.encode()),
                text_sha256=sha256_bytes(text.encode()),
                title=f"Report {i}",
                language="en",
            )
        )
    return docs


def write_version(versions: Path, docs: list[Document]) -> Path:
    vdir = versions / "v1"
    vdir.mkdir(parents=True)
    lines = [
        json.dumps(d.to_dict(), sort_keys=True, ensure_ascii=False) + "\n" for d in sorted(docs, key=lambda d: d.id)
    ]
    (vdir / "documents.jsonl").write_text("".join(lines), encoding="utf-8")
    (vdir / "rejects.jsonl").write_text("", encoding="utf-8")
    (vdir / "manifest.json").write_text(json.dumps({"version": "v1"}), encoding="utf-8")
    (versions / "LATEST").write_text("v1\n", encoding="utf-8")
    return versions


def tasks_per_doc(client, project_title: str) -> Counter:
    (project,) = [p for p in client.projects.list(title=project_title) if p.title == project_title]
    return Counter(t.data["doc_id"] for t in client.tasks.list(project=project.id, fields="all", page_size=100))


def start_push(server: Dedicated, versions: Path, title: str, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [
            str(NEWSCLAIMS),
            "annotate",
            "push",
            "--versions-dir",
            str(versions),
            "--project",
            title,
            "--no-predictions",
            *extra,
        ],
        env=server.env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


# ---- how the server was started -------------------------------------------------------------


def _listening(port: int) -> list[str]:
    """Local addresses (hex, as in /proc/net/tcp*) of sockets listening on `port`."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as f:
            for line in f.readlines()[1:]:
                local, state = line.split()[1], line.split()[3]
                addr, p = local.rsplit(":", 1)
                if state == "0A" and int(p, 16) == port:  # 0A = LISTEN
                    found.append(addr)
    return found


def test_the_server_listens_on_loopback_only(server):
    addrs = _listening(server.port)
    assert addrs, f"nothing listens on port {server.port}"
    assert set(addrs) == {"0100007F"}, addrs  # 127.0.0.1 in /proc's little-endian hex; no 0.0.0.0, no ::
    assert server.url == f"http://127.0.0.1:{server.port}"


def test_secrets_are_generated_kept_private_and_never_printed(server):
    assert stat.S_IMODE(server.env_file.stat().st_mode) == 0o600
    assert len(server.api_key) >= 32 and len(server.password) >= 16
    assert server.password.lower() not in {"admin", "password", "label-studio", "labelstudio", "changeme", "12345"}
    log = (server.data_dir / "label-studio.log").read_text(errors="replace")
    for secret in (server.api_key, server.password):
        assert secret not in server.start_output
        assert secret not in log
    # The secrets reach the server through its environment, never its command line (`ps` shows that).
    cmdline = Path(f"/proc/{server.pid()}/cmdline").read_bytes().decode(errors="replace")
    assert server.api_key not in cmdline and server.password not in cmdline
    assert "--internal-host\x00127.0.0.1" in cmdline


def _form_post(c: httpx.Client, path: str, data: dict) -> httpx.Response:
    c.get(path)
    return c.post(
        path,
        data={**data, "csrfmiddlewaretoken": c.cookies.get("csrftoken")},
        headers={"Referer": f"{c.base_url}{path}"},
    )


def test_the_generated_password_logs_in_and_open_sign_up_is_refused(server):
    login = read_env_file(server.env_file)
    with httpx.Client(base_url=server.url, timeout=30) as c:
        r = _form_post(c, "/user/login/", {"email": login["LABEL_STUDIO_USERNAME"], "password": server.password})
        assert r.status_code == 302
    intruder = f"intruder-{uuid.uuid4().hex[:6]}@example.com"
    with httpx.Client(base_url=server.url, timeout=30) as c:
        r = _form_post(c, "/user/signup/", {"email": intruder, "password": "Str0ng-enough-pw"})
        assert r.status_code in (403, 404) or "location" not in r.headers
    assert intruder not in {u.email for u in server.client().users.list()}


# ---- faults -----------------------------------------------------------------------------------


def test_server_killed_mid_push_then_restarted_repush_gives_one_task_per_document(server, tmp_path):
    docs = make_docs(N_DOCS, f"kill-{uuid.uuid4().hex[:6]}")
    versions = write_version(tmp_path / "versions", docs)
    title = f"kill-{uuid.uuid4().hex[:8]}"
    client = server.client()
    push = start_push(server, versions, title, "--batch-bytes", "8000")  # ~a dozen tasks per POST
    try:
        deadline = time.monotonic() + 120
        while True:  # wait until the import is under way, then pull the plug on the server
            assert push.poll() is None, f"push finished before the kill: {push.communicate()}"
            assert time.monotonic() < deadline, "push never started importing"
            projects = [p for p in client.projects.list(title=title) if p.title == title]
            if projects and (projects[0].task_number or 0) >= 20:
                break
            time.sleep(0.1)
        os.killpg(server.pid(), signal.SIGKILL)
        out, err = push.communicate(timeout=300)
    finally:
        if push.poll() is None:
            push.kill()
    assert push.returncode != 0, "the push should have failed with its server gone"
    assert "Traceback" not in out + err and server.api_key not in out + err
    assert f"Label Studio at {server.url}" in err and "newsclaims: error:" in err

    t0 = time.monotonic()
    handle = start_server(port=server.port, data_dir=server.data_dir, env_file=server.env_file)
    assert handle.started and time.monotonic() - t0 < 120
    partial = tasks_per_doc(server.client(), title)
    assert 0 < sum(partial.values()) < N_DOCS  # it really was interrupted half-way

    again = run_cli(
        "annotate", "push", "--versions-dir", str(versions), "--project", title, "--no-predictions", env=server.env()
    )
    assert again.returncode == 0, again.stderr
    counts = tasks_per_doc(server.client(), title)
    assert set(counts) == {d.id for d in docs}
    assert set(counts.values()) == {1}, {k: v for k, v in counts.items() if v != 1}
    # And a third push changes nothing.
    third = run_cli(
        "annotate", "push", "--versions-dir", str(versions), "--project", title, "--no-predictions", env=server.env()
    )
    assert third.returncode == 0 and f"unchanged {N_DOCS}" in third.stdout
    assert tasks_per_doc(server.client(), title) == counts


def test_two_pushes_at_once_never_interleave(server, tmp_path):
    docs = make_docs(120, f"race-{uuid.uuid4().hex[:6]}")
    versions = write_version(tmp_path / "versions", docs)
    title = f"race-{uuid.uuid4().hex[:8]}"
    procs = [start_push(server, versions, title, "--batch-bytes", "20000") for _ in range(2)]
    results = [p.communicate(timeout=300) + (p.returncode,) for p in procs]
    ok = [r for r in results if r[2] == 0]
    refused = [r for r in results if r[2] != 0]
    assert ok, results
    for out, err, _ in refused:
        assert "another `newsclaims annotate push` to project" in err and "Traceback" not in out + err
    counts = tasks_per_doc(server.client(), title)
    assert set(counts) == {d.id for d in docs} and set(counts.values()) == {1}


# ---- annotate, pull (killed), validate, release: no identity anywhere ---------------------------


@pytest.fixture(scope="module")
def annotated(server, tmp_path_factory):
    """A pushed corpus annotated by two accounts with distinctive emails, usernames and names."""
    base = tmp_path_factory.mktemp("annotated")
    tag = uuid.uuid4().hex[:10]
    docs = make_docs(30, f"pii-{tag}")
    versions = write_version(base / "versions", docs)
    title = f"pii-{tag}"
    proc = run_cli("annotate", "push", "--versions-dir", str(versions), "--project", title, env=server.env())
    assert proc.returncode == 0, proc.stderr
    client = server.client()
    (project,) = [p for p in client.projects.list(title=title) if p.title == title]
    tasks = {t.data["doc_id"]: t for t in client.tasks.list(project=project.id, fields="all", page_size=100)}
    people = {}
    person_tag = uuid.uuid4().hex[:10]  # only in the accounts (emails, usernames, surnames), nowhere else
    for who in ("Zyxwanda", "Qorbertina"):
        email = f"{who.lower()}.{person_tag}@private-mail.example"
        user = client.users.create(
            username=f"{who.lower()}{person_tag}",
            email=email,
            first_name=who,
            last_name=f"Vandersnoot{person_tag}",
            request_options=NO_RETRY,
        )
        people[who] = (user.id, email)
    for i, doc in enumerate(docs[:12]):
        for who, (uid, _) in people.items():
            if i % 3 == 2 and who == "Qorbertina":
                continue
            start = doc.text.index("Kiev")
            cstart = doc.text.index(f"{i + 3} people met the council")
            cend = cstart + len(f"{i + 3} people met the council")
            result = [
                {
                    "id": f"e{i}",
                    "from_name": "entities",
                    "to_name": "text",
                    "type": "labels",
                    "value": {"start": start, "end": start + 4, "text": "Kiev", "labels": ["GPE"]},
                },
                {
                    "id": f"c{i}",
                    "from_name": "claims",
                    "to_name": "text",
                    "type": "labels",
                    "value": {"start": cstart, "end": cend, "text": doc.text[cstart:cend], "labels": ["CLAIM"]},
                },
            ] + [
                {
                    "id": f"c{i}",
                    "from_name": name,
                    "to_name": "text",
                    "type": "choices",
                    "value": {"start": cstart, "end": cend, "choices": [value]},
                }
                for name, value in (("claim_type", "quantity"), ("checkworthy", "yes"), ("attribution", "author"))
            ]
            client.annotations.create(id=tasks[doc.id].id, result=result, completed_by=uid, request_options=NO_RETRY)
    return {"title": title, "versions": versions, "people": people, "tag": person_tag, "base": base}


def pull_args(a, exports: Path) -> list[str]:
    return [
        "annotate",
        "pull",
        "--project",
        a["title"],
        "--versions-dir",
        str(a["versions"]),
        "--out",
        str(exports),
        "--pseudonyms",
        str(a["base"] / "pseudonyms.json"),
    ]


def snapshot_tree(exports: Path) -> dict[str, bytes]:
    return {
        p.relative_to(exports).as_posix(): p.read_bytes()
        for p in sorted(exports.rglob("*"))
        if p.is_file() and "snapshot.json" not in p.name
    }


def test_killed_pulls_leave_no_partial_snapshot_and_the_repull_is_the_same(server, annotated, tmp_path):
    a = annotated
    reference = tmp_path / "reference"
    t0 = time.monotonic()
    first = run_cli(*pull_args(a, reference), env=server.env())
    seconds = time.monotonic() - t0
    assert first.returncode == 0, first.stderr
    expected = snapshot_tree(reference)

    snapshot_files = sorted({name.split("/", 1)[1] for name in expected if "/" in name} | {"snapshot.json"})
    assert {"annotations.jsonl", "export.json"} <= set(snapshot_files)
    exports = tmp_path / "exports"
    landed = []
    for name, point in PULL_KILL_POINTS.items():
        proc = subprocess.Popen(
            [str(NEWSCLAIMS), *pull_args(a, exports)],
            env=server.env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if kill_at(proc, exports, point):
            landed.append(name)
        proc.wait(timeout=60)
        if exports.exists():  # a visible snapshot is a complete one
            visible = [p for p in exports.iterdir() if not p.name.startswith(".")]
            for snap in (p for p in visible if p.is_dir()):
                assert sorted(f.name for f in snap.iterdir()) == snapshot_files
    assert "start-up" in landed, f"kills landed at {landed} ({seconds:.1f} s pull)"
    again = run_cli(*pull_args(a, exports), env=server.env())
    assert again.returncode == 0, again.stderr
    assert snapshot_tree(exports) == expected  # same snapshot id, same bytes
    assert [p.name for p in exports.iterdir() if ".partial-" in p.name] == []
    third = run_cli(*pull_args(a, exports), env=server.env())
    assert third.returncode == 0 and "unchanged" in third.stdout


def test_no_annotator_identity_reaches_exports_releases_or_the_data_card(server, annotated, tmp_path):
    a = annotated
    exports, releases, card = tmp_path / "exports", tmp_path / "releases", tmp_path / "DATA_CARD.md"
    steps = [
        pull_args(a, exports),
        ["validate", "--versions-dir", str(a["versions"]), "--exports-dir", str(exports)],
        [
            "release",
            "--version",
            "0.0.1",
            "--versions-dir",
            str(a["versions"]),
            "--exports-dir",
            str(exports),
            "--releases-dir",
            str(releases),
            "--data-card",
            str(card),
        ],
    ]
    outputs = ""
    for args in steps:
        proc = run_cli(*args, env=server.env())
        assert proc.returncode == 0, (args, proc.stdout, proc.stderr)
        outputs += proc.stdout + proc.stderr
    files = [p for root in (exports, releases) for p in root.rglob("*") if p.is_file()] + [card]
    assert len(files) > 10
    needles = [a["tag"], "Vandersnoot"] + [s for who, (_, email) in a["people"].items() for s in (who, email)]
    for path in files:
        data = path.read_bytes()
        for needle in needles:
            assert needle.encode() not in data, (path, needle)
        assert find_emails(data.decode("utf-8", errors="replace")) == [], path
    for needle in needles:
        assert needle not in outputs
    records = [json.loads(line) for p in exports.glob("*/annotations.jsonl") for line in p.read_text().splitlines()]
    assert {r["annotator"] for r in records} == {"annotator-1", "annotator-2"}
    assert server.api_key not in outputs
