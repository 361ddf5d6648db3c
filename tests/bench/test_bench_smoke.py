"""`newsclaims bench --size small` end to end (CI smoke test: the figures are not asserted)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from newsclaims.bench import stages_release
from newsclaims.bench.stages import STAGES
from newsclaims.bench.synth import SynthSpec, change_files, generate

NEWSCLAIMS = Path(sys.executable).parent / "newsclaims"


@pytest.mark.labelstudio  # its Label Studio stage starts a server of its own
def test_small_bench_writes_every_stage_with_floor_measured_and_ratio(tmp_path):
    out = tmp_path / "results"
    # the real-page evaluation (when the page mirrors are on this machine) on 40 pages: this test
    # checks that every stage runs and reports, `make eval-inputs` measures all pages
    env = {**os.environ, "NEWSCLAIMS_EVAL_LIMIT": "40"}
    run = subprocess.run(
        [str(NEWSCLAIMS), "bench", "--size", "small", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    (path,) = out.glob("*-small.json")
    result = json.loads(path.read_text(encoding="utf-8"))
    assert {s["stage"] for s in result["stages"]} == {s.name for s in STAGES}
    for m in result["stages"]:
        assert m["floor"] > 0 and m["measured"] > 0, m
        expected = m["floor"] / m["measured"] if m["ratio_is"] == "floor / measured" else m["measured"] / m["floor"]
        assert abs(m["ratio"] - expected) <= 1e-3 * max(1.0, expected), m
        assert m["goal"].split()[0] in (">=", "<=") and isinstance(m["met"], bool) and m["floor_is"]
    builds = [m for m in result["stages"] if m["stage"] == "corpus.build_throughput"]
    # One case per local worker count, plus the Dask engine; every one wrote the same bytes.
    assert len({m["case"] for m in builds}) == len(result["size"]["workers"]) + 1 and 1 in result["size"]["workers"]
    assert sum("Dask" in m["case"] for m in builds) == 1
    assert all(m["details"]["same_bytes_as_1_worker"] for m in builds)
    scaling = [m for m in result["stages"] if m["stage"] == "corpus.dask_scaling"]
    assert [m["case"].split("LocalCluster of ")[1].split()[0] for m in scaling] == ["1", "2", "4"]
    for m in scaling:
        d = m["details"]
        assert d["same_bytes_as_1_worker"] and d["signature_cache_bytes_per_document"] > 0
        expected = m["measured"] * 1_000_000 / result["size"]["articles"]  # measured: rounded to 4 places
        assert abs(d["extrapolated_seconds_for_1M_articles"] - expected) <= 1 + 1e-3 * expected
    machine = result["machine"]
    assert machine["cores"] >= 1 and machine["python"].startswith("3.") and machine["libraries"]["datasketch"]
    assert "corpus.build_throughput" in run.stdout and str(path) in run.stdout  # the printed table
    # Label Studio and release stages: each case has a floor, a measured value and their ratio.
    cases = {(m["stage"], m["case"].split()[0]): m for m in result["stages"]}
    for key in [
        ("labelstudio.push_pull", "push"),
        ("labelstudio.push_pull", "re-push"),
        ("labelstudio.push_pull", "pull"),
        ("release.build", f"{stages_release.SIZES['small'][0]}"),
        ("release.load_dataset", "seconds,"),
        ("release.load_dataset", "peak"),
    ]:
        m = cases[key]
        assert m["floor"] > 0 and m["measured"] > 0 and m["ratio"] > 0 and m["floor_is"], key
    assert cases[("labelstudio.push_pull", "re-push")]["details"]["new_tasks"] == 0
    for stage in ("labelstudio.push_pull", "release.build", "release.load_dataset"):
        assert stage in run.stdout


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_synthetic_corpus_is_deterministic_and_has_the_promised_mix(tmp_path):
    spec = SynthSpec(400)
    a, b = generate(spec, tmp_path / "a"), generate(spec, tmp_path / "b")
    assert _tree(tmp_path / "a") == _tree(tmp_path / "b") and a == b
    assert a.articles == 400
    kinds = a.kinds
    for kind in ("file:html", "file:jsonl", "cyrillic", "exact_duplicate", "near_duplicate", "encoding:cp1252"):
        assert kinds[kind] > 0, kind
    sizes = [len(p.read_bytes()) for p in (tmp_path / "a").rglob("*.txt")]
    assert min(sizes) < 1500 and max(sizes) > 10_000  # a realistic spread, not one length
    other = generate(SynthSpec(400, seed=7), tmp_path / "c")
    assert _tree(tmp_path / "c") != _tree(tmp_path / "a") and other.articles == 400


def test_change_files_edits_the_requested_share(tmp_path):
    generate(SynthSpec(300), tmp_path / "raw")
    before = _tree(tmp_path / "raw")
    changed = change_files(tmp_path / "raw", 0.05)
    after = _tree(tmp_path / "raw")
    assert sorted(k for k in before if before[k] != after[k]) == changed
    assert len(changed) == round(len(before) * 0.05)
