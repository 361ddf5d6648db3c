"""`newsclaims bench`: how fast is each stage, and what does it cost over the least it could?"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from newsclaims import paths
from newsclaims.errors import NewsclaimsError

EPILOG = """\
Generates a deterministic synthetic raw corpus, then times every stage against a floor measured
in the same run on the same data (see the table for what each floor is). Prints a table and
writes <out>/<date>-<size>.json with the machine's facts (cores, Python, library versions).
--size small takes under a minute (CI smoke test; its figures mean little); --size full is the
measurement (10k and 100k articles; 20-30 minutes on 2 cores).
"""


def register(subparsers) -> None:
    bench = subparsers.add_parser(
        "bench", help="Benchmark each stage against a floor measured in the same run",
        description="Benchmark each stage against a floor measured in the same run.", epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    bench.add_argument("--size", choices=("small", "full"), default="small", help="corpus sizes (default: small)")
    bench.add_argument("--out", type=Path, default=None, metavar="DIR",
                       help="where the results JSON goes (default: bench/results)")
    bench.add_argument("--work", type=Path, default=None, metavar="DIR",
                       help="scratch space for synthetic corpora and builds (default: a temporary "
                            "directory, removed afterwards)")
    bench.add_argument("--stage", action="append", default=None, metavar="PREFIX",
                       help="run only the stages whose name starts with PREFIX (repeatable), "
                            "e.g. --stage release. (results go to <date>-<size>-partial.json)")
    bench.set_defaults(func=run_bench_command)


def run_bench_command(args: argparse.Namespace) -> int:
    from newsclaims.bench.runner import Measurement, format_table, run_bench, sizes
    from newsclaims.bench.stages import STAGES

    stages = STAGES
    if args.stage:
        stages = tuple(s for s in STAGES if any(s.name.startswith(p) for p in args.stage))
        if not stages:
            names = ", ".join(s.name for s in STAGES)
            raise NewsclaimsError(f"no benchmark stage starts with {' or '.join(args.stage)}; stages: {names}")
    size = sizes()[args.size]
    out = args.out or paths.ROOT / "bench" / "results"
    work = args.work or Path(tempfile.mkdtemp(prefix=f"newsclaims-bench-{size.name}-"))
    try:
        path, result = run_bench(size, out, work, stages, partial=bool(args.stage))
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    print()
    print(format_table([Measurement(**m) for m in result["stages"]]))
    print(f"\nresults written to {path} ({result['seconds']}s)")
    return 0
