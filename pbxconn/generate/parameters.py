"""Parameters of an operation: shared path parameters, query filters, JSON and form bodies."""

from __future__ import annotations

from typing import Any

from pbxconn.generate.schemas import PATH_PARAM, CatalogSchemas, Where, constraints


def shared_param(s: CatalogSchemas, name: str, where: Where) -> dict[str, Any]:
    """A parameters.yaml entry (checked to exist)."""
    if name not in s.params:
        known = ", ".join(s.params)
        raise s.err(where, f"unknown parameter {name!r} (known: {known})")
    return s.params[name]


def param_tail(s: CatalogSchemas, p: dict[str, Any], where: Where) -> dict[str, Any]:
    """The keys after name/in/required/type: format, enum, default, items, texts, dropdown."""
    out = constraints(p)
    if p["type"] == "array":
        out["items"] = s.items(p["items"], where)
        out["collectionFormat"] = p.get("collection_format", "csv")
    out.update({"description": p["description"], "x-ms-summary": p["summary"]})
    if "dynamic" in p:
        s.dynamic_refs.append((p["dynamic"]["operation"], where))
        out["x-ms-dynamic-values"] = {"operationId": p["dynamic"]["operation"],
                                      "value-path": p["dynamic"]["value_path"],
                                      "value-title": p["dynamic"].get("title_path", p["dynamic"]["value_path"])}
    return out


def query_param(s: CatalogSchemas, entry: Any, where: Where) -> dict[str, Any]:
    """A query parameter: a shared name, or {name: spec} written inline; optional and prominent unless said."""
    if isinstance(entry, str):
        name, p = entry, shared_param(s, entry, where)
    else:
        (name, p), = entry.items()
        where = (where[0], where[1] + [name])
    out = {"name": name, "in": "query", "required": p.get("required", False), "type": p["type"]}
    out.update(param_tail(s, p, where))
    out["x-ms-visibility"] = p.get("visibility", "important")
    return out


def path_params(s: CatalogSchemas, path: str, where: Where) -> list[dict[str, Any]]:
    """Required, single-encoded path parameters named in the path template."""
    out = []
    for name in PATH_PARAM.findall(path):
        p = shared_param(s, name, where)
        param = {"name": name, "in": "path", "required": True, "type": p["type"]}
        tail = param_tail(s, p, where)
        dynamic = tail.pop("x-ms-dynamic-values", None)
        param.update(tail)
        param["x-ms-url-encoding"] = "single"
        if dynamic:
            param["x-ms-dynamic-values"] = dynamic
        out.append(param)
    return out


def body_param(s: CatalogSchemas, body: dict[str, Any], where: Where) -> dict[str, Any]:
    """The JSON body parameter of an action."""
    schema = s.object_schema(body["properties"], (where[0], where[1] + ["properties"]), body=True)
    missing = [r for r in body.get("required", []) if r not in body["properties"]]
    if missing:
        raise s.err((where[0], where[1] + ["required"]), f"required names unknown properties: {', '.join(missing)}")
    if body.get("required"):
        schema["required"] = sorted(body["required"])
    if s.family.get("closed_bodies"):
        schema["additionalProperties"] = False
    schema["x-ms-visibility"] = body.get("visibility", "important")
    return {"name": "body", "in": "body", "required": True, "schema": schema,
            "description": body["description"], "x-ms-summary": body["summary"],
            "x-ms-visibility": body.get("visibility", "important")}


def form_params(s: CatalogSchemas, form: dict[str, Any], where: Where) -> list[dict[str, Any]]:
    """formData parameters of a multipart upload."""
    out = []
    required = set(form.get("required", []))
    for name, spec in form["properties"].items():
        spec = s.resolve_field(spec, (where[0], where[1] + ["properties", name]))
        param = {"name": name, "in": "formData", "required": name in required, "type": spec["type"],
                 **constraints(spec)}
        param.update({"description": spec["description"], "x-ms-summary": spec["title"],
                      "x-ms-visibility": spec.get("visibility", "important")})
        out.append(param)
    return out
