"""Every endpoint, parameter and resource field of the extension PBX reference (seed 003) is in
each generated extension-family package, with its type, required flag, default and allowed values.

The seed is read from ../shared; without it the test is skipped. Deliberate corrections of the seed
are listed in FIXES (and, with their reasons, in docs/extension-family.md); nothing else may differ.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from seed003 import SEED_PATH, SeedRow, load_seed

REPO = Path(__file__).resolve().parents[2]

# (method, path, section, name) -> ({attribute: the value the package has instead}, reason)
FIXES: dict[tuple[str, str, str, str], tuple[dict[str, Any], str]] = {
    ("POST", "/extension/{extension_id}/event/", "json", "method"):
        ({"allowed": ["POST"], "default": "POST"},
         "events sent with GET travel in headers, which a flow cannot read; fixed to POST and hidden"),
}
# Named models the seed uses but never defines, and the definition each array item refers to.
NAMED_ITEMS = {"call_mdl": "CurrentCall", "context_model": "IvrContext"}


def _extension_packages() -> list[Path]:
    folders = []
    for path in sorted((REPO / "carriers").glob("*.yaml")):
        if yaml.safe_load(path.read_text("utf-8")).get("family") == "extension":
            folders.append(REPO / "connectors" / path.stem)
    return folders


PACKAGES = _extension_packages()


@pytest.fixture(scope="module")
def seed():
    endpoints = load_seed()
    if endpoints is None:
        pytest.skip(f"needs the extension PBX reference at {SEED_PATH} (absent)")
    return endpoints


def _value(token: str | None, seed_type: str) -> Any:
    if token is None:
        return None
    if token in ("True", "False"):
        return token == "True"
    if token == "[]":
        return []
    if seed_type == "integer" and re.fullmatch(r"-?\d+", token):
        return int(token)
    return token


def _resolve(swagger: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = swagger["definitions"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _type_problems(swagger: dict, schema: dict, seed_type: str) -> list[str]:
    """What is wrong with `schema` (a parameter or a property) for the seed's type token."""
    array = re.fullmatch(r"array \[(\w+)\]", seed_type)
    if not array:
        return [] if schema.get("type") == seed_type else [f"type {schema.get('type')!r}, seed {seed_type!r}"]
    if schema.get("type") != "array":
        return [f"type {schema.get('type')!r}, seed {seed_type!r}"]
    inner, items = array.group(1), schema.get("items", {})
    if inner in NAMED_ITEMS:
        return [] if items.get("$ref") == f"#/definitions/{NAMED_ITEMS[inner]}" else [f"items {items}, seed {inner}"]
    want = inner if inner in ("integer", "string", "boolean") else "object"
    return [] if items.get("type") == want else [f"items {items}, seed {inner}"]


def _operation(swagger: dict, method: str, path: str) -> dict | None:
    return swagger["paths"].get(path, {}).get(method.lower())


def _success_schema(swagger: dict, op: dict) -> dict:
    for status in ("200", "201"):
        schema = op["responses"].get(status, {}).get("schema")
        if schema:
            schema = _resolve(swagger, schema)
            return _resolve(swagger, schema["items"]) if schema.get("type") == "array" else schema
    return {}


def _compare(swagger: dict, method: str, path: str, row: SeedRow, target: dict, required: bool) -> list[str]:
    """Type, required flag, default and allowed values of one row against what the package has."""
    fix = FIXES.get((method, path, row.section, row.name), ({}, ""))[0]
    problems = _type_problems(swagger, target, row.type)
    if row.section != "resource" and required != row.required:
        problems.append(f"required {required}, seed {row.required}")
    allowed = [_value(a, row.type) for a in row.allowed] if row.allowed else None
    allowed = fix.get("allowed", allowed)
    if target.get("enum") != allowed:
        problems.append(f"enum {target.get('enum')}, seed {allowed}")
    # A partial PUT must not reset fields the caller left out, so PUT bodies carry no defaults.
    default = None if (method == "PUT" and row.section == "json") else _value(row.default, row.type)
    default = fix.get("default", default)
    if target.get("default") != default:
        problems.append(f"default {target.get('default')!r}, seed {default!r}")
    if not (target.get("description") and (target.get("x-ms-summary") or target.get("title"))):
        problems.append("no description or title")
    return problems


def _check_endpoint(swagger: dict, endpoint, counts: dict[str, int]) -> list[str]:
    op = _operation(swagger, endpoint.method, endpoint.path)
    where = f"{endpoint.method} {endpoint.path}"
    if op is None:
        return [f"{where}: no operation"]
    counts["endpoints"] += 1
    problems = []
    params = {(p["in"], p["name"]): p for p in op.get("parameters", [])}
    body = next((p for p in op.get("parameters", []) if p["in"] == "body"), None)
    body_schema = _resolve(swagger, body["schema"]) if body else {}
    output = _success_schema(swagger, op)
    for row in endpoint.rows:
        if row.section == "json":
            target, required = body_schema.get("properties", {}).get(row.name), row.name in body_schema.get("required", [])
        elif row.section == "resource":
            target, required = output.get("properties", {}).get(row.name), False
        else:
            kind = {"path": "path", "query": "query", "form": "formData"}[row.section]
            param = params.get((kind, row.name))
            target, required = param, bool(param and param.get("required"))
        if target is None:
            problems.append(f"{where}: {row.section} {row.name}: missing")
            continue
        found = _compare(swagger, endpoint.method, endpoint.path, row, target, required)
        problems += [f"{where}: {row.section} {row.name}: {p}" for p in found]
        if not found:
            counts["fields" if row.section == "resource" else "parameters"] += 1
    return problems


@pytest.mark.parametrize("package", PACKAGES, ids=[p.name for p in PACKAGES])
def test_every_endpoint_parameter_and_field_of_the_reference_is_in_the_package(seed, package, capsys):
    swagger = json.loads((package / "apiDefinition.swagger.json").read_text("utf-8"))
    counts = {"endpoints": 0, "parameters": 0, "fields": 0}
    problems = [p for endpoint in seed for p in _check_endpoint(swagger, endpoint, counts)]
    total_params = sum(1 for e in seed for r in e.rows if r.section != "resource")
    total_fields = sum(1 for e in seed for r in e.rows if r.section == "resource")
    with capsys.disabled():
        print(f"\n{package.name}: {counts['endpoints']}/{len(seed)} endpoints, "
              f"{counts['parameters']}/{total_params} parameters, {counts['fields']}/{total_fields} fields")
    assert problems == []
    assert (counts["endpoints"], counts["parameters"], counts["fields"]) == (len(seed), total_params, total_fields)


@pytest.mark.parametrize("package", PACKAGES, ids=[p.name for p in PACKAGES])
def test_the_package_has_no_operation_the_reference_lacks(seed, package):
    swagger = json.loads((package / "apiDefinition.swagger.json").read_text("utf-8"))
    seeded = {(e.method.lower(), e.path) for e in seed}
    ours = {(m, p) for p, item in swagger["paths"].items() for m in item if not m.startswith("x-")}
    assert ours == seeded


def test_the_fixes_name_rows_of_the_reference(seed):
    rows = {(e.method, e.path, r.section, r.name) for e in seed for r in e.rows}
    assert set(FIXES) <= rows
