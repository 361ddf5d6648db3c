"""Deterministic synthetic documents and annotations for the Label Studio and release benchmarks.

Documents reuse the article generator of synth.py (a function of seed and index only). Spans
sit on word boundaries of the document text, so every offset is valid for the taxonomy: entity
spans are single words with an entity label, a CLAIM span is one whole sentence with its three
attributes, and each claim is `said_by` a speaker span (a said_by target label) of the same
annotation. The same spans come out as Label Studio result items (to import as annotations,
through the codec) or as AnnotationRecords (to write a snapshot).
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from newsclaims.annotation import codec
from newsclaims.annotation.records import (
    AnnotationRecord,
    ClaimRecord,
    SaidByLink,
    SpanRecord,
)
from newsclaims.bench.synth import SynthSpec, article
from newsclaims.corpus import versions as corpus_versions
from newsclaims.corpus.document import Document, Paragraph
from newsclaims.schemas.controls import SAID_BY
from newsclaims.schemas.taxonomy import Taxonomy

_WORD = re.compile(r"\w+")
_SENTENCE = re.compile(r"[^.\n]+\.")
SEED = 20250923


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def documents(n: int, seed: int = SEED) -> list[Document]:
    """`n` documents shaped like a corpus version's (sorted by id)."""
    spec = SynthSpec(n, seed=seed)
    out = []
    for i in range(n):
        a = article(spec, i)
        text = "\n\n".join(a.paragraphs)
        paragraphs, pos = [], 0
        for p in a.paragraphs:
            paragraphs.append(Paragraph(pos, pos + len(p)))
            pos += len(p) + 2
        out.append(
            Document(
                id="nc-" + hashlib.sha256(f"bench:{seed}:{i}".encode()).hexdigest()[:16],
                text=text,
                raw_path=f"bench/{i:06d}.txt",
                raw_sha256=_sha(f"raw:{i}"),
                text_sha256=_sha(text),
                title=a.title,
                source=a.outlet,
                date=a.date,
                dateline=a.dateline,
                language="ru" if a.cyrillic else "en",
                url=f"https://news.example.org/{i}",
                license="CC0-1.0",  # generated text: redistributable, so the bench releases it in full
                paragraphs=paragraphs,
            )
        )
    return sorted(out, key=lambda d: d.id)


def write_corpus_version(versions_dir: Path, docs: list[Document], version: str = "v1") -> Path:
    """A corpus version dir the corpus loaders accept (documents.jsonl, manifest, rejects, LATEST)."""
    d = Path(versions_dir) / version
    d.mkdir(parents=True, exist_ok=True)
    with open(d / "documents.jsonl", "w", encoding="utf-8") as f:
        for doc in sorted(docs, key=lambda x: x.id):
            f.write(json.dumps(doc.to_dict(), sort_keys=True, ensure_ascii=False) + "\n")
    (d / "manifest.json").write_text(json.dumps({"version": version, "documents": len(docs)}) + "\n")
    (d / "rejects.jsonl").write_text("")
    corpus_versions.store(Path(versions_dir)).point_latest(version)
    return d


@dataclass(frozen=True)
class SyntheticAnnotation:
    entities: list[SpanRecord]
    claims: list[ClaimRecord]
    said_by: list[SaidByLink]

    @property
    def spans(self) -> int:
        return len(self.entities) + len(self.claims)


def annotate(doc: Document, tax: Taxonomy, spans: int, salt: str = "") -> SyntheticAnnotation:
    """About `spans` spans on `doc` (a third of them claims, at least one entity when spans >= 2)."""
    rng = random.Random(f"{doc.id}:{salt}")
    words = list(_WORD.finditer(doc.text))
    sentences = list(_SENTENCE.finditer(doc.text))
    n_claims = min(len(sentences), spans // 3)
    n_entities = min(len(words), spans - n_claims)
    speakers = tax.relation(SAID_BY).to_labels
    entities = []
    for k, m in enumerate(sorted(rng.sample(words, n_entities), key=lambda m: m.start())):
        label = speakers[k % len(speakers)] if k < 2 else rng.choice(tax.entity_names)
        entities.append(SpanRecord(f"e{k}", m.start(), m.end(), label, m.group()))
    claims, links = [], []
    speaker_ids = [e.id for e in entities if e.label in speakers]
    for k, m in enumerate(sorted(rng.sample(sentences, n_claims), key=lambda m: m.start())):
        start = m.start() + (len(m.group()) - len(m.group().lstrip()))
        claims.append(
            ClaimRecord(
                f"c{k}",
                start,
                m.end(),
                doc.text[start : m.end()],
                {a.name: rng.choice(a.value_names) if a.is_choice else None for a in tax.claim.attributes},
            )
        )
        if speaker_ids:
            links.append(SaidByLink(f"c{k}", rng.choice(speaker_ids)))
    return SyntheticAnnotation(entities, claims, links)


def label_studio_result(a: SyntheticAnnotation, tax: Taxonomy) -> list[dict]:
    """The annotation as Label Studio result items (spans, per-region choices, relations)."""
    return codec.encode(codec.annotation_items(a.entities, a.claims, a.said_by, tax))


def annotation_records(
    docs: list[Document], tax: Taxonomy, total_spans: int, second_share: float = 0.1, corpus_version: str = "v1"
) -> Iterator[AnnotationRecord]:
    """About `total_spans` spans over `docs`: one annotator per document, a second one on
    `second_share` of them (so adjudication and agreement have work), annotator-1..3."""
    records = len(docs) + int(len(docs) * second_share)
    per_record = max(1, round(total_spans / max(1, records)))
    next_id = 1
    for i, doc in enumerate(docs):
        annotators = [f"annotator-{i % 3 + 1}"]
        if i < int(len(docs) * second_share):
            annotators.append(f"annotator-{(i + 1) % 3 + 1}")
        for k, who in enumerate(annotators):
            a = annotate(doc, tax, per_record, salt=str(k))
            yield AnnotationRecord(
                doc.id,
                who,
                task_id=i + 1,
                annotation_id=next_id,
                corpus_version=corpus_version,
                text_sha256=doc.text_sha256,
                entities=a.entities,
                claims=a.claims,
                said_by=a.said_by,
            )
            next_id += 1
