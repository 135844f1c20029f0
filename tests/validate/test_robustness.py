"""The validator never crashes: random JSON, byte-level damage to real packages, the whole corpus."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pbxconn.validate.config import Config
from pbxconn.validate.engine import validate_package, validate_paths
from pbxconn.validate.package import Package

PARSE_CODES = {"InvalidJson", "InvalidEncoding", "BomPresent", "DocumentNotObject"}
OWN_RULES = ("SchemaViolation", "InvalidSchemaObject", "InvalidDefault", "MissingFile", "InvalidJson")
CONFIG = Config()

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["swagger", "paths", "/a", "get", "parameters", "responses", "definitions", "schema",
                         "$ref", "#/definitions/X", "properties", "items", "in", "name", "default", "type",
                         "allOf", "x-ms-trigger", "operationId", "policyTemplateInstances", "enum", "200"])
        | st.text(max_size=6), inner, max_size=5),
    max_leaves=30)


def _check(pkg: Package) -> None:
    found = validate_package(pkg, CONFIG)
    for f in found:
        assert f.message and f.file
        if f.code in PARSE_CODES:
            assert f.line >= 1 and f.column >= 1
        if f.code == "InternalRuleError":
            assert not any(f"rule {code} " in f.message for code in OWN_RULES), f.message


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(json_values, json_values)
def test_random_json_values_never_crash(swagger, properties):
    files = {"apiDefinition.swagger.json": json.dumps(swagger).encode(),
             "apiProperties.json": json.dumps(properties).encode()}
    _check(Package.from_files(files, "random"))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.fixed_dictionaries({"swagger": json_values, "info": json_values, "paths": st.dictionaries(
    st.text(max_size=5), st.dictionaries(st.sampled_from(["get", "post", "parameters"]), json_values, max_size=3),
    max_size=3), "definitions": st.dictionaries(st.text(max_size=3), json_values, max_size=3)}))
def test_swagger_shaped_random_documents_never_crash(swagger):
    _check(Package.from_files({"apiDefinition.swagger.json": json.dumps(swagger).encode()}, "shaped"))


@pytest.fixture(scope="module")
def upstream_files(shared):
    folder = shared / "upstream" / "tele2"
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def _mutate(data: bytes, kind: str, at: float, blob: bytes) -> bytes:
    i = int(at * len(data))
    if kind == "delete":
        return data[:i] + data[i + len(blob) + 1:]
    if kind == "insert":
        return data[:i] + blob + data[i:]
    if kind == "replace":
        return data[:i] + blob + data[i + len(blob):]
    if kind == "truncate":
        return data[:i]
    if kind == "bom":
        return b"\xef\xbb\xbf" + data
    return data[:i] + b"\xff\xfe" + data[i:]  # invalid UTF-8


mutations = st.lists(st.tuples(st.sampled_from(["delete", "insert", "replace", "truncate", "bom", "utf8"]),
                               st.floats(0, 1), st.binary(min_size=1, max_size=4)
                               | st.sampled_from([b",", b"}", b"]", b'"', b":", b"\x01", b"{", b"\n"])),
                     min_size=1, max_size=3)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(st.sampled_from(["apiDefinition.swagger.json", "apiProperties.json"]), mutations)
def test_byte_mutations_of_a_real_package_never_crash(upstream_files, target, steps):
    files = dict(upstream_files)
    for kind, at, blob in steps:
        files[target] = _mutate(files[target], kind, at, blob)
    pkg = Package.from_files(files, "mutated")
    _check(pkg)
    if pkg.files["swagger" if target.startswith("apiDef") else "properties"].value is None:
        other = "properties" if target.startswith("apiDef") else "swagger"
        assert pkg.files[other].value is not None  # the undamaged file is still read


def test_whole_corpus_without_exception(shared):
    result = validate_paths([shared / "corpus-sample"], CONFIG)
    assert result.files_count >= 180
    broken = {f.file.split("/")[-2]: (f.line, f.column) for f in result.findings if f.code == "InvalidJson"}
    # a missing comma where the next member starts; Revizto's trailing comma at the comma itself
    assert broken == {"IN-D Invoice Data Capture": (51, 13), "Revizto (Ireland)": (980, 50)}
    assert not [f for f in result.findings if f.code == "InternalRuleError"
                and any(f"rule {code} " in f.message for code in OWN_RULES)]
