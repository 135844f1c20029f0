"""Rows of the reference page's Parameters and Returns tables, read from the operation data."""

from __future__ import annotations

import re
from typing import Any, Iterator

from pbxconn.generate.model import Operation


def anchor(text: str) -> str:
    """GitHub-style heading anchor: 'Get Call History' -> 'get-call-history'."""
    return re.sub(r"[^a-z0-9 -]", "", text.lower()).strip().replace(" ", "-")


def _type(schema: dict[str, Any], definitions: dict[str, Any]) -> str:
    schema = _resolve(schema, definitions)
    if schema.get("type") == "array":
        items = _resolve(schema.get("items", {}), definitions)
        return f"array of {items.get('type', 'object')}"
    return schema.get("type", "object")


def _resolve(schema: dict[str, Any], definitions: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref", "")
    if ref.startswith("#/definitions/"):
        return definitions[ref.rsplit("/", 1)[1]]
    return schema


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def parameter_rows(op: Operation) -> list[dict[str, str]]:
    """Visible inputs of an operation (body properties expanded), as the reference page lists them."""
    rows = []
    for p in op.parameters:
        if p.get("x-ms-visibility") == "internal":
            continue
        if p["in"] == "body":
            schema = p["schema"]
            required = set(schema.get("required", []))
            for key, prop in schema.get("properties", {}).items():
                if prop.get("x-ms-visibility") == "internal":
                    continue
                rows.append({"name": _cell(prop.get("x-ms-summary", prop.get("title", key))), "key": key,
                             "required": str(key in required), "type": prop.get("type", "object"),
                             "description": _cell(prop.get("description", ""))})
            continue
        rows.append({"name": _cell(p.get("x-ms-summary", p["name"])), "key": p["name"],
                     "required": str(p.get("required", False)), "type": p.get("type", "string"),
                     "description": _cell(p.get("description", ""))})
    return rows


def _walk(schema: dict[str, Any], definitions: dict[str, Any], prefix: str, depth: int = 0) -> Iterator[dict[str, str]]:
    schema = _resolve(schema, definitions)
    if schema.get("type") == "array":
        schema = _resolve(schema.get("items", {}), definitions)
    for key, prop in schema.get("properties", {}).items():
        path = f"{prefix}{key}"
        resolved = _resolve(prop, definitions)
        yield {"name": _cell(prop.get("x-ms-summary", resolved.get("x-ms-summary", key))), "path": path,
               "type": _type(prop, definitions), "description": _cell(prop.get("description", resolved.get("description", "")))}
        if depth < 3 and (resolved.get("type") in ("object", "array")):
            yield from _walk(resolved, definitions, path + ".", depth + 1)


def return_rows(op: Operation, definitions: dict[str, Any]) -> list[dict[str, str]]:
    """Outputs of an operation: the event payload for webhook triggers, else the 200 body."""
    if op.notification:
        schema = op.notification["schema"]
    else:
        schema = op.responses.get("200", {}).get("schema", {})
    return list(_walk(schema, definitions, ""))
