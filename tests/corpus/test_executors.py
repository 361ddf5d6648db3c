"""`corpus build --engine dask`: the per-file steps on a real Dask cluster (two worker processes
on this machine), the same bytes out as the local build."""

from __future__ import annotations

import math
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from distributed import Client, LocalCluster, get_task_stream

from newsclaims.corpus import executors
from newsclaims.corpus.build import BuildSettings, build_corpus
from newsclaims.corpus.versions import load_documents, load_rejects, version_dir

from .samples import SEED_002
from .test_build import MAX_BYTES, messy_raw  # noqa: F401 (fixture)

NEWSCLAIMS = Path(sys.executable).parent / "newsclaims"
FILES = ("documents.jsonl", "rejects.jsonl", "manifest.json")


@pytest.fixture(scope="module")
def cluster():
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as c,
        Client(c) as client,
    ):
        yield c.scheduler_address, client


def _outputs(out: Path, version: str = "v1") -> dict[str, bytes]:
    return {name: (version_dir(version, out) / name).read_bytes() for name in FILES}


def _edit(raw: Path) -> None:
    """A changed file, a new near copy of an unchanged article, a removed file."""
    (raw / "foreign_de.txt").write_text("Der Rat tagte am Montag. " * 20, encoding="utf-8")
    seed = (raw / SEED_002).read_text(encoding="utf-8")
    (raw / "zz near copy.txt").write_text(seed.replace("Islamabad", "Karachi", 1), encoding="utf-8")
    (raw / "sub dir" / "report.txt").unlink()


def test_dask_build_is_byte_identical_to_the_local_build(messy_raw, tmp_path, cluster):  # noqa: F811
    address, client = cluster
    local, dask = tmp_path / "local", tmp_path / "dask"
    build_corpus(messy_raw, local, settings=BuildSettings(max_bytes=MAX_BYTES))
    with get_task_stream(client) as tasks:
        summary = build_corpus(
            messy_raw, dask, settings=BuildSettings(max_bytes=MAX_BYTES, engine="dask", scheduler=address)
        )
    # The per-file steps ran as cluster tasks: one per chunk of files.
    ran = [t for t in tasks.data if t["key"].startswith("run_chunk")]
    assert len(ran) == math.ceil(summary.raw_files / executors.CHUNK_FILES)
    assert _outputs(dask) == _outputs(local)

    # The corpus is the hostile mix the comparison is about.
    docs = list(load_documents("v1", dask))
    reasons = {r["reason"] for r in load_rejects("v1", dask)}
    assert {d.format for d in docs} == {"txt", "html", "jsonl"}
    assert "ru" in {d.language for d in docs}  # foreign_ru.txt is cp1251
    assert {"duplicate", "binary", "unknown_extension", "bad_record"} <= reasons
    assert any(d.near_duplicates for d in docs)


def test_small_tasks_keep_file_order_across_workers(messy_raw, tmp_path, cluster, monkeypatch):  # noqa: F811
    """One file per task: many tasks finish out of order on two workers; the output must not."""
    address, client = cluster
    monkeypatch.setattr(executors, "CHUNK_FILES", 1)
    monkeypatch.setattr(executors, "IN_FLIGHT_PER_WORKER", 1)
    local, dask = tmp_path / "local", tmp_path / "dask"
    build_corpus(messy_raw, local, settings=BuildSettings(max_bytes=MAX_BYTES, workers=2))
    with get_task_stream(client) as tasks:
        summary = build_corpus(
            messy_raw, dask, settings=BuildSettings(max_bytes=MAX_BYTES, engine="dask", scheduler=address)
        )
    ran = [t for t in tasks.data if t["key"].startswith("run_chunk")]
    assert len(ran) == summary.raw_files and len({t["worker"] for t in ran}) == 2
    assert _outputs(dask) == _outputs(local)


