"""A definition in OpenAPI 3, or without its `swagger` version, is reported once, not as a cascade."""

from __future__ import annotations

import json

from pbxconn.core.findings import Severity
from pbxconn.validate.engine import validate_package
from pbxconn.validate.package import Package

OPENAPI3 = {
    "openapi": "3.0.1",
    "info": {"title": "Demo", "version": "1.0", "description": "A demonstration connector for the tests."},
    "servers": [{"url": "https://api.example.com/v1"}],
    "paths": {"/items": {"get": {
        "operationId": "ListItems", "summary": "List items", "description": "Lists the items.",
        "parameters": [{"name": "q", "in": "query", "schema": {"type": "string"}}],
        "responses": {"200": {"description": "ok", "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/Item"}}}}}}}},
    "components": {"schemas": {"Item": {"type": "object", "properties": {"id": {"type": "string"}}}}},
}
SWAGGER2 = {
    "swagger": "2.0",
    "info": {"title": "Demo", "version": "1.0", "description": "A demonstration connector for the tests.",
             "contact": {"name": "Demo", "url": "https://example.com", "email": "a@example.com"}},
    "host": "api.example.com", "basePath": "/v1", "schemes": ["https"],
    "paths": {"/items": {"get": {
        "operationId": "ListItems", "summary": "List items", "description": "Lists the items.",
        "responses": {"200": {"description": "ok", "schema": {"type": "object"}}}}}},
}


def _swagger_findings(document: dict) -> list:
    text = json.dumps(document, indent=2)
    pkg = Package.from_files({"apiDefinition.swagger.json": text.encode()}, "/nonexistent/demo")
    return [f for f in validate_package(pkg) if f.file.endswith("apiDefinition.swagger.json")], text


def test_openapi3_is_one_error_at_the_openapi_key() -> None:
    findings, text = _swagger_findings(OPENAPI3)
    assert [(f.code, f.severity) for f in findings] == [("OpenApi3NotSupported", Severity.ERROR)]
    finding = findings[0]
    assert "OpenAPI 3.0.1 is not supported by Power Platform; convert the definition to Swagger 2.0" in finding.message
    assert finding.pointer == "/openapi"
    assert text.splitlines()[finding.line - 1][finding.column - 1:].startswith('"3.0.1"')


def test_a_swagger_document_is_not_taken_for_openapi3() -> None:
    findings, _ = _swagger_findings(dict(SWAGGER2, openapi="3.0.1"))  # a stray key, not OpenAPI 3
    assert "OpenApi3NotSupported" not in {f.code for f in findings}
    assert any(f.code == "ExtensionNameNotValid" and f.pointer == "/openapi" for f in findings)


def test_a_missing_swagger_version_is_reported_once() -> None:
    document = {k: v for k, v in SWAGGER2.items() if k != "swagger"}
    findings, _ = _swagger_findings(document)
    about = [f for f in findings if "swagger" in f.message.lower() and f.code != "RequiredPropertyMissing"]
    assert [(f.code, f.message) for f in about] == [
        ("SpecificationVersionIncorrect", 'the definition has no "swagger": "2.0" key')]


def test_a_wrong_swagger_version_is_reported_once() -> None:
    findings, _ = _swagger_findings(dict(SWAGGER2, swagger="3.0"))
    at_version = [f for f in findings if f.pointer == "/swagger"]
    assert [f.code for f in at_version] == ["SpecificationVersionIncorrect"]
