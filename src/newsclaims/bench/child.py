"""What the benchmark runs in a fresh process, so that its peak memory and time are its own.

    python -m newsclaims.bench.child build RAW OUT WORKERS [ENGINE]
    python -m newsclaims.bench.child floor RAW OUT_FILE
    python -m newsclaims.bench.child near-duplicates VERSIONS_DIR VERSION N

Prints one JSON object: `seconds` (the work only: interpreter start and imports excluded, they
do not grow with the corpus) plus what the work reports.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path


def _build(raw: str, out: str, workers: str, engine: str = "local") -> dict:
    import hashlib

    from newsclaims.corpus.build import BuildSettings, build_corpus
    from newsclaims.corpus.document import Document, Paragraph
    from newsclaims.corpus.document_schema import invalid_rows
    from newsclaims.corpus.language import detect_language

    # Start-up, like the imports (fixed costs that do not grow with the corpus): lingua loads
    # the models of a script on first use, pandera builds its checks on the first validation.
    # Paragraph-long samples: lingua loads more models for texts under 120 characters, and the
    # synthetic articles are all longer than that.
    detect_language(" ".join(["The council met on Monday to discuss the budget for the coming year."] * 3))
    detect_language(" ".join(["Совет собрался в понедельник, чтобы обсудить бюджет на следующий год."] * 3))
    invalid_rows(
        [
            Document(
                "nc-0000000000000000",
                "x",
                "x.txt",
                "0" * 64,
                hashlib.sha256(b"x").hexdigest(),
                paragraphs=[Paragraph(0, 1)],
            )
        ]
    )
    # With --engine dask the local cluster's start-up is timed: a user pays it on every build.
    start = time.perf_counter()
    summary = build_corpus(Path(raw), Path(out), settings=BuildSettings(workers=int(workers), engine=engine))
    return {
        "seconds": time.perf_counter() - start,
        "version": summary.version,
        "written": summary.written,
        "documents": summary.accepted,
        "raw_files": summary.raw_files,
        # Seconds per pipeline step, summed over workers (the time a step costs, not its share of the wall).
        "steps": {step.name: round(step.seconds, 3) for step in summary.steps},
    }


def _floor(raw: str, out_file: str) -> dict:
    from newsclaims.bench.floor import copy_as_jsonl

    start = time.perf_counter()
    records = copy_as_jsonl(Path(raw), Path(out_file))
    return {"seconds": time.perf_counter() - start, "records": records}


def _near_duplicates(versions_dir: str, version: str, n: str) -> dict:
    """Time MinHash + LSH over the first N documents of a version (reading them is not timed)."""
    import tempfile

    from newsclaims.corpus.dedup import NearDuplicateIndex
    from newsclaims.corpus.versions import load_documents

    with tempfile.TemporaryDirectory() as scratch:
        index, spent, count = NearDuplicateIndex(Path(scratch) / "signatures.bin"), 0.0, 0
        for doc in load_documents(version, Path(versions_dir)):
            if count == int(n):
                break
            start = time.perf_counter()
            index.add(doc.id, doc.text)
            spent += time.perf_counter() - start
            count += 1
        start = time.perf_counter()
        pairs = len(index.pairs())
        spent += time.perf_counter() - start
        index.close()
    return {"seconds": spent, "documents": count, "pairs": pairs}


COMMANDS: dict[str, Callable[..., dict]] = {"build": _build, "floor": _floor, "near-duplicates": _near_duplicates}

if __name__ == "__main__":
    print(json.dumps(COMMANDS[sys.argv[1]](*sys.argv[2:])))
