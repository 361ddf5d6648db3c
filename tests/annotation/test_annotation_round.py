"""A whole annotation round through Label Studio's UI in headless Chromium, as a team runs it.

The maintainer builds a corpus (an article with emoji before its spans, and one of more than
30,000 characters whose spans are at its end) and runs the README's "Running an annotation
round" commands, as written, in a scratch checkout (NEWSCLAIMS_ROOT). Two annotators sign up
through the invite link and work through the label stream: an entity, a CLAIM with its three
attributes, a `said_by` relation drawn from the claim to its speaker, Submit. The second one
disagrees on purpose (another boundary for one claim, another claim_type for the other). Status,
pull, conflicts and a release follow; an adjudicator fixes one annotation in the UI and marks
it ground truth; the next release takes it as gold and `load_dataset` reads it back.

Agreement figures are worked out by hand from what the two annotators did (see EXPECTED_*).
Screenshots of every step go to test-artifacts/round-*.png.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import ls_ui
import pytest
from playwright.sync_api import expect, sync_playwright

from newsclaims.annotation.pseudonymize import find_emails
from newsclaims.corpus.versions import latest_version, load_documents

expect.set_options(timeout=60_000)  # a loaded 2-core machine: wait for states, generously

REPO = Path(__file__).resolve().parents[2]
NEWSCLAIMS = Path(sys.executable).parent / "newsclaims"
ARTIFACTS = REPO / "test-artifacts"
PROJECT = "newsclaims"  # the README's commands use the default project

EMOJI_BODY = (
    "😀 Peace talks. Ambassador Albert Khorev said on Tuesday that Russia is making real progress toward "
    "achieving peace in Ukraine. Calls for a full ceasefire sound hollow, he told reporters."
)
EMOJI_RAW = "ISLAMABAD — " + EMOJI_BODY + "\n"
TOPICS = ("budget", "transport", "housing", "library", "harbour", "school", "water", "park")
SIDES = ("northern", "southern", "eastern", "western")
FILLER = [
    f"The council reviewed the {TOPICS[i % 8]} report and discussed repairs in the {SIDES[i // 8 % 4]} "
    f"district of the old town, as residents had asked."
    for i in range(270)
]
LONG_LAST = "Mayor Maria Lopez said the city hired more nurses than any other city in the region."
LONG_RAW = "\n\n".join([*FILLER, LONG_LAST]) + "\n"

KHOREV, LOPEZ = "Albert Khorev", "Maria Lopez"
EMOJI_CLAIM_A = "Russia is making real progress toward achieving peace in Ukraine"
EMOJI_CLAIM_B = "real progress toward achieving peace in Ukraine"  # annotator 2: another boundary
LONG_CLAIM = "the city hired more nurses than any other city in the region"
ATTRS = {"verifiable": "yes", "checkworthy": "yes", "claim_type": "other", "attribution": "reported_speech"}

# Worked out by hand. Both annotators keep the pre-annotated DATE "Tuesday" and mark the same
# PERSON in each document; annotator 1 has claims {A, L}, annotator 2 {B, L} (A and B overlap).
#   spans per annotator: PERSON 2, DATE 1, CLAIM 2 -> 5; shared: PERSON 2, DATE 1, CLAIM 1 -> 4
#   exact F1: PERSON 2*2/4 = 1, DATE 1, CLAIM 2*1/4 = 0.5, ALL 2*4/10 = 0.8; overlap F1 all 1
#   said_by: (A, Khorev) and (L, Lopez) vs (B, Khorev) and (L, Lopez): 2*1/4 = 0.5
#   attributes: one claim (L) with the same offsets; claim_type quantity vs other: observed 0,
#   alpha 1 - (n-1)·D_o/D_e = 1 - 1·2/2 = 0; verifiable, checkworthy, attribution agree: observed 1,
#   alpha undefined (one value only)
EXPECTED_SPANS = {"PERSON": (1.0, 1.0), "DATE": (1.0, 1.0), "CLAIM": (0.5, 1.0), "ALL": (0.8, 1.0)}
EXPECTED_SAID_BY = 0.5
EXPECTED_ATTRIBUTES = {
    "verifiable": (None, 1.0, 1),
    "checkworthy": (None, 1.0, 1),
    "claim_type": (0.0, 0.0, 1),
    "attribution": (None, 1.0, 1),
}


def readme_round_commands() -> list[str]:
    """The command lines of the README's round, as written (comments dropped)."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Running an annotation round", 1)[1]
    block = re.search(r"```bash\n(.*?)```", section, re.S).group(1)
    return [line.split("  #")[0].strip() for line in block.splitlines() if line.strip() and not line.startswith("#")]


