"""The `sentences` config: each document cut into sentences, labelled from its claim spans through
the crosswalk (CheckThat! Yes/No, ClaimBuster CFS/UFS/NFS, Full Fact's classes, AFaCTA).

Segmentation is syntok's (pinned), run inside each block the corpus build recorded (paragraph,
heading, list item), so a heading or a bullet never joins the sentence after it. syntok was
chosen by measurement on the two seed articles: it is the one of pysbd, syntok and blingfire
that splits the glued "children.The", and like the others keeps "U.S." and "Albert P. Khorev"
inside their sentences (README, *Sentences and the crosswalk*).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from syntok import segmenter

from newsclaims.corpus.document import Document
from newsclaims.release.gold import GoldClaim, GoldDocument
from newsclaims.schemas.crosswalk import Crosswalk
from newsclaims.schemas.features import SENTENCE_ROLES

# The corpus build's block kinds -> the sentence's role (a plain paragraph is body text).
_ROLE_OF_KIND = {"heading": "heading", "list_item": "list_item"}
BODY = SENTENCE_ROLES[-1]


@dataclass(frozen=True)
class Sentence:
    doc_id: str
    index: int  # 0-based, in text order
    start: int  # code point offsets into the document text
    end: int
    paragraph: int  # index of the block it is in
    role: str  # one of SENTENCE_ROLES

    @property
    def id(self) -> str:
        return sentence_id(self.doc_id, self.index)


def sentence_id(doc_id: str, index: int) -> str:
    return f"{doc_id}-s{index:04d}"


def _blocks(doc: Document) -> list[tuple[int, int, str]]:
    """(start, end, role) of every block; text outside the recorded blocks (or all of it, for a
    document recorded without any) is a body block, so no character is ever left out."""
    blocks, pos = [], 0
    for p in sorted(doc.paragraphs, key=lambda p: p.start):
        if doc.text[pos : p.start].strip():
            blocks.append((pos, p.start, BODY))
        blocks.append((p.start, p.end, _ROLE_OF_KIND.get(p.kind, BODY)))
        pos = max(pos, p.end)
    if doc.text[pos:].strip():
        blocks.append((pos, len(doc.text), BODY))
    return blocks


def _split(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each sentence syntok finds in `text`, from its first to its last token."""
    for paragraph in segmenter.analyze(text):
        for sentence in paragraph:
            tokens = list(sentence)
            if tokens:
                last = tokens[-1]
                yield tokens[0].offset, last.offset + len(last.value)


def segment(doc: Document) -> list[Sentence]:
    out: list[Sentence] = []
    for paragraph, (start, end, role) in enumerate(_blocks(doc)):
        for a, b in _split(doc.text[start:end]):
            out.append(Sentence(doc.id, len(out), start + a, start + b, paragraph, role))
    return out


def claims_in(sentence: Sentence, claims: list[GoldClaim]) -> list[GoldClaim]:
    """The claims overlapping the sentence (a claim across two sentences is in both)."""
    return [c for c in claims if c.start < sentence.end and sentence.start < c.end]


def claim_key(doc_id: str, c: GoldClaim) -> str:
    return f"{doc_id}:{c.start}-{c.end}"  # the claim keys of claim_clusters


def sentence_rows(doc: Document, gold: GoldDocument, crosswalk: Crosswalk, sentences: list[Sentence]) -> list[dict]:
    """`sentences`: `segment(doc)`, computed once for this config and the ner config."""
    rows = []
    for s in sentences:
        claims = claims_in(s, gold.claims)
        speakers = sorted({c.speaker for c in claims if c.speaker is not None})
        rows.append(
            {
                "id": s.id,
                "doc_id": doc.id,
                "index": s.index,
                "text": doc.text[s.start : s.end],
                "start": s.start,
                "end": s.end,
                "paragraph": s.paragraph,
                "role": s.role,
                "speakers": [{"start": p.start, "end": p.end, "text": p.text, "label": p.label} for p in speakers],
                "claims": [claim_key(doc.id, c) for c in claims],
                **{scheme.name: scheme.sentence_label([c.attributes for c in claims]) for scheme in crosswalk.schemes},
            }
        )
    return rows
