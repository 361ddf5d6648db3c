"""Rebuild an existing release aside and compare every file with the committed one.

Identical bytes: "up to date". Different bytes: the files that differ, whether the data
(parquet files) or only metadata changed, and a non-zero exit, unless the committed release was
made by another builder (other release code or library versions, or no builder record at all),
which is then said plainly: other code is expected to write other bytes, and the committed
release stays as it is. `strict` (CI) fails on any difference but one: a manifest whose only
change is its builder record (new code that writes the very same files).
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from newsclaims.fsutil import sha256_bytes
from newsclaims.release.builder import current_builder
from newsclaims.release.manifest import read_release_manifest


@dataclass
class RebuildReport:
    version: str
    differing: list[str] = field(default_factory=list)  # present in both, other bytes
    only_committed: list[str] = field(default_factory=list)
    only_rebuilt: list[str] = field(default_factory=list)
    builder_differences: list[str] = field(default_factory=list)  # [] when the same builder
    # manifest.json differs only in its builder record (and tool versions): other code wrote the same files
    only_builder_record: bool = False

    @property
    def identical(self) -> bool:
        return not (self.differing or self.only_committed or self.only_rebuilt)

    @property
    def data_changed(self) -> bool:
        return any(p.endswith(".parquet") for p in self.differing + self.only_committed + self.only_rebuilt)

    def describe(self) -> str:
        if self.identical:
            return f"release {self.version} is up to date: rebuilt from its recorded inputs, every file byte-identical"
        parts = [f"changed: {', '.join(self.differing)}"] if self.differing else []
        if self.only_committed:
            parts.append(f"only in the committed release: {', '.join(self.only_committed)}")
        if self.only_rebuilt:
            parts.append(f"only in the rebuild: {', '.join(self.only_rebuilt)}")
        what = "the data changed" if self.data_changed else "only metadata changed (the parquet files are identical)"
        if self.only_builder_record:
            return (
                f"release {self.version}: rebuilt from its recorded inputs, every file byte-identical except "
                "manifest.json, which differs only in its builder record (other code wrote the same files)"
            )
        return f"release {self.version}: rebuilding from its recorded inputs gives other bytes; {what}; " + "; ".join(
            parts
        )


def _files(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): sha256_bytes(p.read_bytes()) for p in sorted(root.rglob("*")) if p.is_file()
    }


def compare_dirs(committed: Path, rebuilt: Path) -> RebuildReport:
    a, b = _files(committed), _files(rebuilt)
    report = RebuildReport(version=committed.name)
    report.differing = sorted(p for p in a.keys() & b.keys() if a[p] != b[p])
    report.only_committed = sorted(a.keys() - b.keys())
    report.only_rebuilt = sorted(b.keys() - a.keys())
    if report.differing == ["manifest.json"] and not (report.only_committed or report.only_rebuilt):
        report.only_builder_record = _without_builder(committed) == _without_builder(rebuilt)
    return report


def _without_builder(release: Path) -> dict:
    m = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    for key in ("builder", "tools"):
        m.pop(key, None)
    return m


def rebuild_and_compare(existing: Path, content, releases_dir: Path) -> RebuildReport:
    """Build `content` into a scratch releases dir beside `releases_dir` (earlier releases read
    from `releases_dir`), compare, and delete the scratch copy."""
    from newsclaims.release.build import write_release

    with tempfile.TemporaryDirectory(prefix=f".{existing.name}.partial-verify-", dir=releases_dir) as scratch:
        rebuilt = write_release(content, Path(scratch), history_dir=releases_dir)
        report = compare_dirs(existing, rebuilt)
    recorded = read_release_manifest(existing).builder
    now = current_builder()
    if recorded is None:
        report.builder_differences = ["its manifest records no builder (made before builder digests were recorded)"]
    else:
        report.builder_differences = recorded.differences(now)
    return report


def verdict(report: RebuildReport, strict: bool = False) -> tuple[int, str]:
    """(exit code, message) for a rebuild."""
    text = report.describe()
    if report.identical:
        return 0, text + "; nothing written"
    if report.only_builder_record:
        return 0, f"{text}: {'; '.join(report.builder_differences)}; nothing written"
    if report.builder_differences and not strict:
        return 0, (
            f"{text}.\nrelease {report.version} was built by a different builder: "
            f"{'; '.join(report.builder_differences)}. The committed release is left as it is; "
            "to publish what this code builds, cut a new version (make release VERSION=x.y.z)"
        )
    why = (
        f" (builder: {'; '.join(report.builder_differences)})"
        if report.builder_differences
        else " under the same builder that made it"
    )
    return 1, f"{text}{why}. Releases are immutable: choose a new version (make release VERSION=x.y.z)"
