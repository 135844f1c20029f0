"""Turn a checked catalog family + carrier into the pieces of a connector: operations, schemas, policies.

Everything here is data (dicts in a deliberate key order); templates only lay it out. What
differs between API families (auth, envelope, webhook shape, polling cursor, errors, success
codes) comes from the family's family.yaml, never from code. Cross-references in the catalog
(entity names, `same_as`, parameter names, payload fields) are checked here, with the catalog
file and line of the bad reference.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pbxconn.generate.freeze import freeze
from pbxconn.generate.inputs import Carrier, Catalog

_PATH_PARAM = re.compile(r"\{([^}]+)\}")
_OK_TEXT = {"200": "OK", "201": "Created", "202": "Accepted", "204": "No Content"}


def pascal(name: str) -> str:
    """contact_id -> ContactId; voip_endpoint -> VoipEndpoint."""
    return "".join(part[:1].upper() + part[1:] for part in name.split("_"))


def _error_name(text: str) -> str:
    """'Too Many Requests - ...' -> 'TooManyRequests'."""
    return "".join(w[:1].upper() + w[1:] for w in text.split(" - ")[0].split())


@dataclass(frozen=True)
class Operation:
    """One swagger operation, ready to lay out."""

    operation_id: str
    method: str
    path: str
    summary: str
    description: str
    visibility: str | None
    kind: str  # action | polling | webhook
    parameters: Any
    responses: Any
    consumes: Any = None
    produces: Any = None
    tags: Any = ()
    hint: str | None = None
    notification: Any = None
    cursor: str | None = None    # polling triggers: the internal query parameter the policy fills
    id_field: str | None = None  # polling triggers: the item field the cursor follows
    form_keys: Any = ()          # webhook triggers of form-encoded events: the documented keys


@dataclass(frozen=True)
class Webhooks:
    """How registrations map to deletions, for the custom code: the id's key in the registration
    answer, and the path marker whose tail is replaced by `<marker><id><after>` in the Location."""

    operations: Any
    delete_operation_id: str
    delete_path: str
    path_marker: str
    delete_after: str
    id_key: str


@dataclass(frozen=True)
class ConnectorModel:
    """All data the templates of one package need; immutable once built."""

    carrier: Any
    family: Any
    operations: Any
    definitions: Any
    responses: Any
    policies: Any
    connection_parameters: Any
    connection_rows: Any
    security_definitions: Any
    tags: Any
    files: Any
    webhooks: Webhooks | None
    entities: Any = field(default_factory=dict)

    @property
    def paths(self) -> list[tuple[str, list[Operation]]]:
        """Operations grouped by path, in catalog order."""
        grouped: dict[str, list[Operation]] = {}
        for op in self.operations:
            grouped.setdefault(op.path, []).append(op)
        return list(grouped.items())

    @property
    def webhook_operations(self) -> list[str]:
        """Sorted operationIds of the webhook registrations."""
        return list(self.webhooks.operations) if self.webhooks else []


Where = tuple[str, list]


class _Builder:
    def __init__(self, catalog: Catalog, carrier: Carrier) -> None:
        self.catalog = catalog
        self.carrier = carrier
        self.family = catalog["family"]
        self.entities = catalog["entities"]
        self.params = catalog["parameters"]
        self.error_refs = {status: _error_name(text) for status, text in self.family["errors"].items()}
        self.dynamic_refs: list[tuple[str, Where]] = []

    def _err(self, where: Where, message: str):
        file, keypath = where
        return self.catalog.sources[file].error(keypath, message)

    # --- fields and schemas -------------------------------------------------------------
    def _resolve_field(self, spec: dict[str, Any], where: Where) -> dict[str, Any]:
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

    def _items(self, items: Any, where: Where) -> dict[str, Any]:
        if isinstance(items, str):
            return {"$ref": f"#/definitions/{self.definition_name(items, where)}"}
        if "properties" in items:
            return self.object_schema(items["properties"], (where[0], where[1] + ["items", "properties"]))
        out = {"type": items["type"]}
        if "format" in items:
            out["format"] = items["format"]
        if "enum" in items:
            out["enum"] = list(items["enum"])
        return out

    def field_schema(self, spec: dict[str, Any], where: Where, *, body: bool = False) -> dict[str, Any]:
        """Swagger schema of one catalog field."""
        spec = self._resolve_field(spec, where)
        out: dict[str, Any] = {"type": spec["type"]}
        if "format" in spec:
            out["format"] = spec["format"]
        if "enum" in spec:
            out["enum"] = list(spec["enum"])
        if "default" in spec:
            out["default"] = spec["default"]
        if spec["type"] == "array":
            items = spec.get("items")
            if items is None:
                raise self._err(where, "an array field needs `items`")
            out["items"] = self._items(items, where)
        out["description"] = spec["description"]
        out["x-ms-summary"] = spec["title"]
        if body:
            out["title"] = spec["title"]
            out["x-ms-visibility"] = spec.get("visibility", "important")
        elif "visibility" in spec:
            out["x-ms-visibility"] = spec["visibility"]
        return out

    def object_schema(self, fields: dict[str, Any], where: Where, *, events: bool = False,
                      body: bool = False) -> dict[str, Any]:
        """An object schema from a mapping of catalog fields (event-only fields when asked)."""
        props = {}
        for name, spec in fields.items():
            if spec.get("event_only") and not events:
                continue
            props[name] = self.field_schema(spec, (where[0], where[1] + [name]), body=body)
        return {"type": "object", "properties": props}

    def definition_name(self, entity: str, where: Where) -> str:
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
            id_field = entity.get("id_field")
            if id_field is not None and id_field not in entity["fields"]:
                raise self._err(("entities", [name, "id_field"]), f"id_field {id_field!r} is not a field of {name!r}")
            out[pascal(name)] = {"type": "object", "description": entity["description"], "properties": schema["properties"]}
        return out

    def envelope(self, data: dict[str, Any] | None) -> dict[str, Any] | None:
        """The response body: `data` inside the family's envelope, or `data` itself without one."""
        envelope = self.family.get("envelope")
        if envelope is None:
            return data
        schema = self.object_schema(envelope["fields"], ("family", ["envelope", "fields"]))
        if data is not None:
            schema["properties"][envelope["data_key"]] = data
        return schema

    def returns_schema(self, returns: dict[str, Any], where: Where) -> dict[str, Any] | None:
        """Schema of the payload for an operation's `returns` (None: no body)."""
        if "entity" in returns:
            return {"$ref": f"#/definitions/{self.definition_name(returns['entity'], (where[0], where[1] + ['entity']))}"}
        if "list" in returns:
            ref = {"$ref": f"#/definitions/{self.definition_name(returns['list'], where)}"}
            return {"type": "array", "items": ref,
                    "description": returns.get("description", "The matching items, newest first."),
                    "x-ms-summary": returns.get("summary", "Items")}
        if "binary" in returns:
            return {"type": "string", "format": "binary",
                    "description": returns.get("description", "The file's content."),
                    "x-ms-summary": returns.get("summary", "File content")}
        if "none" in returns:
            return None
        return {"type": "object", "properties": {}, "description": returns.get("description", "Empty on success."),
                "x-ms-summary": returns.get("summary", "Data")}

    # --- responses ----------------------------------------------------------------------
    def error_responses(self) -> dict[str, Any]:
        """Top-level `responses`: one per documented error status."""
        out = {}
        headers = self.family.get("error_headers", {})
        for status, text in sorted(self.family["errors"].items()):
            # No schema: Power Automate shows outputs of one response only (the success).
            response: dict[str, Any] = {"description": text}
            if status in headers:
                response["headers"] = dict(headers[status])
            out[self.error_refs[status]] = response
        return out

    def success_status(self, method: str) -> str:
        """The status the service answers a successful call with (family `success`, else 200)."""
        return str(self.family.get("success", {}).get(method, "200"))

    def ok_response(self, method: str, payload: dict[str, Any] | None) -> dict[str, Any]:
        """The success response: {status: {description, schema}}; no schema when there is no body."""
        status = self.success_status(method)
        response: dict[str, Any] = {"description": _OK_TEXT.get(status, "OK")}
        schema = self.envelope(payload)
        if schema is not None:
            response["schema"] = schema
        return {status: response}

    def responses(self, ok: dict[str, Any], errors: list[str], where: Where) -> dict[str, Any]:
        """2xx first, then the common and operation-specific errors, ascending."""
        out = dict(ok)
        statuses = set(self.family["common_errors"]) | set(errors)
        for status in sorted(statuses):
            if status not in self.error_refs:
                raise self._err(where, f"error status {status} is not described in family.yaml errors")
            out[status] = {"$ref": f"#/responses/{self.error_refs[status]}"}
        return out

    # --- parameters ---------------------------------------------------------------------
    def shared_param(self, name: str, where: Where) -> dict[str, Any]:
        """A parameters.yaml entry (checked to exist)."""
        if name not in self.params:
            known = ", ".join(self.params)
            raise self._err(where, f"unknown parameter {name!r} (known: {known})")
        return self.params[name]

    def _param_tail(self, p: dict[str, Any], where: Where) -> dict[str, Any]:
        """The keys after name/in/required/type: format, enum, default, items, texts, dropdown."""
        out: dict[str, Any] = {}
        if "format" in p:
            out["format"] = p["format"]
        if "enum" in p:
            out["enum"] = list(p["enum"])
        if "default" in p:
            out["default"] = p["default"]
        if p["type"] == "array":
            out["items"] = self._items(p["items"], where)
            out["collectionFormat"] = p.get("collection_format", "csv")
        out.update({"description": p["description"], "x-ms-summary": p["summary"]})
        if "dynamic" in p:
            self.dynamic_refs.append((p["dynamic"]["operation"], where))
            out["x-ms-dynamic-values"] = {"operationId": p["dynamic"]["operation"],
                                          "value-path": p["dynamic"]["value_path"],
                                          "value-title": p["dynamic"].get("title_path", p["dynamic"]["value_path"])}
        return out

    def query_param(self, entry: Any, where: Where) -> dict[str, Any]:
        """A query parameter: a shared name, or {name: spec} written inline; optional and prominent unless said."""
        if isinstance(entry, str):
            name, p = entry, self.shared_param(entry, where)
        else:
            (name, p), = entry.items()
            where = (where[0], where[1] + [name])
        out = {"name": name, "in": "query", "required": p.get("required", False), "type": p["type"]}
        out.update(self._param_tail(p, where))
        out["x-ms-visibility"] = p.get("visibility", "important")
        return out

    def path_params(self, path: str, where: Where) -> list[dict[str, Any]]:
        """Required, single-encoded path parameters named in the path template."""
        out = []
        for name in _PATH_PARAM.findall(path):
            p = self.shared_param(name, where)
            param = {"name": name, "in": "path", "required": True, "type": p["type"]}
            tail = self._param_tail(p, where)
            dynamic = tail.pop("x-ms-dynamic-values", None)
            param.update(tail)
            param["x-ms-url-encoding"] = "single"
            if dynamic:
                param["x-ms-dynamic-values"] = dynamic
            out.append(param)
        return out

    def body_param(self, body: dict[str, Any], where: Where) -> dict[str, Any]:
        """The JSON body parameter of an action."""
        schema = self.object_schema(body["properties"], (where[0], where[1] + ["properties"]), body=True)
        missing = [r for r in body.get("required", []) if r not in body["properties"]]
        if missing:
            raise self._err((where[0], where[1] + ["required"]), f"required names unknown properties: {', '.join(missing)}")
        if body.get("required"):
            schema["required"] = sorted(body["required"])
        schema["x-ms-visibility"] = body.get("visibility", "important")
        return {"name": "body", "in": "body", "required": True, "schema": schema,
                "description": body["description"], "x-ms-summary": body["summary"],
                "x-ms-visibility": body.get("visibility", "important")}

    def form_params(self, form: dict[str, Any], where: Where) -> list[dict[str, Any]]:
        """formData parameters of a multipart upload."""
        out = []
        required = set(form.get("required", []))
        for name, spec in form["properties"].items():
            spec = self._resolve_field(spec, (where[0], where[1] + ["properties", name]))
            out.append({"name": name, "in": "formData", "required": name in required, "type": spec["type"],
                        "description": spec["description"], "x-ms-summary": spec["title"],
                        "x-ms-visibility": spec.get("visibility", "important")})
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
                params.append(self.body_param(a["body"], ("actions", [op_id, "body"])))
            if "form" in a:
                params += self.form_params(a["form"], ("actions", [op_id, "form"]))
                consumes = ["multipart/form-data"]
            elif a["method"] in ("post", "put", "patch", "delete"):
                consumes = ["application/json"]
            returns = a["returns"]
            ok = self.ok_response(a["method"], self.returns_schema(returns, ("actions", [op_id, "returns"])))
            out.append(Operation(
                operation_id=op_id, method=a["method"], path=a["path"], summary=a["summary"],
                description=" ".join(a["description"].split()), visibility=a.get("visibility"),
                kind="action", parameters=params,
                responses=self.responses(ok, a.get("errors", []), where), consumes=consumes,
                produces=[returns["binary"]] if "binary" in returns else None, tags=a.get("tags", []),
            ))
        return out

    def polling(self) -> list[Operation]:
        """Polling triggers from triggers.yaml."""
        out = []
        polling = self.catalog["triggers"].get("polling", {})
        if polling and "polling" not in self.family:
            raise self._err(("triggers", ["polling"]), "polling triggers need a `polling` section in family.yaml")
        for op_id, t in polling.items():
            where = ("triggers", ["polling", op_id])
            self.definition_name(t["entity"], (where[0], where[1] + ["entity"]))
            entity = self.entities[t["entity"]]
            if "id_field" not in entity:
                raise self._err(("entities", [t["entity"]]), "an entity a polling trigger follows needs an id_field")
            params = []
            if "filter" in t:
                params.append(self.query_param(t["filter"], (where[0], where[1] + ["filter"])))
            cursor = t["cursor"]
            params.append({"name": cursor["name"], "in": "query", "required": True, "type": "integer",
                           "default": 0, "description": cursor["description"],
                           "x-ms-summary": cursor["summary"], "x-ms-visibility": "internal"})
            params += [self.query_param(n, (where[0], where[1] + ["query", i])) for i, n in enumerate(t.get("query", []))]
            ok = self.ok_response("get", self.returns_schema({"list": t["entity"]}, where))
            out.append(Operation(
                operation_id=op_id, method="get", path=t["path"], summary=t["summary"],
                description=" ".join(t["description"].split()), visibility="important", kind="polling",
                parameters=params, responses=self.responses(ok, self.family["polling"]["errors"], where),
                hint=t["hint"], cursor=cursor["name"], id_field=entity["id_field"], tags=t.get("tags", []),
            ))
        return out

    def payload_schema(self, op_id: str, hook: dict[str, Any]) -> dict[str, Any]:
        """The payload object of a webhook event: the listed entity fields."""
        where = ("triggers", ["webhooks", op_id, "payload"])
        props = {name: self.field_schema(spec, w) for name, spec, w in self.payload_fields(op_id, hook)}
        return {"type": "object", "properties": props, "description": "The item the event is about.", "x-ms-summary": "Data"}

    def payload_fields(self, op_id: str, hook: dict[str, Any]) -> list[tuple[str, dict[str, Any], Where]]:
        """(name, field spec, where) of each listed payload field; bare names come from `entity`."""
        where = ("triggers", ["webhooks", op_id, "payload"])
        self.definition_name(hook["entity"], ("triggers", ["webhooks", op_id, "entity"]))
        out = []
        for i, ref in enumerate(hook["payload"]):
            entity, _, name = ref.rpartition(".")
            entity = entity or hook["entity"]
            spec = self.entities.get(entity, {}).get("fields", {}).get(name)
            if spec is None:
                raise self._err((where[0], where[1] + [i]), f"no field {name!r} in entity {entity!r}")
            out.append((name, spec, (where[0], where[1] + [i])))
        return out

    def notification(self, op_id: str, hook: dict[str, Any], description: str) -> dict[str, Any]:
        """x-ms-notification-content: the family's event envelope, with the payload under its data key."""
        event_spec = self.family["webhooks"]["event"]
        event = self.object_schema(event_spec["fields"], ("family", ["webhooks", "event", "fields"]))
        if "data_key" in event_spec:
            event["properties"][event_spec["data_key"]] = self.payload_schema(op_id, hook)
        return {"description": description, "schema": event}

    def registration_body(self, hook: dict[str, Any], where: Where) -> dict[str, Any]:
        """The registration's body parameter: the callback URL field plus the trigger's own fields."""
        hooks = self.family["webhooks"]
        callback = hooks["callback"]
        url: dict[str, Any] = {"type": "string", "description": callback["description"]}
        if "notification_url_pattern" in hooks:
            url["pattern"] = hooks["notification_url_pattern"]
        url.update({"title": callback["title"], "x-ms-visibility": "internal", "x-ms-notification-url": True})
        props = {callback["field"]: url}
        required = [callback["field"]]
        extra = hook.get("body", {})
        if extra:
            extra_schema = self.object_schema(extra["properties"], (where[0], where[1] + ["body", "properties"]), body=True)
            props.update(extra_schema["properties"])
            required += extra.get("required", [])
        visible = any(p.get("x-ms-visibility") != "internal" for p in props.values())
        visibility = "important" if visible else "internal"
        schema = {"type": "object", "properties": props, "required": sorted(required) if extra else required,
                  "x-ms-visibility": visibility}
        return {"name": "body", "in": "body", "required": True, "schema": schema,
                "description": callback["body_description"], "x-ms-summary": callback["body_summary"],
                "x-ms-visibility": visibility}

    def webhooks(self, delete: Operation | None) -> list[Operation]:
        """Webhook registrations (x-ms-trigger: single) from triggers.yaml."""
        out = []
        hooks_spec = self.catalog["triggers"].get("webhooks", {})
        if hooks_spec and "webhooks" not in self.family:
            raise self._err(("triggers", ["webhooks"]), "webhook triggers need a `webhooks` section in family.yaml")
        for op_id, hook in hooks_spec.items():
            family = self.family["webhooks"]
            where = ("triggers", ["webhooks", op_id])
            if "path" in hook:
                path = hook["path"]
            elif "path" in family:
                path = family["path"].replace("{operation}", op_id)
            else:
                raise self._err(where, "a webhook trigger needs `path` (family.yaml webhooks has no default path)")
            description = " ".join(hook["description"].split())
            params = self.path_params(path, (where[0], where[1] + ["path"]))
            params.append(self.registration_body(hook, where))
            answer = self.returns_schema(hook.get("returns") or {"entity_id": True}, where) if "returns" in hook else None
            status = self.success_status("post")
            location = {"Location": {"type": "string",
                                     "description": f"URL of the {delete.operation_id if delete else 'delete'} operation for this webhook."}}
            if status == "201":
                ok = {"201": {"description": "Created - the subscription is registered; the connector's custom code "
                                             "adds the Location that deletes it.",
                              "schema": self.envelope(answer), "headers": location}}
                if ok["201"]["schema"] is None:
                    del ok["201"]["schema"]
            else:
                registered = answer or {"type": "string", "description": "ID of the new webhook.", "x-ms-summary": "Webhook ID"}
                ok = {"200": {"description": f"OK - the webhook is registered; {family['id_key']} holds its ID.",
                              "schema": self.envelope(registered)},
                      "201": {"description": "Created - the connector's custom code answers with the service's body "
                                             "(as for 200) and the URL that deletes the webhook.",
                              "headers": location}}
            form_keys = []
            if "data_key" not in family["event"] and "payload" in hook:
                form_keys = [{"key": name, "title": self._resolve_field(spec, w)["title"],
                              "description": self._resolve_field(spec, w)["description"]}
                             for name, spec, w in self.payload_fields(op_id, hook)]
            out.append(Operation(
                operation_id=op_id, method="post", path=path, summary=hook["summary"],
                description=description, visibility="important", kind="webhook", parameters=params,
                responses=self.responses(ok, family["errors"], where), consumes=["application/json"],
                notification=self.notification(op_id, hook, description), tags=hook.get("tags", []),
                form_keys=form_keys,
            ))
        return out

    def policies(self, polling: list[Operation]) -> list[dict[str, Any]]:
        """One pollingtrigger policy per polling trigger: the cursor follows the newest item's id."""
        if not polling:
            return []
        items = self.family["polling"].get("items_key")
        body = f"triggerBody().{items}" if items else "triggerBody()"
        return [{
            "templateId": "pollingtrigger",
            "title": f"{op.operation_id}PollingTriggerPolicy",
            "type": "PollingTrigger",
            "parameters": {
                "x-ms-apimTemplateParameter.triggerConfig": {op.cursor: f"@{{{body}[0].{op.id_field}}}"},
                "x-ms-apimTemplateParameter.triggerDataPath": f"@{body}",
                "x-ms-apimTemplate-operationName": [op.operation_id],
            },
        } for op in polling]

    # --- security -----------------------------------------------------------------------
    def _host_url(self, template: str) -> str:
        return template.replace("{host}", self.carrier.data["host"])

    def security_definitions(self) -> dict[str, Any]:
        """securityDefinitions: an API key header, or OAuth2 with URLs on the carrier's host."""
        sec = self.family["security"]
        if sec["type"] == "api_key":
            return {sec["name"]: {"type": "apiKey", "in": "header", "name": sec["header"]}}
        return {sec["name"]: {"type": "oauth2", "flow": "accessCode",
                              "authorizationUrl": self._host_url(sec["authorization_url"]),
                              "tokenUrl": self._host_url(sec["token_url"]),
                              "scopes": dict(sec.get("scopes", {}))}}

    def connection_parameters(self) -> dict[str, Any]:
        """apiProperties connectionParameters: the family's inputs, or the OAuth2 setting."""
        sec = self.family["security"]
        if sec["type"] == "oauth2":
            oauth = self.carrier.data.get("oauth")
            if not oauth:
                raise self.carrier.source.error([], f"family {self.catalog.family!r} signs in with OAuth2: "
                                                    "add `oauth: {client_id: ...}` (the secret never goes in the repo)")
            return {"token": {"type": "oauthSetting", "oAuthSettings": {
                "identityProvider": "oauth2",
                "clientId": oauth["client_id"],
                "scopes": list(sec.get("scopes", {})),
                "redirectMode": "Global",
                "redirectUrl": "https://global.consent.azure-apim.net/redirect",
                "properties": {"IsFirstParty": "False", "IsOnbehalfofLoginSupported": False},
                "customParameters": {
                    "authorizationUrl": {"value": self._host_url(sec["authorization_url"])},
                    "tokenUrl": {"value": self._host_url(sec["token_url"])},
                    "refreshUrl": {"value": self._host_url(sec.get("refresh_url", sec["token_url"]))},
                },
            }}}
        return {name: {"type": p["type"], "uiDefinition": {
            "displayName": p["display_name"], "description": p["description"], "tooltip": p["tooltip"],
            "constraints": {"tabIndex": 2, "clearText": False, "required": "true"}}}
            for name, p in self.family["connection_parameters"].items()}

    def connection_rows(self) -> list[dict[str, str]]:
        """The reference page's connection table: name, type, description."""
        sec = self.family["security"]
        if sec["type"] == "oauth2":
            return [{"name": "OAuth 2.0", "type": "oauthSetting",
                     "description": f"Sign in at {self._host_url(sec['authorization_url'])} and allow the connector's app."}]
        return [{"name": p["display_name"], "type": p["type"], "description": p["description"]}
                for p in self.family["connection_parameters"].values()]

    # --- the whole model ----------------------------------------------------------------
    def _webhook_routing(self, hooks: list[Operation], delete: Operation | None) -> Webhooks | None:
        if not hooks:
            return None
        ids = _PATH_PARAM.findall(delete.path)
        if not ids or not delete.path.rstrip("/").endswith("{" + ids[-1] + "}"):
            raise self._err(("actions", [delete.operation_id, "path"]),
                            "the webhook delete action's path must end with the webhook id parameter")
        at = delete.path.rindex("{" + ids[-1] + "}")
        before, after = delete.path[:at], delete.path[at + len(ids[-1]) + 2:]
        marker = before[before.rfind("}") + 1:]
        for op in hooks:
            if marker not in op.path:
                raise self._err(("triggers", ["webhooks", op.operation_id]),
                                f"registration path {op.path} does not contain {marker!r}, the part of "
                                f"{delete.path} before the id, so its Location cannot be derived")
        return Webhooks(operations=sorted(op.operation_id for op in hooks), delete_operation_id=delete.operation_id,
                        delete_path=delete.path, path_marker=marker, delete_after=after,
                        id_key=self.family["webhooks"]["id_key"])

    def build(self) -> ConnectorModel:
        actions = self.actions()
        deletes = [op for op, a in zip(actions, self.catalog["actions"].values()) if a.get("deletes_webhooks")]
        polling = self.polling()
        hooks = self.webhooks(deletes[0] if len(deletes) == 1 else None)
        if hooks and len(deletes) != 1:
            raise self._err(("actions", []), "webhook triggers need exactly one action with deletes_webhooks: true")
        ops = actions + polling + hooks
        seen: dict[tuple[str, str], str] = {}
        for op in ops:
            key = (op.path, op.method)
            if key in seen:
                raise self._err(("actions", []), f"{op.operation_id} and {seen[key]} both use {op.method.upper()} {op.path}")
            seen[key] = op.operation_id
        known = {op.operation_id for op in ops}
        for target, where in self.dynamic_refs:
            if target not in known:
                raise self._err(where, f"dropdown source {target!r} is not an operation of this catalog")
        tags = sorted({t for op in ops for t in op.tags})
        return freeze(ConnectorModel(
            carrier=self.carrier.data, family=self.family, operations=ops, definitions=self.definitions(),
            responses=self.error_responses(), policies=self.policies(polling),
            connection_parameters=self.connection_parameters(), connection_rows=self.connection_rows(),
            security_definitions=self.security_definitions(), tags=[{"name": t} for t in tags],
            files=list(self.family["files"]), webhooks=self._webhook_routing(hooks, deletes[0] if deletes else None),
            entities=self.entities,
        ))


def build_model(catalog: Catalog, carrier: Carrier) -> ConnectorModel:
    """The complete, immutable data of one connector."""
    return _Builder(catalog, carrier).build()
