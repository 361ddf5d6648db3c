"""The dataset card: README.md of a release (YAML + body) and the root DATA_CARD.md.

The YAML is what `datasets` reads (`configs`, `dataset_info`), serialized by the same classes
`push_to_hub` uses; the body (card_text.py) says only what card_facts.py checked in the data.
"""

from __future__ import annotations

import re

from datasets.info import DatasetInfo, DatasetInfosDict
from datasets.splits import SplitDict, SplitInfo
from datasets.utils.metadata import MetadataConfigs
from huggingface_hub import DatasetCard, DatasetCardData

from newsclaims.release.card_crosswalk import crosswalk_card_section, ontonotes_card_section
from newsclaims.release.card_facts import ANNOTATIONS_LICENSE, card_facts
from newsclaims.release.card_text import TEMPLATE
from newsclaims.release.clusters import clusters_card_section
from newsclaims.release.content import ReleaseContent
from newsclaims.release.grouping import RULE
from newsclaims.release.inputs import ADJUDICATOR_ROLE
from newsclaims.release.splits import SPLIT_NAMES
from newsclaims.schemas.features import CONFIGS

PLOTS_DIR = "plots"


def _counts_text(counts: dict) -> str:
    return ", ".join(f"{k}: {v}" for k, v in counts.items()) or "none"


def _fmt(x) -> str:
    return "n/a" if x is None else f"{x:.3f}"


def card_data(content: ReleaseContent, infos: dict[str, dict], content_sha256: str) -> DatasetCardData:
    """YAML header: hub metadata, `configs` and `dataset_info` (features, exact splits)."""
    stats = content.stats
    n = stats.documents
    size = "n<1K" if n < 1000 else "1K<n<10K" if n < 10000 else "10K<n<100K"
    languages = sorted(k for k in stats.languages if k != "unknown") or ["en"]
    data = DatasetCardData(
        pretty_name="newsclaims",
        language=languages,
        license=ANNOTATIONS_LICENSE,
        # The hub's vocabulary has no "maintainers": "other", explained in the card's annotation
        # section; "expert-generated" would claim a training nobody here has.
        annotations_creators=["other"],
        language_creators=["found"],
        multilinguality=["monolingual" if len(languages) == 1 else "multilingual"],
        size_categories=[size],
        source_datasets=["original"],
        task_categories=["token-classification", "text-classification"],
        task_ids=["named-entity-recognition"],
    )
    configs = MetadataConfigs(
        {
            config: {
                "data_files": [
                    {"split": split, "path": f"{config}/{split}-*.parquet"} for split in infos[config]["splits"]
                ],
                # BuilderConfig fields: they enter the `datasets` cache key, so new content -> new cache.
                "version": content.version,
                "description": f"newsclaims {content.version} {config}; content sha256 {content_sha256}",
                **({"default": True} if config == "claims" else {}),
            }
            for config in CONFIGS
            if config in infos
        }
    )
    configs.to_dataset_card_data(data)
    dataset_infos = DatasetInfosDict(
        {
            config: DatasetInfo(
                features=infos[config]["features"],
                splits=SplitDict(
                    {
                        s: SplitInfo(name=s, num_bytes=v["num_bytes"], num_examples=v["num_examples"])
                        for s, v in infos[config]["splits"].items()
                    }
                ),
                download_size=infos[config]["download_size"],
                dataset_size=sum(v["num_bytes"] for v in infos[config]["splits"].values()),
            )
            for config in CONFIGS
            if config in infos
        }
    )
    dataset_infos.to_dataset_card_data(data)
    return data


def render_card(content: ReleaseContent, data: DatasetCardData, content_sha256: str, has_agreement_plot: bool) -> str:
    tax = content.inputs.taxonomy
    stats = content.stats
    split_names = stats.split_names(SPLIT_NAMES)
    card = DatasetCard.from_template(
        data,
        template_str=TEMPLATE,
        version=content.version,
        corpus_version=content.inputs.corpus_version,
        snapshot_id=content.inputs.snapshot_id,
        taxonomy_version=tax.version,
        attribute_names=", ".join(f"`{a.name}`" for a in tax.claim.attributes),
        entity_labels=", ".join(f"`{n}`" for n in tax.entity_names),
        attributes=[
            {
                "name": a.name,
                "description": a.description.rstrip("."),
                "value_list": ", ".join(f"`{v}`" for v in a.value_names) if a.is_choice else "free text",
            }
            for a in tax.claim.attributes
        ],
        split_names=split_names,
        split_table=list(stats.splits.items()),
        ratios=", ".join(f"{r:g}" for r in content.ratios),
        seed=content.seed,
        story_groups=stats.story_groups,
        stats=stats,
        languages=_counts_text(stats.languages),
        sources=_counts_text(stats.sources),
        licenses=_counts_text(stats.licenses),
        date_range=" to ".join(stats.date_range) if stats.date_range else "unknown",
        label_counts=_counts_text(stats.entity_labels),
        counts_text=_counts_text,
        adjudicators=[a for a, role in stats.annotator_roles.items() if role == ADJUDICATOR_ROLE],
        annotator_list=", ".join(f"{a}: {role}" for a, role in stats.annotator_roles.items()),
        n_annotators=len(stats.annotators),
        gold_method=_counts_text(stats.gold_method),
        review_items=_counts_text(stats.review_items),
        agreement=content.agreement,
        fmt=_fmt,
        has_agreement_plot=has_agreement_plot,
        plots_dir=PLOTS_DIR,
        content_sha256=content_sha256,
        f=card_facts(content),
        grouping_rule=RULE,
    )
    return (
        str(card) + clusters_card_section(content) + crosswalk_card_section(content) + ontonotes_card_section(content)
    )


_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)


def root_data_card(release_readme: str, version: str) -> str:
    """The root DATA_CARD.md: the release card's body, with plot links made relative to the repo root."""
    body = _FRONT_MATTER.sub("", release_readme, count=1).lstrip("\n")
    body = body.replace(f"]({PLOTS_DIR}/", f"](releases/{version}/{PLOTS_DIR}/")
    note = f"<!-- Generated from releases/{version}/README.md by `make release`; do not edit by hand. -->\n\n"
    return note + body