def scratch_checkout(tmp: Path) -> Path:
    root = tmp / "checkout"
    (root / "schemas").mkdir(parents=True)
    (root / "annotation").mkdir()
    (root / "corpus" / "raw").mkdir(parents=True)
    shutil.copy(REPO / "schemas" / "taxonomy.yaml", root / "schemas")
    shutil.copy(REPO / "annotation" / "GUIDELINES.md", root / "annotation")
    (root / "pyproject.toml").write_text("[project]\nname = 'scratch'\n", encoding="utf-8")
    raw = root / "corpus" / "raw"
    (raw / "khorev.txt").write_text(EMOJI_RAW, encoding="utf-8")
    (raw / "khorev.txt.meta.json").write_text(
        json.dumps(
            {
                "title": "Khorev: real progress toward peace",
                "outlet": "Wire One",
                "date": "2025-08-19",
                "url": "https://example.org/khorev",
                "license": "CC-BY-4.0",  # redistributable, so the release carries the text
            }
        ),
        encoding="utf-8",
    )
    (raw / "nurses.txt").write_text(LONG_RAW, encoding="utf-8")
    (raw / "nurses.txt.meta.json").write_text(
        json.dumps(
            {
                "title": "City council: the long report",
                "outlet": "Town Gazette",
                "date": "2025-08-20",
                "url": "https://example.org/nurses",
                "license": "CC-BY-4.0",  # redistributable, so the release carries the text
            }
        ),
        encoding="utf-8",
    )
    return root


class Maintainer:
    """Runs `newsclaims` commands in the scratch checkout against the test server."""

    def __init__(self, root: Path, env: dict[str, str]):
        self.root, self.env = root, env
        self.readme = [c for c in readme_round_commands() if c != "newsclaims annotate server start"]
        self.outputs: list[str] = []

    def run(self, *args: str) -> str:
        cli = subprocess.run(
            [str(NEWSCLAIMS), *args], cwd=self.root, env=self.env, capture_output=True, text=True, timeout=600
        )
        out = cli.stdout + cli.stderr
        self.outputs.append(out)
        assert cli.returncode == 0, f"newsclaims {' '.join(args)} failed:\n{out}"
        return cli.stdout

    def readme_step(self, starts: str, **values: str) -> str:
        """Run the README's next command, which must start with `starts`."""
        assert self.readme, f"the README has no command left; expected {starts!r}"
        line = self.readme.pop(0)
        assert line.startswith(starts), f"the README's next command is {line!r}, expected {starts!r}"
        for name, value in values.items():
            line = line.replace(f"<{name}>", value)
        return self.run(*shlex.split(line)[1:])


def label_stream_round(page, base_url: str, project_id: int, plans: dict, shots: str) -> dict[str, int]:
    """Work through the label stream until it is empty; returns doc_id -> annotation id."""
    submitted: dict[str, int] = {}
    shown = ls_ui.open_label_stream(page, base_url, project_id)
    while shown is not None:
        assert shown.doc_id in plans and shown.doc_id not in submitted, f"served {shown.doc_id} again"
        plan = plans[shown.doc_id]
        header = page.locator(".lsf-main-view__annotation").inner_text()
        assert all(f"{caption}: {value}" in header for caption, value in plan["header"]), (plan["header"], header[:300])
        start_regions = [(r["text"], r["labels"]) for r in ls_ui.regions(page)]
        assert start_regions == plan["prefilled"], "the pre-annotations are the starting point"
        ls_ui.label_span(page, "PERSON", plan["person"])
        ls_ui.label_span(page, "CLAIM", plan["claim"])
        assert ls_ui.set_claim_attributes(page, plan["claim"], plan["attributes"]) == {
            k: [v] for k, v in plan["attributes"].items()
        }
        ls_ui.draw_relation(page, plan["claim"], plan["person"], "said_by", to_label="PERSON")
        ls_ui.screenshot(page, ARTIFACTS / f"{shots}-{plan['name']}.png")
        annotation_id, shown = ls_ui.submit(page)
        submitted[plan["doc_id"]] = annotation_id
    expect(page.get_by_text(ls_ui.NO_MORE_TASKS)).to_be_visible()
    return submitted


