"""apiProperties.json rules: its structure, connection parameters, capabilities and policy parameters.

The good package is a near miss on purpose: it uses everything Microsoft's 2020 schema rejects but
the service accepts (connectionParameterSets, scriptOperations, GlobalPerConnector, boolean
`hidden`, uiDefinition.schema, gatewaySettings, a hidden token:TenantId without texts, a
policySection on dynamichosturl), so none of the new rules may fire on it.
"""

from __future__ import annotations

import copy
import json
from typing import Any, Callable

import pytest

from pbxconn.core.findings import Severity
from pbxconn.validate.config import Config
from pbxconn.validate.engine import validate_package
from pbxconn.validate.package import Package

CODES = ("ApiPropertiesKeyUnknown", "ApiPropertiesTypeInvalid", "ApiPropertiesValueNotAllowed", "CapabilityUnknown",
         "ConnectionParameterTypeUnknown", "ConnectionParameterTextMissing", "ConnectionParameterTextNotEnglish",
         "ConnectionParameterTextTooLong", "PolicyParameterUnknown", "PolicyParameterValueNotAllowed")

SWAGGER = {
    "swagger": "2.0",
    "info": {"title": "Demo PBX", "version": "1.0", "description": "Calls, queues and agents of the demo PBX."},
    "host": "pbx.example.com",
    "paths": {"/calls": {"get": {"operationId": "ListCalls", "summary": "List calls", "description": "Lists calls.",
                                 "responses": {"200": {"description": "ok"}}}}},
}


def _properties() -> dict:
    key = {"type": "securestring", "uiDefinition": {
        "displayName": "API key", "description": "The API key of your PBX account.", "tooltip": "Provide your key",
        "constraints": {"required": "true", "clearText": False, "tabIndex": 2}}}
    return {"properties": {
        "iconBrandColor": "#31ab3d",
        "publisher": "Demo",
        "stackOwner": "Demo",
        "capabilities": ["actions", "triggers"],
        "connectionParameters": {
            "api_key": key,
            "region": {"type": "string", "allowedValues": [{"value": "eu", "uiDefinition": {"displayName": "Europe"}}],
                       "uiDefinition": {"displayName": "Region", "description": "Where your PBX is hosted.",
                                        "schema": {"type": "string", "description": "Region"},
                                        "constraints": {"required": True, "hidden": False,
                                                        "allowedValues": [{"text": "Europe", "value": "eu"}]}}},
            "token:TenantId": {"type": "string", "metadata": {"sourceType": "AzureActiveDirectoryTenant"},
                               "uiDefinition": {"constraints": {"required": "false", "hidden": "true"}}},
            "gateway": {"type": "gatewaySetting", "gatewaySettings": {"dataSourceType": "CustomConnector"},
                        "uiDefinition": {"constraints": {"capability": ["gateway"]}}},
        },
        "connectionParameterSets": {
            "uiDefinition": {"displayName": "Authentication type", "description": "How to sign in."},
            "values": [{"name": "oauth", "uiDefinition": {"displayName": "OAuth", "description": "Sign in."},
                        "metadata": {"allowSharing": False},
                        "parameters": {"token": {"type": "oauthSetting", "oAuthSettings": {
                            "identityProvider": "aad", "clientId": "x", "scopes": [], "redirectMode": "GlobalPerConnector",
                            "properties": {"IsFirstParty": "False", "IsOnbehalfofLoginSupported": True},
                            "customParameters": {"resourceUri": {"value": "https://example.com"}, "tenantId": {}}}}}}],
        },
        "scriptOperations": ["ListCalls"],
        "policyTemplateInstances": [
            {"templateId": "setheader", "title": "Agent", "parameters": {
                "x-ms-apimTemplateParameter.name": "User-Agent", "x-ms-apimTemplateParameter.value": "pbx",
                "x-ms-apimTemplateParameter.existsAction": "override", "x-ms-apimTemplate-policySection": "Failure"}},
            {"templateId": "dynamicHostUrl", "title": "Host", "parameters": {
                "x-ms-apimTemplateParameter.urlTemplate": "https://@connectionParameters('region').example.com",
                "x-ms-apimTemplate-policySection": "Request"}},
            {"templateId": "routerequesttoendpoint", "parameters": {
                "x-ms-apimTemplateParameter.newPath": "/v2/calls",
                "x-ms-apimTemplateParameter.httpMethod": "@Request.OriginalHTTPMethod",
                "x-ms-apimTemplate-operationName": ["ListCalls"]}},
            {"templateId": "moveproperties", "parameters": {"x-ms-apimTemplateParameter.srcParentPath": "@body()"}},
        ],
    }}


