"""Schemas and responses of a catalog family: every field written once, composed here.

What differs between families (envelope, success codes, errors and their headers) comes from the
family's family.yaml. Cross-references (entity names, `same_as`, parameter names) are checked with
the catalog file and line of the bad reference.
"""

from __future__ import annotations

import re
from typing import Any

from pbxconn.core.errors import InputError
from pbxconn.generate.inputs import Carrier, Catalog

PATH_PARAM = re.compile(r"\{([^}]+)\}")
_OK_TEXT = {"200": "OK", "201": "Created", "202": "Accepted", "204": "No Content"}

Where = tuple[str, list]


def pascal(name: str) -> str:
    """contact_id -> ContactId; voip_endpoint -> VoipEndpoint."""
    return "".join(part[:1].upper() + part[1:] for part in name.split("_"))


def constraints(spec: dict[str, Any]) -> dict[str, Any]:
    """The format, enum, default and pattern of a catalog field or parameter, in Swagger's key order."""
    out: dict[str, Any] = {}
    for key in ("format", "enum", "default", "pattern"):
        if key in spec:
            out[key] = list(spec[key]) if key == "enum" else spec[key]
    return out


def _error_name(text: str) -> str:
    """'Too Many Requests - ...' -> 'TooManyRequests'."""
    return "".join(w[:1].upper() + w[1:] for w in text.split(" - ")[0].split())


class CatalogSchemas:
    """Schemas and responses of one catalog family for one carrier, with file:line errors."""

    def __init__(self, catalog: Catalog, carrier: Carrier) -> None:
        self.catalog = catalog
        self.carrier = carrier
        self.family = catalog["family"]
        self.entities = catalog["entities"]
        self.params = catalog["parameters"]
        self.error_refs = {status: _error_name(text) for status, text in self.family["errors"].items()}
        self.dynamic_refs: list[tuple[str, Where]] = []

    def err(self, where: Where, message: str) -> InputError:
        """An input error at `where` (catalog file, key path)."""
        file, keypath = where
        return self.catalog.sources[file].error(keypath, message)

    # --- fields and schemas -------------------------------------------------------------
    def resolve_field(self, spec: dict[str, Any], where: Where) -> dict[str, Any]:
        seen = []
        while "same_as" in spec:
            target = spec["same_as"]
            if target in seen:
                raise self.err(where, f"same_as cycle through {target}")
            seen.append(target)
            entity, _, name = target.partition(".")
            base = self.entities.get(entity, {}).get("fields", {}).get(name)
            if base is None:
                raise self.err(where, f"same_as {target!r}: no field {name!r} in entity {entity!r}")
            overrides = {k: v for k, v in spec.items() if k != "same_as"}
            spec = {**base, **overrides}
        return spec

    def items(self, items: Any, where: Where) -> dict[str, Any]:
        """An array's `items`: an entity reference, inline properties, or a scalar type."""
        if isinstance(items, str):
            return {"$ref": f"#/definitions/{self.definition_name(items, where)}"}
        if "properties" in items:
            return self.object_schema(items["properties"], (where[0], where[1] + ["items", "properties"]))
        return {"type": items["type"], **constraints(items)}

    def field_schema(self, spec: dict[str, Any], where: Where, *, body: bool = False) -> dict[str, Any]:
        """Swagger schema of one catalog field."""
        spec = self.resolve_field(spec, where)
        out: dict[str, Any] = {"type": spec["type"], **constraints(spec)}
        if spec["type"] == "array":
            items = spec.get("items")
            if items is None:
                raise self.err(where, "an array field needs `items`")
            out["items"] = self.items(items, where)
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
            raise self.err(where, f"unknown entity {entity!r} (known: {known})")
        return pascal(entity)

    def definitions(self) -> dict[str, Any]:
        """One definition per entity."""
        out = {}
        for name, entity in self.entities.items():
            schema = self.object_schema(entity["fields"], ("entities", [name, "fields"]))
            id_field = entity.get("id_field")
            if id_field is not None and id_field not in entity["fields"]:
                raise self.err(("entities", [name, "id_field"]), f"id_field {id_field!r} is not a field of {name!r}")
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
                raise self.err(where, f"error status {status} is not described in family.yaml errors")
            out[status] = {"$ref": f"#/responses/{self.error_refs[status]}"}
        return out
