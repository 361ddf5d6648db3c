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
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from newsclaims.annotation import codec
from newsclaims.annotation.codec import Region
from newsclaims.annotation.records import (
    AnnotationRecord,
    ClaimRecord,
    SaidByLink,
    SpanRecord,
)
from newsclaims.schemas.controls import CLAIMS_NAME, ENTITIES_NAME, SAID_BY
from newsclaims.schemas.taxonomy import Taxonomy


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


def _object(value: Any) -> dict[str, Any]:
    """`value` if it is a JSON object, else {} (a hand-edited or foreign export can hold anything)."""
    return value if isinstance(value, dict) else {}


def _int_id(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


class _AnnotationParser:
    """Parses one annotation's `result` list (read by the codec, judged against the taxonomy);
    collects problems instead of raising."""

    def __init__(self, taxonomy: Taxonomy, text: str, problem: Callable[[str | None, str], None]) -> None:
        self.tax = taxonomy
        self.text = text
        self.problem = problem
        self.attributes = {a.name: set(a.value_names) for a in taxonomy.claim.choice_attributes}
        self.texts = frozenset(a.name for a in taxonomy.claim.text_attributes)
        self.entity_names = frozenset(taxonomy.entity_names)  # a computed property: once, not per span
        said_by = taxonomy.relation(SAID_BY)
        self.speaker_labels = set(said_by.to_labels)
        self.link_ends = f"{'/'.join(said_by.from_labels)} and a {'/'.join(said_by.to_labels)}"  # taxonomy order
        self.entities: dict[str, SpanRecord] = {}
        self.claims: dict[str, Region] = {}
        self.chosen: dict[str, dict[str, str]] = {}
        self.links: list[SaidByLink] = []

    def parse(self, result: list[Any]) -> tuple[list[SpanRecord], list[ClaimRecord], list[SaidByLink]]:
        for entry in codec.items_in_order(result):
            if isinstance(entry, codec.ItemProblem):
                self.problem(entry.region_id, entry.message)
            elif entry[0] == codec.LABELS:
                self._span(entry[1])
            elif entry[0] == codec.CHOICES:
                self._choice(entry[1])
            elif entry[0] == codec.TEXTAREA:
                self._text(entry[1])
            else:
                self._relation(entry[1])
        entities = sorted(self.entities.values(), key=lambda s: (s.start, s.end, s.label, s.id))
        names = [a.name for a in self.tax.claim.attributes]
        claims = sorted(
            (
                ClaimRecord(c.id, c.start, c.end, c.text, {n: self.chosen[c.id].get(n) for n in names})
                for c in self.claims.values()
            ),
            key=lambda c: (c.start, c.end, c.id),
        )
        links = sorted(set(self.links), key=lambda link: (link.claim_id, link.speaker_id))
        return entities, claims, links

    def _span(self, r: dict[str, Any]) -> None:
        rid = r.get("id")
        if isinstance(rid, str) and (rid in self.entities or rid in self.claims):
            self.problem(rid, "two spans share this region id")
            return
        region = codec.decode_region(r, self.text)
        if isinstance(region, codec.ItemProblem):
            self.problem(region.region_id, region.message)
        elif region.control == ENTITIES_NAME and region.label in self.entity_names:
            self.entities[region.id] = SpanRecord(region.id, region.start, region.end, region.label, region.text)
        elif region.control == CLAIMS_NAME and region.label == self.tax.claim.name:
            self.claims[region.id] = region
            self.chosen[region.id] = {}
        else:
            self.problem(
                region.id, f"label {region.label!r} from control {r.get('from_name')!r} is not in the taxonomy"
            )

    def _misplaced(self, r: dict[str, Any], controls: Collection[str]) -> bool:
        """True (and a problem) when a claim attribute item sits on something other than a claim."""
        rid, control = r.get("id"), r.get("from_name")
        if isinstance(rid, str) and isinstance(control, str) and control in controls and rid not in self.claims:
            target = "an entity span" if rid in self.entities else "no span"
            self.problem(
                rid, f"{control} is attached to {target}; claim attributes belong on {self.tax.claim.name} spans"
            )
            return True
        return False

    def _text(self, r: dict[str, Any]) -> None:
        if self._misplaced(r, self.texts):
            return
        text = codec.decode_text(r, self.texts)
        if isinstance(text, codec.ItemProblem):
            self.problem(text.region_id, text.message)
        elif text is not None:
            self.chosen[text.region_id][text.control] = text.value

    def _choice(self, r: dict[str, Any]) -> None:
        if self._misplaced(r, self.attributes):
            return
        choice = codec.decode_choice(r, self.attributes)
        if isinstance(choice, codec.ItemProblem):
            self.problem(choice.region_id, choice.message)
        else:
            self.chosen[choice.region_id][choice.control] = choice.value

    def _kind(self, region_id: str) -> str:
        if region_id in self.claims:
            return self.tax.claim.name
        return self.entities[region_id].label if region_id in self.entities else "missing region"

    def _relation(self, r: dict[str, Any]) -> None:
        rel = codec.decode_relation(r, SAID_BY)
        if isinstance(rel, codec.ItemProblem):
            self.problem(rel.region_id, rel.message)
            return
        a, b = rel.from_id, rel.to_id
        where = f"{a}->{b}"
        # Normalize direction: annotators draw the arrow either way; said_by always goes
        # from the claim to its speaker, whatever `direction` says.
        if a in self.claims and b in self.entities:
            claim_id, speaker_id = a, b
        elif b in self.claims and a in self.entities:
            claim_id, speaker_id = b, a
        else:
            self.problem(where, f"{SAID_BY} must link a {self.link_ends} span, got {self._kind(a)} and {self._kind(b)}")
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
        out.problems.append(
            ParseProblem(
                task_id, doc_id, annotation_id, region_id, message, annotator if isinstance(annotator, str) else None
            )
        )

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
        problem(
            None,
            None,
            f"the task text differs from the corpus text of {doc_id} (corpus version "
            f"{meta.get('corpus_version')!r}): it changed after it was pushed",
        )
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
            problem(
                ann_id,
                None,
                f"{annotator} submitted this task twice (annotations {submitted_by[annotator]} and "
                f"{ann_id}): delete or cancel one in Label Studio",
                annotator,
            )
            continue
        submitted_by[annotator] = ann_id
        result = ann.get("result")
        if not isinstance(result, list):
            problem(ann_id, None, f"result must be a list, got {type(result).__name__}", annotator)
            continue

        def region_problem(rid: str | None, msg: str, a: int = ann_id, who: str = annotator) -> None:
            problem(a, rid, msg, who)

        parser = _AnnotationParser(taxonomy, text, region_problem)
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


def parse_export(tasks: Iterable[dict[str, Any]], texts: dict[str, str | None], taxonomy: Taxonomy) -> TaskParse:
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
