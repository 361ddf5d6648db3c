"""pandera schema every document passes before a version is written."""

from __future__ import annotations

import hashlib

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from newsclaims.corpus.document import Document

ISO_DATE = r"^\d{4}-\d{2}-\d{2}(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$"
PARAGRAPH_KINDS = {"paragraph", "heading", "list_item"}
FIELD_SOURCES = ["sidecar", "record", "html", "h1", "meta", "json_ld", "open_graph", "header"]


class DocumentSchema(pa.DataFrameModel):
    id: Series[str] = pa.Field(str_matches=r"^nc-[0-9a-f]{16}$", unique=True)
    text: Series[str] = pa.Field(str_length={"min_value": 1})
    raw_path: Series[str] = pa.Field(str_length={"min_value": 1})
    raw_sha256: Series[str] = pa.Field(str_matches=r"^[0-9a-f]{64}$")
    text_sha256: Series[str] = pa.Field(str_matches=r"^[0-9a-f]{64}$")
    title: Series[str] = pa.Field(nullable=True)
    title_source: Series[str] = pa.Field(
        nullable=True, isin=[*FIELD_SOURCES, "first_heading", "first_sentence", "heading", "title"]
    )
    authors: Series[object]
    authors_source: Series[str] = pa.Field(nullable=True, isin=[*FIELD_SOURCES, "signature"])
    source: Series[str] = pa.Field(nullable=True)
    source_source: Series[str] = pa.Field(nullable=True, isin=FIELD_SOURCES)
    date: Series[str] = pa.Field(nullable=True, str_matches=ISO_DATE)
    date_precision: Series[str] = pa.Field(nullable=True, isin=["day", "month", "year", "month-day"])
    date_partial: Series[str] = pa.Field(nullable=True, str_matches=r"^--\d{2}-\d{2}$")
    date_source: Series[str] = pa.Field(nullable=True, isin=[*FIELD_SOURCES, "printed"])
    dateline: Series[str] = pa.Field(nullable=True)
    language: Series[str] = pa.Field(nullable=True, str_matches=r"^[a-z]{2}$")
    language_source: Series[str] = pa.Field(nullable=True, isin=[*FIELD_SOURCES, "detected"])
    url: Series[str] = pa.Field(nullable=True)
    license: Series[str] = pa.Field(nullable=True)
    retrieved: Series[str] = pa.Field(nullable=True, str_matches=ISO_DATE)
    format: Series[str] = pa.Field(isin=["txt", "html", "jsonl"])
    encoding: Series[str] = pa.Field(nullable=True)
    encoding_confidence: Series[float] = pa.Field(nullable=True, ge=0.0, le=1.0, coerce=True)
    paragraphs: Series[object]
    near_duplicates: Series[object]
    removed: Series[object]

    # The row checks zip the columns: DataFrame.apply(axis=1) builds a Series per row, which
    # cost more than the checks themselves.
    @pa.dataframe_check(element_wise=False)
    def text_sha256_matches_text(cls, df: pd.DataFrame) -> Series[bool]:
        return pd.Series(
            [
                hashlib.sha256(text.encode("utf-8")).hexdigest() == digest
                for text, digest in zip(df["text"], df["text_sha256"], strict=True)
            ],
            index=df.index,
            dtype=bool,
        )

    @pa.dataframe_check(element_wise=False)
    def authors_are_names(cls, df: pd.DataFrame) -> Series[bool]:
        return pd.Series(
            [
                isinstance(a, list) and all(isinstance(n, str) and n.strip() == n and n for n in a)
                for a in df["authors"]
            ],
            index=df.index,
            dtype=bool,
        )

    @pa.dataframe_check(element_wise=False)
    def paragraphs_inside_text_in_order(cls, df: pd.DataFrame) -> Series[bool]:
        def ok(paragraphs, text) -> bool:
            end = 0
            for p in paragraphs:
                if p["kind"] not in PARAGRAPH_KINDS or not (end <= p["start"] < p["end"] <= len(text)):
                    return False
                end = p["end"]
            return bool(paragraphs)

        return pd.Series(
            [ok(paragraphs, text) for paragraphs, text in zip(df["paragraphs"], df["text"], strict=True)],
            index=df.index,
            dtype=bool,
        )

    class Config:
        strict = True  # a field added to Document must be added here too


def documents_frame(documents: list[Document]) -> pd.DataFrame:
    return pd.DataFrame([d.to_dict() for d in documents], columns=list(Document.__dataclass_fields__))


def failures(documents: list[Document]) -> tuple[dict[int, str], bool]:
    """(index of each document that fails the schema -> what failed, whether some failure was
    column-level and so blamed on every row)."""
    if not documents:
        return {}, False
    try:
        DocumentSchema.validate(documents_frame(documents), lazy=True)
    except pa.errors.SchemaErrors as e:
        found: dict[int, str] = {}
        column_level = False
        cases = e.failure_cases
        for _, case in cases.iterrows():
            index = case["index"]
            check = f"{case['column'] or 'document'}: {case['check']}"
            if index is None or pd.isna(index):  # a column-level failure: blame every row
                column_level = True
                for i in range(len(documents)):
                    found.setdefault(i, check)
            else:
                found.setdefault(int(index), check)
        return found, column_level
    return {}, False


def invalid_rows(documents: list[Document]) -> dict[int, str]:
    """Index of each document that fails the schema -> what failed (empty when all pass)."""
    return failures(documents)[0]
