"""Assemble one connector's model from a checked catalog family and carrier."""

from __future__ import annotations

from pbxconn.generate import operations, security, webhooks
from pbxconn.generate.freeze import freeze
from pbxconn.generate.inputs import Carrier, Catalog
from pbxconn.generate.model import ConnectorModel
from pbxconn.generate.schemas import CatalogSchemas


def build_model(catalog: Catalog, carrier: Carrier) -> ConnectorModel:
    """The complete, immutable data of one connector."""
    s = CatalogSchemas(catalog, carrier)
    actions = operations.actions(s)
    deletes = [op for op, a in zip(actions, s.catalog["actions"].values()) if a.get("deletes_webhooks")]
    polling = operations.polling(s)
    hooks = webhooks.webhook_triggers(s, deletes[0] if len(deletes) == 1 else None)
    if hooks and len(deletes) != 1:
        raise s.err(("actions", []), "webhook triggers need exactly one action with deletes_webhooks: true")
    ops = actions + polling + hooks
    seen: dict[tuple[str, str], str] = {}
    for op in ops:
        key = (op.path, op.method)
        if key in seen:
            raise s.err(("actions", []), f"{op.operation_id} and {seen[key]} both use {op.method.upper()} {op.path}")
        seen[key] = op.operation_id
    known = {op.operation_id for op in ops}
    for target, where in s.dynamic_refs:
        if target not in known:
            raise s.err(where, f"dropdown source {target!r} is not an operation of this catalog")
    tags = sorted({t for op in ops for t in op.tags})
    return freeze(ConnectorModel(
        carrier=s.carrier.data, family=s.family, operations=ops, definitions=s.definitions(),
        responses=s.error_responses(), policies=operations.policies(s, polling),
        connection_parameters=security.connection_parameters(s), connection_rows=security.connection_rows(s),
        security_definitions=security.security_definitions(s), tags=[{"name": t} for t in tags],
        files=list(s.family["files"]), webhooks=webhooks.routing(s, hooks, deletes[0] if deletes else None),
    ))
