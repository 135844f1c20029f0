"""How the emulator describes the service it plays: fields, resource kinds and endpoints.

This is the emulator's own reading of the extension PBX reference, written by hand: it never
reads the generator's catalog or a connector spec, so contract tests compare two independent
descriptions of the API.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

NO_DEFAULT: Any = object()


@dataclass(frozen=True)
class Field:
    """One value the service accepts or answers.

    type:  "string" | "integer" | "boolean" | "object" | "array" | "file"
    items: for arrays, "string" | "integer" | "boolean" | "object" or the name of a Kind
    enum:  the allowed values, when the reference lists them
    default: what the service stores when a create leaves the field out (NO_DEFAULT: nothing)
    """

    type: str
    items: str | None = None
    enum: tuple[Any, ...] | None = None
    default: Any = NO_DEFAULT


def F(type: str, *, items: str | None = None, enum: tuple[Any, ...] | list[Any] | None = None,
      default: Any = NO_DEFAULT) -> Field:
    """Shorthand for a Field."""
    return Field(type, items, tuple(enum) if enum is not None else None, default)


def without_defaults(fields: dict[str, Field]) -> dict[str, Field]:
    """The same fields with no defaults: what a PUT accepts when it takes what the POST takes (a partial
    update must not reset what it leaves out)."""
    return {name: Field(spec.type, spec.items, spec.enum) for name, spec in fields.items()}


@dataclass(frozen=True)
class Kind:
    """A kind of resource: the fields the service answers with, and what create/update accept.

    fields:   the resource as answered (every key, in the reference's order)
    create:   JSON fields a POST accepts; `required` must be present
    update:   JSON fields a PUT accepts (usually all optional); `update_required` must be present
    id_field: the key holding the item's id, when items are addressed by id
    """

    name: str
    fields: dict[str, Field]
    create: dict[str, Field] = field(default_factory=dict)
    required: frozenset[str] = frozenset()
    update: dict[str, Field] = field(default_factory=dict)
    update_required: frozenset[str] = frozenset()
    id_field: str | None = None


@dataclass(frozen=True)
class Endpoint:
    """One method + path of the API and how the emulator serves it.

    handler: what the request does (see app.HANDLERS): "list", "create", "get", "update",
             "delete", "delete_all", "settings_get", "settings_put", or a special name
             ("callback", "current_calls", "event_subscribe", "file", "storage_url", ...)
    kind:    the Kind it works on (None for handlers that need none)
    path:    as in the reference, e.g. "/extension/{extension_id}/agent/{agent_id}"
    path_types: the type of each path parameter ("string" or "integer")
    query:   the query parameters it reads, with their types
    form:    multipart form fields (the fax upload)
    access:  "call" when an app with "Call API" access may use it, "all" when it needs "All"
    """

    method: str
    path: str
    handler: str
    kind: str | None = None
    path_types: dict[str, str] = field(default_factory=dict)
    query: dict[str, Field] = field(default_factory=dict)
    form: dict[str, Field] = field(default_factory=dict)
    access: str = "all"
