"""Drive the real Label Studio 1.23 web UI (Playwright, sync API) in Debian's headless Chromium.

The helpers click what an annotator clicks: the invite sign-up form, the label stream ("Label
All Tasks" is ``/projects/<id>/data?labeling=1``), the label bar, the text, the per-region
choices, "Create Relation" and the Relations panel, Submit / Update, the annotation tabs and
"Compare All". They read the page's own state (``window.Htx``, the labelling store) only to
find elements and to check that a click landed: the store is what Submit sends to the server.

No helper sleeps: each waits for an element, a network answer or a store state (60 s default).

Found on Label Studio 1.23.2 Community:
- Text is selected with a DOM Range plus a synthetic mouseup, then a click (the first click
  after a selection is swallowed by the text tag, as after a real drag).
- Offsets are code points with newlines counted (an emoji counts one), as Python's str.index.
- The Community UI has no ground-truth control (the "ground-truth" interface is off), so
  `mark_ground_truth` PATCHes the annotation through the logged-in browser session and then
  checks that the tab shows the ground-truth star.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from weakref import WeakSet

from playwright.sync_api import Browser, Locator, Page, Playwright, Response, expect

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
TIMEOUT_MS = 60_000
VIEWPORT = {"width": 1400, "height": 1000}
NO_MORE_TASKS = "No More Tasks Left in Queue"

TEXT = ".lsf-htx-richtext"
_SUBMIT_URL = re.compile(r"/api/tasks/(\d+)/annotations/?(\?|$)")
_UPDATE_URL = re.compile(r"/api/annotations/(\d+)/?(\?|$)")

_pages_with_handler: WeakSet[Page] = WeakSet()


class LabelStudioUIError(AssertionError):
    """The page did not reach the state an action should have led to."""


@dataclass(frozen=True)
class ShownTask:
    id: int
    doc_id: str | None
    data: dict[str, Any]


# ---- browser, accounts ---------------------------------------------------------------------


def launch(playwright: Playwright) -> Browser:
    """Debian's Chromium, headless (Playwright cannot download its own browsers here)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def new_page(browser: Browser, timeout_ms: float = TIMEOUT_MS) -> Page:
    """A page in a fresh context (its own cookies: one per user), with generous timeouts."""
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(timeout_ms)
    return context.new_page()


def _form_errors(page: Page) -> str:
    return " ".join(t.strip() for t in page.locator(".field_errors li, p.error").all_inner_texts() if t.strip())


def _whoami(page: Page, base_url: str) -> dict[str, Any]:
    r = page.request.get(f"{base_url}/api/current-user/whoami")
    if not r.ok:
        raise LabelStudioUIError(f"not logged in: /api/current-user/whoami answered {r.status}")
    return r.json()


def _submit_account_form(
    page: Page, base_url: str, url: str, email: str, password: str, failed_on: str, doing: str
) -> int:
    """Fill and post the email/password form at `url`; the server redirects into the app, or
    re-renders the form (its URL still holds `failed_on`) with errors. Returns the user id."""
    page.goto(url)
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    with page.expect_navigation(wait_until="commit"):
        page.click("button[type=submit]")
    if failed_on in page.url:
        page.wait_for_load_state("domcontentloaded")
        raise LabelStudioUIError(f"{doing} of {email} failed: {_form_errors(page) or page.url}")
    return _whoami(page, base_url)["id"]


def sign_up(page: Page, base_url: str, invite_path: str, email: str, password: str) -> int:
    """Create an account through the organization's invite link; ends logged in. Returns the user id."""
    return _submit_account_form(page, base_url, f"{base_url}{invite_path}", email, password, "/user/", "sign-up")


def log_in(page: Page, base_url: str, email: str, password: str) -> int:
    """Log in with the /user/login form. Returns the user id."""
    return _submit_account_form(page, base_url, f"{base_url}/user/login/", email, password, "/user/login", "log-in")


