"""Each class of change on small hand-made pairs: the code, its class, and where it points."""

from __future__ import annotations

import json
from typing import Callable

import pytest

from diff_samples import diff, fresh
from pbxconn.core.findings import Severity


def op(s: dict, path: str = "/trigger/contacts", method: str = "get") -> dict:
    return s["paths"][path][method]


def param(s: dict, name: str) -> dict:
    return next(p for p in op(s)["parameters"] if p["name"] == name)


def body(s: dict) -> dict:
    return op(s, "/dial", "post")["parameters"][0]["schema"]


def contact(s: dict) -> dict:
    return op(s)["responses"]["200"]["schema"]["properties"]["data"]["items"]


def event(s: dict) -> dict:
    return s["paths"]["/webhooks/CallStarted"]["x-ms-notification-content"]["schema"]


def policy(p: dict) -> dict:
    return p["properties"]["policyTemplateInstances"][0]


def rename_operation(s: dict, p: dict) -> None:
    op(s)["operationId"] = "ListContacts"
    policy(p)["parameters"]["x-ms-apimTemplate-operationName"] = ["ListContacts"]


def move_path(s: dict, p: dict) -> None:
    s["paths"]["/contacts"] = s["paths"].pop("/trigger/contacts")


def change_method(s: dict, p: dict) -> None:
    s["paths"]["/dial"]["put"] = s["paths"]["/dial"].pop("post")


def rename_parameter(s: dict, p: dict) -> None:
    param(s, "limit")["name"] = "max"


def move_parameter(s: dict, p: dict) -> None:
    param(s, "limit")["in"] = "header"


def remove_parameter(s: dict, p: dict) -> None:
    op(s)["parameters"] = [x for x in op(s)["parameters"] if x["name"] != "sort"]


def add_parameter(required: bool, default: bool) -> Callable[[dict, dict], None]:
    def mutate(s: dict, p: dict) -> None:
        new = {"name": "extra", "in": "query", "required": required, "type": "string"}
        if default:
            new["default"] = "x"
        op(s)["parameters"].append(new)
    return mutate


def items_retyped(s: dict, p: dict) -> None:
    body(s)["properties"]["caller"] = {"type": "array", "items": {"type": "string"}}
    s2 = contact(s)["properties"]["phones"]
    s2["items"] = {"type": "integer"}


def polling_config(s: dict, p: dict) -> None:
    policy(p)["parameters"]["x-ms-apimTemplateParameter.triggerDataPath"] = "@triggerBody().items"


def remove_policy(s: dict, p: dict) -> None:
    p["properties"]["policyTemplateInstances"] = []


def set_(getter: Callable[[dict], dict], key: str, value) -> Callable[[dict, dict], None]:
    def mutate(s: dict, p: dict) -> None:
        getter(s)[key] = value
    return mutate


def drop(getter: Callable[[dict], dict], key: str) -> Callable[[dict, dict], None]:
    def mutate(s: dict, p: dict) -> None:
        del getter(s)[key]
    return mutate


def on_properties(getter: Callable[[dict], dict], key: str, value=None, delete=False) -> Callable[[dict, dict], None]:
    def mutate(s: dict, p: dict) -> None:
        target = getter(p)
        if delete:
            del target[key]
        else:
            target[key] = value
    return mutate


def connection(p: dict) -> dict:
    return p["properties"]["connectionParameters"]


