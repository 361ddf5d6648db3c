"""A private PostgreSQL cluster for Label Studio: `<data dir>/pg`, bound to 127.0.0.1 only.

Debian's `postgresql` package provides the binaries (installed with apt-get when missing and we
are root). The cluster is ours alone: initdb'd into the git-ignored data dir, listening on
127.0.0.1 on a free port and on a unix socket inside the cluster directory. Label Studio logs in
over TCP as role `labelstudio` with a generated password (kept in `.env` by settings.py);
administration (roles, databases, dump, restore) goes through the socket with peer
authentication as the cluster's owner, so no superuser password exists at all.

PostgreSQL refuses to run as root: under root the cluster belongs to Debian's `postgres`
account (commands run through `runuser`), and the data dir is opened to it for traversal only.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from newsclaims.annotation.server_state import HOST, free_port
from newsclaims.errors import NewsclaimsError

CLUSTER_DIR = "pg"
DATABASE = "labelstudio"
ROLE = "labelstudio"
PG_LIB = Path("/usr/lib/postgresql")
ROOT_OWNER = "postgres"  # Debian's account for the server
START_TIMEOUT = 60


class PostgresError(NewsclaimsError):
    pass


@dataclass(frozen=True)
class Cluster:
    """The cluster of one Label Studio data dir."""

    data_dir: Path

    @property
    def path(self) -> Path:
        return self.data_dir / CLUSTER_DIR

    @property
    def exists(self) -> bool:
        return (self.path / "PG_VERSION").is_file()

    @property
    def owner(self) -> str:
        return ROOT_OWNER if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name

    def port(self) -> int | None:
        """The port of the running postmaster (from postmaster.pid), or None if it is not running."""
        if not self.exists or self._ctl("status", check=False).returncode != 0:
            return None
        with contextlib.suppress(OSError, IndexError, ValueError):
            return int((self.path / "postmaster.pid").read_text().splitlines()[3])
        return None

    # ---- running commands as the cluster's owner --------------------------------------------

    def run(self, args: list[str], *, check: bool = True, stdin=None, stdout=None, input: bytes | None = None):
        cmd = [str(pg_bin() / args[0]), *args[1:]]
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", ROOT_OWNER, "--", *cmd]
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}  # no stray PGHOST/PGPASSWORD
        env["LC_ALL"] = "C.UTF-8"
        proc = subprocess.run(
            cmd,
            env=env,
            cwd="/",
            stdin=stdin,
            input=input,
            stdout=stdout if stdout is not None else subprocess.PIPE,
            stderr=subprocess.PIPE,
            check=False,
        )
        if check and proc.returncode != 0:
            err = proc.stderr.decode(errors="replace").strip()[-800:]
            raise PostgresError(
                f"{args[0]} failed for the PostgreSQL cluster in {self.path} ({proc.returncode}): {err}"
            )
        return proc

    def _ctl(self, *args: str, check: bool = True):
        return self.run(["pg_ctl", "-D", str(self.path), *args], check=check)

    def sql(self, script: str, database: str = "postgres") -> str:
        """Run SQL through the socket as the owner (script on stdin: never in argv)."""
        port = self.port()
        if port is None:
            raise PostgresError(f"the PostgreSQL cluster in {self.path} is not running")
        args = ["psql", "-X", "-q", "-tA", "-v", "ON_ERROR_STOP=1", "-h", str(self.path), "-p", str(port)]
        return self.run([*args, "-d", database, "-f", "-"], input=script.encode()).stdout.decode()

    def client_args(self, tool: str, database: str = DATABASE) -> list[str]:
        port = self.port()
        if port is None:
            raise PostgresError(f"the PostgreSQL cluster in {self.path} is not running")
        return [tool, "-h", str(self.path), "-p", str(port), "-d", database]

    # ---- life cycle ------------------------------------------------------------------------

    def init(self) -> None:
        """initdb a new cluster (peer auth on the socket, scram on 127.0.0.1, nothing else)."""
        ensure_installed()
        self.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.path.mkdir(mode=0o700, exist_ok=True)
        if os.geteuid() == 0:
            reach = subprocess.run(["runuser", "-u", ROOT_OWNER, "--", "test", "-x", str(self.data_dir.parent)])
            if reach.returncode != 0:
                raise PostgresError(
                    f"the {ROOT_OWNER} account, which runs the cluster under root, cannot reach "
                    f"{self.data_dir.parent}: make its directories traversable (chmod o+x) or pick another --data-dir"
                )
            self.data_dir.chmod(0o711)  # traversal only: the postgres account reaches pg/, lists nothing
            for private in ("export", "media", "test_data"):  # what Label Studio writes: made private first
                (self.data_dir / private).mkdir(mode=0o700, exist_ok=True)
            shutil.chown(self.path, ROOT_OWNER, ROOT_OWNER)
        self.run(
            [
                "initdb",
                "-D",
                str(self.path),
                "-U",
                self.owner,
                "--auth-local=peer",
                "--auth-host=scram-sha-256",
                "--encoding=UTF8",
                "--no-locale",
            ]
        )
        conf = f"\n# newsclaims: loopback and our own socket only\nlisten_addresses = '{HOST}'\n"
        conf += f"unix_socket_directories = '{self.path}'\n"
        with open(self.path / "postgresql.conf", "a") as f:  # appending keeps its owner and mode
            f.write(conf)

    def start(self) -> int:
        """Start the cluster if it is not running; return its port."""
        port = self.port()
        if port is not None:
            return port
        port = free_port()
        log = self.path / "server.log"
        self._ctl("-l", str(log), "-w", "-t", str(START_TIMEOUT), "-o", f"-p {port}", "start")
        running = self.port()
        if running != port:
            raise PostgresError(f"PostgreSQL in {self.path} did not start on port {port}; see {log}")
        return port

    def stop(self) -> bool:
        if self.port() is None:
            return False
        self._ctl("-m", "fast", "-w", "stop")
        return True

    def database_exists(self, name: str = DATABASE) -> bool:
        return self.sql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'").strip() == "1"

    def ensure_login(self, password: str) -> bool:
        """Role `labelstudio` with this password and its database; True if the database is new."""
        new_db = not self.database_exists()
        self.sql(
            f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{ROLE}') THEN "
            f"CREATE ROLE {ROLE} LOGIN; END IF; END $$;\n"
            f"ALTER ROLE {ROLE} PASSWORD '{_quote(password)}';\n"
        )
        if new_db:
            self.sql(f"CREATE DATABASE {DATABASE} OWNER {ROLE};")
        return new_db

    def drop_database(self, name: str = DATABASE) -> None:
        self.sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE);")


@dataclass(frozen=True)
class PostgresLogin:
    """What Label Studio is told (DJANGO_DB=postgresql, POSTGRE_*)."""

    port: int
    password: str = field(repr=False)

    def env(self) -> dict[str, str]:
        return {
            "DJANGO_DB": "postgresql",
            "POSTGRE_NAME": DATABASE,
            "POSTGRE_USER": ROLE,
            "POSTGRE_PASSWORD": self.password,
            "POSTGRE_HOST": HOST,
            "POSTGRE_PORT": str(self.port),
        }


def _quote(value: str) -> str:
    return value.replace("'", "''")


def pg_bin() -> Path:
    """The newest installed PostgreSQL's bin directory."""
    found = sorted(
        (p for p in PG_LIB.glob("*/bin") if (p / "initdb").is_file()), key=lambda p: int(p.parent.name), reverse=True
    )
    if not found:
        raise PostgresError(
            f"PostgreSQL is not installed (no {PG_LIB}/*/bin/initdb): run `apt-get install postgresql` as root"
        )
    return found[0]


def ensure_installed() -> Path:
    """Debian's postgresql, installed with apt-get when missing (as root); its bin directory."""
    with contextlib.suppress(PostgresError):
        return pg_bin()
    if os.geteuid() != 0:
        return pg_bin()  # raises with the instruction
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for args in (["apt-get", "update", "-q"], ["apt-get", "install", "-y", "-q", "postgresql"]):
        proc = subprocess.run(args, env=env, capture_output=True, check=False)
        if proc.returncode != 0:
            tail = proc.stderr.decode(errors="replace").strip()[-600:]
            raise PostgresError(f"`{' '.join(args)}` failed ({proc.returncode}): {tail}")
    return pg_bin()


def prepare(data_dir: Path, password: str) -> tuple[PostgresLogin, bool]:
    """The data dir's cluster initialized, started, with Label Studio's role and database.

    Returns the login and whether the database is new (Label Studio's first start on it).
    """
    cluster = Cluster(data_dir)
    if not cluster.exists:
        cluster.init()
    port = cluster.start()
    return PostgresLogin(port, password), cluster.ensure_login(password)
