"""The sandbox over real HTTP: envelope, auth, errors, cursors and filters, admin simulation."""

from __future__ import annotations

import subprocess
import sys

import pytest

from pbxconn.sandbox.process import Sandbox, start_sandbox

pytestmark = pytest.mark.slow

ENVELOPE = {"version", "status", "statusCode", "message"}


def test_envelope_and_both_auth_forms(sandbox: Sandbox) -> None:
    with sandbox.client("key-a") as bearer:
        body = bearer.get("/api/v2/contacts/1").json()
    assert ENVELOPE | {"data"} == set(body) and body["statusCode"] == 200 and body["data"]["contactID"] == 1
    with sandbox.client(None) as raw:
        assert raw.get("/api/v2/contacts/1", headers={"Authorization": "key-b"}).status_code == 200


@pytest.mark.parametrize(
    ("headers", "status"),
    [({}, 401), ({"Authorization": ""}, 401), ({"Authorization": "Bearer nope"}, 403), ({"Authorization": "nope"}, 403)],
)
def test_missing_key_is_401_and_wrong_key_403_with_envelope(sandbox: Sandbox, headers: dict[str, str], status: int) -> None:
    with sandbox.client(None) as client:
        response = client.get("/api/v2/trigger/contacts", params={"initial_contact_id": 0}, headers=headers)
    assert response.status_code == status
    assert response.json()["statusCode"] == status and ENVELOPE <= set(response.json())


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status"),
    [
        ("GET", "/api/v2/contacts/999999", {}, 404),
        ("GET", "/api/v2/contacts/99999999999999999999999", {}, 404),
        ("GET", "/api/v2/contacts/abc", {}, 422),
        ("GET", "/api/v2/trigger/call_history", {}, 422),  # the cursor is required
        ("GET", "/api/v2/trigger/call_history", {"params": {"initial_call_id": "x"}}, 422),
        ("GET", "/api/v2/trigger/call_history", {"params": {"initial_call_id": 0, "date_from": "yesterday"}}, 422),
        ("GET", "/api/v2/trigger/call_history", {"params": {"initial_call_id": 0, "bogus": 1}}, 422),
        ("GET", "/api/v2/lost_calls", {"params": {"limit": "1.5"}}, 422),
        ("POST", "/api/v2/dial", {"content": b"{not json"}, 400),
        ("POST", "/api/v2/dial", {"json": [1, 2]}, 422),
        ("POST", "/api/v2/dial", {"json": {"destination": "+37060000000"}}, 422),
        ("POST", "/api/v2/dial", {"json": {"destination": "+37060000000", "contactID": 2**40}}, 422),
        ("POST", "/api/v2/dial", {"json": {"destination": "+37060000000", "contactID": 424242}}, 404),
        ("POST", "/api/v2/webhooks/CallStarted", {"json": {"endpoint": "not a url"}}, 422),
        ("POST", "/api/v2/webhooks/CallStarted", {"json": {"endpoint": "ftp://127.0.0.1/x"}}, 422),
        ("POST", "/api/v2/webhooks/CallStarted", {"json": {"endpoint": "https://example.com/hook"}}, 403),
        ("DELETE", "/api/v2/webhooks/987654", {}, 404),
        ("DELETE", "/api/v2/webhooks/CallStarted", {}, 405),
        ("GET", "/api/v2/nowhere", {}, 404),
    ],
)
def test_bad_input_is_a_4xx_never_a_500(sandbox: Sandbox, method: str, path: str, kwargs: dict, status: int) -> None:
    with sandbox.client("key-a") as client:
        response = client.request(method, path, **kwargs)
    assert response.status_code == status, response.text
    assert response.json()["statusCode"] == status


def test_wrong_method_is_405_with_allow(sandbox: Sandbox) -> None:
    with sandbox.client("key-a") as client:
        assert client.get("/api/v2/webhooks/CallStarted").headers["allow"] == "POST"
        assert client.post("/api/v2/webhooks/12").headers["allow"] == "DELETE"


def test_dial_accepts_a_known_employee(sandbox: Sandbox) -> None:
    with sandbox.client("key-a") as client:
        response = client.post("/api/v2/dial", json={"destination": "+37060000000", "contactID": 1})
    assert response.status_code == 200 and response.json()["data"] == {}


def _ids(response, key: str) -> list[int]:
    assert response.status_code == 200, response.text
    return [item[key] for item in response.json()["data"]]


def test_cursor_returns_only_newer_items_newest_first(sandbox: Sandbox) -> None:
    with sandbox.client("key-a") as client:
        baseline = _ids(client.get("/api/v2/trigger/call_history", params={"initial_call_id": 0, "limit": 5}), "callID")
        assert baseline == sorted(baseline, reverse=True) and len(baseline) == 5
        cursor = baseline[0]
        assert _ids(client.get("/api/v2/trigger/call_history", params={"initial_call_id": cursor}), "callID") == []
        made = [client.post("/_sandbox/calls", json={"outcome": "answered"}).json()["data"]["callID"] for _ in range(3)]
        newer = _ids(client.get("/api/v2/trigger/call_history", params={"initial_call_id": cursor}), "callID")
        assert newer == sorted(made, reverse=True)
        # a limit smaller than the backlog takes the oldest new items, so the next cursor skips nothing
        first = _ids(client.get("/api/v2/trigger/call_history", params={"initial_call_id": cursor, "limit": 2}), "callID")
        assert first == [made[1], made[0]]


