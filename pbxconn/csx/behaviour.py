"""Behaviour tests of a compiled script: canned service answers in, checked responses out.

The `pbxconn` profile: what pbxconn expects of its carriers' custom code (the webhook fix):
- `webhook_routed_to_script`: every webhook registration (x-ms-trigger: single) is routed to it;
- `webhook_registration_returns_location`: when the service accepts a registration, the script
  answers 201 Created, keeps the body, and its Location is a connector URL that the definition
  routes to a DELETE operation for the id the service returned (string or integer id);
- `webhook_error_passes_through`: service errors (401, 429, the 20-webhook limit) come back unchanged;
- `operation_passes_through`: other operations routed to the script are forwarded and answered
  unchanged; `operation_not_routed`: the rest never reach the script.
"""

from __future__ import annotations

import json
import re
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Mapping, Sequence

from pbxconn.csx.compile import Toolchain
from pbxconn.csx.connector import Connector, Operation
from pbxconn.csx.samples import CALLBACK, resolve

# The connector URL the platform would call (Power Automate calls APIM, not the service).
CONNECTOR_BASE = "https://connector.invalid/apim/pbxconn/0123456789abcdef"
WEBHOOK_ID = "4711"
# Microsoft: custom code must finish within 5 seconds.
SCRIPT_TIME_LIMIT = 5.0
PBXCONN_CHECKS = ("webhook_routed_to_script", "webhook_registration_returns_location", "webhook_error_passes_through",
                  "operation_passes_through", "operation_not_routed")


@dataclass(frozen=True, slots=True)
class Check:
    """One behaviour check on one operation."""

    name: str
    operation_id: str
    passed: bool
    detail: str = ""
    seconds: float | None = None  # how long the call took, for timing checks
    inconclusive: bool = False  # not counted as a failure: the outcome may be the stub's doing


@dataclass(slots=True)
class Case:
    """One ExecuteAsync call: the request, the canned answer, and how to judge the outcome."""

    id: str
    check: str
    operation: Operation
    request_body: str | None
    canned: dict[str, Any]
    expect: str  # "created" | "unchanged"
    request_uri: str = ""
    original_uri: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    request_headers: dict[str, str] = field(default_factory=lambda: {"X-API-KEY": "test-key"})
    content_type: str = "application/json"
    routed_answers: bool = False  # answer each request from run_host's `answers` table, else `canned`
    time_limit: float = SCRIPT_TIME_LIMIT

    def to_json(self) -> dict[str, Any]:
        """The case as the host reads it."""
        return {"id": self.id, "operationId": self.operation.operation_id, "method": self.operation.method,
                "requestUri": self.request_uri, "originalRequestUri": self.original_uri,
                "requestBody": self.request_body, "requestContentType": self.content_type,
                "requestHeaders": self.request_headers, "response": self.canned,
                "routedAnswers": self.routed_answers, "timeoutMs": int(self.time_limit * 1000)}


def _envelope(status: int, message: str, data: Any) -> str:
    return json.dumps({"version": "v2", "status": "success" if status < 400 else "error",
                       "statusCode": status, "message": message, "data": data})


ERROR_ANSWERS = (
    ("bad-key", {"status": 401, "body": _envelope(401, "unknown API key", None),
                 "headers": {"Content-Type": "application/json"}}),
    ("webhook-limit", {"status": 403, "body": _envelope(
        403, "webhook limit reached: at most 20 webhooks per API key; delete one first", None),
        "headers": {"Content-Type": "application/json"}}),
    ("rate-limited", {"status": 429, "body": _envelope(429, "Too many requests", None),
                      "headers": {"Content-Type": "application/json", "Retry-After": "7"}}),
)


def _notification_body(op: Operation, swagger: Mapping[str, Any]) -> str | None:
    """A registration body: the callback URL in the property marked x-ms-notification-url."""
    for param in op.op.get("parameters") or ():
        if not isinstance(param, dict):
            continue
        if "$ref" in param:
            param = resolve(swagger, param["$ref"])
        if param.get("in") != "body":
            continue
        schema = param.get("schema") or {}
        if "$ref" in schema:
            schema = resolve(swagger, schema["$ref"])
        props = schema.get("properties") or {}
        name = next((k for k, v in props.items() if isinstance(v, dict) and v.get("x-ms-notification-url")), None)
        return json.dumps({name: CALLBACK} if name else {})
    return None


def _registration_answer(op: Operation, swagger: Mapping[str, Any], webhook_id: Any) -> tuple[int, str]:
    """The service's success answer to a registration, shaped as the definition declares it: the
    status of the first 2xx response with a body (201 when the service itself creates, else 200),
    and the id under `data` (the carriers' envelope), `id`, or the first property named like an id."""
    responses = op.op.get("responses") or {}
    status, schema = 200, {}
    for code in sorted(str(c) for c in responses):
        response = responses.get(code) if code in responses else responses.get(int(code), {})
        if code.startswith("2") and isinstance(response, dict) and response.get("schema"):
            status, schema = int(code), response["schema"]
            break
    if "$ref" in schema:
        schema = resolve(swagger, schema["$ref"])
    props = list((schema.get("properties") or {}))
    if "data" in props or not props:
        return status, _envelope(status, "Webhook created", webhook_id)
    key = "id" if "id" in props else next((p for p in props if p.lower().endswith("id")), props[0])
    return status, json.dumps({key: webhook_id})


