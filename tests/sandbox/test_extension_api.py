"""The extension PBX emulator as a real process: sign-in, every endpoint, limits, bad input, events."""

from __future__ import annotations

import base64
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Iterator
from urllib.parse import parse_qsl

import httpx
import pytest

from pbxconn.contract.oauth import authorization_code_token
from pbxconn.sandbox.extension.resources import ENDPOINTS
from pbxconn.sandbox.process import Sandbox, start_sandbox

SUCCESS = {"GET": 200, "POST": 201, "PUT": 200, "DELETE": 204}


@pytest.fixture(scope="module")
def emulator() -> Iterator[Sandbox]:
    running = start_sandbox("--rate-limit", "0", "--event-quota", "5", family="extension")
    try:
        yield running
    finally:
        running.stop()


def token_for(emulator: Sandbox, app: str = "sandbox-public") -> str:
    return authorization_code_token(emulator.url, app, f"{app}-secret")


@pytest.fixture(scope="module")
def api(emulator: Sandbox) -> Iterator[httpx.Client]:
    headers = {"Authorization": f"Bearer {token_for(emulator)}"}
    with httpx.Client(base_url=emulator.api, headers=headers, trust_env=False, timeout=10) as client:
        yield client


# --- sign-in ------------------------------------------------------------------------------
def test_authorization_code_redirects_with_code_and_state(emulator: Sandbox) -> None:
    answer = httpx.get(emulator.url + "/oauth/authorize", params={
        "response_type": "code", "client_id": "sandbox-public", "redirect_uri": "http://127.0.0.1/callback",
        "state": "xyz"}, follow_redirects=False, trust_env=False)
    assert answer.status_code == 302
    assert re.fullmatch(r"http://127\.0\.0\.1/callback\?code=[^&]+&state=xyz", answer.headers["location"])


def test_client_credentials_for_trusted_apps_only(emulator: Sandbox) -> None:
    def token(app: str) -> httpx.Response:
        return httpx.post(emulator.url + "/oauth/token", data={
            "grant_type": "client_credentials", "client_id": app, "client_secret": f"{app}-secret"}, trust_env=False)

    trusted = token("sandbox-trusted")
    assert trusted.status_code == 200 and trusted.json()["token_type"] == "Bearer" and trusted.json()["expires_in"] > 0
    public = token("sandbox-public")
    assert public.status_code == 403 and public.json()["status"] == "app_access_type_deny"
    wrong = httpx.post(emulator.url + "/oauth/token", data={"grant_type": "client_credentials",
                       "client_id": "sandbox-trusted", "client_secret": "nope"}, trust_env=False)
    assert wrong.status_code == 401


def test_missing_or_unknown_token_is_401(emulator: Sandbox) -> None:
    assert httpx.get(emulator.api + "/extension/100/agent/", trust_env=False).status_code == 401
    bad = httpx.get(emulator.api + "/extension/100/agent/", headers={"Authorization": "Bearer nope"}, trust_env=False)
    assert bad.status_code == 401 and bad.json()["status"] == "unauthorized"


def test_call_api_access_cannot_change_configuration(emulator: Sandbox) -> None:
    headers = {"Authorization": f"Bearer {token_for(emulator, 'sandbox-calls')}"}
    with httpx.Client(base_url=emulator.api, headers=headers, trust_env=False) as calls_only:
        assert calls_only.get("/extension/100/current_calls/").status_code == 200
        refused = calls_only.get("/extension/100/phone/")
        assert refused.status_code == 403 and refused.json()["status"] == "app_access_type_deny"


def test_every_answer_carries_the_rate_limit_headers(api: httpx.Client) -> None:
    answer = api.get("/extension/100/agent/")
    assert {"x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"} <= set(answer.headers)


def test_the_hourly_limit_answers_429_with_its_headers() -> None:
    limited = start_sandbox("--rate-limit", "3", family="extension")
    try:
        headers = {"Authorization": f"Bearer {token_for(limited)}"}
        with httpx.Client(base_url=limited.api, headers=headers, trust_env=False) as client:
            answers = [client.get("/extension/100/agent/") for _ in range(4)]
        assert [a.status_code for a in answers] == [200, 200, 200, 429]
        assert answers[-1].json()["status"] == "rate_limit_exceeded"
        assert answers[-1].headers["x-ratelimit-remaining"] == "0"
        assert 0 < int(answers[-1].headers["x-ratelimit-reset"]) <= 3600
    finally:
        limited.stop()


