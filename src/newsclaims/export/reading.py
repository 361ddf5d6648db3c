"""Read a release's configs back as rows with label names (the parquet files carry the ClassLabels)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from newsclaims.errors import NewsclaimsError


class ExportError(NewsclaimsError):
    exit_code = 1


@dataclass(frozen=True)
class Release:
    path: Path
    version: str
    taxonomy_version: int

    def has(self, config: str) -> bool:
        return any((self.path / config).glob("*.parquet"))

    def rows(self, config: str) -> list[dict]:
        """Every row of `config` over all splits, ClassLabel ids decoded to their names, by id."""
        import pyarrow.parquet as pq
        from datasets import Features

        rows: list[dict] = []
        for path in sorted((self.path / config).glob("*.parquet")):
            table = pq.read_table(path)
            features = Features.from_arrow_schema(table.schema)
            rows += [_names(features, r) for r in table.to_pylist()]
        return sorted(rows, key=lambda r: r["id"])


def _names(feature, value):
    """`value` with every ClassLabel id replaced by its name (nulls stay null)."""
    from datasets import ClassLabel, List

    if value is None:
        return None
    if isinstance(feature, ClassLabel):
        return feature.int2str(value)
    if isinstance(feature, dict):
        return {k: _names(feature[k], v) if k in feature else v for k, v in value.items()}
    if isinstance(feature, List):
        return [_names(feature.feature, v) for v in value]
    return value


def open_release(path: Path) -> Release:
    manifest = path / "manifest.json"
    if not manifest.is_file():
        raise ExportError(f"{path} is not a release folder (no manifest.json)")
    m = json.loads(manifest.read_text(encoding="utf-8"))
    inputs = m.get("inputs") or {}
    return Release(
        path=path, version=str(m.get("version", path.name)), taxonomy_version=int(inputs.get("taxonomy_version", 0))
    )


def require_text(release: Release, config: str, rows: list[dict], missing: list[str]) -> None:
    """Refuse, saying what is missing, when a licence kept texts out of the release: an export
    with empty Text columns would look complete and be useless."""
    if not missing:
        return
    docs = sorted({r.get("doc_id") or r["id"] for r in rows if r["id"] in set(missing)})
    raise ExportError(
        f"release {release.version} withholds the text of {len(docs)} document(s) by licence: "
        f"{len(missing)} of {len(rows)} {config} row(s) have no text (documents {', '.join(docs[:5])}"
        f"{' ...' if len(docs) > 5 else ''}). Restore it from your own raw files: add --raw DIR "
        f"(or run `newsclaims hydrate --release {release.version} --raw DIR --out HYDRATED` and export "
        "--release HYDRATED)"
    )
