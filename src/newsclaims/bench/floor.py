"""The floor of a corpus build: the least any build must do with the same raw folder.

It lists the raw files the same way, reads and decodes every article (the build's own decoder,
so non-UTF-8 files cost the same charset detection), parses .jsonl records, and writes one JSON
line (id, text) per record. No cleaning, no metadata, no language, no deduplication.
"""

from __future__ import annotations

import json
from pathlib import Path

from newsclaims.corpus.decode import DecodeFailure, decode_bytes
from newsclaims.corpus.jsonl import json_line
from newsclaims.corpus.rawfolder import list_raw_files
from newsclaims.corpus.read import document_id


def copy_as_jsonl(raw_dir: Path, out_file: Path) -> int:
    """Records written."""
    n = 0
    with open(out_file, "wb") as out:
        for f in list_raw_files(Path(raw_dir)):
            if f.role != "article" or f.outside_link:
                continue
            if f.format == "jsonl":
                with open(f.path, "rb") as fh:
                    for lineno, line in enumerate(fh, 1):
                        if line.strip():
                            record = json.loads(line)
                            out.write(
                                json_line(
                                    {
                                        "id": document_id(f.rel, str(record.get("id", lineno))),
                                        "text": record.get("text"),
                                    }
                                )
                            )
                            n += 1
                continue
            decoded = decode_bytes(f.path.read_bytes())
            if not isinstance(decoded, DecodeFailure):
                out.write(json_line({"id": document_id(f.rel), "text": decoded.text}))
                n += 1
    return n
