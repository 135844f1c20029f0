"""A small declarative shape language for JSON documents and the walk that compares a document with it.

A `Shape` says which JSON types a value may have, which members an object knows (by name, by name
pattern, or any name for a map), which values a scalar may take and the shape of array items.
`walk` yields one `Issue` per difference; rules decide what each difference is worth.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterator, Mapping

from pbxconn.core.suggest import closest
from pbxconn.validate.rules._helpers import json_type

CONTAINERS = frozenset(("object", "array"))


@dataclass(frozen=True, slots=True)
class Shape:
    """The expected form of one JSON value.

    `types`: the JSON types allowed (empty: any). For objects: `keys` (known members), `patterns`
    ((regex, shape) for member names), `values` (shape of any other member: a map), `closed`
    (other members are unknown), `required`. For scalars: `enum` (the known values) and how an
    unknown value is judged: `enum_mode` "exact", "ignore-case" (a case variant is fine) or
    "near" (only near misses of a known value are reported; the list is not exhaustive).
    For arrays: `items`.
    """

    types: tuple[str, ...] = ()
    keys: Mapping[str, "Shape"] = field(default_factory=dict)
    patterns: tuple[tuple[str, "Shape"], ...] = ()
    values: "Shape | None" = None
    closed: bool = True
    required: tuple[str, ...] = ()
    enum: tuple[Any, ...] = ()
    enum_mode: str = "exact"
    items: "Shape | None" = None
    label: str = ""  # what the value is, for messages ("a connection parameter")

    def member(self, name: str) -> "Shape | None":
        """The shape of member `name`, or None when the object does not know it."""
        known = self.keys.get(name)
        if known is not None:
            return known
        for pattern, shape in self.patterns:
            if re.fullmatch(pattern, name):
                return shape
        if self.values is not None:
            return self.values
        return None if self.closed else ANY

    def at(self, path: tuple[str, ...]) -> "Shape | None":
        """The shape at a path of member names ('[]' for array items); None where unknown."""
        shape: Shape | None = self
        for part in path:
            if shape is None:
                return None
            shape = shape.items if part == "[]" else shape.member(part)
        return shape


ANY = Shape(closed=False)


@dataclass(frozen=True, slots=True)
class Issue:
    """One difference between a document and its shape."""

    kind: str  # "unknown-key", "wrong-type", "not-allowed", "missing"
    path: tuple  # where (the member for unknown-key and missing: the holder's path + name)
    detail: Mapping[str, Any]


def suggest(word: str, known: Any) -> str | None:
    """The known name `word` most likely means: a letter-case variant, else a close spelling."""
    return closest(word, known, cutoff=0.8)


def _type_fits(actual: str, types: tuple[str, ...]) -> bool:
    return not types or actual in types or (actual == "integer" and "number" in types)


def walk(value: Any, shape: Shape, path: tuple = ()) -> Iterator[Issue]:
    """Every Issue of `value` against `shape`, depth first, in document order."""
    stack = [(value, shape, path)]
    while stack:
        value, shape, path = stack.pop()
        actual = json_type(value)
        if not _type_fits(actual, shape.types):
            yield Issue("wrong-type", path, {"expected": shape.types, "actual": actual, "label": shape.label})
            continue
        children: list[tuple[Any, Shape, tuple]] = []
        if actual == "object":
            for name in shape.required:
                if name not in value:
                    yield Issue("missing", path + (name,), {"key": name, "label": shape.label})
            for name, member in value.items():
                sub = shape.member(name)
                if sub is None:
                    yield Issue("unknown-key", path + (name,),
                                {"key": name, "label": shape.label, "suggestion": suggest(name, shape.keys)})
                elif sub is not ANY:
                    children.append((member, sub, path + (name,)))
        elif actual == "array":
            if shape.items is not None:
                children.extend((item, shape.items, path + (i,)) for i, item in enumerate(value))
        elif shape.enum and value not in shape.enum and _comparable(value, shape.enum):
            issue = _enum_issue(value, shape, path)
            if issue is not None:
                yield issue
        stack.extend(reversed(children))


def _comparable(value: Any, enum: tuple) -> bool:
    """Whether `value` is of the kind the known values are (a boolean is not judged by text values)."""
    return any(json_type(value) == json_type(known) for known in enum)


def _enum_issue(value: Any, shape: Shape, path: tuple) -> Issue | None:
    """The not-allowed Issue for a scalar outside the shape's known values, if it is one."""
    hint = suggest(value, shape.enum) if isinstance(value, str) else None
    if shape.enum_mode == "ignore-case" and hint is not None and hint.lower() == value.lower():
        return None
    if shape.enum_mode == "near" and hint is None:
        return None
    return Issue("not-allowed", path, {"value": value, "allowed": shape.enum, "suggestion": hint,
                                       "label": shape.label})