def test_incremental_dask_build_equals_the_local_one(messy_raw, tmp_path, cluster):  # noqa: F811
    """v2 on top of v1: workers take unchanged files' results from the parent version."""
    address, _ = cluster
    dask_settings = BuildSettings(max_bytes=MAX_BYTES, engine="dask", scheduler=address)
    raw_local, raw_dask = tmp_path / "raw-local", tmp_path / "raw-dask"
    shutil.copytree(messy_raw, raw_local, symlinks=True)
    shutil.copytree(messy_raw, raw_dask, symlinks=True)
    local, dask = tmp_path / "local", tmp_path / "dask"
    build_corpus(raw_local, local, settings=BuildSettings(max_bytes=MAX_BYTES))
    build_corpus(raw_dask, dask, settings=dask_settings)
    _edit(raw_local)
    _edit(raw_dask)
    assert build_corpus(raw_local, local, settings=BuildSettings(max_bytes=MAX_BYTES)).version == "v2"
    summary = build_corpus(raw_dask, dask, settings=dask_settings)
    assert summary.version == "v2" and summary.diff["added"] == 1 and summary.diff["removed"] == 1
    assert _outputs(dask, "v2") == _outputs(local, "v2")  # manifests hold paths relative to the raw folder


def test_cli_engine_dask_starts_a_local_cluster_and_writes_the_same_bytes(messy_raw, tmp_path):  # noqa: F811
    local, dask = tmp_path / "local", tmp_path / "dask"
    common = ["corpus", "build", "--raw", str(messy_raw), "--max-bytes", str(MAX_BYTES)]
    run = subprocess.run([str(NEWSCLAIMS), *common, "--out", str(local)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    run = subprocess.run(
        [str(NEWSCLAIMS), *common, "--out", str(dask), "--engine", "dask", "--workers", "2"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert f"corpus v1 written to {dask / 'v1'}" in run.stdout
    assert _outputs(dask) == _outputs(local)


def test_cli_refuses_an_unknown_engine_and_scheduler_without_dask(raw_dir, out_dir):
    ray = subprocess.run(
        [str(NEWSCLAIMS), "corpus", "build", "--raw", str(raw_dir), "--out", str(out_dir), "--engine", "ray"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert ray.returncode == 2 and "invalid choice: 'ray'" in ray.stderr
    lone = subprocess.run(
        [
            str(NEWSCLAIMS),
            "corpus",
            "build",
            "--raw",
            str(raw_dir),
            "--out",
            str(out_dir),
            "--scheduler",
            "tcp://127.0.0.1:8786",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert lone.returncode != 0 and "--scheduler needs --engine dask" in lone.stderr
    assert "Traceback" not in lone.stderr and not out_dir.exists()


def test_unreachable_scheduler_is_a_clear_error_and_writes_nothing(raw_dir, out_dir, monkeypatch):
    monkeypatch.setattr(executors, "CONNECT_TIMEOUT", "2s")
    with pytest.raises(executors.ExecutorError, match="cannot reach the Dask scheduler at tcp://127.0.0.1:9"):
        build_corpus(raw_dir, out_dir, settings=BuildSettings(engine="dask", scheduler="tcp://127.0.0.1:9"))
    assert not (out_dir / "v1").exists() and not (out_dir / "LATEST").exists()
    assert not [p for p in out_dir.iterdir() if p.name.startswith(".v1")]  # no partial version left


def test_dask_executor_gives_the_serial_executors_items_and_counts(messy_raw, cluster):  # noqa: F811
    from .test_pipeline import _comparable, _counts, _job_and_files

    address, _ = cluster
    job, files = _job_and_files(messy_raw)
    with executors.SerialExecutor() as serial:
        one = list(serial.run(job, files))
    with executors.DaskExecutor(address, workers=1) as dask:
        many = list(dask.run(job, files))
    assert _comparable(many) == _comparable(one)
    assert _counts(dask.stats) == _counts(serial.stats) and dask.stats[0].items_in == len(files)


def test_the_cli_offers_exactly_the_executors_there_are():
    from newsclaims.corpus.defaults import EXECUTOR_NAMES
    from newsclaims.corpus.executors import EXECUTORS

    assert EXECUTOR_NAMES == EXECUTORS