def log_out(page: Page, base_url: str) -> None:
    """End the session (the same context can then sign up or log in as someone else)."""
    page.goto(f"{base_url}/logout")
    if _whoami_status(page, base_url) == 200:
        raise LabelStudioUIError("still logged in after /logout")


def _whoami_status(page: Page, base_url: str) -> int:
    return page.request.get(f"{base_url}/api/current-user/whoami").status


# ---- the labelling page --------------------------------------------------------------------


def _dismiss_instructions_automatically(page: Page) -> None:
    """The "Labeling Instructions" modal opens when the label stream starts (project
    `show_instruction`); close it whenever it gets in the way of an action."""
    if page in _pages_with_handler:
        return
    modal = page.locator(".lsf-modal-ls", has_text="Labeling Instructions")
    page.add_locator_handler(modal, lambda m: m.get_by_role("button", name="Close modal").click())
    _pages_with_handler.add(page)


_TASK_SHOWN_JS = """(oldId) => {
  if ([...document.querySelectorAll('.ant-result-title')].some(e => e.textContent.includes(%s))) return 'finished';
  const t = document.querySelector('.lsf-htx-richtext');
  const task = window.Htx && window.Htx.task;
  if (t && t.textContent.length && task && task.id !== oldId) return 'task';
  return false;
}""" % json.dumps(NO_MORE_TASKS)


def _wait_task_or_finished(page: Page, old_task_id: int | None = None) -> ShownTask | None:
    state = page.wait_for_function(_TASK_SHOWN_JS, arg=old_task_id).json_value()
    return None if state == "finished" else shown_task(page)


def shown_task(page: Page) -> ShownTask:
    """The task on the labelling page (id and data), from the labelling store."""
    t = page.evaluate(
        "() => { const t = window.Htx && window.Htx.task; return t ? {id: t.id, data: t.dataObj} : null }"
    )
    if not t:
        raise LabelStudioUIError("no task is shown")
    data = dict(t["data"] or {})
    return ShownTask(id=int(t["id"]), doc_id=data.get("doc_id"), data=data)


def open_label_stream(page: Page, base_url: str, project_id: int) -> ShownTask | None:
    """What "Label All Tasks" does: the label stream. Returns the task shown, or None if the
    queue is already empty ("No More Tasks Left in Queue")."""
    _dismiss_instructions_automatically(page)
    page.goto(f"{base_url}/projects/{project_id}/data?labeling=1")
    return _wait_task_or_finished(page)


def stream_is_finished(page: Page) -> bool:
    """True once the label stream shows "No More Tasks Left in Queue"."""
    return page.get_by_text(NO_MORE_TASKS).is_visible()


def wait_stream_finished(page: Page) -> None:
    """Wait until the label stream shows "No More Tasks Left in Queue"."""
    page.get_by_text(NO_MORE_TASKS).wait_for()


def open_task(page: Page, base_url: str, project_id: int, task_id: int) -> ShownTask:
    """A task in the data manager (`/projects/<id>/data?task=<task>`), as an admin/reviewer sees it."""
    _dismiss_instructions_automatically(page)
    page.goto(f"{base_url}/projects/{project_id}/data?task={task_id}")
    return _wait_task_loaded(page, base_url, task_id)


def _wait_task_loaded(page: Page, base_url: str, task_id: int) -> ShownTask:
    """The data manager renders a task twice (first from its task list, with a partial set of
    annotations, then in full): wait until every submitted annotation has its tab."""
    task = _ok(page.request.get(f"{base_url}/api/tasks/{task_id}"), f"reading task {task_id}")
    annotation_ids = [a["id"] for a in task.get("annotations") or [] if not a.get("was_cancelled")]
    page.wait_for_function(
        """([id, annotationIds]) => {
          const h = window.Htx, t = document.querySelector('.lsf-htx-richtext');
          if (!h || !h.task || h.task.id !== id || !t || !t.textContent.length) return false;
          const st = h.annotationStore;
          if (!st.selected) return false;
          const pks = st.annotations.map(a => Number(a.pk));
          if (!annotationIds.every(x => pks.includes(x))) return false;
          const tabs = [...document.querySelectorAll('.lsf-annotation-button')].map(e => Number(e.dataset.annotationId));
          return annotationIds.every(x => tabs.includes(x));
        }""",
        arg=[task_id, annotation_ids],
    )
    return shown_task(page)


