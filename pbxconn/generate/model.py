"""Turn a checked catalog + carrier into the pieces of a connector: operations, schemas, policies.

Everything here is data (dicts in a deliberate key order); templates only lay it out.
Cross-references in the catalog (entity names, `same_as`, parameter names, payload fields) are
checked here, with the catalog file and line of the bad reference.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pbxconn.generate.inputs import Carrier, Catalog

_PATH_PARAM = re.compile(r"\{([^}]+)\}")


def pascal(name: str) -> str:
    """contact_id -> ContactId; voip_endpoint -> VoipEndpoint."""
    return "".join(part[:1].upper() + part[1:] for part in name.split("_"))


def _error_name(text: str) -> str:
    """'Too Many Requests - ...' -> 'TooManyRequests'."""
    return "".join(w[:1].upper() + w[1:] for w in text.split(" - ")[0].split())


@dataclass
class Operation:
    """One swagger operation, ready to lay out."""

    operation_id: str
    method: str
    path: str
    summary: str
    description: str
    visibility: str | None
    kind: str  # action | polling | webhook
    parameters: list[dict[str, Any]]
    responses: dict[str, Any]
    consumes: list[str] | None = None
    hint: str | None = None
    notification: dict[str, Any] | None = None
    cursor: str | None = None    # polling triggers: the internal query parameter the policy fills
    id_field: str | None = None  # polling triggers: the item field the cursor follows


@dataclass
class ConnectorModel:
    """All data the templates of one carrier's package need."""

    carrier: dict[str, Any]
    api: dict[str, Any]
    operations: list[Operation]
    definitions: dict[str, Any]
    responses: dict[str, Any]
    policies: list[dict[str, Any]]
    connection_parameters: dict[str, Any]
    webhook_operations: list[str]
    delete_operation: Operation
    entities: dict[str, Any] = field(default_factory=dict)

    @property
    def paths(self) -> list[tuple[str, list[Operation]]]:
        """Operations grouped by path, in catalog order."""
        grouped: dict[str, list[Operation]] = {}
        for op in self.operations:
            grouped.setdefault(op.path, []).append(op)
        return list(grouped.items())


