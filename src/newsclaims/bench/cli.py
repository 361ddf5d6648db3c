"""`newsclaims bench`: how fast is each stage, and what does it cost over the least it could?"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from newsclaims import paths
from newsclaims.commands import CommandGroup, opt
from newsclaims.errors import NewsclaimsError

EPILOG = """\
Generates a deterministic synthetic raw corpus, then times every stage against a floor measured
in the same run on the same data (see the table for what each floor is). Prints a table and
writes <out>/<date>-<size>.json with the machine's facts (cores, Python, library versions).
--size small takes under a minute (CI smoke test; its figures mean little); --size full is the
measurement (10k and 100k articles; 20-30 minutes on 2 cores).
"""


top = CommandGroup(None)
register = top.register


@top.command(
    "bench",
    "Benchmark each stage against a floor measured in the same run",
    opt("--size", choices=("small", "full"), default="small", help="corpus sizes (default: small)"),
    opt("--out", type=Path, default=None, metavar="DIR", help="where the results JSON goes (default: bench/results)"),
    opt(
        "--work",
        type=Path,
        default=None,
        metavar="DIR",
        help="scratch space for synthetic corpora and builds (default: a temporary directory, removed afterwards)",
    ),
    opt(
        "--stage",
        action="append",
        default=None,
        metavar="PREFIX",
        help="run only the stages whose name starts with PREFIX (repeatable), "
        "e.g. --stage release. (results go to <date>-<size>-partial.json)",
    ),
    description="Benchmark each stage against a floor measured in the same run.",
    epilog=EPILOG,
)
def bench(size: str, out: Path | None, work: Path | None, stage: list[str] | None) -> int:
    from newsclaims.bench.runner import Measurement, format_table, run_bench, sizes
    from newsclaims.bench.stages import STAGES

    stages = STAGES
    if stage:
        stages = tuple(s for s in STAGES if any(s.name.startswith(p) for p in stage))
        if not stages:
            names = ", ".join(s.name for s in STAGES)
            raise NewsclaimsError(f"no benchmark stage starts with {' or '.join(stage)}; stages: {names}")
    chosen = sizes()[size]
    out = out or paths.ROOT / "bench" / "results"
    scratch = work or Path(tempfile.mkdtemp(prefix=f"newsclaims-bench-{chosen.name}-"))
    try:
        path, result = run_bench(chosen, out, scratch, stages, partial=bool(stage))
    finally:
        if work is None:
            shutil.rmtree(scratch, ignore_errors=True)
    print()
    print(format_table([Measurement(**m) for m in result["stages"]]))
    print(f"\nresults written to {path} ({result['seconds']}s)")
    return 0