# ---- regions -------------------------------------------------------------------------------


_SELECT_TEXT_JS = """([needle, occurrence]) => {
  const root = document.querySelector('.lsf-htx-richtext');
  if (!root) return {error: 'no labelling text on the page'};
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const nodes = []; let text = ''; let n;
  while ((n = walker.nextNode())) { nodes.push([n, text.length]); text += n.textContent; }
  let at = -1;
  for (let k = 0; k <= occurrence; k++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) return {error: `occurrence ${occurrence} of ${JSON.stringify(needle)} is not in the text`};
  }
  const locate = (pos, isEnd) => {
    for (const [node, base] of nodes) {
      const len = node.textContent.length;
      if (pos < base + len || (isEnd && pos === base + len)) return [node, pos - base];
    }
    return [null, 0];
  };
  const [sn, so] = locate(at, false);
  const [en, eo] = locate(at + needle.length, true);
  sn.parentElement.scrollIntoView({block: 'center'});
  const range = document.createRange();
  range.setStart(sn, so); range.setEnd(en, eo);
  const sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(range);
  // The text tag treats a mouseup within 450 ms and 5 px of the previous one as a double click
  // and reuses that click's labels: never send two mouseups at the same spot.
  const rect = range.getBoundingClientRect();
  let x = rect.right, y = rect.bottom;
  const last = window.__lsuiLastMouseup;
  if (last && Math.abs(last[0] - x) <= 5 && Math.abs(last[1] - y) <= 5) x = last[0] + 50;
  window.__lsuiLastMouseup = [x, y];
  const target = en.parentElement;
  const opts = {bubbles: true, cancelable: true, clientX: x, clientY: y, view: window};
  target.dispatchEvent(new MouseEvent('mouseup', opts));
  // A drag ends with a click; the text tag swallows the first click after a selection.
  target.dispatchEvent(new MouseEvent('click', opts));
  return {at};
}"""

_REGIONS_JS = """() => {
  const a = window.Htx.annotationStore.selected;
  const ser = a.serializeAnnotation();
  return a.regions.map(r => {
    const lab = ser.find(s => s.id === r.cleanId && s.type === 'labels');
    return {id: r.id, clean_id: r.cleanId, identifier: r.identifier, index: r.region_index,
            text: r.text, labels: (r.labels || []).slice(),
            start: lab ? lab.value.start : null, end: lab ? lab.value.end : null};
  }).sort((p, q) => (p.start - q.start) || (p.end - q.end));
}"""


def regions(page: Page) -> list[dict[str, Any]]:
    """The regions of the annotation shown, sorted by start: id, clean_id (the result id the
    server stores), identifier (its DOM class suffix), index, text, labels, start, end."""
    return page.evaluate(_REGIONS_JS)


def find_region(page: Page, needle: str, label: str | None = None, occurrence: int = 0) -> dict[str, Any]:
    """The `occurrence`-th region (by start) whose text is `needle` (and has `label`)."""
    found = [r for r in regions(page) if r["text"] == needle and (label is None or label in r["labels"])]
    if len(found) <= occurrence:
        raise LabelStudioUIError(
            f"no region #{occurrence} with text {needle!r} and label {label!r}: "
            f"{[(r['text'], r['labels']) for r in regions(page)]}"
        )
    return found[occurrence]


def selected_region_id(page: Page) -> str | None:
    return page.evaluate(
        "() => { const n = window.Htx.annotationStore.selected.highlightedNode; return n ? n.id : null }"
    )


