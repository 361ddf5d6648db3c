"""`newsclaims hydrate`: put back the text a release leaves out, from the user's own raw files.

A release carries a document's text only when its licence allows redistribution; otherwise the
rows keep offsets, labels, `text_sha256`, `raw_path`, URL and outlet. Hydrating runs the corpus
pipeline on the user's raw folder (in a scratch directory), takes each withheld document's text
from the file the release names, checks it against `text_sha256` and refuses, naming the file,
when one is missing or differs. The output is the full release: the same folder with every text,
span text, title and token filled in, written atomically; the input release is not touched.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from newsclaims.corpus.document import Document
from newsclaims.errors import NewsclaimsError
from newsclaims.fsutil import atomic_directory, sha256_bytes
from newsclaims.release.build import PARQUET_BATCH_SIZE
from newsclaims.release.content import DERIVED_TITLES
from newsclaims.release.ner import tokenize, tokenize_span, tokenize_v1

HYDRATED_FILE = "hydrated.json"


class HydrateError(NewsclaimsError):
    pass


def _user_documents(raw_dir: Path) -> dict[str, Document]:
    from newsclaims.corpus.build import build_corpus
    from newsclaims.corpus.versions import load_documents

    with tempfile.TemporaryDirectory(prefix="newsclaims-hydrate-") as scratch:
        summary = build_corpus(raw_dir, Path(scratch) / "versions")
        if summary.version is None:
            raise HydrateError(f"no article could be read from {raw_dir}")
        return {d.raw_path: d for d in load_documents(summary.version, Path(scratch) / "versions")}


def _texts(release: Path, raw_dir: Path) -> dict[str, Document]:
    """Withheld doc id -> the user's document with the same raw path and text digest."""
    import pyarrow.parquet as pq

    wanted = [
        r
        for p in sorted((release / "documents").glob("*.parquet"))
        for r in pq.read_table(p, columns=["id", "text", "text_sha256", "raw_path"]).to_pylist()
        if r["text"] is None
    ]
    if not wanted:
        return {}
    mine = _user_documents(raw_dir)
    found: dict[str, Document] = {}
    for r in wanted:
        doc = mine.get(r["raw_path"])
        if doc is None:
            raise HydrateError(
                f"{raw_dir / r['raw_path']}: missing (or not readable as an article); document {r['id']}"
            )
        if sha256_bytes(doc.text.encode("utf-8")) != r["text_sha256"]:
            raise HydrateError(
                f"{raw_dir / r['raw_path']}: its text does not match document {r['id']} of the release "
                f"(sha256 {doc.text_sha256[:12]}, expected {r['text_sha256'][:12]}): not the same article, or edited"
            )
        found[r["id"]] = doc
    return found


def _fill(config: str, row: dict, doc: Document, bounds: dict[str, int]) -> dict:
    text = doc.text
    row = {**row}
    if "text" in row:
        row["text"] = text
    if config == "documents" and row.get("title") is None and doc.title_source in DERIVED_TITLES:
        row["title"] = doc.title
    for key in ("entities", "claims") if config in ("entities", "claims") else ():
        for s in row.get(key) or []:
            s["text"] = text[s["start"] : s["end"]]
            if s.get("speaker"):
                s["speaker"]["text"] = text[s["speaker"]["start"] : s["speaker"]["end"]]
    if config == "sentences":
        row["text"] = text[row["start"] : row["end"]]
        for p in row.get("speakers") or []:
            p["text"] = text[p["start"] : p["end"]]
    if config == "ner":
        # A row is a sentence: its tokens run from its first token to where the next sentence
        # of the document starts (`bounds`), so a sentence glued to the next ("children.The")
        # is cut where the release cut it. A release made before sentences (no doc_id) has one
        # row per document, tokenized by the tokenizer of its time.
        if "doc_id" in row:
            starts = row["token_starts"]
            tokens = tokenize_span(text, starts[0], bounds[row["id"]]) if len(starts) else tokenize("")
        else:
            tokens = tokenize_v1(text)
        texts = tokens.texts
        if [int(x) for x in tokens.starts] != list(row["token_starts"]):
            raise HydrateError(f"document {row['id']}: the tokens of this text do not match the release's offsets")
        row["tokens"] = texts
    return row


def _sentence_bounds(rows: list[dict], docs: dict[str, Document]) -> dict[str, int]:
    """ner row id -> where its sentence's text may end at most: the next sentence's first token
    of the same document (rows come by id, which orders a document's sentences), else its end."""
    bounds: dict[str, int] = {}
    nxt: dict[str, int] = {}
    for r in sorted((r for r in rows if r.get("doc_id") in docs), key=lambda r: r["id"], reverse=True):
        doc_id = r["doc_id"]
        bounds[r["id"]] = nxt.get(doc_id, len(docs[doc_id].text))
        if len(r["token_starts"]):
            nxt[doc_id] = int(r["token_starts"][0])
    return bounds


def _rewrite_parquet(path: Path, config: str, docs: dict[str, Document]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq
    from datasets import Dataset, Features
    from datasets.table import InMemoryTable

    table = pq.read_table(path)
    features = Features.from_arrow_schema(table.schema)
    rows = table.to_pylist()
    bounds = _sentence_bounds(rows, docs) if config == "ner" else {}
    rows = [_fill(config, r, docs[key], bounds) if (key := r.get("doc_id") or r["id"]) in docs else r for r in rows]
    out = pa.Table.from_pylist(rows, schema=features.arrow_schema)
    ds = Dataset(InMemoryTable(out), fingerprint="newsclaims-hydrated")
    ds.to_parquet(str(path), batch_size=PARQUET_BATCH_SIZE)


def _rewrite_review(path: Path, docs: dict[str, Document]) -> None:
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        if item["doc_id"] in docs and item.get("text") is None:
            item["text"] = docs[item["doc_id"]].text[item["start"] : item["end"]]
        lines.append(json.dumps(item, sort_keys=True, ensure_ascii=False) + "\n")
    path.write_text("".join(lines), encoding="utf-8")


def hydrate(release: Path, raw_dir: Path, out: Path) -> int:
    """Write the full release to `out`; returns how many documents got their text back."""
    release, raw_dir, out = Path(release), Path(raw_dir), Path(out)
    if not (release / "manifest.json").is_file():
        raise HydrateError(f"{release} is not a release folder (no manifest.json)")
    if not raw_dir.is_dir():
        raise HydrateError(f"raw directory {raw_dir} does not exist")
    docs = _texts(release, raw_dir)
    import datasets

    datasets.disable_progress_bars()

    def exists(msg: str) -> HydrateError:
        return HydrateError(f"{msg}: choose another --out")

    with atomic_directory(out, exists) as tmp:
        shutil.copytree(release, tmp, dirs_exist_ok=True)
        for config_dir in ("documents", "entities", "claims", "sentences", "ner"):
            for p in sorted((tmp / config_dir).glob("*.parquet")):
                _rewrite_parquet(p, config_dir, docs)
        if (tmp / "review.jsonl").is_file():
            _rewrite_review(tmp / "review.jsonl", docs)
        note = {"release": release.name, "hydrated_documents": sorted(docs)}
        (tmp / HYDRATED_FILE).write_text(json.dumps(note, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return len(docs)
