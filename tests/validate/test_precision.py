"""Precision: an error is a defect Microsoft rejects or one that breaks the connector at run time.

Each test pins one finding that used to be an error although the specification and Microsoft
accept it (or it harms nothing at run time), and the neighbouring cases that must stay errors.
"""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path
from typing import Any, Callable

import pytest

from pbxconn.core.findings import Finding
from pbxconn.validate.config import Config
from pbxconn.validate.engine import validate_package
from pbxconn.validate.package import Package
from pbxconn.validate.rules import custom_code

HAS_MCS = shutil.which("mcs") is not None
NEEDS_MCS = pytest.mark.skipif(not HAS_MCS, reason="needs Mono's mcs (apt-get install mono-mcs)")

SWAGGER: dict[str, Any] = {
    "swagger": "2.0",
    "info": {"title": "Files", "version": "1.0", "description": "Downloads and uploads files."},
    "host": "files.example.com",
    "paths": {
        "/files/{id}": {"get": {
            "operationId": "GetFile",
            "parameters": [{"name": "id", "in": "path", "required": True, "type": "string"}],
            "responses": {"200": {"description": "The file", "schema": {"type": "object"}}}}},
        "/files": {"post": {
            "operationId": "UploadFile", "consumes": ["multipart/form-data"],
            "parameters": [{"name": "file", "in": "formData", "required": True, "type": "file"}],
            "responses": {"201": {"description": "Uploaded"}}}},
    },
}


def _package(swagger: dict | None = None, properties: dict | None = None, script: str | None = None) -> Package:
    """An in-memory package from a swagger, apiProperties and a script."""
    files = {"apiDefinition.swagger.json": json.dumps(swagger or SWAGGER, indent=2).encode(),
             "apiProperties.json": json.dumps(properties or {"properties": {}}).encode()}
    if script is not None:
        files["script.csx"] = script.encode()
    return Package.from_files(files, "/nonexistent/files")


def _swagger(mutate: Callable[[dict], Any]) -> dict:
    """SWAGGER changed by `mutate`."""
    swagger = copy.deepcopy(SWAGGER)
    mutate(swagger)
    return swagger


def _found(pkg: Package, *codes: str) -> list[Finding]:
    """Findings of the given codes."""
    return [f for f in validate_package(pkg, Config(select=codes)) if f.code in codes]


def _errors(pkg: Package, *codes: str) -> list[Finding]:
    """Error findings of the given codes."""
    return [f for f in _found(pkg, *codes) if f.severity.label == "error"]


def _get_file(swagger: dict) -> dict:
    return swagger["paths"]["/files/{id}"]["get"]


# --------------------------------------------------------------------------- type: file

@pytest.mark.parametrize("schema", [
    {"type": "file"},
    {"type": "file", "format": "binary", "description": "The file", "x-ms-summary": "File"},
])
def test_file_at_response_schema_root_is_accepted(schema: dict) -> None:
    swagger = _swagger(lambda s: _get_file(s)["responses"]["200"].update(schema=schema))
    assert _found(_package(swagger), "InvalidSchemaObject", "SchemaViolation") == []


def test_file_at_root_of_shared_response_is_accepted() -> None:
    def mutate(s: dict) -> None:
        s["responses"] = {"FileResponse": {"description": "The file", "schema": {"type": "file"}}}
        _get_file(s)["responses"]["200"] = {"$ref": "#/responses/FileResponse"}

    assert _found(_package(_swagger(mutate)), "InvalidSchemaObject", "SchemaViolation") == []


