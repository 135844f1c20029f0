"""The fields of an operation's card: its parameters, body objects flattened as the designer does."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from pbxconn.preview.model import Input
from pbxconn.preview.resolve import Node, Resolver
from pbxconn.preview.schema import (
    DYNAMIC_SCHEMA_KEYS,
    Options,
    Parent,
    Processor,
    Prop,
    decode,
    encode,
    text,
    visibility_of,
)
from pbxconn.preview.values import choices, dropdown_source, dynamic_source, shown

SCALAR_BODY_TYPES = ("boolean", "integer", "null", "number", "string")
SIMPLE_PARAMETER_TYPES = ("array", "boolean", "file", "integer", "number", "string")
FORM_TYPES = ("boolean", "integer", "number", "string")


def inputs_of(resolver: Resolver, path_item: Node, operation: Node) -> tuple[Input, ...]:
    """Every input of an operation (internal ones included), in the designer's order."""
    out: dict[str, Input] = {}
    for node in sorted(_parameters(resolver, path_item, operation), key=_rank):
        for item in _inputs(resolver, node):
            if not _reserved(item):
                out[item.key] = item
    return tuple(out.values())


def parameter_pointers(resolver: Resolver, path_item: Node, operation: Node) -> tuple[str, ...]:
    """Where an operation's parameters are written (a `$ref`'d one also in `parameters`): issues
    about a parameter as a whole go to its card."""
    out: dict[str, None] = {}
    for node in _parameters(resolver, path_item, operation):
        out.update(dict.fromkeys(node.pointers))
    return tuple(out)


def _parameters(resolver: Resolver, path_item: Node, operation: Node) -> list[Node]:
    """The operation's parameters, then the path item's that it does not redefine (by name)."""
    own = _listed(resolver, operation)
    names = {str(n.value.get("name", "")).lower() for n in own}
    shared = [n for n in _listed(resolver, path_item) if str(n.value.get("name", "")).lower() not in names]
    return own + shared


def _listed(resolver: Resolver, holder: Node) -> list[Node]:
    raw = holder.get("parameters")
    if not isinstance(raw, list):
        return []
    nodes = [resolver.child(holder, "parameters", i) for i in range(len(raw))]
    return [n for n in nodes if isinstance(n.value, dict)]


def _rank(node: Node) -> int:
    """Required parameters first, then important, normal and advanced ones (stable)."""
    if node.value.get("required") is True:
        return 0
    return {"important": 1, "advanced": 3}.get(visibility_of(node.value), 2)


def _reserved(item: Input) -> bool:
    """The connection id the platform fills in, which the designer leaves out."""
    return (item.name.lower() == "connectionid" and item.required and item.location == "path"
            and item.visibility == "internal" and item.type.startswith("string"))


def _inputs(resolver: Resolver, node: Node) -> list[Input]:
    param = node.value
    location = param.get("in")
    kind = param.get("type")
    if location == "body":
        found = _body(resolver, node)
        if visibility_of(param) == "internal":
            found = [_internal(i) for i in found]
        return found
    if location == "formData":
        if kind == "file":
            return _file(node)
        return [_scalar(node)] if kind in FORM_TYPES else []
    if location in ("header", "path", "query") and kind in SIMPLE_PARAMETER_TYPES:
        return [_scalar(node)]
    return []


def _body(resolver: Resolver, node: Node) -> list[Input]:
    param = node.value
    schema = resolver.child(node, "schema")
    value = schema.value if isinstance(schema.value, dict) else {}
    kind = value.get("type")
    name = param.get("name") if isinstance(param.get("name"), str) else ""
    required = param.get("required") if isinstance(param.get("required"), bool) else None
    if kind == "array":
        options = Options(is_input=True, prefix=encode(name) if name else None, key_prefix="body.$",
                          exclude_internal=False, parent=Parent(visibility_of(param)), required=required)
        return [_from_prop(p, name) for p in Processor(resolver, options).properties(schema)]
    if kind in SCALAR_BODY_TYPES:
        return [_from_schema(node, schema, kind)]
    if kind == "object":
        dynamic = any(k in value for k in DYNAMIC_SCHEMA_KEYS)
        found: list[Input] = []
        if value.get("properties") or dynamic:
            options = Options(is_input=True, prefix=encode(name) if dynamic else None, key_prefix="body.$",
                              exclude_internal=False, required=required)
            found = [_from_prop(p, name) for p in Processor(resolver, options).properties(schema)]
        return found or [_from_schema(node, schema, kind)]
    return [_from_schema(node, schema, "any")]