def test_filters(sandbox: Sandbox) -> None:
    with sandbox.client("key-a") as client:
        def calls(**params):
            response = client.get("/api/v2/trigger/call_history", params={"initial_call_id": 0, "limit": 1000, **params})
            assert response.status_code == 200
            return response.json()["data"]

        assert {c["direction"] for c in calls(direction="out")} == {"out"}
        some = calls()[3]
        assert {c["caller"] for c in calls(source=some["caller"])} == {some["caller"]}
        assert all(c["destination"] == some["destination"] for c in calls(destination=some["destination"]))
        window = calls(date_from="2024-10-10T00:00:00Z", date_to="2024-10-10T23:59:59+00:00")
        assert window and all(c["callStarted"].startswith("2024-10-10") for c in window)
        assert calls(date_from="2024-10-10T02:00:00+02:00", date_to="2024-10-09T23:59:59Z") == []
        mine = calls(contact_id=2)
        assert mine and all(c["contactID"] == 2 or c["status"] == 4 for c in mine)  # or transferred away from 2
        voicemails = client.get("/api/v2/trigger/voicemails", params={"initial_voicemail_id": 0, "box_id": 1}).json()["data"]
        assert all(v["voicemailBoxID"] == 1 for v in voicemails)
        groups = client.get("/api/v2/trigger/groups", params={"initial_group_id": 0, "contact_id": 2}).json()["data"]
        assert all({"contactID": 2} in g["members"] for g in groups)
        lost = client.get("/api/v2/lost_calls", params={"limit": 3}).json()["data"]
        assert len(lost) <= 3 and all(l["attempts"] >= 1 for l in lost)


def test_simulated_call_produces_consistent_rows(sandbox: Sandbox) -> None:
    with sandbox.client("key-a") as client:
        result = client.post(
            "/_sandbox/calls", json={"outcome": "transferred", "recorded": True, "contact_id": 3, "transfer_to": 4}
        ).json()["data"]
        assert result["events"] == ["CallStarted", "CallConnected", "CallTransfered", "CallCompleted", "CallRecorded"]
        call = client.get(f"/api/v2/call_history/{result['callID']}").json()["data"]
        assert call["contactID"] == 4 and call["recordingID"] == result["recordingID"] and call["status"] == 4
        recording = client.get(f"/api/v2/call_records/{result['recordingID']}").json()["data"]
        assert recording["callID"] == result["callID"]
        missed = client.post("/_sandbox/calls", json={"outcome": "missed", "caller": "+37061111111", "contact_id": 2}).json()
        again = client.post("/_sandbox/calls", json={"outcome": "missed", "caller": "+37061111111", "contact_id": 2}).json()
        back = client.post("/_sandbox/calls", json={"outcome": "answered", "caller": "+37061111111", "contact_id": 2}).json()
        assert missed["data"]["events"][-1] == "LostCallerAdded"
        assert again["data"]["events"][-1] == "LostCallerUpdated"
        assert back["data"]["events"][-1] == "LostCallerRemoved"
        voicemail = client.post("/_sandbox/calls", json={"outcome": "voicemail", "contact_id": 1}).json()["data"]
        assert client.get(f"/api/v2/voicemails/{voicemail['voicemailID']}").status_code == 200
        bad = client.post("/_sandbox/calls", json={"outcome": "exploded"})
        assert bad.status_code == 422


def test_rate_limit_gives_429_with_retry_after() -> None:
    running = start_sandbox("--rate-limit", "3/60")
    try:
        with running.client() as client:
            statuses = [client.get("/api/v2/contacts/1").status_code for _ in range(4)]
            last = client.get("/api/v2/contacts/1")
        assert statuses == [200, 200, 200, 429]
        assert last.status_code == 429 and 1 <= int(last.headers["retry-after"]) <= 60
        assert last.json()["statusCode"] == 429
    finally:
        running.stop()


def test_simulate_cli_drives_a_running_sandbox(sandbox: Sandbox) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pbxconn", "sandbox", "simulate", "--url", sandbox.url, "--api-key", "key-a",
         "--outcome", "voicemail", "--count", "2"],
        capture_output=True, text=True, timeout=30,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 2 and all('"VoicemailCreated"' in line for line in lines)
    refused = subprocess.run(
        [sys.executable, "-m", "pbxconn", "sandbox", "simulate", "--url", sandbox.url, "--api-key", "wrong"],
        capture_output=True, text=True, timeout=30,
    )
    assert refused.returncode == 2 and "403" in refused.stderr


@pytest.mark.parametrize("option", ["--caller", "--destination"])
def test_simulate_refuses_a_number_that_is_not_e164(option: str) -> None:
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "pbxconn", "sandbox", "simulate", "--url", "http://127.0.0.1:9",
                           option, "notanumber"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert f"Invalid value for '{option}'" in proc.stderr and "E.164" in proc.stderr
