"""`newsclaims annotate status`: how far a round is, per pseudonymous annotator, and agreement so far.

Reads the project with pull's own step (`pull.read_project`: snapshot-API export, the same
pseudonym map, offsets checked against the corpus) but writes no snapshot. A task is done when as many
distinct annotators as the project's overlap submitted it (skips do not count, as in Label
Studio's own queue), in progress when some did, remaining when none did. Agreement is the
release's measure (span F1 per label, `said_by` F1, attribute alpha) over the documents that
have two or more annotations. Nothing personal is printed: annotators are `annotator-N`.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from label_studio_sdk import LabelStudio

from newsclaims.annotation.client import client_url, find_project
from newsclaims.annotation.defaults import DEFAULT_PROJECT
from newsclaims.annotation.pseudonymize import PSEUDONYMS_FILE
from newsclaims.annotation.pull import read_project
from newsclaims.annotation.push_migration import REVIEW_FIELD
from newsclaims.errors import NewsclaimsError
from newsclaims.paths import VERSIONS_DIR
from newsclaims.release.agreement import ALL_LABELS, AgreementReport, measure_agreement
from newsclaims.schemas.taxonomy import Taxonomy, load_taxonomy


@dataclass
class AnnotatorProgress:
    annotator: str
    submitted: int = 0
    skipped: int = 0
    median_lead_seconds: float | None = None


@dataclass
class RoundStatus:
    project: str
    project_id: int
    overlap: int
    tasks: int
    done: int
    in_progress: int
    remaining: int
    submissions_missing: int  # submissions still needed for every task to reach the overlap
    needs_review: int  # tasks re-anchored to a changed text and not updated since
    annotators: list[AnnotatorProgress]
    agreement: AgreementReport
    problems: list[str] = field(default_factory=list)  # what `annotate pull` would refuse

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def progress(tasks: list[dict[str, Any]], overlap: int) -> tuple[dict[str, int], list[AnnotatorProgress]]:
    """Task counts against the overlap, and each annotator's submitted / skipped / lead time,
    from a pseudonymized export."""
    counts = {"done": 0, "in_progress": 0, "remaining": 0, "submissions_missing": 0, "needs_review": 0}
    people: dict[str, AnnotatorProgress] = {}
    lead_times: dict[str, list[float]] = defaultdict(list)
    for task in tasks:
        submitters = set()
        for ann in task.get("annotations") or []:
            who = ann.get("completed_by")
            if not isinstance(who, str):
                continue
            person = people.setdefault(who, AnnotatorProgress(who))
            if ann.get("was_cancelled"):
                person.skipped += 1
                continue
            person.submitted += 1
            submitters.add(who)
            if isinstance(lead := ann.get("lead_time"), int | float) and not isinstance(lead, bool):
                lead_times[who].append(float(lead))
        counts["needs_review"] += bool((task.get("data") or {}).get(REVIEW_FIELD))
        n = len(submitters)
        counts["done" if n >= overlap else "in_progress" if n else "remaining"] += 1
        counts["submissions_missing"] += max(0, overlap - n)
    for who, times in lead_times.items():
        people[who].median_lead_seconds = round(statistics.median(times), 1)
    ordered = sorted(people.values(), key=lambda p: (len(p.annotator), p.annotator))  # annotator-2 before -10
    return counts, ordered


def round_status(
    client: LabelStudio,
    project_title: str = DEFAULT_PROJECT,
    *,
    versions_dir: Path = VERSIONS_DIR,
    pseudonyms_file: Path = PSEUDONYMS_FILE,
    taxonomy: Taxonomy | None = None,
) -> RoundStatus:
    taxonomy = taxonomy or load_taxonomy()
    project = find_project(client, project_title)
    if project is None:
        raise NewsclaimsError(
            f"no Label Studio project titled {project_title!r} at {client_url(client)}; "
            "push a corpus first with `newsclaims annotate push`"
        )
    read = read_project(client, project.id, versions_dir, pseudonyms_file, taxonomy)
    tasks, parsed = read.tasks, read.parsed
    overlap = project.maximum_annotations or 1
    counts, annotators = progress(tasks, overlap)
    return RoundStatus(
        project=project_title,
        project_id=project.id,
        overlap=overlap,
        tasks=len(tasks),
        **counts,
        annotators=annotators,
        agreement=measure_agreement(parsed.records, taxonomy),
        problems=[str(p) for p in parsed.problems],
    )


def _f(x: float | None) -> str:
    return "–" if x is None else f"{x:.2f}"


def format_status(s: RoundStatus) -> str:
    lines = [
        f"project {s.project!r} (id {s.project_id}): {s.tasks} task(s), overlap {s.overlap} annotator(s) per task",
        f"  done {s.done} · in progress {s.in_progress} · remaining {s.remaining} "
        f"({s.submissions_missing} submission(s) still needed)",
    ]
    if s.needs_review:
        lines.append(f"  {s.needs_review} task(s) re-anchored to a changed text need a look (`{REVIEW_FIELD}`)")
    if s.annotators:
        lines.append(f"  {'annotator':<16}{'submitted':>10}{'skipped':>9}{'median lead time':>18}")
        for p in s.annotators:
            lead = "–" if p.median_lead_seconds is None else f"{p.median_lead_seconds:.1f} s"
            lines.append(f"  {p.annotator:<16}{p.submitted:>10}{p.skipped:>9}{lead:>18}")
    else:
        lines.append("  no annotations yet")
    a = s.agreement
    if not a.measured:
        lines.append(f"  agreement: not measured yet ({a.reason})")
    else:
        lines.append(f"  agreement {a.reason}, {a.annotator_pairs} annotator pair(s):")
        spans = [
            f"{label} {_f(x.exact_f1)}/{_f(x.overlap_f1)}"
            for label, x in a.spans.items()
            if x.pairs or label == ALL_LABELS
        ]
        lines.append("    span F1 exact/overlap: " + " · ".join(spans))
        lines.append(f"    said_by F1: {_f(a.said_by.exact_f1 if a.said_by else None)}")
        attrs = [
            f"{name} {_f(x.krippendorff_alpha)} (observed {_f(x.observed_agreement)}, {x.matched_claims} claims)"
            for name, x in a.claim_attributes.items()
        ]
        lines.append("    attribute alpha: " + " · ".join(attrs))
    if s.problems:
        lines.append(f"  {len(s.problems)} problem(s) that `annotate pull` will refuse until they are fixed:")
        lines += [f"    {p}" for p in s.problems[:10]]
    return "\n".join(lines)
