"""Loading packages: parse problems with exact positions, roles, $ref-resolved indexes."""

from __future__ import annotations

import json

import pytest

from pbxconn.validate.package import Package

GOOD_PROPS = json.dumps({"properties": {"policyTemplateInstances": [{"templateId": "x"}, "junk"]}}).encode()


def _problems(pkg, role):
    return [(p.code, p.line, p.column) for p in pkg.files[role].problems]


def test_trailing_comma_is_reported_at_its_position_and_other_files_still_load():
    swagger = b'{\n  "swagger": "2.0",\n  "info": {"title": "x",}\n}'
    pkg = Package.from_files({"apiDefinition.swagger.json": swagger, "apiProperties.json": GOOD_PROPS}, "c")
    assert _problems(pkg, "swagger") == [("InvalidJson", 3, 24)]  # at the trailing comma
    assert pkg.swagger is None
    assert pkg.properties is not None and len(pkg.policies) == 1


def test_bom_is_an_error_but_the_content_is_still_read():
    pkg = Package.from_files({"apiDefinition.swagger.json": b'\xef\xbb\xbf{"swagger": "2.0"}'}, "c")
    assert _problems(pkg, "swagger") == [("BomPresent", 1, 1)]
    assert pkg.swagger == {"swagger": "2.0"}
    assert pkg.locate("swagger", "/swagger") == (1, 13)


def test_invalid_utf8_is_reported_at_the_byte():
    pkg = Package.from_files({"apiProperties.json": b'{\n "a": "x\xffy"\n}'}, "c")
    assert ("InvalidEncoding", 2, 9) in _problems(pkg, "properties")


@pytest.mark.parametrize("data, code", [
    (b"", "InvalidJson"), (b"  \n", "InvalidJson"), (b"[1, 2]", "DocumentNotObject"), (b"null", "DocumentNotObject"),
    (b'{"a": NaN}', "InvalidJson"), (b'{"a": "\x01"}', "InvalidJson"), (b'{"a": 1 "b": 2}', "InvalidJson"),
    (b"[" * 100000, "InvalidJson"), (b'{"a": ' + b"9" * 5000 + b"}", "InvalidJson"),
])
def test_unreadable_json_is_a_problem_never_an_exception(data, code):
    pkg = Package.from_files({"apiDefinition.swagger.json": data}, "c")
    problems = pkg.files["swagger"].problems
    assert [p.code for p in problems] == [code]
    assert problems[0].line >= 1 and problems[0].column >= 1
    assert pkg.swagger is None and pkg.operations == [] and pkg.schemas == []


def test_nan_position_is_exact():
    pkg = Package.from_files({"apiDefinition.swagger.json": b'{"s": "NaN",\n "a": -Infinity}'}, "c")
    assert _problems(pkg, "swagger") == [("InvalidJson", 2, 7)]


@pytest.mark.parametrize("name", ["readme.md", "README.MD", "Readme.md", "README.md"])
def test_readme_in_any_case(name):
    pkg = Package.from_files({name: b"# hi", "icon.png": b"\x89PNG", "script.csx": b"class Script {}"}, "c")
    assert pkg.readme_text == "# hi" and pkg.script_text == "class Script {}" and "icon" in pkg.files


SWAGGER = {
    "swagger": "2.0",
    "paths": {
        "/calls/{id}": {
            "parameters": [{"name": "id", "in": "path", "type": "string", "required": True},
                           {"name": "limit", "in": "query", "type": "integer"}],
            "get": {
                "operationId": "GetCall",
                "parameters": [{"$ref": "#/parameters/Limit"}, {"$ref": "#/parameters/Missing"}],
                "responses": {"200": {"$ref": "#/responses/Call"}, "x-note": {}},
            },
            "post": {
                "operationId": "PostCall",
                "parameters": [{"name": "body", "in": "body", "schema": {"$ref": "#/definitions/Node"}}],
                "responses": {"default": {"description": "d", "schema": {"type": "array", "items": {"$ref": "#/definitions/Node"}}}},
                "x-ms-notification-content": {"schema": {"type": "object", "properties": {"n": {"$ref": "#/definitions/Node"}}}},
            },
            "x-ms-whatever": {},
        },
        "/broken": "not an object",
    },
    "parameters": {"Limit": {"name": "limit", "in": "query", "type": "integer", "maximum": 100}},
    "responses": {"Call": {"description": "ok", "schema": {"$ref": "#/definitions/Call"}}},
    "definitions": {
        "Node": {"type": "object", "properties": {"child": {"$ref": "#/definitions/Node"},
                                                   "kids": {"type": "array", "items": {"$ref": "#/definitions/Node"}}}},
        "Call": {"allOf": [{"$ref": "#/definitions/Node"}, {"properties": {"at": {"type": "string"}}}],
                 "additionalProperties": {"type": "string"}},
        "Loop": {"$ref": "#/definitions/Loop"},
    },
}


