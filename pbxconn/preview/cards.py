"""Every operation of a swagger as a card, in the order and grouping a maker meets them."""

from __future__ import annotations

import re
from typing import Iterator

from pbxconn.core.pointer import to_pointer
from pbxconn.core.swagger import HTTP_METHODS
from pbxconn.preview.header import header_of
from pbxconn.preview.inputs import inputs_of, parameter_pointers
from pbxconn.preview.model import Card, Connector, Policy, Trigger
from pbxconn.preview.outputs import response_of, tokens_of
from pbxconn.preview.resolve import Node, Resolver
from pbxconn.preview.schema import text, visibility_of
from pbxconn.preview.values import shown

POLICY_OPERATIONS = "x-ms-apimTemplate-operationName"
# The designer lists important operations first and advanced ones last (a stable sort).
OPERATION_RANK = {"important": 0, "advanced": 2}


def build_connector(swagger: dict, properties: dict, icon: bytes | None, fallback_title: str) -> Connector:
    """The page's view model of one package (findings are attached afterwards)."""
    resolver = Resolver(swagger)
    policies = policies_by_operation(properties)
    anchors: set[str] = set()
    cards = [card_of(resolver, path, method, policies, anchors) for path, method in operations(swagger)]
    header = header_of(swagger, properties, icon, fallback_title)
    return Connector(
        title=header.title, description=header.description, publisher=header.publisher,
        version=header.version, host=header.host, brand_color=header.brand_color, icon=header.icon,
        auth=header.auth, connection=header.connection, links=header.links, categories=header.categories,
        cards=maker_order(cards),
    )


def operations(swagger: dict) -> Iterator[tuple[str, str]]:
    """(path, method) of every operation, in document order."""
    paths = swagger.get("paths")
    for path, item in paths.items() if isinstance(paths, dict) else ():
        if isinstance(item, dict):
            for method, op in item.items():
                if method in HTTP_METHODS and isinstance(op, dict):
                    yield path, method


def maker_order(cards: list[Card]) -> tuple[Card, ...]:
    """Triggers, then actions (each important, normal, advanced, as written), then hidden ones."""
    def ranked(group: str) -> list[Card]:
        members = [c for c in cards if c.group == group]
        return sorted(members, key=lambda c: OPERATION_RANK.get(c.visibility, 1))

    return tuple(ranked("trigger") + ranked("action") + [c for c in cards if c.group == "hidden"])


def card_of(resolver: Resolver, path: str, method: str, policies: dict[str, list[Policy]],
            anchors: set[str]) -> Card:
    """One operation's card."""
    path_item = resolver.root("paths", path)
    operation = resolver.child(path_item, method)
    op = operation.value
    notification = (resolver.child(path_item, "x-ms-notification-content")
                    if "x-ms-notification-content" in path_item.value else None)
    trigger_kind = op.get("x-ms-trigger")
    is_trigger = isinstance(trigger_kind, str) and bool(trigger_kind)
    response = response_of(resolver, operation, notification)
    tokens, split_on = tokens_of(resolver, operation, response,
                                 batch=is_trigger and trigger_kind.lower() == "batch")
    inputs = inputs_of(resolver, path_item, operation)
    operation_id = text(op.get("operationId")) or ""
    pointers = operation.pointers + (to_pointer(("paths", path)),) + parameter_pointers(resolver, path_item, operation)
    if notification is not None:
        pointers += notification.pointers
    return Card(
        anchor=_anchor(operation_id or f"{method}-{path}", anchors),
        operation_id=operation_id,
        method=method,
        path=path,
        summary=text(op.get("summary")) or "",
        description=text(op.get("description")) or "",
        visibility=visibility_of(op),
        deprecated=op.get("deprecated") is True,
        trigger=trigger_of(resolver, operation, notification, split_on) if is_trigger else None,
        inputs=inputs,
        tokens=tokens,
        pointers=pointers,
        policies=policies_of(operation_id, policies),
    )


def trigger_of(resolver: Resolver, operation: Node, notification: Node | None, split_on: str) -> Trigger:
    """How a trigger fires: a webhook (notification content or a notification URL) or polling."""
    op = operation.value
    metadata = op.get("x-ms-trigger-metadata")
    webhook = notification is not None or _has_notification_url(resolver, operation)
    return Trigger(
        kind="webhook" if webhook else "polling",
        cardinality=str(op.get("x-ms-trigger")).lower(),
        hint=text(op.get("x-ms-trigger-hint")) or "",
        metadata=tuple((str(k), shown(v)) for k, v in metadata.items()) if isinstance(metadata, dict) else (),
        notification=(text(notification.get("description")) or "") if notification is not None else "",
        split_on=split_on,
    )


def policies_by_operation(properties: dict) -> dict[str, list[Policy]]:
    """operationId -> the policy template instances of apiProperties that apply to it, in their
    order; an instance that names no operation applies to all (key "*")."""
    props = properties.get("properties") if isinstance(properties.get("properties"), dict) else {}
    instances = props.get("policyTemplateInstances")
    out: dict[str, list[Policy]] = {}
    for index, raw in enumerate(instances if isinstance(instances, list) else []):
        if not isinstance(raw, dict):
            continue
        parameters = raw.get("parameters") if isinstance(raw.get("parameters"), dict) else {}
        named = parameters.get(POLICY_OPERATIONS)
        names = [named] if isinstance(named, str) else [n for n in named if isinstance(n, str)] \
            if isinstance(named, list) else []
        policy = Policy(
            template=str(raw.get("templateId", "")),
            title=str(raw.get("title", "")),
            parameters=tuple((str(k), shown(v)) for k, v in parameters.items() if k != POLICY_OPERATIONS),
            pointer=to_pointer(("properties", "policyTemplateInstances", index)),
            everywhere=not names,
        )
        for name in names or ["*"]:
            out.setdefault(name, []).append(policy)
    return out


def policies_of(operation_id: str, policies: dict[str, list[Policy]]) -> tuple[Policy, ...]:
    """The policies that apply to one operation, in apiProperties order."""
    found = policies.get(operation_id, []) + policies.get("*", [])
    return tuple(sorted(found, key=lambda p: int(p.pointer.rsplit("/", 1)[-1])))


def _has_notification_url(resolver: Resolver, operation: Node) -> bool:
    """Whether a parameter (or a property of a body) is marked `x-ms-notification-url`."""
    raw = operation.get("parameters")
    pending = [resolver.child(operation, "parameters", i) for i in range(len(raw))] if isinstance(raw, list) else []
    seen = 0
    while pending and seen < 500:
        node = pending.pop()
        seen += 1
        value = node.value if isinstance(node.value, dict) else {}
        if value.get("x-ms-notification-url") is True:
            return True
        if "schema" in value:
            pending.append(resolver.child(node, "schema"))
        properties = value.get("properties")
        if isinstance(properties, dict):
            pending.extend(resolver.child(node, "properties", k) for k in properties)
    return False


def _anchor(name: str, taken: set[str]) -> str:
    base = "op-" + (re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-") or "operation")
    anchor, n = base, 1
    while anchor in taken:
        n += 1
        anchor = f"{base}-{n}"
    taken.add(anchor)
    return anchor
