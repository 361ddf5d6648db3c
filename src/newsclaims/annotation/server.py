"""Start and stop the local Label Studio server (`newsclaims annotate server start|stop|status`).

Label Studio lives in its own virtualenv (`.venv-labelstudio`, pinned by
constraints-labelstudio.txt) and keeps its database in a git-ignored data dir (`.labelstudio/`):
SQLite by default, or a private PostgreSQL cluster in `.labelstudio/pg` (`--db postgresql`,
postgres.py), for a team whose annotators save at once. On the first start against an empty data dir we generate an admin login and
a legacy API token (the only moment Label Studio lets us enable legacy tokens) and write them
to the git-ignored `.env` (mode 0600). The token is never printed.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from newsclaims.annotation.db_backend import drop_new_database, resolve_backend, stop_cluster
from newsclaims.annotation.server_state import (
    DB_FILE,
    DEFAULT_DATA_DIR,
    DEFAULT_PORT,
    HOST,
    LABEL_STUDIO_BIN,
    LOG_FILE,
    START_TIMEOUT,
    ServerError,
    ServerState,
    port_is_free,
    terminate,
)
from newsclaims.annotation.settings import (
    API_KEY_VAR,
    DB_PASSWORD_VAR,
    PASSWORD_VAR,
    URL_VAR,
    USERNAME_VAR,
    read_env_file,
    write_env_values,
)
from newsclaims.paths import ENV_FILE

ADMIN_USERNAME = "admin@newsclaims.example"

# Label Studio reads LABEL_STUDIO_X, then HEARTEX_X, then plain X: these generic names leak in.
_LEAKY_VARS = ("PORT", "HOST", "USERNAME", "PASSWORD", "USER_TOKEN", "DATA_DIR", "BASE_DATA_DIR", "DEBUG")
# The database settings Label Studio reads: ours only (a stray DJANGO_DB would switch backends).
_DB_VARS = ("DJANGO_DB", "POSTGRE_NAME", "POSTGRE_USER", "POSTGRE_PASSWORD", "POSTGRE_HOST", "POSTGRE_PORT")
_LISTEN_RE = re.compile(r"Starting development server at https?://[^:/]+:(\d+)/")


@dataclass(frozen=True)
class Credentials:
    username: str
    password: str = field(repr=False)
    api_key: str = field(repr=False)

    @classmethod
    def generate(cls) -> Credentials:
        # A legacy token is a 40-character key (Django REST framework's Token model).
        return cls(ADMIN_USERNAME, secrets.token_urlsafe(18), secrets.token_hex(20))


@dataclass(frozen=True)
class ServerHandle:
    url: str
    port: int
    pid: int
    data_dir: Path
    log_file: Path
    env_file: Path
    api_key: str = field(repr=False)
    username: str = ""
    started: bool = True  # False: it was already running

    def __repr__(self) -> str:
        return f"ServerHandle(url={self.url!r}, pid={self.pid}, data_dir={str(self.data_dir)!r}, api_key='***')"


def is_healthy(url: str, timeout: float = 2.0) -> bool:
    try:
        r = httpx.get(f"{url}/health", timeout=timeout)
    except httpx.HTTPError:
        return False
    return r.status_code == 200 and '"UP"' in r.text


def _tail(path: Path, lines: int = 15) -> str:
    with contextlib.suppress(OSError):
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    return ""


def _child_env(data_dir: Path, first_login: Credentials | None, db: dict[str, str] | None = None) -> dict[str, str]:
    # Drop our own LABEL_STUDIO_URL/API_KEY (the server must not see the token) and any stray
    # LABEL_STUDIO_*/HEARTEX_* setting: the server's configuration is what this function sets.
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in _LEAKY_VARS and k not in _DB_VARS and not k.startswith(("LABEL_STUDIO_", "HEARTEX_"))
    }
    env.update(db or {})
    env.update(
        LABEL_STUDIO_BASE_DATA_DIR=str(data_dir),
        SENTRY_DSN="",
        FRONTEND_SENTRY_DSN="",
        LATEST_VERSION_CHECK="false",
        COLLECT_ANALYTICS="false",
        # Nobody can sign up from the login page; new accounts come from invite links or the API.
        LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK="true",
    )
    if first_login:
        # The admin account is created from these on the first start. They go through the
        # environment (readable only by this user), not argv (visible to everyone in `ps`).
        env.update(
            LABEL_STUDIO_USERNAME=first_login.username,
            LABEL_STUDIO_PASSWORD=first_login.password,
            LABEL_STUDIO_USER_TOKEN=first_login.api_key,
            LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN="true",
        )
    return env


# ---- start / stop / status ------------------------------------------------------------------


def server_status(data_dir: Path = DEFAULT_DATA_DIR) -> ServerState | None:
    """The recorded state of a server we started on `data_dir`, if its process is alive."""
    return ServerState.running(Path(data_dir))


def start_server(
    port: int = DEFAULT_PORT,
    data_dir: Path = DEFAULT_DATA_DIR,
    env_file: Path = ENV_FILE,
    label_studio_bin: Path = LABEL_STUDIO_BIN,
    timeout: float = START_TIMEOUT,
    db: str | None = None,
) -> ServerHandle:
    """Start Label Studio on 127.0.0.1:`port` with `data_dir`, and wait until it is healthy.

    `db`: "sqlite" or "postgresql"; None keeps what the data dir holds (SQLite for a new one).
    Idempotent: if our server for this data dir is already running and healthy, return it.
    """
    data_dir = Path(data_dir).resolve()
    env_file = Path(env_file)
    log_file = data_dir / LOG_FILE

    state = server_status(data_dir)
    if state is not None:
        saved = read_env_file(env_file)
        if is_healthy(state.url):
            return ServerHandle(
                url=state.url,
                port=state.port,
                pid=state.pid,
                data_dir=data_dir,
                log_file=log_file,
                env_file=env_file,
                api_key=saved.get(API_KEY_VAR, ""),
                username=saved.get(USERNAME_VAR, ""),
                started=False,
            )
        raise ServerError(
            f"a Label Studio process (pid {state.pid}) for {data_dir} is running but not healthy at "
            f"{state.url}; stop it with `newsclaims annotate server stop` and retry (log: {log_file})"
        )

    if not Path(label_studio_bin).is_file():
        raise ServerError(f"Label Studio is not installed at {label_studio_bin}: run `make labelstudio`")
    if not port_is_free(port):
        raise ServerError(f"port {port} on {HOST} is busy: choose another with --port (or LS_PORT=... for make)")

    backend = resolve_backend(data_dir, db)
    db_env: dict[str, str] = {}
    if backend == "postgresql":
        from newsclaims.annotation import postgres

        password = read_env_file(env_file).get(DB_PASSWORD_VAR) or secrets.token_urlsafe(24)
        write_env_values(env_file, {DB_PASSWORD_VAR: password})  # before the role gets it: never unknown
        login, first_start = postgres.prepare(data_dir, password)
        db_env = login.env()
    else:
        first_start = not (data_dir / DB_FILE).exists()
    url = f"http://{HOST}:{port}"
    args = [str(label_studio_bin), "start", "--no-browser", "--internal-host", HOST, "--port", str(port)]
    if first_start:
        creds = Credentials.generate()
        args += ["--enable-legacy-api-token"]
    else:
        existing = read_env_file(env_file)
        if not existing.get(API_KEY_VAR):
            raise ServerError(
                f"{data_dir} holds a Label Studio database but {env_file} has no {API_KEY_VAR} for it; restore "
                f"the .env, or move {data_dir} away to start afresh"
            )
        creds = Credentials(
            existing.get(USERNAME_VAR, ADMIN_USERNAME), existing.get(PASSWORD_VAR, ""), existing[API_KEY_VAR]
        )

    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    # Credentials go to .env before the server creates the account, so an interrupted first
    # start never leaves a database whose token nobody knows.
    write_env_values(
        env_file, {URL_VAR: url, API_KEY_VAR: creds.api_key, USERNAME_VAR: creds.username, PASSWORD_VAR: creds.password}
    )
    with open(log_file, "ab") as log:
        log.write(
            f"\n---- newsclaims: starting Label Studio on {url} at {time.strftime('%Y-%m-%dT%H:%M:%S')}\n".encode()
        )
        log.flush()
        proc = subprocess.Popen(
            args,
            cwd=data_dir,
            env=_child_env(data_dir, creds if first_start else None, db_env),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    ServerState(pid=proc.pid, port=port, url=url).write(data_dir)

    try:
        _wait_healthy(proc, url, port, log_file, timeout)
    except BaseException:
        terminate(proc.pid)
        ServerState.clear(data_dir)
        if first_start:  # a half-migrated database we just created: the next start redoes it
            drop_new_database(data_dir, backend)
        stop_cluster(data_dir)
        raise
    return ServerHandle(
        url=url,
        port=port,
        pid=proc.pid,
        data_dir=data_dir,
        log_file=log_file,
        env_file=env_file,
        api_key=creds.api_key,
        username=creds.username,
    )


def _wait_healthy(proc: subprocess.Popen, url: str, port: int, log_file: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise ServerError(
                f"Label Studio exited with code {proc.returncode} while starting; log {log_file}:\n{_tail(log_file)}"
            )
        # Label Studio silently moves to port+1 when the port is taken: make sure it is ours.
        announced = _LISTEN_RE.findall(log_file.read_text(errors="replace").split("---- newsclaims:")[-1])
        if announced and int(announced[-1]) != port:
            raise ServerError(
                f"port {port} was taken while Label Studio started (it moved to {announced[-1]}); retry with another --port"
            )
        if announced and is_healthy(url):
            return
        time.sleep(0.5)
    raise ServerError(
        f"Label Studio did not become healthy at {url} within {timeout:.0f} s; log {log_file}:\n{_tail(log_file)}"
    )


def stop_server(data_dir: Path = DEFAULT_DATA_DIR) -> bool:
    """Stop the server we started on `data_dir`. Returns False if none was running."""
    data_dir = Path(data_dir).resolve()
    state = ServerState.running(data_dir)
    if state is not None:
        terminate(state.pid)
    ServerState.clear(data_dir)
    stop_cluster(data_dir)  # after Label Studio: it holds connections until it exits
    return state is not None
