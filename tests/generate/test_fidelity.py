"""Everything the published connectors offer is still offered, with the same meaning.

Reads ../shared/upstream/<id> (Microsoft's published packages) and connectors/<id> (ours),
resolves $refs in both, and compares what customer flows depend on. Additions are allowed.
"""

from __future__ import annotations

import json

import pytest

from pbxconn.core.refs import inline

CARRIERS = ["tele2", "lmt"]
PARAM_KEYS = ("in", "type", "format", "required", "default")


def _load(folder, name):
    return json.loads((folder / name).read_text(encoding="utf-8"))


def _operations(swagger):
    out = {}
    for path, item in swagger["paths"].items():
        for method, op in item.items():
            if isinstance(op, dict) and "operationId" in op:
                out[op["operationId"]] = (method, path, op, item)
    return out


def _fields(schema, prefix=""):
    """{'data.callID': ('integer', 'int32'), ...} for every property, arrays marked with []."""
    out = {}
    if schema.get("type") == "array":
        return _fields(schema.get("items", {}), prefix + "[]")
    for name, prop in schema.get("properties", {}).items():
        key = f"{prefix}.{name}" if prefix else name
        out[key] = (prop.get("type"), prop.get("format"))
        if prop.get("type") in ("object", "array") or "properties" in prop:
            out.update(_fields(prop, key))
    return out


def _assert_fields_kept(old, new, what):
    for key, (old_type, old_format) in old.items():
        assert key in new, f"{what}: field {key} was removed"
        new_type, new_format = new[key]
        assert new_type == old_type, f"{what}: field {key} changed type {old_type} -> {new_type}"
        if old_format is not None:
            assert new_format == old_format, f"{what}: field {key} changed format {old_format} -> {new_format}"


@pytest.fixture(params=CARRIERS)
def pair(request, shared, repo):
    upstream = shared / "upstream" / request.param
    ours = repo / "connectors" / request.param
    return (
        inline(_load(upstream, "apiDefinition.swagger.json")),
        inline(_load(ours, "apiDefinition.swagger.json")),
        _load(upstream, "apiProperties.json"),
        _load(ours, "apiProperties.json"),
    )


def test_document_level_settings_are_unchanged(pair):
    old, new, _, _ = pair
    for key in ("host", "basePath", "schemes", "securityDefinitions", "security"):
        assert new[key] == old[key], key


def test_every_operation_keeps_method_path_and_trigger(pair):
    old, new, _, _ = pair
    old_ops, new_ops = _operations(old), _operations(new)
    assert len(old_ops) == 29
    for op_id, (method, path, op, _) in old_ops.items():
        assert op_id in new_ops, f"operation {op_id} is missing"
        new_method, new_path, new_op, _ = new_ops[op_id]
        assert (new_method, new_path) == (method, path), op_id
        assert new_op.get("x-ms-trigger") == op.get("x-ms-trigger"), op_id
        assert new_op.get("x-ms-trigger-metadata") == op.get("x-ms-trigger-metadata"), op_id


def test_every_parameter_keeps_its_contract(pair):
    old, new, _, _ = pair
    new_ops = _operations(new)
    for op_id, (_, _, op, _) in _operations(old).items():
        new_params = {p["name"]: p for p in new_ops[op_id][2].get("parameters", [])}
        for param in op.get("parameters", []):
            assert param["name"] in new_params, f"{op_id}: parameter {param['name']} removed"
            mine = new_params[param["name"]]
            for key in PARAM_KEYS:
                assert mine.get(key) == param.get(key), f"{op_id}.{param['name']}: {key}"
            if "schema" in param:
                assert sorted(mine["schema"].get("required", [])) == sorted(param["schema"].get("required", []))
                _assert_fields_kept(_fields(param["schema"]), _fields(mine["schema"]), f"{op_id} body")
                for name, prop in param["schema"].get("properties", {}).items():
                    for ext in ("x-ms-notification-url", "x-ms-visibility"):
                        assert mine["schema"]["properties"][name].get(ext) == prop.get(ext), f"{op_id}.{name} {ext}"
        new_required = {n for n, p in new_params.items() if p.get("required") and "default" not in p}
        old_names = {p["name"] for p in op.get("parameters", [])}
        assert new_required <= old_names, f"{op_id}: new required parameters {new_required - old_names}"


def test_every_200_response_field_is_kept(pair):
    old, new, _, _ = pair
    new_ops = _operations(new)
    for op_id, (_, _, op, _) in _operations(old).items():
        schema = op["responses"].get("200", {}).get("schema")
        if schema:
            mine = new_ops[op_id][2]["responses"]["200"]["schema"]
            _assert_fields_kept(_fields(schema), _fields(mine), f"{op_id} 200")


def test_every_notification_payload_field_is_kept(pair):
    old, new, _, _ = pair
    new_ops = _operations(new)
    checked = 0
    for op_id, (_, _, _, item) in _operations(old).items():
        content = item.get("x-ms-notification-content")
        if content:
            mine = new_ops[op_id][3]["x-ms-notification-content"]["schema"]
            _assert_fields_kept(_fields(content["schema"]), _fields(mine), f"{op_id} notification")
            checked += 1
    assert checked == 10


def test_connection_parameters_and_polling_policies_are_kept(pair):
    _, _, old_props, new_props = pair
    old_p, new_p = old_props["properties"], new_props["properties"]
    for name, param in old_p["connectionParameters"].items():
        assert new_p["connectionParameters"][name]["type"] == param["type"]

    def policies(props):
        return {p["parameters"]["x-ms-apimTemplate-operationName"][0]: p for p in props["policyTemplateInstances"]}

    mine = policies(new_p)
    for op_id, policy in policies(old_p).items():
        assert op_id in mine, f"polling policy of {op_id} removed"
        for key in ("x-ms-apimTemplateParameter.triggerConfig", "x-ms-apimTemplateParameter.triggerDataPath"):
            assert mine[op_id]["parameters"][key] == policy["parameters"][key], f"{op_id} {key}"
        assert (mine[op_id]["templateId"], mine[op_id]["type"]) == (policy["templateId"], policy["type"])


def test_brand_values_match_the_published_connector(pair, request):
    old, new, old_props, new_props = pair
    assert new["info"]["title"] == old["info"]["title"]
    assert new["info"]["contact"] == old["info"]["contact"]
    assert new["x-ms-connector-metadata"] == old["x-ms-connector-metadata"]
    assert new_props["properties"]["iconBrandColor"] == old_props["properties"]["iconBrandColor"]
    assert new_props["properties"]["publisher"] == old_props["properties"]["publisher"]