class _Builder:
    def __init__(self, catalog: Catalog, carrier: Carrier) -> None:
        self.catalog = catalog
        self.carrier = carrier
        self.api = catalog["api"]
        self.entities = catalog["entities"]
        self.params = catalog["parameters"]
        self.error_refs = {status: _error_name(text) for status, text in self.api["errors"].items()}

    # --- fields and schemas -------------------------------------------------------------
    def _resolve_field(self, spec: dict[str, Any], where: tuple[str, list]) -> dict[str, Any]:
        seen = []
        while "same_as" in spec:
            target = spec["same_as"]
            if target in seen:
                raise self._err(where, f"same_as cycle through {target}")
            seen.append(target)
            entity, _, name = target.partition(".")
            base = self.entities.get(entity, {}).get("fields", {}).get(name)
            if base is None:
                raise self._err(where, f"same_as {target!r}: no field {name!r} in entity {entity!r}")
            overrides = {k: v for k, v in spec.items() if k != "same_as"}
            spec = {**base, **overrides}
        return spec

    def _err(self, where: tuple[str, list], message: str):
        file, keypath = where
        return self.catalog.sources[file].error(keypath, message)

    def field_schema(self, spec: dict[str, Any], where: tuple[str, list], *, body: bool = False) -> dict[str, Any]:
        """Swagger schema of one catalog field."""
        spec = self._resolve_field(spec, where)
        out: dict[str, Any] = {"type": spec["type"]}
        if "format" in spec:
            out["format"] = spec["format"]
        if spec["type"] == "array":
            items = spec.get("items")
            if items is None:
                raise self._err(where, "an array field needs `items`")
            if isinstance(items, str):
                out["items"] = {"$ref": f"#/definitions/{self.definition_name(items, where)}"}
            else:
                out["items"] = self.object_schema(items["properties"], (where[0], where[1] + ["items", "properties"]))
        out["description"] = spec["description"]
        out["x-ms-summary"] = spec["title"]
        if body:
            out["title"] = spec["title"]
            out["x-ms-visibility"] = "important"
        return out

    def object_schema(self, fields: dict[str, Any], where: tuple[str, list], *, events: bool = False) -> dict[str, Any]:
        """An object schema from a mapping of catalog fields (event-only fields when asked)."""
        props = {}
        for name, spec in fields.items():
            if spec.get("event_only") and not events:
                continue
            props[name] = self.field_schema(spec, (where[0], where[1] + [name]))
        return {"type": "object", "properties": props}

    def definition_name(self, entity: str, where: tuple[str, list]) -> str:
        """The `definitions` key of an entity (checked to exist)."""
        if entity not in self.entities:
            known = ", ".join(self.entities)
            raise self._err(where, f"unknown entity {entity!r} (known: {known})")
        return pascal(entity)

    def definitions(self) -> dict[str, Any]:
        """One definition per entity."""
        out = {}
        for name, entity in self.entities.items():
            schema = self.object_schema(entity["fields"], ("entities", [name, "fields"]))
            id_field = entity["id_field"]
            if id_field not in entity["fields"]:
                raise self._err(("entities", [name, "id_field"]), f"id_field {id_field!r} is not a field of {name!r}")
            out[pascal(name)] = {"type": "object", "description": entity["description"], "properties": schema["properties"]}
        return out

    def envelope(self, data: dict[str, Any] | None) -> dict[str, Any]:
        """The response envelope with `data` set to the given schema."""
        schema = self.object_schema(self.api["envelope"], ("api", ["envelope"]))
        if data is not None:
            schema["properties"]["data"] = data
        return schema

    def returns_schema(self, returns: dict[str, Any], where: tuple[str, list]) -> dict[str, Any]:
        """Schema of `data` for an operation's `returns`."""
        if "entity" in returns:
            return {"$ref": f"#/definitions/{self.definition_name(returns['entity'], (where[0], where[1] + ['entity']))}"}
        if "list" in returns:
            ref = {"$ref": f"#/definitions/{self.definition_name(returns['list'], where)}"}
            return {"type": "array", "items": ref, "description": "The matching items, newest first.", "x-ms-summary": "Items"}
        return {"type": "object", "properties": {}, "description": "Empty on success.", "x-ms-summary": "Data"}

    # --- responses ----------------------------------------------------------------------
    def error_responses(self) -> dict[str, Any]:
        """Top-level `responses`: one per documented error status."""
        out = {}
        for status, text in sorted(self.api["errors"].items()):
            # No schema: Power Automate shows outputs of one response only (the 200).
            response: dict[str, Any] = {"description": text}
            if status == "429":
                response["headers"] = {"Retry-After": {"type": "integer", "description": "Seconds to wait before retrying."}}
            out[self.error_refs[status]] = response
        return out

    def responses(self, ok: dict[str, Any], errors: list[str], where: tuple[str, list], extra_ok: dict | None = None) -> dict[str, Any]:
        """200 (and extra 2xx) first, then the common and operation-specific errors, ascending."""
        out = {"200": ok}
        if extra_ok:
            out.update(extra_ok)
        statuses = set(self.api["common_errors"]) | set(errors)
        for status in sorted(statuses):
            if status not in self.error_refs:
                raise self._err(where, f"error status {status} is not described in api.yaml errors")
            out[status] = {"$ref": f"#/responses/{self.error_refs[status]}"}
        return out

    # --- parameters ---------------------------------------------------------------------
    def shared_param(self, name: str, where: tuple[str, list]) -> dict[str, Any]:
        """A parameters.yaml entry (checked to exist)."""
        if name not in self.params:
            known = ", ".join(self.params)
            raise self._err(where, f"unknown parameter {name!r} (known: {known})")
        return self.params[name]

    def query_param(self, name: str, where: tuple[str, list]) -> dict[str, Any]:
        """An optional, prominent query filter."""
        p = self.shared_param(name, where)
        out = {"name": name, "in": "query", "required": False, "type": p["type"]}
        if "format" in p:
            out["format"] = p["format"]
        out.update({"description": p["description"], "x-ms-summary": p["summary"], "x-ms-visibility": "important"})
        return out

    def path_params(self, path: str, where: tuple[str, list]) -> list[dict[str, Any]]:
        """Required, single-encoded path parameters named in the path template."""
        out = []
        for name in _PATH_PARAM.findall(path):
            p = self.shared_param(name, where)
            out.append({"name": name, "in": "path", "required": True, "type": p["type"],
                        "description": p["description"], "x-ms-summary": p["summary"],
                        "x-ms-url-encoding": "single"})
        return out

    # --- operations ---------------------------------------------------------------------
    def actions(self) -> list[Operation]:
        """Operations from actions.yaml."""
        out = []
        for op_id, a in self.catalog["actions"].items():
            where = ("actions", [op_id])
            params = self.path_params(a["path"], (where[0], where[1] + ["path"]))
            params += [self.query_param(n, ("actions", [op_id, "query", i])) for i, n in enumerate(a.get("query", []))]
            consumes = None
            if "body" in a:
                body = a["body"]
                schema = self.object_schema(body["properties"], ("actions", [op_id, "body", "properties"]))
                for name, spec in body["properties"].items():
                    schema["properties"][name] = self.field_schema(spec, ("actions", [op_id, "body", "properties", name]), body=True)
                missing = [r for r in body.get("required", []) if r not in body["properties"]]
                if missing:
                    raise self._err(("actions", [op_id, "body", "required"]), f"required names unknown properties: {', '.join(missing)}")
                schema["required"] = sorted(body.get("required", []))
                schema["x-ms-visibility"] = "important"
                params.append({"name": "body", "in": "body", "required": True, "schema": schema,
                               "description": body["description"], "x-ms-summary": body["summary"],
                               "x-ms-visibility": "important"})
            if a["method"] in ("post", "put", "patch", "delete"):
                consumes = ["application/json"]
            data = self.returns_schema(a["returns"], ("actions", [op_id, "returns"]))
            ok = {"description": "OK", "schema": self.envelope(data)}
            out.append(Operation(
                operation_id=op_id, method=a["method"], path=a["path"], summary=a["summary"],
                description=" ".join(a["description"].split()), visibility=a.get("visibility"),
                kind="action", parameters=params,
                responses=self.responses(ok, a.get("errors", []), where), consumes=consumes,
            ))
        return out

    def polling(self) -> list[Operation]:
        """Polling triggers from triggers.yaml."""
        out = []
        for op_id, t in self.catalog["triggers"]["polling"].items():
            where = ("triggers", ["polling", op_id])
            entity = self.entities.get(t["entity"])
            self.definition_name(t["entity"], (where[0], where[1] + ["entity"]))
            params = []
            if "filter" in t:
                params.append(self.query_param(t["filter"], (where[0], where[1] + ["filter"])))
            cursor = t["cursor"]
            params.append({"name": cursor["name"], "in": "query", "required": True, "type": "integer",
                           "default": 0, "description": cursor["description"],
                           "x-ms-summary": cursor["summary"], "x-ms-visibility": "internal"})
            params += [self.query_param(n, (where[0], where[1] + ["query", i])) for i, n in enumerate(t.get("query", []))]
            data = self.returns_schema({"list": t["entity"]}, where)
            ok = {"description": "OK", "schema": self.envelope(data)}
            out.append(Operation(
                operation_id=op_id, method="get", path=t["path"], summary=t["summary"],
                description=" ".join(t["description"].split()), visibility="important", kind="polling",
                parameters=params, responses=self.responses(ok, ["404", "422"], where), hint=t["hint"],
                cursor=cursor["name"], id_field=entity["id_field"],
            ))
        return out

    def payload_schema(self, op_id: str, hook: dict[str, Any]) -> dict[str, Any]:
        """The `data` object of a webhook event: the listed entity fields."""
        where = ("triggers", ["webhooks", op_id, "payload"])
        self.definition_name(hook["entity"], ("triggers", ["webhooks", op_id, "entity"]))
        props = {}
        for i, ref in enumerate(hook["payload"]):
            entity, _, name = ref.rpartition(".")
            entity = entity or hook["entity"]
            spec = self.entities.get(entity, {}).get("fields", {}).get(name)
            if spec is None:
                raise self._err((where[0], where[1] + [i]), f"no field {name!r} in entity {entity!r}")
            props[name] = self.field_schema(spec, (where[0], where[1] + [i]))
        return {"type": "object", "properties": props, "description": "The item the event is about.", "x-ms-summary": "Data"}

    def webhooks(self) -> list[Operation]:
        """Webhook registrations (x-ms-trigger: single) from triggers.yaml."""
        out = []
        registered = {"type": "string", "description": "ID of the new webhook.", "x-ms-summary": "Webhook ID"}
        for op_id, hook in self.catalog["triggers"]["webhooks"].items():
            where = ("triggers", ["webhooks", op_id])
            event = self.object_schema(self.api["event_envelope"], ("api", ["event_envelope"]))
            event["properties"]["data"] = self.payload_schema(op_id, hook)
            description = " ".join(hook["description"].split())
            body = {"type": "object", "properties": {"endpoint": {
                "type": "string", "description": "URL the service posts events to; Power Automate fills it in.",
                "pattern": self.api["notification_url_pattern"], "title": "Endpoint", "x-ms-visibility": "internal", "x-ms-notification-url": True}},
                "required": ["endpoint"], "x-ms-visibility": "internal"}
            ok = {"description": "OK - the webhook is registered; data holds its ID.", "schema": self.envelope(registered)}
            created = {"201": {
                "description": "Created - the connector's custom code answers with the service's body "
                               "(as for 200) and the URL that deletes the webhook.",
                "headers": {"Location": {"type": "string", "description": "URL of the DeleteWebhookByID operation for this webhook."}}}}
            out.append(Operation(
                operation_id=op_id, method="post", path=f"/webhooks/{op_id}", summary=hook["summary"],
                description=description, visibility="important", kind="webhook",
                parameters=[{"name": "body", "in": "body", "required": True, "schema": body,
                             "description": "The URL the service posts this trigger's events to.",
                             "x-ms-summary": "Webhook registration", "x-ms-visibility": "internal"}],
                responses=self.responses(ok, ["400", "422"], where, extra_ok=created),
                consumes=["application/json"],
                notification={"description": description, "schema": event},
            ))
        return out

    def policies(self, polling: list[Operation]) -> list[dict[str, Any]]:
        """One pollingtrigger policy per polling trigger: the cursor follows data[0].<id>."""
        return [{
            "templateId": "pollingtrigger",
            "title": f"{op.operation_id}PollingTriggerPolicy",
            "type": "PollingTrigger",
            "parameters": {
                "x-ms-apimTemplateParameter.triggerConfig": {op.cursor: f"@{{triggerBody().data[0].{op.id_field}}}"},
                "x-ms-apimTemplateParameter.triggerDataPath": "@triggerBody().data",
                "x-ms-apimTemplate-operationName": [op.operation_id],
            },
        } for op in polling]

    def connection_parameters(self) -> dict[str, Any]:
        """apiProperties connectionParameters from api.yaml."""
        return {name: {"type": p["type"], "uiDefinition": {
            "displayName": p["display_name"], "description": p["description"], "tooltip": p["tooltip"],
            "constraints": {"tabIndex": 2, "clearText": False, "required": "true"}}}
            for name, p in self.api["connection_parameters"].items()}

    def build(self) -> ConnectorModel:
        actions, polling, hooks = self.actions(), self.polling(), self.webhooks()
        deletes = [op for op, a in zip(actions, self.catalog["actions"].values()) if a.get("deletes_webhooks")]
        if hooks and len(deletes) != 1:
            raise self._err(("actions", []), "webhook triggers need exactly one action with deletes_webhooks: true")
        ops = actions + polling + hooks
        seen: dict[tuple[str, str], str] = {}
        for op in ops:
            key = (op.path, op.method)
            if key in seen:
                raise self._err(("actions", []), f"{op.operation_id} and {seen[key]} both use {op.method.upper()} {op.path}")
            seen[key] = op.operation_id
        return ConnectorModel(
            carrier=self.carrier.data, api=self.api, operations=ops, definitions=self.definitions(),
            responses=self.error_responses(), policies=self.policies(polling),
            connection_parameters=self.connection_parameters(),
            webhook_operations=sorted(op.operation_id for op in hooks),
            delete_operation=deletes[0] if deletes else None, entities=self.entities,
        )


def build_model(catalog: Catalog, carrier: Carrier) -> ConnectorModel:
    """The complete data of one carrier's connector."""
    return _Builder(catalog, carrier).build()
