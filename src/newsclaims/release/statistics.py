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
    annotator_notes: dict[str, str] = field(default_factory=dict)
    # Added with licence-gated text and the datasheet card (0.3.0); absent from older manifests.
    text_withheld: int = 0  # documents whose text (and span texts, tokens) is null in the release
    dated_documents: int = 0
    documents_with_url: int = 0
    documents_with_retrieved: int = 0
    formats: dict[str, int] = field(default_factory=dict)  # raw file format -> documents
    title_sources: dict[str, int] = field(default_factory=dict)
    speakers: dict[str, int] = field(default_factory=dict)  # gold speaker text -> claims
    annotators_per_document: dict[str, int] = field(default_factory=dict)  # annotated doc id -> annotators
    new_story_groups: int = 0  # groups first assigned by this release

    def split_names(self, order: tuple[str, ...]) -> list[str]:
        """The splits of `order` that some config has rows in."""
        return [s for s in order if any(s in counts for counts in self.splits.values())]


def compute_statistics(content: ReleaseContent, docs: dict[str, Document]) -> ReleaseStatistics:
    tax = content.inputs.taxonomy
    gold = content.gold
    label_counts = Counter(s.label for g in gold.values() for s in g.entities)
    attr_counts = {
        a.name: Counter(c.attributes.get(a.name) or NO_MAJORITY for g in gold.values() for c in g.claims)
        for a in tax.claim.choice_attributes  # free text has no values to count
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
        annotator_notes={a: n for a, n in content.inputs.annotator_notes.items() if a in annotators},
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
        text_withheld=len(content.withheld),
        dated_documents=len(annotated_dates),
        documents_with_url=sum(bool(d.url) for d in docs.values()),
        documents_with_retrieved=sum(bool(d.retrieved) for d in docs.values()),
        formats=dict(sorted(Counter(d.format for d in docs.values()).items())),
        title_sources=dict(sorted(Counter(d.title_source or "none" for d in docs.values()).items())),
        speakers=dict(sorted(Counter(c.speaker.text for g in gold.values() for c in g.claims if c.speaker).items())),
        annotators_per_document={d: len(g.annotators) for d, g in sorted(gold.items())},
        new_story_groups=sum(g.since == content.version for g in content.split_record.groups),
    )
