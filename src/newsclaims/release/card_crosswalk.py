"""The card's crosswalk section: the `sentences` config and a table of how our claim labels map
to CheckThat!, ClaimBuster, Full Fact, AFaCTA and ClaimReview, rendered from schemas/crosswalk.yaml
(never written by hand, so the table and the labels in the data cannot disagree)."""

from __future__ import annotations

from collections import Counter

from newsclaims.release.content import ReleaseContent
from newsclaims.schemas.crosswalk import Crosswalk, Rule


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _condition(rule: Rule) -> str:
    if not rule.when:
        return "any claim"
    parts = []
    for attr, values in rule.when.items():
        shown = " or ".join("(none)" if v is None else f"`{v}`" for v in values)
        parts.append(f"{attr} = {shown}")
    return ", ".join(parts)


def crosswalk_table(cw: Crosswalk) -> list[str]:
    lines = ["| scheme | our labels | their label | mapping | note |", "|---|---|---|---|---|"]
    for s in cw.schemes:
        for rule in (*s.rules, s.no_claim):
            ours = "sentence without a claim" if rule is s.no_claim else _condition(rule)
            if rule.label is None:
                theirs = "null (one of " + ", ".join(f"`{s.code(c)}`" for c in rule.could_be) + ")"
            else:
                theirs = f"`{s.code(rule.label)}`" + (f" ({rule.label})" if s.code(rule.label) != rule.label else "")
            lines.append(f"| {_cell(s.title)} | {_cell(ours)} | {theirs} | {rule.fidelity} | {_cell(rule.note)} |")
    cr = cw.claimreview
    for f in cr.fields:
        lines.append(f"| {_cell(cr.title)} | {_cell(f.source)} | `{f.field}` | {f.fidelity} | {_cell(f.note)} |")
    return lines


def crosswalk_card_section(content: ReleaseContent) -> str:
    cw = content.inputs.sentence_crosswalk
    if cw is None:  # a release of a taxonomy the crosswalk was not written for
        return ""
    rows = [r for split in content.rows.get("sentences", {}).values() for r in split]
    counts = {s.name: Counter(r[s.name] for r in rows) for s in cw.schemes}

    def dist(name: str) -> str:
        scheme = cw.scheme(name)
        shown = [f"{scheme.code(lab)}: {counts[name].get(lab, 0)}" for lab in scheme.label_names]
        if counts[name].get(None):
            shown.append(f"null (cannot be said): {counts[name][None]}")
        return ", ".join(shown)

    lines = [
        "",
        "## Sentences and the crosswalk to other claim schemes",
        "",
        f"The `sentences` config has {len(rows)} sentences (syntok, within each paragraph, heading and list "
        "item: `role` is `heading`, `list_item` or `body`), each with its offsets, `paragraph`, the `said_by` "
        "speakers of the claims in it, the keys of those claims, and one label per scheme below, derived from "
        "the claim spans (a sentence takes the first label of the scheme's order that any of its claims gets; "
        "null where the mapping cannot say). The `ner` config has one row per sentence (`id` as in "
        "`sentences`, `doc_id`); abbreviations and initials keep their periods (`U.S.`, `P.`).",
        "",
        *(f"- {cw.scheme(s.name).title}: {dist(s.name)}" for s in cw.schemes),
        "",
        "`newsclaims export checkthat|claimbuster|claimreview --release VERSION --out FILE` writes the files "
        "those communities read. The mapping, from `schemas/crosswalk.yaml` (exact: the definitions coincide; "
        "lossy: information is lost or the definitions differ):",
        "",
        *crosswalk_table(cw),
        "",
    ]
    return "\n".join(lines)


def ontonotes_card_section(content: ReleaseContent) -> str:
    """Our entity labels against OntoNotes 5.0, from the taxonomy's `ontonotes` fields."""
    tax = content.inputs.taxonomy
    if not any(e.ontonotes for e in tax.entities):  # a taxonomy written before it said
        return ""
    lines = [
        "",
        "## Entity labels and OntoNotes 5.0",
        "",
        "| our label | OntoNotes 5.0 label(s) |",
        "|---|---|",
        *(f"| `{e.name}` | {', '.join(f'`{o}`' for o in e.ontonotes) or '(none)'} |" for e in tax.entities),
    ]
    if tax.ontonotes_unmapped:
        lines += ["", "OntoNotes labels with no label of ours:", ""]
        lines += [f"- `{u.name}`: {_cell(u.note)}" for u in tax.ontonotes_unmapped]
    return "\n".join([*lines, ""])
