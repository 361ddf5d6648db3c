"""Load what the link commands work on: the claims of a corpus version + annotation snapshot, the
proposal file, and the answers of the newest link snapshot checked against those claims."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from newsclaims.errors import NewsclaimsError
from newsclaims.fsutil import atomic_write_text
from newsclaims.links.apply import AppliedAnswers, apply_answers
from newsclaims.links.claims import StoryClaims, story_claims
from newsclaims.links.records import ClaimRef, ProposalSet
from newsclaims.links.snapshots import LINKS_DIR, load_answers, store
from newsclaims.schemas.links import LinkSchema

PROPOSALS_FILE = LINKS_DIR / "proposals.json"


@dataclass
class ClaimInputs:
    corpus_version: str
    snapshot_id: str
    stories: list[StoryClaims]
    snapshot_dir: Path | None = None  # the annotation snapshot's directory (its migration.jsonl)

    @property
    def claims(self) -> dict[str, ClaimRef]:
        return {c.key: c for s in self.stories for c in s.claims}


def load_claims(
    corpus: str | None = None,
    snapshot: str | None = None,
    versions_dir: Path | None = None,
    exports_dir: Path | None = None,
) -> ClaimInputs:
    from newsclaims.annotation import snapshots
    from newsclaims.corpus import versions
    from newsclaims.schemas.taxonomy import load_taxonomy

    corpus_dir = versions.store(versions_dir).resolve(corpus)
    snapshot_dir = snapshots.store(exports_dir).resolve(snapshot)
    docs = list(versions.load_documents(corpus_dir.name, corpus_dir.parent))
    annotations = snapshots.load_annotations(snapshot_dir.name, snapshot_dir.parent)
    stories = story_claims(docs, annotations, load_taxonomy())
    return ClaimInputs(corpus_dir.name, snapshot_dir.name, stories, snapshot_dir)


def write_proposals(proposals: ProposalSet, path: Path = PROPOSALS_FILE) -> None:
    atomic_write_text(path, json.dumps(proposals.to_json(), indent=1, sort_keys=True, ensure_ascii=False) + "\n")


def read_proposals(path: Path = PROPOSALS_FILE) -> ProposalSet:
    if not path.is_file():
        raise NewsclaimsError(f"no proposals at {path}: run `newsclaims links propose` first")
    return ProposalSet.from_json(json.loads(path.read_text(encoding="utf-8")))


def newest_answers(
    claims: dict[str, ClaimRef], schema: LinkSchema, exports_dir: Path | None = None, snapshot_dir: Path | None = None
) -> AppliedAnswers:
    """The newest link snapshot's answers applied to `claims` (nothing when no snapshot was pulled),
    following the claims a taxonomy migration of the annotation snapshot `snapshot_dir` moved."""
    from newsclaims.links.follow import claim_moves, follow

    if store(exports_dir).latest() is None:
        return AppliedAnswers()
    answers = follow(load_answers(None, exports_dir), claim_moves(snapshot_dir))
    return apply_answers(answers, {k: c.text for k, c in claims.items()}, schema)
