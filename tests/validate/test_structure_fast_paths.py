"""The shortcuts of the two Swagger rules (structure.py) change no finding.

SchemaViolation and InvalidSchemaObject share one walk of the swagger by a strict Swagger 2.0
validator; when it accepts the document, InvalidSchemaObject skips the draft-04 check of the
schemas the Swagger schema already checked. These properties pin the reasoning behind that.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pbxconn.validate import structure
from pbxconn.validate.package import Package
from pbxconn.validate.structure import (
    InvalidSchemaObject,
    SchemaViolation,
    _checked_as_schema,
    _file_schema_keys,
    _has_repeats,
    draft4_meta_validator,
    strict_swagger_validator,
)

_TYPES = st.sampled_from(["object", "string", "integer", "number", "boolean", "array", "null", "file", "date"])
_NUMBERS = st.one_of(st.integers(-3, 5), st.sampled_from([0.5, -1.5, 0.0]))
_ANY = st.one_of(st.none(), st.booleans(), _NUMBERS, st.sampled_from(["", "a", "b"]), st.just([]), st.just({}))


def _keyword_values(schema: st.SearchStrategy) -> dict[str, st.SearchStrategy]:
    """For each keyword, values valid and invalid under draft-04 and the Swagger schema."""
    strings = st.lists(st.sampled_from(["a", "b", 1]), max_size=3)
    return {
        "type": st.one_of(_TYPES, st.lists(_TYPES, max_size=3), _NUMBERS),
        "format": st.one_of(st.sampled_from(["int32", "binary"]), _NUMBERS),
        "title": st.one_of(st.just("t"), _NUMBERS), "description": st.one_of(st.just("d"), st.none()),
        "default": _ANY, "example": _ANY, "multipleOf": _NUMBERS, "maximum": _ANY, "minimum": _ANY,
        "exclusiveMaximum": _ANY, "exclusiveMinimum": _ANY, "maxLength": _NUMBERS, "minLength": _NUMBERS,
        "maxItems": _NUMBERS, "minItems": _NUMBERS, "maxProperties": _NUMBERS, "minProperties": _NUMBERS,
        "pattern": st.one_of(st.sampled_from(["^a+$", "(", "[a-"]), _NUMBERS), "uniqueItems": _ANY,
        "required": st.one_of(strings, _ANY), "enum": st.one_of(st.lists(_ANY, max_size=3), _ANY),
        "additionalProperties": st.one_of(st.booleans(), schema, _ANY),
        "items": st.one_of(schema, st.lists(schema, max_size=2), _ANY),
        "allOf": st.one_of(st.lists(schema, max_size=2), _ANY),
        "anyOf": st.lists(schema, max_size=2), "oneOf": st.lists(schema, max_size=2), "not": schema,
        "properties": st.one_of(st.dictionaries(st.sampled_from(["p", "q"]), schema, max_size=2), _ANY),
        "definitions": st.dictionaries(st.just("d"), schema, max_size=1),
        "patternProperties": st.dictionaries(st.just("^p"), schema, max_size=1),
        "dependencies": st.dictionaries(st.just("p"), st.one_of(schema, strings), max_size=1),
        "additionalItems": st.one_of(st.booleans(), schema), "discriminator": _ANY, "readOnly": _ANY,
        "xml": st.one_of(st.just({"name": "x"}), _ANY), "externalDocs": st.one_of(st.just({"url": "u"}), _ANY),
        "x-ms-summary": _ANY, "$ref": st.one_of(st.just("#/definitions/A"), _NUMBERS), "id": _ANY,
        "$schema": _ANY,
    }


def _schema_from(schema: st.SearchStrategy) -> st.SearchStrategy:
    """A schema-like object holding a few keywords, each with one of its values."""
    values = _keyword_values(schema)
    return st.lists(st.sampled_from(sorted(values)), max_size=4, unique=True).flatmap(
        lambda keys: st.fixed_dictionaries({key: values[key] for key in keys}))


# mostly valid schemas (a few keywords), nested a little
SCHEMAS = st.recursive(st.fixed_dictionaries({}, optional={"type": _TYPES}), _schema_from, max_leaves=6)


def _swagger(schema: Any) -> dict:
    """A small valid swagger holding `schema` at every place InvalidSchemaObject checks."""
    body = {"name": "b", "in": "body", "schema": schema}
    ok = {"description": "ok", "schema": schema}
    return {
        "swagger": "2.0", "info": {"title": "t", "version": "1"},
        "paths": {"/a": {"parameters": [body], "get": {"parameters": [body], "responses": {"200": ok}},
                         "post": {"parameters": [{"$ref": "#/parameters/P"}],
                                  "responses": {"default": {"$ref": "#/responses/R"}}},
                         "put": {"parameters": [{"name": "b", "in": "body", "schema": {"$ref": "#/definitions/A"}}],
                                 "responses": {"200": {"description": "ok"}}}}},
        "parameters": {"P": body}, "responses": {"R": ok}, "definitions": {"A": schema},
    }


def _places(swagger: dict) -> list[tuple[tuple, Any, bool]]:
    """(pointer, value, is a response root) of each schema in `_swagger`."""
    item = swagger["paths"]["/a"]
    return [
        (("definitions", "A"), swagger["definitions"]["A"], False),
        (("parameters", "P", "schema"), swagger["parameters"]["P"]["schema"], False),
        (("responses", "R", "schema"), swagger["responses"]["R"]["schema"], True),
        (("paths", "/a", "parameters", 0, "schema"), item["parameters"][0]["schema"], False),
        (("paths", "/a", "get", "parameters", 0, "schema"), item["get"]["parameters"][0]["schema"], False),
        (("paths", "/a", "get", "responses", "200", "schema"), item["get"]["responses"]["200"]["schema"], True),
    ]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(SCHEMAS)
@example({"type": "number", "exclusiveMinimum": True})  # the meta-schema rule the Swagger schema lacks
@example({"type": "file", "format": "binary", "x-ms-summary": "f"})
def test_a_strictly_valid_swagger_holds_only_valid_draft4_schemas_where_the_swagger_schema_checks(schema):
    swagger = _swagger(schema)
    if not strict_swagger_validator().is_valid(swagger):
        return
    for pointer, value, response_root in _places(swagger):
        assert _checked_as_schema(pointer)
        if response_root and value.get("type") == "file":  # InvalidSchemaObject checks it without `type`
            assert not list(_file_schema_keys(value, pointer))
            value = {k: v for k, v in value.items() if k != "type"}
        assert draft4_meta_validator().is_valid(value), (pointer, value)


def test_extension_paths_methods_and_codes_are_not_taken_as_checked():
    assert not _checked_as_schema(("paths", "x-a", "get", "responses", "200", "schema"))
    assert not _checked_as_schema(("paths", "/a", "x-get", "responses", "200", "schema"))
    assert not _checked_as_schema(("paths", "/a", "get", "responses", "x-200", "schema"))
    assert not _checked_as_schema(("x-defs", "A"))
    assert not _checked_as_schema(("definitions", "A", "properties", "p"))


def _findings(pkg: Package) -> list:
    return [(type(rule).__name__, v.pointer, v.args, v.severity)
            for rule in (SchemaViolation(), InvalidSchemaObject()) for v in rule.check(None, pkg)]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(SCHEMAS, st.sampled_from(["definitions", "parameters", "responses", "paths", "x-path"]))
@example({"type": "number", "exclusiveMaximum": True}, "definitions")
@example({"type": "file", "format": "binary", "x-ms-summary": "f"}, "responses")
@example({"type": "file", "items": {}}, "paths")
@example({"type": "file"}, "x-path")
def test_the_shortcuts_report_what_the_full_checks_report(schema, where):
    swagger = _swagger({"type": "object"})
    if where == "definitions":
        swagger["definitions"]["A"] = schema
    elif where == "parameters":
        swagger["parameters"]["P"]["schema"] = schema
    elif where == "responses":
        swagger["responses"]["R"]["schema"] = schema
    elif where == "paths":
        swagger["paths"]["/a"]["get"]["responses"]["200"]["schema"] = schema
    else:  # an extension the Swagger schema does not check, though pbxconn reads it as an operation
        swagger["paths"]["x-a"] = {"get": {"parameters": [{"name": "b", "in": "body", "schema": schema}]}}
    pkg = Package.from_files({"apiDefinition.swagger.json": json.dumps(swagger).encode()}, "c")
    fast = _findings(pkg)
    full_pkg = Package.from_files({"apiDefinition.swagger.json": json.dumps(swagger).encode()}, "c")
    original = structure._strict_is_valid
    structure._strict_is_valid = lambda swagger: False  # the full checks: no shortcut taken
    try:
        full = _findings(full_pkg)
    finally:
        structure._strict_is_valid = original
    assert fast == full


@given(st.lists(st.one_of(st.none(), st.booleans(), st.integers(-2, 2), st.sampled_from([0.0, 1.0, -0.0, 2.5]),
                          st.sampled_from(["", "a", "1"]), st.just([1]), st.just({"a": 1})), min_size=1, max_size=6))
def test_has_repeats_is_json_equality(values):
    keys = [json.dumps(v, sort_keys=True) for v in values]
    assert _has_repeats(values) == (len(set(keys)) != len(keys))
