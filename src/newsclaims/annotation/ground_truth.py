"""`newsclaims annotate ground-truth ID`: mark the adjudicated annotation of a task as its ground truth.

The adjudicator fixes an annotation in Label Studio's labelling page (annotation tabs, *Compare
all*, *Update*). The star that marks it ground truth belongs to an interface the Community
edition leaves off in its labelling page (`groundTruth`: Enterprise), although the server keeps
the flag and shows it on the annotation's tab. This command sets the same flag through the
same API the star calls, and clears it on the task's other annotations: one ground truth per
task, which `annotate pull` and the release take as that document's gold.
"""

from __future__ import annotations

from label_studio_sdk import LabelStudio
from label_studio_sdk.core.api_error import ApiError

from newsclaims.annotation.client import client_url, find_project, translated_errors
from newsclaims.errors import NewsclaimsError


def mark_ground_truth(client: LabelStudio, project_title: str, annotation_id: int, value: bool = True) -> int:
    """Set (or clear) the ground-truth flag of one annotation of the project; returns its task id."""
    url = client_url(client)
    project = find_project(client, project_title)
    if project is None:
        raise NewsclaimsError(f"no Label Studio project titled {project_title!r} at {url}")
    with translated_errors(url, f"reading annotation {annotation_id}"):
        try:
            annotation = client.annotations.get(id=annotation_id)
        except ApiError as e:
            if e.status_code == 404:
                raise NewsclaimsError(f"no annotation {annotation_id} at {url} (the id is shown on its tab)") from None
            raise
    if annotation.project != project.id:
        raise NewsclaimsError(f"annotation {annotation_id} belongs to another project, not {project_title!r}")
    if annotation.was_cancelled:
        raise NewsclaimsError(f"annotation {annotation_id} is a skip, not an annotation: it cannot be ground truth")
    with translated_errors(url, f"marking annotation {annotation_id} as ground truth"):
        if value:
            for other in client.annotations.list(id=annotation.task):
                if other.id != annotation_id and other.ground_truth:
                    client.annotations.update(id=other.id, ground_truth=False)
        client.annotations.update(id=annotation_id, ground_truth=value)
    return annotation.task
