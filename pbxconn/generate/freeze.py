"""Deep-freeze the model handed to templates, and thaw values that leave them as data."""

from __future__ import annotations

import dataclasses
from types import MappingProxyType
from typing import Any


def freeze(value: Any) -> Any:
    """Dicts become read-only mappings, lists tuples, dataclasses copies with frozen fields."""
    if isinstance(value, (dict, MappingProxyType)):
        return MappingProxyType({k: freeze(v) for k, v in value.items()})
    if isinstance(value, (list, tuple)):
        return tuple(freeze(v) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.replace(value, **{f.name: freeze(getattr(value, f.name))
                                             for f in dataclasses.fields(value) if f.init})
    return value


def thaw(value: Any) -> Any:
    """The plain JSON-able data of a frozen value: dicts and lists again."""
    if isinstance(value, (dict, MappingProxyType)):
        return {k: thaw(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [thaw(v) for v in value]
    return value
