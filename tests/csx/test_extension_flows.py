"""Flows of the extension PBX connector as Power Automate runs them, through its compiled script.

Saving a flow registers an event subscription through the connector; the script answers 201 with
a Location; events arrive form-encoded at the flow's callback and are read with
triggerFormDataValue; deleting the flow sends DELETE to the Location. Every generated package of
the extension family is driven against the emulator, started as a real process.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Iterator

import httpx
import pytest
import yaml

from pbxconn.contract.form_events import decode_form, stored_form
from pbxconn.contract.oauth import authorization_code_token
from pbxconn.contract.receiver import Receiver
from pbxconn.sandbox.process import Sandbox, start_sandbox
from tests.csx.conftest import REPO, render_script

QUOTA = 20


def _packages() -> list[Path]:
    found = []
    for path in sorted((REPO / "carriers").glob("*.yaml")):
        if yaml.safe_load(path.read_text("utf-8")).get("family") == "extension":
            found.append(REPO / "connectors" / path.stem)
    return found


PACKAGES = _packages()


@pytest.fixture
def emulator() -> Iterator[Sandbox]:
    running = start_sandbox("--rate-limit", "0", "--event-quota", str(QUOTA), family="extension")
    try:
        yield running
    finally:
        running.stop()


def _client(emulator: Sandbox) -> httpx.Client:
    token = authorization_code_token(emulator.url, "sandbox-public", "sandbox-public-secret")
    return httpx.Client(headers={"Authorization": f"Bearer {token}"}, timeout=30, trust_env=False)


def _trigger(package: Path) -> tuple[str, str]:
    """(path, callback-URL field) of the package's event trigger."""
    spec = json.loads((package / "apiDefinition.swagger.json").read_text("utf-8"))
    for path, item in spec["paths"].items():
        post = item.get("post", {})
        if post.get("x-ms-trigger") == "single":
            body = next(p for p in post["parameters"] if p["in"] == "body")
            field = next(n for n, p in body["schema"]["properties"].items() if p.get("x-ms-notification-url"))
            return path, field
    raise AssertionError(f"{package.name} has no webhook trigger")


def _subscriptions(emulator: Sandbox) -> list[dict]:
    return httpx.get(emulator.url + "/_sandbox/subscriptions", trust_env=False).json()


@pytest.mark.parametrize("package", PACKAGES, ids=[p.name for p in PACKAGES])
def test_a_flow_subscribes_receives_form_events_and_unsubscribes(mono: None, emulator: Sandbox, package: Path) -> None:
    from pbxconn.csx.runtime import connector_proxy

    path, field = _trigger(package)
    with Receiver() as receiver, connector_proxy(package, emulator.url) as url, _client(emulator) as client:
        saved = client.post(url + path.replace("{extension_id}", "100"),
                            json={field: receiver.url("/flow"), "event_type": "hangup", "method": "POST"})
        assert saved.status_code == 201, saved.text
        location = saved.headers["location"]
        assert location == f"{url}/extension/100/event/{saved.json()['id']}"
        played = {"extension": "100", "caller": "+37060000042", "outcome": "answered", "recorded": True}
        call = client.post(emulator.url + "/_sandbox/calls", json=played).json()
        client.get(emulator.url + "/_sandbox/deliveries", params={"wait": 5})
        (event,) = [r for r in receiver.received if r.path == "/flow"]
        # what the flow engine stores for a form body, read the way the reference tells makers to
        stored = stored_form(event.content_type, event.raw)
        assert stored["$content-type"] == "application/x-www-form-urlencoded"
        values = decode_form(stored)  # triggerFormDataValue('<key>')
        assert values["EventType"] == "hangup" and values["CallerIDNum"] == "+37060000042"
        assert values["CallID"] == call["call_id"] and values["RecID"] == call["record_uuid"]
        # the flow is deleted: Power Automate sends DELETE to the Location
        assert client.delete(location).status_code == 204
        assert _subscriptions(emulator) == []


@pytest.mark.parametrize("package", PACKAGES, ids=[p.name for p in PACKAGES])
def test_25_saved_and_deleted_flows_leave_no_subscription(mono: None, emulator: Sandbox, package: Path) -> None:
    from pbxconn.csx.runtime import connector_proxy

    path, field = _trigger(package)
    with connector_proxy(package, emulator.url) as url, _client(emulator) as client:
        for n in range(25):
            saved = client.post(url + path.replace("{extension_id}", "101"),
                                json={field: f"http://127.0.0.1:9/flow/{n}", "event_type": "dial-in", "method": "POST"})
            assert saved.status_code == 201, (n, saved.text)
            assert client.delete(saved.headers["location"]).status_code == 204, n
        assert _subscriptions(emulator) == []


@pytest.mark.parametrize("package", PACKAGES, ids=[p.name for p in PACKAGES])
def test_without_the_location_fix_the_quota_is_reached(mono: None, emulator: Sandbox, package: Path,
                                                       tmp_path: Path) -> None:
    """A script that only forwards (the service's own answer, no Location): nothing to DELETE, so every
    saved flow leaves its subscription behind and the 21st is refused."""
    from pbxconn.csx.runtime import connector_proxy

    plain = tmp_path / package.name
    shutil.copytree(package, plain)
    (plain / "script.csx").write_text(render_script([]), "utf-8")
    path, field = _trigger(package)
    with connector_proxy(plain, emulator.url) as url, _client(emulator) as client:
        statuses = []
        for n in range(QUOTA + 1):
            saved = client.post(url + path.replace("{extension_id}", "102"),
                                json={field: f"http://127.0.0.1:9/flow/{n}", "event_type": "answer", "method": "POST"})
            statuses.append(saved.status_code)
            assert "location" not in saved.headers
        assert statuses == [201] * QUOTA + [403]
        assert len(_subscriptions(emulator)) == QUOTA
