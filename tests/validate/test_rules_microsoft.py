"""Microsoft's published Swagger Validator rules as a set: the completeness check against the
reference list of 174 codes, rule metadata, a good document that none of the rules objects to,
robustness against odd JSON values, the upstream packages, and a property test of
PartialDuplicateOperationPath. Each rule's bad fixture and near miss live in rule_fixtures/ and
run in test_rule_fixtures.py."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest

from pbxconn.core.findings import Severity
from pbxconn.validate.config import Config
from pbxconn.validate.engine import validate_package
from pbxconn.validate.package import Package
from pbxconn.validate.registry import load_rules
from pbxconn.validate.rule import NOT_IMPLEMENTED, RULES


def _summary(name: str) -> dict:
    return {"x-ms-summary": name, "description": f"The {name.lower()}."}


def good() -> dict:
    """A small connector that none of the Microsoft-table rules objects to."""
    return {
        "swagger": "2.0",
        "info": {
            "title": "Sample PBX",
            "description": "Sample PBX lets you place calls and react to call events of your phone system.",
            "version": "1.0",
            "contact": {"name": "Sample", "url": "https://pbx.example.com", "email": "support@example.com"},
        },
        "host": "api.example.com",
        "basePath": "/v1",
        "schemes": ["https"],
        "consumes": ["application/json"],
        "produces": ["application/json"],
        "paths": {
            "/calls/{call_id}": {
                "get": {
                    "operationId": "GetCall", "summary": "Get a call", "description": "Gets one call.",
                    "parameters": [{"name": "call_id", "in": "path", "required": True, "type": "string",
                                    "x-ms-url-encoding": "single", **_summary("Call ID")}],
                    "responses": {"200": {"description": "OK", "schema": {"$ref": "#/definitions/Call"}},
                                  "404": {"description": "Not found"}},
                },
            },
            "/calls": {
                "get": {
                    "operationId": "ListCalls", "summary": "List calls", "description": "Lists calls.",
                    "parameters": [
                        {"name": "limit", "in": "query", "type": "integer", "format": "int32", "minimum": 1,
                         "maximum": 100, "default": 10, **_summary("Limit")},
                        {"name": "box", "in": "query", "type": "string", **_summary("Box"),
                         "x-ms-dynamic-values": {"operationId": "ListBoxes", "value-collection": "value",
                                                 "value-path": "id", "value-title": "name",
                                                 "parameters": {"kind": "voice"}}},
                        {"$ref": "#/parameters/Direction"},
                    ],
                    "responses": {"200": {"description": "OK", "schema": {
                        "type": "object", "properties": {"value": {"type": "array",
                                                                   "items": {"$ref": "#/definitions/Call"}}}}}},
                },
                "post": {
                    "operationId": "CreateCall", "summary": "Place a call", "description": "Places a call.",
                    "parameters": [{"name": "body", "in": "body", "required": True, **_summary("Call"),
                                    "schema": {"type": "object", "required": ["to", "mode"], "properties": {
                                        "to": {"type": "string", "pattern": "^[0-9+]+$", "minLength": 3,
                                               "maxLength": 20},
                                        "mode": {"type": "string", "default": "auto", "x-ms-visibility": "internal"},
                                    }}}],
                    "responses": {"201": {"description": "Created", "schema": {"$ref": "#/definitions/Call"}}},
                },
            },
            "/boxes": {
                "get": {
                    "operationId": "ListBoxes", "summary": "List boxes", "description": "Lists voicemail boxes.",
                    "x-ms-visibility": "internal",
                    "parameters": [{"name": "kind", "in": "query", "type": "string", **_summary("Kind")}],
                    "responses": {"200": {"description": "OK", "schema": {
                        "type": "object", "properties": {"value": {"type": "array", "items": {
                            "type": "object", "properties": {"id": {"type": "string"},
                                                             "name": {"type": "string"}}}}}}}},
                },
            },
            "/hooks": {
                "x-ms-notification-content": {"description": "A call event", "schema": {"$ref": "#/definitions/Call"}},
                "post": {
                    "operationId": "OnCallEvent", "summary": "When a call event happens",
                    "description": "Triggers on call events.", "x-ms-trigger": "single",
                    "parameters": [{"name": "body", "in": "body", "required": True, **_summary("Hook"),
                                    "schema": {"type": "object", "required": ["url"], "properties": {
                                        "url": {"type": "string", "x-ms-notification-url": True,
                                                "x-ms-visibility": "internal"}}}}],
                    "responses": {"201": {"description": "Created"}},
                },
            },
            "/hooks/{hook_id}": {
                "delete": {
                    "operationId": "DeleteHook", "summary": "Delete a hook", "description": "Deletes a hook.",
                    "x-ms-visibility": "internal",
                    "parameters": [{"name": "hook_id", "in": "path", "required": True, "type": "string",
                                    "x-ms-url-encoding": "single", **_summary("Hook ID")}],
                    "responses": {"200": {"description": "OK"}},
                },
            },
        },
        "definitions": {
            "Call": {"type": "object", "required": ["id"], "properties": {
                "id": {"type": "string"},
                "kind": {"type": "string", "enum": ["in", "out"],
                         "x-ms-enum-values": [{"value": "in", "displayName": "Incoming"},
                                              {"value": "out", "displayName": "Outgoing"}]},
                "duration": {"type": "integer", "format": "int32", "minimum": 0},
                "tags": {"type": "array", "items": {"type": "string"}, "minItems": 0, "maxItems": 10},
            }},
        },
        "parameters": {"Direction": {"name": "direction", "in": "query", "type": "string", "enum": ["in", "out"],
                                     **_summary("Direction")}},
        "responses": {},
        "securityDefinitions": {"API Key": {"type": "apiKey", "in": "header", "name": "Authorization"}},
        "security": [{"API Key": []}],
        "tags": [],
        "x-ms-connector-metadata": [
            {"propertyName": "Website", "propertyValue": "https://pbx.example.com"},
            {"propertyName": "Privacy policy", "propertyValue": "https://pbx.example.com/privacy"},
            {"propertyName": "Categories", "propertyValue": "Communication;Productivity"},
        ],
    }


def op(d: dict, path: str, method: str) -> dict:
    return d["paths"][path][method]


def param(d: dict, path: str, method: str, i: int = 0) -> dict:
    return op(d, path, method)["parameters"][i]


def call(d: dict) -> dict:
    return d["definitions"]["Call"]


def _mine() -> dict[str, type]:
    load_rules()
    return {code: cls for code, cls in RULES.items() if cls.origin == "microsoft"}


def run(doc: dict) -> list:
    """Findings of the Microsoft-table rules on a swagger document."""
    pkg = Package.from_files({"apiDefinition.swagger.json": json.dumps(doc, indent=4).encode()}, Path("/pkg"))
    return validate_package(pkg, Config(select=tuple(_mine())))


def test_good_fixture_is_clean() -> None:
    findings = run(good())
    assert [f"{f.code}: {f.message} @{f.pointer}" for f in findings] == []


def test_rule_metadata() -> None:
    for code, cls in _mine().items():
        assert cls.__name__ == code
        assert cls.origin == "microsoft"
        doc = cls.__doc__ or ""
        for section in ("What it does", "Why it matters", "Fix"):
            assert section in doc, f"{code} docstring lacks {section!r}"
        assert isinstance(cls.severity, Severity)


def test_rules_do_not_crash_on_odd_values() -> None:
    """Wrong JSON types everywhere give findings or nothing, never an InternalRuleError."""
    odd: list[Any] = [None, 1, "x", [], {}, True, [1, "a"], {"$ref": 3}]
    base = good()
    places = [
        lambda d, v: d.update({"paths": {"/a": {"get": v}}}),
        lambda d, v: d.update({"paths": {"/a": v}}),
        lambda d, v: op(d, "/calls", "get").update({"parameters": v}),
        lambda d, v: op(d, "/calls", "get").update({"parameters": [v]}),
        lambda d, v: op(d, "/calls", "get").update({"responses": v}),
        lambda d, v: op(d, "/calls", "get").update({"responses": {"200": v}}),
        lambda d, v: op(d, "/calls", "get").update({"x-ms-api-annotation": v, "x-ms-notification": v,
                                                    "x-ms-pageable": v}),
        lambda d, v: param(d, "/calls", "get", 1).update({"x-ms-dynamic-values": v, "x-ms-dynamic-list": v}),
        lambda d, v: call(d).update({"properties": v, "required": v, "enum": v, "items": v, "default": v}),
        lambda d, v: d.update({"definitions": {"X": v}, "parameters": {"Y": v}, "responses": {"Z": v}}),
        lambda d, v: d.update({"info": v, "security": v, "securityDefinitions": v, "tags": v,
                               "x-ms-connector-metadata": v, "schemes": v, "consumes": v, "host": v}),
        lambda d, v: d["securityDefinitions"].update({"API Key": v}),
        lambda d, v: param(d, "/hooks", "post").update({"schema": v}),
    ]
    for place in places:
        for value in odd:
            doc = copy.deepcopy(base)
            place(doc, value)
            crashed = [f.message for f in run(doc) if f.code == "InternalRuleError"]
            assert crashed == [], (value, crashed)


def _reference_codes(shared: Path) -> list[str]:
    path = shared / "reference" / "powerplatform-rules.md"
    if not path.is_file():
        pytest.skip(f"needs {path}")
    text = path.read_text(encoding="utf-8")
    section = text[text.index("## 1."):text.index("## 2.")]
    return re.findall(r"^\| \d+ \| `([A-Za-z]+)` \|", section, re.M)


def test_all_published_codes_are_covered(shared: Path) -> None:
    codes = _reference_codes(shared)
    assert len(codes) == 174 and len(set(codes)) == 174
    load_rules()
    missing = [c for c in codes if c not in RULES and c not in NOT_IMPLEMENTED]
    assert missing == []
    for code in codes:
        if code not in RULES:
            entry = NOT_IMPLEMENTED[code]
            assert entry.reason and entry.summary
    # nothing registered under a Microsoft-looking code that Microsoft does not publish
    assert sorted(set(_mine()) - set(codes)) == []


def test_upstream_packages_have_no_errors(shared: Path) -> None:
    select = tuple(_mine())
    for carrier in ("tele2", "lmt"):
        pkg = Package.load(shared / "upstream" / carrier)
        errors = [f"{f.code}: {f.message}" for f in validate_package(pkg, Config(select=select))
                  if f.severity is Severity.ERROR]
        assert errors == [], carrier


# --------------------------------------------------------------------------- shadowing paths

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_segment = st.sampled_from(["calls", "users", "recent", "{id}", "{userId}", "v1", "{a}b", "x{y}z"])
_paths = st.lists(st.lists(_segment, min_size=1, max_size=4).map(lambda s: "/" + "/".join(s)),
                  min_size=1, max_size=12, unique=True)


def _shadowing_pairs(paths: list[str]) -> set[tuple[str, str]]:
    """The rule's definition, written pair by pair: same length, no static segment disagrees,
    different shapes once every variable is blanked."""
    var = re.compile(r"\{([^{}]*)\}")
    out = set()
    for i, a in enumerate(paths):
        for b in paths[i + 1:]:
            sa, sb = a.strip("/").split("/"), b.strip("/").split("/")
            if len(sa) != len(sb) or var.sub("{}", a) == var.sub("{}", b):
                continue
            if all(var.fullmatch(x) or var.fullmatch(y) or x == y for x, y in zip(sa, sb)):
                out.add((b, a))
    return out


@settings(max_examples=150, deadline=None)
@given(_paths)
def test_partial_duplicate_paths_match_the_pairwise_definition(paths: list[str]) -> None:
    swagger = good()
    swagger["paths"] = {p: {"get": {"operationId": f"Op{i}", "responses": {"200": {"description": "ok"}}}}
                        for i, p in enumerate(paths)}
    pkg = Package.from_files({"apiDefinition.swagger.json": json.dumps(swagger).encode()}, "/nonexistent/p")
    found = {(f.message.split("'")[1], f.message.split("'")[3])
             for f in validate_package(pkg, Config(select=("PartialDuplicateOperationPath",)))}
    assert found == _shadowing_pairs(paths)
