"""Adjudication: one gold annotation per document, and a list of what needs a human look.

Per document: the Label Studio ground-truth annotation when one is marked (the newest, if
several); otherwise the strict-majority vote of its annotators (`newsclaims.release.majority`).
Everything left out or left null is a `ReviewItem`, so nothing is dropped silently.
"""

from __future__ import annotations

from collections.abc import Iterable

from newsclaims.annotation.records import AnnotationRecord
from newsclaims.release.agreement import annotations_by_document
from newsclaims.release.gold_types import (
    GROUND_TRUTH,
    MAJORITY,
    SINGLE_ANNOTATOR,
    GoldClaim,
    GoldDocument,
    GoldSpan,
    ReviewItem,
    span_order,
    speakers_of,
)
from newsclaims.release.majority import by_majority
from newsclaims.schemas.taxonomy import Taxonomy

__all__ = [
    "GROUND_TRUTH",
    "MAJORITY",
    "SINGLE_ANNOTATOR",
    "GoldClaim",
    "GoldDocument",
    "GoldSpan",
    "ReviewItem",
    "adjudicate",
]


def _from_ground_truth(a: AnnotationRecord, tax: Taxonomy, annotators: list[str]) -> GoldDocument:
    names = [x.name for x in tax.claim.attributes]
    speakers = speakers_of(a)
    return GoldDocument(
        doc_id=a.doc_id,
        method=GROUND_TRUTH,
        annotators=annotators,
        entities=sorted({GoldSpan(s.start, s.end, s.label, s.text) for s in a.entities}, key=span_order),
        claims=sorted(
            (
                GoldClaim(c.start, c.end, c.text, {n: c.attributes.get(n) for n in names}, speakers.get(c.id))
                for c in a.claims
            ),
            key=lambda c: (c.start, c.end),
        ),
    )


def adjudicate(
    annotations: Iterable[AnnotationRecord], tax: Taxonomy
) -> tuple[dict[str, GoldDocument], list[ReviewItem]]:
    """Gold per annotated document (doc_id -> GoldDocument) and the review list, both sorted."""
    annotations = list(annotations)
    ground_truth: dict[str, AnnotationRecord] = {}
    for a in sorted(annotations, key=lambda a: a.annotation_id):
        if a.ground_truth:
            ground_truth[a.doc_id] = a  # the newest ground truth wins
    gold: dict[str, GoldDocument] = {}
    review: list[ReviewItem] = []
    for doc_id, by_annotator in sorted(annotations_by_document(annotations).items()):
        if doc_id in ground_truth:
            gold[doc_id] = _from_ground_truth(ground_truth[doc_id], tax, sorted(by_annotator))
        else:
            gold[doc_id], items = by_majority(doc_id, by_annotator, tax)
            review += items
    return gold, review