def _scalar(node: Node, key: str | None = None) -> Input:
    param = node.value
    name = str(param.get("name", ""))
    required = param.get("required") is True
    return Input(
        key=key or f"{param.get('in')}.$.{encode(name)}",
        title=text(param.get("x-ms-summary")) or name,
        name=name,
        location=str(param.get("in", "")),
        type=_type(param),
        required=required,
        visibility=visibility_of(param),
        description=_description(param),
        default=shown(param["default"]) if "default" in param else None,
        choices=choices(param, required),
        dropdown_from=dropdown_source(param),
        pointers=node.pointers,
    )


def _from_schema(node: Node, schema: Node, kind: str) -> Input:
    """A body parameter shown as one field: the parameter's title, the schema's value rules."""
    base = _scalar(node, key="body.$")
    value = schema.value if isinstance(schema.value, dict) else {}
    fields_from = next((dynamic_source(value[k]) or "?" for k in DYNAMIC_SCHEMA_KEYS if k in value), "")
    return Input(
        key=base.key, title=base.title, name=base.name, location="body",
        type=_type({**value, "type": kind}), required=base.required,
        visibility=visibility_of(value) or base.visibility,
        description=base.description or _description(value),
        default=shown(value["default"]) if "default" in value else None,
        choices=choices(value, base.required),
        dropdown_from=base.dropdown_from or dropdown_source(value),
        fields_from=fields_from,
        pointers=base.pointers + tuple(p for p in schema.pointers if p not in base.pointers),
    )


def _from_prop(prop: Prop, parameter: str) -> Input:
    schema = prop.schema
    required = bool(prop.required)
    segment = prop.key.rsplit(".", 1)[-1]
    return Input(
        key=prop.key,
        title=prop.title,
        name=parameter if prop.key == "body.$" else decode(segment),
        location="body",
        type=_type(schema),
        required=required,
        visibility=prop.visibility,
        description=_description(schema),
        default=shown(schema["default"]) if "default" in schema else None,
        choices=choices(schema, required),
        dropdown_from=dropdown_source(schema),
        fields_from=next((dynamic_source(schema[k]) or "?" for k in DYNAMIC_SCHEMA_KEYS if k in schema), ""),
        pointers=prop.node.pointers,
    )


def _file(node: Node) -> list[Input]:
    """A formData file: its content, and (unless `x-ms-format: contentOnly`) its file name."""
    param = node.value
    name = str(param.get("name", ""))
    if '"' in name or "@" in name:
        return []
    content = _scalar(node, key=f"formData.$.{encode(name)}.$content")
    if param.get("x-ms-format") == "contentOnly":
        return [content]
    file_name = Input(
        key=f"formData.$.{encode(name)}.$filename", title=f"{content.title} (file name)", name=name,
        location="formData", type="string", required=False, visibility="", pointers=node.pointers)
    return [content, file_name]


def _internal(item: Input) -> Input:
    return replace(item, visibility="internal")


def _type(schema: dict[str, Any]) -> str:
    kind = schema.get("type")
    shown_kind = kind if isinstance(kind, str) and kind else "any"
    fmt = schema.get("format")
    return f"{shown_kind} ({fmt})" if isinstance(fmt, str) and fmt else shown_kind


def _description(schema: dict[str, Any]) -> str:
    value = schema.get("description")
    return value if isinstance(value, str) else ""
