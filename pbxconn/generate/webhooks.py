"""Webhook triggers of a catalog family: registration operations, their events, and how the custom
code derives the Location that deletes a registration."""

from __future__ import annotations

from typing import Any

from pbxconn.generate import parameters
from pbxconn.generate.model import Operation, Webhooks
from pbxconn.generate.schemas import PATH_PARAM, CatalogSchemas, Where


def payload_schema(s: CatalogSchemas, op_id: str, hook: dict[str, Any]) -> dict[str, Any]:
    """The payload object of a webhook event: the listed entity fields."""
    props = {name: s.field_schema(spec, w) for name, spec, w in payload_fields(s, op_id, hook)}
    return {"type": "object", "properties": props, "description": "The item the event is about.", "x-ms-summary": "Data"}


def payload_fields(s: CatalogSchemas, op_id: str, hook: dict[str, Any]) -> list[tuple[str, dict[str, Any], Where]]:
    """(name, field spec, where) of each listed payload field; bare names come from `entity`."""
    where = ("triggers", ["webhooks", op_id, "payload"])
    s.definition_name(hook["entity"], ("triggers", ["webhooks", op_id, "entity"]))
    out = []
    for i, ref in enumerate(hook["payload"]):
        entity, _, name = ref.rpartition(".")
        entity = entity or hook["entity"]
        spec = s.entities.get(entity, {}).get("fields", {}).get(name)
        if spec is None:
            raise s.err((where[0], where[1] + [i]), f"no field {name!r} in entity {entity!r}")
        out.append((name, spec, (where[0], where[1] + [i])))
    return out


def notification(s: CatalogSchemas, op_id: str, hook: dict[str, Any], description: str) -> dict[str, Any]:
    """x-ms-notification-content: the family's event envelope, with the payload under its data key."""
    event_spec = s.family["webhooks"]["event"]
    event = s.object_schema(event_spec["fields"], ("family", ["webhooks", "event", "fields"]))
    if "data_key" in event_spec:
        event["properties"][event_spec["data_key"]] = payload_schema(s, op_id, hook)
    return {"description": description, "schema": event}


def registration_body(s: CatalogSchemas, hook: dict[str, Any], where: Where) -> dict[str, Any]:
    """The registration's body parameter: the callback URL field plus the trigger's own fields."""
    hooks = s.family["webhooks"]
    callback = hooks["callback"]
    url: dict[str, Any] = {"type": "string", "description": callback["description"]}
    if "notification_url_pattern" in hooks:
        url["pattern"] = hooks["notification_url_pattern"]
    url.update({"title": callback["title"], "x-ms-visibility": "internal", "x-ms-notification-url": True})
    props = {callback["field"]: url}
    required = [callback["field"]]
    extra = hook.get("body", {})
    if extra:
        extra_schema = s.object_schema(extra["properties"], (where[0], where[1] + ["body", "properties"]), body=True)
        props.update(extra_schema["properties"])
        required += extra.get("required", [])
    visible = any(p.get("x-ms-visibility") != "internal" for p in props.values())
    visibility = "important" if visible else "internal"
    schema: dict[str, Any] = {"type": "object", "properties": props,
                              "required": sorted(required) if extra else required}
    if s.family.get("closed_bodies"):
        schema["additionalProperties"] = False
    schema["x-ms-visibility"] = visibility
    return {"name": "body", "in": "body", "required": True, "schema": schema,
            "description": callback["body_description"], "x-ms-summary": callback["body_summary"],
            "x-ms-visibility": visibility}


def _registration_path(s: CatalogSchemas, op_id: str, hook: dict[str, Any], where: Where) -> str:
    """The trigger's own `path`, else the family's path template with {operation} filled in."""
    if "path" in hook:
        return hook["path"]
    if "path" in s.family["webhooks"]:
        return s.family["webhooks"]["path"].replace("{operation}", op_id)
    raise s.err(where, "a webhook trigger needs `path` (family.yaml webhooks has no default path)")


