"""What a release holds, counted: `statistics` of its manifest, read by the card and the plots."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from newsclaims.corpus.document import Document
from newsclaims.release.inputs import DEFAULT_ROLE
from newsclaims.store import JsonRecord

if TYPE_CHECKING:  # content.py computes the statistics through this module
    from newsclaims.release.content import ReleaseContent

NO_MAJORITY = "null (no majority)"  # a claim attribute the annotators did not agree on


@dataclass
class ReleaseStatistics(JsonRecord):
    documents: int
    annotated_documents: int
    annotations: int
    annotators: list[str]
    gold_method: dict[str, int]  # ground_truth / majority / single_annotator -> documents
    entity_labels: dict[str, int]  # every taxonomy entity label (0 if unused) -> gold spans
    claims: int
    claims_per_document: dict[str, int]  # annotated doc id -> gold claims
    claim_attributes: dict[str, dict[str, int]]  # attribute -> value (or NO_MAJORITY) -> claims
    claims_with_speaker: int
    entities_not_in_bio: int  # gold spans the BIO tags cannot hold (nested or overlapping)
    review_items: dict[str, int]  # review.jsonl kind -> items
    splits: dict[str, dict[str, int]]  # config -> non-empty split -> rows
    story_groups: int
    sources: dict[str, int]
    licenses: dict[str, int]
    languages: dict[str, int]
    date_range: list[str] | None  # [first, last] article date, None if no article has one
    # pseudonym -> role; absent from releases made before roles were recorded (0.1.0)
    annotator_roles: dict[str, str] = field(default_factory=dict)

    def split_names(self, order: tuple[str, ...]) -> list[str]:
        """The splits of `order` that some config has rows in."""
        return [s for s in order if any(s in counts for counts in self.splits.values())]


def compute_statistics(content: ReleaseContent, docs: dict[str, Document]) -> ReleaseStatistics:
    tax = content.inputs.taxonomy
    gold = content.gold
    label_counts = Counter(s.label for g in gold.values() for s in g.entities)
    attr_counts = {
        a.name: Counter(c.attributes.get(a.name) or NO_MAJORITY for g in gold.values() for c in g.claims)
        for a in tax.claim.attributes
    }
    is_begin = np.array([tag.startswith("B-") for tag in tax.bio_tags])
    ner_b_tags = sum(
        int(is_begin[r["ner_tags"]].sum()) for split in content.rows.get("ner", {}).values() for r in split
    )
    annotated_dates = sorted(d.date[:10] for d in docs.values() if d.date)
    annotators = sorted({a.annotator for a in content.inputs.annotations})
    return ReleaseStatistics(
        documents=len(docs),
        annotated_documents=len(gold),
        annotations=len(content.inputs.annotations),
        annotators=annotators,
        annotator_roles={a: content.inputs.annotator_roles.get(a, DEFAULT_ROLE) for a in annotators},
        gold_method=dict(sorted(Counter(g.method for g in gold.values()).items())),
        entity_labels={name: label_counts.get(name, 0) for name in tax.entity_names},
        claims=sum(len(g.claims) for g in gold.values()),
        claims_per_document={d: len(g.claims) for d, g in sorted(gold.items())},
        claim_attributes={k: dict(sorted(v.items())) for k, v in attr_counts.items()},
        claims_with_speaker=sum(c.speaker is not None for g in gold.values() for c in g.claims),
        entities_not_in_bio=sum(label_counts.values()) - ner_b_tags,
        review_items=dict(sorted(Counter(i.kind for i in content.review).items())),
        splits={
            config: {split: len(rows) for split, rows in by_split.items()} for config, by_split in content.rows.items()
        },
        story_groups=len({s.group for s in content.splits}),
        sources=dict(sorted(Counter(d.source or "unknown" for d in docs.values()).items())),
        licenses=dict(sorted(Counter(d.license or "unknown" for d in docs.values()).items())),
        languages=dict(sorted(Counter(d.language or "unknown" for d in docs.values()).items())),
        date_range=[annotated_dates[0], annotated_dates[-1]] if annotated_dates else None,
    )
