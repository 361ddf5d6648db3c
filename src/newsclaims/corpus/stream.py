"""The pipeline steps that need the whole stream: run the per-file steps (optionally in
worker processes), validate in batches, deduplicate, and spool accepted documents to disk
(per document only a few fixed-size keys stay in memory; ids, offsets, texts and MinHash
signatures go to scratch files)."""

from __future__ import annotations

import json
import multiprocessing
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from newsclaims.corpus.dedup import ExactDuplicates, NearDuplicateIndex, SignatureCache
from newsclaims.corpus.document import Document, NearDuplicate, Reject
from newsclaims.corpus.inputs import RawFile, Sidecars
from newsclaims.corpus.jsonl import dumps_record, json_line  # noqa: F401 (re-exported)
from newsclaims.corpus.pipeline import Draft, Item, sign
from newsclaims.corpus.reuse import ParentOutcomes, process_reusing
from newsclaims.corpus.scratch import drop_scratch_db, scratch_db
from newsclaims.corpus.schema import failures

VALIDATE_BATCH = 512
REUSED_PER_BATCH = 8  # a batch holds at most VALIDATE_BATCH * 8 documents
PROGRESS_MIN_FILES = 1000  # show progress on a terminal, or on long runs in logs


def progress(items: Iterable, total: int, desc: str) -> Iterable:
    show = sys.stderr.isatty() or total >= PROGRESS_MIN_FILES
    return tqdm(items, total=total, desc=desc, unit="file", disable=not show, file=sys.stderr, leave=False)


_worker_state: tuple[Sidecars, int, ParentOutcomes | None] | None = None


def _init_worker(sidecars: Sidecars, max_bytes: int, parent: ParentOutcomes | None) -> None:
    global _worker_state
    _worker_state = (sidecars, max_bytes, parent)


def process_files(files: Iterable[RawFile], sidecars: Sidecars, max_bytes: int,
                  parent: ParentOutcomes | None) -> list[Item]:
    """A worker's task (a pool process or an engine task, see engine.py): the per-file steps
    and the MinHash signatures of a few files, in file order."""
    return list(sign(process_reusing(files, sidecars, max_bytes, parent)))


def _process_one(f: RawFile) -> list[Item]:
    return process_files([f], *_worker_state)


def process_all(files: list[RawFile], sidecars: Sidecars, max_bytes: int, workers: int = 1,
                parent: ParentOutcomes | None = None) -> Iterator[Item]:
    """The per-file steps over all files, in file order (also with several worker processes);
    results for files unchanged since the parent version are taken from it (reuse.py)."""
    files_in = progress(files, len(files), "building")
    if workers <= 1:
        yield from process_reusing(files_in, sidecars, max_bytes, parent)
        return
    with multiprocessing.get_context("fork").Pool(workers, _init_worker, (sidecars, max_bytes, parent)) as pool:
        for items in pool.imap(_process_one, files_in, chunksize=4):
            yield from items


def validate(items: Iterable[Item], batch_size: int = VALIDATE_BATCH) -> Iterator[Item]:
    """pandera schema check in batches; a failing document becomes an `invalid_document` Reject.

    Documents reused from the parent passed this check there and are not checked again, unless
    the batch needs them: a column-level failure blames every row of a batch, and a repeated id
    fails uniqueness, so then the whole batch is checked as a build from scratch would."""
    batch: list[Draft] = []
    fresh_in_batch = 0

    def flush() -> Iterator[Item]:
        nonlocal fresh_in_batch
        fresh = [i for i, d in enumerate(batch) if not d.reused]
        found, column_level = failures([batch[i].doc for i in fresh]) if fresh else ({}, False)
        found = {fresh[i]: why for i, why in found.items()}
        ids = [d.doc.id for d in batch]
        if len(fresh) < len(batch) and (column_level or len(set(ids)) < len(ids)):
            found, _ = failures([d.doc for d in batch])
        for i, draft in enumerate(batch):
            yield draft.reject("invalid_document", found[i]) if i in found else draft
        batch.clear()
        fresh_in_batch = 0

    for item in items:
        if isinstance(item, Reject):
            yield item
            continue
        batch.append(item)
        fresh_in_batch += not item.reused
        # A pandera call costs ~0.1 s however few rows it checks, so an incremental build (mostly
        # reused documents) fills a batch with fresh ones; reused ones are capped to bound memory.
        if fresh_in_batch >= batch_size or len(batch) >= batch_size * REUSED_PER_BATCH:
            yield from flush()
    if batch:
        yield from flush()


