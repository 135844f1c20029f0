"""pbxconn's own apiProperties shape accepts everything Microsoft's paconn schema declares.

Microsoft's schema is read at test time from ../shared (never copied into the project): every
member it declares must be known to our shape, and every value it enumerates must pass our shape
(and the connection-parameter types, capabilities and policy template tables). When Microsoft's
schema gains a member or a value, this test names it. The newer members and values Microsoft
documents or deploys, which its 2020 schema rejects, are checked to be accepted as well.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Iterator

import pytest

from pbxconn.validate.rules._api_properties_shape import (
    API_PROPERTIES,
    CAPABILITIES,
    CONNECTION_PARAMETER_TYPES,
)
from pbxconn.validate.rules._shape import Shape, walk
from pbxconn.validate.rules.policies import PARAM, TEMPLATES
from pbxconn.validate.rules.policy_parameters import known_parameters

# A member name matching each name pattern of Microsoft's schema (a new pattern fails the test).
PATTERN_EXAMPLES = {
    "^[0-9a-zA-Z_]+$": "api_key",
    "^[0-9a-zA-Z_]+:(?!TenantId$)[0-9a-zA-Z_]+$": "token:clientId",
    "^token:TenantId$": "token:TenantId",
    "^[cC]lientI[dD]$": "ClientID",
    "^[cC]lientSecret$": "ClientSecret",
    "^x-ms-apimTemplateParameter.\\w+$": "x-ms-apimTemplateParameter.name",
}
POLICIES = ("properties", "policyTemplateInstances", "[]")


def read_jsonc(path: Path) -> Any:
    """JSON with // and /* */ comments and trailing commas (Microsoft's schema is JSONC)."""
    text = path.read_text(encoding="utf-8")
    token = re.compile(r'"(?:[^"\\]|\\.)*"|//[^\n]*|/\*.*?\*/', re.S)
    text = token.sub(lambda m: m.group(0) if m.group(0).startswith('"') else "", text)
    text = re.sub(r'("(?:[^"\\]|\\.)*")|,(\s*[}\]])', lambda m: m.group(1) or m.group(2), text)
    return json.loads(text)


@pytest.fixture(scope="module")
def microsoft(shared: Path) -> dict:
    path = shared / "ms-schemas" / "paconn-apiProperties.schema.json"
    if not path.is_file():
        pytest.skip(f"needs Microsoft's apiProperties schema at {path} (absent)")
    return read_jsonc(path)


