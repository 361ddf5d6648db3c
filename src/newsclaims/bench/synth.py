"""A deterministic synthetic raw corpus shaped like corpus/raw, for the benchmark.

Every article is a function of (seed, index) only, so a corpus of any size streams straight to
disk (memory stays flat) and a near duplicate can regenerate the article it copies. Mix, per the
issue: log-normal lengths (a few hundred to tens of thousands of characters), agency headers and
datelines like the seeds, some cp1252/cp1251 files, some HTML pages, some .jsonl files, a few
percent exact and near duplicates, some Cyrillic text.
"""

from __future__ import annotations

import html
import json
import math
import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

_EN = (
    "the government said on talks ministry officials council budget agreement ceasefire minister "
    "president parliament election report spokesman told reporters week month year city region "
    "border forces security economy prices inflation bank market trade exports energy gas oil "
    "pipeline deal sanctions court judge ruling law vote opposition party leader campaign police "
    "investigation protest crowd capital villages schools hospitals water roads bridge railway "
    "company shares investors growth forecast analysts data survey percent million billion plan "
    "project funding aid delegation embassy ambassador foreign affairs statement conference meeting "
    "negotiations prisoners exchange humanitarian corridor troops drills exercise summit leaders "
    "allies partners commission inquiry evidence witnesses families victims rescue teams weather "
    "storm flooding damage repairs electricity supply shortage winter harvest farmers grain wheat "
    "prices rose fell sharply slightly despite after before during while because although however "
    "officials added that would could should might not yet still also already only new old local "
    "national international public private senior former current several many few most some other"
).split()
_RU = (
    "правительство заявило переговоры министерство официальные лица совет бюджет соглашение "
    "прекращение огня министр президент парламент выборы доклад представитель журналистам неделю "
    "месяц год город регион граница силы безопасность экономика цены инфляция банк рынок торговля "
    "экспорт энергия газ нефть трубопровод сделка санкции суд судья решение закон голосование "
    "оппозиция партия лидер полиция расследование протест столица школы больницы вода дороги мост "
    "компания акции инвесторы рост прогноз аналитики данные опрос процентов миллионов план проект "
    "помощь делегация посольство посол иностранных дел заявление конференция встреча обмен пленными "
    "гуманитарный коридор войска учения саммит союзники партнеры комиссия свидетели семьи жертвы "
    "спасатели погода шторм наводнение ущерб ремонт электричество поставки зима урожай фермеры "
    "также уже только новый местный национальный международный бывший несколько многие после перед"
).split()
_DATELINES_EN = ("ISLAMABAD", "WASHINGTON", "LONDON", "PARIS", "GENEVA", "NEW DELHI", "CAIRO", "ANKARA")
_DATELINES_RU = ("МОСКВА", "КИЕВ", "МИНСК", "АЛМАТЫ")
_AGENCIES = ("Reuters", "AP", "AFP", "APP")
_OUTLETS = ("UrduPoint / Pakistan Point News", "The Daily Wire Service", "Example Outlet", "Regional Herald")


_ARTICLE_KINDS = {"original", "exact_duplicate", "near_duplicate"}


@dataclass(frozen=True)
class SynthSpec:
    """What to generate. `articles` counts documents (a .jsonl record is one article)."""

    articles: int
    seed: int = 20250923
    median_chars: int = 2500  # log-normal: median and spread of the article length
    sigma: float = 0.9
    min_chars: int = 300
    max_chars: int = 40_000
    html_share: float = 0.06
    jsonl_share: float = 0.06
    records_per_jsonl: int = 20
    cyrillic_share: float = 0.08
    legacy_encoding_share: float = 0.05  # cp1252 for English, cp1251 for Cyrillic
    exact_duplicate_share: float = 0.02
    near_duplicate_share: float = 0.02


@dataclass
class SynthSummary:
    files: int = 0
    articles: int = 0
    bytes: int = 0
    kinds: Counter = field(default_factory=Counter)

    def to_dict(self) -> dict:
        return {
            "files": self.files,
            "articles": self.articles,
            "bytes": self.bytes,
            "kinds": dict(sorted(self.kinds.items())),
        }


@dataclass(frozen=True)
class Article:
    index: int
    cyrillic: bool
    title: str
    paragraphs: tuple[str, ...]
    dateline: str
    date: str
    outlet: str


def _rng(spec: SynthSpec, index: int, salt: str = "") -> random.Random:
    return random.Random(f"{spec.seed}:{index}:{salt}")


