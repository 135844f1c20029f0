"""Our structural check flags exactly the documents openapi-spec-validator rejects."""

from __future__ import annotations

import json

import pytest

from pbxconn.core.findings import Severity
from pbxconn.validate.config import Config
from pbxconn.validate.engine import validate_package
from pbxconn.validate.package import Package

STRUCTURE = Config(select=("SchemaViolation", "InvalidSchemaObject", "InvalidDefault"))


def _flags(pkg: Package) -> list:
    """Findings of the structural check (InvalidDefault is a warning, the others errors)."""
    return [f for f in validate_package(pkg, STRUCTURE) if f.severity >= Severity.WARNING]


def test_document_level_agreement_with_openapi_spec_validator_on_the_corpus(shared):
    from openapi_spec_validator import validate

    swaggers = sorted((shared / "corpus-sample").rglob("apiDefinition.swagger.json"))
    assert len(swaggers) >= 90
    ours, theirs, checked = set(), set(), 0
    for path in swaggers:
        pkg = Package.load(path)
        if pkg.swagger is None:  # the malformed ones: both tools refuse them before any check
            continue
        checked += 1
        name = path.parent.name
        if _flags(pkg):
            ours.add(name)
        try:
            validate(_without_file_response_roots(pkg.swagger))
        except Exception:
            theirs.add(name)
    assert checked >= 88
    assert ours == theirs
    assert len(theirs) >= 5  # the comparison is not vacuous


def _without_file_response_roots(swagger: dict) -> dict:
    """The swagger with each `type: file` response schema root made `string`/`binary`: where the
    Swagger 2.0 specification and Microsoft accept `file` and openapi-spec-validator does not,
    pbxconn follows the specification (see InvalidSchemaObject)."""
    import copy

    swagger = copy.deepcopy(swagger)
    items = swagger.get("paths") if isinstance(swagger.get("paths"), dict) else {}
    responses = [r for item in items.values() if isinstance(item, dict) for op in item.values()
                 if isinstance(op, dict) and isinstance(op.get("responses"), dict) for r in op["responses"].values()]
    if isinstance(swagger.get("responses"), dict):
        responses += list(swagger["responses"].values())
    for response in responses:
        schema = response.get("schema") if isinstance(response, dict) else None
        if isinstance(schema, dict) and schema.get("type") == "file":
            schema.update(type="string", format="binary")
    return swagger


@pytest.mark.parametrize("mutate, code", [
    (lambda s: s.pop("paths"), "SchemaViolation"),
    (lambda s: s["paths"]["/a"]["get"].update(responses={}), "SchemaViolation"),
    (lambda s: s["paths"]["/a"]["get"]["parameters"][0].update(default="x"), "InvalidDefault"),
    (lambda s: s["paths"]["/a"]["get"]["parameters"][0].update(enum=[1, 1]), "SchemaViolation"),
    (lambda s: s["paths"]["/a"]["get"]["responses"]["200"]["schema"].update(type="file"), "InvalidSchemaObject"),
    (lambda s: s["definitions"]["X"].update(default=None), "InvalidDefault"),
    (lambda s: s["definitions"]["X"].update(allOf=[{"type": "object"}], required=["ghost"]), "InvalidSchemaObject"),
])
def test_each_structural_defect_is_found_and_located(mutate, code):
    swagger = {
        "swagger": "2.0", "info": {"title": "t", "version": "1"},
        "paths": {"/a": {"get": {
            "parameters": [{"name": "n", "in": "query", "type": "integer"}],
            "responses": {"200": {"description": "ok", "schema": {"type": "object",
                                                                  "properties": {"x": {"$ref": "#/definitions/X"}}}}},
        }}},
        "definitions": {"X": {"type": "string"}},
    }
    clean = Package.from_files({"apiDefinition.swagger.json": json.dumps(swagger, indent=4).encode()}, "p")
    assert _flags(clean) == []
    mutate(swagger)
    pkg = Package.from_files({"apiDefinition.swagger.json": json.dumps(swagger, indent=4).encode()}, "p")
    found = _flags(pkg)
    assert code in {f.code for f in found} and len({f.pointer for f in found}) == len(found)
    assert found[0].line >= 1 and found[0].file == "p/apiDefinition.swagger.json"
