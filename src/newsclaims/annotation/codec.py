"""Label Studio `result` items <-> typed regions: the one place that knows their JSON shape.

Three kinds of item, as the generated config produces them:
- `Region`: a labelled span (`type: labels`) of a <Labels> control (entities or claims);
- `RegionChoice`: a per-region choice (`type: choices`) of a claim attribute's <Choices>,
  carrying the id and offsets of the span it belongs to;
- `RegionText`: the free text (`type: textarea`) of a free-text claim attribute's per-region
  <TextArea>, carried like a choice (Label Studio keeps the text as a list in `value.text`);
- `Relation`: a link between two regions (`type: relation`).

`encode` writes items (pre-annotations, seed annotations, benchmark annotations). The
`decode_*` functions read them back, structurally only (ids, one label or choice, offsets
inside the text): what the labels *mean* is the taxonomy's business, checked by the export
parser, which walks a result with `items_in_order`; `regions` is the lenient read of the spans
alone (the pre-annotation lexicon). `annotation_items` turns record-shaped spans, claims and
said_by links into items, so a writer never spells a control or relation name itself.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from newsclaims.annotation.records import ClaimRecord, SaidByLink, SpanRecord
from newsclaims.schemas.controls import CLAIMS_NAME, ENTITIES_NAME, SAID_BY, TEXT_NAME
from newsclaims.schemas.taxonomy import Taxonomy

LABELS, CHOICES, TEXTAREA, RELATION = "labels", "choices", "textarea", "relation"


@dataclass(frozen=True, slots=True)
class Region:
    """A labelled span; `text` is text[start:end] of the document."""

    id: str
    control: str  # from_name: ENTITIES_NAME or CLAIMS_NAME
    label: str
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class RegionChoice:
    """The value chosen in a per-region <Choices> (`control`) for the region `region_id`."""

    region_id: str
    control: str
    value: str
    start: int  # the region's offsets, as Label Studio repeats them (-1 if an export lacks them)
    end: int


@dataclass(frozen=True, slots=True)
class RegionText:
    """The text typed in a per-region <TextArea> (`control`) for the region `region_id`."""

    region_id: str
    control: str
    value: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Relation:
    from_id: str
    to_id: str
    label: str
    direction: str = "right"


Item = Region | RegionChoice | RegionText | Relation


@dataclass(frozen=True, slots=True)
class ItemProblem:
    """Why one result item could not be read; `region_id` locates it (None: it has no id)."""

    region_id: str | None
    message: str


# ---- writing --------------------------------------------------------------------------------


def encode_item(item: Item, origin: str | None = None) -> dict[str, Any]:
    """One result item. `origin` ("prediction", "manual") is written when given; key order is
    Label Studio's own (it stores what it is sent, and re-imports compare the items)."""
    if isinstance(item, Relation):
        return {
            "from_id": item.from_id,
            "to_id": item.to_id,
            "type": RELATION,
            "direction": item.direction,
            "labels": [item.label],
        }
    if isinstance(item, Region):
        out: dict[str, Any] = {"id": item.id, "from_name": item.control, "to_name": TEXT_NAME, "type": LABELS}
        value: dict[str, Any] = {"start": item.start, "end": item.end, "text": item.text, "labels": [item.label]}
    elif isinstance(item, RegionText):
        out = {"id": item.region_id, "from_name": item.control, "to_name": TEXT_NAME, "type": TEXTAREA}
        value = {"start": item.start, "end": item.end, "text": [item.value]}
    else:
        out = {"id": item.region_id, "from_name": item.control, "to_name": TEXT_NAME, "type": CHOICES}
        value = {"start": item.start, "end": item.end, "choices": [item.value]}
    if origin is not None:
        out["origin"] = origin
    out["value"] = value
    return out


def encode(items: Iterable[Item], origin: str | None = None) -> list[dict[str, Any]]:
    return [encode_item(i, origin) for i in items]


def annotation_items(
    entities: Iterable[SpanRecord], claims: Iterable[ClaimRecord], said_by: Iterable[SaidByLink], tax: Taxonomy
) -> list[Item]:
    """Entity spans, then each claim span followed by its set attributes (taxonomy order) and its
    said_by relations, drawn from the claim to the speaker. The order is what seed imports have
    always sent (committed snapshots hold it); links of no listed claim come last."""
    items: list[Item] = [Region(e.id, ENTITIES_NAME, e.label, e.start, e.end, e.text) for e in entities]
    links: dict[str, list[SaidByLink]] = defaultdict(list)
    for link in said_by:
        links[link.claim_id].append(link)
    for c in claims:
        items.append(Region(c.id, CLAIMS_NAME, tax.claim.name, c.start, c.end, c.text))
        for attr in tax.claim.attributes:
            value = c.attributes.get(attr.name)
            if value is not None:
                kind = RegionChoice if attr.is_choice else RegionText
                items.append(kind(c.id, attr.name, value, c.start, c.end))
        items += [Relation(link.claim_id, link.speaker_id, SAID_BY) for link in links.pop(c.id, [])]
    items += [Relation(link.claim_id, link.speaker_id, SAID_BY) for rest in links.values() for link in rest]
    return items


# ---- reading --------------------------------------------------------------------------------


def _same_text(reported: str, actual: str) -> bool:
    """value.text may carry escaped newlines or collapsed whitespace; compare loosely."""
    if reported == actual:
        return True
    unescaped = reported.replace("\\r\\n", "\n").replace("\\n", "\n").replace("\\t", "\t")
    if unescaped == actual:
        return True
    return re.sub(r"\s+", " ", unescaped).strip() == re.sub(r"\s+", " ", actual).strip()


def _object(value: Any) -> dict[str, Any]:
    """`value` if it is a JSON object, else {} (a hand-edited or foreign export can hold anything)."""
    return value if isinstance(value, dict) else {}


