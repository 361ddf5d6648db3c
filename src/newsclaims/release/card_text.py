"""The card's text: a Jinja template over `CardFacts` (card_facts.py), which checks the data
before a sentence is chosen, so every sentence is true of the release it describes.

Sections follow the Hugging Face dataset card and Datasheets for Datasets (Gebru et al.).
"""

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

claims = load_dataset("releases/{{ version }}", "claims")  # or "documents", "entities", "sentences", "ner"
```

{% if f.withheld %}**{{ f.withheld_sentence }}** Rebuild the full release from your own copy of the
raw files with `newsclaims hydrate --release {{ version }} --raw DIR --out DIR`: it checks every
text against its `text_sha256` and refuses, naming the file, when one does not match.
{% endif %}
## At a glance

| figure | value |
|---|---|
{% for name, value in f.figures %}| {{ name }} | {{ value }} |
{% endfor %}
## Configs and fields

| config | one row per | fields |
|---|---|---|
| `documents` | corpus document | `id`, `text`, `text_sha256`, `title`, `title_source`, `source`, `date`, `dateline`, `language`, `url`, `license`, `retrieved`, `raw_path` |
| `entities` | annotated document | `id`, `text`, `gold_source`, `annotators`, `entities`: list of {`start`, `end`, `text`, `label`} |
| `claims` | annotated document | `id`, `text`, `gold_source`, `annotators`, `claims`: list of {`start`, `end`, `text`, {{ attribute_names }}, `speaker`: {`start`, `end`, `text`, `label`} or null} |
| `sentences` | sentence of an annotated document (taxonomy v2 on) | `id`, `doc_id`, `index`, `text`, `start`, `end`, `paragraph`, `role`, `speakers`, `claims` (keys), one label per crosswalk scheme |
| `ner` | sentence of an annotated document (a whole document before 0.4.0) | `id`, `doc_id`, `tokens`, `token_starts` (offsets into the document's `text`), `ner_tags` (BIO) |

Offsets are Unicode code points into `text`: `text[start:end] == span["text"]` for every span
whose text is included. Labels are `ClassLabel`s, stored as integers; the names travel with the
data (`features[...].names`, `int2str`). The encodings:

- `label` (entities and speakers): {{ f.entity_encoding }}
- `gold_source`: {{ f.gold_source_encoding }}
- `ner_tags`: {{ f.bio_encoding }}
{% for a in f.attribute_encodings %}- `{{ a.name }}` ({{ a.description }}): {{ a.encoding }}
{% endfor %}
{{ f.null_sentence }}

### Example instance

The first row of the `claims` config's `{{ f.example_split }}` split as the parquet file stores it
(ClassLabel values as their ids, see above; its first {{ f.example_claims }} claim(s){% if f.example_shortened %}; `text` cut at 200 characters{% endif %}):

```json
{{ f.example }}
```

## Splits

| config | {% for s in split_names %}{{ s }} | {% endfor %}
|---|{% for s in split_names %}---|{% endfor %}
{% for config, counts in split_table %}| `{{ config }}` | {% for s in split_names %}{{ counts.get(s, 0) }} | {% endfor %}
{% endfor %}
{{ f.held_out_sentence }}

Documents are split by story group, so that no story is both trained and tested on.
{{ grouping_rule }} Each group's split is recorded in `splits.json` and carried forward: a
group keeps its split and its key in every later release, whatever documents join it; only
groups with no recorded document are assigned, ordered by size and a hash seeded with `{{ seed }}`,
each to the split furthest below its share (ratios {{ ratios }} for train, validation, test) of the
new documents. {{ f.carry_sentence }}

## Motivation

To train and evaluate claim detection, claim typing, check-worthiness and speaker attribution
on news text, together with named entities, from openly built, versioned and validated data:
the annotation taxonomy, the guidelines and every step from raw file to release are in the
`newsclaims` repository.

## Composition

{{ f.composition_sentence }} {{ f.language_sentence }}
- Outlets: {{ f.sources }}; datelines: {{ f.datelines }}
- {{ f.date_sentence }}
- {{ f.url_sentence }}
- Gold spans per label: {{ label_counts }}
- {{ stats.claims }} gold claim(s), {{ stats.claims_with_speaker }} with a speaker
{% for name, counts in stats.claim_attributes.items() %}- `{{ name }}`: {{ counts_text(counts) }}
{% endfor %}- {{ stats.entities_not_in_bio }} gold entity span(s) could not be expressed in BIO tags (nested or overlapping another span); they remain in `entities`.

![Label distribution]({{ plots_dir }}/label_distribution.png)

![Claims per document]({{ plots_dir }}/claims_per_document.png)

## Collection

{{ f.selection_sentence }} {{ f.format_sentence }} Document ids come from where an article came
from (its raw file), not from its text, so they are stable across corpus versions.

## Preprocessing

Each raw file is decoded (a BOM, UTF-8 or UTF-16, else charset-normalizer's guess checked against
the other single-byte code pages by how plausible each decoding is in the detected language),
repaired (ftfy) and normalized by one versioned function (curly quotes, dashes and emoji kept);
agency headers, bylines and datelines are moved into metadata (dates parsed with dateparser,
never given a guessed year); paragraphs are recorded with offsets; the language is detected
offline (CLD2 where it is sure, lingua otherwise); exact duplicates are dropped and near
duplicates linked (MinHash LSH). {{ f.title_sentence }}

## Annotation process and annotators

Spans are labelled in Label Studio with a configuration generated from the project's taxonomy
(`schemas/taxonomy.yaml`), following `annotation/GUIDELINES.md`. {{ f.annotator_sentence }}
Annotator identities are pseudonyms (`annotator-N`); no name or email of an annotator is in the
release. The `annotators` column of each `entities` and `claims` row names who annotated it.
{{ f.gold_sentence }} Cases needing review: {{ review_items }} (see `review.jsonl`).

## Agreement

{% if agreement.measured -%}
{{ agreement.reason }}, {{ agreement.annotator_pairs }} annotator pair(s). F1 is computed per
annotator pair over the documents they share and averaged over pairs.{% if adjudicators %} The
adjudicator's annotations ({{ adjudicators | join(", ") }}) are the gold and are left out of these
figures.{% endif %}

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
## Uses

Training and evaluating claim detection, claim classification (type, check-worthiness,
attribution), speaker attribution and named entity recognition on news text, and testing
annotation tooling.

**Out of scope:** judging whether a claim is true (the labels say what is claimed and by whom,
not its veracity); profiling the people named; drawing conclusions about the outlets, the
speakers or the events from a collection this small and selective.

## Bias, risks and limitations

{{ f.speaker_sentence }}
Labelling a statement as a claim records that it was made, not that it is accurate or fairly
worded. {{ f.size_sentence }} Entity spans that nest or overlap cannot all be represented in the
BIO `ner` config. Dates and datelines come from article metadata and can be missing, which
weakens story grouping for those articles.

## Personal information

Articles name public figures (officials, spokespeople) as reported by the press; the `PERSON`
label and `said_by` links make those mentions explicit. Annotators are pseudonymized before
anything is written to the repository.

## Distribution and licensing

The annotations, offsets and metadata of this release are licensed {{ f.annotations_license }}.
Article texts remain their publishers' and are licensed by them (per document, `license`:
{{ licenses }}). {{ f.text_licence_sentence }}

## Maintenance

Curated by {{ f.curators }}; contact: {{ f.contact }}.
Each release is an immutable folder `releases/<version>/` with a `manifest.json` (sha256 of
every input and output, the builder: package version, a digest of the release code and library
versions) and an entry in `releases/CHANGELOG.md`; corrections come as a new version.
Rebuilding a release from its recorded inputs with the same builder gives byte-identical files.

Content digest: `{{ content_sha256 }}`

## Citation

```bibtex
{{ f.bibtex }}
```
"""