def _package(properties: Any) -> Package:
    files = {"apiDefinition.swagger.json": json.dumps(SWAGGER).encode(),
             "apiProperties.json": json.dumps(properties).encode()}
    return Package.from_files(files, "/nonexistent/demo")


def _findings(pkg: Package, code: str) -> list:
    return [f for f in validate_package(pkg, Config(select=(code,))) if f.code == code]


def _mutated(fn: Callable[[dict], None]) -> Callable[[], Package]:
    def make() -> Package:
        props = copy.deepcopy(_properties())
        fn(props["properties"])
        return _package(props)
    return make


def _param(p: dict, name: str = "api_key") -> dict:
    return p["connectionParameters"][name]


# code -> (mutation, expected severity, text the message must contain)
BAD: dict[str, tuple[Callable[[], Package], Severity, str]] = {
    "ApiPropertiesKeyUnknown": (_mutated(lambda p: p.__setitem__("scriptOperation", ["ListCalls"])),
                                Severity.ERROR, "did you mean 'scriptOperations'?"),
    "ApiPropertiesTypeInvalid": (_mutated(lambda p: p.__setitem__("connectionParameters", [])),
                                 Severity.ERROR, "must be an object, not array"),
    "ApiPropertiesValueNotAllowed": (_mutated(lambda p: p["connectionParameterSets"]["values"][0]["parameters"]["token"]
                                              ["oAuthSettings"].__setitem__("redirectMode", "GlobalPerConnecter")),
                                     Severity.WARNING, "did you mean 'GlobalPerConnector'?"),
    "CapabilityUnknown": (_mutated(lambda p: p.__setitem__("capabilities", ["action"])),
                          Severity.WARNING, "did you mean 'actions'?"),
    "ConnectionParameterTypeUnknown": (_mutated(lambda p: _param(p).__setitem__("type", "securestrng")),
                                       Severity.ERROR, "did you mean 'securestring'?"),
    "ConnectionParameterTextMissing": (_mutated(lambda p: _param(p)["uiDefinition"].pop("description")),
                                       Severity.WARNING, "has no uiDefinition.description"),
    "ConnectionParameterTextNotEnglish": (_mutated(lambda p: _param(p)["uiDefinition"].__setitem__(
        "tooltip", "Geben Sie Ihren Schlüssel ein")), Severity.WARNING, "'ü'"),
    "ConnectionParameterTextTooLong": (_mutated(lambda p: _param(p)["uiDefinition"].__setitem__("displayName", "K" * 81)),
                                       Severity.WARNING, "81 characters"),
    "PolicyParameterUnknown": (_mutated(lambda p: p["policyTemplateInstances"][0]["parameters"].__setitem__(
        "x-ms-apimTemplateParameter.existAction", "skip")), Severity.WARNING,
        "did you mean 'x-ms-apimTemplateParameter.existsAction'?"),
    "PolicyParameterValueNotAllowed": (_mutated(lambda p: p["policyTemplateInstances"][2]["parameters"].__setitem__(
        "x-ms-apimTemplateParameter.httpMethod", "get")), Severity.WARNING, "did you mean 'GET'?"),
}


@pytest.mark.parametrize("code", CODES)
def test_near_miss_good_package_is_clean(code: str) -> None:
    assert _findings(_package(_properties()), code) == []


@pytest.mark.parametrize("code", sorted(BAD))
def test_bad_fixture_fires_in_api_properties(code: str) -> None:
    make, severity, text = BAD[code]
    found = _findings(make(), code)
    assert len(found) == 1, found
    finding = found[0]
    assert finding.severity == severity
    assert text in finding.message, finding.message
    assert finding.file.endswith("apiProperties.json") and finding.line >= 1