BREAKING = [
    ("OperationRemoved", lambda s, p: s["paths"].pop("/dial")),
    ("OperationIdChanged", rename_operation),
    ("OperationPathChanged", move_path),
    ("OperationMethodChanged", change_method),
    ("OperationMadeInternal", set_(op, "x-ms-visibility", "internal")),
    ("ParameterRemoved", remove_parameter),
    ("ParameterRemoved", drop(lambda s: body(s)["properties"], "caller")),
    ("ParameterRenamed", rename_parameter),
    ("ParameterMoved", move_parameter),
    ("ParameterMadeRequired", set_(lambda s: param(s, "limit"), "required", True)),
    ("ParameterMadeRequired", set_(body, "required", ["number", "caller"])),
    ("ParameterTypeChanged", set_(lambda s: param(s, "limit"), "type", "string")),
    ("ParameterFormatChanged", set_(lambda s: param(s, "limit"), "format", "int64")),
    ("ParameterTypeChanged", items_retyped),
    ("RequiredParameterAdded", add_parameter(required=True, default=False)),
    ("RequiredParameterWithDefaultAdded", add_parameter(required=True, default=True)),
    ("RequiredParameterAdded", lambda s, p: (body(s)["properties"].update(pin={"type": "string"}),
                                             body(s)["required"].append("pin"))),
    ("EnumValueRemoved", set_(lambda s: param(s, "sort"), "enum", ["asc"])),
    ("EnumValueRemoved", set_(lambda s: body(s)["properties"]["mode"], "enum", ["queue"])),
    ("EnumListAdded", set_(lambda s: body(s)["properties"]["caller"], "enum", ["a"])),
    ("InternalDefaultChanged", set_(lambda s: param(s, "initial_contact_id"), "default", 1)),
    ("ParameterMadeInternal", set_(lambda s: param(s, "limit"), "x-ms-visibility", "internal")),
    ("ResponseRemoved", lambda s, p: op(s)["responses"].pop("200")),
    ("ResponseFieldRemoved", drop(lambda s: contact(s)["properties"], "firstname")),
    ("ResponseFieldRemoved", drop(lambda s: op(s)["responses"]["200"], "schema")),
    ("ResponseFieldTypeChanged", set_(lambda s: contact(s)["properties"]["contactID"], "type", "string")),
    ("ResponseFieldTypeChanged", items_retyped),
    ("NotificationRemoved", lambda s, p: s["paths"]["/webhooks/CallStarted"].pop("x-ms-notification-content")),
    ("NotificationFieldRemoved", drop(lambda s: event(s)["properties"]["data"]["properties"], "caller")),
    ("NotificationFieldFormatChanged", set_(lambda s: event(s)["properties"]["data"]["properties"]["callID"],
                                           "format", "int64")),
    ("TriggerKindChanged", set_(op, "x-ms-trigger", "single")),
    ("TriggerKindChanged", drop(op, "x-ms-trigger")),
    ("TriggerMetadataChanged", set_(op, "x-ms-trigger-metadata", {"mode": "polling", "kind": "query", "x": 1})),
    ("ConnectionParameterRemoved", on_properties(connection, "api_key", delete=True)),
    ("ConnectionParameterTypeChanged", lambda s, p: connection(p)["api_key"].update(type="string")),
    ("RequiredConnectionParameterAdded", on_properties(connection, "region", {
        "type": "string", "uiDefinition": {"constraints": {"required": "true"}}})),
    ("SecurityChanged", lambda s, p: s["securityDefinitions"]["API Key"].update(name="X-Api-Key")),
    ("SecurityChanged", set_(lambda s: s, "security", [])),
    ("HostChanged", set_(lambda s: s, "host", "pbx.example.org")),
    ("BasePathChanged", set_(lambda s: s, "basePath", "/api/v3/")),
    ("SchemesChanged", set_(lambda s: s, "schemes", ["http", "https"])),
    ("PolicyTemplateRemoved", remove_policy),
    ("PolicyTriggerConfigChanged", polling_config),
    ("PolicyParametersChanged", lambda s, p: policy(p)["parameters"].update({"x-ms-apimTemplateParameter.header": "x"})),
]

NON_BREAKING = [
    ("OperationAdded", lambda s, p: s["paths"].update({"/ping": {"get": {"operationId": "Ping", "responses": {}}}})),
    ("DescriptionChanged", set_(op, "description", "Fires for each new contact.")),
    ("DescriptionChanged", set_(lambda s: contact(s)["properties"]["firstname"], "description", "First name")),
    ("SummaryChanged", set_(op, "summary", "List contacts")),
    ("SummaryChanged", set_(lambda s: param(s, "limit"), "x-ms-summary", "Max items")),
    ("VisibilityIncreased", set_(lambda s: op(s, "/dial", "post"), "x-ms-visibility", "important")),
    ("VisibilityReduced", set_(lambda s: op(s, "/dial", "post"), "x-ms-visibility", "advanced")),
    ("ParameterAdded", add_parameter(required=False, default=False)),
    ("ParameterAdded", lambda s, p: body(s)["properties"].update(note={"type": "string"})),
    ("ParameterMadeOptional", set_(body, "required", [])),
    ("EnumValueAdded", set_(lambda s: param(s, "sort"), "enum", ["asc", "desc", "none"])),
    ("DefaultChanged", set_(lambda s: param(s, "limit"), "default", 10)),
    ("ResponseAdded", lambda s, p: op(s)["responses"].update({"422": {"description": "Unprocessable"}})),
    ("ErrorResponseRemoved", lambda s, p: op(s)["responses"].pop("404")),
    ("ResponseFieldAdded", lambda s, p: contact(s)["properties"].update(avatar={"type": "string"})),
    ("NotificationFieldAdded", lambda s, p: event(s)["properties"].update(version={"type": "string"})),
    ("TriggerHintChanged", set_(op, "x-ms-trigger-hint", "Triggers when a contact is created.")),
    ("ConnectionParameterAdded", on_properties(connection, "region", {"type": "string"})),
    ("PolicyTemplateAdded", lambda s, p: policy(p)["parameters"]["x-ms-apimTemplate-operationName"].append("Dial")),
    ("MetadataChanged", on_properties(lambda p: p["properties"], "iconBrandColor", "#fd941b")),
    ("MetadataChanged", set_(lambda s: s["info"], "title", "Other PBX")),
    ("OtherChange", set_(lambda s: param(s, "limit"), "maximum", 100)),
]


