"""`newsclaims validate` reports every broken record at once, as a table, and exits non-zero."""

from __future__ import annotations

from dataclasses import replace

import pytest

from newsclaims.annotation.records import ClaimRecord, SpanRecord
from newsclaims.cli import main

from .builders import claim, make_workspace, record, sample_documents, sample_records, span


def test_valid_inputs_pass(workspace, capsys):
    assert main(["validate", *workspace.cli_inputs()]) == 0
    assert "valid" in capsys.readouterr().out


def _bad_records(docs):
    """(records, expected failures as (doc_id, annotator, field, words in the reason))."""
    a, b, c = docs["a"], docs["b"], docs["c"]
    n = len(a.text)
    person = span(a, "Albert Khorev", "PERSON", "p1")
    date = span(a, "Tuesday", "DATE", "d1")
    good_claim = claim(a, "Russia exchanged over 1,000 prisoners", "c1", "quantity")
    cases = [
        (SpanRecord("oob", n - 3, n + 5, "DATE", a.text[n - 3 :]), "entities[oob]", "offset out of range"),
        (SpanRecord("neg", -1, 4, "DATE", "ISLA"), "entities[neg].start", "offset out of range"),
        (replace(span(a, "Tuesday", "DATE", "tm"), text="Wednesday"), "entities[tm]", "text mismatch"),
        (span(a, "Russia", "WEAPON", "ul"), "entities[ul].label", "unknown label 'WEAPON'"),
        (SpanRecord("rev", 20, 10, "GPE", ""), "entities[rev]", "end 10 <= start 20"),
    ]
    records, expected = [], []
    for i, (bad, field, reason) in enumerate(cases):
        who = f"annotator-{i + 1}"
        records.append(record(a, who, 100 + i, entities=[bad]))
        expected.append((a.id, who, field, reason))

    # Claims: an unknown attribute value, a missing attribute.
    records.append(
        record(
            b,
            "annotator-1",
            200,
            claims=[
                claim(b, "Kiev violated the Easter ceasefire", "u1", claim_type="rumour"),
                claim(b, "122 people were injured", "m1", checkworthy=None),
            ],
        )
    )
    expected += [
        (b.id, "annotator-1", "claims[u1].claim_type", "unknown"),
        (b.id, "annotator-1", "claims[m1].checkworthy", "missing value"),
    ]
    # said_by: to a missing span, to a DATE span, from a non-claim.
    records.append(
        record(
            a,
            "annotator-9",
            300,
            entities=[person, date],
            claims=[good_claim],
            said_by=[("c1", "ghost"), ("c1", "d1"), ("p1", "p1")],
        )
    )
    expected += [
        (a.id, "annotator-9", "said_by[c1->ghost]", "does not exist"),
        (a.id, "annotator-9", "said_by[c1->d1]", "to a DATE region"),
        (a.id, "annotator-9", "said_by[p1->p1]", "from a PERSON region"),
    ]
    # Duplicate spans: the same offsets and label twice (under two region ids), and a duplicate claim.
    dup_claim = ClaimRecord(
        "c2",
        good_claim.start,
        good_claim.end,
        good_claim.text,
        {"claim_type": "quantity", "checkworthy": "yes", "attribution": "author"},
    )
    records.append(
        record(
            c,
            "annotator-1",
            400,
            entities=[span(c, "Bank of England", "ORG", "x1"), span(c, "Bank of England", "ORG", "x2")],
            claims=[claim(c, "raised rates", "y1"), replace(claim(c, "raised rates", "y2"))],
        )
    )
    expected += [
        (c.id, "annotator-1", "entities[x2]", "duplicate span"),
        (c.id, "annotator-1", "claims[y2]", "duplicate span"),
    ]
    assert dup_claim.start == good_claim.start
    # Drift: the annotated text is not the corpus text; and a document the corpus does not have.
    records.append(replace(record(b, "annotator-2", 500), text_sha256="0" * 64))
    expected.append((b.id, "annotator-2", "text_sha256", "differs from the corpus"))
    records.append(replace(record(b, "annotator-3", 501), doc_id="nc-00000000000000ff"))
    expected.append(("nc-00000000000000ff", "annotator-3", "doc_in_corpus", "not in the corpus version"))
    return records, expected


def test_every_kind_of_broken_record_is_reported_at_once(tmp_path, capsys):
    docs = sample_documents()
    records, expected = _bad_records(docs)
    ws = make_workspace(tmp_path / "bad", docs, records)

    assert main(["validate", *ws.cli_inputs()]) == 1
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert lines[0].split() == ["doc_id", "annotator", "field", "reason"]
    rows = lines[2:]
    for doc_id, annotator, field, reason in expected:
        matching = [r for r in rows if r.split()[:3] == [doc_id, annotator, field]]
        assert matching, f"no failure reported for {doc_id} {annotator} {field}:\n{out}"
        assert any(reason in r for r in matching), f"{field}: expected {reason!r} in {matching}"
    assert len(rows) == len(expected), out  # every problem once, nothing spurious
    assert f"{len(expected)} problem(s)" in err
    assert "Traceback" not in out + err


def test_release_refuses_invalid_annotations_and_writes_nothing(tmp_path, capsys):
    docs = sample_documents()
    records = sample_records(docs)
    records[0] = replace(records[0], entities=[replace(records[0].entities[0], label="WEAPON")])
    ws = make_workspace(tmp_path / "bad", docs, records)
    code = main(["release", "--version", "0.1.0", *ws.cli_inputs(), "--releases-dir", str(ws.releases_dir)])
    assert code == 1
    err = capsys.readouterr().err
    assert "unknown label 'WEAPON'" in err and "validation failed" in err
    assert not ws.releases_dir.exists() or not any(ws.releases_dir.iterdir())


@pytest.mark.parametrize(
    "field,value,reason",
    [
        ("id", "doc-1", "is not nc- + 16 hex digits"),
        ("text_sha256", "f" * 64, "text_sha256 does not match the text"),
    ],
)
def test_corpus_documents_are_validated_too(tmp_path, capsys, field, value, reason):
    docs = sample_documents()
    docs["d"] = replace(docs["d"], **{field: value})
    ws = make_workspace(tmp_path / "ws", docs, sample_records(docs))
    assert main(["validate", *ws.cli_inputs()]) == 1
    out = capsys.readouterr().out
    assert reason in out
