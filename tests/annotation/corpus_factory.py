"""Corpus versions written straight from `Document`s, so push tests don't depend on the corpus build.

The layout is the corpus contract: `<versions>/<V>/documents.jsonl` (Document.to_dict(), keys
sorted, sorted by id) plus a `manifest.json`.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from newsclaims.corpus.document import Document
from newsclaims.paths import RAW_DIR


def make_document(key: str, text: str, **meta) -> Document:
    text = text.replace("\r\n", "\n")
    return Document(
        id="nc-" + hashlib.sha256(key.encode()).hexdigest()[:16],
        text=text,
        raw_path=key,
        raw_sha256=hashlib.sha256(text.encode()).hexdigest(),
        text_sha256=hashlib.sha256(text.encode()).hexdigest(),
        **meta,
    )


def seed_documents() -> list[Document]:
    """The two seed articles from corpus/raw, as plain documents."""
    paths = sorted(RAW_DIR.glob("*.txt"))
    assert len(paths) >= 2, f"seed articles missing from {RAW_DIR}"
    return [
        make_document(p.name, p.read_text(encoding="utf-8"), title=p.read_text(encoding="utf-8").splitlines()[0][:80])
        for p in paths
    ]


def synthetic_documents(n: int, words: int = 400, prefix: str = "synthetic") -> list[Document]:
    return [
        make_document(
            f"{prefix}/{i:05d}.txt",
            f"Document {i}. " + " ".join(f"On Tuesday {i} officials said {j} people met." for j in range(words // 7)),
        )
        for i in range(n)
    ]


def write_version(versions_dir: Path, version: str, documents: list[Document]) -> Path:
    out = Path(versions_dir) / version
    out.mkdir(parents=True)
    lines = [json.dumps(d.to_dict(), sort_keys=True, ensure_ascii=False) for d in sorted(documents, key=lambda d: d.id)]
    (out / "documents.jsonl").write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    (out / "rejects.jsonl").write_text("", encoding="utf-8")
    (out / "manifest.json").write_text(json.dumps({"version": version, "documents": len(documents)}), encoding="utf-8")
    (Path(versions_dir) / "LATEST").write_text(version + "\n", encoding="utf-8")
    return out