# --- every endpoint -----------------------------------------------------------------------
RECORD = "00000000-0000-4000-8000-000100000000"
VOICEMAIL = "00000000-0000-4000-9000-000100000000"
ON = {"/ivr": "300", "/queue/": "200", "/conference/": "400"}  # extensions of the matching type
BODIES: dict[str, Any] = {
    "callback": {"src_num": ["100"], "dst_num": "+37060000001"},
    "event_subscribe": {"url": "http://127.0.0.1:9/x", "event_type": "hangup", "method": "POST"},
    "ivr_option_create": {"digits": "7"}, "current_call_control": {"action": "hold"},
    "speech_to_text": {"action": "start", "direction": "in"}, "valet_park": {"action": "park"},
    "order_put": {"rules_ids": [1]},
}


class Walk:
    """Path values of items that exist, refreshed as the walk creates items (calls, faxes, subscriptions)."""

    def __init__(self, api: httpx.Client) -> None:
        self.api = api
        first = {"agent_id": "/extension/100/agent/", "mail_id": "/extension/100/mail_notification/",
                 "rule_id": "/extension/100/incom_rule/", "interval_id": "/extension/100/interval/",
                 "sound_id": "/extension/100/sound/", "user_id": "/extension/100/user/extension/",
                 "context_id": "/extension/300/ivr/context/"}
        self.values = {name: str(api.get(path).json()[0]["id"]) for name, path in first.items()}
        self.values.update(chat_id="chat-100", option_digits="1", registration_id="reg-100-1", fax_uuid="fax-100-1")
        context = self.values["context_id"]
        self.values["ivr_rule_id"] = str(api.get(f"/extension/300/ivr/context/{context}/options/1/rules/").json()[0]["id"])

    def path(self, endpoint: Any) -> str:
        path = endpoint.path
        for name in re.findall(r"\{(\w+)\}", path):
            path = path.replace("{" + name + "}", self.value(name, endpoint.path))
        return path

    def value(self, name: str, path: str) -> str:
        if name == "extension_id":
            return next((ext for part, ext in ON.items() if part in path), "100")
        if name == "record_uuid":
            return VOICEMAIL if "/voicemail/" in path else RECORD
        if name == "call_api_id":
            started = self.api.post("/extension/100/callback/", json=BODIES["callback"])
            return started.json()["call_api_id"]
        if name == "id":
            return self.values["event_id" if "/event/" in path else "mail_id"]
        if name == "rule_id" and "/ivr/" in path:
            return self.values["ivr_rule_id"]
        return self.values[name]

    def body(self, endpoint: Any) -> Any:
        from pbxconn.sandbox.extension.resources import KINDS

        if endpoint.handler in BODIES:
            return BODIES[endpoint.handler]
        if endpoint.handler == "queue_member_create":
            return {"agent_id": int(self.values["agent_id"])}
        samples = {"string": "x", "integer": 1, "boolean": True, "array": [], "object": {}}
        if endpoint.kind and endpoint.method in ("POST", "PUT"):
            kind = KINDS[endpoint.kind]
            accepted, required = (kind.create, kind.required) if endpoint.method == "POST" else \
                (kind.update, kind.update_required)
            return {n: accepted[n].enum[0] if accepted[n].enum else samples[accepted[n].type] for n in required}
        return {} if endpoint.method in ("POST", "PUT") else None

    def request(self, endpoint: Any) -> httpx.Response:
        path = self.path(endpoint)
        if endpoint.form:
            answer = self.api.post(path, data={"dst_num": "+37060000002"}, files={"file": ("fax.pdf", b"%PDF-1.4")})
            self.values["message_id"] = str(answer.json().get("id"))
            return answer
        query = {"start_datetime": "2026-01-01", "end_datetime": "2027-01-01", "action": "show_members"} \
            if endpoint.query else {}
        if endpoint.handler == "fax_update":
            query = {"action": "retry"}
        answer = self.api.request(endpoint.method, path, params=query, json=self.body(endpoint))
        if endpoint.handler == "event_subscribe" and answer.status_code == 201:
            self.values["event_id"] = str(answer.json()["id"])
        return answer