def _sentence(rng: random.Random, words: list[str]) -> str:
    n = rng.randint(8, 28)
    body = " ".join(rng.choice(words) for _ in range(n))
    if rng.random() < 0.15:  # a quote, with the typography a cp1252 file can carry
        body = f"“{body}”, {rng.choice(words)} said"
    elif rng.random() < 0.1:
        body = f"{body} — {rng.randint(2, 9_999):,} {rng.choice(words)}"
    return body[0].upper() + body[1:] + "."


def article(spec: SynthSpec, index: int) -> Article:
    rng = _rng(spec, index)
    cyrillic = rng.random() < spec.cyrillic_share
    words = _RU if cyrillic else _EN
    target = int(min(spec.max_chars, max(spec.min_chars, rng.lognormvariate(math.log(spec.median_chars), spec.sigma))))
    paragraphs, size = [], 0
    while size < target:
        paragraph = " ".join(_sentence(rng, words) for _ in range(rng.randint(1, 5)))
        paragraphs.append(paragraph)
        size += len(paragraph) + 2
    title = " ".join(rng.choice(words) for _ in range(rng.randint(4, 10))).capitalize()
    dateline = rng.choice(_DATELINES_RU if cyrillic else _DATELINES_EN)
    date = f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    return Article(index, cyrillic, title, tuple(paragraphs), dateline, date, rng.choice(_OUTLETS))


def near_copy(spec: SynthSpec, original: Article, index: int) -> Article:
    """`original` with about 1% of its words replaced and its last sentence dropped."""
    rng = _rng(spec, index, "near")
    words = _RU if original.cyrillic else _EN
    paragraphs = []
    for p in original.paragraphs:
        tokens = p.split(" ")
        for i in range(len(tokens)):
            if rng.random() < 0.01:
                tokens[i] = rng.choice(words)
        paragraphs.append(" ".join(tokens))
    if len(paragraphs) > 3:
        paragraphs.pop()
    return Article(
        index, original.cyrillic, original.title, tuple(paragraphs), original.dateline, original.date, original.outlet
    )


def _header(a: Article, rng: random.Random) -> str:
    style = rng.random()
    day = int(a.date[-2:])
    if style < 0.3:
        return f"date {a.date} {a.dateline}, ({a.outlet} - {day}th Sep, 2025) "
    if style < 0.6:
        return f"{a.dateline} ({rng.choice(_AGENCIES)}) — "
    if style < 0.75:
        return f"{a.dateline} — "
    return ""


def _wrap(paragraph: str, width: int = 72) -> str:
    lines, line = [], ""
    for word in paragraph.split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return "\n".join([*lines, line])


def plain_text(a: Article, rng: random.Random) -> str:
    layout = rng.random()
    if layout < 0.5:  # blank-line separated paragraphs
        body = "\n\n".join(a.paragraphs)
    elif layout < 0.8:  # one paragraph per line, like seed 002
        body = "\n".join(a.paragraphs)
    else:  # hard-wrapped at 72 columns
        body = "\n\n".join(_wrap(p) for p in a.paragraphs)
    title = f"{a.title}\n\n" if rng.random() < 0.3 else ""
    return title + _header(a, rng) + body + "\n"


def html_page(a: Article) -> str:
    paras = "\n".join(f"<p>{html.escape(p)}</p>" for p in a.paragraphs)
    return (
        f'<!doctype html><html><head><meta charset="utf-8"><title>{html.escape(a.title)} | {a.outlet}</title>\n'
        f'<meta property="og:site_name" content="{a.outlet}">\n'
        f'<meta property="article:published_time" content="{a.date}T08:00:00+00:00"></head>\n'
        '<body><nav><a href="/">Home</a> | <a href="/world">World</a> | <a href="/business">Business</a></nav>\n'
        f"<article><h1>{html.escape(a.title)}</h1>\n{paras}\n</article>\n"
        f"<footer>© 2025 {a.outlet}. All rights reserved.</footer></body></html>\n"
    )


def jsonl_record(a: Article, rng: random.Random) -> dict:
    return {
        "id": f"rec-{a.index}",
        "title": a.title,
        "text": _header(a, rng) + "\n\n".join(a.paragraphs),
        "date": a.date,
        "url": f"https://news.example.org/{a.index}",
        "outlet": a.outlet,
    }


