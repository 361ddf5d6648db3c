"""What goes into a release, computed in memory from the inputs (no files written here).

validate -> adjudicate -> measure agreement -> assign splits -> rows of each config -> statistics.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from newsclaims.corpus.document import Document
from newsclaims.errors import NewsclaimsError
from newsclaims.gc_pause import gc_paused
from newsclaims.release.agreement import AgreementReport, measure_agreement
from newsclaims.release.clusters import attach_clusters
from newsclaims.release.gold import GoldDocument, GoldSpan, ReviewItem, adjudicate
from newsclaims.release.grouping import StoryEvidence
from newsclaims.release.inputs import ReleaseInputs
from newsclaims.release.licensing import strip_row, withheld_ids
from newsclaims.release.ner import bio_tag_ids, tokenize_span
from newsclaims.release.segment_pool import Segmentation
from newsclaims.release.sentences import Sentence, sentence_rows
from newsclaims.release.splits import (
    DEFAULT_RATIOS,
    DEFAULT_SEED,
    SPLIT_NAMES,
    PriorSplits,
    SplitAssignment,
    SplitRecord,
    assign_splits,
)
from newsclaims.release.statistics import ReleaseStatistics, compute_statistics
from newsclaims.release.validate import ValidationFailed, validate_records
from newsclaims.schemas.features import DOCUMENT_FIELDS


class NothingToRelease(NewsclaimsError):
    pass


@dataclass
class ReleaseContent:
    version: str
    inputs: ReleaseInputs
    ratios: tuple[float, float, float]
    seed: str
    gold: dict[str, GoldDocument]
    review: list[ReviewItem]
    agreement: AgreementReport
    splits: list[SplitAssignment]
    split_record: SplitRecord
    withheld: set[str]  # documents whose text the licence keeps out of the release
    # config -> split -> rows sorted by id; empty splits are left out
    rows: dict[str, dict[str, list[dict]]] = field(default_factory=dict)
    # link answers and proposals naming claims this gold does not have: not applied, and said so
    stale_links: list[str] = field(default_factory=list)
    stats: ReleaseStatistics = field(init=False)  # set last, from everything above


def _span_row(s: GoldSpan) -> dict:
    return {"start": s.start, "end": s.end, "text": s.text, "label": s.label}


DERIVED_TITLES = ("first_sentence", "first_heading")  # title_source values that quote the text


def document_row(d: Document, withheld: bool = False) -> dict:
    row = {name: getattr(d, name) for name in DOCUMENT_FIELDS}
    if withheld and d.title_source in DERIVED_TITLES:
        row["title"] = None
    return row


def entities_row(d: Document, g: GoldDocument) -> dict:
    return {
        "id": d.id,
        "text": d.text,
        "gold_source": g.method,
        "annotators": g.annotators,
        "entities": [_span_row(s) for s in g.entities],
    }


def claims_row(d: Document, g: GoldDocument) -> dict:
    claims = [
        {
            "start": c.start,
            "end": c.end,
            "text": c.text,
            **c.attributes,
            "speaker": _span_row(c.speaker) if c.speaker else None,
        }
        for c in g.claims
    ]
    return {"id": d.id, "text": d.text, "gold_source": g.method, "annotators": g.annotators, "claims": claims}


def ner_rows(d: Document, g: GoldDocument, tag_ids: Mapping[str, int], sentences: list[Sentence]) -> list[dict]:
    """One row per sentence (ids as in the sentences config), tokens and tags of that sentence.
    Token columns as numpy arrays and `ner_tags` as ClassLabel ids already: millions of
    tokens, so no Python object per offset or tag (pyarrow reads the arrays as they are).
    Tags are computed per sentence from the document's spans: a span across a sentence
    boundary starts again with B- in the next sentence, so every chunk is valid BIO alone."""
    rows = []
    for s in sentences:
        tokens = tokenize_span(d.text, s.start, s.end)
        rows.append(
            {
                "id": s.id,
                "doc_id": d.id,
                "tokens": tokens.texts,
                "token_starts": tokens.starts,
                "ner_tags": bio_tag_ids(tokens, g.entities, tag_ids),
            }
        )
    return rows


def gold_people(gold: dict[str, GoldDocument], person_label: str | None) -> dict[str, set[str]]:
    """doc_id -> the people its gold spans name (used to group reports of one event)."""
    return {doc_id: {s.text for s in g.entities if s.label == person_label} for doc_id, g in gold.items()}


@gc_paused()
def compute_release(
    inputs: ReleaseInputs,
    version: str,
    ratios: tuple[float, float, float] = DEFAULT_RATIOS,
    seed: str = DEFAULT_SEED,
    prior: PriorSplits | None = None,
    same_story: tuple[tuple[str, str], ...] = (),
    workers: int | None = None,
) -> ReleaseContent:
    """`prior`: the split record of earlier releases; `same_story`: extra pairs of doc ids known
    to report one story (e.g. from claims linked across documents); `workers`: processes that
    cut the annotated documents into sentences (None: one per core; 1: in this process)."""
    failures = validate_records(inputs.documents, inputs.annotations, inputs.taxonomy)
    if failures:
        raise ValidationFailed(failures)
    if not inputs.annotations:
        raise NothingToRelease(f"annotation snapshot {inputs.snapshot_id} holds no annotations: nothing to release")
    annotated = {a.doc_id for a in inputs.annotations}
    # Started first: the workers segment while this process adjudicates and builds the other rows.
    segmentation = Segmentation([d for d in inputs.documents if d.id in annotated], workers)
    try:
        return _compute(inputs, version, ratios, seed, prior, same_story, segmentation)
    finally:
        segmentation.close()


def _compute(
    inputs: ReleaseInputs,
    version: str,
    ratios: tuple[float, float, float],
    seed: str,
    prior: PriorSplits | None,
    same_story: tuple[tuple[str, str], ...],
    segmentation: Segmentation,
) -> ReleaseContent:
    gold, review = adjudicate(inputs.annotations, inputs.taxonomy)
    from newsclaims.release.clusters import confirmed_story_pairs

    linked = confirmed_story_pairs(inputs, gold)
    evidence = StoryEvidence(
        people=gold_people(gold, inputs.taxonomy.person_label), pairs=(*inputs.same_story, *same_story, *linked)
    )
    splits, split_record = assign_splits(inputs.documents, version, ratios, seed, evidence, prior)
    withheld = withheld_ids(inputs.documents)
    content = ReleaseContent(
        version=version,
        inputs=inputs,
        ratios=ratios,
        seed=seed,
        gold=gold,
        review=review,
        agreement=measure_agreement(inputs.independent_annotations(), inputs.taxonomy),
        splits=splits,
        split_record=split_record,
        withheld=withheld,
    )
    docs = {d.id: d for d in inputs.documents}
    split_of = {s.doc_id: s.split for s in content.splits}
    tag_ids = {name: i for i, name in enumerate(inputs.taxonomy.bio_tags)}  # the ClassLabel's names
    crosswalk = inputs.sentence_crosswalk
    # Each builder gives a document's rows (none for a document without gold).
    builders: dict[str, Callable[[Document], list[dict]]] = {
        "documents": lambda d: [document_row(d, d.id in withheld)],
        "entities": lambda d: [entities_row(d, gold[d.id])] if d.id in gold else [],
        "claims": lambda d: [claims_row(d, gold[d.id])] if d.id in gold else [],
        "ner": lambda d: ner_rows(d, gold[d.id], tag_ids, segmentation.sentences(d)) if d.id in gold else [],
    }
    if crosswalk is not None:  # labels only where the crosswalk was written for this taxonomy
        builders["sentences"] = lambda d: (
            sentence_rows(d, gold[d.id], crosswalk, segmentation.sentences(d)) if d.id in gold else []
        )
    ids_by_split = {split: [i for i in sorted(docs) if split_of[i] == split] for split in SPLIT_NAMES}
    for config, build in builders.items():
        by_split: dict[str, list[dict]] = {}
        for split, ids in ids_by_split.items():
            rows = [strip_row(config, r) if doc_id in withheld else r for doc_id in ids for r in build(docs[doc_id])]
            if rows:
                by_split[split] = rows
        content.rows[config] = by_split
    content.stale_links = attach_clusters(content, docs).stale  # claim_clusters rows and each claim's cluster_id
    content.stats = compute_statistics(content, docs)
    return content