def _mutated(mutate: Callable[[dict, dict], None]) -> list:
    old_s, old_p = fresh()
    new_s, new_p = fresh()
    mutate(new_s, new_p)
    return diff(old_s, new_s, old_p, new_p)


def test_identical_versions_have_no_changes() -> None:
    s, p = fresh()
    assert diff(s, s, p, p) == []


@pytest.mark.parametrize("code, mutate", BREAKING, ids=[f"{c}-{i}" for i, (c, _) in enumerate(BREAKING)])
def test_breaking_change_is_reported_as_error(code: str, mutate) -> None:
    findings = _mutated(mutate)
    hits = [f for f in findings if f.code == code]
    assert hits, [f.code for f in findings]
    assert all(f.severity == Severity.ERROR and f.extra["class"] == "breaking" for f in hits)
    assert all(f.line > 0 and f.column > 0 for f in hits)


@pytest.mark.parametrize("code, mutate", NON_BREAKING, ids=[f"{c}-{i}" for i, (c, _) in enumerate(NON_BREAKING)])
def test_non_breaking_change_is_information_only(code: str, mutate) -> None:
    findings = _mutated(mutate)
    assert [f.code for f in findings if f.code == code], [f.code for f in findings]
    assert all(f.extra["class"] == "non-breaking" and f.severity == Severity.INFO for f in findings), \
        [(f.code, f.message) for f in findings]


def test_renamed_operation_is_not_also_removed_and_added() -> None:
    findings = _mutated(rename_operation)
    assert [f.code for f in findings] == ["OperationIdChanged"]
    assert findings[0].message == 'operationId of GET /trigger/contacts renamed from "GetContacts" to "ListContacts"'


def test_moved_path_is_one_change_with_both_pointers() -> None:
    (finding,) = _mutated(move_path)
    assert finding.code == "OperationPathChanged"
    assert finding.extra["old_pointer"] == "/paths/~1trigger~1contacts/get"
    assert finding.extra["new_pointer"] == finding.pointer == "/paths/~1contacts/get"


def test_renamed_parameter_is_not_also_removed_and_added() -> None:
    codes = [f.code for f in _mutated(rename_parameter)]
    assert codes == ["ParameterRenamed"]


def test_removal_points_into_the_old_version_and_addition_into_the_new() -> None:
    removed = [f for f in _mutated(remove_parameter) if f.code == "ParameterRemoved"][0]
    assert removed.file == "old/apiDefinition.swagger.json"
    assert removed.pointer == "/paths/~1trigger~1contacts/get/parameters/2"
    assert removed.extra["new_pointer"] == "/paths/~1trigger~1contacts/get/parameters"
    added = [f for f in _mutated(add_parameter(False, False)) if f.code == "ParameterAdded"][0]
    assert added.file == "new/apiDefinition.swagger.json"
    assert added.extra["old_pointer"] == ""


def test_line_and_column_are_those_of_the_changed_value() -> None:
    (finding,) = _mutated(set_(lambda s: s, "host", "pbx.example.org"))
    lines = json.dumps(fresh()[0], indent=4).splitlines()
    line = next(i for i, text in enumerate(lines, 1) if text.startswith('    "host": '))
    assert (finding.line, finding.column) == (line, len('    "host": ') + 1)


def test_moving_an_inline_schema_into_definitions_is_not_a_change() -> None:
    old_s, p = fresh()
    new_s, _ = fresh()
    new_s["definitions"]["Contact"] = contact(new_s)
    op(new_s)["responses"]["200"]["schema"]["properties"]["data"]["items"] = {"$ref": "#/definitions/Contact"}
    new_s["parameters"] = {"limit": param(new_s, "limit")}
    op(new_s)["parameters"][0] = {"$ref": "#/parameters/limit"}
    assert diff(old_s, new_s, p, p) == []
    # ...and a change behind the reference is found, located in the definition's text
    new_s["definitions"]["Contact"]["properties"].pop("firstname")
    new_s["definitions"]["Contact"]["properties"]["contactID"]["type"] = "string"
    findings = {f.code: f for f in diff(old_s, new_s, p, p)}
    retyped = findings["ResponseFieldTypeChanged"]
    assert retyped.pointer.endswith("/data/items/properties/contactID/type")
    assert retyped.message == 'GetContacts: response field data[].contactID type changed from "integer" to "string"'
    assert findings["ResponseFieldRemoved"].file == "old/apiDefinition.swagger.json"