def plans_for(docs: dict[str, object], emoji_claim: str, long_claim_type: str) -> dict[str, dict]:
    emoji, long = docs["khorev.txt"], docs["nurses.txt"]
    header = {
        d.id: [
            (caption, value)
            for caption, value in (
                ("Outlet", d.source),
                ("Date", d.date),
                ("Dateline", d.dateline),
                ("URL", d.url),
                ("Document", d.id),
            )
            if value
        ]
        for d in (emoji, long)
    }
    return {
        emoji.id: {
            "name": "emoji",
            "doc_id": emoji.id,
            "person": KHOREV,
            "claim": emoji_claim,
            "attributes": ATTRS,
            "prefilled": [("Tuesday", ["DATE"])],
            "header": header[emoji.id],
        },
        long.id: {
            "name": "long",
            "doc_id": long.id,
            "person": LOPEZ,
            "claim": LONG_CLAIM,
            "attributes": {**ATTRS, "claim_type": long_claim_type},
            "prefilled": [],
            "header": header[long.id],
        },
    }


def assert_agreement(agreement: dict) -> None:
    assert agreement["measured"] and agreement["shared_documents"] == 2 and agreement["annotator_pairs"] == 1
    spans = {label: (v["exact_f1"], v["overlap_f1"]) for label, v in agreement["spans"].items() if v["pairs"]}
    assert spans == EXPECTED_SPANS
    assert agreement["said_by"]["exact_f1"] == EXPECTED_SAID_BY
    attrs = {
        name: (v["krippendorff_alpha"], v["observed_agreement"], v["matched_claims"])
        for name, v in agreement["claim_attributes"].items()
    }
    assert attrs == EXPECTED_ATTRIBUTES


