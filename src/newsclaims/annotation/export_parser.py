"""Turn one task of a Label Studio JSON export into `AnnotationRecord`s.

A pure function: no server, no files. The caller passes the document text the offsets must
fit (the corpus text; Label Studio offsets are code points, the same as Python slicing, so
`text[start:end]` is the truth and `value.text` is only a cross-check).

What counts as an annotation:
- every entry of `task["annotations"]` that is not `was_cancelled`;
- a submitted annotation with an empty result is kept as a record with empty lists: the
  annotator read the article and found nothing to label, which is information too;
- `task["drafts"]` (unsaved work) and `task["predictions"]` (machine suggestions) are never
  annotations; they are only counted.

The export must be pseudonymized first (`completed_by` is then a pseudonym string): records
carry the annotator's pseudonym, never a user id or an email.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from newsclaims.annotation.records import AnnotationRecord, ClaimRecord, SaidByLink, SpanRecord
from newsclaims.schemas.taxonomy import Taxonomy

# Control names of the labelling config (see the Label Studio contract in the briefs).
ENTITIES_CONTROL = "entities"
CLAIMS_CONTROL = "claims"
SAID_BY = "said_by"


@dataclass(frozen=True)
class ParseProblem:
    """One thing wrong in an export, located precisely enough to fix it in Label Studio."""

    task_id: int | None
    doc_id: str | None
    annotation_id: int | None
    region_id: str | None
    message: str
    annotator: str | None = None  # the pseudonym, once the export is pseudonymized

    def __str__(self) -> str:
        where = [f"task {self.task_id}", f"doc {self.doc_id}"]
        if self.annotator is not None:
            where.append(self.annotator)
        if self.annotation_id is not None:
            where.append(f"annotation {self.annotation_id}")
        if self.region_id is not None:
            where.append(f"region {self.region_id}")
        return f"{', '.join(where)}: {self.message}"


@dataclass
class TaskParse:
    """The records of one task, what was wrong with it, and what was skipped."""

    records: list[AnnotationRecord] = field(default_factory=list)
    problems: list[ParseProblem] = field(default_factory=list)
    cancelled: int = 0
    drafts: int = 0
    predictions: int = 0


def _same_text(reported: str, actual: str) -> bool:
    """value.text may carry escaped newlines or collapsed whitespace; compare loosely."""
    if reported == actual:
        return True
    unescaped = reported.replace("\\r\\n", "\n").replace("\\n", "\n").replace("\\t", "\t")
    if unescaped == actual:
        return True
    squash = lambda s: re.sub(r"\s+", " ", s).strip()  # noqa: E731
    return squash(unescaped) == squash(actual)


def _region_span(value: dict[str, Any], text: str) -> tuple[int, int, str] | str:
    """(start, end, text[start:end]) or the reason the offsets are unusable."""
    start, end = value.get("start"), value.get("end")
    if not isinstance(start, int) or not isinstance(end, int) or isinstance(start, bool) or isinstance(end, bool):
        return f"offsets must be integers, got start={start!r} end={end!r}"
    if not 0 <= start < end <= len(text):
        return f"offsets {start}:{end} out of range for a text of {len(text)} characters"
    actual = text[start:end]
    reported = value.get("text")
    if isinstance(reported, str) and not _same_text(reported, actual):
        return f"span {start}:{end} reads {actual!r} in the document but Label Studio says {reported!r}"
    return start, end, actual


def _object(value: Any) -> dict[str, Any]:
    """`value` if it is a JSON object, else {} (a hand-edited or foreign export can hold anything)."""
    return value if isinstance(value, dict) else {}


def _int_id(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _single(values: Any) -> str | None:
    """The one label/choice of a region, or None if there is not exactly one."""
    if isinstance(values, list) and len(values) == 1 and isinstance(values[0], str):
        return values[0]
    return None


class _AnnotationParser:
    """Parses one annotation's `result` list; collects problems instead of raising."""

    def __init__(self, taxonomy: Taxonomy, text: str, problem) -> None:
        self.tax = taxonomy
        self.text = text
        self.problem = problem  # callable(region_id, message)
        self.attributes = {a.name: set(a.value_names) for a in taxonomy.claim.attributes}
        self.entity_names = frozenset(taxonomy.entity_names)  # a computed property: once, not per span
        said_by = taxonomy.relation(SAID_BY)
        self.speaker_labels = set(said_by.to_labels)
        self.entities: dict[str, SpanRecord] = {}
        self.claims: dict[str, dict[str, Any]] = {}
        self.links: list[SaidByLink] = []

    def parse(self, result: list[Any]) -> tuple[list[SpanRecord], list[ClaimRecord], list[SaidByLink]]:
        spans = [r for r in result if isinstance(r, dict) and r.get("type") == "labels"]
        choices = [r for r in result if isinstance(r, dict) and r.get("type") == "choices"]
        relations = [r for r in result if isinstance(r, dict) and r.get("type") == "relation"]
        for r in result:
            if not isinstance(r, dict) or r.get("type") not in ("labels", "choices", "relation"):
                rid = r.get("id") if isinstance(r, dict) else None
                kind = r.get("type") if isinstance(r, dict) else type(r).__name__
                self.problem(rid, f"unexpected result item of type {kind!r}")
        for r in spans:
            self._span(r)
        for r in choices:
            self._choice(r)
        for r in relations:
            self._relation(r)
        entities = sorted(self.entities.values(), key=lambda s: (s.start, s.end, s.label, s.id))
        claims = sorted((ClaimRecord(**c) for c in self.claims.values()), key=lambda c: (c.start, c.end, c.id))
        links = sorted(set(self.links), key=lambda link: (link.claim_id, link.speaker_id))
        return entities, claims, links

    def _span(self, r: dict[str, Any]) -> None:
        rid, control, value = r.get("id"), r.get("from_name"), _object(r.get("value"))
        if not isinstance(rid, str) or not rid:
            self.problem(None, f"{control} span without a region id")
            return
        if rid in self.entities or rid in self.claims:
            self.problem(rid, "two spans share this region id")
            return
        label = _single(value.get("labels"))
        if label is None:
            self.problem(rid, f"a span needs exactly one label, got {value.get('labels')!r}")
            return
        span = _region_span(value, self.text)
        if isinstance(span, str):
            self.problem(rid, span)
            return
        start, end, actual = span
        if control == ENTITIES_CONTROL and label in self.entity_names:
            self.entities[rid] = SpanRecord(id=rid, start=start, end=end, label=label, text=actual)
        elif control == CLAIMS_CONTROL and label == self.tax.claim.name:
            self.claims[rid] = {"id": rid, "start": start, "end": end, "text": actual}
        else:
            self.problem(rid, f"label {label!r} from control {control!r} is not in the taxonomy")

    def _choice(self, r: dict[str, Any]) -> None:
        rid, control, value = r.get("id"), r.get("from_name"), _object(r.get("value"))
        if not isinstance(rid, str):
            self.problem(None, f"{control} choice without a region id")
            return
        if not isinstance(control, str) or control not in self.attributes:
            self.problem(rid, f"unknown per-region choice {control!r}")
            return
        if rid not in self.claims:
            target = "an entity span" if rid in self.entities else "no span"
            self.problem(rid, f"{control} is attached to {target}; claim attributes belong on CLAIM spans")
            return
        choice = _single(value.get("choices"))
        if choice is None or choice not in self.attributes[control]:
            allowed = ", ".join(sorted(self.attributes[control]))
            self.problem(rid, f"{control} must be one of {allowed}; got {value.get('choices')!r}")
            return
        self.claims[rid][control] = choice

    def _relation(self, r: dict[str, Any]) -> None:
        a, b = r.get("from_id"), r.get("to_id")
        where = f"{a}->{b}"
        if not isinstance(a, str) or not isinstance(b, str):
            self.problem(where, f"{SAID_BY} needs from_id and to_id region ids")
            return
        labels = r.get("labels") or []
        if labels != [SAID_BY]:
            self.problem(where, f"relation must carry exactly the label {SAID_BY!r}, got {labels!r}")
            return
        # Normalize direction: annotators draw the arrow either way; said_by always goes
        # from the CLAIM to its speaker, whatever `direction` says.
        if a in self.claims and b in self.entities:
            claim_id, speaker_id = a, b
        elif b in self.claims and a in self.entities:
            claim_id, speaker_id = b, a
        else:
            kinds = [
                "CLAIM" if x in self.claims else self.entities[x].label if x in self.entities else "missing region"
                for x in (a, b)
            ]
            self.problem(where, f"{SAID_BY} must link a CLAIM and a PERSON/ORG span, got {kinds[0]} and {kinds[1]}")
            return
        speaker = self.entities[speaker_id]
        if speaker.label not in self.speaker_labels:
            allowed = "/".join(sorted(self.speaker_labels))
            self.problem(where, f"{SAID_BY} speaker must be {allowed}, got {speaker.label} {speaker.text!r}")
            return
        self.links.append(SaidByLink(claim_id=claim_id, speaker_id=speaker_id))


