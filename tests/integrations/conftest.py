"""A local HTTP server whose answers each test sets per path, and helpers."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

Answer = tuple[int, dict[str, str], bytes]


@dataclass
class Server:
    """`routes[path]` is an Answer or a function of the request giving one; every request is
    kept in `requests` (method, path, headers, body)."""

    routes: dict[str, Answer | Callable[[dict[str, Any]], Answer]] = field(default_factory=dict)
    requests: list[dict[str, Any]] = field(default_factory=list)
    port: int = 0

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


@pytest.fixture
def server() -> Iterator[Server]:
    state = Server()

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            seen = {
                "method": self.command,
                "path": self.path,
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "body": body,
            }
            state.requests.append(seen)
            route = state.routes.get(self.path, (404, {}, b"not here"))
            status, headers, content = route(seen) if callable(route) else route
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(content)

        do_GET = do_POST = _answer  # noqa: N815

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield state
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def otto(other_org):
    """Comms lead at Other BV: must never see or touch Acme's integrations."""
    from tests.conftest import _person

    return _person(other_org, "otto@other.test", "Otto Comms", role="comms", language="en")


@pytest.fixture
def public_dns(monkeypatch) -> dict[str, list[str]]:
    """Stand-in DNS: host -> addresses (tests have no network)."""
    from zichtbaar.integrations import transport

    table: dict[str, list[str]] = {}

    def resolve(host: str, port: int) -> list[str]:
        if host not in table:
            import socket

            raise socket.gaierror("unknown host")
        return table[host]

    monkeypatch.setattr(transport, "resolve", resolve)
    return table
