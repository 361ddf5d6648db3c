"""`annotate server start --db postgresql`: Label Studio really runs on a private PostgreSQL
cluster (127.0.0.1 only, generated password in .env, never printed), serves a push and a pull,
and survives a backup / restore round trip. Fails, never skips, when PostgreSQL cannot be
installed or started. One server for the module: its cold start (initdb + migrations) is ~90 s.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from newsclaims.annotation.backup import backup, restore
from newsclaims.annotation.client import NO_RETRY, connect
from newsclaims.annotation.postgres import DATABASE, Cluster
from newsclaims.annotation.pull import pull
from newsclaims.annotation.push import push
from newsclaims.annotation.server import ServerError, start_server, stop_server
from newsclaims.annotation.server_state import DB_FILE, free_port
from newsclaims.annotation.settings import API_KEY_VAR, DB_PASSWORD_VAR, LabelStudioSettings, read_env_file
from newsclaims.annotation.snapshots import load_annotations
from newsclaims.bench.synth_annotations import annotate, documents, label_studio_result, write_corpus_version
from newsclaims.schemas.labelstudio import render_label_config
from newsclaims.schemas.taxonomy import load_taxonomy

pytestmark = pytest.mark.labelstudio


@dataclass
class PgServer:
    data_dir: Path
    env_file: Path
    port: int
    started_output: str

    def settings(self) -> LabelStudioSettings:
        return LabelStudioSettings(f"http://127.0.0.1:{self.port}", read_env_file(self.env_file)[API_KEY_VAR])


@pytest.fixture(scope="module")
def pg_server() -> Iterator[PgServer]:
    # Under root the cluster runs as Debian's `postgres` account, which must reach the data dir:
    # pytest's own tmp dirs are 0700, so this one is made next to them, traversable only.
    root = Path(tempfile.mkdtemp(prefix="newsclaims-pg-test-"))
    root.chmod(0o711)
    data_dir, env_file, port = root / "ls", root / "env", free_port()
    cli = [sys.executable, "-m", "newsclaims.cli", "annotate", "server", "start"]
    args = [*cli, "--db", "postgresql", "--port", str(port), "--data-dir", str(data_dir), "--env-file", str(env_file)]
    proc = subprocess.run(args, capture_output=True, text=True, timeout=600)
    try:
        assert proc.returncode == 0, f"PostgreSQL-backed Label Studio did not start:\n{proc.stdout}\n{proc.stderr}"
        yield PgServer(data_dir, env_file, port, proc.stdout + proc.stderr)
    finally:
        stop_server(data_dir)
        shutil.rmtree(root, ignore_errors=True)


def test_the_database_is_postgresql_on_loopback_with_a_secret_password(pg_server):
    cluster = Cluster(pg_server.data_dir)
    assert cluster.exists and not (pg_server.data_dir / DB_FILE).exists()
    assert "PostgreSQL 1" in cluster.sql("SELECT version();")
    assert cluster.sql("SHOW listen_addresses;").strip() == "127.0.0.1"
    # Label Studio's schema lives there: its migrations and its admin account.
    assert int(cluster.sql("SELECT count(*) FROM django_migrations;", DATABASE)) > 100
    assert int(cluster.sql("SELECT count(*) FROM htx_user;", DATABASE)) >= 1
    env = read_env_file(pg_server.env_file)
    password, token = env[DB_PASSWORD_VAR], env[API_KEY_VAR]
    assert len(password) >= 24 and os.stat(pg_server.env_file).st_mode & 0o777 == 0o600
    assert password not in pg_server.started_output and token not in pg_server.started_output
    # Label Studio's process got the password through its environment, never its argv.
    state = (pg_server.data_dir / "newsclaims-server.json").read_text()
    pid = int(state.split('"pid": ')[1].split(",")[0])
    assert password.encode() not in Path(f"/proc/{pid}/cmdline").read_bytes()


def test_a_push_and_a_pull_are_served_from_postgresql(pg_server, tmp_path):
    client = connect(pg_server.settings())
    tax = load_taxonomy()
    docs = documents(4)
    write_corpus_version(tmp_path / "versions", docs, "v1")
    pushed = push(client, docs, "v1", "pg-round", taxonomy=tax, preannotate=False)
    assert pushed.created == 4
    by_doc = {t.data["doc_id"]: t.id for t in client.tasks.list(project=pushed.project_id)}
    created = {
        client.annotations.create(
            id=by_doc[d.id], result=label_studio_result(annotate(d, tax, 3), tax), request_options=NO_RETRY
        ).id
        for d in docs[:3]
    }
    # The rows are in PostgreSQL: counted there, not through Label Studio.
    cluster = Cluster(pg_server.data_dir)
    in_db = cluster.sql(f"SELECT id FROM task_completion WHERE project_id = {pushed.project_id};", DATABASE).split()
    assert {int(i) for i in in_db} == created
    result = pull(
        client,
        "pg-round",
        exports_dir=tmp_path / "exports",
        versions_dir=tmp_path / "versions",
        pseudonyms_file=tmp_path / "pseudonyms.json",
        taxonomy=tax,
    )
    assert {r.annotation_id for r in load_annotations(result.snapshot.snapshot_id, tmp_path / "exports")} == created


def test_backup_and_restore_round_trip_on_postgresql(pg_server):
    client = connect(pg_server.settings())
    config = render_label_config(load_taxonomy())
    before = client.projects.create(title="pg-before-backup", label_config=config, request_options=NO_RETRY).id
    dump = backup(pg_server.data_dir)
    assert dump.read_bytes().startswith(b"PGDMP") and dump.stat().st_mode & 0o777 == 0o600
    after = client.projects.create(title="pg-after-backup", label_config=config, request_options=NO_RETRY).id
    with pytest.raises(ServerError, match="stop it first"):
        restore(pg_server.data_dir, dump)

    stop_server(pg_server.data_dir)
    kept = restore(pg_server.data_dir, dump)
    handle = start_server(port=pg_server.port, data_dir=pg_server.data_dir, env_file=pg_server.env_file)
    titles = {p.id: p.title for p in connect(pg_server.settings()).projects.list()}
    assert before in titles and after not in titles  # the backup's state, with the same admin token
    assert handle.api_key == read_env_file(pg_server.env_file)[API_KEY_VAR]
    # Nothing destroyed: the replaced database is kept, holding the project made after the backup.
    kept_db = kept.removeprefix("database ")
    assert "pg-after-backup" in Cluster(pg_server.data_dir).sql("SELECT title FROM project;", kept_db)
