"""What a Label Studio project needs for a team's annotation round, applied on every push.

- Overlap: `maximum_annotations = N` with the overlap cohort at 100% makes Label Studio set
  `overlap = N` on every task (existing ones when the setting changes, new ones on import), and
  its label stream serves a task until N distinct annotators completed it, never twice to one
  annotator. The Community edition hides the setting in its UI but honours it on the server
  (`test_annotation_round.py` proves it in the browser). The project remembers N: a push
  without `--overlap` keeps what the project has.
- The annotators' guide: `annotation/GUIDELINES.md`, rendered to HTML, becomes the project's
  instructions, shown before labelling (`show_instruction`).
- Pre-fill: `model_version` names the pushed predictions so a new annotation starts from them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from label_studio_sdk import LabelStudio

from newsclaims.annotation.client import client_url, translated_errors
from newsclaims.errors import NewsclaimsError
from newsclaims.paths import ANNOTATION_DIR

GUIDELINES_FILE = ANNOTATION_DIR / "GUIDELINES.md"
FULL_COHORT = 100  # percent of tasks that get the overlap: all of them


@dataclass(frozen=True)
class RoundSettings:
    overlap: int
    instructions_html: str
    model_version: str | None  # None: this push sent no predictions, leave the project's as they are

    def project_fields(self) -> dict[str, object]:
        fields: dict[str, object] = {
            "maximum_annotations": self.overlap,
            "expert_instruction": self.instructions_html,
            "show_instruction": True,
        }
        if self.model_version is not None:
            fields |= {"show_collab_predictions": True, "model_version": self.model_version}
        return fields


def render_guidelines(path: Path = GUIDELINES_FILE) -> str:
    """The guide as HTML (CommonMark plus tables). Raw HTML in the Markdown is escaped, not passed
    through: the instructions are shown inside Label Studio's page."""
    from markdown_it import MarkdownIt

    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise NewsclaimsError(f"cannot read the annotators' guide {path}: {e.strerror}") from None
    return MarkdownIt("commonmark", {"html": False}).enable("table").render(text)


def check_overlap(overlap: int | None) -> None:
    if overlap is not None and not 1 <= overlap <= 100:
        raise NewsclaimsError(f"--overlap must be between 1 and 100 annotators per task, got {overlap}")


def apply_round_settings(
    client: LabelStudio, project, overlap: int | None, model_version: str | None, guidelines: Path = GUIDELINES_FILE
) -> RoundSettings:
    """Patch the project so it carries these settings (one request, only when something differs).

    `overlap=None` keeps the project's own `maximum_annotations` (1 for a new project).
    """
    check_overlap(overlap)
    settings = RoundSettings(
        overlap=overlap or project.maximum_annotations or 1,
        instructions_html=render_guidelines(guidelines),
        model_version=model_version,
    )
    wanted = settings.project_fields()
    if (project.overlap_cohort_percentage or FULL_COHORT) != FULL_COHORT:
        # Changing the cohort too makes Label Studio re-deal overlaps over all tasks, which is what we want.
        wanted["overlap_cohort_percentage"] = FULL_COHORT
    changed = {k: v for k, v in wanted.items() if getattr(project, k, None) != v}
    if changed:
        with translated_errors(client_url(client), f"updating the settings of project {project.title!r}"):
            # ignored: the SDK types each field as its own keyword, and `changed` holds some of them.
            client.projects.update(id=project.id, **changed)  # type: ignore[arg-type]
    return settings
