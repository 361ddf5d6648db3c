"""`datasets.Features` of each release config, generated from the taxonomy.

Labels are `ClassLabel`s so a model gets integer ids and the names travel with the data (in the
README YAML and the parquet metadata). Claim attributes are ClassLabels too, with the taxonomy's
values as names; a null means the annotators did not agree on a value (see review.jsonl).
Lists of spans use `List({...})`: `Sequence({...})` would turn them into a dict of lists.
"""

from __future__ import annotations

from datasets import ClassLabel, Features, List, Value

from newsclaims.schemas.crosswalk import Crosswalk
from newsclaims.schemas.taxonomy import Taxonomy

# `sentences` only where the crosswalk fits the release's taxonomy (release/sentences.py).
CONFIGS = ("documents", "entities", "claims", "sentences", "ner", "claim_clusters")

# A sentence's role: the kind of block the corpus build recorded it in (a paragraph is body).
SENTENCE_ROLES = ("heading", "list_item", "body")

# `text` (and the title when it was derived from the text) is null where the licence does not allow
# redistribution; `text_sha256`, `raw_path` and the source fields let `newsclaims hydrate` restore it.
DOCUMENT_FIELDS = (
    "id",
    "text",
    "text_sha256",
    "title",
    "title_source",
    "source",
    "date",
    "dateline",
    "language",
    "url",
    "license",
    "retrieved",
    "raw_path",
)


def entity_label(tax: Taxonomy) -> ClassLabel:
    return ClassLabel(names=list(tax.entity_names))


def span(tax: Taxonomy) -> dict:
    return {"start": Value("int32"), "end": Value("int32"), "text": Value("string"), "label": entity_label(tax)}


def documents_features(tax: Taxonomy) -> Features:
    return Features({name: Value("string") for name in DOCUMENT_FIELDS})


# Where a document's gold came from, recorded per document in the release: an annotation marked
# ground truth in Label Studio (an adjudicator's), a strict majority of two or more annotators,
# or the one annotator who annotated it (no second opinion: the card says so).
GOLD_SOURCES = ("ground_truth", "majority", "single_annotator")


def gold_source() -> ClassLabel:
    return ClassLabel(names=list(GOLD_SOURCES))


def entities_features(tax: Taxonomy) -> Features:
    return Features(
        {
            "id": Value("string"),
            "text": Value("string"),
            "gold_source": gold_source(),
            "annotators": List(Value("string")),
            "entities": List(span(tax)),
        }
    )


def claims_features(tax: Taxonomy) -> Features:
    claim = {"start": Value("int32"), "end": Value("int32"), "text": Value("string")}
    for attr in tax.claim.attributes:
        # Free text is a plain string (null when left empty); a choice is a ClassLabel.
        claim[attr.name] = ClassLabel(names=list(attr.value_names)) if attr.is_choice else Value("string")
    claim["speaker"] = span(tax)  # null when the claim has no (agreed) speaker
    claim["cluster_id"] = Value("string")  # its row in claim_clusters; null when linked to nothing
    return Features(
        {
            "id": Value("string"),
            "text": Value("string"),
            "gold_source": gold_source(),
            "annotators": List(Value("string")),
            "claims": List(claim),
        }
    )


def sentences_features(tax: Taxonomy, crosswalk: Crosswalk) -> Features:
    """One row per sentence; a column per crosswalk scheme, its labels as the ClassLabel's names
    (null: the mapping cannot say, e.g. a migrated claim with no `verifiable` value)."""
    return Features(
        {
            "id": Value("string"),
            "doc_id": Value("string"),
            "index": Value("int32"),  # the sentence's place in its document, from 0
            "text": Value("string"),  # null where the licence withholds the document's text
            "start": Value("int32"),  # code point offsets into the document text
            "end": Value("int32"),
            "paragraph": Value("int32"),  # index of its block (paragraph, heading, list item)
            "role": ClassLabel(names=list(SENTENCE_ROLES)),
            "speakers": List(span(tax)),  # the said_by speakers of the claims in it
            "claims": List(Value("string")),  # keys "<doc_id>:<start>-<end>" of the claims overlapping it
            **{s.name: ClassLabel(names=list(s.label_names)) for s in crosswalk.schemes},
        }
    )


def ner_features(tax: Taxonomy) -> Features:
    """One row per sentence (the sentences config's ids), so no sequence is document-long."""
    return Features(
        {
            "id": Value("string"),
            "doc_id": Value("string"),
            "tokens": List(Value("string")),
            "token_starts": List(Value("int32")),  # code point offsets into the document text
            "ner_tags": List(ClassLabel(names=list(tax.bio_tags))),
        }
    )


# A claim cluster's links were confirmed by people, or only proposed by the model (release/clusters.py).
CLUSTER_STATUSES = ("confirmed", "proposed")


def claim_clusters_features() -> Features:
    member = {
        "doc_id": Value("string"),
        "outlet": Value("string"),
        "date": Value("string"),
        "start": Value("int32"),
        "end": Value("int32"),
        "text": Value("string"),
        "numbers": List(Value("string")),  # the figures the member asserts, normalized ("> 6,000 soldier")
    }
    link = {
        "left": Value("string"),  # claim keys: "<doc_id>:<start>-<end>"
        "right": Value("string"),
        "confirmed": Value("bool"),
        "score": Value("float64"),  # the model's score; null for a pair people linked that it never proposed
        "numbers_differ": Value("bool"),
    }
    return Features(
        {
            "cluster_id": Value("string"),
            "status": ClassLabel(names=list(CLUSTER_STATUSES)),
            "score": Value("float64"),  # the weakest model score among its links (null: none scored)
            "documents": Value("int32"),
            "outlets": List(Value("string")),
            "numbers_disagree": Value("bool"),
            "members": List(member),
            "links": List(link),
        }
    )


def config_features(tax: Taxonomy, crosswalk: Crosswalk | None = None) -> dict[str, Features]:
    """Every config's features; `sentences` only with a crosswalk (none for an older taxonomy)."""
    sentences = {"sentences": sentences_features(tax, crosswalk)} if crosswalk is not None else {}
    return {
        "documents": documents_features(tax),
        "entities": entities_features(tax),
        "claims": claims_features(tax),
        **sentences,
        "ner": ner_features(tax),
        "claim_clusters": claim_clusters_features(),
    }
