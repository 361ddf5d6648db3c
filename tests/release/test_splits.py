"""Splits are grouped by story, recorded in each release and carried forward: a story never
straddles two splits, and a document never changes split in a later release."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis_budget import examples

from newsclaims.cli import main
from newsclaims.corpus.document import NearDuplicate
from newsclaims.release.grouping import StoryEvidence, story_components
from newsclaims.release.splits import (
    GroupRecord,
    PriorSplits,
    SplitRecord,
    SplitSpecError,
    assign_splits,
    new_key,
    parse_ratios,
)

from .builders import make_document, write_corpus


def groups_of(docs, evidence=None) -> dict[str, int]:
    return {d: i for i, members in enumerate(story_components(docs, evidence)) for d in members}


def test_same_date_and_dateline_or_near_duplicates_make_one_group(workspace):
    docs = workspace.docs
    groups = groups_of(docs.values())
    # a and b: same day (one with a time) and same dateline (different case); c and d: near duplicates.
    assert groups[docs["a"].id] == groups[docs["b"].id]
    assert groups[docs["c"].id] == groups[docs["d"].id]
    assert groups[docs["a"].id] != groups[docs["c"].id]


def test_documents_without_date_or_dateline_stay_alone():
    docs = [
        make_document("x", "one", date="2025-01-01"),
        make_document("y", "two", date="2025-01-01"),
        make_document("z", "three", dateline="PARIS"),
        make_document("w", "four", dateline="PARIS"),
    ]
    assert len(set(groups_of(docs).values())) == 4


def test_a_named_person_joins_reports_across_datelines_within_the_window():
    x = make_document("x", "one", date="2025-09-23", dateline="ISLAMABAD")
    y = make_document("y", "two", dateline="Islamabad")  # undated, like the second seed article
    w = make_document("w", "three", date="2025-09-25", dateline="MOSCOW")  # 2 days later, elsewhere
    far = make_document("f", "four", date="2025-10-10", dateline="MOSCOW")  # 17 days later
    undated_elsewhere = make_document("u", "five", dateline="KARACHI")
    name = "Albert P. Khorev"
    people = {d.id: {name} for d in (x, w, far, undated_elsewhere)} | {y.id: {"Albert P Khorev"}}
    groups = groups_of([x, y, w, far, undated_elsewhere], StoryEvidence(people=people))
    assert groups[x.id] == groups[y.id] == groups[w.id]
    assert groups[far.id] != groups[x.id]
    assert groups[undated_elsewhere.id] != groups[x.id]
    # A one-word name is too weak a link.
    groups = groups_of([x, w], StoryEvidence(people={x.id: {"Khorev"}, w.id: {"Khorev"}}))
    assert groups[x.id] != groups[w.id]


def test_extra_same_story_pairs_join_groups():
    x, y, z = (make_document(k, k) for k in "xyz")
    groups = groups_of([x, y, z], StoryEvidence(pairs=((x.id, z.id), ("nc-not-in-corpus", y.id))))
    assert groups[x.id] == groups[z.id] != groups[y.id]


@st.composite
def corpora(draw):
    n = draw(st.integers(1, 25))
    docs = [
        make_document(
            f"k{i}",
            f"text {i}",
            date=draw(st.sampled_from([None, "2025-01-01", "2025-01-02"])),
            dateline=draw(st.sampled_from([None, "ROME", "OSLO"])),
        )
        for i in range(n)
    ]
    ids = [d.id for d in docs]
    for d in docs:
        d.near_duplicates = [NearDuplicate(i, 0.9) for i in draw(st.lists(st.sampled_from(ids), max_size=2))]
    ratios = draw(st.sampled_from([(0.8, 0.1, 0.1), (0.34, 0.33, 0.33), (0.0, 0.5, 0.5)]))
    return docs, ratios


@settings(max_examples=examples(60), deadline=None)
@given(corpora())
def test_no_story_spans_two_splits(data):
    docs, ratios = data
    assignments, record = assign_splits(docs, "1.0.0", ratios)
    split_of = {a.doc_id: a.split for a in assignments}
    assert set(split_of) == {d.id for d in docs}
    for d in docs:
        for nd in d.near_duplicates:
            assert split_of[nd.id] == split_of[d.id]
        for e in docs:
            if d.date and d.dateline and (d.date, d.dateline) == (e.date, e.dateline):
                assert split_of[d.id] == split_of[e.id]
    if ratios[0] == 0:
        assert "train" not in split_of.values()
    assert {d for g in record.groups for d in g.documents} == set(split_of)
    assert assign_splits(list(reversed(docs)), "1.0.0", ratios) == (assignments, record)  # order does not matter


def test_ratios_are_met_over_new_groups_as_sizes_allow():
    docs = [make_document(f"s{i}", f"story {i}") for i in range(10)]  # ten one-document stories
    assignments, _ = assign_splits(docs, "1.0.0", (0.8, 0.1, 0.1))
    counts = {s: sum(a.split == s for a in assignments) for s in ("train", "validation", "test")}
    assert counts == {"train": 8, "validation": 1, "test": 1}
    # One story: all of it in train (the largest share), no fallback needed.
    assert {a.split for a in assign_splits(docs[:1], "1.0.0", (0.8, 0.1, 0.1))[0]} == {"train"}
    assert {a.split for a in assign_splits(docs, "1.0.0", (0.0, 0.0, 1.0))[0]} == {"test"}


def test_recorded_groups_keep_split_and_key_when_documents_join():
    old = make_document("zz-old", "old", date="2025-01-01", dateline="ROME")
    prior = PriorSplits()
    prior.add_record("1.0.0", SplitRecord(groups=[GroupRecord("story-kept", "test", [old.id], "1.0.0")]))
    # A new report of that story whose id sorts before the old one, and new stories.
    # (ids are hashes of the key: take the first key whose id sorts before the old one)
    joined = next(
        d
        for d in (make_document(f"new-{i}", "new", date="2025-01-01", dateline="rome") for i in range(100))
        if d.id < old.id
    )
    others = [make_document(f"n{i}", f"n{i}") for i in range(8)]
    assignments, record = assign_splits([old, joined, *others], "1.1.0", (0.8, 0.1, 0.1), prior=prior)
    split_of = {a.doc_id: a for a in assignments}
    assert split_of[old.id].split == split_of[joined.id].split == "test"
    assert split_of[old.id].group == split_of[joined.id].group == "story-kept"
    kept = next(g for g in record.groups if g.key == "story-kept")
    assert kept.since == "1.0.0" and sorted(kept.documents) == sorted([old.id, joined.id])
    assert all(g.since == "1.1.0" for g in record.groups if g.key != "story-kept")
    assert record.carried_from == ["1.0.0"]


def test_evidence_joining_groups_in_two_splits_keeps_them_apart():
    x, y = make_document("x", "x"), make_document("y", "y")
    prior = PriorSplits()
    prior.add_record(
        "1.0.0",
        SplitRecord(
            groups=[GroupRecord("story-x", "train", [x.id], "1.0.0"), GroupRecord("story-y", "test", [y.id], "1.0.0")]
        ),
    )
    assignments, record = assign_splits([x, y], "1.1.0", evidence=StoryEvidence(pairs=((x.id, y.id),)), prior=prior)
    assert {a.doc_id: a.split for a in assignments} == {x.id: "train", y.id: "test"}
    assert record.held_apart == [["story-x", "story-y"]]


def test_a_release_before_split_records_is_carried_forward_from_its_manifest():
    a, b = make_document("a", "a"), make_document("b", "b")
    prior = PriorSplits()
    prior.add_legacy("0.2.0", {"validation": [a.id, b.id]})
    assignments, record = assign_splits([a, b], "0.3.0", prior=prior)
    assert {x.split for x in assignments} == {"validation"}
    # No evidence joins them: two groups, each keyed by its own (recorded) document.
    assert sorted(g.key for g in record.groups) == sorted([new_key([a.id]), new_key([b.id])])
    assert {g.since for g in record.groups} == {"0.2.0"}


@pytest.mark.parametrize("spec", ["0.8,0.1", "0.5,0.5,0.5", "a,b,c", "-0.1,0.6,0.5"])
def test_bad_ratio_specs_are_refused(spec):
    with pytest.raises(SplitSpecError):
        parse_ratios(spec)


def _release(workspace, version, *extra):
    args = ["release", "--version", version, *workspace.cli_inputs(), "--releases-dir", str(workspace.releases_dir)]
    assert main([*args, "--splits", "0.34,0.33,0.33", *extra]) == 0


def _split_of(release_dir) -> dict[str, str]:
    import pyarrow.parquet as pq

    return {
        doc_id: p.name.split("-")[0]
        for p in sorted((release_dir / "documents").glob("*.parquet"))
        for doc_id in pq.read_table(p, columns=["id"]).column("id").to_pylist()
    }


def test_releasing_a_grown_corpus_moves_no_earlier_document(workspace):
    """A new corpus version adds stories and reports (the annotated documents unchanged, so the same
    snapshot applies); the new release beside the old one keeps every earlier document's split."""
    _release(workspace, "1.0.0")
    before = _split_of(workspace.releases_dir / "1.0.0")
    a = workspace.docs["a"]
    added = [make_document(f"new-{i}", f"Story {i}.", date="2025-11-0" + str(i % 9 + 1)) for i in range(12)]
    # Another report of A's story under A's date and dateline: it joins A's group whatever its id.
    added.append(make_document("new-report", "Khorev again.", date="2025-09-23", dateline="ISLAMABAD"))
    write_corpus(workspace.versions_dir, [*workspace.docs.values(), *added], version="v2")
    _release(workspace, "1.1.0", "--corpus-version", "v2")
    after = _split_of(workspace.releases_dir / "1.1.0")
    assert {d: after[d] for d in before} == before
    record = json.loads((workspace.releases_dir / "1.1.0" / "splits.json").read_text())
    for g in record["groups"]:
        assert len({after[d] for d in g["documents"]}) == 1
    report = next(g for g in record["groups"] if added[-1].id in g["documents"])
    assert a.id in report["documents"] and report["since"] == "1.0.0"
    assert record["carried_from"] == ["1.0.0"]
    # The new stories are spread over the splits; the old ones were not re-drawn.
    assert {after[d.id] for d in added[:-1]} == {"train", "validation", "test"}


def test_same_story_evidence_in_the_inputs_joins_groups_in_a_release(workspace):
    from dataclasses import replace

    from newsclaims.release.content import compute_release
    from newsclaims.release.inputs import resolve_inputs

    docs = workspace.docs
    inputs = resolve_inputs(workspace.versions_dir, workspace.exports_dir, workspace.taxonomy_file)
    alone = compute_release(inputs, "1.0.0")
    group = {a.doc_id: a.group for a in alone.splits}
    assert group[docs["a"].id] != group[docs["c"].id]
    linked = compute_release(replace(inputs, same_story=((docs["a"].id, docs["c"].id),)), "1.0.0")
    group = {a.doc_id: a.group for a in linked.splits}
    assert group[docs["a"].id] == group[docs["c"].id] == group[docs["b"].id] == group[docs["d"].id]
    assert linked.stats.story_groups == alone.stats.story_groups - 1
