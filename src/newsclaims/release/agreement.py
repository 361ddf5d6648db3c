"""Inter-annotator agreement on documents annotated by two or more annotators.

- Spans (each entity label and CLAIM): exact-match F1 (same start, end, label) and overlap F1
  (a span counts as found if the other annotator has an overlapping span of the same label),
  computed for each pair of annotators over the documents they share, then averaged over pairs.
- Claim attributes: Krippendorff's alpha (nominal, the `krippendorff` package) over the claims
  two or more annotators marked with exactly the same offsets, plus raw observed agreement.
- said_by: exact F1 over (claim span, speaker span) pairs, per annotator pair, averaged.

With no shared document nothing is measured and the report says so: it never makes up a figure.
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

import krippendorff
import numpy as np

from newsclaims.annotation.records import (
    AnnotationRecord,
    ClaimRecord,
    newest_by_document,
)
from newsclaims.schemas.controls import SAID_BY
from newsclaims.schemas.taxonomy import Taxonomy

ALL_LABELS = "ALL"

Span = tuple[str, int, int, str]  # (doc_id, start, end, label)


def _round(x: float | None) -> float | None:
    return None if x is None or math.isnan(x) else round(float(x), 4)


annotations_by_document = newest_by_document  # the one definition, shared with conflicts


def labelled_spans(a: AnnotationRecord, claim_label: str) -> set[Span]:
    spans = {(a.doc_id, s.start, s.end, s.label) for s in a.entities}
    return spans | {(a.doc_id, c.start, c.end, claim_label) for c in a.claims}


def exact_f1(a: set, b: set) -> float | None:
    """2|A∩B| / (|A|+|B|); None when neither side has anything (nothing to agree on)."""
    if not a and not b:
        return None
    return 2 * len(a & b) / (len(a) + len(b))


def overlap_f1(a: set[Span], b: set[Span]) -> float | None:
    """F1 where precision = share of A overlapping some same-label span of B, recall the reverse."""
    if not a and not b:
        return None
    if not a or not b:
        return 0.0

    def found(x: set[Span], y: set[Span]) -> int:
        # Only spans of the same document and label can overlap: index y by them, so the
        # comparison is per document, not all of A against all of B (quadratic over a corpus).
        by_key: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
        for d, s, e, lab in y:
            by_key[(d, lab)].append((s, e))
        return sum(any(s < e2 and s2 < e for s2, e2 in by_key.get((d, lab), ())) for d, s, e, lab in x)

    p, r = found(a, b) / len(a), found(b, a) / len(b)
    return 0.0 if p + r == 0 else 2 * p * r / (p + r)


def said_by_pairs(a: AnnotationRecord) -> set[tuple]:
    claims = {c.id: (c.start, c.end) for c in a.claims}
    speakers = {s.id: (s.start, s.end, s.label) for s in a.entities}
    return {
        (a.doc_id, claims[link.claim_id], speakers[link.speaker_id])
        for link in a.said_by
        if link.claim_id in claims and link.speaker_id in speakers
    }


@dataclass
class SpanAgreement:
    exact_f1: float | None
    overlap_f1: float | None
    pairs: int  # annotator pairs with something to compare for this label


@dataclass
class AttributeAgreement:
    krippendorff_alpha: float | None
    observed_agreement: float | None  # share of agreeing annotator pairs over matched claims
    matched_claims: int
    note: str = ""


@dataclass
class AgreementReport:
    measured: bool
    reason: str
    annotators: list[str] = field(default_factory=list)
    shared_documents: int = 0
    annotator_pairs: int = 0
    spans: dict[str, SpanAgreement] = field(default_factory=dict)
    claim_attributes: dict[str, AttributeAgreement] = field(default_factory=dict)
    said_by: SpanAgreement | None = None

    def to_dict(self) -> dict:
        return asdict(self)


def _mean(xs: list[float | None]) -> float | None:
    known = [x for x in xs if x is not None]
    return sum(known) / len(known) if known else None


def _pair_docs(shared: dict[str, dict[str, AnnotationRecord]]) -> dict[tuple[str, str], list[str]]:
    pairs: dict[tuple[str, str], list[str]] = defaultdict(list)
    for doc_id, by_annotator in shared.items():
        for x, y in itertools.combinations(sorted(by_annotator), 2):
            pairs[(x, y)].append(doc_id)
    return dict(sorted(pairs.items()))


def _by_label(spans: set[tuple]) -> dict[str, set[tuple]]:
    out: dict[str, set[tuple]] = defaultdict(set)
    for s in spans:
        out[s[3]].add(s)
    return out


def _span_agreement(
    pairs: dict[tuple[str, str], list[str]], shared, extract, labels: list[str]
) -> dict[str, SpanAgreement]:
    # Each pair's spans are extracted once, then grouped by label (not re-extracted per label).
    pair_spans = []
    for (x, y), docs in pairs.items():
        a = {s for d in docs for s in extract(shared[d][x])}
        b = {s for d in docs for s in extract(shared[d][y])}
        pair_spans.append((a, b, _by_label(a), _by_label(b)))
    out = {}
    for label in labels:
        exact, overlap = [], []
        for a_all, b_all, a_by, b_by in pair_spans:
            a = a_all if label == ALL_LABELS else a_by.get(label, set())
            b = b_all if label == ALL_LABELS else b_by.get(label, set())
            exact.append(exact_f1(a, b))
            overlap.append(overlap_f1(a, b))
        out[label] = SpanAgreement(
            exact_f1=_round(_mean(exact)),
            overlap_f1=_round(_mean(overlap)),
            pairs=sum(e is not None for e in exact),
        )
    return out


def _attribute_agreement(shared, tax: Taxonomy) -> dict[str, AttributeAgreement]:
    annotators = sorted({n for by in shared.values() for n in by})
    # Units: claims (doc, start, end) marked with exactly these offsets by two or more annotators.
    marks: dict[tuple, dict[str, ClaimRecord]] = defaultdict(dict)
    for doc_id, by_annotator in shared.items():
        for name, a in by_annotator.items():
            for c in a.claims:
                marks[(doc_id, c.start, c.end)][name] = c
    units = sorted(k for k, v in marks.items() if len(v) >= 2)
    out = {}
    for attr in tax.claim.choice_attributes:  # not on free text: no two rewrites need match
        domain = list(attr.value_names)
        data = np.full((len(annotators), len(units)), np.nan)
        for j, unit in enumerate(units):
            for i, name in enumerate(annotators):
                claim = marks[unit].get(name)
                value = claim.attributes.get(attr.name) if claim is not None else None
                if value in domain:
                    data[i, j] = domain.index(value)
        agree = total = valued = 0
        for j in range(len(units)):
            values = [v for v in data[:, j] if not np.isnan(v)]
            valued += len(values) >= 2
            for v, w in itertools.combinations(values, 2):
                total += 1
                agree += v == w
        alpha, note = None, ""
        if total == 0:
            note = "no claim marked with the same offsets by two annotators"
        else:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                alpha = krippendorff.alpha(data, level_of_measurement="nominal", value_domain=list(range(len(domain))))
            if math.isnan(alpha):
                alpha, note = None, "alpha undefined: every annotator used the same single value"
            elif valued < len(units):  # an optional attribute left unset: fewer units than claims
                note = f"on the {valued} of {len(units)} claims where two annotators gave a value"
        out[attr.name] = AttributeAgreement(
            krippendorff_alpha=_round(alpha),
            observed_agreement=_round(agree / total) if total else None,
            matched_claims=len(units),
            note=note,
        )
    return out


def measure_agreement(annotations: Iterable[AnnotationRecord], tax: Taxonomy) -> AgreementReport:
    by_doc = annotations_by_document(annotations)
    annotators = sorted({n for by in by_doc.values() for n in by})
    shared = {d: by for d, by in by_doc.items() if len(by) >= 2}
    if not shared:
        reason = "every document was annotated by a single annotator" if annotators else "no annotations"
        return AgreementReport(measured=False, reason=reason, annotators=annotators)
    pairs = _pair_docs(shared)
    labels = [*tax.entity_names, tax.claim.name, ALL_LABELS]
    spans = _span_agreement(pairs, shared, lambda a: labelled_spans(a, tax.claim.name), labels)
    said_by = _span_agreement(pairs, shared, lambda a: {(*p, SAID_BY) for p in said_by_pairs(a)}, [ALL_LABELS])[
        ALL_LABELS
    ]
    said_by.overlap_f1 = None  # said_by agreement is exact by definition
    return AgreementReport(
        measured=True,
        reason=f"measured on {len(shared)} document(s) shared by two or more annotators",
        annotators=annotators,
        shared_documents=len(shared),
        annotator_pairs=len(pairs),
        spans=spans,
        claim_attributes=_attribute_agreement(shared, tax),
        said_by=said_by,
    )