@pytest.fixture()
def pkg():
    return Package.from_files({"apiDefinition.swagger.json": json.dumps(SWAGGER, indent=4).encode(),
                               "apiProperties.json": GOOD_PROPS}, "connectors/demo")


def test_operations_and_effective_parameters(pkg):
    assert [(o.method, o.op["operationId"]) for o in pkg.operations] == [("get", "GetCall"), ("post", "PostCall")]
    get = pkg.operations_by_id["GetCall"]
    params = {(p.param.get("name"), p.param.get("in")): p for p in get.parameters}
    limit = params[("limit", "query")]
    assert limit.param["maximum"] == 100  # the operation's $ref overrides the path-level one
    assert limit.pointer == ("parameters", "Limit")
    assert limit.used_at == ("paths", "/calls/{id}", "get", "parameters", 0)
    assert params[("id", "path")].pointer == ("paths", "/calls/{id}", "parameters", 0)
    assert limit.operation is get
    assert any("$ref" in p.param for p in get.parameters)  # the broken reference is kept, unresolved
    assert [p.operation for p in pkg.parameters][-1] is None  # top-level definitions come last


def test_responses_resolved(pkg):
    got = [(r.operation.op["operationId"], r.status, r.pointer) for r in pkg.responses]
    assert got == [("GetCall", "200", ("responses", "Call")),
                   ("PostCall", "default", ("paths", "/calls/{id}", "post", "responses", "default"))]


def test_schemas_each_place_once_and_cycle_safe(pkg):
    pointers = [tuple(map(str, s.pointer)) for s in pkg.schemas]
    assert len(pointers) == len(set(pointers))
    assert ("definitions", "Node") in pointers and ("definitions", "Call", "allOf", "1", "properties", "at") in pointers
    assert ("definitions", "Call", "additionalProperties") in pointers
    assert ("paths", "/calls/{id}", "post", "x-ms-notification-content", "schema") in pointers
    node = next(s for s in pkg.schemas if s.pointer == ("definitions", "Node"))
    assert node.role == "parameter" and node.operation is pkg.operations_by_id["PostCall"]
    kids = next(s for s in pkg.schemas if s.pointer == ("definitions", "Node", "properties", "kids"))
    assert kids.role == "property" and kids.name == "kids" and kids.parent is node


def test_resolve_never_raises(pkg):
    assert pkg.resolve({"$ref": "#/definitions/Loop"}) == ({"$ref": "#/definitions/Loop"}, None)
    assert pkg.resolve({"$ref": "http://elsewhere/x.json"})[1] is None
    assert pkg.resolve({"$ref": 5})[1] is None
    assert pkg.resolve({"$ref": "#/definitions/Node"})[1] == ("definitions", "Node")
    assert pkg.resolve([1]) == ([1], None)


def test_locate_points_into_the_original_text(pkg):
    text = pkg.files["swagger"].text.split("\n")
    line, col = pkg.locate("swagger", "/paths/~1calls~1{id}/get/operationId")
    assert text[line - 1][col - 1:].startswith('"GetCall"')
    assert pkg.locate("swagger", ("paths", "/calls/{id}", "get", "nope")) == pkg.locate(
        "swagger", ("paths", "/calls/{id}", "get"))
    assert pkg.locate("settings", "/a") == (0, 0)
    assert pkg.file_label("settings") == "connectors/demo/settings.json"


def test_load_folder_and_single_file(shared):
    folder = shared / "upstream" / "tele2"
    pkg = Package.load(folder)
    assert set(pkg.files) == {"swagger", "properties", "readme"} and pkg.kind == "folder"
    assert pkg.operations and pkg.policies
    single = Package.load(folder / "apiDefinition.swagger.json")
    assert set(single.files) == {"swagger"} and single.kind == "file"
    assert single.file_label("swagger") == str(folder / "apiDefinition.swagger.json")


@pytest.mark.parametrize("raw, message, position", [
    (b'{"a": [1, 2,]}', "trailing comma: the last member of an array", (1, 12)),
    (b'{"a": 1 "b": 2}', "missing comma between two members or values", (1, 9)),
    (b'{"a": "x', "unterminated string", (1, 7)),
    (b"{'a': 1}", "a property name must be a string in double quotes", (1, 2)),
    (b'{"a" 1}', "missing ':' after a property name", (1, 6)),
    (b'{"a": 1} x', "text after the end of the JSON document", (1, 10)),
])
def test_json_syntax_errors_are_named_for_people_where_they_are_fixed(raw, message, position):
    pkg = Package.from_files({"apiDefinition.swagger.json": raw}, "c")
    (problem,) = pkg.files["swagger"].problems
    assert problem.message == f"invalid JSON: {message}" or problem.message.startswith(f"invalid JSON: {message}")
    assert (problem.line, problem.column) == position
