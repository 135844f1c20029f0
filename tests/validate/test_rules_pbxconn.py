"""pbxconn's own cross-file rules (policies vs operations, polling cursors, webhooks, x-ms
extensions, connection parameters, settings.json) beyond fire / near miss: messages, pointers,
severities, documented exemptions, helper functions, odd documents, the upstream package and
document walks of deep nesting. Each rule's bad fixture and near miss live in rule_fixtures/ and
run in test_rule_fixtures.py."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

import pytest

from pbxconn.validate.config import Config
from pbxconn.validate.engine import validate_package
from pbxconn.validate.package import Package
from pbxconn.validate.rules.extensions import suggest_extension
from pbxconn.validate.rules.policies import trigger_body_paths


def _swagger() -> dict:
    item = {
        "type": "object",
        "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
    }
    return {
        "swagger": "2.0",
        "info": {"title": "Demo PBX", "version": "1.0"},
        "host": "pbx.example.com",
        "securityDefinitions": {"API Key": {"type": "apiKey", "in": "header", "name": "Authorization"}},
        "paths": {
            "/trigger/contacts": {
                "get": {
                    "operationId": "GetContacts",
                    "x-ms-trigger": "batch",
                    "x-ms-trigger-metadata": {"kind": "query", "mode": "polling"},
                    "parameters": [
                        {"name": "initial_id", "in": "query", "type": "integer",
                         "x-ms-visibility": "internal"},
                        {"name": "limit", "in": "query", "type": "integer", "required": True,
                         "x-ms-visibility": "internal", "default": 20},
                    ],
                    "responses": {"200": {"description": "ok", "schema": {"$ref": "#/definitions/Page"}}},
                }
            },
            "/webhooks/CallStarted": {
                "x-ms-notification-content": {"schema": {"type": "object"}},
                "post": {
                    "operationId": "CallStarted",
                    "x-ms-trigger": "single",
                    "parameters": [{"name": "body", "in": "body", "required": True, "schema": {
                        "type": "object", "required": ["url"],
                        "properties": {"url": {"type": "string", "x-ms-notification-url": True,
                                               "x-ms-visibility": "internal"}}}}],
                    "responses": {"201": {"description": "created",
                                          "headers": {"Location": {"type": "string"}}}},
                },
            },
            "/webhooks/{id}": {
                "delete": {
                    "operationId": "DeleteWebhook",
                    "x-ms-visibility": "internal",
                    "parameters": [{"name": "id", "in": "path", "required": True, "type": "string"}],
                    "responses": {"204": {"description": "gone"}},
                }
            },
        },
        "definitions": {
            "Page": {"type": "object", "properties": {"data": {"type": "array", "items": item},
                                                      "total": {"type": "integer"}}},
        },
    }


def _properties() -> dict:
    return {"properties": {
        "iconBrandColor": "#31ab3d",
        "publisher": "Demo",
        "stackOwner": "Demo",
        "connectionParameters": {"api_key": {"type": "securestring"}},
        "policyTemplateInstances": [{
            "templateId": "pollingtrigger",
            "title": "Contacts",
            "parameters": {
                "x-ms-apimTemplate-operationName": ["GetContacts"],
                "x-ms-apimTemplateParameter.triggerConfig": {"initial_id": "@{triggerBody().data[0].id}"},
                "x-ms-apimTemplateParameter.triggerDataPath": "@triggerBody().data",
            },
        }],
    }}


def _package(swagger: Any = None, properties: Any = None, extra: dict[str, bytes] | None = None,
             root: str = "/nonexistent/demo") -> Package:
    files = {
        "apiDefinition.swagger.json": json.dumps(swagger if swagger is not None else _swagger()).encode(),
        "apiProperties.json": json.dumps(properties if properties is not None else _properties()).encode(),
        "Readme.md": b"# Demo\n",
    }
    files.update(extra or {})
    return Package.from_files(files, root)


def codes(pkg: Package, code: str) -> list:
    """Findings of one code for a package (certification on)."""
    return [f for f in validate_package(pkg, Config(select=(code,))) if f.code == code]


def _mut_swagger(fn: Callable[[dict], None]) -> Package:
    sw = _swagger()
    fn(sw)
    return _package(swagger=sw)


def _mut_props(fn: Callable[[dict], None]) -> Package:
    props = _properties()
    fn(props)
    return _package(properties=props)


def _policy(props: dict) -> dict:
    return props["properties"]["policyTemplateInstances"][0]["parameters"]


def _get(sw: dict) -> dict:
    return sw["paths"]["/trigger/contacts"]["get"]


# bad packages that the message and pointer tests below look into
BAD: dict[str, Callable[[], Package]] = {
    "PolicyOperationMissing": lambda: _mut_props(
        lambda p: _policy(p).__setitem__("x-ms-apimTemplate-operationName", ["GetContacs"])),
    "PollingTriggerFieldMissing": lambda: _mut_props(
        lambda p: _policy(p).__setitem__("x-ms-apimTemplateParameter.triggerConfig",
                                         {"initial_id": "@{triggerBody().data[0].contactID}"})),
}


def test_policy_operation_missing_points_into_apiproperties() -> None:
    [finding] = codes(BAD["PolicyOperationMissing"](), "PolicyOperationMissing")
    assert finding.file.endswith("apiProperties.json")
    assert finding.pointer == "/properties/policyTemplateInstances/0/parameters/x-ms-apimTemplate-operationName/0"
    assert "GetContacs" in finding.message
    assert finding.severity.label == "warning"  # a stale name harms nothing at run time


def test_polling_field_missing_names_the_field_and_resolves_refs() -> None:
    [finding] = codes(BAD["PollingTriggerFieldMissing"](), "PollingTriggerFieldMissing")
    assert "'contactID'" in finding.message
    # data path through the $ref'd definition is fine; only the cursor field is missing
    assert finding.pointer.endswith("triggerConfig/initial_id")


def test_polling_field_not_flagged_when_schema_is_open() -> None:
    def open_schema(s: dict) -> None:
        s["definitions"]["Page"]["properties"]["data"]["items"] = {"type": "object"}
    pkg = _package(swagger=_mut(open_schema), properties=_bad_cursor_props())
    assert codes(pkg, "PollingTriggerFieldMissing") == []


def _mut(fn: Callable[[dict], None]) -> dict:
    sw = _swagger()
    fn(sw)
    return sw


def _bad_cursor_props() -> dict:
    props = _properties()
    _policy(props)["x-ms-apimTemplateParameter.triggerConfig"] = {"initial_id": "@{triggerBody().data[0].nope}"}
    return props


def test_next_link_key_is_not_a_query_parameter_problem() -> None:
    props = _properties()
    _policy(props)["x-ms-apimTemplateParameter.triggerConfig"]["x-ms-triggerConfig-nextLink"] = "nextLink"
    assert codes(_package(properties=props), "PollingTriggerConfigNotQueryParameter") == []


def test_trigger_value_severity_is_error() -> None:
    pkg = _mut_swagger(lambda s: _get(s).__setitem__("x-ms-trigger", "Batch"))
    found = codes(pkg, "ExtensionValueNotAllowed")
    assert [f.severity.label for f in found] == ["error"]
    assert "'batch'" in found[0].message


def test_notification_url_field_is_exempt_from_internal_default_rule() -> None:
    assert codes(_package(), "InternalRequiredPropertyWithoutDefault") == []


def test_security_mismatch_is_warning_when_another_definition_matches() -> None:
    def two(s: dict) -> None:
        s["securityDefinitions"]["oauth"] = {"type": "oauth2", "flow": "accessCode",
                                             "authorizationUrl": "https://a", "tokenUrl": "https://t"}
    found = codes(_package(swagger=_mut(two)), "ConnectionParameterMissingForSecurity")
    assert [f.severity.label for f in found] == ["warning"]


def test_settings_paths_exist_on_disk(tmp_path: Path) -> None:
    (tmp_path / "apiDefinition.swagger.json").write_text(json.dumps(_swagger()))
    (tmp_path / "apiProperties.json").write_text(json.dumps(_properties()))
    (tmp_path / "settings.json").write_text(json.dumps(
        {"apiDefinition": "apiDefinition.swagger.json", "apiProperties": "apiProperties.json",
         "script": "script.csx", "environment": "0b2f4d8e-1a2b-4c3d-9e8f-123456789abc"}))
    found = codes(Package.load(tmp_path), "SettingsFileMissing")
    assert [f.pointer for f in found] == ["/script"]
    assert codes(Package.load(tmp_path), "SettingsEnvironmentNotGuid") == []


@pytest.mark.parametrize("name,expected", [
    ("x-ms-visibilty", "x-ms-visibility"), ("x-ms-summmary", "x-ms-summary"),
    ("x-ms-summary title", "x-ms-summary"), ("x-ms  -summary", "x-ms-summary"),
    ("x-ms-api-annotations", "x-ms-api-annotation"), ("X-MS-Visibility", "x-ms-visibility"),
    ("x-ms-frobnicate", None),
])
def test_did_you_mean(name: str, expected: str | None) -> None:
    assert suggest_extension(name) == expected


def test_extension_keys_in_data_are_not_checked() -> None:
    def data(s: dict) -> None:
        _get(s)["parameters"][0]["default"] = {"x-ms-visibilty": 1}
        s["definitions"]["Page"]["properties"]["x-ms-visibilty"] = {"type": "string"}
        s["paths"]["/trigger/contacts"]["get"]["responses"]["200"]["headers"] = {"x-ms-request-id": {"type": "string"}}
    pkg = _package(swagger=_mut(data))
    assert codes(pkg, "ExtensionNameMisspelled") == []
    assert codes(pkg, "ExtensionNameUnknown") == []


def test_trigger_body_paths() -> None:
    assert trigger_body_paths("@{triggerBody().data[0].contactID}") == [
        ("triggerBody().data[0].contactID", ("data", 0, "contactID"))]
    assert trigger_body_paths("x gt @{triggerBody()?['value']?[0]?['created']}")[0][1] == ("value", 0, "created")
    assert trigger_body_paths("no expression") == []


def test_rules_survive_odd_documents() -> None:
    odd = _swagger()
    odd["paths"]["/trigger/contacts"]["get"]["responses"] = ["not", "a", "map"]
    odd["paths"]["/x"] = {"get": {"parameters": "nope", "x-ms-trigger": ["batch"]}}
    props = _properties()
    props["properties"]["policyTemplateInstances"].append({"templateId": 7, "parameters": ["x"]})
    props["properties"]["connectionParameters"] = "nope"
    findings = validate_package(_package(swagger=odd, properties=props), Config(select=("pbxconn",)))
    assert not [f for f in findings if f.code == "InternalRuleError"], findings


def test_upstream_tele2(shared: Path) -> None:
    pkg = Package.load(shared / "upstream" / "tele2")
    found = validate_package(pkg, Config(select=("pbxconn",)))
    by_code = {f.code for f in found}
    assert "NotificationContentWithoutWebhook" in by_code  # the orphan /webhooks path item
    assert "WebhookRegistrationLocationMissing" in by_code  # registrations without a Location
    for code in ("PolicyOperationMissing", "PollingTriggerFieldMissing", "PollingTriggerConfigNotQueryParameter"):
        assert code not in by_code


def _nested_schema(depth: int) -> tuple[dict, tuple]:
    """A definition whose properties nest `depth` levels, with an extension and a $ref at the bottom."""
    bottom: dict = {"x-ms-summary": "deep", "$ref": "#/definitions/Missing", "type": "string"}
    node, path = bottom, ()
    for i in range(depth):
        node = {"type": "object", "properties": {f"p{i}": node}}
    for i in reversed(range(depth)):
        path += ("properties", f"p{i}")
    return {"swagger": "2.0", "definitions": {"Deep": node}}, ("definitions", "Deep") + path


@pytest.mark.parametrize("depth", [3, 5000])
def test_document_walks_reach_the_bottom_of_any_nesting(depth: int) -> None:
    # Deeper than the interpreter's recursion limit, the walks switch to an explicit stack.
    from pbxconn.validate.package import SourceFile

    swagger, path = _nested_schema(depth)
    pkg = Package(Path("/nonexistent"), "deep", {"swagger": SourceFile("swagger", "deep.json", b"", value=swagger)},
                  "memory")
    assert [(kind, at, key) for kind, at, key, _ in pkg.index.extensions] == [("schema", path, "x-ms-summary")]
    assert [(ref, ptr) for ref, ptr, _ in pkg.index.ref_sites] == [("#/definitions/Missing", path)]


@pytest.mark.parametrize("depth", [3, 5000])
def test_schema_index_reaches_the_bottom_of_any_nesting(depth: int) -> None:
    from pbxconn.validate.package import SourceFile

    swagger, path = _nested_schema(depth)
    swagger["definitions"]["Missing"] = {"type": "string", "description": "the $ref target"}
    pkg = Package(Path("/nonexistent"), "deep", {"swagger": SourceFile("swagger", "deep.json", b"", value=swagger)},
                  "memory")
    pointers = [node.pointer for node in pkg.schemas]
    # definitions in order, each place once; the bottom $ref resolves to the Missing definition
    expected = [path[:i] for i in range(2, len(path), 2)] + [("definitions", "Missing")]
    assert pointers == expected
    assert [node.role for node in pkg.schemas[:2]] == ["definition", "property"]