def build_cases(connector: Connector) -> tuple[list[Case], list[Check]]:
    """The host cases to run, and the checks decided without running anything."""
    cases: list[Case] = []
    checks: list[Check] = []
    swagger = connector.swagger or {}
    for op in connector.operations:
        request_uri = connector.backend_base + op.fill()
        original = CONNECTOR_BASE + op.fill()
        routed = connector.routed_to_script(op.operation_id)
        if op.trigger == "single":
            if not routed:
                checks.append(Check("webhook_routed_to_script", op.operation_id, False,
                                    "not in apiProperties scriptOperations: the platform will not run the script"))
                continue
            checks.append(Check("webhook_routed_to_script", op.operation_id, True))
            body = _notification_body(op, swagger)
            ok = {"headers": {"Content-Type": "application/json", "X-Request-Id": "r-1"}}
            for label, data in (("string-id", WEBHOOK_ID), ("integer-id", int(WEBHOOK_ID))):
                status, answer = _registration_answer(op, swagger, data)
                cases.append(Case(f"{op.operation_id}:{label}", "webhook_registration_returns_location", op, body,
                                  {"status": status, "body": answer, **ok},
                                  "created", request_uri, original, {"label": label}))
            for label, answer in ERROR_ANSWERS:
                cases.append(Case(f"{op.operation_id}:{label}", "webhook_error_passes_through", op, body,
                                  dict(answer), "unchanged", request_uri, original, {"label": label}))
        elif routed:
            body = json.dumps({"probe": True}) if op.method in ("POST", "PUT", "PATCH") else None
            for label, answer in (("ok", {"status": 200, "body": _envelope(200, "OK", {"id": 1}),
                                          "headers": {"Content-Type": "application/json"}}),
                                  ("not-found", {"status": 404, "body": _envelope(404, "Not found", None),
                                                 "headers": {"Content-Type": "application/json"}})):
                cases.append(Case(f"{op.operation_id}:{label}", "operation_passes_through", op, body, answer,
                                  "unchanged", request_uri, original, {"label": label}))
        else:
            checks.append(Check("operation_not_routed", op.operation_id, True,
                                "goes straight to the service (not in scriptOperations)"))
    return cases, checks


def run_host(host_exe: Path, toolchain: Toolchain, cases: list[Case],
             answers: Sequence[Mapping[str, Any]] = ()) -> list[dict[str, Any]]:
    """Run the compiled host in test mode on `cases`; return its results in order. `answers`
    (method, path pattern, response) serve the requests of cases with `routed_answers`."""
    if not cases:
        return []
    timeout = 60 + sum(c.time_limit for c in cases)
    with tempfile.TemporaryDirectory(prefix="pbxconn-csx-cases-") as tmp:
        path = Path(tmp) / "cases.json"
        path.write_text(json.dumps({"answers": list(answers), "cases": [c.to_json() for c in cases]}),
                        encoding="utf-8")
        proc = subprocess.run([toolchain.mono, str(host_exe), "test", str(path)],
                              capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(f"the local host failed (exit {proc.returncode}): {proc.stderr.strip()[-2000:]}")
    return json.loads(proc.stdout)


def judge(connector: Connector, cases: list[Case], results: list[dict[str, Any]]) -> list[Check]:
    """One Check per case, from what the script sent and answered."""
    return [Check(case.check, case.operation.operation_id, not problems, "; ".join(problems) or case.extra["label"])
            for case, result in zip(cases, results)
            for problems in [list(_problems(connector, case, result))]]


def _problems(connector: Connector, case: Case, result: Mapping[str, Any]) -> Iterator[str]:
    label = case.extra["label"]
    if result.get("error"):
        yield f"{label}: the script threw: {str(result['error']).splitlines()[0]}"
        return
    sent = result.get("sent") or []
    if len(sent) != 1:
        yield f"{label}: the script sent {len(sent)} requests to the service (expected 1)"
    else:
        forwarded = sent[0]
        if forwarded.get("method") != case.operation.method or forwarded.get("uri") != case.request_uri:
            yield (f"{label}: forwarded {forwarded.get('method')} {forwarded.get('uri')}, "
                   f"expected {case.operation.method} {case.request_uri}")
        if case.request_body is not None and _json_or_text(forwarded.get("body")) != _json_or_text(case.request_body):
            yield f"{label}: the request body was changed"
    response = result.get("response") or {}
    headers = {k.lower(): v for k, v in (response.get("headers") or {}).items()}
    if _json_or_text(response.get("body")) != _json_or_text(case.canned["body"]):
        yield f"{label}: the service's body was not kept"
    if case.expect == "created":
        if response.get("status") != 201:
            yield f"{label}: answered {response.get('status')}, expected 201 Created"
        location = headers.get("location")
        if not location:
            yield f"{label}: no Location header"
        else:
            yield from _location_problems(connector, label, location)
        return
    if response.get("status") != case.canned["status"]:
        yield f"{label}: answered {response.get('status')}, the service answered {case.canned['status']}"
    for name, value in case.canned.get("headers", {}).items():
        if headers.get(name.lower()) != value:
            yield f"{label}: header {name} changed from {value!r} to {headers.get(name.lower())!r}"
    if "location" in headers:
        yield f"{label}: unexpected Location {headers['location']}"


def _location_problems(connector: Connector, label: str, location: str) -> Iterator[str]:
    if not location.startswith(CONNECTOR_BASE + "/"):
        yield f"{label}: Location {location} is not a URL of the connector ({CONNECTOR_BASE}/...)"
        return
    rest = location[len(CONNECTOR_BASE):]
    if "?" in rest or "#" in rest:
        yield f"{label}: Location {location} carries a query or fragment"
        return
    for op in connector.operations:
        if op.method != "DELETE":
            continue
        match = re.match(op.regex(), rest)
        if match:
            if WEBHOOK_ID not in match.groups():
                yield f"{label}: Location {location} reaches {op.operation_id} but not for id {WEBHOOK_ID}"
            return
    yield f"{label}: Location {location} matches no DELETE operation of the definition"


def _json_or_text(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value
