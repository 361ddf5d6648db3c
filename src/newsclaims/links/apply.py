"""What people's answers decide, checked against the claims that exist now.

An answer names both claims by key and text. If either is gone (the corpus was migrated, a claim
re-drawn), the answer is stale: reported with the reason, never applied. A pair's verdict is the
strict majority of its annotators' newest answers; a tie decides nothing.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from newsclaims.links.records import LinkAnswer
from newsclaims.schemas.links import SAME, LinkSchema


@dataclass(frozen=True)
class Verdict:
    pair_id: str
    left: str
    right: str
    role: str  # one of schemas.links.ROLES
    numbers_differ: bool
    annotators: tuple[str, ...]


@dataclass
class AppliedAnswers:
    verdicts: dict[str, Verdict] = field(default_factory=dict)  # pair id -> verdict
    stale: list[str] = field(default_factory=list)  # one line per answer not applied, with why
    undecided: list[str] = field(default_factory=list)  # pair ids without a majority

    @property
    def same(self) -> set[str]:
        return {p for p, v in self.verdicts.items() if v.role == SAME}


def _gone(key: str, text: str, claims: Mapping[str, str]) -> str | None:
    if key not in claims:
        return f"claim {key} no longer exists"
    if claims[key] != text:
        return f"claim {key} now reads {claims[key]!r}, not {text!r}"
    return None


def apply_answers(answers: Iterable[LinkAnswer], claims: Mapping[str, str], schema: LinkSchema) -> AppliedAnswers:
    """`claims`: claim key -> its text, for every claim that exists now."""
    out = AppliedAnswers()
    newest: dict[str, dict[str, LinkAnswer]] = defaultdict(dict)
    for a in sorted(answers, key=lambda a: (a.pair_id, a.annotator, a.annotation_id)):
        why = _gone(a.left, a.left_text, claims) or _gone(a.right, a.right_text, claims)
        if why:
            out.stale.append(f"{a.pair_id} (task {a.task_id}, {a.annotator}): {why}; answer not applied")
            continue
        newest[a.pair_id][a.annotator] = a
    for pid, by_person in sorted(newest.items()):
        votes = Counter(schema.role_of(a.relation) for a in by_person.values())
        role, n = votes.most_common(1)[0]
        if role is None or n * 2 <= len(by_person):
            out.undecided.append(pid)
            continue
        any_answer = next(iter(by_person.values()))
        numbers = sum(a.numbers_differ for a in by_person.values()) * 2 > len(by_person)
        out.verdicts[pid] = Verdict(pid, any_answer.left, any_answer.right, role, numbers, tuple(sorted(by_person)))
    return out
