"""What the card may say, decided from the release's data: each sentence is chosen by checking
the data first (one dated document is not a date range, "majority" needs three annotators, a
null speaker means what the gold method makes it mean, no HTML extraction without HTML ...)."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field

from newsclaims.release.content import ReleaseContent
from newsclaims.release.inputs import ADJUDICATOR_ROLE, DEFAULT_ROLE
from newsclaims.release.licensing import REDISTRIBUTABLE
from newsclaims.release.statistics import NO_MAJORITY
from newsclaims.schemas.features import GOLD_SOURCES

ANNOTATIONS_LICENSE = "cc-by-4.0"  # the project's choice for what it authored: annotations, offsets, metadata
CURATORS = "the newsclaims maintainers"
CONTACT = "the issue tracker of the newsclaims repository (annotators and maintainers are not named in the data)"
TITLE_SOURCES = {
    "first_sentence": "derived from the first sentence of the text (shortened, ending in an ellipsis when cut)",
    "first_heading": "the text's leading heading",
    "html": "the page's own title (HTML metadata)",
    "record": "given by the article's `.jsonl` record",
    "sidecar": "given by the article's `<name>.meta.json` sidecar",
    "csv": "given by `sources.csv`",
    "none": "none (no title)",
}


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _list(counts: dict) -> str:
    return ", ".join(f"{k} ({v})" for k, v in counts.items()) or "none"


def _encoding(names) -> str:
    return ", ".join(f"{i} = `{n}`" for i, n in enumerate(names))


@dataclass
class CardFacts:
    figures: list[tuple[str, int]] = field(default_factory=list)
    sentences: dict[str, str] = field(default_factory=dict)
    withheld: int = 0
    entity_encoding: str = ""
    gold_source_encoding: str = ""
    bio_encoding: str = ""
    attribute_encodings: list[dict] = field(default_factory=list)
    example: str = ""
    example_split: str = ""
    example_claims: int = 0
    example_shortened: bool = False
    sources: str = ""
    datelines: str = ""
    curators: str = CURATORS
    contact: str = CONTACT
    annotations_license: str = "CC BY 4.0"
    bibtex: str = ""

    def __getattr__(self, name: str) -> str:  # f.<name>_sentence in the template
        if name.endswith("_sentence") and name in self.__dict__.get("sentences", {}):
            return self.sentences[name]
        raise AttributeError(name)


def figures(content: ReleaseContent) -> list[tuple[str, int]]:
    s = content.stats
    rows = [
        ("documents", s.documents),
        ("annotated documents", s.annotated_documents),
        ("documents with their text included", s.documents - s.text_withheld),
        ("documents with their text withheld (licence)", s.text_withheld),
        ("story groups", s.story_groups),
        ("annotations", s.annotations),
        ("annotators", len(s.annotators)),
        ("gold entity spans", sum(s.entity_labels.values())),
        ("gold claims", s.claims),
        ("gold claims with a speaker", s.claims_with_speaker),
    ]
    rows += [(f"gold `{label}` spans", n) for label, n in s.entity_labels.items()]
    for attr, counts in s.claim_attributes.items():
        rows += [
            (f"claims with `{attr}` null" if value == NO_MAJORITY else f"claims with `{attr}` = `{value}`", n)
            for value, n in counts.items()
        ]
    return rows


def _dates(content: ReleaseContent) -> str:
    s, n = content.stats, content.stats.documents
    dates = sorted(d.date[:10] for d in content.inputs.documents if d.date)
    if not dates:
        return "No document carries an article date."
    span = dates[0] if dates[0] == dates[-1] else f"from {dates[0]} to {dates[-1]}"
    if len(dates) == n:
        return f"All {n} documents are dated {span}." if n > 1 else f"The document is dated {span}."
    undated = n - s.dated_documents
    if len(dates) == 1:
        rest = "the other carries" if undated == 1 else f"the other {undated} carry"
        return f"One of the {n} documents is dated ({dates[0]}); {rest} no date."
    return f"{len(dates)} of the {n} documents are dated, {span}; {_plural(undated, 'carries', 'carry')} no date."


def _speakers(content: ReleaseContent) -> str:
    by_surname: Counter = Counter()
    longest: dict[str, str] = {}
    for name, n in content.stats.speakers.items():
        key = name.split()[-1].casefold() if name.split() else name
        by_surname[key] += n
        longest[key] = max(longest.get(key, ""), name, key=len)
    total = content.stats.claims_with_speaker
    if not total:
        return "No claim has a gold speaker."
    key, top = by_surname.most_common(1)[0]
    share = top / total
    text = (
        f"{top} of the {total} claims with a speaker ({share:.0%}) are attributed to one speaker, "
        f"{longest[key]} (counting name variants with the same last word as one)."
    )
    if share >= 0.5:
        text += (
            " The claims therefore mostly record one person's statements"
            + (
                ", and no claim of anyone else (such as those the statements concern) is among them"
                if share == 1
                else ""
            )
            + f"; {total} of the {content.stats.claims} claims are attributed to a speaker in the text. Loaded or "
            "one-sided wording in such statements is reported as said and stands in the text and the claim "
            "spans unchallenged; a model trained on them learns that framing."
        )
    return text


def _example(content: ReleaseContent) -> tuple[str, str, int, bool]:
    """The first claims row with its ClassLabel values as the ids the parquet file stores."""
    tax = content.inputs.taxonomy
    ids = {a.name: {v: i for i, v in enumerate(a.value_names)} for a in tax.claim.choice_attributes}
    labels = {v: i for i, v in enumerate(tax.entity_names)}

    def stored(c: dict) -> dict:
        c = {k: ids[k].get(v, v) if k in ids else v for k, v in c.items()}
        if c.get("speaker"):
            c["speaker"] = {**c["speaker"], "label": labels[c["speaker"]["label"]]}
        return c

    for split, rows in content.rows["claims"].items():
        row = dict(rows[0])
        shown = [stored(c) for c in row["claims"][:2]]
        row["claims"] = shown
        row["gold_source"] = GOLD_SOURCES.index(row["gold_source"])
        shortened = isinstance(row.get("text"), str) and len(row["text"]) > 200
        if shortened:
            row["text"] = row["text"][:200] + "…"
        return json.dumps(row, ensure_ascii=False, indent=2, sort_keys=False), split, len(shown), shortened
    return "{}", "-", 0, False


def card_facts(content: ReleaseContent) -> CardFacts:
    s, tax, docs = content.stats, content.inputs.taxonomy, content.inputs.documents
    f = CardFacts(figures=figures(content), withheld=s.text_withheld)
    f.entity_encoding = _encoding(tax.entity_names)
    f.gold_source_encoding = _encoding(GOLD_SOURCES)
    f.bio_encoding = _encoding(tax.bio_tags)
    f.attribute_encodings = [
        {
            "name": a.name,
            "description": a.description.rstrip("."),
            "encoding": _encoding(a.value_names) if a.is_choice else "free text (a string; null when left empty)",
        }
        for a in tax.claim.attributes
    ]
    f.example, f.example_split, f.example_claims, f.example_shortened = _example(content)
    f.sources = _list(s.sources)
    f.datelines = _list(dict(sorted(Counter(d.dateline or "none" for d in docs).items())))
    methods = set(s.gold_method)
    most = max(s.annotators_per_document.values(), default=0)
    sen = f.sentences
    single = methods == {"single_annotator"}
    sen["null_sentence"] = (
        "A null `speaker` means the annotator linked no `said_by` speaker to that claim, and a null "
        "claim attribute that the annotator set none: every annotated document has one annotator, so "
        "there is no disagreement behind a null."
        if single
        else "A null `speaker` or claim attribute means that no speaker (or value) was linked, or that "
        "the annotators did not agree on one; disagreements are listed in `review.jsonl`."
    )
    n_withheld, n = s.text_withheld, s.documents
    if n_withheld:
        which = f"The text of {n_withheld} of the {n} documents is not" if n_withheld < n else "No document's text is"
        sen["withheld_sentence"] = (
            f"{which} in this release: its licence does not allow redistribution, or its publisher's terms "
            "are unknown. Those rows keep offsets, labels, `text_sha256`, `raw_path`, URL and "
            "outlet; `text`, span texts, derived titles and `ner` tokens are null."
        )
    splits_used = s.split_names(("train", "validation", "test"))
    sen["held_out_sentence"] = (
        f"**There is no held-out data**: all documents ({_plural(s.story_groups, 'story group')}) are in "
        f"`{splits_used[0]}`. Scores measured on this release mean nothing about generalization."
        if len(splits_used) <= 1
        else f"{_plural(s.story_groups, 'story group')}; splits used: {', '.join(splits_used)}."
    )
    rec = content.split_record
    sen["carry_sentence"] = (
        f"This release carried forward the record of {', '.join(rec.carried_from)} and assigned "
        f"{_plural(s.new_story_groups, 'new group')}."
        if rec.carried_from
        else f"This is the first release with a split record: all {_plural(s.new_story_groups, 'group')} are new."
    ) + (
        f" {_plural(len(rec.held_apart), 'link')} between groups recorded in different splits "
        f"{'was' if len(rec.held_apart) == 1 else 'were'} not applied (earlier splits never move): "
        f"{'; '.join(' + '.join(k) for k in rec.held_apart)}."
        if rec.held_apart
        else ""
    )
    sen["composition_sentence"] = (
        f"{_plural(n, 'document')}, {s.annotated_documents} annotated, in {_plural(s.story_groups, 'story group')}."
    )
    sen["language_sentence"] = f"Languages (detected offline): {_list(s.languages)}."
    sen["date_sentence"] = _dates(content)
    with_url, with_ret = s.documents_with_url, s.documents_with_retrieved
    sen["url_sentence"] = f"{with_url} of the {n} documents record a URL and {with_ret} a retrieval date" + (
        "; the others were collected without them." if min(with_url, with_ret) < n else "."
    )
    outlets = [k for k in s.sources if k != "unknown"]
    sen["selection_sentence"] = (
        f"The maintainers chose the articles and placed them in `corpus/raw`; they are not a random or "
        f"representative sample of news: {_plural(n, 'document')} from {_plural(len(outlets), 'named outlet')}"
        + (f" and {s.sources['unknown']} without a recorded outlet" if "unknown" in s.sources else "")
        + "."
    )
    formats = ", ".join(f"`.{k}` ({v})" for k, v in s.formats.items())
    sen["format_sentence"] = (
        f"Raw formats: {formats}; HTML pages had their main text and metadata extracted with trafilatura."
        if "html" in s.formats
        else f"Raw formats: {formats}; no HTML went in, so no text was extracted from markup."
    )
    sen["title_sentence"] = (
        "Titles: "
        + "; ".join(f"{v} {'is' if v == 1 else 'are'} {TITLE_SOURCES.get(k, k)}" for k, v in s.title_sources.items())
        + "."
    )
    roles = Counter(s.annotator_roles.values())
    who = ", ".join(_plural(v, k) for k, v in sorted(roles.items()))
    maintainers_only = bool(roles) and set(roles) <= {"maintainer", ADJUDICATOR_ROLE}
    notes = " ".join(
        f"`{a}` ({s.annotator_roles.get(a, DEFAULT_ROLE)}): {n.rstrip('.')}." for a, n in s.annotator_notes.items()
    )
    sen["annotator_sentence"] = (
        f"{_plural(len(s.annotators), 'person', 'people')} annotated ({who}), making {_plural(s.annotations, 'annotation')}."
        + (f" {notes}" if notes else "")
        + (
            " Every annotation was made by the project's maintainers: they are not independent of the "
            "project (they wrote or maintain the taxonomy and the guidelines), and no training in "
            "journalism or fact-checking is claimed for them. Agreement between maintainers is an "
            "upper bound on what annotators from outside the project would reach."
            if maintainers_only
            else ""
        )
    )
    if single:
        sen["gold_sentence"] = (
            "Every annotated document has one annotator, and its gold is that annotation as it is "
            "(`gold_source` = `single_annotator`): no second opinion, no adjudication."
        )
    else:
        parts = [f"{k}: {v}" for k, v in s.gold_method.items()]
        majority = (
            " A majority is a strict majority of a document's annotators marking the same offsets and label"
            + (" (with two annotators: both)." if most < 3 else ".")
            if "majority" in methods
            else ""
        )
        sen["gold_sentence"] = (
            "Gold is the Label Studio ground-truth annotation where one is marked (an adjudicator's), "
            f"otherwise the majority, otherwise a single annotator's ({'; '.join(parts)}).{majority}"
        )
    sen["speaker_sentence"] = _speakers(content)
    sen["size_sentence"] = (
        f"With {_plural(n, 'document')} from {_plural(len(outlets) or 1, 'outlet')}, label distributions are "
        "skewed and unrepresentative"
        + ("; gold from one annotator is that person's judgement." if "single_annotator" in methods else ".")
    )
    f.annotations_license = "CC BY 4.0 (`cc-by-4.0`)"
    included = n - n_withheld
    sen["text_licence_sentence"] = (
        f"A document's text is included only when its licence allows redistribution "
        f"({', '.join(sorted(REDISTRIBUTABLE))}): {included} of {n} here."
        + (
            (
                " For the others no licence is recorded at all, so their text is treated as not redistributable"
                if all(d.license is None for d in docs if d.id in content.withheld)
                else " For the others the recorded licence (in `corpus/raw`, each raw file's `<name>.meta.json` or "
                "`sources.csv`, with the reason) does not allow redistribution or the publisher's terms are unknown"
            )
            + "; their text is withheld and `newsclaims hydrate` restores it from your own copy."
            if n_withheld
            else ""
        )
    )
    f.bibtex = (
        f"@misc{{newsclaims_{content.version.replace('.', '_')},\n"
        "  title        = {{newsclaims: news articles annotated for claims and named entities}},\n"
        "  author       = {{The newsclaims maintainers}},\n"
        f"  version      = {{{content.version}}},\n"
        "  howpublished = {Dataset release, built with the newsclaims toolkit},\n"
        f"  note         = {{Corpus {content.inputs.corpus_version}, annotation snapshot "
        f"{content.inputs.snapshot_id}}}\n}}"
    )
    return f
