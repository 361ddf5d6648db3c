"""Replace annotator identities in a raw Label Studio export with stable pseudonyms.

Label Studio exports name people in several ways: user ids (`completed_by`, `updated_by`,
...), user objects with email and first/last name, `created_username` ("email, id") and
emails inside free strings. All of them become `annotator-N`.

Stability: the numbering lives in `.labelstudio/pseudonyms.json` (git-ignored, local to the
maintainer's checkout): `{"salt": ..., "pseudonyms": {<key>: "annotator-N"}}` where `<key>` is
a salted SHA-256 of the account's email (of its Label Studio user id when the email is
unknown), so the file holds no email and the same person keeps the same pseudonym on every
pull, even from a reinstalled server. New people get the next free number, annotators first
(in annotation order) so annotator numbers do not depend on who merely edited a task.
Losing the file renumbers future snapshots; existing snapshots are immutable and unaffected.

Not rewritten: the task `data` (the corpus document itself, already public in the corpus)
and a region's `value.text` (a copy of that document's text).
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from filelock import FileLock

from newsclaims.errors import NewsclaimsError
from newsclaims.fsutil import atomic_write_text
from newsclaims.paths import ROOT

PSEUDONYMS_FILE = ROOT / ".labelstudio" / "pseudonyms.json"
PREFIX = "annotator-"
EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# Keys whose value is a user: an id, a user object, an email, or a list of those.
USER_KEYS = frozenset(
    {
        "completed_by",
        "updated_by",
        "created_by",
        "last_created_by",
        "user",
        "reviewed_by",
        "owner",
        "annotator",
        "annotators",
        "comment_authors",
        "reviewers",
        "assignee",
        "assignees",
    }
)
# Keys holding names of people, dropped wherever they appear outside a user object.
NAME_KEYS = frozenset({"created_username", "first_name", "last_name", "username", "email", "initials"})


class PseudonymError(NewsclaimsError):
    pass


class PseudonymRegistry:
    """The persistent map person -> `annotator-N` (see the module docstring)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path or PSEUDONYMS_FILE)
        self.changed = False
        if self.path.exists():
            try:
                raw = json.loads(self.path.read_text(encoding="utf-8"))
                self.salt: str = raw["salt"]
                self.pseudonyms: dict[str, str] = dict(raw["pseudonyms"])
            except (ValueError, KeyError, TypeError) as e:
                raise PseudonymError(f"{self.path} is damaged ({e}); restore it from a backup") from None
        else:
            self.salt = secrets.token_hex(16)
            self.pseudonyms = {}
            self.changed = True

    def _key(self, kind: str, value: str) -> str:
        return hashlib.sha256(f"{self.salt}:{kind}:{value}".encode()).hexdigest()

    def pseudonym(self, *, user_id: int | None = None, email: str | None = None) -> str:
        key = self._key("email", email.strip().lower()) if email else self._key("id", str(user_id))
        name = self.pseudonyms.get(key)
        if name is None:
            used = {int(p.removeprefix(PREFIX)) for p in self.pseudonyms.values() if p.startswith(PREFIX)}
            name = f"{PREFIX}{max(used, default=0) + 1}"
            self.pseudonyms[key] = name
            self.changed = True
        return name

    def save(self) -> None:
        if self.changed:
            body = {"salt": self.salt, "pseudonyms": dict(sorted(self.pseudonyms.items()))}
            atomic_write_text(self.path, json.dumps(body, indent=2, sort_keys=True) + "\n")
            self.changed = False


@contextmanager
def open_registry(path: Path | None = None) -> Iterator[PseudonymRegistry]:
    """Load, use and save the registry under a lock, so two pulls cannot hand out one number twice."""
    path = Path(path or PSEUDONYMS_FILE)
    path.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(path) + ".lock"):
        registry = PseudonymRegistry(path)
        yield registry
        registry.save()


