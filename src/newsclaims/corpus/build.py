"""`corpus build`: raw folder -> a new immutable version directory.

Decides what to build (nothing changed? existing version?), runs the pipeline inside
`atomic_directory`: the per-file part (per_file.py) on an executor (executors.py), then
validate, dedup and write in this process (duplicates.py); writes documents sorted by id,
rejects and the manifest, then moves LATEST.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from newsclaims.corpus import versions as V
from newsclaims.corpus.dedup import MINHASH, SignatureCache
from newsclaims.corpus.defaults import DEFAULT_MAX_BYTES
from newsclaims.corpus.diff import ParentDiff, parent_lines
from newsclaims.corpus.duplicates import Deduplicate, Deduplicated, run_whole_stream
from newsclaims.corpus.errors import RawDirMissingError, VersionConflictError
from newsclaims.corpus.executors import executor_for, progress
from newsclaims.corpus.filetable import RawFiles
from newsclaims.corpus.jsonl import dumps_record
from newsclaims.corpus.jsonstream import StreamedList
from newsclaims.corpus.language import language_codes
from newsclaims.corpus.manifest import CorpusCounts, CorpusInput, CorpusManifest, FileDigest, write_manifest
from newsclaims.corpus.normalize import NORMALIZER_VERSION
from newsclaims.corpus.parent_cache import ParentCache, load_parent_cache
from newsclaims.corpus.per_file import PerFileJob
from newsclaims.corpus.pipeline import PipelineStep, StepStats, merge_stats, split_per_file
from newsclaims.corpus.rawfolder import Sidecars, list_raw_files, load_sidecars
from newsclaims.corpus.read import Read
from newsclaims.corpus.spool import Spool, WriteSpool
from newsclaims.corpus.steps import per_file_steps
from newsclaims.corpus.validate import Validate


@dataclass(frozen=True)
class BuildSettings:
    max_bytes: int = DEFAULT_MAX_BYTES
    # Where the per-file steps run; none of these change the output, so not part of `recorded()`.
    workers: int = 1  # local processes, or the size of a local Dask cluster
    engine: str = "local"  # the executor: local | dask (executors.py)
    scheduler: str | None = None  # a running Dask scheduler's address; None: a local cluster

    def recorded(self) -> dict:
        """What, besides the raw inputs and the code, determines a version's content."""
        return {
            "max_bytes": self.max_bytes,
            "near_duplicates": MINHASH.recorded(),
            "languages": language_codes(),
        }


@dataclass
class Summary:
    version: str | None
    parent: str | None
    written: bool
    message: str
    raw_files: int = 0
    accepted: int = 0
    rejected_by_reason: dict[str, int] = field(default_factory=dict)
    duplicates: int = 0
    near_duplicate_pairs: int = 0
    languages: dict[str, int] = field(default_factory=dict)
    diff: dict[str, int] = field(default_factory=dict)
    steps: list[StepStats] = field(default_factory=list)  # per pipeline step, in order; none when nothing ran


# ---- inputs ------------------------------------------------------------------------------
def describe_inputs(files: RawFiles) -> RawFiles:
    """Hash every raw file (into the table)."""
    for i, f in enumerate(progress(files, len(files), "hashing")):
        files.set_sha256(i, f.sha256() if f.path.is_file() else None)
    return files


def input_digest(files: RawFiles, settings: BuildSettings) -> str:
    """sha256 of `json.dumps(payload, sort_keys=True, ensure_ascii=False)`, encoded piece by piece."""
    payload = {
        "normalizer_version": NORMALIZER_VERSION,
        "settings": settings.recorded(),
        "inputs": StreamedList(lambda: ([i.path, i.sha256] for i in files.inputs()), len(files)),
    }
    h = hashlib.sha256()
    for chunk in json.JSONEncoder(sort_keys=True, ensure_ascii=False).iterencode(payload):
        h.update(chunk.encode("utf-8"))
    return h.hexdigest()


# ---- the pipeline ---------------------------------------------------------------------------
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
        normalizer_version=NORMALIZER_VERSION,
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


def _summary_of(version: str, out_dir: Path, message: str) -> Summary:
    m = V.read_manifest(version, out_dir)
    c = m["counts"]
    return Summary(
        version,
        m["parent"],
        False,
        message,
        raw_files=c["raw_files"],
        accepted=c["documents"],
        rejected_by_reason=c["rejected_by_reason"],
        duplicates=c["duplicates"],
        near_duplicate_pairs=c["near_duplicate_pairs"],
        languages=c["languages"],
        diff={k: len(v) for k, v in m["diff"].items()},
    )


# ---- the command ---------------------------------------------------------------------------
def build_corpus(
    raw_dir: Path, out_dir: Path, version: str | None = None, settings: BuildSettings = BuildSettings()
) -> Summary:
    raw_dir, out_dir = Path(raw_dir), Path(out_dir)
    if not raw_dir.is_dir():
        raise RawDirMissingError(f"raw directory {raw_dir} does not exist")
    versions = V.store(out_dir)
    if version is not None:
        versions.check_name(version)
    with versions.writer(f"another corpus build is writing to {out_dir}"):
        files = describe_inputs(RawFiles(raw_dir, list_raw_files(raw_dir)))
        digest = input_digest(files, settings)
        newest = V.latest_version(out_dir)
        if version is not None and version in V.list_versions(out_dir):
            if V.read_manifest(version, out_dir).get("input_digest") != digest:
                raise VersionConflictError(
                    f"corpus version {version} already exists with different content and versions are "
                    f"immutable; build a new version (omit --version to get {V.next_version(out_dir)})"
                )
            return _summary_of(
                version, out_dir, f"corpus {version} already exists with the same inputs; nothing written"
            )
        if version is None and newest is not None and V.read_manifest(newest, out_dir).get("input_digest") == digest:
            versions.point_latest(newest)
            return _summary_of(newest, out_dir, f"nothing changed since {newest}; nothing written")
        if (out_dir / (version or "")).exists() and version:
            raise VersionConflictError(
                f"{out_dir / version} exists but is not a corpus version; remove it or pick another name"
            )
        version = version or V.next_version(out_dir)
        with versions.create(version) as tmp:
            summary = write_version(tmp, version, newest, out_dir, files, digest, settings)
        versions.point_latest(version)
        return summary
