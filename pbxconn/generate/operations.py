"""Actions and polling triggers of a catalog family, and the pollingtrigger policies that drive them."""

from __future__ import annotations

from typing import Any

from pbxconn.generate import parameters
from pbxconn.generate.model import Operation
from pbxconn.generate.schemas import CatalogSchemas


def actions(s: CatalogSchemas) -> list[Operation]:
    """Operations from actions.yaml."""
    out = []
    for op_id, a in s.catalog["actions"].items():
        where = ("actions", [op_id])
        params = parameters.path_params(s, a["path"], (where[0], where[1] + ["path"]))
        params += [parameters.query_param(s, n, ("actions", [op_id, "query", i])) for i, n in enumerate(a.get("query", []))]
        consumes = None
        if "body" in a:
            params.append(parameters.body_param(s, a["body"], ("actions", [op_id, "body"])))
        if "form" in a:
            params += parameters.form_params(s, a["form"], ("actions", [op_id, "form"]))
            consumes = ["multipart/form-data"]
        elif a["method"] in ("post", "put", "patch", "delete"):
            consumes = ["application/json"]
        returns = a["returns"]
        ok = s.ok_response(a["method"], s.returns_schema(returns, ("actions", [op_id, "returns"])))
        out.append(Operation(
            operation_id=op_id, method=a["method"], path=a["path"], summary=a["summary"], origin=where,
            description=" ".join(a["description"].split()), visibility=a.get("visibility"),
            kind="action", parameters=params,
            responses=s.responses(ok, a.get("errors", []), where), consumes=consumes,
            produces=[returns["binary"], "application/json"] if "binary" in returns else None, tags=a.get("tags", []),
        ))
    return out


def polling(s: CatalogSchemas) -> list[Operation]:
    """Polling triggers from triggers.yaml."""
    out = []
    polling = s.catalog["triggers"].get("polling", {})
    if polling and "polling" not in s.family:
        raise s.err(("triggers", ["polling"]), "polling triggers need a `polling` section in family.yaml")
    for op_id, t in polling.items():
        where = ("triggers", ["polling", op_id])
        s.definition_name(t["entity"], (where[0], where[1] + ["entity"]))
        entity = s.entities[t["entity"]]
        if "id_field" not in entity:
            raise s.err(("entities", [t["entity"]]), "an entity a polling trigger follows needs an id_field")
        params = []
        if "filter" in t:
            params.append(parameters.query_param(s, t["filter"], (where[0], where[1] + ["filter"])))
        cursor = t["cursor"]
        params.append({"name": cursor["name"], "in": "query", "required": True, "type": "integer",
                       "default": 0, "description": cursor["description"],
                       "x-ms-summary": cursor["summary"], "x-ms-visibility": "internal"})
        params += [parameters.query_param(s, n, (where[0], where[1] + ["query", i])) for i, n in enumerate(t.get("query", []))]
        ok = s.ok_response("get", s.returns_schema({"list": t["entity"]}, where))
        out.append(Operation(
            operation_id=op_id, method="get", path=t["path"], summary=t["summary"], origin=where,
            description=" ".join(t["description"].split()), visibility="important", kind="polling",
            parameters=params, responses=s.responses(ok, s.family["polling"]["errors"], where),
            hint=t["hint"], cursor=cursor["name"], id_field=entity["id_field"], tags=t.get("tags", []),
        ))
    return out


def policies(s: CatalogSchemas, polling: list[Operation]) -> list[dict[str, Any]]:
    """One pollingtrigger policy per polling trigger: the cursor follows the newest item's id."""
    if not polling:
        return []
    items = s.family["polling"].get("items_key")
    body = f"triggerBody().{items}" if items else "triggerBody()"
    return [{
        "templateId": "pollingtrigger",
        "title": f"{op.operation_id}PollingTriggerPolicy",
        "type": "PollingTrigger",
        "parameters": {
            "x-ms-apimTemplateParameter.triggerConfig": {op.cursor: f"@{{{body}[0].{op.id_field}}}"},
            "x-ms-apimTemplateParameter.triggerDataPath": f"@{body}",
            "x-ms-apimTemplate-operationName": [op.operation_id],
        },
    } for op in polling]

# --- security -----------------------------------------------------------------------
