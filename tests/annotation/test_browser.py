"""The labelling page of a pushed task in a real headless Chromium (Debian's /usr/bin/chromium).

A new annotator joins the way annotators do, through the organization's invite link (the
server the project starts disables open sign-up; the test needs no admin password), opens the task, and sees the article text and every taxonomy label; selecting a CLAIM span shows
every claim attribute value. The screenshot lands in test-artifacts/labeling.png.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import ls_ui
import pytest
from playwright.sync_api import expect, sync_playwright

from newsclaims.annotation.push import push
from newsclaims.corpus.document import Document
from newsclaims.fsutil import sha256_bytes
from newsclaims.schemas.taxonomy import load_taxonomy

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
TEXT = (
    "😀 ISLAMABAD: Ambassador of Russia to Pakistan, Albert P. Khorev on Tuesday said that Russia is "
    "making real progress toward achieving peace in Ukraine.\n"
    "“Calls for a full ceasefire sound hollow,” Khorev told reporters."
)
CLAIM_TEXT = "Russia is making real progress toward achieving peace in Ukraine"


def squash(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


# Selecting text the way a mouse drag ends: a DOM range in the labelling text, then mouseup.
SELECT_TEXT_JS = """(needle) => {
  const root = document.querySelector('.lsf-htx-richtext');
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    const i = node.textContent.indexOf(needle);
    if (i >= 0) {
      const range = document.createRange();
      range.setStart(node, i);
      range.setEnd(node, i + needle.length);
      const sel = window.getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
      node.parentElement.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
      return true;
    }
  }
  return false;
}"""


@pytest.mark.browser
def test_labelling_page_shows_text_and_every_label(labelstudio, ls_project):
    assert Path(ls_ui.CHROMIUM).is_file(), (
        f"{ls_ui.CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)"
    )
    client = labelstudio.client()
    digest = sha256_bytes(TEXT.encode())
    doc = Document(
        id="nc-" + digest[:16],
        text=TEXT,
        raw_path="browser.txt",
        raw_sha256=digest,
        text_sha256=digest,
        title="Khorev: real progress toward peace",
        source="UrduPoint",
        date="2025-08-19",
        dateline="ISLAMABAD",
        url="https://example.org/khorev",
        language="en",
    )
    push(client, [doc], "v1", ls_project.title)
    (task,) = list(client.tasks.list(project=ls_project.id, fields="all"))
    taxonomy = load_taxonomy()
    tag = uuid.uuid4().hex[:10]

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = ls_ui.launch(p)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1100})
            page.set_default_timeout(60_000)
            # A new annotator account, created the way annotators join: the invite link's sign-up form.
            invite = client.organizations.invites.get_invite_link().invite_url
            page.goto(f"{labelstudio.url}{invite}")
            page.fill("input[name=email]", f"browser-{tag}@newsclaims.invalid")
            page.fill("input[name=password]", f"Pw-{tag}-{uuid.uuid4().hex}")
            page.click("button[type=submit]")
            page.wait_for_url(lambda url: "/user/" not in url)  # signed up and logged in

            page.goto(f"{labelstudio.url}/projects/{ls_project.id}/data?task={task.id}")
            text_view = page.locator(".lsf-htx-richtext")
            text_view.get_by_text("Khorev told reporters", exact=False).wait_for()
            assert squash(text_view.inner_text()) == squash(TEXT)

            # The label bar renders after the text; wait for as many labels as the taxonomy has
            # (to_have_count fails with a timeout if the page shows fewer or more).
            expect(page.locator(".lsf-label")).to_have_count(len(taxonomy.entity_names) + 1)
            shown_labels = [squash(t).split(" ")[0] for t in page.locator(".lsf-label").all_inner_texts()]
            assert shown_labels == [*taxonomy.entity_names, taxonomy.claim.name]
            main_view = page.locator(".lsf-main-view__annotation").inner_text()
            assert doc.title in main_view and doc.id in main_view
            assert '"predictions"' not in main_view, "a header shows the raw task JSON instead of its field"

            # Select a CLAIM span: the claim attributes appear, with every value of the taxonomy.
            page.locator(".lsf-label", has_text=taxonomy.claim.name).first.click()
            assert page.evaluate(SELECT_TEXT_JS, CLAIM_TEXT)
            page.locator(".lsf-sidepanels").get_by_text(CLAIM_TEXT[:30], exact=False).last.click()
            choices = page.locator(".lsf-choice")
            choices.first.wait_for(state="visible")
            shown_values = [squash(c.inner_text()).split("[")[0] for c in choices.all() if c.is_visible()]
            expected = [v for a in taxonomy.claim.attributes for v in a.value_names]
            assert shown_values == expected
            page.screenshot(path=str(ARTIFACTS / "labeling.png"), full_page=True)
        except BaseException:
            page.screenshot(path=str(ARTIFACTS / "labeling-failure.png"), full_page=True)
            raise
        finally:
            browser.close()
    assert (ARTIFACTS / "labeling.png").stat().st_size > 10_000
