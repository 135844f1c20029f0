"""Where in the catalog a place of a rendered swagger comes from, so findings name the file to fix."""

from __future__ import annotations

from typing import Any

from pbxconn.core.pointer import from_pointer
from pbxconn.generate.inputs import Catalog
from pbxconn.generate.schemas import pascal

# Keys of an operation that the catalog writes under the same name (x-ms-visibility as `visibility`).
_OPERATION_KEYS = {"summary": "summary", "description": "description", "x-ms-visibility": "visibility",
                   "x-ms-trigger-hint": "hint", "tags": "tags"}


def catalog_where(model: Any, catalog: Catalog, pointer: str) -> str | None:
    """`file:line:column` in the catalog of the swagger place at `pointer`, when it comes from one."""
    try:
        parts = from_pointer(pointer)
    except ValueError:
        return None
    if len(parts) >= 3 and parts[0] == "paths":
        op = next((o for o in model.operations if o.path == parts[1] and o.method == parts[2]), None)
        if op is None or not op.origin:
            return None
        file, keypath = op.origin
        key = _OPERATION_KEYS.get(parts[3]) if len(parts) > 3 else None
        return catalog.sources[file].where(list(keypath) + ([key] if key else []))
    if len(parts) >= 2 and parts[0] == "definitions":
        entity = {pascal(name): name for name in catalog["entities"]}.get(parts[1])
        if entity is None:
            return None
        keypath = [entity] + (["fields", parts[3]] if len(parts) >= 4 and parts[2] == "properties" else [])
        return catalog.sources["entities"].where(keypath)
    return None
