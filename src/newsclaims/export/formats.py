"""One typed function per format, registered by name, Prodigy-recipe style:

    @exporter("checkthat")
    def checkthat(release: Release, crosswalk: Crosswalk, out: Path) -> ExportResult: ...

Sentence formats read the release's `sentences` config (its labels were derived through the
crosswalk when the release was built); the codes written are the crosswalk's. ClaimReview reads
the `claims` and `documents` configs. A sentence whose label the crosswalk cannot say (null) is
left out and counted, never written with a guessed label.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from newsclaims.export.reading import ExportError, Release, require_text
from newsclaims.fsutil import atomic_write_text
from newsclaims.schemas.crosswalk import Crosswalk


@dataclass(frozen=True)
class ExportResult:
    path: Path
    written: int  # rows (or objects) written
    skipped: int  # left out: no label the crosswalk can say
    source_rows: int  # rows of the config read


Exporter = Callable[[Release, Crosswalk, Path], ExportResult]
EXPORTERS: dict[str, Exporter] = {}


def exporter(name: str) -> Callable[[Exporter], Exporter]:
    def register(func: Exporter) -> Exporter:
        EXPORTERS[name] = func
        return func

    return register


def _sentences(release: Release) -> list[dict]:
    if not release.has("sentences"):
        raise ExportError(
            f"release {release.version} has no `sentences` config (taxonomy v{release.taxonomy_version}: "
            "it was built before the crosswalk, or for a taxonomy the crosswalk does not fit)"
        )
    rows = release.rows("sentences")
    require_text(release, "sentences", rows, [r["id"] for r in rows if r["text"] is None])
    return rows


def _write_table(out: Path, header: list[str], rows: list[list[str]], delimiter: str) -> None:
    import io

    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    atomic_write_text(out, buf.getvalue())


def _labelled(rows: list[dict], scheme: str) -> list[dict]:
    return [r for r in rows if r[scheme] is not None]


@exporter("checkthat")
def checkthat(release: Release, crosswalk: Crosswalk, out: Path) -> ExportResult:
    """CheckThat! Task 1 TSV: Sentence_id, Text, class_label (Yes/No)."""
    scheme = crosswalk.scheme("checkthat")
    rows = _sentences(release)
    kept = _labelled(rows, scheme.name)
    _write_table(
        out,
        ["Sentence_id", "Text", "class_label"],
        [[r["id"], r["text"], scheme.code(r[scheme.name])] for r in kept],
        "\t",
    )
    return ExportResult(out, len(kept), len(rows) - len(kept), len(rows))


@exporter("claimbuster")
def claimbuster(release: Release, crosswalk: Crosswalk, out: Path) -> ExportResult:
    """ClaimBuster CSV: Sentence_id, Text, Speaker, Verdict (1 CFS, 0 UFS, -1 NFS)."""
    scheme = crosswalk.scheme("claimbuster")
    rows = _sentences(release)
    kept = _labelled(rows, scheme.name)
    _write_table(
        out,
        ["Sentence_id", "Text", "Speaker", "Verdict"],
        [[r["id"], r["text"], "; ".join(p["text"] for p in r["speakers"]), scheme.code(r[scheme.name])] for r in kept],
        ",",
    )
    return ExportResult(out, len(kept), len(rows) - len(kept), len(rows))


def _author(claim: dict, doc: dict, crosswalk: Crosswalk) -> dict | None:
    cr = crosswalk.claimreview
    speaker = claim.get("speaker")
    if cr.author_source(claim) == "outlet" or speaker is None:
        return {"@type": "Organization", "name": doc["source"]} if doc.get("source") else None
    return {"@type": cr.speaker_types.get(speaker["label"], "Thing"), "name": speaker["text"]}


@exporter("claimreview")
def claimreview(release: Release, crosswalk: Crosswalk, out: Path) -> ExportResult:
    """schema.org ClaimReview JSON-LD, one object per claim; no reviewRating (we do not rate)."""
    docs = {d["id"]: d for d in release.rows("documents")}
    rows = release.rows("claims")
    missing = [
        r["id"]
        for r in rows
        if any(c["text"] is None or (c.get("speaker") and c["speaker"]["text"] is None) for c in r["claims"])
    ]
    require_text(release, "claims", rows, missing)
    normalized = crosswalk.claimreview.normalized_attribute
    items = []
    for r in rows:
        doc = docs[r["id"]]
        for c in r["claims"]:
            claim = {"@type": "Claim", "author": _author(c, doc, crosswalk)}
            claim["appearance"] = {"@type": "CreativeWork", "url": doc["url"]} if doc.get("url") else None
            claim["datePublished"] = (doc.get("date") or "")[:10] or None
            items.append(
                {
                    "@context": "https://schema.org",
                    "@type": "ClaimReview",
                    "identifier": f"{r['id']}:{c['start']}-{c['end']}",
                    "claimReviewed": c.get(normalized) or c["text"],
                    "itemReviewed": {k: v for k, v in claim.items() if v is not None},
                }
            )
    atomic_write_text(out, json.dumps(items, indent=2, ensure_ascii=False) + "\n")
    n = sum(len(r["claims"]) for r in rows)
    return ExportResult(out, len(items), 0, n)
