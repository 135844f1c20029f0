"""Drive a connector the way Power Automate does: polling triggers through their pollingtrigger
policy (triggerConfig, triggerDataPath) and the webhook trigger lifecycle (register, delete)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable

import httpx

EXPRESSION = re.compile(r"^@triggerBody\(\)((?:\.[A-Za-z_][\w-]*|\[\d+\])*)$")
TEMPLATE = re.compile(r"@\{([^}]*)\}")
STEP = re.compile(r"\.([A-Za-z_][\w-]*)|\[(\d+)\]")


class FlowError(RuntimeError):
    """The connector cannot be driven as Power Automate would (bad policy, failed call...)."""


def evaluate(expression: str, body: Any) -> Any:
    """Evaluate the subset of workflow expressions policies use: `@triggerBody().a[0].b` and `@{...}` templates."""
    def walk(path: str) -> Any:
        match = EXPRESSION.match("@" + path.strip())
        if not match:
            raise FlowError(f"unsupported expression {expression!r}")
        value = body
        for name, index in STEP.findall(match.group(1)):
            if name:
                value = value.get(name) if isinstance(value, dict) else None
            else:
                value = value[int(index)] if isinstance(value, list) and int(index) < len(value) else None
            if value is None:
                return None
        return value

    if expression.startswith("@{") and expression.endswith("}") and expression.count("@{") == 1:
        return walk(expression[2:-1])
    if "@{" in expression:
        return TEMPLATE.sub(lambda m: str(walk(m.group(1))), expression)
    if expression.startswith("@"):
        return walk(expression[1:])
    return expression


def polling_policies(properties: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """operationId -> parameters of its pollingtrigger policy instance."""
    found = {}
    for policy in properties.get("properties", {}).get("policyTemplateInstances", []):
        if str(policy.get("templateId", "")).lower() != "pollingtrigger":
            continue
        parameters = policy.get("parameters", {})
        for operation in parameters.get("x-ms-apimTemplate-operationName", []):
            found[operation] = parameters
    return found


def find_operation(spec: dict[str, Any], operation_id: str) -> tuple[str, str, dict[str, Any]]:
    """(method, path, operation) of an operationId."""
    for path, item in spec.get("paths", {}).items():
        for method, operation in item.items():
            if isinstance(operation, dict) and operation.get("operationId") == operation_id:
                return method.upper(), path, operation
    raise FlowError(f"no operation {operation_id!r} in the spec")


@dataclass
class PollingTrigger:
    """One polling trigger of one flow: keeps the trigger state between polls like the platform does."""

    client: httpx.Client
    api_base: str
    spec: dict[str, Any]
    properties: dict[str, Any]
    operation_id: str
    inputs: dict[str, Any] = field(default_factory=dict)
    state: dict[str, Any] | None = None

    def _request(self) -> dict[str, Any]:
        method, path, operation = find_operation(self.spec, self.operation_id)
        params = {
            p["name"]: p["default"] for p in operation.get("parameters", [])
            if p.get("in") == "query" and p.get("required") and "default" in p
        }
        params.update(self.inputs)
        params.update(self.state or {})
        response = self.client.request(method, self.api_base + path, params=params)
        if response.status_code != 200:
            raise FlowError(f"{self.operation_id} answered {response.status_code}: {response.text[:200]}")
        return response.json()

    def poll(self) -> list[Any]:
        """One poll; returns the items that fire the flow (none on the first poll: it sets the baseline)."""
        policy = polling_policies(self.properties).get(self.operation_id)
        if policy is None:
            raise FlowError(f"no pollingtrigger policy for {self.operation_id}")
        body = self._request()
        items = evaluate(policy["x-ms-apimTemplateParameter.triggerDataPath"], body) or []
        if not isinstance(items, list):
            raise FlowError(f"triggerDataPath of {self.operation_id} is not a list")
        first = self.state is None
        if items or first:
            config = policy["x-ms-apimTemplateParameter.triggerConfig"]
            new_state = {name: evaluate(expr, body) for name, expr in config.items()}
            if all(value is not None for value in new_state.values()):
                self.state = new_state
            elif first:
                self.state = {}
        return [] if first else items


def location_header(response: httpx.Response) -> str | None:
    """How the platform learns where to delete a webhook: the Location header of the registration."""
    return response.headers.get("location")


@dataclass
class WebhookTrigger:
    """One webhook trigger of one flow: created when the flow is saved, deleted when it is removed."""

    client: httpx.Client
    api_base: str
    spec: dict[str, Any]
    operation_id: str
    delete_url: Callable[[httpx.Response], str | None] = location_header
    location: str | None = None

    def create(self, callback_url: str) -> httpx.Response:
        """Register the flow's callback URL (the `x-ms-notification-url` body field)."""
        method, path, operation = find_operation(self.spec, self.operation_id)
        field_name = "endpoint"
        for parameter in operation.get("parameters", []):
            for name, prop in (parameter.get("schema") or {}).get("properties", {}).items():
                if isinstance(prop, dict) and prop.get("x-ms-notification-url"):
                    field_name = name
        response = self.client.request(method, self.api_base + path, json={field_name: callback_url})
        if response.status_code < 300:
            self.location = self.delete_url(response)
        return response

    def delete(self) -> bool:
        """Delete the registration through its Location; False when there is none (it leaks)."""
        if self.location is None:
            return False
        response = self.client.delete(self.location)
        self.location = None
        return response.status_code < 300
