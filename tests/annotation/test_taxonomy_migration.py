"""Taxonomy v1 -> v2: the committed seed snapshot migrated by schemas/migrations/v1_to_v2.yaml.

Expected figures come from the data, not from the migration code: the v1 parent snapshot's own
claims (86), their checkworthy values (v1 "no" leaves verifiable unknown), and the audit of
issue 13, which counted 7 claim spans that open a quotation mark without closing it and 9 that
start with the reporting verb. The checks on the newest snapshot are the span rules of
annotation/GUIDELINES.md §7.3.
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest
import yaml

from newsclaims.annotation import span_rules
from newsclaims.annotation.migrate import MIGRATION_FILE
from newsclaims.annotation.migrate_taxonomy import AlreadyMigratedError, migrate_snapshot_taxonomy
from newsclaims.annotation.seed_file import load_seed_file, resolve_document
from newsclaims.annotation.snapshots import load_annotations, load_snapshot_meta
from newsclaims.corpus.versions import load_documents
from newsclaims.schemas.migrations import load_migration, migration_to_current, taxonomy_by_sha256
from newsclaims.schemas.taxonomy import TaxonomyError, load_taxonomy

REPO = Path(__file__).resolve().parents[2]
EXPORTS = REPO / "annotation" / "exports"
V1_SNAPSHOT = "newsclaims-seed-5d3424400ad6"  # the seed on corpus v2, under taxonomy v1
MIGRATED_SNAPSHOT = "newsclaims-seed-8b7dd6133cd7"  # ... migrated to taxonomy v2
ROUND_SNAPSHOT = "newsclaims-seed-v2-cc99a82501f0"  # the second round, adjudicated (release 0.4.0)
SEED = REPO / "annotation" / "seed"
MAPPING = yaml.safe_load((REPO / "schemas" / "migrations" / "v1_to_v2.yaml").read_text(encoding="utf-8"))


def _newest_claims():
    return [c for r in load_annotations(exports_dir=EXPORTS) for c in r.claims]


def test_newest_snapshot_claims_balance_their_quotation_marks():
    claims = _newest_claims()
    assert claims
    assert [c.text for c in claims if not span_rules.quotes_balanced(c.text)] == []


def test_no_claim_of_the_newest_snapshot_starts_with_a_reporting_verb():
    claims = _newest_claims()
    assert claims
    assert [c.text for c in claims if span_rules.reporting_verb(c.text)] == []


@pytest.mark.parametrize(
    ("span", "balanced"),
    [
        ("most countries oppose the “glorification of Nazism", False),
        ("most countries oppose the “glorification of Nazism.”", True),
        ("exaggerated” and said", False),
        ('The myth of "mass abduction" has been debunked', True),
        ('The myth of "mass abduction has been debunked', False),
        ("Kiev’s refusal", True),  # an apostrophe is not a quotation mark
    ],
)
def test_quotes_balanced(span, balanced):
    assert span_rules.quotes_balanced(span) is balanced


@pytest.mark.parametrize(
    ("span", "verb"),
    [
        ("accused Kiev of carrying out attacks", "accused"),
        ("He said that the deficit doubled", "he said"),
        ("Calls for a full ceasefire sound hollow", None),  # a plural noun, not the verb
        ("Thanks to the rain, the harvest grew", None),
        ("State media reported the strike", None),
        ("the deficit doubled", None),
    ],
)
def test_reporting_verb(span, verb):
    assert span_rules.reporting_verb(span) == verb


def test_boundary_fixes():
    text = "He said that the deficit doubled. She called the figures “exaggerated.” Then she left."
    start = text.index("said")
    assert text[span_rules.drop_reporting_verb(text, start, text.index(".")) : text.index(".")] == "the deficit doubled"
    s, e = text.index("called"), text.index("exaggerated") + len("exaggerated")
    s = span_rules.drop_reporting_verb(text, s, e)
    fixed = span_rules.fix_quotes(text, s, e)
    assert fixed is not None and text[fixed[0] : fixed[1]] == "the figures “exaggerated.”"
    # An opening mark whose closing one is words away: no edge move, so None (listed, not guessed).
    text = "the “glorification of Nazism and racism” continues"
    assert span_rules.fix_quotes(text, 0, text.index(" and")) is None


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    exports = tmp_path_factory.mktemp("exports")
    shutil.copytree(EXPORTS / V1_SNAPSHOT, exports / V1_SNAPSHOT)
    (exports / "LATEST").write_text(V1_SNAPSHOT + "\n", encoding="utf-8")
    result = migrate_snapshot_taxonomy(V1_SNAPSHOT, exports_dir=exports)
    rows = [json.loads(line) for line in (result.snapshot.path / MIGRATION_FILE).read_text().splitlines()]
    return exports, result, rows


def test_migration_of_the_committed_snapshot_loses_nothing_unlisted(migrated):
    exports, result, rows = migrated
    parent = load_annotations(V1_SNAPSHOT, exports)
    old = {(r.annotation_id, c.id): c for r in parent for c in r.claims}
    new = {(r.annotation_id, c.id): c for r in load_annotations(result.snapshot.snapshot_id, exports) for c in r.claims}
    assert len(old) == 86 and set(new) == set(old)
    claim_rows = {(r["annotation_id"], r["region_id"]): r for r in rows if r["kind"] == "claim"}
    assert set(claim_rows) == set(old)  # every claim reported, once
    by_mapping = Counter(r["mapping"] for r in claim_rows.values())
    assert sum(by_mapping.values()) == len(old) and set(by_mapping) <= {"exact", "lossy", "listed"}
    counts = load_snapshot_meta(result.snapshot.snapshot_id, exports).counts
    assert counts["claims"] == len(old)
    assert counts["claims_exact"] + counts["claims_lossy"] + counts["claims_listed"] == len(old)
    assert (counts["claims_exact"], counts["claims_lossy"], counts["claims_listed"]) == (
        by_mapping["exact"],
        by_mapping["lossy"],
        by_mapping["listed"],
    )

    values = MAPPING["claim_attributes"]
    verifiable = MAPPING["derived"]["verifiable"]
    for key, c in old.items():
        got, row = new[key].attributes, claim_rows[key]
        for name, table in values.items():  # each kept attribute follows the value table
            assert got[name] == table[c.attributes[name]]["to"], (key, name)
        assert got["verifiable"] == verifiable[c.attributes["checkworthy"]]["to"]
        if got["verifiable"] is None:  # unknown is listed, never guessed
            assert row["mapping"] == "listed"
        lossy = any(table[c.attributes[n]]["mapping"] == "lossy" for n, table in values.items())
        if row["mapping"] == "exact":  # of the values; a boundary fix is recorded beside it
            assert not lossy and not row["listed"]
        if new[key].text != c.text:
            assert row["span_fixes"] and row["old_text"] == c.text and row["new_text"] == new[key].text
    unknown = sum(c.attributes["checkworthy"] == "no" for c in old.values())
    verbs = [c for c in old.values() if span_rules.reporting_verb(c.text)]
    quotes = [c for c in old.values() if not span_rules.quotes_balanced(c.text)]
    assert (len(quotes), len(verbs)) == (7, 9)  # the audit's figures
    listed = {k for k, c in old.items() if c.attributes["checkworthy"] == "no" or span_rules.reporting_verb(c.text)}
    assert {k for k, r in claim_rows.items() if r["mapping"] == "listed"} == listed
    assert by_mapping["listed"] >= unknown
    assert counts["claim_spans_fixed"] == len({c.id for c in verbs + quotes})

    entities = [r for r in rows if r["kind"] == "entity"]
    assert len(entities) == sum(len(r.entities) for r in parent) == 220
    assert {r["text"] for r in entities if r["mapping"] == "listed"} == {
        s.text for r in parent for s in r.entities if MAPPING["entities"][s.label]["mapping"] == "review"
    }


def test_migration_is_byte_identical_on_rerun_and_matches_the_committed_snapshot(migrated, tmp_path):
    exports, result, _ = migrated
    again = tmp_path / "exports"
    shutil.copytree(EXPORTS / V1_SNAPSHOT, again / V1_SNAPSHOT)
    second = migrate_snapshot_taxonomy(V1_SNAPSHOT, exports_dir=again)
    assert second.snapshot.snapshot_id == result.snapshot.snapshot_id

    def files(d):
        return {p.name: p.read_bytes() for p in sorted(d.iterdir())}

    assert files(second.snapshot.path) == files(result.snapshot.path)
    committed = EXPORTS / result.snapshot.snapshot_id
    assert committed.is_dir() and files(committed) == files(result.snapshot.path)
    assert not migrate_snapshot_taxonomy(V1_SNAPSHOT, exports_dir=again).snapshot.written
    with pytest.raises(AlreadyMigratedError):
        migrate_snapshot_taxonomy(result.snapshot.snapshot_id, exports_dir=again)


def _same_as_seed_file(seed_file: Path, records: dict) -> None:
    tax = load_taxonomy()
    seed = load_seed_file(seed_file)
    docs = {d.raw_path: d for d in load_documents("v2", REPO / "corpus" / "versions")}
    assert len(seed.documents) == len(records) == 2
    for sd in seed.documents:
        doc = docs[sd.key]
        resolved = resolve_document(sd, doc.text, tax)
        assert resolved.problems == []
        rec = records[doc.id]
        assert sorted((c.id, c.start, c.end, tuple(sorted(c.attributes.items()))) for c in resolved.claims) == sorted(
            (c.id, c.start, c.end, tuple(sorted(c.attributes.items()))) for c in rec.claims
        )
        assert sorted((e.start, e.end, e.label) for e in resolved.entities) == sorted(
            (e.start, e.end, e.label) for e in rec.entities
        )


def test_the_seed_file_is_the_migrated_snapshot():
    """annotation/seed/seed_annotations.yaml (migrated the same way) resolves to the migrated records."""
    records = {r.doc_id: r for r in load_annotations(MIGRATED_SNAPSHOT, EXPORTS)}
    _same_as_seed_file(SEED / "seed_annotations.yaml", records)


@pytest.mark.parametrize(
    ("seed_file", "ground_truth"),
    [("seed_annotations.yaml", False), ("second_annotation.yaml", False), ("adjudicated_annotation.yaml", True)],
)
def test_each_annotator_of_the_second_round_is_one_seed_file(seed_file, ground_truth):
    """What Label Studio returned for each account is exactly the file entered for it, and only
    the adjudicator's annotations are ground truth."""
    by_annotator: dict[str, dict] = {}
    for r in load_annotations(ROUND_SNAPSHOT, EXPORTS):
        by_annotator.setdefault(r.annotator, {})[r.doc_id] = r
    assert len(by_annotator) == 3
    matching = []
    for name, records in by_annotator.items():
        try:
            _same_as_seed_file(SEED / seed_file, records)
        except AssertionError:
            continue
        matching.append(name)
        assert {r.ground_truth for r in records.values()} == {ground_truth}
    assert len(matching) == 1, matching


def test_mapping_file_is_checked_against_both_taxonomies(tmp_path):
    m = migration_to_current(1)
    assert (m.old.version, m.new.version) == (1, 2)
    assert taxonomy_by_sha256(load_snapshot_meta(V1_SNAPSHOT, EXPORTS).taxonomy_sha256).version == 1
    broken = dict(MAPPING)
    broken["claim_attributes"] = {
        **MAPPING["claim_attributes"],
        "claim_type": {"quantity": MAPPING["claim_attributes"]["claim_type"]["quantity"]},
    }
    path = tmp_path / "v1_to_v2.yaml"
    path.write_text(yaml.safe_dump(broken), encoding="utf-8")
    with pytest.raises(TaxonomyError, match="unmapped"):
        load_migration(path, m.old, m.new)