class _Pseudonymizer:
    def __init__(self, registry: PseudonymRegistry, users: Mapping[int, str]) -> None:
        self.registry = registry
        self.emails = {int(k): v for k, v in users.items() if v}  # LS user id -> email
        self.ids_by_email = {v.strip().lower(): k for k, v in self.emails.items()}

    def of_id(self, user_id: int) -> str:
        return self.registry.pseudonym(user_id=user_id, email=self.emails.get(user_id))

    def of_email(self, email: str) -> str:
        user_id = self.ids_by_email.get(email.strip().lower())
        return self.of_id(user_id) if user_id is not None else self.registry.pseudonym(email=email)

    def of_user(self, value: Any) -> Any:
        """A user reference (id, object, email, "email, id" or list of those) -> pseudonym(s)."""
        if value is None or isinstance(value, bool):
            return value
        if isinstance(value, int):
            return self.of_id(value)
        if isinstance(value, list):
            return [self.of_user(v) for v in value]
        if isinstance(value, dict):
            if isinstance(value.get("email"), str) and value["email"]:
                return self.of_email(value["email"])
            if isinstance(value.get("id"), int):
                return self.of_id(value["id"])
            return self.scrub(value)
        if isinstance(value, str):
            return self.of_string_user(value)
        return value

    def of_string_user(self, s: str) -> str:
        # "admin@example.com, 1" (created_username) or a bare email or a bare id
        m = re.fullmatch(r"\s*(.*?),\s*(\d+)\s*", s)
        if m:
            return self.of_id(int(m.group(2)))
        if s.strip().isdigit():
            return self.of_id(int(s))
        if EMAIL_RE.search(s):
            return self.of_text(s)
        # a bare username: not an email and not resolvable; hash it like an email so it stays stable
        return self.registry.pseudonym(email=f"username:{s}")

    def of_text(self, s: str) -> str:
        return EMAIL_RE.sub(lambda m: self.of_email(m.group(0)), s)

    def scrub(self, obj: Any, key: str | None = None) -> Any:
        """Rewrite every identity in `obj`; `key` is the dict key `obj` was found under."""
        # Exact-type checks first: a 5k-task export is a million JSON values, nearly all plain.
        t = type(obj)
        if t is dict or isinstance(obj, dict):
            out = {}
            for k, v in obj.items():
                if k in USER_KEYS:
                    out[k] = self.of_user(v)
                elif k in NAME_KEYS:
                    out[k] = self.of_user(v) if k in ("created_username", "email") and v else None
                elif k == "text" and key == "value":
                    out[k] = v  # a region's copy of the document text
                else:
                    tv = type(v)
                    if tv is int or tv is bool or tv is float or v is None:
                        out[k] = v
                    elif tv is str:
                        out[k] = self.of_text(v) if "@" in v else v
                    else:
                        out[k] = self.scrub(v, k)
            return out
        if t is list or isinstance(obj, list):
            return [self.scrub(v, key) for v in obj]
        if isinstance(obj, str):
            # Every email holds an "@": the regex only runs where one could be.
            return self.of_text(obj) if "@" in obj else obj
        return obj


def pseudonymize_export(
    tasks: list[dict[str, Any]], registry: PseudonymRegistry, users: Mapping[int, str] | None = None
) -> list[dict[str, Any]]:
    """A pseudonymized copy of a JSON export (a list of tasks). `users`: LS user id -> email.

    Annotators are numbered first, in the order of their first annotation (by task id, then
    annotation id), so annotator numbers do not depend on who else touched the project.
    """
    p = _Pseudonymizer(registry, users or {})
    ordered = sorted(tasks, key=lambda t: t.get("id") or 0)
    for task in ordered:
        for ann in sorted(task.get("annotations") or [], key=lambda a: a.get("id") or 0):
            p.of_user(ann.get("completed_by"))
    return [_scrub_task(p, t) for t in ordered]


def _scrub_task(p: _Pseudonymizer, task: dict[str, Any]) -> dict[str, Any]:
    # `data` is the corpus document shown to annotators, not personal data about them.
    return {k: (v if k == "data" else p.scrub({k: v})[k]) for k, v in task.items()}


def user_pseudonym(registry: PseudonymRegistry, users: Mapping[int, str], user: Any) -> str:
    """The pseudonym of one user reference (an id, an email, a user object) outside an export."""
    return str(_Pseudonymizer(registry, users).of_user(user))


def find_emails(text: str) -> list[str]:
    """Every email-looking string in `text`: the check that nothing personal got through."""
    return EMAIL_RE.findall(text)