def test_every_endpoint_answers_its_success_status_on_items_that_exist(api: httpx.Client) -> None:
    """GET 200, POST 201, PUT 200, DELETE 204: every endpoint in the reference's order, deletions
    last and children first, so each one meets the items it names."""
    walk = Walk(api)
    ordered = [e for e in ENDPOINTS if e.method != "DELETE"] + [e for e in reversed(ENDPOINTS) if e.method == "DELETE"]
    failures = []
    for endpoint in ordered:
        answer = walk.request(endpoint)
        if answer.status_code != SUCCESS[endpoint.method]:
            failures.append(f"{endpoint.method} {endpoint.path}: {answer.status_code} {answer.text[:120]}")
    assert failures == []
    assert len(ordered) == 103


# --- bad input ----------------------------------------------------------------------------
@pytest.mark.parametrize("method, path, kwargs, status", [
    ("POST", "/extension/100/agent/", {"json": {"name": "A", "colour": "red"}}, 400),      # unknown field
    ("POST", "/extension/100/agent/", {"json": {"name": 7}}, 400),                           # wrong type
    ("POST", "/extension/100/agent/", {"json": {"busy_delay_time": 1}}, 400),               # required missing
    ("POST", "/extension/100/agent/", {"content": b"{not json", "headers": {"Content-Type": "application/json"}}, 400),
    ("POST", "/extension/100/agent/", {"json": ["name"]}, 400),                              # not an object
    ("PUT", "/extension/100/agent/abc", {"json": {}}, 404),                                  # id that cannot exist
    ("GET", "/extension/nobody/agent/", {}, 404),                                            # unknown extension
    ("GET", "/extension/100/record/", {"params": {"start_datetime": "x", "end_datetime": "y", "page": "two"}}, 400),
    ("POST", "/extension/100/event/", {"json": {"url": "http://127.0.0.1:9/", "event_type": "ring", "method": "POST"}}, 400),
    ("PATCH", "/extension/100/agent/", {}, 405),
])
def test_bad_input_is_a_4xx_with_a_message(api: httpx.Client, method: str, path: str, kwargs: dict, status: int) -> None:
    answer = api.request(method, path, **kwargs)
    assert answer.status_code == status, answer.text
    assert answer.json()["message"]


def test_a_wrong_method_names_the_allowed_ones(api: httpx.Client) -> None:
    answer = api.request("PATCH", "/extension/100/agent/")
    assert answer.headers["allow"] == "GET, POST"