def _single(values: Any) -> str | None:
    """The one label/choice of an item, or None if there is not exactly one."""
    if isinstance(values, list) and len(values) == 1 and isinstance(values[0], str):
        return values[0]
    return None


def _offsets(value: dict[str, Any], text: str, check_text: bool) -> tuple[int, int] | str:
    """(start, end), or the reason the offsets are unusable for `text`."""
    start, end = value.get("start"), value.get("end")
    if not isinstance(start, int) or not isinstance(end, int) or isinstance(start, bool) or isinstance(end, bool):
        return f"offsets must be integers, got start={start!r} end={end!r}"
    if not 0 <= start < end <= len(text):
        return f"offsets {start}:{end} out of range for a text of {len(text)} characters"
    reported = value.get("text")
    if check_text and isinstance(reported, str) and not _same_text(reported, text[start:end]):
        return f"span {start}:{end} reads {text[start:end]!r} in the document but Label Studio says {reported!r}"
    return start, end


def decode_region(r: dict[str, Any], text: str, check_text: bool = True) -> Region | ItemProblem:
    """A `labels` item as a Region. Offsets are the truth (`text[start:end]`); `value.text` is
    only a cross-check, skipped with check_text=False."""
    rid, control, value = r.get("id"), r.get("from_name"), _object(r.get("value"))
    if not isinstance(rid, str) or not rid:
        return ItemProblem(None, f"{control} span without a region id")
    label = _single(value.get("labels"))
    if label is None:
        return ItemProblem(rid, f"a span needs exactly one label, got {value.get('labels')!r}")
    span = _offsets(value, text, check_text)
    if isinstance(span, str):
        return ItemProblem(rid, span)
    start, end = span
    return Region(rid, str(control), label, start, end, text[start:end])


def decode_choice(r: dict[str, Any], allowed: Mapping[str, Collection[str]]) -> RegionChoice | ItemProblem:
    """A `choices` item of one of the `allowed` controls (control -> its choice values)."""
    rid, control, value = r.get("id"), r.get("from_name"), _object(r.get("value"))
    if not isinstance(rid, str):
        return ItemProblem(None, f"{control} choice without a region id")
    if not isinstance(control, str) or control not in allowed:
        return ItemProblem(rid, f"unknown per-region choice {control!r}")
    choice = _single(value.get("choices"))
    if choice is None or choice not in allowed[control]:
        return ItemProblem(
            rid, f"{control} must be one of {', '.join(sorted(allowed[control]))}; got {value.get('choices')!r}"
        )
    start, end = value.get("start"), value.get("end")
    return RegionChoice(
        rid, control, choice, start if isinstance(start, int) else -1, end if isinstance(end, int) else -1
    )


def decode_text(r: dict[str, Any], allowed: Collection[str]) -> RegionText | ItemProblem | None:
    """A `textarea` item of one of the `allowed` free-text controls; None when it holds no text
    (an emptied box). Several submissions are kept one per line, in the order typed."""
    rid, control, value = r.get("id"), r.get("from_name"), _object(r.get("value"))
    if not isinstance(rid, str):
        return ItemProblem(None, f"{control} text without a region id")
    if not isinstance(control, str) or control not in allowed:
        return ItemProblem(rid, f"unknown per-region text {control!r}")
    texts = value.get("text")
    if isinstance(texts, str):
        texts = [texts]
    if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
        return ItemProblem(rid, f"{control} text must be a list of strings, got {texts!r}")
    joined = "\n".join(t.strip() for t in texts if t.strip())
    if not joined:
        return None
    start, end = value.get("start"), value.get("end")
    return RegionText(
        rid, control, joined, start if isinstance(start, int) else -1, end if isinstance(end, int) else -1
    )


def decode_relation(r: dict[str, Any], label: str) -> Relation | ItemProblem:
    """A `relation` item carrying exactly the relation label `label` (the one the records keep).
    A problem is located by "from->to" (a relation has no id of its own)."""
    a, b = r.get("from_id"), r.get("to_id")
    where = f"{a}->{b}"
    if not isinstance(a, str) or not isinstance(b, str):
        return ItemProblem(where, f"{label} needs from_id and to_id region ids")
    labels = r.get("labels") or []
    if labels != [label]:
        return ItemProblem(where, f"relation must carry exactly the label {label!r}, got {labels!r}")
    direction = r.get("direction")
    return Relation(a, b, label, direction if isinstance(direction, str) else "right")


def items_in_order(result: list[Any]) -> Iterator[tuple[str, dict[str, Any]] | ItemProblem]:
    """(type, item) for every readable item: spans first, then choices and texts, then relations
    (they refer to spans); an ItemProblem for each item of no known type, before all."""
    known = (LABELS, CHOICES, TEXTAREA, RELATION)
    for r in result:
        if not isinstance(r, dict) or r.get("type") not in known:
            rid = r.get("id") if isinstance(r, dict) else None
            kind = r.get("type") if isinstance(r, dict) else type(r).__name__
            yield ItemProblem(rid if isinstance(rid, str) else None, f"unexpected result item of type {kind!r}")
    for kind in known:
        yield from ((kind, r) for r in result if isinstance(r, dict) and r.get("type") == kind)


def regions(result: Any, text: str, control: str | None = None, check_text: bool = True) -> list[Region]:
    """The readable spans of a result (of `control` only, if given); unreadable ones are left out."""
    if not isinstance(result, list):
        return []
    out = []
    for r in result:
        if isinstance(r, dict) and r.get("type") == LABELS and (control is None or r.get("from_name") == control):
            region = decode_region(r, text, check_text)
            if isinstance(region, Region):
                out.append(region)
    return out
