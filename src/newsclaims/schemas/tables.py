"""pandera schemas for the tables `newsclaims validate` checks, generated from the taxonomy.

Each annotation record is flattened into rows (one per entity span, claim span or said_by link)
by `newsclaims.release.validate`; these schemas say what a valid row is. Every check has a
`name` so the validation report can turn a failure into a readable reason. Rows carry the
document facts a check needs (`doc_length`, `doc_slice`, ...) so every check is a plain
column or row comparison.
"""

from __future__ import annotations

import pandera.pandas as pa

from newsclaims.schemas.controls import SAID_BY
from newsclaims.schemas.taxonomy import AttributeDef, Taxonomy

DOC_ID_PATTERN = r"^nc-[0-9a-f]{16}$"

# Columns identifying where a row came from; present in every annotation table.
_WHERE = {
    "doc_id": pa.Column(str),
    "annotator": pa.Column(str),
    "annotation_id": pa.Column(int),
}


def _offset_columns() -> dict[str, pa.Column]:
    return {
        "region_id": pa.Column(str, nullable=True),
        "start": pa.Column(int, pa.Check.ge(0, name="start_not_negative", error="start_not_negative")),
        "end": pa.Column(int),
        "text": pa.Column(str, nullable=True),
        # From the corpus document: None when the document is unknown or the offsets are out of range.
        "doc_length": pa.Column("Int64", nullable=True),
        "doc_slice": pa.Column(str, nullable=True),
    }


def _span_checks() -> list[pa.Check]:
    return [
        pa.Check(lambda df: df["end"] > df["start"], name="end_after_start"),
        pa.Check(lambda df: df["doc_length"].isna() | (df["end"] <= df["doc_length"]), name="end_inside_text"),
        pa.Check(
            lambda df: df["doc_slice"].isna() | (df["text"] == df["doc_slice"]),
            name="text_matches_offsets",
        ),
    ]


def entity_spans_schema(tax: Taxonomy) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            **_WHERE,
            **_offset_columns(),
            "label": pa.Column(
                str, pa.Check.isin(list(tax.entity_names), name="known_entity_label", error="known_entity_label")
            ),
        },
        checks=_span_checks(),
        unique=["doc_id", "annotator", "annotation_id", "start", "end", "label"],
        report_duplicates="exclude_first",
        name="entity spans",
    )


def _attribute_column(a: AttributeDef) -> pa.Column:
    """A choice must be one of its values; free text is any string. Either may be empty only
    when the taxonomy marks the attribute `required: false`."""
    if not a.is_choice:
        return pa.Column(str, nullable=not a.required)
    check = pa.Check.isin(list(a.value_names), name="known_value", error="known_value")
    return pa.Column(str, check, nullable=not a.required)


def claim_spans_schema(tax: Taxonomy) -> pa.DataFrameSchema:
    attributes = {a.name: _attribute_column(a) for a in tax.claim.attributes}
    return pa.DataFrameSchema(
        {**_WHERE, **_offset_columns(), **attributes},
        checks=_span_checks(),
        unique=["doc_id", "annotator", "annotation_id", "start", "end"],
        report_duplicates="exclude_first",
        name="claim spans",
    )


def said_by_schema(tax: Taxonomy) -> pa.DataFrameSchema:
    """Links, with the labels of the regions they join (None: no such region in the annotation)."""
    rel = tax.relation(SAID_BY)
    return pa.DataFrameSchema(
        {
            **_WHERE,
            "claim_id": pa.Column(str),
            "speaker_id": pa.Column(str),
            "from_label": pa.Column(
                str, pa.Check.isin(list(rel.from_labels), name="said_by_from", error="said_by_from"), nullable=False
            ),
            "to_label": pa.Column(
                str, pa.Check.isin(list(rel.to_labels), name="said_by_to", error="said_by_to"), nullable=False
            ),
        },
        unique=["doc_id", "annotator", "annotation_id", "claim_id", "speaker_id"],
        report_duplicates="exclude_first",
        name="said_by links",
    )


def annotations_schema() -> pa.DataFrameSchema:
    """One row per annotation: is its document in the corpus version, with the same text?"""
    return pa.DataFrameSchema(
        {
            **_WHERE,
            "doc_in_corpus": pa.Column(bool, pa.Check.eq(True, name="doc_in_corpus", error="doc_in_corpus")),
            "text_sha256": pa.Column(str, nullable=True),
            "corpus_text_sha256": pa.Column(str, nullable=True),
        },
        checks=[
            pa.Check(
                lambda df: ~df["doc_in_corpus"] | (df["text_sha256"] == df["corpus_text_sha256"]),
                name="same_text_as_corpus",
            )
        ],
        name="annotations",
    )


def documents_schema() -> pa.DataFrameSchema:
    """The corpus version's documents: ids in the contract format, unique, text hash right."""
    return pa.DataFrameSchema(
        {
            "doc_id": pa.Column(
                str, pa.Check.str_matches(DOC_ID_PATTERN, name="doc_id_format", error="doc_id_format"), unique=True
            ),
            "text_length": pa.Column(int, pa.Check.gt(0, name="text_not_empty", error="text_not_empty")),
            "text_sha256": pa.Column(str),
            "computed_text_sha256": pa.Column(str),
        },
        checks=[pa.Check(lambda df: df["text_sha256"] == df["computed_text_sha256"], name="text_sha256_matches")],
        name="documents",
    )
