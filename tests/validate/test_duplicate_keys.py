"""A key written twice in one JSON object is found, in every JSON file, at the repetition."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from pbxconn.core.findings import Severity
from pbxconn.core.sourcemap import duplicate_keys
from pbxconn.validate.config import Config
from pbxconn.validate.engine import validate_package
from pbxconn.validate.package import Package, read_source

SWAGGER = """{
  "swagger": "2.0",
  "info": {"title": "Demo", "version": "1.0"},
  "paths": {
    "/calls": {
      "get": {
        "operationId": "ListCalls",
        "summary": "List calls",
        "responses": {"200": {"description": "ok"}},
        "summary": %s
      }
    }
  }
}
"""


def _duplicates(files: dict[str, str]) -> list:
    pkg = Package.from_files({name: text.encode() for name, text in files.items()}, "/nonexistent/demo")
    return [f for f in validate_package(pkg, Config(select=("DuplicateKey",))) if f.code == "DuplicateKey"]


def test_repeated_key_with_another_value_is_an_error_at_the_repetition() -> None:
    text = SWAGGER % '"List all calls"'
    [finding] = _duplicates({"apiDefinition.swagger.json": text})
    assert finding.severity == Severity.ERROR
    assert (finding.line, finding.column) == (10, 9)  # the second "summary"
    assert "first at line 8:9" in finding.message and "different value" in finding.message
    assert finding.pointer == "/paths/~1calls/get/summary"


def test_repeated_key_with_the_same_value_is_a_warning() -> None:
    [finding] = _duplicates({"apiDefinition.swagger.json": SWAGGER % '"List calls"'})
    assert finding.severity == Severity.WARNING and "same value" in finding.message


def test_same_key_in_different_objects_is_not_a_duplicate() -> None:
    text = '{"swagger": "2.0", "info": {"title": "t", "version": "1", "x": {"title": "t"}}, "paths": {}}'
    assert _duplicates({"apiDefinition.swagger.json": text}) == []


def test_keys_spelled_differently_are_compared_decoded() -> None:
    found = duplicate_keys('{"a": 1, "\\u0061": 1, "A": 2}')
    assert [(d.key, d.same) for d in found] == [("a", True)]


def test_api_properties_and_settings_are_checked_too() -> None:
    properties = '{"properties": {"iconBrandColor": "#000000", "iconBrandColor": "#ffffff"}}'
    settings_json = '{"icon": "icon.png", "icon": "icon.png"}'
    found = _duplicates({"apiDefinition.swagger.json": SWAGGER.replace(',\n        "summary": %s', ""),
                         "apiProperties.json": properties, "settings.json": settings_json})
    assert sorted((f.file.rsplit("/", 1)[-1], f.severity) for f in found) == [
        ("apiProperties.json", Severity.ERROR), ("settings.json", Severity.WARNING)]


def test_the_common_case_records_no_problem() -> None:
    source = read_source("swagger", "x", SWAGGER.replace(',\n        "summary": %s', "").encode())
    assert source.problems == [] and source.value["paths"]["/calls"]["get"]["summary"] == "List calls"


# --- property: the finder agrees with the document it was generated from -------------------------

KEYS = st.sampled_from(["a", "b", "type", "é", 'q"', "x/y"])
SCALARS = st.none() | st.booleans() | st.integers(-3, 3) | st.sampled_from(["", "s", "a"])
NODES = st.recursive(
    SCALARS,
    lambda inner: st.tuples(st.just("array"), st.lists(inner, max_size=3))
    | st.tuples(st.just("object"), st.lists(st.tuples(KEYS, inner), max_size=4)),
    max_leaves=20)


def render(node: Any, gap: str, ascii_only: bool) -> str:
    """JSON text of a generated node, members in the generated order (repeats kept)."""
    if isinstance(node, tuple) and node[0] == "array":
        return "[" + gap + ("," + gap).join(render(n, gap, ascii_only) for n in node[1]) + gap + "]"
    if isinstance(node, tuple):
        members = [json.dumps(k, ensure_ascii=ascii_only) + gap + ":" + gap + render(v, gap, ascii_only)
                   for k, v in node[1]]
        return "{" + gap + ("," + gap).join(members) + gap + "}"
    return json.dumps(node)


def value_of(node: Any) -> Any:
    """What json.loads makes of a generated node (a repeated key keeps the last value)."""
    if isinstance(node, tuple) and node[0] == "array":
        return [value_of(n) for n in node[1]]
    if isinstance(node, tuple):
        return {k: value_of(v) for k, v in node[1]}
    return node


def expected(node: Any, path: tuple = ()) -> list[tuple]:
    """(object path, key, same as the first occurrence) of every repetition, in text order."""
    out: list[tuple] = []
    if isinstance(node, tuple) and node[0] == "array":
        for i, child in enumerate(node[1]):
            out += expected(child, path + (str(i),))
    elif isinstance(node, tuple):
        first: dict[str, Any] = {}
        for key, child in node[1]:
            if key in first:
                same = json.dumps(value_of(first[key]), sort_keys=True) == json.dumps(value_of(child), sort_keys=True)
                out.append((path, key, same))
            else:
                first[key] = child
            out += expected(child, path + (key,))
    return out


@settings(max_examples=300, deadline=None)
@given(st.tuples(st.just("object"), st.lists(st.tuples(KEYS, NODES), max_size=5)),
       st.sampled_from(["", " ", "\n  ", "\t"]), st.booleans())
def test_duplicate_finder_matches_the_generated_document(node: Any, gap: str, ascii_only: bool) -> None:
    text = render(node, gap, ascii_only)
    found = duplicate_keys(text)
    assert [(d.path, d.key, d.same) for d in found] == expected(node)
    for d in found:
        spelled = json.dumps(d.key, ensure_ascii=ascii_only)
        assert text.startswith(spelled, d.first) and text.startswith(spelled, d.second)
        assert d.first < d.second
    # the loader records a problem exactly when there is a repetition, and parses as before
    source = read_source("settings", "settings.json", text.encode())
    assert source.value == json.loads(text)
    assert len([p for p in source.problems if p.code == "DuplicateKey"]) == len(found)
