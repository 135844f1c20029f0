"""Plausible requests and service answers for an operation, made from its OpenAPI definition.

What the platform would hand a script: the operation's path, query and header parameters filled
with a value each (default, example, first enum value, or one fitting the type and format), the
connection's credentials where the security definition puts them, the headers the platform adds
itself, and a JSON body following the body parameter's schema. A service answer is the example or
a body following the schema of the operation's first 2xx response.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any, Mapping
from urllib.parse import quote, urlencode

from pbxconn.csx.connector import Connector, Operation

CALLBACK = "https://callback.invalid/workflows/run/trigger"
SAMPLE_URL = "https://service.invalid/sample"
SAMPLE_GUID = "6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f"
# Headers the platform adds to the requests a script sees, as published Microsoft scripts read them
# (CardsForPowerApps reads all three with Headers.GetValues, which throws when one is absent).
PLATFORM_HEADERS = {"x-ms-client-region": "westeurope", "x-ms-environment-id": SAMPLE_GUID,
                    "x-ms-api-version": "1.0"}
STRING_FORMATS = {
    "date-time": "2024-05-06T07:08:09Z", "date": "2024-05-06", "time": "07:08:09", "uri": SAMPLE_URL,
    "url": SAMPLE_URL, "email": "someone@example.invalid", "uuid": SAMPLE_GUID, "guid": SAMPLE_GUID,
    "byte": base64.b64encode(b"sample").decode(), "binary": "sample", "password": "sample-secret",
}
MAX_DEPTH = 8


@dataclass(slots=True)
class SampleRequest:
    """A request as the platform would send it to the script for one operation."""

    uri: str
    headers: dict[str, str] = field(default_factory=dict)
    body: str | None = None
    content_type: str = "application/json"


def resolve(doc: Mapping[str, Any], ref: str) -> Mapping[str, Any]:
    """The object a local `$ref` ('#/definitions/X') points to, or {}."""
    node: Any = doc
    for part in ref.lstrip("#/").split("/"):
        node = node.get(part.replace("~1", "/").replace("~0", "~"), {}) if isinstance(node, dict) else {}
    return node if isinstance(node, dict) else {}


def sample_value(schema: Mapping[str, Any], doc: Mapping[str, Any], name: str = "", depth: int = 0,
                 request: bool = False) -> Any:
    """A value that fits `schema` (a Swagger schema or non-body parameter). With `request`, object
    properties nobody can fill (internal, optional, no default) are left out, as the platform does."""
    if "$ref" in schema:
        return sample_value(resolve(doc, schema["$ref"]), doc, name, depth + 1, request) if depth < MAX_DEPTH else {}
    if schema.get("x-ms-notification-url"):
        return CALLBACK
    for key in ("example", "x-example", "default"):
        if key in schema:
            return schema[key]
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "array":
        items = schema.get("items")
        return [sample_value(items, doc, name, depth + 1, request)] if isinstance(items, dict) and depth < MAX_DEPTH \
            else []
    if kind == "object" or "properties" in schema or "allOf" in schema:
        return _sample_object(schema, doc, depth, request)
    if kind in ("integer", "number"):
        low = schema.get("minimum")
        return low if isinstance(low, (int, float)) and low > 1 else 1
    if kind == "boolean":
        return True
    if kind == "string":
        return _sample_string(schema, name)
    return {}


def _sample_object(schema: Mapping[str, Any], doc: Mapping[str, Any], depth: int, request: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if depth >= MAX_DEPTH:
        return out
    for part in schema.get("allOf") or ():
        if isinstance(part, dict):
            value = sample_value(part, doc, "", depth + 1, request)
            if isinstance(value, dict):
                out.update(value)
    required = schema.get("required") or ()
    for key, sub in (schema.get("properties") or {}).items():
        if isinstance(sub, dict) and not (request and key not in required and _unfillable(sub, doc)):
            out[key] = sample_value(sub, doc, key, depth + 1, request)
    return out


def _unfillable(schema: Mapping[str, Any], doc: Mapping[str, Any]) -> bool:
    """An internal scalar without a default: hidden from the user, so never sent."""
    if "$ref" in schema:
        schema = {**resolve(doc, schema["$ref"]), **{k: v for k, v in schema.items() if k != "$ref"}}
    return schema.get("x-ms-visibility") == "internal" and "default" not in schema \
        and not schema.get("x-ms-notification-url") and schema.get("type") not in ("object", "array") \
        and "properties" not in schema


def _sample_string(schema: Mapping[str, Any], name: str) -> str:
    fmt = str(schema.get("format") or "").lower()
    if fmt in STRING_FORMATS:
        return STRING_FORMATS[fmt]
    lowered = name.lower()
    if any(word in lowered for word in ("url", "uri", "endpoint", "link", "callback")):
        return SAMPLE_URL
    if "email" in lowered:
        return STRING_FORMATS["email"]
    return "sample"


def _parameters(op: Operation, doc: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The operation's parameters with path-level ones it does not override, `$ref`s resolved."""
    item = (doc.get("paths") or {}).get(op.path) or {}
    merged: dict[tuple[str, str], Mapping[str, Any]] = {}
    for raw in [*(item.get("parameters") or ()), *(op.op.get("parameters") or ())]:
        param = resolve(doc, raw["$ref"]) if isinstance(raw, dict) and "$ref" in raw else raw
        if isinstance(param, dict) and isinstance(param.get("name"), str):
            merged[(param.get("in", ""), param["name"])] = param
    return list(merged.values())


