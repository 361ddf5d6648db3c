"""`corpus build`: raw folder -> a new immutable version directory.

Decides what to build (nothing changed? existing version?), runs the stream (stream.py) inside
`atomic_directory`, writes documents sorted by id, rejects and the manifest, then moves LATEST.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from newsclaims.corpus import versions as V
from newsclaims.corpus.dedup import MINHASH_SEED, NEAR_DUPLICATE_THRESHOLD, NUM_PERM, SHINGLE_WORDS, SignatureCache
from newsclaims.corpus.errors import BuildLockedError, CorpusError, RawDirMissingError, VersionConflictError
from newsclaims.corpus.inputs import RawFile, Sidecars, list_raw_files, load_sidecars
from newsclaims.corpus.language import language_codes
from newsclaims.corpus.normalize import NORMALIZER_VERSION
from newsclaims.corpus.pipeline import DEFAULT_MAX_BYTES, Item
from newsclaims.corpus.reuse import ParentOutcomes, parent_outcomes
from newsclaims.corpus.stream import Spool, deduplicate, dumps_record, process_all, progress, validate
from newsclaims.fsutil import atomic_directory, atomic_write_text, check_version_name, exclusive_writer


@dataclass(frozen=True)
class BuildSettings:
    max_bytes: int = DEFAULT_MAX_BYTES
    # Where the per-file steps run; none of these change the output, so not part of `recorded()`.
    workers: int = 1  # local processes, or the size of a local Dask cluster
    engine: str = "local"  # local | dask (engine.py)
    scheduler: str | None = None  # a running Dask scheduler's address; None: a local cluster

    def recorded(self) -> dict:
        """What, besides the raw inputs and the code, determines a version's content."""
        return {
            "max_bytes": self.max_bytes,
            "near_duplicates": {"threshold": NEAR_DUPLICATE_THRESHOLD, "num_perm": NUM_PERM,
                                "shingle_words": SHINGLE_WORDS, "seed": MINHASH_SEED},
            "languages": language_codes(),
        }


@dataclass(frozen=True)
class InputFile:
    path: str
    sha256: str | None
    bytes: int
    role: str  # article | metadata | other


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


# ---- inputs ------------------------------------------------------------------------------
def describe_inputs(files: list[RawFile]) -> list[InputFile]:
    return [InputFile(f.rel, f.sha256() if f.path.is_file() else None, f.size, f.role)
            for f in progress(files, len(files), "hashing")]


def input_digest(inputs: list[InputFile], settings: BuildSettings) -> str:
    payload = {"normalizer_version": NORMALIZER_VERSION, "settings": settings.recorded(),
               "inputs": [[i.path, i.sha256] for i in inputs]}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


# ---- the per-file steps ---------------------------------------------------------------------
@contextlib.contextmanager
def _per_file_results(files: list[RawFile], sidecars: Sidecars, reusable: ParentOutcomes | None,
                      settings: BuildSettings) -> Iterator[Iterator[Item]]:
    """The per-file steps' results in file order: on this machine, or on a Dask cluster (kept
    up while the driver consumes them)."""
    if settings.engine == "local":
        yield process_all(files, sidecars, settings.max_bytes, settings.workers, reusable)
        return
    from newsclaims.corpus.engine import dask_client, process_on_dask  # Dask is an optional extra

    with dask_client(settings.scheduler, settings.workers) as client:
        yield process_on_dask(client, files, sidecars, settings.max_bytes, reusable)


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


def _document_hashes(version: str | None, out_dir: Path) -> dict[str, str]:
    if version is None:
        return {}
    hashes = {}
    with open(V.version_dir(version, out_dir) / V.DOCUMENTS_FILE, "rb") as f:
        for line in f:
            hashes[json.loads(line)["id"]] = hashlib.sha256(line).hexdigest()
    return hashes


