"""Start `pbxconn sandbox serve --port 0` as a subprocess, read the URL it prints, stop it later."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from dataclasses import dataclass

import httpx

from pbxconn.sandbox.defaults import DEFAULT_KEY

URL_LINE = re.compile(r"listening on (http://\S+)")


@dataclass
class Sandbox:
    """A running sandbox process."""

    url: str
    process: subprocess.Popen[str]
    prefix: str = "/api/v2"

    @property
    def api(self) -> str:
        """The API base URL."""
        return self.url + self.prefix

    def client(self, key: str | None = DEFAULT_KEY) -> httpx.Client:
        """An HTTP client authenticated with `key` (None: no Authorization header)."""
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        return httpx.Client(base_url=self.url, headers=headers, trust_env=False, timeout=10)

    def stop(self) -> None:
        """Terminate the process and wait for it."""
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


PREFIXES = {"pbx": "/api/v2", "extension": "/api/ver1.0"}


def start_sandbox(*args: str, family: str = "pbx") -> Sandbox:
    """Start an emulator subprocess with extra CLI args; return once it answers its health probe."""
    process = subprocess.Popen(
        [sys.executable, "-m", "pbxconn", "sandbox", "serve", "--family", family, "--port", "0", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    match = URL_LINE.search(line)
    if not match:
        process.kill()
        raise RuntimeError(f"sandbox did not print its URL: {line!r} {process.stderr.read() if process.stderr else ''}")
    sandbox = Sandbox(match.group(1), process, PREFIXES[family])
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            if httpx.get(sandbox.url + "/_sandbox/health", trust_env=False).status_code == 200:
                return sandbox
        except httpx.HTTPError:
            time.sleep(0.05)
    sandbox.stop()
    raise RuntimeError("sandbox did not become ready")
