"""The dataset card: README.md of a release (YAML + body) and the root DATA_CARD.md.

The YAML is what `datasets` reads (`configs`, `dataset_info`), serialized by the same classes
`push_to_hub` uses; the body follows the Hugging Face dataset card and Datasheets for Datasets.
"""

from __future__ import annotations

import re

from datasets.info import DatasetInfo, DatasetInfosDict
from datasets.splits import SplitDict, SplitInfo
from datasets.utils.metadata import MetadataConfigs
from huggingface_hub import DatasetCard, DatasetCardData

from newsclaims.release.clusters import clusters_card_section
from newsclaims.release.content import ReleaseContent
from newsclaims.release.splits import SPLIT_NAMES
from newsclaims.schemas.features import CONFIGS

PLOTS_DIR = "plots"

TEMPLATE = """\
---
{{ card_data }}
---
# newsclaims {{ version }}

News articles annotated for **claims** (checkable statements, their type, check-worthiness,
attribution and speaker) and **named entities**. Built by the `newsclaims` toolkit from corpus
version `{{ corpus_version }}` and Label Studio annotation snapshot `{{ snapshot_id }}`
(taxonomy version {{ taxonomy_version }}).

```python
from datasets import load_dataset

claims = load_dataset("releases/{{ version }}", "claims")  # or "documents", "entities", "ner"
```

## Configs and fields

| config | one row per | fields |
|---|---|---|
| `documents` | corpus document | `id`, `text`, `title`, `source`, `date`, `dateline`, `language`, `url` |
| `entities` | annotated document | `id`, `text`, `entities`: list of {`start`, `end`, `text`, `label`} |
| `claims` | annotated document | `id`, `text`, `claims`: list of {`start`, `end`, `text`, {{ attribute_names }}, `speaker`: {`start`, `end`, `text`, `label`} or null} |
| `ner` | annotated document | `id`, `tokens`, `token_starts`, `ner_tags` (BIO) |

Offsets are Unicode code points into `text`: `text[start:end] == span["text"]` for every span.
Labels and claim attributes are `ClassLabel`s (names below); a null claim attribute or speaker
means the annotators did not agree (the case is listed in `review.jsonl`).

- Entity labels: {{ entity_labels }}
- BIO tags (`ner`): `O` plus `B-`/`I-` for each entity label
{% for a in attributes %}- `{{ a.name }}` ({{ a.description }}): {{ a.value_list }}
{% endfor %}
## Splits

| config | {% for s in split_names %}{{ s }} | {% endfor %}
|---|{% for s in split_names %}---|{% endfor %}
{% for config, counts in split_table %}| `{{ config }}` | {% for s in split_names %}{{ counts.get(s, 0) }} | {% endfor %}
{% endfor %}
Ratios {{ ratios }} (train, validation, test), seed `{{ seed }}`; empty splits are omitted.
Documents are grouped into {{ story_groups }} story group(s) before splitting. A group joins
near-duplicate articles (MinHash, found by the corpus stage), articles with the same date and
dateline, and articles with the same dateline that name the same person (a gold `PERSON` span
of two or more words) without conflicting dates, because two outlets reporting one press
conference share facts and quotes even when their wording differs, and one of them may carry
no date. Joining too much only unbalances the splits; joining too little leaks a story into
the test set. A whole group goes to one split (chosen by a hash of the group key and the
seed), so no story is both trained and tested on, and a story keeps its split as the corpus
grows. Only when no group hashes into train (a corpus of a handful of stories) does the group
hashed lowest go to train instead, so a release always has a train split.

## Motivation

To train and evaluate claim detection, claim typing, check-worthiness and speaker attribution
on news text, together with named entities, from openly built, versioned and validated data.

## Composition

- {{ stats.documents }} document(s), {{ stats.annotated_documents }} annotated; languages: {{ languages }}
- Sources: {{ sources }}
- Article dates: {{ date_range }}
- Gold spans per label: {{ label_counts }}
- {{ stats.claims }} gold claim(s), {{ stats.claims_with_speaker }} with a speaker
{% for name, counts in stats.claim_attributes.items() %}- `{{ name }}`: {{ counts_text(counts) }}
{% endfor %}- {{ stats.entities_not_in_bio }} gold entity span(s) could not be expressed in BIO tags (nested or overlapping another span); they remain in `entities`.

![Label distribution]({{ plots_dir }}/label_distribution.png)

![Claims per document]({{ plots_dir }}/claims_per_document.png)

## Collection

Articles are collected as raw files (`corpus/raw`), decoded, repaired and normalized (ftfy,
charset-normalizer, trafilatura for HTML), deduplicated (exact and MinHash near duplicates)
and written to an immutable, versioned JSONL corpus. Document ids come from where an article
came from, not from its text, so they are stable across versions.

## Annotation process and annotators

Annotators label spans in Label Studio with a configuration generated from the project's
taxonomy (`schemas/taxonomy.yaml`). Annotators are pseudonymized, with their role in the project
({{ annotator_list }}): {{ n_annotators }} annotator(s) made {{ stats.annotations }} annotation(s).
Annotations made by the project's maintainers are marked `maintainer` here, and the `annotators`
column of each `entities` and `claims` row names who annotated that document.
Gold: the Label Studio ground-truth annotation where one is marked (an adjudicator's), otherwise
the spans a strict majority of a document's annotators marked with the same offsets and label;
a document with one annotator takes that annotation as it is ({{ gold_method }}). Each row of
the `entities` and `claims` configs says which in `gold_source` (`ground_truth`, `majority`,
`single_annotator`). Claim attributes take the majority value; the speaker is the majority
`said_by` target when that span is gold. Cases needing review: {{ review_items }} (see `review.jsonl`).

## Agreement

{% if agreement.measured -%}
{{ agreement.reason }}, {{ agreement.annotator_pairs }} annotator pair(s). F1 is computed per
annotator pair over the documents they share and averaged over pairs.

| label | exact-match F1 | overlap F1 | pairs |
|---|---|---|---|
{% for label, s in agreement.spans.items() %}| {{ label }} | {{ fmt(s.exact_f1) }} | {{ fmt(s.overlap_f1) }} | {{ s.pairs }} |
{% endfor %}| said_by (claim, speaker) | {{ fmt(agreement.said_by.exact_f1) }} | - | {{ agreement.said_by.pairs }} |

| claim attribute | Krippendorff's alpha (nominal) | observed agreement | claims matched exactly |
|---|---|---|---|
{% for name, a in agreement.claim_attributes.items() %}| `{{ name }}` | {{ fmt(a.krippendorff_alpha) }}{% if a.note %} ({{ a.note }}){% endif %} | {{ fmt(a.observed_agreement) }} | {{ a.matched_claims }} |
{% endfor %}
{% if has_agreement_plot %}![Agreement]({{ plots_dir }}/agreement.png)
{% endif %}
{%- else -%}
Agreement was **not measured** ({{ agreement.reason }}). No agreement figure is reported for
this release: the gold annotations are single-annotator annotations.
{% endif %}
## Personal information

Articles name public figures (officials, spokespeople) as reported by the press; the `PERSON`
label and `said_by` links make those mentions explicit. Annotator identities are replaced by
pseudonyms before anything is written to the repository; no emails or names of annotators are
released.

## Uses

Training and evaluating claim detection, claim classification (type, check-worthiness,
attribution), speaker attribution and named entity recognition on English news. Not for
judging whether a claim is true: the labels say what is claimed and by whom, not its veracity.

## Limitations

Small, and drawn from few outlets and topics, so label distributions are skewed; gold for
documents with one annotator is that annotator's judgement. Entity spans that nest or overlap
cannot all be represented in the BIO `ner` config. Dates and datelines come from article
metadata and can be missing, which weakens story grouping for those articles.

## Licensing of the source articles

Article texts remain the copyright of their publishers (licenses recorded per document:
{{ licenses }}); they are included for research on the annotations. Check the publisher's
terms before redistributing the texts. The annotations are released by the newsclaims project.

## Maintenance

Each release is an immutable folder `releases/<version>/` with a `manifest.json` (sha256 of
every input and output, tool versions) and an entry in `releases/CHANGELOG.md`; corrections
come as a new version. Rebuilding a release from its inputs gives byte-identical files.

Content digest: `{{ content_sha256 }}`

"""


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
        license="other",
        annotations_creators=["expert-generated"],
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
                "value_list": ", ".join(f"`{v}`" for v in a.value_names),
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
        annotator_list=", ".join(f"{a}: {role}" for a, role in stats.annotator_roles.items()),
        n_annotators=len(stats.annotators),
        gold_method=_counts_text(stats.gold_method),
        review_items=_counts_text(stats.review_items),
        agreement=content.agreement,
        fmt=_fmt,
        has_agreement_plot=has_agreement_plot,
        plots_dir=PLOTS_DIR,
        content_sha256=content_sha256,
    )
    return str(card) + clusters_card_section(content)


_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)


def root_data_card(release_readme: str, version: str) -> str:
    """The root DATA_CARD.md: the release card's body, with plot links made relative to the repo root."""
    body = _FRONT_MATTER.sub("", release_readme, count=1).lstrip("\n")
    body = body.replace(f"]({PLOTS_DIR}/", f"](releases/{version}/{PLOTS_DIR}/")
    note = f"<!-- Generated from releases/{version}/README.md by `make release`; do not edit by hand. -->\n\n"
    return note + body