def _registration_responses(s: CatalogSchemas, hook: dict[str, Any], delete: Operation | None,
                            where: Where) -> dict[str, Any]:
    """The registration's success answers. A service that answers 201 itself gets one 201 with the
    Location header the custom code adds; one that answers 200 keeps its 200 and gains the custom
    code's 201 with the Location."""
    answer = s.returns_schema(hook["returns"], where) if "returns" in hook else None
    target = delete.operation_id if delete else "delete"
    location = {"Location": {"type": "string", "description": f"URL of the {target} operation for this webhook."}}
    if s.success_status("post") == "201":
        created = {"description": "Created - the subscription is registered; the connector's custom code "
                                  "adds the Location that deletes it."}
        schema = s.envelope(answer)
        if schema is not None:
            created["schema"] = schema
        created["headers"] = location
        return {"201": created}
    registered = answer or {"type": "string", "description": "ID of the new webhook.", "x-ms-summary": "Webhook ID"}
    return {"200": {"description": f"OK - the webhook is registered; {s.family['webhooks']['id_key']} holds its ID.",
                    "schema": s.envelope(registered)},
            "201": {"description": "Created - the connector's custom code answers with the service's body "
                                   "(as for 200) and the URL that deletes the webhook.",
                    "headers": location}}


def _form_keys(s: CatalogSchemas, op_id: str, hook: dict[str, Any]) -> list[dict[str, str]]:
    """For form-encoded events: each payload key with its title and description, for the docs."""
    if not s.family["webhooks"]["event"].get("form"):
        return []
    keys = []
    for name, spec, where in payload_fields(s, op_id, hook):
        field = s.resolve_field(spec, where)
        keys.append({"key": name, "title": field["title"], "description": field["description"]})
    return keys


def webhook_triggers(s: CatalogSchemas, delete: Operation | None) -> list[Operation]:
    """Webhook registrations (x-ms-trigger: single) from triggers.yaml."""
    hooks = s.catalog["triggers"].get("webhooks", {})
    if hooks and "webhooks" not in s.family:
        raise s.err(("triggers", ["webhooks"]), "webhook triggers need a `webhooks` section in family.yaml")
    out = []
    for op_id, hook in hooks.items():
        where = ("triggers", ["webhooks", op_id])
        path = _registration_path(s, op_id, hook, where)
        description = " ".join(hook["description"].split())
        params = parameters.path_params(s, path, (where[0], where[1] + ["path"]))
        params.append(registration_body(s, hook, where))
        ok = _registration_responses(s, hook, delete, where)
        out.append(Operation(
            operation_id=op_id, method="post", path=path, summary=hook["summary"], origin=where,
            description=description, visibility="important", kind="webhook", parameters=params,
            responses=s.responses(ok, s.family["webhooks"]["errors"], where), consumes=["application/json"],
            notification=notification(s, op_id, hook, description), tags=hook.get("tags", []),
            form_keys=_form_keys(s, op_id, hook),
        ))
    return out


def routing(s: CatalogSchemas, hooks: list[Operation], delete: Operation | None) -> Webhooks | None:
    """What the custom code needs to answer registrations with the Location of their deletion."""
    if not hooks:
        return None
    ids = PATH_PARAM.findall(delete.path)
    if not ids or not delete.path.rstrip("/").endswith("{" + ids[-1] + "}"):
        raise s.err(("actions", [delete.operation_id, "path"]),
                    "the webhook delete action's path must end with the webhook id parameter")
    at = delete.path.rindex("{" + ids[-1] + "}")
    before, after = delete.path[:at], delete.path[at + len(ids[-1]) + 2:]
    marker = before[before.rfind("}") + 1:]
    for op in hooks:
        if marker not in op.path:
            raise s.err(("triggers", ["webhooks", op.operation_id]),
                        f"registration path {op.path} does not contain {marker!r}, the part of "
                        f"{delete.path} before the id, so its Location cannot be derived")
    return Webhooks(operations=sorted(op.operation_id for op in hooks), delete_operation_id=delete.operation_id,
                    delete_path=delete.path, path_marker=marker, delete_after=after,
                    id_key=s.family["webhooks"]["id_key"])
