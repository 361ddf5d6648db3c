"""Session-wide fixtures: a real Label Studio server, and a fresh project per test.

The server is the one given by LABEL_STUDIO_URL + LABEL_STUDIO_API_KEY in the environment, or
else one this fixture starts on a free loopback port with a temporary data dir (about 45 s cold
start) and stops at the end of the session. If it cannot start, the fixture raises: the tests
that need it fail, they never skip.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from label_studio_sdk import LabelStudio

from newsclaims.annotation.client import connect
from newsclaims.annotation.server import start_server, stop_server
from newsclaims.annotation.server_state import free_port
from newsclaims.annotation.settings import (
    API_KEY_VAR,
    PASSWORD_VAR,
    URL_VAR,
    USERNAME_VAR,
    LabelStudioSettings,
    read_env_file,
)
from newsclaims.schemas.labelstudio import render_label_config
from newsclaims.schemas.taxonomy import load_taxonomy

# A test that uses one of these fixtures needs the real server: it is marked `labelstudio` here,
# so the mark follows what a test uses (`make test-fast` deselects it) and never sits on a
# server-free test by a module-wide `pytestmark`. Tests that start a server themselves, or drive
# Chromium, carry the mark on the function.
SERVER_FIXTURES = frozenset({"labelstudio", "server"})  # `server`: reliability's dedicated one


def pytest_collection_modifyitems(config, items):
    for item in items:
        if SERVER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.labelstudio)
        if item.get_closest_marker("browser") and not item.get_closest_marker("labelstudio"):
            raise pytest.UsageError(f"{item.nodeid}: a browser test drives Label Studio, so it needs its server")


@dataclass(frozen=True)
class LabelStudioServer:
    url: str
    api_key: str = field(repr=False)
    username: str | None = None  # the admin login, for browser tests (None if not known)
    password: str | None = field(default=None, repr=False)
    started_by_fixture: bool = False
    start_seconds: float = 0.0

    @property
    def settings(self) -> LabelStudioSettings:
        return LabelStudioSettings(url=self.url, api_key=self.api_key)

    def client(self) -> LabelStudio:
        """A new SDK client, checked against the server (reachable, token accepted)."""
        return connect(self.settings)

    def env(self, **extra: str) -> dict[str, str]:
        """Environment for a `newsclaims` subprocess that should talk to this server."""
        return {**os.environ, URL_VAR: self.url, API_KEY_VAR: self.api_key, **extra}


@pytest.fixture(scope="session")
def labelstudio(tmp_path_factory) -> Iterator[LabelStudioServer]:
    url, key = os.environ.get(URL_VAR), os.environ.get(API_KEY_VAR)
    if url and key:
        server = LabelStudioServer(
            url=url.rstrip("/"),
            api_key=key,
            username=os.environ.get(USERNAME_VAR),
            password=os.environ.get(PASSWORD_VAR),
        )
        server.client()  # raises LabelStudioError if unreachable or the token is wrong
        yield server
        return
    data_dir = tmp_path_factory.mktemp("labelstudio-data")
    t0 = time.monotonic()
    env_file = data_dir.parent / "labelstudio.env"
    handle = start_server(port=free_port(), data_dir=data_dir, env_file=env_file)
    login = read_env_file(env_file)
    server = LabelStudioServer(
        handle.url,
        handle.api_key,
        username=login[USERNAME_VAR],
        password=login[PASSWORD_VAR],
        started_by_fixture=True,
        start_seconds=time.monotonic() - t0,
    )
    try:
        yield server
    finally:
        stop_server(data_dir)


@dataclass(frozen=True)
class ProjectRef:
    id: int
    title: str
    label_config: str


@pytest.fixture
def ls_project(labelstudio: LabelStudioServer) -> Iterator[ProjectRef]:
    """A new, empty project with the generated label config and a unique title; deleted afterwards."""
    client = labelstudio.client()
    title = f"test-{uuid.uuid4().hex[:12]}"
    config = render_label_config(load_taxonomy())
    project = client.projects.create(title=title, label_config=config)
    yield ProjectRef(id=project.id, title=title, label_config=config)
    client.projects.delete(id=project.id)