def write_version(tmp: Path, version: str, parent: str | None, out_dir: Path, files: list[RawFile],
                  inputs: list[InputFile], digest: str, settings: BuildSettings) -> Summary:
    sidecars = load_sidecars(files, settings.max_bytes)
    reusable = parent_outcomes(parent, out_dir, inputs, settings.recorded())
    cache = SignatureCache(out_dir).load() if reusable is not None else None
    spool = Spool(tmp / ".spool.jsonl")
    try:
        with _per_file_results(files, sidecars, reusable, settings) as stream:
            result = deduplicate(validate(stream), spool, cache)
        del cache
        languages = result.languages
        line_hashes: dict[str, str] = {}

        def documents() -> Iterator[bytes]:
            for doc_id, line in spool.sorted_lines(result.near):
                line_hashes[doc_id] = hashlib.sha256(line).hexdigest()
                yield line

        documents_out = _write_lines(tmp / V.DOCUMENTS_FILE, documents())
        SignatureCache(out_dir).save(result.index, result.text_sha256)
        result.index.close()
    finally:
        spool.close()
    rejects = sorted(result.rejects, key=lambda r: (r.raw_path, r.record or 0, r.reason))
    rejects_out = _write_jsonl(tmp / V.REJECTS_FILE, (r.to_dict() for r in rejects))

    before = reusable.line_sha256 if reusable is not None else _document_hashes(parent, out_dir)
    diff = {
        "added": sorted(line_hashes.keys() - before.keys()),
        "removed": sorted(before.keys() - line_hashes.keys()),
        "changed": sorted(i for i in line_hashes.keys() & before.keys() if line_hashes[i] != before[i]),
    }
    by_reason = dict(sorted(Counter(r.reason for r in rejects).items()))
    near_pairs = sum(len(v) for v in result.near.values()) // 2
    counts = {
        "raw_files": len(files),
        "inputs_by_role": dict(sorted(Counter(f.role for f in files).items())),
        "documents": documents_out["lines"],
        "rejects": len(rejects),
        "rejected_by_reason": by_reason,
        "duplicates": by_reason.get("duplicate", 0),
        "near_duplicate_pairs": near_pairs,
        "languages": dict(sorted(languages.items())),
    }
    manifest = {
        "version": version,
        "parent": parent,
        "normalizer_version": NORMALIZER_VERSION,
        "input_digest": digest,
        "settings": settings.recorded(),
        "counts": counts,
        "inputs": [asdict(i) for i in inputs],
        "outputs": {V.DOCUMENTS_FILE: documents_out, V.REJECTS_FILE: rejects_out},
        "diff": diff,
    }
    (tmp / V.MANIFEST_FILE).write_text(json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
                                        encoding="utf-8")
    return Summary(version, parent, True, f"corpus {version} written to {out_dir / version}",
                   raw_files=len(files), accepted=documents_out["lines"], rejected_by_reason=by_reason,
                   duplicates=counts["duplicates"], near_duplicate_pairs=near_pairs,
                   languages=counts["languages"], diff={k: len(v) for k, v in diff.items()})


def _summary_of(version: str, out_dir: Path, message: str) -> Summary:
    m = V.read_manifest(version, out_dir)
    c = m["counts"]
    return Summary(version, m["parent"], False, message, raw_files=c["raw_files"], accepted=c["documents"],
                   rejected_by_reason=c["rejected_by_reason"], duplicates=c["duplicates"],
                   near_duplicate_pairs=c["near_duplicate_pairs"], languages=c["languages"],
                   diff={k: len(v) for k, v in m["diff"].items()})


# ---- the command ---------------------------------------------------------------------------
def build_corpus(raw_dir: Path, out_dir: Path, version: str | None = None,
                 settings: BuildSettings = BuildSettings()) -> Summary:
    raw_dir, out_dir = Path(raw_dir), Path(out_dir)
    if not raw_dir.is_dir():
        raise RawDirMissingError(f"raw directory {raw_dir} does not exist")
    if version is not None:
        try:
            check_version_name(version)
        except ValueError as e:
            raise CorpusError(str(e)) from None
    with exclusive_writer(out_dir, BuildLockedError(f"another corpus build is writing to {out_dir}")):
        files = list_raw_files(raw_dir)
        inputs = describe_inputs(files)
        digest = input_digest(inputs, settings)
        newest = V.latest_version(out_dir)
        if version is not None and version in V.list_versions(out_dir):
            if V.read_manifest(version, out_dir).get("input_digest") != digest:
                raise VersionConflictError(
                    f"corpus version {version} already exists with different content and versions are "
                    f"immutable; build a new version (omit --version to get {V.next_version(out_dir)})")
            return _summary_of(version, out_dir, f"corpus {version} already exists with the same inputs; nothing written")
        if version is None and newest is not None and V.read_manifest(newest, out_dir).get("input_digest") == digest:
            _point_latest_at(out_dir, newest)
            return _summary_of(newest, out_dir, f"nothing changed since {newest}; nothing written")
        if (out_dir / (version or "")).exists() and version:
            raise VersionConflictError(f"{out_dir / version} exists but is not a corpus version; remove it or pick another name")
        version = version or V.next_version(out_dir)
        with atomic_directory(out_dir / version) as tmp:
            summary = write_version(tmp, version, newest, out_dir, files, inputs, digest, settings)
        _point_latest_at(out_dir, version)
        return summary


def _point_latest_at(out_dir: Path, version: str) -> None:
    latest = out_dir / V.LATEST_FILE
    if not latest.is_file() or latest.read_text(encoding="utf-8").strip() != version:
        atomic_write_text(latest, version + "\n")
