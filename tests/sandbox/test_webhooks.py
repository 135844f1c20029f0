"""Webhook registration limits and deliveries (order, payload shape, retries, loopback-only)."""

from __future__ import annotations

import time

import pytest

from pbxconn.contract.receiver import Receiver
from pbxconn.sandbox.process import Sandbox
from pbxconn.sandbox.webhooks import EndpointRejected, check_endpoint

pytestmark = pytest.mark.slow


def _reset(sandbox: Sandbox) -> None:
    with sandbox.client("key-a") as client:
        assert client.post("/_sandbox/reset").status_code == 200


def test_twenty_webhooks_per_key_then_a_clear_403(sandbox: Sandbox) -> None:
    _reset(sandbox)
    with sandbox.client("key-a") as client, sandbox.client("key-b") as other:
        ids = []
        for n in range(20):
            response = client.post("/api/v2/webhooks/CallStarted", json={"endpoint": f"http://127.0.0.1:9/{n}"})
            assert response.status_code == 200
            ids.append(response.json()["data"])
        assert all(isinstance(i, str) for i in ids) and len(set(ids)) == 20
        full = client.post("/api/v2/webhooks/CallCompleted", json={"endpoint": "http://127.0.0.1:9/x"})
        assert full.status_code == 403 and "20" in full.json()["message"]
        assert other.post("/api/v2/webhooks/CallCompleted", json={"endpoint": "http://localhost:9/x"}).status_code == 200
        assert other.delete(f"/api/v2/webhooks/{ids[0]}").status_code == 404  # not yours
        assert client.delete(f"/api/v2/webhooks/{ids[0]}").status_code == 200
        assert client.delete(f"/api/v2/webhooks/{ids[0]}").status_code == 404
        assert client.post("/api/v2/webhooks/CallCompleted", json={"endpoint": "http://[::1]:9/x"}).status_code == 200
    _reset(sandbox)


def test_a_call_delivers_each_event_once_with_consistent_ids(sandbox: Sandbox) -> None:
    # One webhook per event: the four are delivered side by side, so only their set is fixed.
    _reset(sandbox)
    with Receiver() as receiver, sandbox.client("key-a") as client:
        for event in ("CallStarted", "CallConnected", "CallCompleted", "CallRecorded"):
            client.post(f"/api/v2/webhooks/{event}", json={"endpoint": receiver.url(f"/{event}")})
        result = client.post("/_sandbox/calls", json={"outcome": "answered", "recorded": True}).json()["data"]
        bodies = receiver.wait_for(4)
    assert sorted(b["eventType"] for b in bodies) == ["CallCompleted", "CallConnected", "CallRecorded", "CallStarted"]
    assert all(set(b) == {"type", "version", "eventType", "data"} for b in bodies)
    assert {b["data"]["callID"] for b in bodies} == {result["callID"]}
    recorded = next(b for b in bodies if b["eventType"] == "CallRecorded")
    assert recorded["data"]["recordingID"] == result["recordingID"]
    _reset(sandbox)


def test_deliveries_to_one_webhook_keep_their_order(sandbox: Sandbox) -> None:
    _reset(sandbox)
    with Receiver() as receiver, sandbox.client("key-a") as client:
        client.post("/api/v2/webhooks/CallStarted", json={"endpoint": receiver.url()})
        calls = [client.post("/_sandbox/calls", json={"outcome": "answered"}).json()["data"]["callID"]
                 for _ in range(5)]
        bodies = receiver.wait_for(5)
    assert [b["data"]["callID"] for b in bodies] == calls
    _reset(sandbox)


def _settled(client, timeout: float = 5.0) -> list[dict]:
    """The delivery report once no delivery is pending (the sender records an outcome only
    after the receiver's answer has reached it, a moment after the receiver saw the body)."""
    deadline = time.monotonic() + timeout
    while True:
        report = client.get("/_sandbox/deliveries").json()["data"]["deliveries"]
        if all(r["outcome"] != "pending" for r in report) or time.monotonic() > deadline:
            return report
        time.sleep(0.02)


def test_failed_deliveries_are_retried_with_back_off(sandbox: Sandbox) -> None:
    _reset(sandbox)
    with Receiver(fail_first=2) as receiver, sandbox.client("key-a") as client:
        client.post("/api/v2/webhooks/VoicemailCreated", json={"endpoint": receiver.url()})
        started = time.monotonic()
        client.post("/_sandbox/calls", json={"outcome": "voicemail"})
        bodies = receiver.wait_for(1)
        elapsed = time.monotonic() - started
        report = _settled(client)
    assert len(bodies) == 1 and bodies[0]["eventType"] == "VoicemailCreated"
    assert [r.status for r in receiver.received] == [503, 503, 200]
    assert elapsed >= 0.2 + 0.4  # two back-off waits: 0.2 s then 0.4 s
    assert report[-1]["outcome"] == "delivered" and report[-1]["attempts"] == 3
    _reset(sandbox)


def test_a_deleted_webhook_receives_nothing_more(sandbox: Sandbox) -> None:
    _reset(sandbox)
    with Receiver() as receiver, sandbox.client("key-a") as client:
        hook = client.post("/api/v2/webhooks/CallStarted", json={"endpoint": receiver.url()}).json()["data"]
        client.post("/_sandbox/calls", json={"outcome": "missed"})
        assert len(receiver.wait_for(1)) == 1
        client.delete(f"/api/v2/webhooks/{hook}")
        client.post("/_sandbox/calls", json={"outcome": "missed"})
        time.sleep(0.3)
        assert len(receiver.accepted()) == 1
    _reset(sandbox)


@pytest.mark.parametrize(
    ("url", "status"),
    [("", 422), ("127.0.0.1/x", 422), ("http://", 422), ("http://127.0.0.1:99999/", 422), ("mailto:a@b", 422),
     ("http://10.0.0.1/x", 403), ("https://hooks.example.com/x", 403)],
)
def test_endpoint_rules(url: str, status: int) -> None:
    with pytest.raises(EndpointRejected) as caught:
        check_endpoint(url, frozenset())
    assert caught.value.status == status


def test_allowed_hosts_open_a_non_loopback_endpoint() -> None:
    assert check_endpoint("https://hooks.example.com/x", frozenset({"hooks.example.com"}))
    assert check_endpoint("http://localhost:8080/x", frozenset())