# --- events -------------------------------------------------------------------------------
class _Collector:
    """A loopback receiver that keeps method, headers and body of every request."""

    def __init__(self) -> None:
        got: list[dict[str, Any]] = []
        self.got = got

        class Handler(BaseHTTPRequestHandler):
            def _keep(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                got.append({"method": self.command, "headers": dict(self.headers), "body": raw})
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_POST = _keep  # noqa: N815

            def log_message(self, *_: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/events"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_events_arrive_form_encoded_in_the_body_for_post_and_in_headers_for_get(
        emulator: Sandbox, api: httpx.Client) -> None:
    collector = _Collector()
    try:
        subs = [api.post("/extension/101/event/", json={"url": collector.url, "event_type": "hangup", "method": "POST"}),
                api.put("/extension/101/event/0", json={}),  # a subscription that does not exist
                api.post("/extension/101/event/", json={"url": collector.url, "event_type": "dial-in", "method": "POST"})]
        assert [s.status_code for s in subs] == [201, 404, 201]
        as_get = api.put(f"/extension/101/event/{subs[2].json()['id']}", json={"method": "GET"})
        assert as_get.status_code == 200 and as_get.json()["method"] == "GET"
        played = {"extension": "101", "caller": "+37060000009", "outcome": "answered", "recorded": True}
        call = httpx.post(emulator.url + "/_sandbox/calls", json=played, trust_env=False).json()
        httpx.get(emulator.url + "/_sandbox/deliveries", params={"wait": 5}, trust_env=False)
        by_method = {g["method"]: g for g in collector.got}
        post, get = by_method["POST"], by_method["GET"]
        assert post["headers"]["Content-Type"] == "application/x-www-form-urlencoded"
        keys = dict(parse_qsl(post["body"].decode()))
        assert keys["EventType"] == "hangup" and keys["CallerIDNum"] == "+37060000009"
        assert keys["CallStatus"] == "ANSWER" and keys["RecID"] == call["record_uuid"]
        assert get["body"] == b"" and get["headers"]["EventType"] == "dial-in"
        assert get["headers"]["CallerIDNum"] == "%2B37060000009"  # form-encoded, as in a form body
        # the flow engine keeps the form as base64 content; triggerFormDataValue reads its keys
        stored = base64.b64encode(post["body"]).decode()
        assert dict(parse_qsl(base64.b64decode(stored).decode()))["CallID"] == call["call_id"]
    finally:
        for sub in api.get("/extension/101/event/").json():
            api.delete(f"/extension/101/event/{sub['id']}")
        collector.close()


def test_subscriptions_go_to_loopback_hosts_only_and_within_the_quota(api: httpx.Client) -> None:
    elsewhere = api.post("/extension/102/event/", json={"url": "http://192.0.2.1/x", "event_type": "hangup",
                                                        "method": "POST"})
    assert elsewhere.status_code == 403
    made = [api.post("/extension/102/event/", json={"url": f"http://127.0.0.1:9/{n}", "event_type": "answer",
                                                    "method": "POST"}) for n in range(6)]
    assert [m.status_code for m in made] == [201] * 5 + [403]
    assert made[-1].json()["status"] == "event_limit_exceeded"
    assert api.delete("/extension/102/event/").status_code == 204
    assert api.get("/extension/102/event/").json() == []


@pytest.mark.parametrize("path", ["/extension/100/event/18220866770592777267562151936",
                                  "/extension/100/agent/" + "9" * 5000])
def test_ids_too_large_to_exist_are_404(api: httpx.Client, path: str) -> None:
    answer = api.delete(path)
    assert answer.status_code == 404, answer.text


def test_a_fax_goes_to_an_international_number_only(api: httpx.Client) -> None:
    """A form has no types: a client's null, object or number arrives as text, and only the E.164
    rule tells them from a number."""
    for value in ("null", "{}", '{"n": 1}', "[1]", "12345", "-2.42710605863465e+214", "+0123456"):
        answer = api.post("/extension/100/fax/out/", data={"dst_num": value}, files={"file": ("f.pdf", b"%PDF")})
        assert answer.status_code == 400, value
    assert api.post("/extension/100/fax/out/", data={"dst_num": "+37060000001"},
                    files={"file": ("f.pdf", b"%PDF")}).status_code == 201


@pytest.mark.parametrize("family", ["pbx", "extension"])
def test_a_database_path_that_cannot_be_opened_is_a_usage_error(family: str, tmp_path) -> None:
    import subprocess
    import sys

    missing = tmp_path / "no-such-folder" / "x.db"
    proc = subprocess.run([sys.executable, "-m", "pbxconn", "sandbox", "serve", "--family", family, "--port", "0",
                           "--db", str(missing)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert proc.stderr.startswith("pbxconn: error: --db: cannot open the SQLite database") and str(missing) in proc.stderr
    assert "Traceback" not in proc.stderr


def test_an_expired_token_is_401_and_a_refresh_token_gets_a_new_one() -> None:
    import time

    short = start_sandbox("--rate-limit", "0", "--token-seconds", "1", family="extension")
    try:
        answer = httpx.get(short.url + "/oauth/authorize", params={
            "response_type": "code", "client_id": "sandbox-public", "redirect_uri": "http://127.0.0.1/callback"},
            follow_redirects=False, trust_env=False)
        code = dict(parse_qsl(answer.headers["location"].split("?", 1)[1]))["code"]
        tokens = httpx.post(short.url + "/oauth/token", data={
            "grant_type": "authorization_code", "code": code, "redirect_uri": "http://127.0.0.1/callback",
            "client_id": "sandbox-public", "client_secret": "sandbox-public-secret"}, trust_env=False).json()
        bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
        assert httpx.get(short.api + "/extension/100/agent/", headers=bearer, trust_env=False).status_code == 200
        time.sleep(1.2)
        expired = httpx.get(short.api + "/extension/100/agent/", headers=bearer, trust_env=False)
        assert expired.status_code == 401 and expired.json()["status"] == "unauthorized"
        renewed = httpx.post(short.url + "/oauth/token", data={
            "grant_type": "refresh_token", "refresh_token": tokens["refresh_token"], "client_id": "sandbox-public",
            "client_secret": "sandbox-public-secret"}, trust_env=False).json()
        fresh = {"Authorization": f"Bearer {renewed['access_token']}"}
        assert httpx.get(short.api + "/extension/100/agent/", headers=fresh, trust_env=False).status_code == 200
    finally:
        short.stop()
