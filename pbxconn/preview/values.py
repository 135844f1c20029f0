"""What a field's dropdown offers and what its default reads, as the designer shows them."""

from __future__ import annotations

import json
from typing import Any

from pbxconn.preview.model import Choice

DYNAMIC_VALUE_KEYS = ("x-ms-dynamic-values", "x-ms-dynamic-list", "x-ms-dynamic-tree")


def shown(value: Any) -> str:
    """A JSON value as the designer's text box shows it: strings as they are, the rest as JSON."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def choices(schema: dict, required: bool) -> tuple[Choice, ...]:
    """The dropdown of an enum (named by `x-ms-enum-values`, else by x-ms-editor-options items,
    else by the values), or Yes/No for a boolean; () for a free field."""
    values = schema.get("enum")
    if isinstance(values, list):
        named = schema.get("x-ms-enum-values")
        if isinstance(named, list) and named:
            return tuple(Choice(shown(e.get("value")), shown(e.get("displayName", e.get("value"))))
                         for e in named if isinstance(e, dict))
        options = schema.get("x-ms-editor-options")
        items = options.get("items") if isinstance(options, dict) else None
        if isinstance(items, list) and items:
            return tuple(Choice(shown(e.get("value")), shown(e.get("title", e.get("value"))))
                         for e in items if isinstance(e, dict))
        return tuple(Choice(shown(v), "" if v is None else shown(v)) for v in values)
    if schema.get("type") == "boolean":
        yes_no = (Choice("true", "Yes"), Choice("false", "No"))
        return yes_no if required else (Choice("", ""),) + yes_no
    return ()


def dynamic_source(extension: Any) -> str:
    """The operation a dynamic extension calls (`operationId`, a tree's `open.operationId`, or a
    built-in operation), '' when it names none."""
    if not isinstance(extension, dict):
        return ""
    for holder in (extension, extension.get("open"), extension.get("browse")):
        if isinstance(holder, dict):
            for key in ("operationId", "builtInOperation"):
                if isinstance(holder.get(key), str) and holder[key]:
                    return holder[key]
    return ""


def dropdown_source(schema: dict) -> str:
    """The operation that fills a field's dropdown: x-ms-dynamic-values, -list or -tree on the
    field or on its items (in the designer's order of preference)."""
    items = schema.get("items") if isinstance(schema.get("items"), dict) else {}
    for key in DYNAMIC_VALUE_KEYS:
        extension = schema.get(key, items.get(key))
        if extension is not None:
            return dynamic_source(extension) or "?"
    return ""
