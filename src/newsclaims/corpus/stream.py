"""The pipeline steps that need the whole stream: run the per-file steps (optionally in
worker processes), validate in batches, deduplicate, and spool accepted documents to disk
(only ids, offsets and MinHash signatures stay in memory)."""

from __future__ import annotations

import json
import multiprocessing
import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from newsclaims.corpus.dedup import ExactDuplicates, NearDuplicateIndex
from newsclaims.corpus.document import Document, NearDuplicate, Reject
from newsclaims.corpus.inputs import RawFile, Sidecars
from newsclaims.corpus.pipeline import Draft, Item, process
from newsclaims.corpus.schema import invalid_rows

VALIDATE_BATCH = 512
PROGRESS_MIN_FILES = 1000  # show progress on a terminal, or on long runs in logs


def progress(items: Iterable, total: int, desc: str) -> Iterable:
    show = sys.stderr.isatty() or total >= PROGRESS_MIN_FILES
    return tqdm(items, total=total, desc=desc, unit="file", disable=not show, file=sys.stderr, leave=False)


_worker_state: tuple[Sidecars, int] | None = None


def _init_worker(sidecars: Sidecars, max_bytes: int) -> None:
    global _worker_state
    _worker_state = (sidecars, max_bytes)


def _process_one(f: RawFile) -> list[Item]:
    sidecars, max_bytes = _worker_state
    return list(process([f], sidecars, max_bytes))


def process_all(files: list[RawFile], sidecars: Sidecars, max_bytes: int, workers: int = 1) -> Iterator[Item]:
    """The per-file steps over all files, in file order (also with several worker processes)."""
    files_in = progress(files, len(files), "building")
    if workers <= 1:
        yield from process(files_in, sidecars, max_bytes)
        return
    with multiprocessing.get_context("fork").Pool(workers, _init_worker, (sidecars, max_bytes)) as pool:
        for items in pool.imap(_process_one, files_in, chunksize=4):
            yield from items


def validate(items: Iterable[Item], batch_size: int = VALIDATE_BATCH) -> Iterator[Item]:
    """pandera schema check in batches; a failing document becomes an `invalid_document` Reject."""
    batch: list[Draft] = []

    def flush() -> Iterator[Item]:
        failures = invalid_rows([d.doc for d in batch])
        for i, draft in enumerate(batch):
            yield draft.reject("invalid_document", failures[i]) if i in failures else draft
        batch.clear()

    for item in items:
        if isinstance(item, Reject):
            yield item
            continue
        batch.append(item)
        if len(batch) >= batch_size:
            yield from flush()
    yield from flush()


class Spool:
    """Accepted documents on disk, in arrival order, with their offsets (so memory stays lean)."""

    def __init__(self, path: Path):
        self.path = path
        self.file = open(path, "w+b")
        self.offsets: dict[str, tuple[int, int]] = {}

    def add(self, doc: Document) -> None:
        line = json_line(doc.to_dict())
        self.offsets[doc.id] = (self.file.tell(), len(line))
        self.file.write(line)

    def sorted_documents(self) -> Iterator[Document]:
        self.file.flush()
        for doc_id in sorted(self.offsets):
            offset, length = self.offsets[doc_id]
            self.file.seek(offset)
            yield Document.from_dict(json.loads(self.file.read(length)))

    def close(self) -> None:
        self.file.close()
        self.path.unlink(missing_ok=True)


def dumps_record(record: dict) -> str:
    # The contract: keys sorted, UTF-8 as is; compact so 100k documents stay small.
    return json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def json_line(record: dict) -> bytes:
    return (dumps_record(record) + "\n").encode("utf-8")


@dataclass
class Deduplicated:
    spool: Spool
    rejects: list[Reject]
    near: dict[str, list[NearDuplicate]]


def deduplicate(items: Iterable[Item], spool: Spool) -> Deduplicated:
    """Keep the first of each exact duplicate (file order); link near duplicates both ways."""
    exact, index = ExactDuplicates(), NearDuplicateIndex()
    rejects: list[Reject] = []
    near: dict[str, list[NearDuplicate]] = defaultdict(list)
    for item in items:
        if isinstance(item, Reject):
            rejects.append(item)
            continue
        doc = item.doc
        if doc.id in spool.offsets:  # e.g. NFC and NFD spellings of one file name
            rejects.append(item.reject("id_collision", f"another input already has id {doc.id}"))
            continue
        original = exact.original_of(doc.id, doc.text_sha256)
        if original is not None:
            rejects.append(Reject(doc.raw_path, "duplicate", f"same text as {original} after normalization",
                                  doc.raw_sha256, duplicate_of=original, record=item.record))
            continue
        for other, similarity in index.add(doc.id, doc.text):
            near[doc.id].append(NearDuplicate(other, similarity))
            near[other].append(NearDuplicate(doc.id, similarity))
        spool.add(doc)
    return Deduplicated(spool, rejects, near)
