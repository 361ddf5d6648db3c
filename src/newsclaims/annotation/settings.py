"""Where Label Studio is and how to authenticate: environment first, then the git-ignored `.env`
(read and written only here).

The `.env` file is read with python-dotenv's `dotenv_values` and never exported into
`os.environ`, so child processes (and the SDK's import-time default) don't pick the token up.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from dotenv import dotenv_values

from newsclaims.errors import NewsclaimsError
from newsclaims.fsutil import atomic_write_text
from newsclaims.paths import ENV_FILE

URL_VAR = "LABEL_STUDIO_URL"
API_KEY_VAR = "LABEL_STUDIO_API_KEY"
USERNAME_VAR = "LABEL_STUDIO_USERNAME"
PASSWORD_VAR = "LABEL_STUDIO_PASSWORD"
DB_PASSWORD_VAR = "LABEL_STUDIO_DB_PASSWORD"  # the PostgreSQL role's, with `--db postgresql`
TIMEOUT_VAR = "LABEL_STUDIO_TIMEOUT"  # seconds per request; optional
DEFAULT_TIMEOUT = 60.0  # imports of large batches are synchronous on the server


class SettingsError(NewsclaimsError):
    pass


@dataclass(frozen=True)
class LabelStudioSettings:
    url: str
    api_key: str = field(repr=False)  # never shown: the repr below masks it
    timeout: float = DEFAULT_TIMEOUT

    def __repr__(self) -> str:
        return f"LabelStudioSettings(url={self.url!r}, api_key='***', timeout={self.timeout})"


def read_env_file(path: Path = ENV_FILE) -> dict[str, str]:
    """The key/value pairs of a dotenv file ({} if it does not exist)."""
    if not Path(path).is_file():
        return {}
    return {k: v for k, v in dotenv_values(path).items() if v is not None}


def write_env_values(env_file: Path, values: dict[str, str]) -> None:
    """Set `values` in a dotenv file, keeping every other line; atomic, mode 0600."""
    env_file = Path(env_file)
    old_lines = env_file.read_text().splitlines() if env_file.is_file() else []
    pending = dict(values)
    lines = []
    for line in old_lines:
        key = line.split("=", 1)[0].strip().removeprefix("export ").strip()
        if key in pending:
            lines.append(f"{key}={pending.pop(key)}")
        elif key not in values:
            lines.append(line)
    lines += [f"{k}={v}" for k, v in pending.items()]
    atomic_write_text(env_file, "\n".join(lines) + "\n", mode=0o600)


def load_settings(env_file: Path = ENV_FILE, environ: Mapping[str, str] | None = None) -> LabelStudioSettings:
    environ = os.environ if environ is None else environ
    file_values = read_env_file(env_file)

    def get(name: str) -> str | None:
        return environ.get(name) or file_values.get(name) or None

    url, key = get(URL_VAR), get(API_KEY_VAR)
    missing = [n for n, v in ((URL_VAR, url), (API_KEY_VAR, key)) if not v]
    if missing or not url or not key:  # the same test as `missing`, spelled so url and key narrow to str
        raise SettingsError(
            f"{' and '.join(missing)} not set (looked in the environment and {env_file}); "
            "run `make labelstudio` to start a local server, which writes them to .env"
        )
    raw_timeout = get(TIMEOUT_VAR)
    try:
        timeout = float(raw_timeout) if raw_timeout else DEFAULT_TIMEOUT
    except ValueError:
        timeout = -1.0
    if not timeout > 0:
        raise SettingsError(f"{TIMEOUT_VAR} must be a positive number of seconds, got {raw_timeout!r}")
    return LabelStudioSettings(url=url.rstrip("/"), api_key=key, timeout=timeout)
