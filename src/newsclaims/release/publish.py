"""`newsclaims publish`: upload a release folder to the Hugging Face Hub (huggingface_hub).

Before anything is sent, the folder is checked offline: its card's metadata (licence, configs
whose data files exist, dataset_info), that it is a release as built (not a hydrated copy), and
that no document's text is in it unless its licence allows redistribution. `--dry-run` stops
there and lists the files. The token comes from the environment (`HF_TOKEN`) and is never
printed.
"""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass, field
from pathlib import Path

from newsclaims.errors import NewsclaimsError
from newsclaims.release.licensing import redistributable

TOKEN_VARIABLES = ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN")


class PublishError(NewsclaimsError):
    pass


@dataclass
class PublishPlan:
    release: Path
    repo_id: str
    files: list[tuple[str, int]] = field(default_factory=list)  # path in the repo, bytes
    problems: list[str] = field(default_factory=list)


def _check_card(release: Path, plan: PublishPlan) -> None:
    from huggingface_hub import DatasetCard

    card = DatasetCard.load(release / "README.md")
    meta = card.data.to_dict()
    lic = meta.get("license")
    if not lic:
        plan.problems.append("README.md: no `license`")
    elif lic == "other" and not (meta.get("license_name") and meta.get("license_link")):
        plan.problems.append("README.md: `license: other` without `license_name` and `license_link`")
    configs = meta.get("configs") or []
    if not configs:
        plan.problems.append("README.md: no `configs`")
    names = [p for p, _ in plan.files]
    for c in configs:
        for df in c.get("data_files", []):
            if not fnmatch.filter(names, df["path"]):
                plan.problems.append(
                    f"README.md: config {c.get('config_name')} split {df['split']}: no file matches {df['path']}"
                )
    info_names = {i.get("config_name") for i in meta.get("dataset_info") or []}
    missing = {c.get("config_name") for c in configs} - info_names
    if missing:
        plan.problems.append(f"README.md: no dataset_info for {', '.join(sorted(missing))}")


def _check_text(release: Path, plan: PublishPlan) -> None:
    import pyarrow.parquet as pq

    if (release / "hydrated.json").exists():
        plan.problems.append(
            "a hydrated copy holds texts whose licence forbids redistribution: publish the release itself"
        )
    for p in sorted((release / "documents").glob("*.parquet")):
        for r in pq.read_table(p, columns=["id", "text", "license"]).to_pylist():
            if r["text"] is not None and not redistributable(r["license"]):
                plan.problems.append(
                    f"{p.relative_to(release)}: document {r['id']} carries text under licence {r['license']!r}"
                )


def plan_publish(release: Path, repo_id: str) -> PublishPlan:
    from huggingface_hub.utils import HFValidationError, validate_repo_id

    if not (release / "manifest.json").is_file():
        raise PublishError(f"{release} is not a release folder (no manifest.json)")
    try:
        validate_repo_id(repo_id)
    except HFValidationError as e:
        raise PublishError(f"--repo-id {repo_id!r}: {e}") from None
    if "/" not in repo_id:
        raise PublishError(f"--repo-id {repo_id!r}: expected OWNER/NAME")
    plan = PublishPlan(release, repo_id)
    plan.files = [
        (p.relative_to(release).as_posix(), p.stat().st_size) for p in sorted(release.rglob("*")) if p.is_file()
    ]
    _check_card(release, plan)
    _check_text(release, plan)
    return plan


def upload(plan: PublishPlan) -> str:
    """Create the dataset repo if needed and upload the folder; returns the commit URL."""
    from huggingface_hub import HfApi

    token = next((os.environ[v] for v in TOKEN_VARIABLES if os.environ.get(v)), None)
    if token is None:
        raise PublishError(f"no Hugging Face token: set {TOKEN_VARIABLES[0]} in the environment")
    api = HfApi(token=token)
    api.create_repo(plan.repo_id, repo_type="dataset", exist_ok=True)
    info = api.upload_folder(
        folder_path=str(plan.release),
        repo_id=plan.repo_id,
        repo_type="dataset",
        commit_message=f"newsclaims {plan.release.name}",
    )
    return str(info)