class Spool:
    """Accepted documents on disk as JSON lines without near duplicates, in arrival order; their
    ids and offsets in a scratch SQLite table next to it (so memory stays flat), which also gives
    them back sorted by id (SQLite's BINARY order of UTF-8 is Python's order of str)."""

    def __init__(self, path: Path):
        self.path = path
        self.file = open(path, "w+b")  # noqa: SIM115
        self._db_path = path.with_name(path.name + ".sqlite")
        self._db = scratch_db(self._db_path)
        self._db.execute("CREATE TABLE spooled (id TEXT PRIMARY KEY, offset INTEGER NOT NULL, "
                         "length INTEGER NOT NULL) WITHOUT ROWID")

    def __contains__(self, doc_id: str) -> bool:
        return self._db.execute("SELECT 1 FROM spooled WHERE id = ?", (doc_id,)).fetchone() is not None

    def add(self, doc: Document, line: bytes | None = None) -> None:
        line = line if line is not None else json_line(doc.to_dict())
        self._db.execute("INSERT INTO spooled VALUES (?, ?, ?)", (doc.id, self.file.tell(), len(line)))
        self.file.write(line)

    def sorted_lines(self, near: dict[str, list[NearDuplicate]]) -> Iterator[tuple[str, bytes]]:
        """(id, final JSON line) by id. A document without near duplicates is written as spooled:
        the same serialization, so no need to parse it again."""
        self.file.flush()
        for doc_id, offset, length in self._db.execute("SELECT id, offset, length FROM spooled ORDER BY id"):
            self.file.seek(offset)
            line = self.file.read(length)
            if doc_id in near:
                record = json.loads(line)
                record["near_duplicates"] = [{"id": n.id, "similarity": n.similarity}
                                             for n in sorted(near[doc_id], key=lambda n: n.id)]
                line = json_line(record)
            yield doc_id, line

    def close(self) -> None:
        self.file.close()
        self.path.unlink(missing_ok=True)
        drop_scratch_db(self._db, self._db_path)


@dataclass
class Deduplicated:
    spool: Spool
    rejects: list[Reject]
    near: dict[str, list[NearDuplicate]]
    index: NearDuplicateIndex  # the caller closes it
    text_sha256: bytes  # 32-byte digests of the accepted documents, in the index's order
    languages: Counter


def deduplicate(items: Iterable[Item], spool: Spool, cache: SignatureCache | None = None) -> Deduplicated:
    """Keep the first of each exact duplicate (file order); link near duplicates both ways.

    Per accepted document only its id (in the index) and text digest stay in memory; the MinHash
    signatures and band keys, the seen ids and texts go to scratch files next to the spool."""
    exact = ExactDuplicates(spool.path.with_name(".texts.sqlite"))
    index = NearDuplicateIndex(spool.path.with_name(".signatures.bin"))
    rejects: list[Reject] = []
    digests = bytearray()
    languages: Counter[str] = Counter()
    try:
        for item in items:
            if isinstance(item, Reject):
                rejects.append(item)
                continue
            doc = item.doc
            if doc.id in spool:  # e.g. NFC and NFD spellings of one file name
                rejects.append(item.reject("id_collision", f"another input already has id {doc.id}"))
                continue
            original = exact.original_of(doc.id, doc.text_sha256)
            if original is not None:
                rejects.append(Reject(doc.raw_path, "duplicate", f"same text as {original} after normalization",
                                      doc.raw_sha256, duplicate_of=original, record=item.record))
                continue
            known = item.signature if item.signature is not None else (
                cache.get(doc.text_sha256) if cache is not None else None)
            index.add(doc.id, doc.text, known)
            digests += bytes.fromhex(doc.text_sha256)
            languages[doc.language or "unknown"] += 1
            spool.add(doc, item.line)
        near: dict[str, list[NearDuplicate]] = defaultdict(list)
        for a, b, similarity in index.pairs():
            near[a].append(NearDuplicate(b, similarity))
            near[b].append(NearDuplicate(a, similarity))
    except BaseException:
        index.close()
        raise
    finally:
        exact.close()
    return Deduplicated(spool, rejects, dict(near), index, bytes(digests), languages)
