"""What built a release: the package version, a digest of the code that writes releases, and the
versions of the libraries whose output lands in its files.

Rebuilding a release compares bytes; when they differ, this record tells "the data changed under
the same code" (a bug: refuse) from "other code built it" (expected after an upgrade: say so).
The digest covers the modules whose behaviour reaches a release's bytes: the release stage, the
generated schemas and features, the store and the atomic-write helpers.
"""

from __future__ import annotations

import hashlib
import platform
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from newsclaims import __version__
from newsclaims.store import JsonRecord

PACKAGE_DIR = Path(__file__).resolve().parents[1]
CODE_PARTS = ("release", "schemas", "store", "fsutil.py", "gc_pause.py")
LIBRARIES = ("datasets", "pyarrow", "pandas", "pandera", "huggingface_hub", "krippendorff", "matplotlib", "numpy")


@dataclass
class BuilderRecord(JsonRecord):
    newsclaims: str
    code_sha256: str  # of CODE_PARTS' .py files: relative path and bytes of each, sorted by path
    tools: dict[str, str] = field(default_factory=dict)  # python and library versions

    def differences(self, other: BuilderRecord) -> list[str]:
        """What differs between two builders, in words ([] when the same)."""
        out = []
        if self.code_sha256 != other.code_sha256:
            out.append(f"release code {self.code_sha256[:12]} vs {other.code_sha256[:12]}")
        if self.newsclaims != other.newsclaims:
            out.append(f"newsclaims {self.newsclaims} vs {other.newsclaims}")
        for lib in sorted(set(self.tools) | set(other.tools)):
            if self.tools.get(lib) != other.tools.get(lib):
                out.append(f"{lib} {self.tools.get(lib, '-')} vs {other.tools.get(lib, '-')}")
        return out


def code_files(package_dir: Path = PACKAGE_DIR) -> list[Path]:
    files: list[Path] = []
    for part in CODE_PARTS:
        p = package_dir / part
        files.extend(sorted(p.rglob("*.py")) if p.is_dir() else [p] if p.is_file() else [])
    return sorted(files, key=lambda f: f.relative_to(package_dir).as_posix())


def code_sha256(package_dir: Path = PACKAGE_DIR) -> str:
    h = hashlib.sha256()
    for f in code_files(package_dir):
        rel = f.relative_to(package_dir).as_posix().encode()
        data = f.read_bytes()
        h.update(b"%d:%s%d:" % (len(rel), rel, len(data)))
        h.update(data)
    return h.hexdigest()


def current_builder() -> BuilderRecord:
    tools = {"python": platform.python_version(), **{lib: metadata.version(lib) for lib in LIBRARIES}}
    return BuilderRecord(newsclaims=__version__, code_sha256=code_sha256(), tools=tools)
