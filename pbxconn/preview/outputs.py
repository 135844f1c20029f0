"""The dynamic-content tokens an operation offers, named and ordered as the designer names them."""

from __future__ import annotations

from pbxconn.preview.model import Token
from pbxconn.preview.resolve import Node, Resolver
from pbxconn.preview.schema import BODY_NAME, DYNAMIC_SCHEMA_KEYS, Options, Processor, Prop, encode, visibility_of
from pbxconn.preview.values import dynamic_source


def response_of(resolver: Resolver, operation: Node, notification: Node | None) -> Node | None:
    """The response the designer reads outputs from: a webhook's notification content, else the
    only response when it is 2xx or default, else 200, 201 or default."""
    if notification is not None:
        return notification
    responses = resolver.child(operation, "responses")
    codes = [c for c in responses.value] if isinstance(responses.value, dict) else []
    if len(codes) == 1 and (codes[0] == "default" or str(codes[0]).startswith("2")):
        return resolver.child(responses, codes[0])
    for code in ("200", "201", "default"):
        if code in codes:
            return resolver.child(responses, code)
    return None


def tokens_of(resolver: Resolver, operation: Node, response: Node | None,
              batch: bool) -> tuple[tuple[Token, ...], str]:
    """(tokens, title of the array a batch trigger splits on, or ''). Without a response the
    designer still offers the body, as one token."""
    if response is None:
        response = resolver.child(operation, "responses", "200")
    schema = resolver.child(response, "schema")
    props: dict[str, Prop] = {}
    for prop in _processor(resolver).properties(schema):
        props[f"body.{prop.key}"] = prop
    headers = resolver.child(response, "headers")
    for name in headers.value if isinstance(headers.value, dict) else ():
        header = resolver.child(headers, name)
        for prop in _processor(resolver, key_prefix=f"$.{encode(name)}").properties(header):
            props[f"header.{prop.key}"] = prop
    split_title = ""
    if batch:
        path = split_path(resolver, schema)
        if path is not None:
            split_title = _split(props, path)
    return tuple(_token(key, prop) for key, prop in props.items()), split_title


def split_path(resolver: Resolver, schema: Node) -> tuple[str, ...] | None:
    """Where a batch trigger's items are: () for an array body, the names down a chain of objects
    with one non-internal property each to an array, or None (the designer does not split)."""
    value = schema.value if isinstance(schema.value, dict) else {}
    if value.get("type") == "array":
        return ()
    if value.get("type") == "object":
        properties = value.get("properties") if isinstance(value.get("properties"), dict) else {}
        keys = [k for k in properties
                if visibility_of(resolver.child(schema, "properties", k).value) != "internal"]
        if len(keys) == 1:
            inner = split_path(resolver, resolver.child(schema, "properties", keys[0]))
            return None if inner is None else (keys[0],) + inner
    return None


def _split(props: dict[str, Prop], path: tuple[str, ...]) -> str:
    """Apply splitOn: the split array's own token goes, its items stop needing "Apply to each"."""
    array = ".".join(encode(p) for p in path) if path else None
    title = "Body"
    for key, prop in list(props.items()):
        inside = (prop.in_array and array is None and prop.parent_array == BODY_NAME) or (
            array is not None and prop.parent_array == array)
        if inside:
            prop.in_array = False
        if array is not None and key == f"body.$.{array}":
            title = prop.title
            del props[key]
    return title


def _processor(resolver: Resolver, key_prefix: str | None = None) -> Processor:
    return Processor(resolver, Options(expand_arrays=True, include_parent=True, exclude_internal=True,
                                       required=True, key_prefix=key_prefix))


def _token(key: str, prop: Prop) -> Token:
    schema = prop.schema
    kind = prop.type
    if isinstance(schema.get("format"), str) and schema["format"]:
        kind = f"{kind} ({schema['format']})"
    fields_from = next((dynamic_source(schema[k]) for k in DYNAMIC_SCHEMA_KEYS if k in schema), "")
    description = schema.get("description")
    return Token(
        key=key,
        title=prop.title,
        type=kind,
        description=description if isinstance(description, str) else "",
        advanced=prop.visibility == "advanced",
        in_array=prop.in_array,
        fields_from=fields_from,
        pointers=prop.node.pointers,
    )
