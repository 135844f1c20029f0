"""Request values checked the way the service checks them: path ids, query values, JSON bodies.

Every problem is an ApiError 400 with a message naming the value; nothing here raises anything else.
"""

from __future__ import annotations

import json
import re
from typing import Any, Iterable, Mapping

from pbxconn.sandbox.extension.declare import Field
from pbxconn.sandbox.extension.errors import ApiError

_INTEGER = re.compile(r"-?[0-9]+")
_STORABLE = 2**63 - 1  # the largest id SQLite can hold; larger ones name nothing
_TRUE, _FALSE = frozenset({"true", "1"}), frozenset({"false", "0"})
_JSON_TYPES: dict[str, tuple[type, ...]] = {"string": (str,), "integer": (int,), "boolean": (bool,),
                                            "object": (dict,), "array": (list,)}


def bad(message: str) -> ApiError:
    """A 400 answer for a malformed request value."""
    return ApiError(400, "bad_request", message)


def integer(name: str, raw: str) -> int:
    """A path or query integer: ASCII digits with an optional minus sign."""
    if not _INTEGER.fullmatch(raw):
        raise bad(f"{name} must be an integer, not {raw[:40]!r}")
    try:
        return int(raw)
    except ValueError:  # longer than Python converts (thousands of digits)
        raise bad(f"{name} has too many digits") from None


def path_values(raw: Mapping[str, str], types: Mapping[str, str]) -> dict[str, Any]:
    """Path parameters with the types the endpoint declares; an id that is not an integer names
    nothing, so it is a 404 like any id that does not exist."""
    out: dict[str, Any] = {}
    for name, value in raw.items():
        if types.get(name) == "integer":
            if not _INTEGER.fullmatch(value) or len(value) > 20 or abs(int(value)) > _STORABLE:
                raise ApiError(404, "not_found", f"no item has the {name} {value!r}")
            out[name] = int(value)
        else:
            out[name] = value
    return out


def _scalar(name: str, raw: str, spec: Field | str) -> Any:
    kind = spec if isinstance(spec, str) else spec.type
    if kind == "integer":
        value: Any = integer(name, raw)
    elif kind == "boolean":
        if raw.lower() not in _TRUE | _FALSE:
            raise bad(f"{name} must be true or false, not {raw!r}")
        value = raw.lower() in _TRUE
    else:
        value = raw
    if isinstance(spec, Field) and spec.enum is not None and value not in spec.enum:
        raise bad(f"{name} must be one of {', '.join(map(str, spec.enum))}, not {raw!r}")
    return value


def query_values(pairs: Iterable[tuple[str, str]], declared: Mapping[str, Field]) -> dict[str, Any]:
    """The declared query parameters, typed; arrays repeat their key. Undeclared ones are ignored,
    as the service ignores them."""
    out: dict[str, Any] = {}
    for name, raw in pairs:
        spec = declared.get(name)
        if spec is None:
            continue
        if spec.type == "array":
            out.setdefault(name, []).append(_scalar(name, raw, spec.items or "string"))
        elif name in out:
            raise bad(f"query parameter {name} is given more than once")
        else:
            out[name] = _scalar(name, raw, spec)
    return out


def json_body(raw: bytes) -> Any:
    """The parsed JSON of a request body; 400 when it is not JSON."""
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise bad("the request body is not valid JSON") from None


def check_value(name: str, value: Any, spec: Field, known_kinds: Mapping[str, Any]) -> None:
    """Raise 400 unless `value` has the field's JSON type (and is one of its values)."""
    wanted = _JSON_TYPES.get(spec.type)
    if wanted is None:
        raise bad(f"{name} cannot be sent as JSON")
    if not isinstance(value, wanted) or (spec.type == "integer" and isinstance(value, bool)):
        raise bad(f"{name} must be {'an' if spec.type[0] in 'aeiou' else 'a'} {spec.type}, not {json.dumps(value)[:40]}")
    if spec.enum is not None and value not in spec.enum:
        raise bad(f"{name} must be one of {', '.join(map(str, spec.enum))}")
    if spec.type == "array":
        item_type = spec.items or "string"
        item_spec = Field("object" if item_type in known_kinds else item_type)
        for i, item in enumerate(value):
            check_value(f"{name}[{i}]", item, item_spec, known_kinds)


def body_values(body: Any, accepted: Mapping[str, Field], required: Iterable[str],
                known_kinds: Mapping[str, Any]) -> dict[str, Any]:
    """A JSON object body: only accepted keys, each of its type, the required ones present."""
    if not isinstance(body, dict):
        raise bad("the request body must be a JSON object")
    unknown = sorted(set(body) - set(accepted))
    if unknown:
        raise bad(f"unknown field {unknown[0]!r}")
    missing = sorted(name for name in required if name not in body)
    if missing:
        raise bad(f"{missing[0]} is required")
    for name, value in body.items():
        check_value(name, value, accepted[name], known_kinds)
    return dict(body)
