"""Document.to_dict is built by hand (issue 5: asdict was a tenth of a build); it must stay
exactly what dataclasses.asdict returns, key order included (it decides the JSON lines)."""

from __future__ import annotations

import json
from dataclasses import asdict

from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis_budget import examples

from newsclaims.corpus.document import Document, NearDuplicate, Paragraph

_TEXT = st.text(max_size=20)
_OPTIONAL = st.none() | _TEXT
_DOCUMENTS = st.builds(
    Document,
    id=_TEXT,
    text=_TEXT,
    raw_path=_TEXT,
    raw_sha256=_TEXT,
    text_sha256=_TEXT,
    title=_OPTIONAL,
    title_source=_OPTIONAL,
    source=_OPTIONAL,
    date=_OPTIONAL,
    dateline=_OPTIONAL,
    language=_OPTIONAL,
    url=_OPTIONAL,
    license=_OPTIONAL,
    retrieved=_OPTIONAL,
    format=_TEXT,
    paragraphs=st.lists(st.builds(Paragraph, st.integers(0, 99), st.integers(0, 99), _TEXT), max_size=4),
    near_duplicates=st.lists(st.builds(NearDuplicate, _TEXT, st.floats(0, 1)), max_size=3),
    removed=st.dictionaries(_TEXT, _TEXT | st.lists(st.integers(), max_size=3), max_size=3),
)


@settings(max_examples=examples(300), deadline=None)
@given(_DOCUMENTS)
def test_to_dict_is_asdict(doc):
    ours, expected = doc.to_dict(), asdict(doc)
    assert ours == expected
    assert list(ours) == list(expected)
    assert json.dumps(ours) == json.dumps(expected)
    assert Document.from_dict(ours) == doc


def test_to_dict_does_not_share_mutable_values():
    doc = Document("nc-0000000000000000", "t", "a.txt", "0" * 64, removed={"list": [1, 2]})
    d = doc.to_dict()
    d["removed"]["list"].append(3)
    d["paragraphs"].append({"start": 0, "end": 1, "kind": "paragraph"})
    assert doc.removed == {"list": [1, 2]} and doc.paragraphs == []
