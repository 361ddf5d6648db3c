"""Tiny loopback HTTP servers that misbehave like a sick Label Studio: 500s, hangs, dropped
connections. Real sockets, real HTTP: the SDK client under test is never mocked."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# (status, JSON body) or None: close the connection without answering.
Answer = tuple[int, object] | None
Behaviour = Callable[[str, str], Answer]  # (method, path) -> answer


@dataclass
class FakeServer:
    behaviour: Behaviour
    delay: float = 0.0  # seconds to sleep before answering (a hung server)
    requests: list[tuple[str, str]] = field(default_factory=list)
    auth_headers: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                path = self.path.split("?", 1)[0]
                fake.requests.append((self.command, path))
                fake.auth_headers.append(self.headers.get("Authorization") or "")
                if fake.delay:
                    time.sleep(fake.delay)
                answer = fake.behaviour(self.command, path)
                if answer is None:
                    with contextlib.suppress(OSError):
                        self.connection.shutdown(socket.SHUT_RDWR)
                    self.close_connection = True
                    return
                status, body = answer
                data = json.dumps(body).encode()
                with contextlib.suppress(OSError):
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)

            do_GET = do_POST = do_PATCH = do_DELETE = do_PUT = _serve

            def log_message(self, *args) -> None:  # keep pytest output clean
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def count(self, method: str, path_part: str = "") -> int:
        return sum(1 for m, p in self.requests if m == method and path_part in p)

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


def refused_url() -> str:
    """A loopback URL nothing listens on (the port was free a moment ago)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


USER = {"id": 1, "email": "admin@newsclaims.example", "username": "admin"}
EMPTY_PAGE = {"count": 0, "next": None, "previous": None, "results": []}


def healthy_until(method: str, path_part: str, answer: Answer) -> Behaviour:
    """Answers the token check and empty project lists; `answer` for matching requests."""

    def behave(m: str, p: str) -> Answer:
        if m == method and path_part in p:
            return answer
        if p.startswith("/api/current-user/whoami"):
            return 200, USER
        if m == "GET" and p.startswith("/api/projects"):
            return 200, EMPTY_PAGE
        return 404, {"detail": "not found"}

    return behave
