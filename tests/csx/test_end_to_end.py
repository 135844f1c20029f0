"""A flow's life against the running sandbox, through the compiled script in the loopback proxy.

Power Automate registers a webhook when a flow is saved and sends DELETE to the registration's
Location when the flow is deleted or edited. With the script, 25 create/delete cycles leave no
webhook behind; without it (the published connector) the 21st registration hits the limit.
"""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import time
from typing import Iterator

import httpx
import pytest

from tests.csx.conftest import render_script

KEY = "e2e-key"
CALLBACK = "http://127.0.0.1:9/flow-callback"  # loopback: the sandbox accepts it, nothing listens


@pytest.fixture
def sandbox() -> Iterator[str]:
    """`pbxconn sandbox serve --port 0` as a real process; yields its root URL."""
    proc = subprocess.Popen([sys.executable, "-m", "pbxconn", "sandbox", "serve", "--port", "0", "--api-key", KEY,
                             "--rate-limit", "0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    found: list[str] = []

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            match = re.search(r"listening on (http://\S+)", line)
            if match and not found:
                found.append(match.group(1))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    for _ in range(300):  # up to 30 s
        if found or proc.poll() is not None:
            break
        time.sleep(0.1)
    try:
        if not found:
            pytest.fail("the sandbox did not start")
        yield found[0]
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def _register(client: "httpx.Client", url: str, event: str) -> "httpx.Response":
    return client.post(f"{url}/webhooks/{event}", json={"endpoint": CALLBACK})


def test_25_flow_cycles_never_reach_the_limit(mono: None, make_package, sandbox: str) -> None:
    from pbxconn.csx.runtime import connector_proxy

    package = make_package()
    events = ["CallCompleted", "CallStarted", "VoicemailCreated", "LostCallerAdded", "CallRecorded"]
    with connector_proxy(package, sandbox) as url, \
            httpx.Client(headers={"Authorization": f"Bearer {KEY}"}, timeout=30, trust_env=False) as client:
        assert url.startswith("http://127.0.0.1:")
        ids = []
        for cycle in range(25):
            created = _register(client, url, events[cycle % len(events)])
            assert created.status_code == 201, created.text
            location = created.headers["location"]
            body = created.json()
            assert body["status"] == "success" and location == f"{url}/webhooks/{body['data']}"
            ids.append(body["data"])
            deleted = client.delete(location)  # what Power Automate does when the flow goes away
            assert deleted.status_code == 200, deleted.text
        assert len(set(ids)) == 25
        # every one of them is gone: deleting again is a 404 passed through unchanged
        again = client.delete(f"{url}/webhooks/{ids[0]}")
        assert again.status_code == 404 and again.json()["status"] == "error"
        # and the account can still hold its full 20 webhooks; the 21st is refused unchanged
        for n in range(20):
            assert _register(client, url, "CallConnected").status_code == 201
        refused = _register(client, url, "CallConnected")
        assert refused.status_code == 403 and "location" not in refused.headers
        assert "limit" in refused.json()["message"]


def test_without_the_script_webhooks_leak(mono: None, make_package, sandbox: str) -> None:
    from pbxconn.csx.runtime import connector_proxy

    package = make_package(script=render_script([]))  # forwards everything, like the published connector
    with connector_proxy(package, sandbox) as url, \
            httpx.Client(headers={"Authorization": f"Bearer {KEY}"}, timeout=30, trust_env=False) as client:
        statuses = []
        for cycle in range(21):
            response = _register(client, url, "CallCompleted")
            statuses.append(response.status_code)
            assert "location" not in response.headers  # nothing for the platform to DELETE
        assert statuses[:20] == [200] * 20 and statuses[20] == 403
