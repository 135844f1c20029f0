"""RFC 6901 JSON pointers <-> path tuples."""

from __future__ import annotations

from typing import Iterable


def to_pointer(path: Iterable[str | int]) -> str:
    """('paths', '/a/b', 'get') -> '/paths/~1a~1b/get'."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def from_pointer(pointer: str) -> tuple[str, ...]:
    """'/paths/~1a~1b/get' -> ('paths', '/a/b', 'get'); segments stay strings."""
    if not pointer:
        return ()
    if not pointer.startswith("/"):
        raise ValueError(f"JSON pointer must start with '/': {pointer!r}")
    return tuple(s.replace("~1", "/").replace("~0", "~") for s in pointer[1:].split("/"))