def test_unknown_key_in_root_is_an_error_at_that_key() -> None:
    props = _properties()
    props["propreties"] = {}
    text = json.dumps(props, indent=2)
    pkg = Package.from_files({"apiDefinition.swagger.json": json.dumps(SWAGGER).encode(),
                              "apiProperties.json": text.encode()}, "/nonexistent/demo")
    [finding] = _findings(pkg, "ApiPropertiesKeyUnknown")
    assert finding.severity == Severity.ERROR and finding.pointer == "/propreties"
    assert "did you mean 'properties'?" in finding.message
    line = text.splitlines()[finding.line - 1]
    assert line[finding.column - 1:].startswith("{}")  # the value of the unknown key


def test_case_variant_and_nested_unknown_keys_are_warnings() -> None:
    props = _properties()
    props["properties"]["stackowner"] = props["properties"].pop("stackOwner")
    props["properties"]["connectionParameters"]["api_key"]["uiDefinition"]["constraints"]["editable"] = True
    found = {f.pointer: f for f in _findings(_package(props), "ApiPropertiesKeyUnknown")}
    assert found["/properties/stackowner"].severity == Severity.WARNING
    assert "names are case-sensitive" in found["/properties/stackowner"].message
    assert found["/properties/connectionParameters/api_key/uiDefinition/constraints/editable"].severity \
        == Severity.WARNING


def test_missing_properties_is_an_error() -> None:
    [finding] = _findings(_package({"$schema": "x"}), "ApiPropertiesTypeInvalid")
    assert finding.severity == Severity.ERROR and "has no 'properties'" in finding.message


def test_scalar_for_scalar_is_a_warning_container_mismatch_an_error() -> None:
    props = _properties()
    props["properties"]["connectionParameters"]["api_key"]["uiDefinition"]["constraints"]["tabIndex"] = "2"
    props["properties"]["capabilities"] = "actions"
    found = {f.pointer: f.severity for f in _findings(_package(props), "ApiPropertiesTypeInvalid")}
    assert found == {"/properties/connectionParameters/api_key/uiDefinition/constraints/tabIndex": Severity.WARNING,
                     "/properties/capabilities": Severity.ERROR}


def test_connection_parameter_type_case_variant_is_a_warning_and_missing_type_an_error() -> None:
    props = _properties()
    props["properties"]["connectionParameters"]["api_key"]["type"] = "SecureString"
    props["properties"]["connectionParameters"]["region"].pop("type")
    found = {f.pointer: f for f in _findings(_package(props), "ConnectionParameterTypeUnknown")}
    assert found["/properties/connectionParameters/api_key/type"].severity == Severity.WARNING
    assert found["/properties/connectionParameters/region"].severity == Severity.ERROR
    assert "has no type" in found["/properties/connectionParameters/region"].message


def test_parameter_sets_are_checked_like_connection_parameters() -> None:
    props = _properties()
    token = props["properties"]["connectionParameterSets"]["values"][0]["parameters"]["token"]
    token["type"] = "oauth"
    props["properties"]["connectionParameterSets"]["values"][0]["uiDefinition"].pop("displayName")
    [typed] = _findings(_package(props), "ConnectionParameterTypeUnknown")
    assert typed.pointer == "/properties/connectionParameterSets/values/0/parameters/token/type"
    [text] = _findings(_package(props), "ConnectionParameterTextMissing")
    assert "parameter set 'oauth'" in text.message


def test_hidden_parameters_need_no_texts() -> None:
    props = _properties()
    ui = props["properties"]["connectionParameters"]["region"]["uiDefinition"]
    ui.pop("displayName"), ui.pop("description")
    ui["constraints"]["hidden"] = True
    assert _findings(_package(props), "ConnectionParameterTextMissing") == []


def test_identity_provider_only_near_misses_are_reported() -> None:
    for provider, expected in (("DocuSign", 0), ("aadCertificate", 1), ("oauth2generc", 1)):
        props = _properties()
        token = props["properties"]["connectionParameterSets"]["values"][0]["parameters"]["token"]
        token["oAuthSettings"]["identityProvider"] = provider
        assert len(_findings(_package(props), "ApiPropertiesValueNotAllowed")) == expected, provider


def test_policy_templates_without_a_published_list_are_not_judged() -> None:
    props = _properties()
    props["properties"]["policyTemplateInstances"][3]["parameters"]["x-ms-apimTemplateParameter.anything"] = "1"
    assert _findings(_package(props), "PolicyParameterUnknown") == []