def test_operation_visibility_made_more_prominent_is_not_breaking() -> None:
    findings = _mutated(set_(lambda s: param(s, "limit"), "x-ms-visibility", "important"))
    assert [f.code for f in findings] == ["VisibilityIncreased"]


def test_field_of_an_internal_body_made_internal_is_not_breaking() -> None:
    # the webhook body is already internal; marking its field internal too hides nothing new
    findings = _mutated(lambda s, p: s["paths"]["/webhooks/CallStarted"]["post"]["parameters"][0]["schema"]
                        ["properties"]["endpoint"].pop("x-ms-visibility"))
    assert findings and all(f.extra["class"] == "non-breaking" for f in findings)


def test_policy_follows_a_renamed_operation() -> None:
    findings = _mutated(rename_operation)
    assert "PolicyTemplateRemoved" not in {f.code for f in findings}


def test_policy_left_on_the_old_operation_name_is_reported() -> None:
    findings = _mutated(lambda s, p: op(s).update(operationId="ListContacts"))
    assert {"OperationIdChanged", "PolicyTemplateRemoved", "PolicyTemplateAdded"} <= {f.code for f in findings}


def test_notification_on_a_path_without_operations_can_go() -> None:
    def orphan(s: dict, p: dict) -> None:
        s["paths"]["/webhooks"] = {"x-ms-notification-content": {"schema": {"type": "object"}}}

    old_s, p = fresh()
    orphan(old_s, p)
    new_s, _ = fresh()
    (finding,) = diff(old_s, new_s, p, p)
    assert (finding.code, finding.extra["class"]) == ("UnusedNotificationRemoved", "non-breaking")


def test_output_gaining_a_format_is_not_breaking_but_an_input_gaining_one_is() -> None:
    findings = _mutated(set_(lambda s: contact(s)["properties"]["firstname"], "format", "byte"))
    assert [(f.code, f.extra["class"]) for f in findings] == [("ResponseFieldFormatAdded", "non-breaking")]
    findings = _mutated(set_(lambda s: body(s)["properties"]["caller"], "format", "byte"))
    assert [(f.code, f.extra["class"]) for f in findings] == [("ParameterFormatChanged", "breaking")]
    findings = _mutated(drop(lambda s: contact(s)["properties"]["contactID"], "format"))
    assert [(f.code, f.extra["class"]) for f in findings] == [("ResponseFieldFormatChanged", "breaking")]


def test_hiding_an_input_that_only_holds_the_notification_url_is_not_breaking() -> None:
    def hide(s: dict, p: dict) -> None:
        body_param = op(s, "/webhooks/CallStarted", "post")["parameters"][0]
        body_param.pop("x-ms-visibility")
        body_param["schema"].pop("x-ms-visibility")
        body_param["schema"]["properties"]["endpoint"].pop("x-ms-visibility")

    old_s, p = fresh()
    hide(old_s, p)
    new_s, _ = fresh()
    findings = diff(old_s, new_s, p, p)
    assert findings and {f.code for f in findings} == {"VisibilityReduced"}


def test_recursive_schemas_and_odd_documents_do_not_crash() -> None:
    old_s, p = fresh()
    old_s["definitions"]["Node"] = {"type": "object", "properties": {"child": {"$ref": "#/definitions/Node"}}}
    contact(old_s)["properties"]["tree"] = {"$ref": "#/definitions/Node"}
    new_s = json.loads(json.dumps(old_s))
    new_s["definitions"]["Node"]["properties"]["name"] = {"type": "string"}
    codes = {f.code for f in diff(old_s, new_s, p, p)}
    assert codes == {"ResponseFieldAdded"}
    odd = {"swagger": "2.0", "paths": {"/x": None, "/y": {"get": "nonsense"}}, "host": 3}
    findings = diff(odd, fresh()[0], {}, p)
    assert "HostChanged" in {f.code for f in findings}


def test_notification_follows_its_webhook_to_a_new_path() -> None:
    findings = _mutated(lambda s, p: s["paths"].update({"/hooks/CallStarted": s["paths"].pop("/webhooks/CallStarted")}))
    assert [f.code for f in findings] == ["OperationPathChanged"]
