"""A loopback TCP proxy that loses connections on purpose, to interrupt pushes for real.

`drop_response_of` = N: the N-th request whose head matches `match` reaches the server in full,
but the proxy closes the client's connection instead of relaying the answer: the server has
done the work, the client only sees a dropped connection (the worst case for duplicates).
`drop_request_after` = B: a matching request is cut after B bytes: the server never gets it whole.
A request matches when it starts with `method` and its head holds `match`.
"""

from __future__ import annotations

import contextlib
import socket
import threading


class FlakyProxy:
    def __init__(
        self,
        upstream_port: int,
        match: bytes = b"/import",
        drop_response_of: int | None = None,
        drop_request_after: int | None = None,
        method: bytes = b"POST",
    ):
        self.upstream = ("127.0.0.1", upstream_port)
        self.match = match
        self.method = method + b" "
        self.drop_response_of = drop_response_of
        self.drop_request_after = drop_request_after
        self.matched = 0
        self.dropped = 0
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._closing = False
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def close(self) -> None:
        self._closing = True
        with contextlib.suppress(OSError):
            self._listener.close()

    def _accept(self) -> None:
        while not self._closing:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        upstream = socket.create_connection(self.upstream)
        doomed = threading.Event()  # set: swallow the server's next answer and hang up

        def server_to_client():
            with contextlib.suppress(OSError):
                while data := upstream.recv(65536):
                    if doomed.is_set():
                        break
                    client.sendall(data)
            _close(client, upstream)

        threading.Thread(target=server_to_client, daemon=True).start()
        with contextlib.suppress(OSError):
            while data := client.recv(65536):
                if self.match in data and data.startswith(self.method):
                    with self._lock:
                        self.matched += 1
                        nth = self.matched
                    if nth == self.drop_response_of:
                        doomed.set()
                        self.dropped += 1
                    if self.drop_request_after is not None:
                        upstream.sendall(data[: self.drop_request_after])
                        self.dropped += 1
                        break
                upstream.sendall(data)
        if self.drop_request_after is not None:
            _close(client, upstream)


def _close(*socks: socket.socket) -> None:
    for s in socks:
        with contextlib.suppress(OSError):
            s.shutdown(socket.SHUT_RDWR)
        with contextlib.suppress(OSError):
            s.close()
