"""`make eval-inputs`: the corpus build's per-file steps on real pages with known metadata, beside
trafilatura run directly on the same pages in the same run, and the decoder on the labelled
encoding set (tests/data/encodings).

The pages are not in this repository (their licences are unclear). They are read from
$NEWSCLAIMS_EVAL_PAGES (a folder holding `trafilatura/tests/{evaldata.json,cache,eval}` and
`article-extraction-benchmark/{ground-truth.json,evaluate.py,html}`), by default the git-ignored
`bench/eval-pages/`, which is filled from local git mirrors of adbar/trafilatura and
scrapinghub/article-extraction-benchmark ($NEWSCLAIMS_MIRRORS, default /work/.mirror) when
present. Without them the stage says so and measures only the encodings.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import os
import re
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from newsclaims.bench.eval_compare import HOLD_OUT_EVERY, authors_equal, gold_date, norm
from newsclaims.bench.runner import BenchContext, Goal, Measurement
from newsclaims.fsutil import atomic_write_text
from newsclaims.paths import ROOT as REPO

PAGES_DIR = REPO / "bench" / "eval-pages"
ENCODINGS_DIR = REPO / "tests" / "data" / "encodings"
MIRRORS = {
    "trafilatura": ("adbar+trafilatura", ["tests/evaldata.json", "tests/cache", "tests/eval"]),
    "article-extraction-benchmark": (
        "scrapinghub+article-extraction-benchmark",
        ["ground-truth.json", "evaluate.py", "html"],
    ),
}
GOALS = {"title": 0.90, "authors": 0.80, "date": 0.90}


def pages_dir(log: Callable[[str], None]) -> Path | None:
    given = os.environ.get("NEWSCLAIMS_EVAL_PAGES")
    root = Path(given) if given else PAGES_DIR
    if given or all((root / name).is_dir() for name in MIRRORS):
        return root if all((root / name).is_dir() for name in MIRRORS) else None
    mirrors = Path(os.environ.get("NEWSCLAIMS_MIRRORS", "/work/.mirror"))
    for name, (mirror, paths) in MIRRORS.items():
        git_dir = mirrors / mirror / "repo"
        if not git_dir.is_dir():
            return None
        target = root / name
        target.mkdir(parents=True, exist_ok=True)
        log(f"  materializing {', '.join(paths)} of {git_dir} into {target}")
        archive = subprocess.run(["git", "--git-dir", str(git_dir), "archive", "HEAD", *paths], capture_output=True)
        if archive.returncode:
            return None
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, check=True)
    return root


@dataclass
class Page:
    name: str
    html: bytes
    title: str | None = None
    authors: str | None = None
    date: str | None = None
    body: str | None = None


@dataclass
class Answer:
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    date: str | None = None
    language: str | None = None
    body: str = ""


def ours(html: bytes, name: str) -> Answer:
    from newsclaims.corpus.document import Document, Reject
    from newsclaims.corpus.pipeline import Draft
    from newsclaims.corpus.steps import Sign, per_file_steps

    item: Draft | Reject = Draft(Document("nc-0000000000000000", "", name, "0" * 64, format="html"), html)
    for step in per_file_steps():
        if isinstance(step, Sign):
            break
        if not isinstance(item, Draft):
            return Answer()
        item = step.apply(item)
    if not isinstance(item, Draft):
        return Answer()
    d = item.doc
    return Answer(d.title, d.authors, d.date, d.language, d.text)


def trafilatura_direct(html: bytes) -> Answer:
    import trafilatura
    from trafilatura.settings import Document as TrafilaturaDocument

    from newsclaims.corpus.language import detect_language

    meta = trafilatura.bare_extraction(
        html, with_metadata=True, include_comments=False, include_tables=True, include_formatting=False
    )
    body = trafilatura.extract(html, include_comments=False, include_tables=True, include_formatting=False) or ""
    if not isinstance(meta, TrafilaturaDocument):
        return Answer(body=body)
    authors = [a.strip() for a in (meta.author or "").split(";") if a.strip()]
    return Answer(meta.title, authors, meta.date, detect_language(body) if body else None, body)


def _declared_language(html: bytes) -> str | None:
    m = re.search(rb"<html[^>]*\blang=[\"']?([A-Za-z]{2})\b", html[:5000], re.IGNORECASE)
    return m[1].decode().lower() if m else None


def metadata_pages(root: Path, limit: int | None) -> list[Page]:
    tests = root / "trafilatura" / "tests"
    data = json.loads((tests / "evaldata.json").read_text(encoding="utf-8"))
    pages = []
    for url in sorted(data):
        item = data[url]
        path = next((p for p in (tests / "cache" / item["file"], tests / "eval" / item["file"]) if p.is_file()), None)
        if path is None or not any(item.get(k) for k in ("title", "author", "date")):
            continue
        gold_authors = item.get("author")
        if isinstance(gold_authors, list):
            gold_authors = "; ".join(gold_authors)
        pages.append(
            Page(
                item["file"],
                path.read_bytes(),
                item.get("title") or None,
                gold_authors or None,
                item.get("date") or None,
            )
        )
    return pages[:limit]


def body_pages(root: Path, limit: int | None) -> tuple[list[Page], dict]:
    bench = root / "article-extraction-benchmark"
    truth = json.loads((bench / "ground-truth.json").read_text(encoding="utf-8"))
    keys = sorted(truth)[:limit]
    pages = [
        Page(k, gzip.decompress((bench / "html" / f"{k}.html.gz").read_bytes()), body=truth[k].get("articleBody", ""))
        for k in keys
    ]
    return pages, {k: truth[k] for k in keys}


def _scrapinghub_f1(root: Path, truth: dict, bodies: dict[str, str]) -> float:
    """F1 by the benchmark's own evaluate.py (shingle matching), imported from its checkout."""
    spec = importlib.util.spec_from_file_location("aeb_evaluate", root / "article-extraction-benchmark" / "evaluate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    prediction = {k: {"articleBody": bodies.get(k, "")} for k in truth}
    return float(module.evaluate(truth, prediction, 10)["f1"])


def encoding_accuracy() -> dict[str, dict[str, int]]:
    """Per encoding of the labelled set: cases, decoded exactly by ours, by charset-normalizer alone."""
    import charset_normalizer

    from newsclaims.corpus.decode import Decoded, decode_bytes

    labels = json.loads((ENCODINGS_DIR / "labels.json").read_text(encoding="utf-8"))
    out: dict[str, dict[str, int]] = {}
    for encoding, names in labels["cases"].items():
        row = out.setdefault(encoding, {"cases": 0, "ours": 0, "charset_normalizer": 0})
        for name in names:
            text = (ENCODINGS_DIR / "texts" / f"{name}.txt").read_text(encoding="utf-8")
            data = text.encode(encoding)
            decoded = decode_bytes(data)
            best = charset_normalizer.from_bytes(data).best()
            row["cases"] += 1
            row["ours"] += isinstance(decoded, Decoded) and decoded.text == text
            row["charset_normalizer"] += best is not None and str(best) == text
    return out


def _accuracy(pairs: list[tuple[bool, bool]]) -> tuple[float, float]:
    n = max(len(pairs), 1)
    return sum(o for o, _ in pairs) / n, sum(t for _, t in pairs) / n


STAGE = "inputs.eval"  # every measurement carries its stage's registered name; the case says which


def evaluate_inputs(ctx: BenchContext) -> list[Measurement]:
    limit = int(os.environ["NEWSCLAIMS_EVAL_LIMIT"]) if os.environ.get("NEWSCLAIMS_EVAL_LIMIT") else None
    result: dict = {"encodings": encoding_accuracy()}
    enc = result["encodings"]
    total = sum(r["cases"] for r in enc.values())
    out = [
        Measurement.of(
            STAGE,
            f"encodings: {total} labelled files, {len(enc)} encodings",
            "share decoded exactly",
            sum(r["charset_normalizer"] for r in enc.values()) / total,
            sum(r["ours"] for r in enc.values()) / total,
            Goal(">=", 1.0),
            "charset-normalizer's best guess alone",
            per_encoding=enc,
        )
    ]
    ctx.log(
        "  encodings (ours / charset-normalizer / cases): "
        + ", ".join(f"{e} {r['ours']}/{r['charset_normalizer']}/{r['cases']}" for e, r in enc.items())
    )
    root = pages_dir(ctx.log)
    if root is None:
        ctx.log(
            "  SKIPPED the real pages: none found. Set NEWSCLAIMS_EVAL_PAGES to a folder with trafilatura/tests/"
            "{evaldata.json,cache,eval} and article-extraction-benchmark/{ground-truth.json,evaluate.py,html}, "
            "or NEWSCLAIMS_MIRRORS to where git mirrors of adbar/trafilatura and "
            "scrapinghub/article-extraction-benchmark are (owner+name/repo)."
        )
        return out
    start = time.perf_counter()
    pages = metadata_pages(root, limit)
    scores: dict[str, list[tuple[bool, bool]]] = {"title": [], "authors": [], "date": [], "language": []}
    held_out: dict[str, list[tuple[bool, bool]]] = {name: [] for name in scores}
    unreadable_gold_dates = []
    for i, page in enumerate(pages):
        a, t = ours(page.html, page.name), trafilatura_direct(page.html)
        row: dict[str, tuple[bool, bool]] = {}
        if page.title:
            row["title"] = (norm(a.title) == norm(page.title), norm(t.title) == norm(page.title))
        if page.authors:
            row["authors"] = (authors_equal(a.authors, page.authors), authors_equal(t.authors, page.authors))
        if page.date and gold_date(page.date) is None:
            unreadable_gold_dates.append(f"{page.name}: {page.date}")
        elif page.date:
            row["date"] = (a.date == page.date, t.date == page.date)
        declared = _declared_language(page.html)
        if declared:
            row["language"] = (a.language == declared, t.language == declared)
        for name, pair in row.items():
            scores[name].append(pair)
            if i % HOLD_OUT_EVERY == HOLD_OUT_EVERY - 1:  # pages no rule was looked at while writing it
                held_out[name].append(pair)
    result["date_gold_not_a_date"] = unreadable_gold_dates
    for name, pairs in scores.items():
        mine, theirs = _accuracy(pairs)
        held_mine, held_theirs = _accuracy(held_out[name])
        goal = GOALS.get(name)
        result[name] = {
            "pages": len(pairs),
            "ours": round(mine, 4),
            "trafilatura": round(theirs, 4),
            "goal": goal,
            "held_out": {
                "pages": len(held_out[name]),
                "ours": round(held_mine, 4),
                "trafilatura": round(held_theirs, 4),
            },
        }
        ctx.log(
            f"  {name:<9} on {len(pairs):>4} pages: ours {mine:.3f}, trafilatura {theirs:.3f}"
            + (f" (goal {goal})" if goal else "")
            + f"; held-out {len(held_out[name])}: ours {held_mine:.3f}, trafilatura {held_theirs:.3f}"
        )
        out.append(
            Measurement.of(
                STAGE,
                f"{name}: {len(pairs)} pages of adbar/trafilatura's evaldata that carry it",
                "accuracy",
                theirs,
                mine,
                Goal(">=", 1.0),
                "trafilatura 2.3.1 run directly on the same pages"
                + ("" if name != "language" else " (lingua on its text), against each page's <html lang>"),
                accuracy=round(mine, 4),
                held_out_accuracy=round(held_mine, 4),
                goal_accuracy=goal,
                goal_accuracy_met=None if goal is None else mine >= goal,
            )
        )
    bodies, truth = body_pages(root, limit)
    mine_f1 = _scrapinghub_f1(root, truth, {p.name: ours(p.html, p.name).body for p in bodies})
    theirs_f1 = _scrapinghub_f1(root, truth, {p.name: trafilatura_direct(p.html).body for p in bodies})
    result["body_f1"] = {"pages": len(bodies), "ours": round(mine_f1, 4), "trafilatura": round(theirs_f1, 4)}
    ctx.log(f"  body F1   on {len(bodies):>4} pages: ours {mine_f1:.3f}, trafilatura {theirs_f1:.3f}")
    out.append(
        Measurement.of(
            STAGE,
            f"body F1: {len(bodies)} pages of scrapinghub/article-extraction-benchmark",
            "F1",
            theirs_f1,
            mine_f1,
            Goal(">=", 1.0),
            "trafilatura.extract 2.3.1 on the same pages, scored by the benchmark's evaluate.py",
        )
    )
    result["seconds"] = round(time.perf_counter() - start, 1)
    path = (
        ctx.out or REPO / "bench" / "results"
    ) / f"inputs-{time.strftime('%Y-%m-%d')}{'-partial' if limit else ''}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    ctx.log(f"  written to {path}")
    return out