def unselect_regions(page: Page) -> None:
    """Escape (the "region:exit" hotkey) until no region is selected."""
    if selected_region_id(page) is not None:
        # Label Studio's hotkeys use another scope while an <input>/<select> has the focus.
        page.evaluate("() => document.activeElement && document.activeElement.blur && document.activeElement.blur()")
        page.keyboard.press("Escape")
        page.wait_for_function("() => !window.Htx.annotationStore.selected.highlightedNode")


def _label_chip(page: Page, label: str) -> Locator:
    return page.locator(".lsf-label").filter(
        has=page.locator(".lsf-label__text", has_text=re.compile(f"^{re.escape(label)}$"))
    )


def label_span(page: Page, label: str, needle: str, occurrence: int = 0) -> dict[str, Any]:
    """Select the `occurrence`-th `needle` in the text and label it (an entity label or CLAIM).
    Returns the new region (see `regions`); its start/end are the offsets Submit will send."""
    if "\n" in needle:
        raise ValueError("a span cannot cross a line break in Label Studio's text view")
    unselect_regions(page)  # a click on a label would otherwise relabel the selected region
    for other in page.locator(".lsf-label.lsf-label_selected").all():
        other.click()  # a label left armed would be added to the new region
    chip = _label_chip(page, label)
    chip.click()
    expect(chip).to_have_class(re.compile(r"\blsf-label_selected\b"), timeout=TIMEOUT_MS)
    before = {r["id"] for r in regions(page)}
    outcome = page.evaluate(_SELECT_TEXT_JS, [needle, occurrence])
    if "error" in outcome:
        raise LabelStudioUIError(outcome["error"])
    page.wait_for_function("(n) => window.Htx.annotationStore.selected.regions.length > n", arg=len(before))
    new = [r for r in regions(page) if r["id"] not in before]
    if len(new) != 1 or new[0]["text"] != needle or new[0]["labels"] != [label]:
        raise LabelStudioUIError(f"labelling {needle!r} as {label} made {new}")
    return new[0]


def _highlight(page: Page, region: dict[str, Any]) -> Locator:
    """The first span of a region's highlight in the text (class htx-highlight-<identifier>)."""
    return page.locator(f"{TEXT} [class~={json.dumps('htx-highlight-' + region['identifier'])}]").first


def select_region(page: Page, needle: str, label: str | None = None, occurrence: int = 0) -> dict[str, Any]:
    """Select a region by clicking its highlight in the text (the region's own span, so a
    region nested inside it is not picked instead)."""
    region = find_region(page, needle, label, occurrence)
    if selected_region_id(page) != region["id"]:
        unselect_regions(page)
        _highlight(page, region).dispatch_event("click")
        page.wait_for_function(
            "(id) => { const n = window.Htx.annotationStore.selected.highlightedNode; return n && n.id === id }",
            arg=region["id"],
        )
    return region


def _choice_values(page: Page, region_clean_id: str) -> dict[str, list[str]]:
    return page.evaluate(
        """(id) => Object.fromEntries(window.Htx.annotationStore.selected.serializeAnnotation()
             .filter(r => r.id === id && r.type === 'choices').map(r => [r.from_name, r.value.choices]))""",
        region_clean_id,
    )


