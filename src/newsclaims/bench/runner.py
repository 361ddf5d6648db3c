"""Run the benchmark stages, print a table, write `bench/results/<date>-<size>.json`.

A stage is a function of a `BenchContext` returning `Measurement`s; each measurement holds a
floor measured in the same run on the same data, the measured value, their ratio and the goal
(see stages.py for the registry that later stages plug into).
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from newsclaims.bench.synth import SynthSpec, SynthSummary, generate
from newsclaims.fsutil import atomic_write_text


@dataclass(frozen=True)
class Size:
    name: str
    articles: int  # throughput, incremental rebuild, the small side of the memory ratio
    large_articles: int  # the large side of the memory ratio (its documents also feed near-dup cost)
    workers: tuple[int, ...]


def sizes() -> dict[str, Size]:
    n = os.cpu_count() or 1
    workers = tuple(sorted({1, 2, n}))
    return {"small": Size("small", 150, 600, workers), "full": Size("full", 10_000, 100_000, workers)}


@dataclass(frozen=True)
class Goal:
    op: str  # ">=" or "<="
    value: float

    def met(self, ratio: float) -> bool:
        return ratio >= self.value if self.op == ">=" else ratio <= self.value

    def __str__(self) -> str:
        return f"{self.op} {self.value:g}"


@dataclass
class Measurement:
    stage: str
    case: str
    unit: str  # s | MiB
    floor: float
    measured: float
    ratio: float
    ratio_is: str  # "floor / measured" or "measured / floor"
    goal: str
    met: bool
    floor_is: str  # what the floor is, in words
    details: dict = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        stage: str,
        case: str,
        unit: str,
        floor: float,
        measured: float,
        goal: Goal,
        floor_is: str,
        inverted: bool = False,
        **details,
    ) -> Measurement:
        """inverted: the ratio is floor/measured (a throughput, higher is better)."""
        # Significant figures, not decimal places: a 30 ms floor kept to four
        # decimals is off by up to 0.2%; the ratio is taken from the figures as
        # written so a reader can recompute it from the file.
        floor, measured = _significant(floor), _significant(measured)
        ratio = floor / measured if inverted else measured / floor
        return cls(
            stage,
            case,
            unit,
            floor,
            measured,
            _significant(ratio),
            "floor / measured" if inverted else "measured / floor",
            str(goal),
            goal.met(ratio),
            floor_is,
            details,
        )


def _significant(value: float, digits: int = 6) -> float:
    return float(f"{value:.{digits}g}")


@dataclass(frozen=True)
class ChildRun:
    output: dict  # what the child printed: `seconds` of work, and more
    wall_seconds: float  # including interpreter start-up and imports
    peak_rss_mib: float

    @property
    def seconds(self) -> float:
        return self.output["seconds"]


class BenchError(RuntimeError):
    pass


@dataclass
class BenchContext:
    size: Size
    work: Path
    log: Callable[[str], None] = print
    out: Path | None = None  # where results go (--out); stages that write files of their own use it
    corpora: dict[int, tuple[Path, SynthSummary]] = field(default_factory=dict)
    _builds: dict[tuple[int, int, str], tuple[Path, ChildRun]] = field(default_factory=dict)

    def raw(self, articles: int) -> tuple[Path, SynthSummary]:
        """The synthetic raw folder with `articles` articles (generated once per run)."""
        if articles not in self.corpora:
            path = self.work / f"raw-{articles}"
            shutil.rmtree(path, ignore_errors=True)
            start = time.perf_counter()
            summary = generate(SynthSpec(articles), path)
            self.log(
                f"  generated {summary.files} files ({summary.bytes / 2**20:.1f} MiB, {summary.articles} articles) "
                f"in {time.perf_counter() - start:.1f}s"
            )
            self.corpora[articles] = (path, summary)
        return self.corpora[articles]

    def child(self, *args: str, module: str = "newsclaims.bench.child") -> ChildRun:
        """Run `python -m MODULE ARGS` and measure its peak resident memory."""
        log_file = self.work / "child.log"
        start = time.perf_counter()
        with open(log_file, "ab") as err:
            proc = subprocess.Popen([sys.executable, "-m", module, *args], stdout=subprocess.PIPE, stderr=err)
            assert proc.stdout is not None  # stdout=PIPE
            out = proc.stdout.read()
            proc.stdout.close()
            # wait4: this child's own rusage (RUSAGE_CHILDREN would mix in every earlier child).
            _, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - start
        if proc.returncode != 0:
            tail = log_file.read_text(encoding="utf-8", errors="replace")[-2000:]
            raise BenchError(f"benchmark child {' '.join(args)} failed ({proc.returncode}):\n{tail}")
        return ChildRun(json.loads(out), wall, usage.ru_maxrss / 1024)  # Linux: ru_maxrss is KiB

    def build(self, articles: int, workers: int, engine: str = "local") -> tuple[Path, ChildRun]:
        """A from-scratch corpus build of raw(articles) into its own versions dir (memoized)."""
        key = (articles, workers, engine)
        if key not in self._builds:
            raw, _ = self.raw(articles)
            out = self.work / (f"versions-{articles}-w{workers}" + ("" if engine == "local" else f"-{engine}"))
            shutil.rmtree(out, ignore_errors=True)
            run = self.child("build", str(raw), str(out), str(workers), engine)
            self.log(
                f"  built {articles} articles with {workers} worker(s), engine {engine}: {run.seconds:.2f}s, "
                f"peak {run.peak_rss_mib:.0f} MiB"
            )
            self._builds[key] = (out, run)
        return self._builds[key]


def machine_facts() -> dict:
    def version(dist: str) -> str | None:
        try:
            return importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            return None

    mem_kib = None
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            mem_kib = int(next(line for line in f if line.startswith("MemTotal:")).split()[1])
    except (OSError, StopIteration, ValueError):
        pass
    libraries = (
        "newsclaims",
        "ftfy",
        "charset-normalizer",
        "trafilatura",
        "datasketch",
        "lingua-language-detector",
        "pandera",
        "pandas",
        "numpy",
        "pyarrow",
        "datasets",
        "label-studio-sdk",
    )
    return {
        "cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "memory_gib": round(mem_kib / 2**20, 1) if mem_kib else None,
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "libraries": {name: version(name) for name in libraries},
    }


def format_table(measurements: list[Measurement]) -> str:
    rows = [("stage", "case", "floor", "measured", "ratio", "goal", "met")]
    for m in measurements:
        rows.append(
            (
                m.stage,
                m.case,
                f"{m.floor:.3f} {m.unit}",
                f"{m.measured:.3f} {m.unit}",
                f"{m.ratio:.3f}",
                f"{m.ratio_is} {m.goal}",
                "yes" if m.met else "NO",
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def run_bench(
    size: Size, out_dir: Path, work: Path, stages, log: Callable[[str], None] = print, partial: bool = False
) -> tuple[Path, dict]:
    work.mkdir(parents=True, exist_ok=True)
    ctx = BenchContext(size, work, log, out_dir)
    started = dt.datetime.now(dt.UTC)
    facts = machine_facts()
    measurements: list[Measurement] = []
    for stage in stages:
        log(f"{stage.name}: {stage.description}")
        start = time.perf_counter()
        measurements += stage.run(ctx)
        log(f"  ({time.perf_counter() - start:.1f}s)")
    result = {
        "size": asdict(size),
        "started": started.isoformat(timespec="seconds"),
        "seconds": round((dt.datetime.now(dt.UTC) - started).total_seconds(), 1),
        "command": f"newsclaims bench --size {size.name}" + "".join(f" --stage {s.name}" for s in stages if partial),
        "machine": facts,
        "synthetic_corpora": {str(n): s.to_dict() for n, (_, s) in sorted(ctx.corpora.items())},
        "stages": [asdict(m) for m in measurements],
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    # A partial run must not overwrite the full run's figures the README quotes.
    path = out_dir / f"{started.date().isoformat()}-{size.name}{'-partial' if partial else ''}.json"
    atomic_write_text(path, json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    return path, result
