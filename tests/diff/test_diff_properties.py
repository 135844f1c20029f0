"""Properties of the comparison: where a schema is written is never a change; any removed
response field is always caught, with its pointer."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any, Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diff_samples import PROPERTIES, SWAGGER, package
from pbxconn.core.pointer import to_pointer
from pbxconn.diff.compare import compare

METHODS = ("get", "put", "post", "delete", "patch")
FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _schema_sites(node: Any, at: tuple) -> Iterator[tuple]:
    """`at` and every property / items schema below it."""
    if not isinstance(node, dict) or "$ref" in node:
        return
    yield at
    for name, child in (node.get("properties") or {}).items():
        yield from _schema_sites(child, at + ("properties", name))
    if isinstance(node.get("items"), dict):
        yield from _schema_sites(node["items"], at + ("items",))


def schema_sites(doc: dict) -> list[tuple]:
    """Every place an inline schema (or a parameter) could be moved to a shared definition."""
    sites: list[tuple] = []
    for path, item in doc["paths"].items():
        content = item.get("x-ms-notification-content")
        if isinstance(content, dict) and "schema" in content:
            sites += _schema_sites(content["schema"], ("paths", path, "x-ms-notification-content", "schema"))
        for method in METHODS:
            op = item.get(method)
            if not isinstance(op, dict):
                continue
            for i, param in enumerate(op.get("parameters", [])):
                sites.append(("paths", path, method, "parameters", i))
                if "schema" in param:
                    sites += _schema_sites(param["schema"], ("paths", path, method, "parameters", i, "schema"))
            for status, response in op.get("responses", {}).items():
                sites.append(("paths", path, method, "responses", status))
                if "schema" in response:
                    sites += _schema_sites(response["schema"], ("paths", path, method, "responses", status, "schema"))
    return sites


def get(doc: Any, path: tuple) -> Any:
    for part in path:
        doc = doc[part]
    return doc


def extract(doc: dict, sites: list[tuple]) -> dict:
    """A copy of `doc` where each site is replaced by a `$ref` to a new shared definition."""
    doc = copy.deepcopy(doc)
    for n, site in enumerate(sorted(sites, key=len, reverse=True)):
        parent, key = get(doc, site[:-1]), site[-1]
        if len(site) == 5 and site[3] == "parameters":
            table, name = doc.setdefault("parameters", {}), f"param{n}"
        elif len(site) == 5 and site[3] == "responses":
            table, name = doc.setdefault("responses", {}), f"response{n}"
        else:
            table, name = doc.setdefault("definitions", {}), f"Schema{n}"
        table[name] = parent[key]
        section = "parameters" if table is doc.get("parameters") else \
            "responses" if table is doc.get("responses") else "definitions"
        parent[key] = {"$ref": f"#/{section}/{name}"}
    return doc


def response_fields(doc: dict) -> list[tuple]:
    """Paths of every field of every response schema."""
    return [s for s in schema_sites(doc) if "responses" in s and s[-2] == "properties"]


def _compare(old: dict, new: dict, props: dict = PROPERTIES) -> list:
    return compare(package(old, props, "old"), package(new, props, "new"))


def _extraction_is_not_a_change(doc: dict, props: dict, data: st.DataObject) -> None:
    sites = data.draw(st.lists(st.sampled_from(schema_sites(doc)), unique=True, max_size=25))
    moved = extract(doc, sites)
    assert _compare(doc, moved, props) == []
    assert _compare(moved, doc, props) == []


def _removed_field_is_breaking(doc: dict, props: dict, data: st.DataObject) -> None:
    site = data.draw(st.sampled_from(response_fields(doc)))
    sites = data.draw(st.lists(st.sampled_from(schema_sites(doc)), unique=True, max_size=10))
    new = copy.deepcopy(doc)
    del get(new, site[:-1])[site[-1]]
    findings = _compare(extract(doc, sites), new, props)
    hits = [f for f in findings if f.code == "ResponseFieldRemoved"]
    assert [f.extra["old_pointer"] for f in hits] == [to_pointer(site)]
    assert hits[0].extra["class"] == "breaking" and hits[0].file == "old/apiDefinition.swagger.json"
    assert hits[0].line > 0
    assert all(f.extra["class"] == "non-breaking" for f in findings if f is not hits[0])


@FAST
@given(st.data())
def test_moving_schemas_into_definitions_is_not_a_change(data: st.DataObject) -> None:
    _extraction_is_not_a_change(SWAGGER, PROPERTIES, data)


@FAST
@given(st.data())
def test_any_removed_response_field_is_breaking(data: st.DataObject) -> None:
    _removed_field_is_breaking(SWAGGER, PROPERTIES, data)


@pytest.fixture(scope="module")
def published(shared: Path) -> tuple[dict, dict]:
    folder = shared / "upstream" / "lmt"
    return (json.loads((folder / "apiDefinition.swagger.json").read_text(encoding="utf-8")),
            json.loads((folder / "apiProperties.json").read_text(encoding="utf-8")))


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_published_connector_with_schemas_moved_is_unchanged(published: tuple[dict, dict],
                                                             data: st.DataObject) -> None:
    _extraction_is_not_a_change(*published, data)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_published_connector_losing_any_response_field_is_breaking(published: tuple[dict, dict],
                                                                   data: st.DataObject) -> None:
    _removed_field_is_breaking(*published, data)