def _encode(text: str, a: Article, rng: random.Random, spec: SynthSpec) -> tuple[bytes, str]:
    if rng.random() < spec.legacy_encoding_share:
        encoding = "cp1251" if a.cyrillic else "cp1252"
        return text.encode(encoding, errors="replace"), encoding
    return text.encode("utf-8"), "utf-8"


def _article_for(spec: SynthSpec, index: int) -> tuple[Article, str, int]:
    """Article `index`: its own text, or a copy of an earlier one (kind says which), and the
    index whose layout (header, line breaks, encoding) it uses: an exact copy keeps the original's."""
    rng = _rng(spec, index, "dup")
    roll = rng.random()
    if index > 10 and roll < spec.exact_duplicate_share:
        original = rng.randrange(index)
        return article(spec, original), "exact_duplicate", original
    if index > 10 and roll < spec.exact_duplicate_share + spec.near_duplicate_share:
        return near_copy(spec, article(spec, rng.randrange(index)), index), "near_duplicate", index
    return article(spec, index), "original", index


def file_name(index: int, ext: str) -> str:
    return f"{index // 1000:03d}/{index:06d}.{ext}"


def generate(spec: SynthSpec, raw_dir: Path) -> SynthSummary:
    """Write the corpus under `raw_dir` (must not exist yet or be empty), one file at a time."""
    raw_dir = Path(raw_dir)
    raw_dir.mkdir(parents=True, exist_ok=True)
    summary = SynthSummary()
    for path, data, kinds in _files(spec):
        target = raw_dir / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        summary.files += 1
        summary.bytes += len(data)
        summary.kinds.update(kinds)
        summary.articles += sum(1 for k in kinds if k in _ARTICLE_KINDS)
    return summary


def _files(spec: SynthSpec) -> Iterator[tuple[str, bytes, list[str]]]:
    index = 0
    while index < spec.articles:
        rng = _rng(spec, index, "layout")
        roll = rng.random()
        if roll < spec.jsonl_share / spec.records_per_jsonl:
            # a .jsonl file holds several records: keep the share of *articles* in jsonl near jsonl_share
            n = min(spec.records_per_jsonl, spec.articles - index)
            lines, kinds = [], ["file:jsonl"]
            for i in range(index, index + n):
                a, kind, layout = _article_for(spec, i)
                lines.append(json.dumps(jsonl_record(a, _rng(spec, layout, "header")), ensure_ascii=False))
                kinds += [kind, "jsonl_record", "cyrillic" if a.cyrillic else "latin"]
            yield file_name(index, "jsonl"), ("\n".join(lines) + "\n").encode("utf-8"), kinds
            index += n
            continue
        a, kind, layout = _article_for(spec, index)
        kinds = [kind, "cyrillic" if a.cyrillic else "latin"]
        if roll < spec.jsonl_share / spec.records_per_jsonl + spec.html_share:
            yield file_name(index, "html"), html_page(a).encode("utf-8"), [*kinds, "file:html"]
        else:
            data, encoding = _encode(
                plain_text(a, _rng(spec, layout, "header")), a, _rng(spec, layout, "encoding"), spec
            )
            yield file_name(index, "txt"), data, [*kinds, "file:txt", f"encoding:{encoding}"]
        index += 1


def change_files(raw_dir: Path, share: float, seed: int = 1) -> list[str]:
    """Edit `share` of the article files under `raw_dir` (a sentence appended to each, in its own
    encoding family): the "1% of files changed" incremental rebuild. Returns the changed paths."""
    raw_dir = Path(raw_dir)
    files = sorted(p for p in raw_dir.rglob("*") if p.is_file() and p.suffix in (".txt", ".html", ".jsonl"))
    rng = random.Random(seed)
    chosen = sorted(rng.sample(files, max(1, round(len(files) * share))), key=str)
    for p in chosen:
        data = p.read_bytes()
        if p.suffix == ".jsonl":
            lines = data.decode("utf-8").splitlines()
            record = json.loads(lines[0])
            record["text"] += "\n\nThe ministry later corrected an earlier figure."
            lines[0] = json.dumps(record, ensure_ascii=False)
            p.write_bytes(("\n".join(lines) + "\n").encode("utf-8"))
        elif p.suffix == ".html":
            p.write_bytes(
                data.replace(b"</article>", b"<p>The ministry later corrected an earlier figure.</p></article>")
            )
        else:
            p.write_bytes(data + b"\nThe ministry later corrected an earlier figure.\n")
    return [p.relative_to(raw_dir).as_posix() for p in chosen]
