"""The per-file steps after `read`, each doing one thing to one Draft (see pipeline.py)."""

from __future__ import annotations

import hashlib
from datetime import date as Date
from datetime import datetime

from newsclaims.corpus.decode import DecodeFailure, decode_bytes
from newsclaims.corpus.dedup import MINHASH, MinHashConfig, minhash
from newsclaims.corpus.header import split_header
from newsclaims.corpus.html import MAX_PARSER_DEPTH, extract_html, nesting_depth
from newsclaims.corpus.language import detect_language
from newsclaims.corpus.normalize import normalize_text
from newsclaims.corpus.paragraphs import derive_title, segment
from newsclaims.corpus.pipeline import Draft, Item, PipelineStep
from newsclaims.corpus.rawfolder import SourceFields
from newsclaims.corpus.reasons import RejectReason as R


class Decode(PipelineStep[Draft]):
    name = "decode"

    def apply(self, draft: Draft) -> Item:
        if draft.data is None:
            return draft
        decoded = decode_bytes(draft.data)
        draft.data = None  # the bytes are not needed any more
        if isinstance(decoded, DecodeFailure):
            return draft.reject(decoded.reason, decoded.detail)
        draft.doc.text = decoded.text
        return draft


class ExtractMainText(PipelineStep[Draft]):
    name = "extract_html"

    def apply(self, draft: Draft) -> Item:
        doc = draft.doc
        if doc.format != "html":
            return draft
        if not doc.text.strip():
            return draft.reject(R.EMPTY, "empty file")
        article = extract_html(doc.text)
        if article is None:
            detail = "trafilatura found no article text in the page"
            depth = nesting_depth(doc.text)
            if depth > MAX_PARSER_DEPTH:  # say why, or the reason looks like a bug of ours
                detail += (
                    f" (elements nest {depth} levels deep; the HTML parser drops what is below {MAX_PARSER_DEPTH})"
                )
            return draft.reject(R.NO_MAIN_TEXT, detail)
        doc.text, doc.paragraphs, draft.found = article.text, article.paragraphs, article.fields
        return draft


class Normalize(PipelineStep[Draft]):
    name = "normalize"

    def apply(self, draft: Draft) -> Item:
        text = normalize_text(draft.doc.text)
        if text != draft.doc.text:
            draft.doc.paragraphs = []  # structure from html no longer lines up: recompute
        draft.doc.text = text
        if not text:
            return draft.reject(R.EMPTY, "no text after normalization (empty or whitespace only)")
        return draft


class ExtractHeader(PipelineStep[Draft]):
    """Move an agency header / dateline at the start of the text into metadata (kept in `removed`)."""

    name = "extract_header"

    def apply(self, draft: Draft) -> Item:
        doc = draft.doc
        header, rest = split_header(doc.text)
        if header is not None:
            cut = len(doc.text) - len(rest)
            doc.text = rest
            doc.removed["header"] = header.text
            doc.paragraphs = [
                type(p)(max(p.start - cut, 0), p.end - cut, p.kind) for p in doc.paragraphs if p.end > cut
            ]
            found = SourceFields(date=header.date, dateline=header.dateline, source=header.source)
            draft.found = draft.found.merged_over(found)
        return draft


class Segment(PipelineStep[Draft]):
    name = "segment"

    def apply(self, draft: Draft) -> Item:
        if not draft.doc.paragraphs:
            draft.doc.paragraphs = segment(draft.doc.text)
        return draft


def _iso_date(value: str | None) -> str | None:
    """YYYY-MM-DD of an ISO 8601 date or datetime; None when it is not one."""
    if not value:
        return None
    for parse in (Date.fromisoformat, lambda v: datetime.fromisoformat(v).date()):
        try:
            return parse(value.strip()).isoformat()
        except ValueError:
            pass
    return None


class ApplyMetadata(PipelineStep[Draft]):
    """Given metadata (sidecar, record) wins over what was found in the page or the text."""

    name = "apply_metadata"

    def apply(self, draft: Draft) -> Item:
        doc, meta = draft.doc, draft.given.merged_over(draft.found)
        doc.source, doc.dateline, doc.url, doc.license = meta.source, meta.dateline, meta.url, meta.license
        for name in ("date", "retrieved"):
            value = getattr(meta, name)
            setattr(doc, name, _iso_date(value))
            if value and getattr(doc, name) is None:
                doc.removed[f"unparsed_{name}"] = value  # kept, but not a date we can read
        if draft.given.title:
            doc.title, doc.title_source = draft.given.title, draft.given_by
        elif draft.found.title:
            doc.title, doc.title_source = draft.found.title, "html"
        else:
            doc.title, doc.title_source = derive_title(doc.text, doc.paragraphs)
        doc.text_sha256 = hashlib.sha256(doc.text.encode("utf-8")).hexdigest()
        return draft


class DetectLanguage(PipelineStep[Draft]):
    name = "detect_language"

    def apply(self, draft: Draft) -> Item:
        draft.doc.language = detect_language(draft.doc.text)
        return draft


class Sign(PipelineStep[Draft]):
    """MinHash values of each new text, for deduplication. A per-file step, so that worker
    processes and cluster tasks hash the shingles, not the driver that deduplicates; reused
    documents are skipped (dedup takes theirs from the signature cache)."""

    name = "sign"

    def __init__(self, config: MinHashConfig = MINHASH):
        self.config = config

    def apply(self, draft: Draft) -> Item:
        draft.signature = minhash(draft.doc.text, self.config).hashvalues
        return draft


def per_file_steps(config: MinHashConfig = MINHASH) -> list[PipelineStep]:
    """The steps after `read` that need one file only, ending with its MinHash signature."""
    return [
        Decode(),
        ExtractMainText(),
        Normalize(),
        ExtractHeader(),
        Segment(),
        ApplyMetadata(),
        DetectLanguage(),
        Sign(config),
    ]