@pytest.mark.browser
def test_an_annotation_round_in_the_browser(labelstudio, tmp_path):
    assert labelstudio.username and labelstudio.password, "the adjudicator logs in as the server's admin"
    client = labelstudio.client()
    assert not [p for p in client.projects.list(title=PROJECT) if p.title == PROJECT], (
        f"the test server already has a project titled {PROJECT!r}"
    )
    root = scratch_checkout(tmp_path)
    maintainer = Maintainer(root, labelstudio.env(NEWSCLAIMS_ROOT=str(root)))
    maintainer.run("corpus", "build")
    versions = root / "corpus" / "versions"
    docs = {d.raw_path: d for d in load_documents(latest_version(versions), versions)}
    emoji, long = docs["khorev.txt"], docs["nurses.txt"]
    assert emoji.text.startswith("😀") and emoji.dateline == "ISLAMABAD" and emoji.source == "Wire One"
    assert len(long.text) >= 30_000 and long.text.endswith(LONG_LAST)
    ARTIFACTS.mkdir(exist_ok=True)
    tag = uuid.uuid4().hex[:8]
    people = [
        (f"annotator-one-{tag}@newsclaims.invalid", f"Pw-{uuid.uuid4().hex}"),
        (f"annotator-two-{tag}@newsclaims.invalid", f"Pw-{uuid.uuid4().hex}"),
    ]
    project_id = None
    try:
        # 1. push with overlap 2: settings on the server, instructions from the guidelines
        out = maintainer.readme_step("newsclaims annotate push --overlap 2")
        assert "overlap 2 annotator(s) per task" in out
        (project,) = [p for p in client.projects.list(title=PROJECT) if p.title == PROJECT]
        project_id = project.id
        project = client.projects.get(id=project_id)
        assert project.maximum_annotations == 2 and project.show_instruction
        assert "<h1>newsclaims annotation guidelines (taxonomy version 2)</h1>" in project.expert_instruction
        assert project.model_version.startswith("newsclaims-rules-") and project.show_collab_predictions
        tasks = list(client.tasks.list(project=project_id, fields="all"))
        assert sorted(t.data["doc_id"] for t in tasks) == sorted([emoji.id, long.id])
        assert all(t.overlap == 2 for t in tasks)
        empty = json.loads(maintainer.run("annotate", "status", "--json"))
        assert (empty["remaining"], empty["submissions_missing"], empty["annotators"]) == (2, 4, [])

        invite = maintainer.readme_step("newsclaims annotate invite").strip()
        assert invite.startswith(labelstudio.url + "/user/signup") and "token=" in invite
        invite_path = invite.removeprefix(labelstudio.url)

        with sync_playwright() as p:
            browser = ls_ui.launch(p)
            try:
                # 2. two annotators sign up and work through the label stream
                first = ls_ui.new_page(browser)
                ls_ui.sign_up(first, labelstudio.url, invite_path, *people[0])
                first.goto(f"{labelstudio.url}/projects/{project_id}/data?labeling=1")
                guide = first.locator(".lsf-modal-ls", has_text="Labeling Instructions")
                expect(guide).to_contain_text("newsclaims annotation guidelines")
                expect(guide).to_contain_text("What you annotate")
                ls_ui.screenshot(first, ARTIFACTS / "round-01-instructions.png")
                ids_one = label_stream_round(
                    first,
                    labelstudio.url,
                    project_id,
                    plans_for(docs, EMOJI_CLAIM_A, "quantity"),
                    "round-02-annotator-1",
                )
                half = json.loads(maintainer.run("annotate", "status", "--json"))
                assert (half["done"], half["in_progress"], half["remaining"]) == (0, 2, 0)
                assert not half["agreement"]["measured"]

                second = ls_ui.new_page(browser)
                ls_ui.sign_up(second, labelstudio.url, invite_path, *people[1])
                ids_two = label_stream_round(
                    second, labelstudio.url, project_id, plans_for(docs, EMOJI_CLAIM_B, "other"), "round-03-annotator-2"
                )
                ls_ui.screenshot(second, ARTIFACTS / "round-04-stream-finished.png")
                assert set(ids_one) == set(ids_two) == {emoji.id, long.id}  # each got every task once

                # 3. status, pull, conflicts, a release: agreement as worked out by hand
                status = maintainer.readme_step("newsclaims annotate status")
                assert "done 2 · in progress 0 · remaining 0" in status
                rows = [line.split() for line in status.splitlines() if line.strip().startswith("annotator-")]
                assert [(r[0], r[1], r[2]) for r in rows] == [("annotator-1", "2", "0"), ("annotator-2", "2", "0")]
                assert_agreement(json.loads(maintainer.run("annotate", "status", "--json"))["agreement"])
                pulled = maintainer.readme_step("newsclaims annotate pull")
                assert "2 tasks, 4 annotations by 2 annotator(s)" in pulled
                listed = maintainer.readme_step("newsclaims annotate conflicts")
                assert "2 document(s) where annotators disagree" in listed
                links = {
                    c["doc_id"]: c
                    for c in map(json.loads, maintainer.run("annotate", "conflicts", "--json").splitlines())
                }
                assert set(links) == {emoji.id, long.id}
                kinds = {d: sorted((i["kind"], i["label"]) for i in c["disagreements"]) for d, c in links.items()}
                assert kinds == {
                    emoji.id: [("claim", "CLAIM"), ("claim", "CLAIM")],
                    long.id: [("claim_attribute", "claim_type")],
                }
                maintainer.run("release", "--version", "0.2.0")
                release = root / "releases" / "0.2.0"
                assert_agreement(json.loads((release / "agreement.json").read_text(encoding="utf-8")))
                review = [json.loads(line) for line in (release / "review.jsonl").read_text().splitlines()]
                assert sorted((r["doc_id"], r["kind"]) for r in review) == sorted(
                    [(emoji.id, "claim"), (emoji.id, "claim"), (long.id, "claim_attribute")]
                )

                # 4. the adjudicator compares, fixes annotator 2's claim_type and marks it ground truth
                admin = ls_ui.new_page(browser)
                ls_ui.log_in(admin, labelstudio.url, labelstudio.username, labelstudio.password)
                assert (
                    links[long.id]["link"] == f"{labelstudio.url}/projects/{project_id}/data?task="
                    f"{links[long.id]['task_id']}"
                )
                ls_ui.open_task(admin, labelstudio.url, project_id, links[long.id]["task_id"])
                ls_ui.open_compare_all(admin)
                ls_ui.screenshot(admin, ARTIFACTS / "round-05-compare.png")
                ls_ui.close_compare_all(admin)
                fixed = ids_two[long.id]
                ls_ui.select_annotation(admin, fixed)
                ls_ui.set_claim_attributes(admin, LONG_CLAIM, {"claim_type": "quantity"})
                ls_ui.update(admin)
                maintainer.readme_step("newsclaims annotate ground-truth", ANNOTATION_ID=str(fixed))
                admin.reload()
                ls_ui.open_task(admin, labelstudio.url, project_id, links[long.id]["task_id"])
                expect(admin.locator(f'.lsf-annotation-button[data-annotation-id="{fixed}"]')).to_have_class(
                    re.compile(r"lsf-annotation-button_groundTruth")
                )
                ls_ui.screenshot(admin, ARTIFACTS / "round-06-ground-truth.png")
            finally:
                browser.close()

        # 5. pull again, release: the adjudicated annotation is the long document's gold
        maintainer.readme_step("newsclaims annotate pull")
        remaining = [json.loads(line) for line in maintainer.run("annotate", "conflicts", "--json").splitlines()]
        assert [c["doc_id"] for c in remaining] == [emoji.id]
        maintainer.readme_step("newsclaims validate")
        version = shlex.split(maintainer.readme[0])[3]  # whichever version the README names
        maintainer.readme_step("newsclaims release --version")
        assert maintainer.readme == [], f"README commands not run: {maintainer.readme}"
        release = root / "releases" / version
        review = [json.loads(line) for line in (release / "review.jsonl").read_text().splitlines()]
        assert sorted((r["doc_id"], r["kind"]) for r in review) == [(emoji.id, "claim"), (emoji.id, "claim")]

        import datasets

        claims = datasets.load_dataset(str(release), "claims", cache_dir=str(tmp_path / "hf"))["train"]
        entities = datasets.load_dataset(str(release), "entities", cache_dir=str(tmp_path / "hf"))["train"]
        source_names = claims.features["gold_source"].names
        rows = {r["id"]: r for r in claims}
        assert source_names[rows[long.id]["gold_source"]] == "ground_truth"
        assert source_names[rows[emoji.id]["gold_source"]] == "majority"
        (gold_claim,) = rows[long.id]["claims"]
        claim_types = claims.features["claims"].feature["claim_type"].names
        assert claim_types[gold_claim["claim_type"]] == "quantity"  # the adjudicator's fix
        assert long.text[gold_claim["start"] : gold_claim["end"]] == gold_claim["text"] == LONG_CLAIM
        assert gold_claim["speaker"]["text"] == LOPEZ
        assert rows[emoji.id]["claims"] == []  # no majority for either boundary: listed in review.jsonl
        for row in entities:
            text = row["text"]
            assert row["entities"] and all(text[s["start"] : s["end"]] == s["text"] for s in row["entities"])
        by_doc = {r["id"]: {s["text"] for s in r["entities"]} for r in entities}
        assert by_doc == {emoji.id: {KHOREV, "Tuesday"}, long.id: {LOPEZ}}

        # nobody's email or name anywhere the maintainer looks or publishes
        written = "\n".join(maintainer.outputs)
        for path in [
            *(root / "annotation" / "exports").rglob("*"),
            *(root / "releases").rglob("*"),
            root / "DATA_CARD.md",
        ]:
            if path.is_file() and path.suffix in {".json", ".jsonl", ".md", ""}:
                written += path.read_text(encoding="utf-8", errors="replace")
        assert find_emails(written) == []
        assert all(email.split("@")[0] not in written for email, _ in people)
        assert labelstudio.api_key not in written
    finally:
        if project_id is not None:
            client.projects.delete(id=project_id)


def test_every_readme_round_command_is_run_by_a_test():
    """The round test runs all but the server start, which the live-server reliability test runs."""
    commands = readme_round_commands()
    assert commands[0] == "newsclaims annotate server start"
    live = (REPO / "tests" / "reliability" / "test_labelstudio_live.py").read_text(encoding="utf-8")
    assert re.search(r'run_cli\(\s*"annotate",\s*"server",\s*"start"', live)
    assert len(commands) == len(set(commands)) + 1  # pull twice; everything else once