def set_claim_attributes(
    page: Page, claim_needle: str, attributes: dict[str, str], occurrence: int = 0, label: str = "CLAIM"
) -> dict[str, list[str]]:
    """Select the CLAIM region `claim_needle` and click one choice per attribute (per-region
    Choices, one per claim attribute). Returns the region's choices afterwards."""
    region = select_region(page, claim_needle, label, occurrence)
    for control, value in attributes.items():
        # The choice groups carry no control name: find the visible group holding exactly this
        # control's values (they appear only while a CLAIM region is selected).
        index = page.evaluate(
            """([control, value]) => {
              const c = window.Htx.annotationStore.names.get(control);
              if (!c) return {error: `no control ${control}`};
              const values = c.children.map(x => x.value);
              if (!values.includes(value)) return {error: `${value} is not a value of ${control}: ${values}`};
              // Controls with the same values (verifiable and checkworthy are both yes/no) are
              // told apart by their order: the config's order is the order they are shown in.
              const key = JSON.stringify([...values].sort());
              const twins = [...window.Htx.annotationStore.names.values()].filter(x =>
                x.type === 'choices' && x.children && JSON.stringify(x.children.map(y => y.value).sort()) === key);
              const rank = twins.indexOf(c);
              const shown = [...document.querySelectorAll('.lsf-choices')].map((g, i) => [g, i]).filter(([g]) =>
                g.offsetParent !== null &&
                JSON.stringify([...g.querySelectorAll('input')].map(inp => inp.name).sort()) === key);
              return rank < 0 || rank >= shown.length
                ? {error: `the choices of ${control} are not shown`} : {i: shown[rank][1]};
            }""",
            [control, value],
        )
        if "error" in index:
            raise LabelStudioUIError(index["error"])
        group = page.locator(".lsf-choices").nth(index["i"])
        input_selector = f"input[name={json.dumps(value)}]"
        box = group.locator(input_selector)
        if not box.is_checked():
            group.locator("label").filter(has=page.locator(input_selector)).click()
        expect(box).to_be_checked(timeout=TIMEOUT_MS)
        if selected_region_id(page) != region["id"]:
            raise LabelStudioUIError(f"clicking {control}={value} changed the selected region")
    page.wait_for_function(
        """([id, want]) => { const got = Object.fromEntries(window.Htx.annotationStore.selected.serializeAnnotation()
             .filter(r => r.id === id && r.type === 'choices').map(r => [r.from_name, r.value.choices]));
           return Object.entries(want).every(([k, v]) => got[k] && got[k].length === 1 && got[k][0] === v) }""",
        arg=[region["clean_id"], attributes],
    )
    return _choice_values(page, region["clean_id"])


def _panel_tab(page: Page, name: str) -> None:
    tab = page.locator(".lsf-panel-tabs__tab", has_text=re.compile(f"^{name}$")).first
    if "lsf-panel-tabs__tab_active" not in (tab.get_attribute("class") or ""):
        tab.click()
        expect(tab).to_have_class(re.compile(r"lsf-panel-tabs__tab_active"), timeout=TIMEOUT_MS)


def relations(page: Page) -> list[dict[str, Any]]:
    """The relations of the annotation shown, as Submit will send them."""
    return page.evaluate(
        "() => window.Htx.annotationStore.selected.serializeAnnotation().filter(r => r.type === 'relation')"
    )


def draw_relation(
    page: Page,
    from_needle: str,
    to_needle: str,
    relation_label: str | None = "said_by",
    from_label: str | None = "CLAIM",
    to_label: str | None = None,
) -> dict[str, Any]:
    """Create a relation from one region to another through the UI ("Create Relation" in the
    selected region's panel, then a click on the target) and choose its label in the Relations
    panel (Label Studio leaves a new relation without a label). Returns the relation."""
    source = select_region(page, from_needle, from_label)
    target = find_region(page, to_needle, to_label)
    _panel_tab(page, "Info")
    page.get_by_role("button", name="Create Relation").click()
    page.wait_for_function("() => window.Htx.annotationStore.selected.isLinkingMode")
    _highlight(page, target).dispatch_event("click")
    page.wait_for_function(
        """([a, b]) => window.Htx.annotationStore.selected.serializeAnnotation()
             .some(r => r.type === 'relation' && r.from_id === a && r.to_id === b)""",
        arg=[source["clean_id"], target["clean_id"]],
    )
    if relation_label:
        _panel_tab(page, "Relations")
        # A relation row shows its two regions' indexes (the numbers in the region list).
        rows = page.locator(".lsf-relations__item")
        rows.first.wait_for()
        pairs = rows.evaluate_all(
            "es => es.map(e => [...e.querySelectorAll('.lsf-detailed-region__index_value')].map(x => Number(x.textContent)))"
        )
        matching = [i for i, p in enumerate(pairs) if p == [source["index"], target["index"]]]
        if not matching:
            raise LabelStudioUIError(f"no row {source['index']} -> {target['index']} in the Relations panel: {pairs}")
        row = rows.nth(matching[-1])
        trigger = row.locator(".lsf-relation-meta [data-testid^=select-trigger]")
        if not trigger.is_visible():
            row.hover()  # the row's buttons appear on hover
            row.get_by_role("button", name="Show Relation Labels").click()
        trigger.click()
        if relation_label not in trigger.inner_text():  # a click on a chosen label would unchoose it
            page.get_by_test_id(f"select-option-{relation_label}").click()
        expect(trigger).to_contain_text(relation_label, timeout=TIMEOUT_MS)
        page.keyboard.press("Escape")  # close the (multi-select) list
        expect(page.get_by_test_id("select-popup")).to_have_count(0, timeout=TIMEOUT_MS)
    found = [r for r in relations(page) if r["from_id"] == source["clean_id"] and r["to_id"] == target["clean_id"]]
    if relation_label and relation_label not in (found[0].get("labels") or []):
        raise LabelStudioUIError(f"the relation has labels {found[0].get('labels')}, not {relation_label}")
    return found[0]


