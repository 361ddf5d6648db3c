"""`newsclaims corpus build`: raw articles -> a new versioned JSONL corpus."""

from __future__ import annotations

from pathlib import Path

from newsclaims import paths
from newsclaims.commands import CommandGroup, opt
from newsclaims.corpus.defaults import DEFAULT_MAX_BYTES, EXECUTOR_NAMES

EPILOG = """\
Reads .txt, .html/.htm and .jsonl files under --raw (sidecar <name>.meta.json files and
sources.csv add url/outlet/license/retrieved). Writes <out>/<V>/documents.jsonl, rejects.jsonl
and manifest.json, then points <out>/LATEST at <V>. Every raw file ends up as a document or a
reject with a reason. When nothing changed since the newest version, nothing is written.
Existing versions are immutable: rebuilding one with different inputs is refused.
"""


corpus = CommandGroup("corpus", "Build versioned JSONL corpora from raw articles")
register = corpus.register


@corpus.command(
    "build",
    "Normalize, deduplicate and validate corpus/raw into a new immutable version",
    opt("--raw", type=Path, default=None, metavar="DIR", help="raw articles (default: corpus/raw)"),
    opt("--out", type=Path, default=None, metavar="DIR", help="versions directory (default: corpus/versions)"),
    opt("--version", default=None, metavar="V", help="version name (default: the next vN after the newest version)"),
    opt(
        "--max-bytes",
        type=int,
        default=DEFAULT_MAX_BYTES,
        metavar="N",
        help=f"reject files (and .jsonl records) larger than N bytes as too_large (default: {DEFAULT_MAX_BYTES})",
    ),
    opt(
        "--workers",
        type=int,
        default=1,
        metavar="N",
        help="processes for the per-file steps (default: 1; the output is the same for any N); "
        "with --engine dask and no --scheduler: the workers of a local Dask cluster",
    ),
    opt(
        "--engine",
        choices=EXECUTOR_NAMES,
        default="local",
        help="the executor of the per-file steps: local processes (default) or a Dask cluster "
        "(pip install 'newsclaims[distributed]'); the output is the same",
    ),
    opt(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="with --engine dask: a running Dask scheduler (e.g. tcp://10.0.0.5:8786) whose "
        "workers see --raw and --out at the same paths (default: a local cluster)",
    ),
    description="Build the next corpus version from the raw articles.",
    epilog=EPILOG,
)
def build(
    raw: Path | None,
    out: Path | None,
    version: str | None,
    max_bytes: int,
    workers: int,
    engine: str,
    scheduler: str | None,
) -> int:
    from newsclaims.corpus.build import BuildSettings, build_corpus
    from newsclaims.corpus.errors import CorpusError
    from newsclaims.corpus.summary import format_summary

    if workers < 1 or max_bytes < 1:
        raise CorpusError("--workers and --max-bytes must be positive")
    if scheduler is not None and engine != "dask":
        raise CorpusError("--scheduler needs --engine dask")
    out = out or paths.VERSIONS_DIR
    summary = build_corpus(
        raw or paths.RAW_DIR,
        out,
        version,
        BuildSettings(max_bytes=max_bytes, workers=workers, engine=engine, scheduler=scheduler),
    )
    print(format_summary(summary, out))
    return 0
