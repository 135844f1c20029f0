"""The connector model templates see: operations, schemas, policies, security, webhook routing.

Everything here is data (dicts in a deliberate key order); templates only lay it out. It is
built by `assemble.build_model` and frozen before any template sees it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Operation:
    """One swagger operation, ready to lay out."""

    operation_id: str
    method: str
    path: str
    summary: str
    description: str
    visibility: str | None
    kind: str  # action | polling | webhook
    parameters: Any
    responses: Any
    consumes: Any = None
    produces: Any = None
    tags: Any = ()
    hint: str | None = None
    notification: Any = None
    cursor: str | None = None    # polling triggers: the internal query parameter the policy fills
    id_field: str | None = None  # polling triggers: the item field the cursor follows
    form_keys: Any = ()          # webhook triggers of form-encoded events: the documented keys
    origin: Any = ()             # (catalog file, key path) the operation is written at


@dataclass(frozen=True)
class Webhooks:
    """How registrations map to deletions, for the custom code: the id's key in the registration
    answer, and the path marker whose tail is replaced by `<marker><id><after>` in the Location."""

    operations: Any
    delete_operation_id: str
    delete_path: str
    path_marker: str
    delete_after: str
    id_key: str


@dataclass(frozen=True)
class ConnectorModel:
    """All data the templates of one package need; immutable once built."""

    carrier: Any
    family: Any
    operations: Any
    definitions: Any
    responses: Any
    policies: Any
    connection_parameters: Any
    connection_rows: Any
    security_definitions: Any
    tags: Any
    files: Any
    webhooks: Webhooks | None

    @property
    def paths(self) -> list[tuple[str, list[Operation]]]:
        """Operations grouped by path, in catalog order."""
        grouped: dict[str, list[Operation]] = {}
        for op in self.operations:
            grouped.setdefault(op.path, []).append(op)
        return list(grouped.items())

    @property
    def webhook_operations(self) -> list[str]:
        """Sorted operationIds of the webhook registrations."""
        return list(self.webhooks.operations) if self.webhooks else []
