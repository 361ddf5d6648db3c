"""Write one corpus version into its (temporary) directory: run the chain, then the documents,
rejects and manifest. Imported by build.py only when something is built, so a run that finds
nothing changed never loads the steps' libraries (trafilatura, lingua's models, pandera, MinHash).
"""

from __future__ import annotations

import functools
import hashlib
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from newsclaims.corpus import versions as V
from newsclaims.corpus.build import BuildSettings, Summary
from newsclaims.corpus.dedup import SignatureCache
from newsclaims.corpus.defaults import MINHASH
from newsclaims.corpus.diff import ParentDiff, parent_lines
from newsclaims.corpus.duplicates import Deduplicate, Deduplicated, run_whole_stream
from newsclaims.corpus.executors import executor_for
from newsclaims.corpus.filetable import RawFiles
from newsclaims.corpus.jsonl import dumps_record
from newsclaims.corpus.jsonstream import StreamedList
from newsclaims.corpus.manifest import CorpusCounts, CorpusInput, CorpusManifest, FileDigest, write_manifest
from newsclaims.corpus.normalize import recorded_normalizer_version
from newsclaims.corpus.parent_cache import ParentCache, load_parent_cache
from newsclaims.corpus.per_file import PerFileJob
from newsclaims.corpus.pipeline import PipelineStep, merge_stats, split_per_file
from newsclaims.corpus.rawfolder import Sidecars, load_sidecars
from newsclaims.corpus.read import Read
from newsclaims.corpus.spool import Spool, WriteSpool
from newsclaims.corpus.steps import per_file_steps
from newsclaims.corpus.validate import Validate


def corpus_steps(
    sidecars: Sidecars, max_bytes: int, parent: ParentCache | None, spool: Spool, signatures: SignatureCache | None
) -> list[PipelineStep]:
    """The whole chain: read (through the parent cache), decode, extract_html, normalize,
    extract_header, segment, apply_metadata, detect_language, sign (per file, on the executor),
    then validate, dedup and write (the whole stream, in this process)."""
    return [
        Read(sidecars, max_bytes, parent),
        *per_file_steps(MINHASH),
        Validate(),
        Deduplicate(spool, signatures, MINHASH),
        WriteSpool(spool),
    ]


def _run_pipeline(
    files: RawFiles,
    sidecars: Sidecars,
    parent: ParentCache | None,
    signatures: SignatureCache | None,
    spool: Spool,
    settings: BuildSettings,
) -> Deduplicated:
    """The chain over the files: its per-file head on the executor (kept up, e.g. a Dask
    cluster, while this process consumes the items), the rest here; stats of every step."""
    with executor_for(settings.engine, settings.workers, settings.scheduler) as executor:
        per_file, whole_stream = split_per_file(corpus_steps(sidecars, settings.max_bytes, parent, spool, signatures))
        result = run_whole_stream(executor.run(PerFileJob(per_file), files), whole_stream)
    result.stats = merge_stats(list(executor.stats), result.stats)
    return result


# ---- writing -----------------------------------------------------------------------------
def _write_jsonl(path: Path, records: Iterable[dict]) -> dict:
    return _write_lines(path, ((dumps_record(r) + "\n").encode("utf-8") for r in records))


def _write_lines(path: Path, lines: Iterable[bytes]) -> dict:
    """Write the lines (streamed, buffered) and return what the manifest records about the file."""
    h, n, size = hashlib.sha256(), 0, 0
    with open(path, "wb", buffering=1 << 20) as f:
        for line in lines:
            f.write(line)
            h.update(line)
            n += 1
            size += len(line)
    return {"sha256": h.hexdigest(), "bytes": size, "lines": n}


def write_version(
    tmp: Path, version: str, parent: str | None, out_dir: Path, files: RawFiles, digest: str, settings: BuildSettings
) -> Summary:
    sidecars = load_sidecars(files, settings.max_bytes)
    reusable = load_parent_cache(parent, out_dir, files.inputs(), settings.recorded())
    cache = SignatureCache(out_dir).load() if reusable is not None else None
    spool = Spool(tmp / ".spool.jsonl")
    diff = ParentDiff(tmp / ".diff", parent_lines(parent, out_dir))
    try:
        try:
            result = _run_pipeline(files, sidecars, reusable, cache, spool, settings)
        finally:
            if cache is not None:
                cache.close()
        documents_out = _write_lines(tmp / V.DOCUMENTS_FILE, diff.compare(spool.sorted_lines(result.near)))
        SignatureCache(out_dir).save(result.index, result.text_sha256)
        result.index.close()
        summary = _write_manifest_and_rejects(
            tmp, version, parent, out_dir, files, digest, settings, result, documents_out, diff
        )
        summary.steps = result.stats
    finally:
        spool.close()
        diff.close()
    return summary


def _write_manifest_and_rejects(
    tmp: Path,
    version: str,
    parent: str | None,
    out_dir: Path,
    files: RawFiles,
    digest: str,
    settings: BuildSettings,
    result: Deduplicated,
    documents_out: dict,
    diff: ParentDiff,
) -> Summary:
    languages = result.languages
    rejects = sorted(result.rejects, key=lambda r: (r.raw_path, r.record or 0, r.reason))
    documents_digest = FileDigest.from_json(documents_out)
    rejects_digest = FileDigest.from_json(_write_jsonl(tmp / V.REJECTS_FILE, (r.to_dict() for r in rejects)))
    by_reason = dict(sorted(Counter(r.reason.value for r in rejects).items()))
    near_pairs = sum(len(v) for v in result.near.values()) // 2
    counts = CorpusCounts(
        raw_files=len(files),
        inputs_by_role=dict(sorted(Counter(files.role(i) for i in range(len(files))).items())),
        documents=documents_digest.lines,
        rejects=len(rejects),
        rejected_by_reason=by_reason,
        duplicates=by_reason.get("duplicate", 0),
        near_duplicate_pairs=near_pairs,
        languages=dict(sorted(languages.items())),
    )
    manifest = CorpusManifest(
        version=version,
        parent=parent,
        normalizer_version=recorded_normalizer_version(i.path for i in files.inputs()),
        input_digest=digest,
        settings=settings.recorded(),
        counts=counts,
        # Made again one at a time whenever the encoder iterates: 100k inputs are never one list.
        inputs=StreamedList(
            lambda: (CorpusInput(i.path, i.sha256, i.bytes, i.role) for i in files.inputs()), len(files)
        ),
        outputs={V.DOCUMENTS_FILE: documents_digest, V.REJECTS_FILE: rejects_digest},
        diff={kind: StreamedList(functools.partial(diff.ids, kind), n) for kind, n in diff.counts.items()},
    )
    write_manifest(tmp / V.MANIFEST_FILE, manifest)
    return Summary(
        version,
        parent,
        True,
        f"corpus {version} written to {out_dir / version}",
        raw_files=len(files),
        accepted=documents_digest.lines,
        rejected_by_reason=by_reason,
        duplicates=counts.duplicates,
        near_duplicate_pairs=near_pairs,
        languages=counts.languages,
        diff=dict(diff.counts),
    )
