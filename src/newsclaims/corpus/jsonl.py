"""The one JSON-line serialization of corpus records (documents.jsonl, rejects.jsonl, the spool)."""

from __future__ import annotations

import json


def dumps_record(record: dict) -> str:
    # The contract: keys sorted, UTF-8 as is; compact so 100k documents stay small.
    return json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def json_line(record: dict) -> bytes:
    return (dumps_record(record) + "\n").encode("utf-8")
