"""Local `$ref` resolution for Swagger documents (`#/definitions/...`, `#/parameters/...`)."""

from __future__ import annotations

from typing import Any

from pbxconn.core.pointer import from_pointer


class RefError(ValueError):
    """A `$ref` that cannot be followed (external, missing target, or a cycle)."""


def is_index(part: str) -> bool:
    """A JSON Pointer array index: ASCII digits only ('²' and '٣' are digits to str.isdigit, not indices)."""
    return part.isascii() and part.isdigit()


def lookup(document: Any, ref: str) -> tuple[Any, tuple[str, ...]]:
    """Follow one local `$ref` ('#/a/b'); return the target and its path."""
    if not isinstance(ref, str) or not ref.startswith("#"):
        raise RefError(f"only local references are supported: {ref!r}")
    try:
        path = from_pointer(ref[1:])
    except ValueError as exc:
        raise RefError(str(exc)) from None
    node = document
    for part in path:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and is_index(part) and int(part) < len(node):
            node = node[int(part)]
        else:
            raise RefError(f"$ref target does not exist: {ref}")
    return node, path


def follow(document: Any, node: Any) -> tuple[Any, tuple[str, ...] | None]:
    """Follow a chain of `$ref`s starting at `node`; return (target, path of the last target or None)."""
    seen: set[str] = set()
    path = None
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        if ref in seen:
            raise RefError(f"$ref cycle through {ref}")
        seen.add(ref)
        node, path = lookup(document, ref)
    return node, path


_WHOLE = object()


def inline(document: Any, node: Any = _WHOLE, _stack: tuple[str, ...] = ()) -> Any:
    """Return a copy of `node` (default: the whole document) with every local `$ref` replaced by
    its target. A recursive reference is left as a `{"$ref": ...}` at the point where it recurs."""
    if node is _WHOLE:
        node = document
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            if ref in _stack:
                return {"$ref": ref}
            try:
                target, _ = lookup(document, ref)
            except RefError:
                return dict(node)
            return inline(document, target, _stack + (ref,))
        return {k: inline(document, v, _stack) for k, v in node.items()}
    if isinstance(node, list):
        return [inline(document, v, _stack) for v in node]
    return node
