"""A loopback HTTP endpoint that collects webhook deliveries (JSON or form POSTs), optionally failing some first."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Received:
    """One POST the receiver got."""

    path: str
    body: Any
    status: int
    content_type: str = ""
    raw: bytes = b""


@dataclass
class Receiver:
    """Collects POSTs on 127.0.0.1:<free port>; answers 503 to the first `fail_first` of each path."""

    fail_first: int = 0
    received: list[Received] = field(default_factory=list)
    _server: ThreadingHTTPServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _failures: dict[str, int] = field(default_factory=dict)

    def __enter__(self) -> "Receiver":
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server naming)
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = raw.decode("utf-8", "replace")
                with owner._lock:
                    failed = owner._failures.get(self.path, 0)
                    status = 503 if failed < owner.fail_first else 200
                    owner._failures[self.path] = failed + 1
                    owner.received.append(Received(self.path, body, status,
                                                   self.headers.get("Content-Type", ""), raw))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True, name="webhook-receiver").start()
        return self

    def __exit__(self, *_: Any) -> None:
        assert self._server is not None
        self._server.shutdown()
        self._server.server_close()

    def url(self, path: str = "/hook") -> str:
        """The URL of one path on this receiver."""
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}{path}"

    def accepted(self, path: str | None = None) -> list[Any]:
        """Bodies answered with 200, in arrival order (optionally for one path only)."""
        with self._lock:
            return [r.body for r in self.received if r.status == 200 and (path is None or r.path == path)]

    def wait_for(self, count: int, path: str | None = None, timeout: float = 10.0) -> list[Any]:
        """Wait until `count` bodies were accepted (or the timeout passes); return them."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            bodies = self.accepted(path)
            if len(bodies) >= count:
                return bodies
            time.sleep(0.02)
        return self.accepted(path)
