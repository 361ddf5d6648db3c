"""Gold by strict majority, for a document with no ground-truth annotation.

Spans that a strict majority of the document's annotators marked with the same offsets and
label. Claim attributes take the strict-majority value among the annotators who marked the
claim (a tie leaves it null); the speaker is the majority said_by target if that span is gold
too, else null. Each step lists what it left out or null as `ReviewItem`s.
"""

from __future__ import annotations

from collections import defaultdict

from newsclaims.annotation.records import AnnotationRecord, ClaimRecord
from newsclaims.release.gold_types import (
    MAJORITY,
    SINGLE_ANNOTATOR,
    GoldClaim,
    GoldDocument,
    GoldSpan,
    ReviewItem,
    span_order,
    speakers_of,
)
from newsclaims.schemas.taxonomy import AttributeDef, Taxonomy

NO_SPEAKER = "none"


def _majority(votes: dict[str, list[str]], voters: int) -> str | None:
    """The option more than half of `voters` chose, else None."""
    for option, who in votes.items():
        if 2 * len(who) > voters:
            return option
    return None


def _span_key(span: GoldSpan) -> str:
    return f"{span.start}:{span.end}:{span.label}"


def majority_entities(
    doc_id: str, by_annotator: dict[str, AnnotationRecord]
) -> tuple[list[GoldSpan], list[ReviewItem]]:
    """Entity spans a strict majority marked (same offsets and label), in span order."""
    names = sorted(by_annotator)
    n = len(names)
    votes: dict[GoldSpan, list[str]] = defaultdict(list)
    for name in names:
        for s in {GoldSpan(s.start, s.end, s.label, s.text) for s in by_annotator[name].entities}:
            votes[s].append(name)
    entities, review = [], []
    for span, who in sorted(votes.items(), key=lambda kv: span_order(kv[0])):
        if 2 * len(who) > n:
            entities.append(span)
        else:
            review.append(
                ReviewItem(
                    doc_id,
                    "span",
                    span.start,
                    span.end,
                    span.label,
                    span.text,
                    {"marked": who},
                    n,
                    f"left out: {len(who)} of {n} annotators marked it",
                )
            )
    return entities, review


def _attribute(attr: AttributeDef, marks: dict[str, ClaimRecord]) -> tuple[str | None, dict[str, list[str]]]:
    """The majority option of one attribute among the claim's markers (None: no majority), and
    the votes ("None": unset). Free text is voted on the same way, exact string against exact
    string: a shared wording is kept."""
    votes: dict[str, list[str]] = defaultdict(list)
    for name, c in sorted(marks.items()):
        votes[str(c.attributes.get(attr.name))].append(name)
    return _majority(votes, len(marks)), dict(votes)


def _speaker(
    marks: dict[str, ClaimRecord], speakers_by_annotator: dict[str, dict[str, GoldSpan]], gold_spans: set[GoldSpan]
) -> tuple[GoldSpan | None, GoldSpan | None, dict[str, list[str]]]:
    """(speaker kept, majority speaker, votes): the majority said_by target, kept if it is gold."""
    votes: dict[str, list[str]] = defaultdict(list)
    spans: dict[str, GoldSpan | None] = {NO_SPEAKER: None}
    for name, c in sorted(marks.items()):
        sp = speakers_by_annotator[name].get(c.id)
        key = _span_key(sp) if sp else NO_SPEAKER
        spans[key] = sp
        votes[key].append(name)
    chosen = spans.get(_majority(votes, len(marks)) or NO_SPEAKER)
    return (chosen if chosen in gold_spans else None), chosen, dict(votes)


def majority_claims(
    doc_id: str, by_annotator: dict[str, AnnotationRecord], tax: Taxonomy, gold_spans: set[GoldSpan]
) -> tuple[list[GoldClaim], list[ReviewItem]]:
    """Claims a strict majority marked with the same offsets, with majority attributes and speaker."""
    names = sorted(by_annotator)
    n = len(names)
    review: list[ReviewItem] = []
    speakers_by_annotator = {name: speakers_of(by_annotator[name]) for name in names}
    claim_marks: dict[tuple[int, int], dict[str, ClaimRecord]] = defaultdict(dict)
    for name in names:
        for c in by_annotator[name].claims:
            claim_marks[(c.start, c.end)].setdefault(name, c)
    claims = []
    for (start, end), marks in sorted(claim_marks.items()):
        text = next(iter(marks.values())).text
        if 2 * len(marks) <= n:
            review.append(
                ReviewItem(
                    doc_id,
                    "claim",
                    start,
                    end,
                    tax.claim.name,
                    text,
                    {"marked": sorted(marks)},
                    n,
                    f"left out: {len(marks)} of {n} annotators marked it",
                )
            )
            continue
        attributes: dict[str, str | None] = {}
        for attr in tax.claim.attributes:
            option, votes = _attribute(attr, marks)
            # A majority that left it unset keeps it unset (None), never the string "None".
            attributes[attr.name] = None if option == str(None) else option
            if option is None and (attr.is_choice or len(votes) > 1):
                review.append(
                    ReviewItem(
                        doc_id, "claim_attribute", start, end, attr.name, text, votes, n, "left null: no majority value"
                    )
                )
        speaker, chosen, speaker_votes = _speaker(marks, speakers_by_annotator, gold_spans)
        if len(speaker_votes) > 1 or (chosen is not None and speaker is None):
            outcome = (
                "speaker set" if speaker else "speaker left null: no majority, or the majority speaker span is not gold"
            )
            review.append(ReviewItem(doc_id, "speaker", start, end, tax.claim.name, text, speaker_votes, n, outcome))
        claims.append(GoldClaim(start, end, text, attributes, speaker))
    return claims, review


def by_majority(
    doc_id: str, by_annotator: dict[str, AnnotationRecord], tax: Taxonomy
) -> tuple[GoldDocument, list[ReviewItem]]:
    names = sorted(by_annotator)
    entities, review = majority_entities(doc_id, by_annotator)
    claims, claim_review = majority_claims(doc_id, by_annotator, tax, set(entities))
    method = MAJORITY if len(names) > 1 else SINGLE_ANNOTATOR
    return GoldDocument(doc_id, method, names, entities, claims), review + claim_review
