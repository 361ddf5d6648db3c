"""`newsclaims validate`: check the corpus and the pulled annotations against the taxonomy.

Records are flattened into tables (one row per span, claim or link), the pandera schemas from
`newsclaims.schemas.tables` validate them lazily, and every failure is turned into a `Failure`
(document, annotator, field, reason) so the user sees all problems at once, not the first.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from newsclaims.annotation.records import AnnotationRecord
from newsclaims.corpus.document import Document
from newsclaims.errors import NewsclaimsError
from newsclaims.schemas import tables
from newsclaims.schemas.controls import SAID_BY
from newsclaims.schemas.taxonomy import Taxonomy


class ValidationFailed(NewsclaimsError):
    exit_code = 1

    def __init__(self, failures: list[Failure]):
        self.failures = failures
        super().__init__(f"validation failed with {len(failures)} problem(s):\n{format_failures(failures)}")


@dataclass(frozen=True, order=True)
class Failure:
    doc_id: str
    annotator: str
    field: str  # e.g. "entities[r3].label", "claims[c1].claim_type", "said_by[c1->r2]"
    reason: str


# Why a check failed, in words. Keyed by pandera check name; "{value}" is the failing value, the
# other fields are the row's columns and the taxonomy's names (`_taxonomy_words`).
REASONS = {
    "start_not_negative": "offset out of range: start {start} < 0",
    "end_after_start": "empty or reversed span: end {end} <= start {start}",
    "end_inside_text": "offset out of range: end {end} > text length {doc_length}",
    "text_matches_offsets": "text mismatch: stored {text!r} but text[{start}:{end}] is {doc_slice!r}",
    "known_entity_label": "unknown label {value!r}",
    "known_value": "unknown attribute value {value!r}",
    "not_nullable": "missing value",
    "multiple_fields_uniqueness": "duplicate span (same offsets and label twice in one annotation)",
    "said_by_from": "said_by from a {value} region, not a {said_by_from}",
    "said_by_to": "said_by to a {value} region, not {said_by_to}",
    "doc_in_corpus": "document is not in the corpus version",
    "same_text_as_corpus": "text_sha256 {text_sha256} differs from the corpus document's {corpus_text_sha256}",
    "doc_id_format": "document id {value!r} is not nc- + 16 hex digits",
    "field_uniqueness": "duplicate value {value!r}",
    "text_not_empty": "empty text",
    "text_sha256_matches": "text_sha256 does not match the text",
}


def _doc_facts(doc: Document | None, start, end) -> tuple[int | None, str | None]:
    if doc is None:
        return None, None
    in_range = isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(doc.text)
    return len(doc.text), (doc.text[start:end] if in_range else None)


def _where(a: AnnotationRecord) -> tuple:
    return (a.doc_id, a.annotator, a.annotation_id)


def _frame(rows: list[tuple], schema: pa.DataFrameSchema) -> pd.DataFrame:
    """Rows are tuples in the schema's column order (tuples, not dicts: far cheaper to build and
    for pandas to read, with the same per-column type inference)."""
    df = pd.DataFrame(rows, columns=list(schema.columns))
    if "doc_length" in df:
        df["doc_length"] = df["doc_length"].astype("Int64")
    if len(df) == 0:
        # An empty column is `object`, which fails every dtype check (e.g. no said_by link at all
        # in a snapshot): give each column its schema's dtype.
        df = df.astype({name: column.dtype.type for name, column in schema.columns.items() if column.dtype is not None})
    return df


def annotation_tables(
    annotations: list[AnnotationRecord], documents: dict[str, Document], tax: Taxonomy
) -> dict[str, pd.DataFrame]:
    """Flatten annotation records into the tables the schemas validate (columns in the order of
    `newsclaims.schemas.tables`: where, region_id, start, end, text, doc_length, doc_slice, ...)."""
    entities, claims, links, anns = [], [], [], []
    attr_names = [a.name for a in tax.claim.attributes]
    for a in annotations:
        doc = documents.get(a.doc_id)
        where = _where(a)
        anns.append((*where, doc is not None, a.text_sha256, doc.text_sha256 if doc else None))
        labels = {}
        for s in a.entities:
            labels[s.id] = s.label
            entities.append((*where, s.id, s.start, s.end, s.text, *_doc_facts(doc, s.start, s.end), s.label))
        for c in a.claims:
            labels[c.id] = tax.claim.name
            claims.append(
                (
                    *where,
                    c.id,
                    c.start,
                    c.end,
                    c.text,
                    *_doc_facts(doc, c.start, c.end),
                    *(c.attributes.get(n) for n in attr_names),
                )
            )
        for link in a.said_by:
            links.append(
                (*where, link.claim_id, link.speaker_id, labels.get(link.claim_id), labels.get(link.speaker_id))
            )
    return {
        "annotations": _frame(anns, tables.annotations_schema()),
        "entities": _frame(entities, tables.entity_spans_schema(tax)),
        "claims": _frame(claims, tables.claim_spans_schema(tax)),
        "said_by": _frame(links, tables.said_by_schema(tax)),
    }


def documents_table(documents: Iterable[Document]) -> pd.DataFrame:
    rows = [(d.id, len(d.text), d.text_sha256, hashlib.sha256(d.text.encode("utf-8")).hexdigest()) for d in documents]
    return _frame(rows, tables.documents_schema())


def _field(table: str, row: pd.Series, column) -> str:
    column = column if isinstance(column, str) else None
    if table in ("entities", "claims"):
        base = f"{table}[{row['region_id']}]"
        if column in (None, "doc_length", "doc_slice"):
            return base
        return f"{base}.{column}"
    if table == "said_by":
        return f"said_by[{row['claim_id']}->{row['speaker_id']}]"
    if table == "annotations":
        return "text_sha256" if column in (None, "text_sha256") else column
    return column or "text"


def _taxonomy_words(tax: Taxonomy) -> dict[str, str]:
    """The label names reasons mention, spelt as the taxonomy lists them."""
    rel = tax.relation(SAID_BY)
    return {"said_by_from": "/".join(rel.from_labels), "said_by_to": "/".join(rel.to_labels)}


def _reason(check: str, row: pd.Series, column, words: dict[str, str]) -> str:
    key = check.split("(")[0]
    value = row[column] if isinstance(column, str) and column in row else None
    if column == "from_label" and key in ("said_by_from", "not_nullable") and pd.isna(value):
        return f"said_by from a region that does not exist ({row['claim_id']})"
    if column == "to_label" and key in ("said_by_to", "not_nullable") and pd.isna(value):
        return f"said_by to a region that does not exist ({row['speaker_id']})"
    if key == "same_text_as_corpus" and pd.isna(row["text_sha256"]):
        return "annotation has no text_sha256: cannot tell it was made on the corpus text"
    template = REASONS.get(key)
    if template is None:
        return f"failed check {check} (value {value!r})"
    facts = {k: (None if pd.isna(v) else v) for k, v in row.items()} if row is not None else {}
    try:
        return template.format(value=value, **{**words, **facts})
    except (KeyError, ValueError):
        return template


def _failures_from(
    table: str, df: pd.DataFrame, schema: pa.DataFrameSchema, words: dict[str, str] | None = None
) -> list[Failure]:
    try:
        schema.validate(df, lazy=True)
    except SchemaErrors as e:
        cases = e.failure_cases
    else:
        return []
    out = []
    for case in cases.itertuples(index=False):
        idx = case.index
        if idx is None or pd.isna(idx):  # a schema-wide problem (wrong column type): no row to blame
            out.append(Failure("*", "*", f"{table}.{case.column}", f"failed check {case.check}: {case.failure_case}"))
            continue
        row = df.loc[int(idx)]
        who = row["annotator"] if "annotator" in row else "-"
        # A failed row-wise DataFrame check is reported once per column: it is about the whole row.
        column = None if case.schema_context == "DataFrameSchema" else case.column
        out.append(
            Failure(
                str(row["doc_id"]),
                str(who),
                _field(table, row, column),
                _reason(str(case.check), row, column, words or {}),
            )
        )
    return out


def validate_records(documents: list[Document], annotations: list[AnnotationRecord], tax: Taxonomy) -> list[Failure]:
    """Every problem in the corpus and the annotations, sorted (empty list: all valid)."""
    failures = _failures_from("documents", documents_table(documents), tables.documents_schema())
    by_id = {d.id: d for d in documents}
    frames = annotation_tables(annotations, by_id, tax)
    schemas = {
        "annotations": tables.annotations_schema(),
        "entities": tables.entity_spans_schema(tax),
        "claims": tables.claim_spans_schema(tax),
        "said_by": tables.said_by_schema(tax),
    }
    for name, schema in schemas.items():
        failures += _failures_from(name, frames[name], schema, _taxonomy_words(tax))
    # A pandera uniqueness failure lists every copy of a duplicate; several checks can flag one row.
    return sorted(set(failures))


def format_failures(failures: list[Failure]) -> str:
    """A plain-text table: one line per failure, columns aligned."""
    header = ("doc_id", "annotator", "field", "reason")
    rows = [header] + [(f.doc_id, f.annotator, f.field, f.reason) for f in failures]
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    lines = []
    for n, r in enumerate(rows):
        lines.append("  ".join(r[i].ljust(widths[i]) for i in range(3)) + "  " + r[3])
        if n == 0:
            lines.append("  ".join("-" * w for w in widths) + "  " + "-" * len("reason"))
    return "\n".join(lines)
