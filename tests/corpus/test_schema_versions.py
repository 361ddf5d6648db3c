"""The pandera document schema, and reading versions back."""

import hashlib

import pytest

from newsclaims.corpus.build import build_corpus
from newsclaims.corpus.document import Document, Paragraph
from newsclaims.corpus.document_schema import invalid_rows
from newsclaims.corpus.errors import VersionNotFoundError
from newsclaims.corpus.versions import latest_version, list_versions, load_documents, next_version


def _doc(**changes) -> Document:
    text = "A valid document.\nSecond line."
    fields = dict(
        id="nc-0123456789abcdef",
        text=text,
        raw_path="a.txt",
        raw_sha256="0" * 64,
        text_sha256=hashlib.sha256(text.encode()).hexdigest(),
        language="en",
        date="2025-09-23",
        paragraphs=[Paragraph(0, 17), Paragraph(18, 30)],
    )
    fields.update(changes)
    return Document(**fields)


def test_a_valid_document_passes():
    assert invalid_rows([_doc()]) == {}


@pytest.mark.parametrize(
    "changes",
    [
        {"id": "doc-1"},
        {"text_sha256": "f" * 64},
        {"date": "23rd Sep, 2025"},
        {"language": "english"},
        {"format": "pdf"},
        {"paragraphs": [Paragraph(0, 99)]},
        {"paragraphs": [Paragraph(18, 30), Paragraph(0, 17)]},
        {"paragraphs": [Paragraph(0, 17, "table")]},
        {"paragraphs": []},
        {"title_source": "guess"},
    ],
)
def test_invalid_documents_are_caught_and_only_they(changes):
    docs = [_doc(id="nc-aaaaaaaaaaaaaaaa"), _doc(**changes)]
    failures = invalid_rows(docs)
    assert list(failures) == [1], failures


def test_versions_are_listed_loaded_and_numbered(raw_dir, out_dir):
    assert latest_version(out_dir) is None and next_version(out_dir) == "v1"
    build_corpus(raw_dir, out_dir)
    (out_dir / ".v2.partial-abc").mkdir()  # a killed build's leftover is not a version
    assert list_versions(out_dir) == ["v1"] and latest_version(out_dir) == "v1" and next_version(out_dir) == "v2"
    docs = list(load_documents("v1", out_dir))
    assert [d.id for d in docs] == sorted(d.id for d in docs) and len(docs) == 2
    assert all(isinstance(d.paragraphs[0], Paragraph) for d in docs)
    (out_dir / "LATEST").unlink()
    assert latest_version(out_dir) == "v1"  # falls back to the highest vN
    with pytest.raises(VersionNotFoundError, match="v9"):
        list(load_documents("v9", out_dir))
