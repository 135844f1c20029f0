"""Items as the service answers them: every field of the kind, of the kind's type, defaults filled in."""

from __future__ import annotations

import json
from typing import Any, Mapping

from pbxconn.sandbox.extension.declare import NO_DEFAULT, Field, Kind


def coerce(value: Any, spec: Field, kinds: Mapping[str, Kind]) -> Any:
    """`value` in the field's answer type. The reference types a few fields differently in requests
    and answers (an agent's status is sent as a string and answered as an object; some IVR digit
    counts are sent as integers and answered as strings); the service converts, and so do we."""
    kind = spec.type
    if kind == "string":
        return value if isinstance(value, str) else json.dumps(value) if isinstance(value, (dict, list)) else str(value)
    if kind == "integer":
        if isinstance(value, bool):
            return int(value)
        return value if isinstance(value, int) else _to_int(value)
    if kind == "boolean":
        return value if isinstance(value, bool) else bool(value)
    if kind == "object":
        return value if isinstance(value, dict) else {"name": value}
    if kind == "array":
        items = value if isinstance(value, list) else [value]
        if spec.items in kinds:
            return [answer(item, kinds[spec.items], kinds) if isinstance(item, dict) else item for item in items]
        item_spec = Field(spec.items or "string")
        return [coerce(item, item_spec, kinds) for item in items]
    return value


def _to_int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def answer(item: Mapping[str, Any], kind: Kind, kinds: Mapping[str, Kind]) -> dict[str, Any]:
    """The item with exactly the kind's fields, in the kind's order, each of the answer type."""
    out: dict[str, Any] = {}
    for name, spec in kind.fields.items():
        if name in item and item[name] is not None:
            out[name] = coerce(item[name], spec, kinds)
        elif spec.default is not NO_DEFAULT:
            out[name] = coerce(spec.default, spec, kinds)
    return out


def with_defaults(values: Mapping[str, Any], accepted: Mapping[str, Field]) -> dict[str, Any]:
    """A create's values plus the defaults of the accepted fields it left out."""
    out = {name: spec.default for name, spec in accepted.items() if spec.default is not NO_DEFAULT and name not in values}
    out.update(values)
    return out