@pytest.mark.parametrize("mutate, pointer", [
    (lambda s: _get_file(s)["responses"]["200"].update(
        schema={"type": "object", "properties": {"content": {"type": "file"}}}),
     "/paths/~1files~1{id}/get/responses/200/schema/properties/content/type"),
    (lambda s: (s.update(definitions={"File": {"type": "file"}}),
                _get_file(s)["responses"]["200"].update(schema={"$ref": "#/definitions/File"})),
     "/definitions/File/type"),
    (lambda s: s["paths"]["/files"]["post"].update(
        parameters=[{"name": "body", "in": "body", "schema": {"type": "file"}}]),
     "/paths/~1files/post/parameters/0/schema/type"),
    (lambda s: _get_file(s)["responses"]["200"].update(schema={"type": "file", "properties": {"a": {}}}),
     "/paths/~1files~1{id}/get/responses/200/schema/properties"),
])
def test_file_anywhere_else_is_still_an_error(mutate: Callable[[dict], Any], pointer: str) -> None:
    found = _errors(_package(_swagger(mutate)), "InvalidSchemaObject")
    assert [f.pointer for f in found] == [pointer]


def test_no_file_response_root_flagged_in_certified_connectors(shared: Path) -> None:
    checked = 0
    for path in sorted((shared / "corpus-sample").rglob("apiDefinition.swagger.json")):
        pkg = Package.load(path)
        if not isinstance(pkg.swagger, dict):
            continue
        roots = {f"/paths/{p.replace('~', '~0').replace('/', '~1')}/{m}/responses/{status}/schema"
                 for p, item in pkg.swagger.get("paths", {}).items() if isinstance(item, dict)
                 for m, op in item.items() if isinstance(op, dict)
                 for status, resp in (op.get("responses") or {}).items()
                 if isinstance(resp, dict) and isinstance(resp.get("schema"), dict)
                 and resp["schema"].get("type") == "file"}
        if roots:
            checked += 1
            flagged = [f for f in _errors(pkg, "InvalidSchemaObject", "SchemaViolation")
                       if any(f.pointer == r or f.pointer.startswith(r + "/") for r in roots)]
            assert flagged == [], path.parent.name
    assert checked >= 1  # ZanranScaffolder


# --------------------------------------------------------------------------- SchemaViolation

def test_empty_responses_is_a_warning() -> None:
    swagger = _swagger(lambda s: _get_file(s).update(responses={}))
    [finding] = _found(_package(swagger), "SchemaViolation")
    assert finding.severity.label == "warning" and finding.pointer == "/paths/~1files~1{id}/get/responses"


def test_duplicate_enum_value_is_a_warning() -> None:
    swagger = _swagger(lambda s: _get_file(s)["parameters"][0].update(enum=["a", "b", "a"]))
    [finding] = _found(_package(swagger), "SchemaViolation")
    assert finding.severity.label == "warning" and "not unique" in finding.message


def test_other_schema_violations_stay_errors() -> None:
    swagger = _swagger(lambda s: _get_file(s)["parameters"][0].update(**{"in": "cookie"}))
    assert _errors(_package(swagger), "SchemaViolation")


# --------------------------------------------------------------------------- ScriptSyntaxError

SCRIPT_HEAD = ("public class Script : ScriptBase\n{\n"
               "    public override async Task<HttpResponseMessage> ExecuteAsync()\n    {\n")
SCRIPT_TAIL = "        return new HttpResponseMessage(HttpStatusCode.OK);\n    }\n}\n"
# Valid C# 7 that tree-sitter's grammar rejects: `field` read as the C# 13 keyword (line 7).
INDEX_INITIALIZERS = SCRIPT_HEAD + (
    "        var body = new JObject();\n"
    "        foreach (var field in body)\n"
    "        {\n"
    "            var copy = new JObject() { [field.Key] = field.Value };\n"
    "        }\n"
    "        var counts = new Dictionary<string, int> { [\"a\"] = 1, [\"b\"] = 2 };\n") + SCRIPT_TAIL
BROKEN = SCRIPT_HEAD + "        var x = new JObject(;\n" + SCRIPT_TAIL
USING_VAR = "        using var request = new HttpRequestMessage();\n        string? name = null;\n"