def _sent(param: Mapping[str, Any]) -> bool:
    """Whether the platform sends this optional parameter: required, defaulted or internal ones."""
    return bool(param.get("required")) or "default" in param or param.get("x-ms-visibility") == "internal"


def sample_request(connector: Connector, op: Operation) -> SampleRequest:
    """The request the platform would pass to the script for `op`, every parameter filled."""
    doc = connector.swagger or {}
    params = _parameters(op, doc)
    path_values = {p["name"]: quote(str(sample_value(p, doc, p["name"])), safe="")
                   for p in params if p.get("in") == "path"}
    query = [(p["name"], _text(sample_value(p, doc, p["name"]))) for p in params
             if p.get("in") == "query" and _sent(p)]
    headers = dict(PLATFORM_HEADERS)
    headers.update(_credentials(doc, query))
    for p in params:
        if p.get("in") == "header" and _sent(p) and p["name"].lower() != "content-type":
            headers[p["name"]] = _text(sample_value(p, doc, p["name"]))
    request = SampleRequest(connector.backend_base + op.fill(path_values) + (f"?{urlencode(query)}" if query else ""),
                            headers)
    body = next((p for p in params if p.get("in") == "body"), None)
    form = [p for p in params if p.get("in") == "formData"]
    if body is not None:
        request.body = json.dumps(sample_value(body.get("schema") or {}, doc, body["name"], request=True))
    elif form:
        request.body = urlencode([(p["name"], _text(sample_value(p, doc, p["name"]))) for p in form])
        request.content_type = "application/x-www-form-urlencoded"
    return request


def _credentials(doc: Mapping[str, Any], query: list[tuple[str, str]]) -> dict[str, str]:
    """Headers carrying the connection's credentials (an API key in the query is added to `query`)."""
    headers: dict[str, str] = {}
    definitions = doc.get("securityDefinitions") or {}
    for scheme in definitions.values() if isinstance(definitions, dict) else ():
        if not isinstance(scheme, dict):
            continue
        kind = scheme.get("type")
        if kind == "oauth2":
            headers["Authorization"] = "Bearer sample-token"
        elif kind == "basic":
            headers["Authorization"] = "Basic " + base64.b64encode(b"sample:sample").decode()
        elif kind == "apiKey" and isinstance(scheme.get("name"), str):
            name = scheme["name"]
            value = "Bearer sample-token" if name.lower() == "authorization" else _sample_string({}, name)
            value = "sample-key" if value == "sample" else value
            if scheme.get("in") == "query":
                query.append((name, value))
            else:
                headers[name] = value
    return headers


def sample_answer(connector: Connector, op: Operation) -> str:
    """The body of a plausible success answer of the service to `op` (JSON text)."""
    doc = connector.swagger or {}
    responses = op.op.get("responses") or {}
    for code in sorted(str(c) for c in responses):
        response = responses.get(code)
        if not code.startswith("2") or not isinstance(response, dict):
            continue
        if "$ref" in response:
            response = resolve(doc, response["$ref"])
        examples = response.get("examples")
        if isinstance(examples, dict):
            example = next((v for k, v in examples.items() if "json" in k), None)
            if example is not None:
                return example if isinstance(example, str) else json.dumps(example)
        if isinstance(response.get("schema"), dict):
            return json.dumps(sample_value(response["schema"], doc))
    return "{}"


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(value)
