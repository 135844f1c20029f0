"""Flows driven the way Power Automate drives the connector, against a sandbox subprocess."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest

from pbxconn.contract.flows import PollingTrigger, WebhookTrigger, evaluate, polling_policies
from pbxconn.contract.receiver import Receiver
from pbxconn.sandbox.process import Sandbox, start_sandbox

pytestmark = pytest.mark.slow
KEY = "flow-key"


def _package(repo: Path, carrier: str) -> tuple[dict[str, Any], dict[str, Any]]:
    folder = repo / "connectors" / carrier
    if not (folder / "apiDefinition.swagger.json").is_file() or not (folder / "apiProperties.json").is_file():
        pytest.skip(f"{folder} has no generated package yet (run `pbxconn build`)")
    return (
        json.loads((folder / "apiDefinition.swagger.json").read_text(encoding="utf-8")),
        json.loads((folder / "apiProperties.json").read_text(encoding="utf-8")),
    )


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    running = start_sandbox("--rate-limit", "0", "--api-key", KEY)
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture()
def client(sandbox: Sandbox) -> Iterator[httpx.Client]:
    with httpx.Client(headers={"Authorization": f"Bearer {KEY}"}, trust_env=False, timeout=10) as http:
        assert http.post(sandbox.url + "/_sandbox/reset").status_code == 200
        yield http


def test_expressions_of_the_policies() -> None:
    body = {"data": [{"callID": 9, "id": 3}, {"callID": 8}]}
    assert evaluate("@triggerBody().data", body) == body["data"]
    assert evaluate("@{triggerBody().data[0].callID}", body) == 9
    assert evaluate("@{triggerBody().data[5].callID}", body) is None
    assert evaluate("after @{triggerBody().data[0].id}", body) == "after 3"


@pytest.mark.parametrize("carrier", ["tele2", "lmt"])
def test_every_polling_trigger_sets_a_baseline_without_firing(repo: Path, sandbox: Sandbox, client: httpx.Client,
                                                              carrier: str) -> None:
    spec, properties = _package(repo, carrier)
    policies = polling_policies(properties)
    assert len(policies) == 8
    for operation_id in policies:
        trigger = PollingTrigger(client, sandbox.api, spec, properties, operation_id)
        assert trigger.poll() == []
        assert trigger.state and all(isinstance(v, int) and v > 0 for v in trigger.state.values()), operation_id
        assert trigger.poll() == []  # nothing new since the baseline


@pytest.mark.parametrize(
    ("operation_id", "key", "call"),
    [
        ("GetCallHistory", "callID", {"outcome": "answered"}),
        ("GetCallRecordings", "recordingID", {"outcome": "answered", "recorded": True}),
        ("GetVoicemails", "voicemailID", {"outcome": "voicemail"}),
    ],
)
def test_each_new_item_fires_exactly_once_while_calls_keep_arriving(
    repo: Path, sandbox: Sandbox, client: httpx.Client, operation_id: str, key: str, call: dict[str, Any]
) -> None:
    spec, properties = _package(repo, "tele2")
    trigger = PollingTrigger(client, sandbox.api, spec, properties, operation_id, inputs={"limit": 3})
    assert trigger.poll() == []
    made: list[int] = []
    stop = threading.Event()

    def keep_calling() -> None:
        with httpx.Client(headers={"Authorization": f"Bearer {KEY}"}, trust_env=False) as caller:
            while not stop.is_set() and len(made) < 40:  # bounded
                summary = caller.post(sandbox.url + "/_sandbox/calls", json=call).json()["data"]
                made.append(summary[key])

    worker = threading.Thread(target=keep_calling)
    worker.start()
    fired: list[int] = []
    polls_during_calls = 0
    try:
        while worker.is_alive():  # the worker stops itself after 40 calls
            fired += [item[key] for item in trigger.poll()]
            polls_during_calls += 1
    finally:
        stop.set()
        worker.join()
    assert polls_during_calls > 5 and fired, "the polls did not overlap the calls"
    for _ in range(20):  # drain: a limit of 3 per poll needs a few polls after the calls stop
        fired += [item[key] for item in trigger.poll()]
    assert made, "no call was simulated"
    assert sorted(fired) == sorted(made)  # every new item once: none missed, none repeated


class _LocationProxy:
    """Forwards to the sandbox and answers webhook registrations with 201 + Location
    `<proxy>/webhooks/{id}`, the way the connector's script.csx does (the real script is exercised
    end to end by its own tests under tests/csx)."""

    def __init__(self, upstream: str) -> None:
        owner = self
        self.upstream = upstream

        class Handler(BaseHTTPRequestHandler):
            def _forward(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {"Authorization": self.headers.get("Authorization", ""), "Content-Type": "application/json"}
                response = httpx.request(self.command, owner.upstream + self.path, content=raw, headers=headers, trust_env=False)
                status, extra = response.status_code, {}
                if self.command == "POST" and self.path.startswith("/api/v2/webhooks/") and status == 200:
                    status, extra = 201, {"Location": f"{owner.url}/api/v2/webhooks/{response.json()['data']}"}
                self.send_response(status)
                for name, value in {"Content-Type": "application/json", **extra}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(response.content)))
                self.end_headers()
                self.wfile.write(response.content)

            do_POST = do_DELETE = do_GET = _forward

            def log_message(self, *_: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture()
def proxy(sandbox: Sandbox) -> Iterator[_LocationProxy]:
    running = _LocationProxy(sandbox.url)
    yield running
    running.close()


def test_webhook_lifecycle_register_receive_delete_via_location(
    repo: Path, client: httpx.Client, proxy: _LocationProxy, sandbox: Sandbox
) -> None:
    spec, _ = _package(repo, "tele2")
    with Receiver() as receiver:
        trigger = WebhookTrigger(client, proxy.url + "/api/v2", spec, "CallCompleted")
        created = trigger.create(receiver.url())
        assert created.status_code == 201 and trigger.location
        client.post(sandbox.url + "/_sandbox/calls", json={"outcome": "answered"})
        assert [b["eventType"] for b in receiver.wait_for(1)] == ["CallCompleted"]
        assert trigger.delete()
        client.post(sandbox.url + "/_sandbox/calls", json={"outcome": "answered"})
        deadline = time.monotonic() + 5  # the first delivery is recorded a moment after it arrived
        while (deliveries := client.get(sandbox.url + "/_sandbox/deliveries").json()["data"])["pending"] \
                and time.monotonic() < deadline:
            time.sleep(0.02)
        assert deliveries["pending"] == 0 and len(receiver.accepted()) == 1


def test_25_flows_created_and_deleted_never_hit_the_limit_with_location(
    repo: Path, client: httpx.Client, proxy: _LocationProxy
) -> None:
    spec, _ = _package(repo, "tele2")
    for n in range(25):
        trigger = WebhookTrigger(client, proxy.url + "/api/v2", spec, "CallStarted")
        assert trigger.create(f"http://127.0.0.1:9/flow/{n}").status_code == 201, n
        assert trigger.delete(), n


def test_without_location_registrations_leak_until_the_limit(repo: Path, client: httpx.Client, sandbox: Sandbox) -> None:
    """Upstream behaviour: 200 without Location, so the platform cannot delete, and flow 21 fails."""
    spec, _ = _package(repo, "tele2")
    statuses = []
    for n in range(25):
        trigger = WebhookTrigger(client, sandbox.api, spec, "CallStarted")
        statuses.append(trigger.create(f"http://127.0.0.1:9/flow/{n}").status_code)
        assert not trigger.delete()
    assert statuses[:20] == [200] * 20
    assert statuses[20:] == [403] * 5
