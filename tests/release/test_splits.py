"""Splits are deterministic and grouped: reports of one story never land in two splits."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis_budget import examples

from newsclaims.cli import main
from newsclaims.corpus.document import NearDuplicate
from newsclaims.release.splits import SplitSpecError, assign_splits, parse_ratios, story_groups

from .builders import make_document


def test_same_date_and_dateline_or_near_duplicates_make_one_group(workspace):
    docs = workspace.docs
    groups = story_groups(docs.values())
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
    assert len(set(story_groups(docs).values())) == 4


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
    assignments = assign_splits(docs, ratios)
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
    else:
        assert "train" in split_of.values()  # never a release without train
    assert assign_splits(list(reversed(docs)), ratios) == assignments  # order does not matter


def test_ratios_send_everything_where_asked(workspace):
    docs = list(workspace.docs.values())
    assert {a.split for a in assign_splits(docs, (1.0, 0.0, 0.0))} == {"train"}
    assert {a.split for a in assign_splits(docs, (0.0, 0.0, 1.0))} == {"test"}


@pytest.mark.parametrize("spec", ["0.8,0.1", "0.5,0.5,0.5", "a,b,c", "-0.1,0.6,0.5"])
def test_bad_ratio_specs_are_refused(spec):
    with pytest.raises(SplitSpecError):
        parse_ratios(spec)


def test_release_splits_share_no_story_and_omit_empty_splits(workspace, hf_cache):
    import datasets

    assert (
        main(
            [
                "release",
                "--version",
                "1.0.0",
                *workspace.cli_inputs(),
                "--releases-dir",
                str(workspace.releases_dir),
                "--splits",
                "0.34,0.33,0.33",
            ]
        )
        == 0
    )
    release = workspace.releases_dir / "1.0.0"
    manifest = json.loads((release / "manifest.json").read_text())
    groups = story_groups(workspace.docs.values())
    ds = datasets.load_dataset(str(release), "documents", cache_dir=str(hf_cache))
    split_of = {r["id"]: split for split in ds for r in ds[split]}
    assert len(split_of) == len(workspace.docs)
    for doc_id, split in split_of.items():
        same_story = [d for d, g in groups.items() if g == groups[doc_id]]
        assert {split_of[d] for d in same_story} == {split}
    assert set(ds) == set(manifest["split_assignment"])  # splits present are exactly the non-empty ones
    for split in ("train", "validation", "test"):
        assert (release / "documents" / f"{split}-00000-of-00001.parquet").exists() == (split in ds)


def test_same_dateline_and_named_person_join_when_dates_do_not_conflict():
    # Like the seed: one report dated, the other undated; both from ISLAMABAD, both naming the envoy.
    x = make_document("x", "one", date="2025-09-23", dateline="ISLAMABAD")
    y = make_document("y", "two", dateline="Islamabad")
    z = make_document("z", "three", date="2025-10-01", dateline="ISLAMABAD")
    w = make_document("w", "four", date="2025-09-23", dateline="KARACHI")
    people = {
        x.id: {"Albert P. Khorev"},
        y.id: {"Albert P Khorev"},
        z.id: {"Albert P. Khorev"},
        w.id: {"Albert P. Khorev"},
    }
    groups = story_groups([x, y, z, w], people)
    assert groups[x.id] == groups[y.id]
    assert groups[z.id] == groups[y.id]  # z's date does not conflict with undated y: joined through y
    assert groups[w.id] != groups[x.id]  # another city: another event
    # A one-word name is too weak a link.
    groups = story_groups([x, y], {x.id: {"Khorev"}, y.id: {"Khorev"}})
    assert groups[x.id] != groups[y.id]
