"""Label Studio result items written by hand, as the labelling page saves them: test inputs that
do not come from the codec under test (annotation/codec.py)."""

from __future__ import annotations


def span_item(
    region_id: str, text: str, needle: str, label: str, control: str = "entities", start: int | None = None
) -> dict:
    """A labelled region over the first `needle` in `text` (or from `start`, which may be wrong on purpose)."""
    start = text.index(needle) if start is None else start
    return {
        "id": region_id,
        "from_name": control,
        "to_name": "text",
        "type": "labels",
        "value": {"start": start, "end": start + len(needle), "text": needle, "labels": [label]},
    }
