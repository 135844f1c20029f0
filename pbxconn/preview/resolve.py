"""Walk a swagger document through its local `$ref`s, remembering where each value is written."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pbxconn.core.pointer import to_pointer
from pbxconn.core.refs import RefError, lookup


@dataclass(frozen=True, slots=True)
class Node:
    """A value of the document with its two addresses: `logical`, the path through the operation
    as if every `$ref` were inlined (what `pbxconn diff` reports), and `physical`, where the value
    is written (what the validator reports). `refs` are the references being expanded above it."""

    value: Any
    logical: tuple
    physical: tuple
    refs: tuple[str, ...] = ()
    written: tuple | None = None  # where the `$ref` that led here is written, when one did

    @property
    def pointers(self) -> tuple[str, ...]:
        """The logical JSON pointer, then where the reference and the value are written."""
        paths = (self.logical, self.written, self.physical)
        return tuple(dict.fromkeys(to_pointer(p) for p in paths if p is not None))

    def get(self, key: str, default: Any = None) -> Any:
        """A member of the value when it is an object."""
        return self.value.get(key, default) if isinstance(self.value, dict) else default


class Resolver:
    """Follows `$ref`s in one document; a reference met again below itself stops the expansion
    there, as the designer's parser leaves a recursive schema: an empty schema of its type."""

    def __init__(self, document: dict) -> None:
        self.document = document

    def root(self, *path: Any) -> Node:
        """The value at `path` from the document root (followed when it is a `$ref`)."""
        value: Any = self.document
        for key in path:
            value = _member(value, key)
        return self._follow(value, tuple(path), tuple(path), ())

    def child(self, node: Node, *keys: Any) -> Node:
        """The value under `keys` of `node` (an empty object when absent), `$ref`s followed."""
        value = node.value
        for key in keys:
            value = _member(value, key)
        return self._follow(value, node.logical + keys, node.physical + keys, node.refs)

    def _follow(self, value: Any, logical: tuple, physical: tuple, refs: tuple[str, ...]) -> Node:
        written = physical if isinstance(value, dict) and "$ref" in value else None
        while isinstance(value, dict) and isinstance(value.get("$ref"), str):
            ref = value["$ref"]
            try:
                target, path = lookup(self.document, ref)
            except RefError:
                return Node({}, logical, physical, refs, written)
            if ref in refs:
                kind = target.get("type") if isinstance(target, dict) else None
                return Node({"type": kind} if kind in ("object", "array") else {}, logical, path, refs, written)
            refs = refs + (ref,)
            value, physical = target, path
        return Node(value if value is not None else {}, logical, physical, refs, written)


def _member(value: Any, key: Any) -> Any:
    """`value[key]` for an object member or a list index; None when there is none."""
    if isinstance(value, dict):
        return value.get(key)
    if isinstance(value, list) and isinstance(key, int) and 0 <= key < len(value):
        return value[key]
    return None