def parse_task(task: dict[str, Any], text: str | None, taxonomy: Taxonomy) -> TaskParse:
    """Records for every submitted annotation of `task`, offsets checked against `text`.

    `text` is the corpus document text; None means "use the task's own data.text".
    """
    out = TaskParse()
    task = _object(task)
    task_id = _int_id(task.get("id"))
    data = _object(task.get("data"))
    meta = _object(task.get("meta"))
    doc_id = data.get("doc_id")
    drafts, predictions = task.get("drafts"), task.get("predictions")
    out.drafts = len(drafts) if isinstance(drafts, list) else 0
    out.predictions = len(predictions) if isinstance(predictions, list) else 0

    def problem(annotation_id, region_id, message, annotator=None):
        out.problems.append(ParseProblem(task_id, doc_id, annotation_id, region_id, message,
                                         annotator if isinstance(annotator, str) else None))

    if not isinstance(doc_id, str) or not doc_id:
        doc_id = None
        problem(None, None, "task has no data.doc_id: it was not pushed by `newsclaims annotate push`")
        return out
    if task_id is None:
        problem(None, None, f"task id must be an integer, got {task.get('id')!r}")
        return out
    task_text = data.get("text")
    if text is None:
        text = task_text
    elif isinstance(task_text, str) and task_text != text:
        # Offsets point into what the annotator saw; if that is not the corpus text they are meaningless.
        problem(None, None, f"the task text differs from the corpus text of {doc_id} (corpus version "
                f"{meta.get('corpus_version')!r}): it changed after it was pushed")
        return out
    if not isinstance(text, str):
        problem(None, None, "no document text to check offsets against")
        return out
    text_sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()

    annotations = task.get("annotations") or []
    if not isinstance(annotations, list):
        problem(None, None, f"annotations must be a list, got {type(annotations).__name__}")
        return out
    submitted_by: dict[str, int] = {}  # annotator -> their first submitted annotation of this task
    for ann in annotations:
        if not isinstance(ann, dict):
            problem(None, None, f"an annotation must be a JSON object, got {type(ann).__name__}")
            continue
        ann_id = _int_id(ann.get("id"))
        if ann_id is None:
            problem(None, None, f"annotation id must be an integer, got {ann.get('id')!r}")
            continue
        if ann.get("was_cancelled"):
            out.cancelled += 1
            continue
        annotator = ann.get("completed_by")
        if not isinstance(annotator, str):
            problem(ann_id, None, "completed_by is not a pseudonym: pseudonymize the export before parsing")
            continue
        if annotator in submitted_by:
            # Two votes from one person would count twice in agreement and majority: a human decides.
            problem(ann_id, None, f"{annotator} submitted this task twice (annotations {submitted_by[annotator]} and "
                    f"{ann_id}): delete or cancel one in Label Studio", annotator)
            continue
        submitted_by[annotator] = ann_id
        result = ann.get("result")
        if not isinstance(result, list):
            problem(ann_id, None, f"result must be a list, got {type(result).__name__}", annotator)
            continue
        parser = _AnnotationParser(taxonomy, text,
                                   lambda rid, msg, a=ann_id, who=annotator: problem(a, rid, msg, who))
        entities, claims, links = parser.parse(result)
        out.records.append(
            AnnotationRecord(
                doc_id=doc_id,
                annotator=annotator,
                task_id=task_id,
                annotation_id=ann_id,
                corpus_version=version if isinstance(version := meta.get("corpus_version"), str) else None,
                text_sha256=text_sha256,
                ground_truth=bool(ann.get("ground_truth")),
                entities=entities,
                claims=claims,
                said_by=links,
            )
        )
    return out


def record_sort_key(record: AnnotationRecord) -> tuple[str, str, int]:
    return (record.doc_id, record.annotator, record.annotation_id)


def parse_export(
    tasks: Iterable[dict[str, Any]], texts: dict[str, str | None], taxonomy: Taxonomy
) -> TaskParse:
    """Parse every task; `texts` maps doc_id -> corpus text (missing/None: the task's data.text)."""
    total = TaskParse()
    for task in tasks:
        doc_id = _object(_object(task).get("data")).get("doc_id")
        part = parse_task(task, texts.get(doc_id) if isinstance(doc_id, str) else None, taxonomy)
        total.records += part.records
        total.problems += part.problems
        total.cancelled += part.cancelled
        total.drafts += part.drafts
        total.predictions += part.predictions
    total.records.sort(key=record_sort_key)
    return total