# ---- submit / update -----------------------------------------------------------------------


def _ok(response: Response, doing: str) -> dict[str, Any]:
    if not response.ok:
        raise LabelStudioUIError(f"{doing}: the server answered {response.status}: {response.text()[:300]}")
    return response.json()


def submit(page: Page) -> tuple[int, ShownTask | None]:
    """Click Submit and wait for the server's 201; in the label stream, also wait for the next
    task (or "No More Tasks Left in Queue"). Returns (annotation id, next task or None)."""
    old = shown_task(page).id
    with page.expect_response(lambda r: r.request.method == "POST" and _SUBMIT_URL.search(r.url) is not None) as resp:
        page.get_by_role("button", name="Submit current annotation").click()
    annotation = _ok(resp.value, "submitting")
    if "labeling=1" in page.url:
        return annotation["id"], _wait_task_or_finished(page, old)
    return annotation["id"], shown_task(page)


def update(page: Page) -> dict[str, Any]:
    """Click Update on the annotation shown and wait for the server's answer (PATCH). Returns it."""
    pk = page.evaluate("() => window.Htx.annotationStore.selected.pk")
    with page.expect_response(
        lambda r: r.request.method == "PATCH" and (m := _UPDATE_URL.search(r.url)) is not None and m.group(1) == str(pk)
    ) as resp:
        page.locator("button").filter(has_text=re.compile(r"^\s*Update\s*$")).click()
    return _ok(resp.value, f"updating annotation {pk}")


# ---- several annotations of a task (adjudication) ------------------------------------------


_PREDICTION_PIC = ".lsf-annotation-button__userpic_prediction"


def _annotation_tab(page: Page, annotation_id: int) -> Locator:
    # Prediction tabs carry their prediction id in the same attribute: skip them.
    return page.locator(f'.lsf-annotation-button[data-annotation-id="{annotation_id}"]:not(:has({_PREDICTION_PIC}))')


def annotation_tabs(page: Page) -> list[dict[str, Any]]:
    """The tabs above the text (annotations and predictions): id, kind, user (as shown, maybe
    shortened), email (from the avatar), selected, ground_truth."""
    return page.wait_for_function(
        """(pred) => { const es = [...document.querySelectorAll('.lsf-annotation-button')];
           return es.length > 0 && es.map(e => ({id: Number(e.dataset.annotationId),
              kind: e.querySelector(pred) ? 'prediction' : 'annotation',
              user: (e.querySelector('.lsf-annotation-button__name') || {}).textContent || '',
              email: ((e.querySelector('img[alt]') || {}).alt || '').toLowerCase(),
              selected: e.classList.contains('lsf-annotation-button_selected'),
              ground_truth: e.classList.contains('lsf-annotation-button_groundTruth')})) }""",
        arg=_PREDICTION_PIC,
    ).json_value()


