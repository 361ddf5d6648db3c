"""pseudonymize: every annotator identity in a raw export becomes a stable annotator-N."""

from __future__ import annotations

import copy
import json

from newsclaims.annotation.pseudonymize import PseudonymRegistry, find_emails, open_registry, pseudonymize_export

USERS = {1: "admin@example.com", 5: "alice.smith@example.org", 9: "bob@uni.example.edu"}


def raw_export():
    """The shapes Label Studio uses for people: ids, user objects, 'email, id', emails in strings."""
    return [
        {
            "id": 2,
            "data": {"text": "Article text quoting press@agency.example for context.", "doc_id": "nc-2"},
            "annotations": [
                {
                    "id": 30,
                    "completed_by": {
                        "id": 9,
                        "email": "bob@uni.example.edu",
                        "first_name": "Bob",
                        "last_name": "Jones",
                    },
                    "created_username": "bob@uni.example.edu, 9",
                    "updated_by": 1,
                    "result": [],
                    "last_action": "submitted",
                    "was_cancelled": False,
                },
            ],
            "drafts": [
                {
                    "id": 4,
                    "user": "alice.smith@example.org",
                    "created_username": "alice.smith@example.org, 5",
                    "result": [],
                }
            ],
            "predictions": [],
            "comment_authors": [{"id": 1, "email": "admin@example.com", "first_name": "Ad", "last_name": "Min"}],
            "updated_by": 1,
        },
        {
            "id": 1,
            "data": {"text": "Another article.", "doc_id": "nc-1"},
            "annotations": [
                {
                    "id": 10,
                    "completed_by": 5,
                    "updated_by": 5,
                    "result": [
                        {
                            "id": "r1",
                            "from_name": "entities",
                            "type": "labels",
                            "value": {"start": 0, "end": 7, "text": "Another", "labels": ["ORG"]},
                            "meta": {"note": "asked carol@example.net about this"},
                        }
                    ],
                    "was_cancelled": False,
                },
                {"id": 11, "completed_by": 9, "result": [], "was_cancelled": True},
            ],
            "drafts": [],
            "predictions": [],
            "updated_by": 5,
        },
    ]


def outside_data(tasks):
    return json.dumps([{k: v for k, v in t.items() if k != "data"} for t in tasks], ensure_ascii=False)


def test_all_identities_replaced_and_annotators_numbered_first(tmp_path):
    raw = raw_export()
    before = copy.deepcopy(raw)
    reg = PseudonymRegistry(tmp_path / "p.json")
    out = pseudonymize_export(raw, reg, USERS)
    assert raw == before  # input not mutated
    dumped = outside_data(out)
    assert find_emails(dumped) == []
    for name in ("Bob", "Jones", "Min", "alice", "smith"):
        assert name not in dumped
    by_id = {t["id"]: t for t in out}
    # tasks sorted by id; annotators numbered in order of their first annotation (task 1 ann 10 = alice)
    assert [t["id"] for t in out] == [1, 2]
    assert by_id[1]["annotations"][0]["completed_by"] == "annotator-1"  # alice (5)
    assert by_id[1]["annotations"][1]["completed_by"] == "annotator-2"  # bob (9), cancelled but still a person
    assert by_id[2]["annotations"][0]["completed_by"] == "annotator-2"  # bob as a user object
    assert by_id[2]["annotations"][0]["created_username"] == "annotator-2"
    assert by_id[2]["drafts"][0]["user"] == "annotator-1"  # alice by email
    assert by_id[2]["drafts"][0]["created_username"] == "annotator-1"
    note = by_id[1]["annotations"][0]["result"][0]["meta"]["note"]
    assert note == "asked annotator-3 about this"  # an unknown email still gets a pseudonym
    assert by_id[2]["updated_by"] == "annotator-4"  # the admin, not an annotator, comes after them
    assert by_id[2]["comment_authors"] == ["annotator-4"]
    # the document text is corpus content, not personal data: left as pushed
    assert by_id[2]["data"] == raw[0]["data"]


def test_pseudonyms_are_stable_across_pulls_and_new_users_get_the_next_number(tmp_path):
    path = tmp_path / ".labelstudio" / "pseudonyms.json"
    with open_registry(path) as reg:
        first = pseudonymize_export(raw_export(), reg, USERS)
    stored = path.read_text()
    assert find_emails(stored) == [] and "alice" not in stored  # keyed by salted hashes only
    later = raw_export()
    later[1]["annotations"].insert(0, {"id": 9, "completed_by": 77, "result": [], "was_cancelled": False})
    with open_registry(path) as reg:
        second = pseudonymize_export(later, reg, {**USERS, 77: "dora@example.com"})
    assert second[0]["annotations"][1]["completed_by"] == first[0]["annotations"][0]["completed_by"] == "annotator-1"
    assert (
        second[0]["annotations"][0]["completed_by"] == "annotator-5"
    )  # 1-4: alice, bob, carol, admin  # new person: next free number
    # same person on a reinstalled server (new user id, same email) keeps their pseudonym
    moved = raw_export()
    moved[1]["annotations"][0]["completed_by"] = 123  # raw_export()[1] is task 1
    with open_registry(path) as reg:
        third = pseudonymize_export(moved, reg, {123: "Alice.Smith@example.org", 9: USERS[9], 1: USERS[1]})
    assert third[0]["annotations"][0]["completed_by"] == "annotator-1"


def test_a_different_salt_gives_unlinkable_keys(tmp_path):
    a, b = PseudonymRegistry(tmp_path / "a.json"), PseudonymRegistry(tmp_path / "b.json")
    a.pseudonym(user_id=1, email="x@example.com")
    b.pseudonym(user_id=1, email="x@example.com")
    assert set(a.pseudonyms) != set(b.pseudonyms)
