"""Contract check for form-encoded events (the extension PBX family): subscribe a loopback receiver to
every event type, play calls on the emulator, and check that each delivered event, stored the way the
flow engine stores a form body, matches the trigger's `x-ms-notification-content` and decodes to the
form keys it describes."""

from __future__ import annotations

import base64
import re
from typing import Any
from urllib.parse import parse_qsl

import httpx
import jsonschema

from pbxconn.contract.checks import Failure, closed, webhook_operations
from pbxconn.contract.receiver import Receiver
from pbxconn.core.refs import inline

FORM = "application/x-www-form-urlencoded"
# Calls that make the emulator send dial-in, answer and hangup events on a phone, a queue and an IVR.
CALLS: tuple[dict[str, Any], ...] = (
    {"extension": "100", "outcome": "answered", "recorded": True, "caller": "+37060000101"},
    {"extension": "100", "outcome": "missed", "caller": "+37060000102"},
    {"extension": "200", "outcome": "answered", "caller": "+37060000103"},
    {"extension": "300", "outcome": "busy", "caller": "+37060000104"},
)
EXTENSIONS = ("100", "200", "300")


def stored_form(content_type: str, raw: bytes) -> dict[str, str]:
    """A form body as the flow engine keeps it: its content type, and its bytes in base64."""
    return {"$content-type": content_type, "$content": base64.b64encode(raw).decode("ascii")}


def decode_form(stored: dict[str, Any]) -> dict[str, str]:
    """The keys and values of a stored form body (what triggerFormDataValue reads)."""
    return dict(parse_qsl(base64.b64decode(stored["$content"]).decode("utf-8"), keep_blank_values=True))


def _body_properties(spec: dict[str, Any], path: str) -> dict[str, Any]:
    """The properties of the registration's JSON body."""
    post = spec["paths"][path]["post"]
    body = next(p for p in inline(spec, post.get("parameters", [])) if p.get("in") == "body")
    return (body.get("schema") or {}).get("properties", {})


def _registration_body(spec: dict[str, Any], path: str, url_field: str, url: str, event_type: str) -> dict[str, Any]:
    """The registration body: the callback URL, the event type, and every other field's default."""
    out = {name: prop["default"] for name, prop in _body_properties(spec, path).items() if "default" in prop}
    out.update({url_field: url, "event_type": event_type})
    return out


def _event_types(spec: dict[str, Any], path: str) -> list[str]:
    """The event types the trigger offers (its `event_type` dropdown)."""
    return list(_body_properties(spec, path).get("event_type", {}).get("enum", []))


def form_events_match_notification_content(spec: dict[str, Any], api_base: str, admin_base: str, token: str,
                                           timeout: float = 10.0) -> tuple[list[Failure], dict[str, int]]:
    """Subscribe, play CALLS, unsubscribe; validate every delivery. Returns failures and events per operation."""
    failures: list[Failure] = []
    operations = list(webhook_operations(spec))
    counts = {op.operation_id: 0 for op in operations}
    headers = {"Authorization": f"Bearer {token}"}
    with Receiver() as receiver, httpx.Client(headers=headers, trust_env=False, timeout=timeout) as client:
        made: list[tuple[str, str, str]] = []  # (operation, extension, subscription id)
        for op in operations:
            for extension in EXTENSIONS:
                for event_type in _event_types(spec, op.path):
                    hook = receiver.url(f"/{op.operation_id}/{extension}/{event_type}")
                    body = _registration_body(spec, op.path, op.url_field, hook, event_type)
                    path = op.path.replace("{extension_id}", extension)
                    answer = client.post(api_base + path, json=body)
                    if answer.status_code >= 300:
                        failures.append(Failure(op.operation_id, "webhook_registration",
                                                f"{event_type} on {extension}: {answer.status_code} {answer.text[:200]}"))
                        continue
                    made.append((op.operation_id, path, str(answer.json().get("id"))))
        for call in CALLS:
            client.post(f"{admin_base}/calls", json=call)
        client.get(f"{admin_base}/deliveries", params={"wait": timeout})
        for _, path, sub_id in made:
            client.delete(f"{api_base}{path}{sub_id}")
        for op in operations:
            validator = jsonschema.Draft4Validator(closed(op.schema))
            prefix = f"/{op.operation_id}/"
            for got in receiver.received:
                if not got.path.startswith(prefix) or got.status != 200:
                    continue
                counts[op.operation_id] += 1
                failures += _check_one(op.operation_id, got.path[len(prefix):], got.content_type, got.raw, validator)
            if counts[op.operation_id] == 0 and not any(f.operation == op.operation_id for f in failures):
                failures.append(Failure(op.operation_id, "webhook_delivered", "no event was delivered"))
    return failures, counts


def _check_one(operation: str, where: str, content_type: str, raw: bytes,
               validator: jsonschema.Draft4Validator) -> list[Failure]:
    extension, _, event_type = where.partition("/")
    problems = []
    stored = stored_form(content_type, raw)
    for error in validator.iter_errors(stored):
        problems.append(f"{'/'.join(map(str, error.absolute_path)) or '(event)'}: {error.message}")
    if not content_type.startswith(FORM):
        problems.append(f"Content-Type {content_type!r}, not {FORM}")
    keys = decode_form(stored)
    if keys.get("EventType") != event_type:
        problems.append(f"EventType {keys.get('EventType')!r} delivered to a {event_type} subscription")
    odd = sorted(k for k in keys if not re.fullmatch(r"[A-Z][A-Za-z]*", k))
    if odd:
        problems.append(f"keys that are not CamelCase form keys: {', '.join(odd)}")
    return [Failure(operation, "webhook_payload_conformance", f"{event_type} on {extension}: {p}") for p in problems]