def select_annotation(page: Page, annotation_id: int | None = None, user_email: str | None = None) -> int:
    """Show one annotation of the task (click its tab), by id or by its annotator's email.
    Returns the annotation id."""
    if annotation_id is None:
        if user_email is None:
            raise ValueError("give annotation_id or user_email")
        ids = [t["id"] for t in annotation_tabs(page) if t["kind"] == "annotation" and t["email"] == user_email.lower()]
        if len(ids) != 1:
            raise LabelStudioUIError(f"{len(ids)} annotation tabs by {user_email}: {annotation_tabs(page)}")
        annotation_id = ids[0]
    tab = _annotation_tab(page, annotation_id)
    if "lsf-annotation-button_selected" not in (tab.get_attribute("class") or ""):
        tab.locator(".lsf-annotation-button__mainSection").click()
    expect(tab).to_have_class(re.compile(r"lsf-annotation-button_selected"), timeout=TIMEOUT_MS)
    page.wait_for_function("(id) => String(window.Htx.annotationStore.selected.pk) === String(id)", arg=annotation_id)
    return annotation_id


def mark_ground_truth(
    page: Page, base_url: str, annotation_id: int | None = None, value: bool = True, verify_in_ui: bool = True
) -> dict[str, Any]:
    """Mark an annotation (default: the one shown) as the task's ground truth.

    Label Studio 1.23.2 Community shows no control for it: the annotation-tab menu offers
    "Set as Ground Truth" only with the labelling store's "ground-truth" interface, which the
    Community app never turns on. Then this PATCHes `ground_truth` through the browser's own
    logged-in session (as the UI would), reloads and waits for the tab's ground-truth star
    (`verify_in_ui`, ~2 s). Returns the annotation as the server has it afterwards."""
    if annotation_id is None:
        annotation_id = int(page.evaluate("() => window.Htx.annotationStore.selected.pk"))
    tab = _annotation_tab(page, annotation_id)
    if page.evaluate("() => window.Htx.hasInterface('ground-truth')"):
        if ("lsf-annotation-button_groundTruth" in (tab.get_attribute("class") or "")) != value:
            tab.locator(".lsf-annotation-button__trigger").click()
            page.get_by_text(re.compile(r"(Set|Unset)\s+as Ground Truth")).click()
    else:
        csrf = next((c["value"] for c in page.context.cookies(base_url) if c["name"] == "csrftoken"), "")
        r = page.request.patch(
            f"{base_url}/api/annotations/{annotation_id}",
            data={"ground_truth": value},
            headers={"X-CSRFToken": csrf, "Referer": f"{base_url}/"},
        )
        _ok(r, f"setting ground_truth of annotation {annotation_id}")
        if verify_in_ui:
            task_id = shown_task(page).id
            page.reload()
            _wait_task_loaded(page, base_url, task_id)
    if verify_in_ui:
        expect(_annotation_tab(page, annotation_id)).to_have_class(
            re.compile(r"lsf-annotation-button_groundTruth") if value else re.compile(r"^(?!.*groundTruth)"),
            timeout=TIMEOUT_MS,
        )
    r = page.request.get(f"{base_url}/api/annotations/{annotation_id}")
    return _ok(r, f"reading annotation {annotation_id}")


def open_compare_all(page: Page) -> None:
    """Label Studio's compare view ("Compare All" above the tabs): every annotation side by side."""
    toggle = page.get_by_test_id("compare-all-toggle")
    if toggle.get_attribute("aria-pressed") != "true":
        toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true", timeout=TIMEOUT_MS)
    n = page.locator(".lsf-annotation-button").count()
    expect(page.locator(TEXT)).to_have_count(n, timeout=TIMEOUT_MS)


def close_compare_all(page: Page) -> None:
    toggle = page.get_by_test_id("compare-all-toggle")
    if toggle.get_attribute("aria-pressed") == "true":
        toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "false", timeout=TIMEOUT_MS)


def screenshot(page: Page, path: str | Path, full_page: bool = True) -> Path:
    """Save a PNG of the page (parent folders created)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=full_page)
    return path