def follow(root: dict, ref: str) -> Any:
    """The target of a local `#/a/b` reference."""
    node: Any = root
    for part in ref.lstrip("#/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def declared(root: dict, node: Any, path: tuple, seen: frozenset = frozenset()) -> Iterator[tuple[str, tuple, Any]]:
    """("key", holder path, name) and ("enum", path, values) for everything the schema declares.
    Paths use member names, '*' for any name and '[]' for array items."""
    if not isinstance(node, dict):
        return
    if "$ref" in node:
        if node["$ref"] in seen:
            return
        yield from declared(root, follow(root, node["$ref"]), path, seen | {node["$ref"]})
    if "enum" in node:
        yield "enum", path, node["enum"]
    for name, sub in node.get("properties", {}).items():
        yield "key", path, name
        yield from declared(root, sub, path + (name,), seen)
    for pattern, sub in node.get("patternProperties", {}).items():
        assert pattern in PATTERN_EXAMPLES, f"Microsoft's schema has a new name pattern {pattern!r}"
        yield "key", path, PATTERN_EXAMPLES[pattern]
        yield from declared(root, sub, path + (PATTERN_EXAMPLES[pattern],), seen)
    if isinstance(node.get("additionalProperties"), dict):
        yield from declared(root, node["additionalProperties"], path + ("*",), seen)
    if isinstance(node.get("items"), dict):
        yield from declared(root, node["items"], path + ("[]",), seen)
    for group in ("oneOf", "anyOf", "allOf"):
        for sub in node.get(group, []):
            yield from declared(root, sub, path, seen)


def ours(path: tuple) -> Shape | None:
    """Our shape at a path ('*' stands for any member name)."""
    return API_PROPERTIES.at(tuple("some_name" if part == "*" else part for part in path))


def _policy_path(path: tuple) -> bool:
    """Policy parameters and templateIds are the policy tables' (checked below), not the shape's."""
    return path[:len(POLICIES)] == POLICIES and path[len(POLICIES):][:1] in (("parameters",), ("templateId",))


def test_our_shape_knows_every_member_microsoft_declares(microsoft: dict) -> None:
    missing = []
    for kind, path, name in declared(microsoft, microsoft, ()):
        if kind != "key" or _policy_path(path + (name,)):
            continue
        shape = ours(path)
        if shape is None or shape.member(name) is None:
            missing.append("/".join(path + (name,)))
    assert not missing, f"members of Microsoft's schema that our shape rejects: {sorted(set(missing))}"


def test_our_shape_accepts_every_value_microsoft_enumerates(microsoft: dict) -> None:
    rejected = []
    for kind, path, values in declared(microsoft, microsoft, ()):
        if kind != "enum" or _policy_path(path):
            continue
        if path[-1:] == ("type",) and "connectionParameters" in path:
            rejected += [f"type {v!r}" for v in values if v not in CONNECTION_PARAMETER_TYPES]
            continue
        shape = ours(path)
        assert shape is not None, f"our shape has nothing at {'/'.join(path)}"
        rejected += [f"{'/'.join(path)} = {v!r}" for v in values if list(walk(v, shape, path))]
    assert not rejected, f"values of Microsoft's schema that our shape rejects: {rejected}"


def test_the_capabilities_microsoft_gives_as_examples_are_known(microsoft: dict) -> None:
    examples = microsoft["properties"]["properties"]["properties"]["capabilities"]["items"]["examples"]
    assert set(examples) <= set(CAPABILITIES)


def test_policy_tables_match_microsofts_templates(microsoft: dict) -> None:
    templates = {name: d for name, d in microsoft["definitions"].items() if name.startswith("PolicyTemplateInstance-")}
    assert len(templates) >= 13
    for name, definition in templates.items():
        ids = definition["properties"]["templateId"]["enum"]
        template = ids[0].lower()
        assert all(i.lower() == template for i in ids), name
        known = known_parameters(template)
        assert known is not None, f"{template} has no parameter list"
        parameters = definition["properties"]["parameters"]
        required = {PARAM + r for r in TEMPLATES[template]}
        assert set(parameters.get("required", [])) == required, f"required parameters of {template} differ"
        for param, sub in parameters["properties"].items():
            assert param in known, f"{template} takes {param}, which our table does not know"
            sub = follow(microsoft, sub["$ref"]) if "$ref" in sub else sub
            for value in sub.get("enum", []):
                assert not known[param] or value in known[param], f"{template}: {param} = {value!r}"


@pytest.mark.parametrize("document", [
    # multi-auth (Learn: "Multiple authentications on a custom connector")
    {"properties": {"iconBrandColor": "#000000", "connectionParameterSets": {
        "uiDefinition": {"displayName": "Authentication type", "description": "Pick one."},
        "values": [{"name": "key", "uiDefinition": {"displayName": "Key", "description": "Use a key."},
                    "parameters": {"api_key": {"type": "securestring", "uiDefinition": {
                        "displayName": "Key", "schema": {"type": "securestring", "description": "Your key"},
                        "constraints": {"required": "true", "clearText": False, "tabIndex": 3}}}}}]}}},
    # scriptOperations (Learn: paconn CLI), redirectMode GlobalPerConnector, boolean hidden/required,
    # AAD on-behalf-of flags, gatewaySettings and script (deployed certified connectors)
    {"properties": {"iconBrandColor": "#000000", "scriptOperations": [], "capabilities": ["gateway", "cloud"],
                    "script": {"language": "CSharpScript", "operationIds": ["A"]},
                    "connectionParameters": {
                        "token": {"type": "oauthSetting", "oAuthSettings": {
                            "identityProvider": "aad", "redirectMode": "GlobalPerConnector",
                            "properties": {"IsFirstParty": "False", "IsOnbehalfofLoginSupported": True},
                            "customParameters": {"tenantId": {}, "enableOnbehalfOfLogin": {"value": "false"}}},
                            "uiDefinition": {"constraints": {"hidden": True, "required": False}}},
                        "gateway": {"type": "gatewaySetting",
                                    "gatewaySettings": {"dataSourceType": "CustomConnector", "connectionDetails": []},
                                    "uiDefinition": {"constraints": {"capability": ["gateway"]}}},
                        "other": {"type": "string", "uiDefinition": None}}}},
])
def test_documented_newer_members_are_accepted(document: dict) -> None:
    assert list(walk(document, API_PROPERTIES)) == []
