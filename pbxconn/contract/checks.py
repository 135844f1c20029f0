"""Contract checks of our own, beyond schemathesis' defaults: webhook payloads against the spec."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Iterator

import httpx
import jsonschema

from pbxconn.contract.receiver import Receiver
from pbxconn.core.refs import inline

# Calls that together make the sandbox emit every event of the connectors at least once.
SCENARIO: tuple[dict[str, Any], ...] = (
    {"outcome": "answered", "recorded": True, "caller": "+37060000101"},
    {"outcome": "missed", "caller": "+37060000102"},
    {"outcome": "missed", "caller": "+37060000102"},
    {"outcome": "answered", "caller": "+37060000102"},
    {"outcome": "transferred", "recorded": True},
    {"outcome": "voicemail", "caller": "+37060000103"},
)


@dataclass(frozen=True)
class WebhookOperation:
    """A webhook trigger of the spec: where to register, which body field takes the URL, its payload schema."""

    operation_id: str
    path: str
    url_field: str
    schema: dict[str, Any]


@dataclass
class Failure:
    """One contract failure: which operation, which check, what went wrong."""

    operation: str
    check: str
    message: str


def webhook_operations(spec: dict[str, Any]) -> Iterator[WebhookOperation]:
    """Every POST with `x-ms-notification-content` on its path item and an `x-ms-notification-url` field."""
    for path, item in spec.get("paths", {}).items():
        content, post = item.get("x-ms-notification-content"), item.get("post")
        if not isinstance(content, dict) or not isinstance(post, dict):
            continue
        for parameter in inline(spec, post.get("parameters", [])):
            properties = (parameter.get("schema") or {}).get("properties", {}) if parameter.get("in") == "body" else {}
            for name, prop in properties.items():
                if isinstance(prop, dict) and prop.get("x-ms-notification-url") is True:
                    schema = inline(spec, content.get("schema", {}))
                    yield WebhookOperation(post.get("operationId", path), path, name, schema)


def closed(schema: Any) -> Any:
    """A copy of a schema where objects allow no undeclared properties (a field the spec does not
    declare is invisible in Power Automate's dynamic content, so the payload must not rely on one)."""
    if isinstance(schema, dict):
        copy = {k: closed(v) for k, v in schema.items() if not k.startswith("x-")}
        if copy.get("type") == "object" and "properties" in copy and "additionalProperties" not in copy:
            copy["additionalProperties"] = False
        return copy
    if isinstance(schema, list):
        return [closed(v) for v in schema]
    return schema


def webhook_payloads_match_notification_content(
    spec: dict[str, Any], api_base: str, admin_base: str, api_key: str, timeout: float = 10.0
) -> tuple[list[Failure], dict[str, int]]:
    """Register a loopback receiver for every webhook trigger, play calls through the sandbox, and
    validate each delivered payload against its operation's `x-ms-notification-content` schema."""
    failures: list[Failure] = []
    operations = list(webhook_operations(spec))
    counts = {op.operation_id: 0 for op in operations}
    headers = {"Authorization": f"Bearer {api_key}"}
    with Receiver() as receiver, httpx.Client(headers=headers, trust_env=False, timeout=timeout) as client:
        registered: list[str] = []
        for op in operations:
            response = client.post(f"{api_base}{op.path}", json={op.url_field: receiver.url(f"/{op.operation_id}")})
            if response.status_code >= 300:
                failures.append(Failure(op.operation_id, "webhook_registration", f"registration answered {response.status_code}: {response.text[:200]}"))
                continue
            registered.append(str(response.json().get("data")))
        made = [client.post(f"{admin_base}/calls", json=call) for call in SCENARIO]
        voicemail = next((r.json()["data"].get("voicemailID") for r in made if r.status_code == 200 and "voicemailID" in r.json()["data"]), None)
        if voicemail is not None:
            client.delete(f"{admin_base}/voicemails/{voicemail}")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status = client.get(f"{admin_base}/deliveries").json()["data"]
            if status["pending"] == 0:
                break
            time.sleep(0.05)
        for webhook_id in registered:
            client.delete(f"{api_base}/webhooks/{webhook_id}")
        for op in operations:
            validator = jsonschema.Draft4Validator(closed(op.schema))
            for body in receiver.accepted(f"/{op.operation_id}"):
                counts[op.operation_id] += 1
                for error in validator.iter_errors(body):
                    where = "/".join(str(p) for p in error.absolute_path) or "(payload)"
                    failures.append(Failure(op.operation_id, "webhook_payload_conformance", f"{where}: {error.message}"))
                if body.get("eventType") != op.operation_id:
                    failures.append(Failure(op.operation_id, "webhook_payload_conformance", f"eventType {body.get('eventType')!r} delivered to the {op.operation_id} webhook"))
            if counts[op.operation_id] == 0 and op.operation_id in registered_ops(operations, failures):
                failures.append(Failure(op.operation_id, "webhook_delivered", "no event was delivered to this webhook"))
    return failures, counts


def registered_ops(operations: list[WebhookOperation], failures: list[Failure]) -> set[str]:
    """Operation ids whose registration did not fail."""
    failed = {f.operation for f in failures if f.check == "webhook_registration"}
    return {op.operation_id for op in operations} - failed
