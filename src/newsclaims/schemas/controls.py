"""Names in the generated labelling config that code relies on: the one place they are spelt.

The label *values* (entity labels, the claim label, attribute values, relation names other than
the speaker link) come from the taxonomy; these are the names of the config's tags, which the
taxonomy does not name. Claim attribute controls are named after their attribute
(`AttributeDef.name`), so they are not listed here.
"""

from __future__ import annotations

TEXT_NAME = "text"  # the <Text> object every region points to (`to_name`)
ENTITIES_NAME = "entities"  # <Labels> of the entity spans
CLAIMS_NAME = "claims"  # <Labels> of the claim spans (one label: the taxonomy's claim name)
# The relation the records keep as `said_by` links (claim -> speaker). The taxonomy must define
# it; its `from`/`to` labels say which spans it may join.
SAID_BY = "said_by"
# Fields of a claim that are not attributes: an attribute must not reuse one (a snapshot stores a
# claim's attributes next to them, and a release claim row next to `speaker`).
CLAIM_FIELDS = ("id", "start", "end", "text", "speaker")
