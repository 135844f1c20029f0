"""Run the sandbox under uvicorn on a socket we bind ourselves (so `--port 0` can report the real port)."""

from __future__ import annotations

import socket

import uvicorn

from pbxconn.sandbox.app import Settings, create_app


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on host:port (port 0 picks a free one)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP explicitly: asyncio only sets TCP_NODELAY on accepted sockets whose proto says TCP,
    # and without it every keep-alive response waits ~40 ms for a delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(512)
    sock.set_inheritable(True)
    return sock


def url_of(sock: socket.socket) -> str:
    """The root URL a bound socket serves."""
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def make_server(settings: Settings, *, log_level: str = "warning") -> uvicorn.Server:
    """A uvicorn server for the carriers' sandbox app (not yet running)."""
    return serve_app(create_app(settings), log_level=log_level)


def serve_app(app: object, *, log_level: str = "warning") -> uvicorn.Server:
    """A uvicorn server for any of the emulators' ASGI apps (not yet running)."""
    config = uvicorn.Config(app, log_level=log_level, access_log=False, lifespan="on")
    return uvicorn.Server(config)
