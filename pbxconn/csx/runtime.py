"""Run a connector with its custom code locally: a Mono-hosted loopback proxy in front of a backend.

    with connector_proxy("connectors/tele2", "http://127.0.0.1:8123") as url:
        httpx.post(f"{url}/webhooks/CallCompleted", json={...}, headers={"Authorization": "..."})

The proxy presents the connector's operations at `url` (paths of the OpenAPI definition under a
connector-like prefix). Operations routed to the script (apiProperties `scriptOperations`) run
through the compiled script's ExecuteAsync, with `Context.OriginalRequestUri` = the proxy URL
that was called and `Context.SendAsync` going to the backend; the rest go straight to the backend.
"""

from __future__ import annotations

import json
import queue
import subprocess
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

from pbxconn.core.errors import PbxconnError
from pbxconn.csx.compile import compile_script, find_toolchain
from pbxconn.csx.connector import Connector, load_connector

DEFAULT_PREFIX = "/apim/pbxconn/local"


def backend_for(connector: Connector, backend_url: str) -> str:
    """The backend base: `backend_url` plus the definition's basePath unless it already has one."""
    backend = backend_url.rstrip("/")
    if urlsplit(backend).path in ("", "/") and connector.base_path:
        backend += connector.base_path
    return backend


@contextmanager
def connector_proxy(package_dir: Path | str, backend_url: str, *, prefix: str = DEFAULT_PREFIX,
                    startup_timeout: float = 30.0) -> Iterator[str]:
    """Compile the package's script with the local host, serve it on 127.0.0.1; yield its URL."""
    toolchain = find_toolchain()
    connector = load_connector(Path(package_dir))
    if connector.problems:
        raise PbxconnError("the connector's files did not load: " + "; ".join(connector.problems),
                           location=str(connector.directory))
    if connector.swagger is None:
        raise PbxconnError("no apiDefinition.swagger.json: the proxy needs the operations",
                           location=str(connector.directory))
    compiled = compile_script(connector.script_text, host=True, toolchain=toolchain)
    if compiled.status != "compiled" or compiled.output is None:
        raise PbxconnError(f"the script cannot run locally ({compiled.status}): {compiled.reason}",
                           location=str(connector.script_path))
    config = {"prefix": prefix.rstrip("/"), "backend": backend_for(connector, backend_url),
              "routes": connector.route_table()}
    with tempfile.TemporaryDirectory(prefix="pbxconn-proxy-") as tmp:
        config_path = Path(tmp) / "proxy.json"
        config_path.write_text(json.dumps(config), encoding="utf-8")
        log_path = Path(tmp) / "proxy.log"
        with open(log_path, "wb") as log:
            proc = subprocess.Popen([toolchain.mono, str(compiled.output), "serve", str(config_path)],
                                    stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log)
            try:
                url = _await_listening(proc, startup_timeout, log_path)
                yield url
            finally:
                _stop(proc)


def _await_listening(proc: subprocess.Popen, timeout: float, log_path: Path) -> str:
    lines: queue.Queue[str] = queue.Queue()

    def read() -> None:
        assert proc.stdout is not None
        for raw in proc.stdout:
            lines.put(raw.decode("utf-8", "replace").strip())
        lines.put("")

    threading.Thread(target=read, daemon=True).start()
    try:
        line = lines.get(timeout=timeout)
    except queue.Empty:
        line = ""
    if not line.startswith("LISTENING "):
        _stop(proc)
        detail = log_path.read_text(encoding="utf-8", errors="replace").strip()[-1500:]
        raise PbxconnError(f"the connector proxy did not start: {detail or 'no output'}")
    return line.split(" ", 1)[1]


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    try:
        if proc.stdin is not None:
            proc.stdin.close()
        proc.wait(timeout=5)
    except (subprocess.TimeoutExpired, OSError):
        proc.kill()
        proc.wait(timeout=5)
