"""`JsonRecord`: a manifest (or a part of one) as a dataclass that gives back the JSON it was read from.

Committed manifests are digested and hashed into releases, so reading one and writing it again
must give the same bytes. Two things would break that with plain dataclasses: a file written by
an older toolkit lacks optional keys added since (the committed snapshot has no `project_id`),
and one written by a newer toolkit has keys this one does not know. `from_json` remembers both
(`absent`, `extra`) and `to_json` puts them back; a record built in code has neither.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, ClassVar, Self

from newsclaims.errors import NewsclaimsError

# field name -> the record class of its value (or of its items / mapping values)
Fields = Mapping[str, type["JsonRecord"]]


class ManifestError(NewsclaimsError):
    """A manifest that lacks a key every manifest of its kind has."""


@dataclasses.dataclass
class JsonRecord:
    # Keys the file had that this toolkit does not know, kept to be written back as they were.
    extra: dict[str, Any] = dataclasses.field(default_factory=dict, kw_only=True, repr=False, compare=False)
    # Optional keys the file did not have: left out again by to_json.
    absent: frozenset[str] = dataclasses.field(default=frozenset(), kw_only=True, repr=False, compare=False)

    # Fields holding a record, or a {name: record} mapping, or a list of records: converted both ways.
    RECORDS: ClassVar[Fields] = {}
    RECORD_MAPS: ClassVar[Fields] = {}
    RECORD_LISTS: ClassVar[Fields] = {}
    # Optional fields that the writer leaves out when None (instead of writing null).
    OMIT_NONE: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def _fields(cls) -> list[dataclasses.Field]:
        return [f for f in dataclasses.fields(cls) if f.name not in ("extra", "absent")]

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Self:
        if not isinstance(data, Mapping):
            raise ManifestError(f"{cls.__name__}: expected a JSON object, got {type(data).__name__}")
        kwargs: dict[str, Any] = {}
        absent = []
        for f in cls._fields():
            if f.name not in data:
                if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                    raise ManifestError(f"{cls.__name__}: the manifest has no {f.name!r}")
                absent.append(f.name)
                continue
            kwargs[f.name] = cls._decode(f.name, data[f.name])
        known = {f.name for f in cls._fields()}
        extra = {k: v for k, v in data.items() if k not in known}
        return cls(**kwargs, extra=extra, absent=frozenset(absent))

    @classmethod
    def _decode(cls, name: str, value: Any) -> Any:
        if value is None:
            return None
        if name in cls.RECORDS:
            return cls.RECORDS[name].from_json(value)
        if name in cls.RECORD_MAPS:
            return {k: cls.RECORD_MAPS[name].from_json(v) for k, v in value.items()}
        if name in cls.RECORD_LISTS:
            return [cls.RECORD_LISTS[name].from_json(v) for v in value]
        return value

    def to_json(self) -> dict[str, Any]:
        """The JSON object (writers sort the keys: the order here does not matter)."""
        out: dict[str, Any] = {}
        for f in self._fields():
            value = getattr(self, f.name)
            if f.name in self.absent or (value is None and f.name in self.OMIT_NONE):
                continue
            out[f.name] = self._encode(f.name, value)
        out.update(self.extra)
        return out

    def _encode(self, name: str, value: Any) -> Any:
        if value is None:
            return None
        if name in self.RECORDS:
            return value.to_json()
        if name in self.RECORD_MAPS:
            return {k: v.to_json() for k, v in value.items()}
        if name in self.RECORD_LISTS:
            return [v.to_json() for v in value]
        return value
