"""`newsclaims corpus build`: raw articles -> a new versioned JSONL corpus."""

from __future__ import annotations

import argparse
from pathlib import Path

from newsclaims import paths
from newsclaims.corpus.executors import EXECUTORS
from newsclaims.corpus.read import DEFAULT_MAX_BYTES

EPILOG = """\
Reads .txt, .html/.htm and .jsonl files under --raw (sidecar <name>.meta.json files and
sources.csv add url/outlet/license/retrieved). Writes <out>/<V>/documents.jsonl, rejects.jsonl
and manifest.json, then points <out>/LATEST at <V>. Every raw file ends up as a document or a
reject with a reason. When nothing changed since the newest version, nothing is written.
Existing versions are immutable: rebuilding one with different inputs is refused.
"""


def register(subparsers) -> None:
    corpus = subparsers.add_parser("corpus", help="Build versioned JSONL corpora from raw articles")
    sub = corpus.add_subparsers(dest="corpus_command", metavar="ACTION", required=True)
    build = sub.add_parser(
        "build",
        help="Normalize, deduplicate and validate corpus/raw into a new immutable version",
        description="Build the next corpus version from the raw articles.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    build.add_argument("--raw", type=Path, default=None, metavar="DIR", help="raw articles (default: corpus/raw)")
    build.add_argument("--out", type=Path, default=None, metavar="DIR", help="versions directory (default: corpus/versions)")
    build.add_argument("--version", default=None, metavar="V",
                       help="version name (default: the next vN after the newest version)")
    build.add_argument("--max-bytes", type=int, default=DEFAULT_MAX_BYTES, metavar="N",
                       help=f"reject files (and .jsonl records) larger than N bytes as too_large (default: {DEFAULT_MAX_BYTES})")
    build.add_argument("--workers", type=int, default=1, metavar="N",
                       help="processes for the per-file steps (default: 1; the output is the same for any N); "
                            "with --engine dask and no --scheduler: the workers of a local Dask cluster")
    build.add_argument("--engine", choices=EXECUTORS, default="local",
                       help="the executor of the per-file steps: local processes (default) or a Dask cluster "
                            "(pip install 'newsclaims[distributed]'); the output is the same")
    build.add_argument("--scheduler", default=None, metavar="ADDRESS",
                       help="with --engine dask: a running Dask scheduler (e.g. tcp://10.0.0.5:8786) whose "
                            "workers see --raw and --out at the same paths (default: a local cluster)")
    build.set_defaults(func=run_build)


def run_build(args: argparse.Namespace) -> int:
    # Imported here so `newsclaims --help` does not load trafilatura, lingua and pandas.
    from newsclaims.corpus.build import BuildSettings, build_corpus
    from newsclaims.corpus.summary import format_summary

    if args.workers < 1 or args.max_bytes < 1:
        from newsclaims.corpus.errors import CorpusError

        raise CorpusError("--workers and --max-bytes must be positive")
    if args.scheduler is not None and args.engine != "dask":
        from newsclaims.corpus.errors import CorpusError

        raise CorpusError("--scheduler needs --engine dask")
    summary = build_corpus(
        args.raw or paths.RAW_DIR,
        args.out or paths.VERSIONS_DIR,
        args.version,
        BuildSettings(max_bytes=args.max_bytes, workers=args.workers, engine=args.engine, scheduler=args.scheduler),
    )
    print(format_summary(summary))
    return 0
