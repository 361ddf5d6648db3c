"""The per-file steps after `read`, each doing one thing to one Draft (see pipeline.py)."""

from __future__ import annotations

import hashlib
import re
from datetime import date as Date
from datetime import datetime

from newsclaims.corpus.byline import split_signature
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
        decoded = decode_bytes(draft.data, draft.given.encoding, html=draft.doc.format == "html")
        draft.data = None  # the bytes are not needed any more
        if isinstance(decoded, DecodeFailure):
            return draft.reject(decoded.reason, decoded.detail)
        draft.doc.text = decoded.text
        draft.doc.encoding, draft.doc.encoding_confidence = decoded.encoding, decoded.confidence
        if decoded.dropped_nuls:
            draft.doc.removed["nul_bytes"] = decoded.dropped_nuls
        if decoded.runner_up:  # a close call: say what nearly won (listed by the build summary)
            draft.doc.removed["encoding_runner_up"] = decoded.runner_up
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
        header, rest = split_header(doc.text, doc.language)
        found = SourceFields()
        if header is not None:
            old, doc.text = doc.text, rest
            doc.removed["header"] = header.text
            if header.start:
                doc.removed["header_start"] = header.start
            cut = len(old) - len(rest)
            # A header after a title line: the html blocks no longer line up, segment again.
            doc.paragraphs = [
                type(p)(max(p.start - cut, 0), p.end - cut, p.kind)
                for p in (doc.paragraphs if not header.start else [])
                if p.end > cut
            ]
            found = SourceFields(
                date=header.date, dateline=header.dateline, source=header.source, authors=header.authors
            )
        signature = split_signature(doc.text)
        if signature is not None:
            text, start, reporters = signature
            doc.removed["signature"] = {"text": text, "start": start}
            doc.text = doc.text[:start].rstrip()
            doc.paragraphs = [p for p in doc.paragraphs if p.start < len(doc.text)]
            doc.paragraphs = [type(p)(p.start, min(p.end, len(doc.text)), p.kind) for p in doc.paragraphs]
            if reporters and not found.authors:
                found = SourceFields(**{**found.__dict__, "authors": tuple(reporters), "origin": {}})
        if header is not None or signature is not None:
            named = ("date", "dateline", "source", "authors")
            found.origin.update({n: "header" for n in named if getattr(found, n)})
            draft.found = draft.found.merged_over(found)
        return draft


class Segment(PipelineStep[Draft]):
    name = "segment"

    def apply(self, draft: Draft) -> Item:
        if not draft.doc.paragraphs:
            draft.doc.paragraphs = segment(draft.doc.text)
        return draft


def _iso_date(value: str | None) -> str | None:
    """YYYY-MM-DD of an ISO 8601 date or datetime (or --MM-DD as such); None when it is not one."""
    if not value:
        return None
    if re.fullmatch(r"--\d{2}-\d{2}", value.strip()):
        return value.strip()
    for parse in (Date.fromisoformat, lambda v: datetime.fromisoformat(v).date()):
        try:
            return parse(value.strip()).isoformat()
        except ValueError:
            pass
    return None


def _source_of(draft: Draft, name: str) -> str | None:
    if getattr(draft.given, name):
        return draft.given_by
    return draft.found.origin.get(name, "html") if getattr(draft.found, name) else None


class ApplyMetadata(PipelineStep[Draft]):
    """Given metadata (sidecar, record) wins over what was found in the page or the text."""

    name = "apply_metadata"

    def apply(self, draft: Draft) -> Item:
        doc, meta = draft.doc, draft.given.merged_over(draft.found)
        doc.source, doc.dateline, doc.url, doc.license = meta.source, meta.dateline, meta.url, meta.license
        doc.authors = list(meta.authors)
        doc.authors_source, doc.source_source = _source_of(draft, "authors"), _source_of(draft, "source")
        for name in ("date", "retrieved"):
            value = getattr(meta, name)
            setattr(doc, name, _iso_date(value))
            if value and getattr(doc, name) is None:
                doc.removed[f"unparsed_{name}"] = value  # kept, but not a date we can read
        if doc.date and doc.date.startswith("--"):  # a day without its year stays partial
            doc.date, doc.date_partial, doc.date_precision = None, doc.date, "month-day"
        elif doc.date:
            doc.date_precision = "day"
        doc.date_source = _source_of(draft, "date") if doc.date or doc.date_partial else None
        if draft.given.title:
            doc.title, doc.title_source = draft.given.title, draft.given_by
        elif draft.found.title:
            doc.title, doc.title_source = draft.found.title, draft.found.origin.get("title", "html")
        else:
            doc.title, doc.title_source = derive_title(doc.text, doc.paragraphs)
        doc.text_sha256 = hashlib.sha256(doc.text.encode("utf-8")).hexdigest()
        return draft


class DetectLanguage(PipelineStep[Draft]):
    name = "detect_language"

    def apply(self, draft: Draft) -> Item:
        doc = draft.doc
        if draft.given.language:
            doc.language, doc.language_source = draft.given.language, draft.given_by
            return draft
        doc.language, doc.language_source = detect_language(doc.text), "detected"
        if doc.language is None and draft.found.language:  # too little text to tell: the page's word
            doc.language, doc.language_source = draft.found.language, draft.found.origin.get("language", "html")
        elif doc.language is None:
            doc.language_source = None
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
        DetectLanguage(),  # before the header: dates in it are read in the article's language
        ExtractHeader(),
        Segment(),
        ApplyMetadata(),
        Sign(config),
    ]
