"""Adjudication: one gold annotation per document, and a list of what needs a human look.

Per document: the Label Studio ground-truth annotation when one is marked (the newest, if
several); otherwise spans that a strict majority of the document's annotators marked with the
same offsets and label. Claim attributes take the strict-majority value among the annotators
who marked the claim (a tie leaves it null); the speaker is the majority said_by target if that
span is gold too, else null. Everything left out or left null is a `ReviewItem`, so nothing is
dropped silently.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, fields

from newsclaims.annotation.records import AnnotationRecord, ClaimRecord
from newsclaims.release.agreement import annotations_by_document
from newsclaims.schemas.features import GOLD_SOURCES
from newsclaims.schemas.taxonomy import Taxonomy


GROUND_TRUTH, MAJORITY, SINGLE_ANNOTATOR = GOLD_SOURCES


@dataclass(frozen=True, order=True)
class GoldSpan:
    start: int
    end: int
    label: str
    text: str


@dataclass(frozen=True)
class GoldClaim:
    start: int
    end: int
    text: str
    attributes: dict[str, str | None]
    speaker: GoldSpan | None


@dataclass
class GoldDocument:
    doc_id: str
    method: str  # one of GOLD_SOURCES
    annotators: list[str]
    entities: list[GoldSpan] = field(default_factory=list)
    claims: list[GoldClaim] = field(default_factory=list)


@dataclass(frozen=True)
class ReviewItem:
    doc_id: str
    kind: str  # span | claim | claim_attribute | speaker
    start: int
    end: int
    label: str  # entity label, CLAIM, or the attribute name
    text: str
    votes: dict[str, list[str]]  # what was proposed -> who proposed it
    annotators: int  # how many annotated the document
    outcome: str

    def to_dict(self) -> dict:
        # What `asdict` gives, without its recursive deep copy (a release has many items).
        d = {f.name: getattr(self, f.name) for f in fields(self)}
        d["votes"] = {option: list(who) for option, who in self.votes.items()}
        return d


def _order(span: GoldSpan) -> tuple[int, int, str, str]:
    """GoldSpan's own order as a plain tuple: a sort key compared in C, not field by field."""
    return (span.start, span.end, span.label, span.text)


def _majority(votes: dict[str, list[str]], voters: int) -> str | None:
    """The option more than half of `voters` chose, else None."""
    for option, who in votes.items():
        if 2 * len(who) > voters:
            return option
    return None


def _speakers(a: AnnotationRecord) -> dict[str, GoldSpan]:
    """claim region id -> its speaker: the first (by offsets, label) entity it is said_by.
    One pass over the annotation's links, not one per claim."""
    spans = {s.id: s for s in a.entities}
    out: dict[str, GoldSpan] = {}
    for link in a.said_by:
        s = spans.get(link.speaker_id)
        if s is not None:
            target = GoldSpan(s.start, s.end, s.label, s.text)
            if link.claim_id not in out or target < out[link.claim_id]:
                out[link.claim_id] = target
    return out


def _from_ground_truth(a: AnnotationRecord, tax: Taxonomy, annotators: list[str]) -> GoldDocument:
    names = [x.name for x in tax.claim.attributes]
    speakers = _speakers(a)
    return GoldDocument(
        doc_id=a.doc_id,
        method=GROUND_TRUTH,
        annotators=annotators,
        entities=sorted({GoldSpan(s.start, s.end, s.label, s.text) for s in a.entities}, key=_order),
        claims=sorted(
            (GoldClaim(c.start, c.end, c.text, {n: getattr(c, n) for n in names}, speakers.get(c.id)) for c in a.claims),
            key=lambda c: (c.start, c.end),
        ),
    )


def _span_key(span: GoldSpan) -> str:
    return f"{span.start}:{span.end}:{span.label}"


def _by_majority(
    doc_id: str, by_annotator: dict[str, AnnotationRecord], tax: Taxonomy
) -> tuple[GoldDocument, list[ReviewItem]]:
    names = sorted(by_annotator)
    n = len(names)
    review: list[ReviewItem] = []

    entity_votes: dict[GoldSpan, list[str]] = defaultdict(list)
    for name in names:
        for s in {GoldSpan(s.start, s.end, s.label, s.text) for s in by_annotator[name].entities}:
            entity_votes[s].append(name)
    entities = []
    for span, who in sorted(entity_votes.items(), key=lambda kv: _order(kv[0])):
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
    gold_spans = set(entities)

    speakers_by_annotator = {name: _speakers(by_annotator[name]) for name in names}
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
        attributes = {}
        for attr in tax.claim.attributes:
            votes: dict[str, list[str]] = defaultdict(list)
            for name, c in sorted(marks.items()):
                votes[str(getattr(c, attr.name))].append(name)
            value = _majority(votes, len(marks))
            attributes[attr.name] = value
            if value is None:
                review.append(
                    ReviewItem(
                        doc_id,
                        "claim_attribute",
                        start,
                        end,
                        attr.name,
                        text,
                        dict(votes),
                        n,
                        "left null: no majority value",
                    )
                )
        speaker_votes: dict[str, list[str]] = defaultdict(list)
        speakers: dict[str, GoldSpan | None] = {"none": None}
        for name, c in sorted(marks.items()):
            sp = speakers_by_annotator[name].get(c.id)
            key = _span_key(sp) if sp else "none"
            speakers[key] = sp
            speaker_votes[key].append(name)
        chosen = speakers.get(_majority(speaker_votes, len(marks)) or "none")
        speaker = chosen if chosen in gold_spans else None
        if len(speaker_votes) > 1 or (chosen is not None and speaker is None):
            outcome = (
                "speaker set" if speaker else "speaker left null: no majority, or the majority speaker span is not gold"
            )
            review.append(
                ReviewItem(doc_id, "speaker", start, end, tax.claim.name, text, dict(speaker_votes), n, outcome)
            )
        claims.append(GoldClaim(start, end, text, attributes, speaker))
    method = MAJORITY if n > 1 else SINGLE_ANNOTATOR
    return GoldDocument(doc_id, method, names, entities, claims), review


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
            gold[doc_id], items = _by_majority(doc_id, by_annotator, tax)
            review += items
    return gold, review