@pytest.fixture(autouse=True)
def _fresh_mcs_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Each test starts with empty mcs verdict caches (memory and disk)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(custom_code, "_VERDICTS", {}, raising=False)


def _syntax(script: str) -> list[Finding]:
    return _found(_package(script=script), "ScriptSyntaxError")


def test_tree_sitter_rejects_the_index_initializer() -> None:
    from pbxconn.csx.parse import parse_script

    assert [e.line for e in parse_script(INDEX_INITIALIZERS).syntax_errors] == [8]


@NEEDS_MCS
def test_index_initializers_are_not_syntax_errors_when_mcs_parses_them() -> None:
    assert _syntax(INDEX_INITIALIZERS) == []


def test_unconfirmed_syntax_error_is_a_warning_without_mono(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(custom_code, "find_mcs", lambda: None)
    [finding] = _syntax(INDEX_INITIALIZERS)
    assert finding.severity.label == "warning" and finding.line == 8
    assert "no C# compiler confirmed it" in finding.message


@NEEDS_MCS
def test_syntax_error_confirmed_by_mcs_is_an_error() -> None:
    [finding] = _syntax(BROKEN)
    assert finding.severity.label == "error" and (finding.line, finding.column) == (5, 28)
    assert "mcs agrees" in finding.message


@NEEDS_MCS
def test_newer_csharp_is_not_made_an_error() -> None:
    newer = INDEX_INITIALIZERS.replace("        var body", USING_VAR + "        var body")
    [finding] = _syntax(newer)
    assert finding.severity.label == "warning" and finding.line == 10
    assert "C# 8" in finding.message
    assert _syntax(SCRIPT_HEAD + USING_VAR + SCRIPT_TAIL) == []  # no tree-sitter error: mcs never asked


@NEEDS_MCS
def test_real_error_in_newer_csharp_is_still_an_error() -> None:
    [finding] = _syntax(BROKEN.replace("        var x", USING_VAR + "        var x"))
    assert finding.severity.label == "error" and finding.line == 7


def test_error_only_mcs_reports_is_a_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    only_mcs = custom_code.McsVerdict((custom_code.McsError(12, 5, "CS1525", "Unexpected symbol `}'"),))
    monkeypatch.setattr(custom_code, "find_mcs", lambda: shutil.which("sh") or "/bin/sh")
    monkeypatch.setattr(custom_code, "_run_mcs_parse", lambda mcs, text: only_mcs)
    [finding] = _syntax(INDEX_INITIALIZERS)  # tree-sitter's error (line 8) is not near mcs's
    assert finding.severity.label == "warning" and finding.line == 12 and "CS1525" in finding.message


def test_mcs_runs_only_on_tree_sitter_errors_and_once_per_content(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    def fake(mcs: str, text: str) -> custom_code.McsVerdict:
        calls.append(text)
        return custom_code.McsVerdict()

    monkeypatch.setattr(custom_code, "find_mcs", lambda: shutil.which("sh") or "/bin/sh")
    monkeypatch.setattr(custom_code, "_run_mcs_parse", fake)
    assert _syntax(SCRIPT_HEAD + SCRIPT_TAIL) == [] and calls == []
    assert _syntax(INDEX_INITIALIZERS) == [] and len(calls) == 1
    assert _syntax(INDEX_INITIALIZERS) == [] and len(calls) == 1  # in memory
    monkeypatch.setattr(custom_code, "_VERDICTS", {})
    assert _syntax(INDEX_INITIALIZERS) == [] and len(calls) == 1  # on disk


# --------------------------------------------------------------------------- HardcodedApiKey

GUID = "3f2504e0-4f89-41d3-9a0c-0305e82c3301"
RANDOM_32 = "q7Rk2vX9mT4pL8wN3zB6yH1cF5dJ0sGa"
HEX_32 = "9b2f4e7a1c3d5e6f8a0b1c2d3e4f5a6b"


def _param(name: str, **values: str) -> Package:
    param = {"name": name, "in": "query", "type": "string", **values}
    return _package(_swagger(lambda s: _get_file(s)["parameters"].append(param)))


def _keys(pkg: Package) -> list[Finding]:
    return _found(pkg, "HardcodedApiKey")


@pytest.mark.parametrize("name, values", [
    ("tenant_key", {"x-ms-test-value": GUID}),
    ("pageToken", {"example": "a3f9c2e17b4d8e05"}),
    ("object_key", {"default": "5f8d0c3a9b1e7f2d4c6a8e0b"}),
    ("api_key", {"x-ms-test-value": "a3f9c2e17b4d8e05"}),
    ("nextToken", {"example": RANDOM_32}),
    ("idempotency-key", {"example": RANDOM_32}),
    ("x-api-user", {"example": "u8f3Kq2LmZ9xW4vB7nR1tY6p"}),
])
def test_identifiers_and_non_secret_fields_are_not_errors(name: str, values: dict) -> None:
    assert [f for f in _keys(_param(name, **values)) if f.severity.label == "error"] == []


def test_guid_in_secret_field_is_only_a_warning() -> None:
    [finding] = _keys(_param("subscription_key", **{"x-ms-test-value": GUID}))
    assert finding.severity.label == "warning" and "GUID" in finding.message


def test_short_hex_id_in_secret_field_is_nothing() -> None:
    assert _keys(_param("api_key", example="a3f9c2e17b4d8e05")) == []


@pytest.mark.parametrize("value", [RANDOM_32, HEX_32])
def test_random_value_in_secret_field_is_still_an_error(value: str) -> None:
    [finding] = _keys(_param("X-Api-Key", example=value))
    assert finding.severity.label == "error"


def test_known_token_format_is_an_error_whatever_the_field() -> None:
    found = _found(_param("comment", example="AKIAQ3EGTRZ7K4HN2WXP"), "HardcodedAccessKey")
    assert [f.severity.label for f in found] == ["error"]


def test_guid_in_script_and_policy_is_only_a_warning() -> None:
    script = f'public class Script : ScriptBase {{ private const string ApiKey = "{GUID}"; }}\n'
    [in_script] = _keys(_package(script=script))
    policy = {"properties": {"policyTemplateInstances": [{"templateId": "setheader", "title": "key", "parameters": {
        "x-ms-apimTemplateParameter.name": "X-Api-Key", "x-ms-apimTemplateParameter.value": GUID,
        "x-ms-apimTemplateParameter.existsAction": "override", "x-ms-apimTemplate-parameterTrigger": "request"}}]}}
    [in_policy] = _keys(_package(properties=policy))
    assert in_script.severity.label == in_policy.severity.label == "warning"


# --------------------------------------------------------------------------- stale operationIds

def test_policy_naming_an_unknown_operation_is_a_warning() -> None:
    policy = {"properties": {"policyTemplateInstances": [{"templateId": "setheader", "title": "Accept", "parameters": {
        "x-ms-apimTemplateParameter.name": "Accept", "x-ms-apimTemplateParameter.value": "application/json",
        "x-ms-apimTemplateParameter.existsAction": "override", "x-ms-apimTemplate-parameterTrigger": "request",
        "x-ms-apimTemplate-operationName": ["GetFile", "GetFileV1"]}}]}}
    [finding] = _found(_package(properties=policy), "PolicyOperationMissing")
    assert finding.severity.label == "warning" and "'GetFileV1'" in finding.message


def test_script_branch_for_an_unknown_operation_is_a_warning() -> None:
    script = SCRIPT_HEAD + '        if (this.Context.OperationId == "GetFileV1") { }\n' + SCRIPT_TAIL
    [finding] = _found(_package(script=script), "ScriptOperationIdUnknown")
    assert finding.severity.label == "warning" and finding.line == 5
