"""The engine: dispatch, message/severity/position of findings, crash isolation, config, discovery."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pbxconn.core.errors import InputError
from pbxconn.core.findings import Severity
from pbxconn.validate.config import Config, load_config
from pbxconn.validate.engine import validate_package, validate_paths
from pbxconn.validate.package import Package
from pbxconn.validate.rule import Rule, Violation

SWAGGER = {"swagger": "2.0", "info": {"title": "T", "version": "1"},
           "paths": {"/a": {"get": {"operationId": "A", "responses": {"200": {"description": "ok"}}}},
                     "/b": {"get": {"operationId": "B", "responses": {"200": {"description": "ok"}}}}}}


class OperationSeen(Rule):
    """Test rule: one finding per operation."""

    code, category, severity, subject = "OperationSeen", "Operations", Severity.WARNING, "operation"
    message = "saw {op_id}"

    def check(self, node, ctx):
        yield Violation({"op_id": node.op["operationId"]}, node.pointer + ("operationId",))


class Exploding(Rule):
    """Test rule: always raises."""

    code, category, severity, subject = "Exploding", "Operations", Severity.ERROR, "operation"
    message = "never"

    def check(self, node, ctx):
        raise KeyError("boom")
        yield  # pragma: no cover


class PropertiesRule(Rule):
    """Test rule: points into apiProperties.json with its own severity."""

    code, category, severity, subject = "PropsRule", "Policies", Severity.WARNING, "policy"
    message = "policy {index}"

    def check(self, node, ctx):
        yield Violation({"index": node.index}, node.pointer + ("templateId",), "properties", severity=Severity.ERROR)


def _pkg(tmp_path: Path | None = None):
    files = {"apiDefinition.swagger.json": json.dumps(SWAGGER, indent=4).encode(),
             "apiProperties.json": b'{"properties": {"policyTemplateInstances": [\n  {"templateId": "t"}]}}'}
    return Package.from_files(files, "pkg")


def _rules(*classes):
    out = {}
    for cls in classes:
        out.setdefault(cls.subject, []).append(cls())
    return out


def test_violations_become_located_findings():
    found = validate_package(_pkg(), Config(), _rules(OperationSeen, PropertiesRule))
    seen = [f for f in found if f.code == "OperationSeen"]
    assert [f.message for f in seen] == ["saw A", "saw B"]
    first = seen[0]
    assert first.file == "pkg/apiDefinition.swagger.json" and first.pointer == "/paths/~1a/get/operationId"
    assert first.severity is Severity.WARNING and first.category == "Operations"
    line = _pkg().files["swagger"].text.split("\n")[first.line - 1]
    assert line[first.column - 1:].startswith('"A"')
    props = next(f for f in found if f.code == "PropsRule")
    assert (props.file, props.line, props.column, props.severity) == ("pkg/apiProperties.json", 2, 18, Severity.ERROR)


def test_config_severity_override_wins_over_rule_and_violation():
    config = Config(severity_overrides={"PropsRule": Severity.INFO, "OperationSeen": Severity.ERROR})
    found = validate_package(_pkg(), config, _rules(OperationSeen, PropertiesRule))
    assert {f.code: f.severity for f in found} == {"PropsRule": Severity.INFO, "OperationSeen": Severity.ERROR}


def test_a_crashing_rule_is_a_warning_and_the_others_still_run():
    found = validate_package(_pkg(), Config(), _rules(Exploding, OperationSeen))
    crashes = [f for f in found if f.code == "InternalRuleError"]
    assert len(crashes) == 1 and "Exploding" in crashes[0].message and "KeyError" in crashes[0].message
    assert crashes[0].severity is Severity.WARNING and crashes[0].line > 0
    assert len([f for f in found if f.code == "OperationSeen"]) == 2


def test_selection_most_specific_wins():
    c = Config(select=("ALL",), ignore=("Operations",))
    assert not c.enabled("X", "Operations") and c.enabled("Y", "Metadata")
    c = Config(select=("OperationIdRequired",), ignore=("Operations",))
    assert c.enabled("OperationIdRequired", "Operations") and not c.enabled("Other", "Operations")
    c = Config(select=("Operations",), ignore=("ALL",))
    assert c.enabled("X", "Operations") and not c.enabled("X", "Metadata")
    c = Config(select=("X",), ignore=("X",))
    assert not c.enabled("X", "Operations")
    assert not Config(certification=False).enabled("X", "Metadata", certification=True)
    merged = Config(ignore=("A", "B")).merged(select=("A",), ignore=("C",))
    assert merged.select == ("A",) and merged.ignore == ("B", "C")


def test_real_rules_respect_select(shared):
    pkg = Package.load(shared / "upstream" / "tele2")
    only = validate_package(pkg, Config(select=("Structure",)))
    assert all(f.category == "Structure" for f in only)
    none = validate_package(pkg, Config(select=("ALL",), ignore=("ALL",)))
    assert none == []


def test_pyproject_settings(tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.pbxconn.validate]\nselect = ["ALL"]\nignore = ["Metadata,Security"]\n'
        'severity = { OperationIdRequired = "warning" }\ncertification = false\n')
    sub = tmp_path / "a" / "b"
    sub.mkdir(parents=True)
    config = load_config(sub)
    assert config.ignore == ("Metadata", "Security") and not config.certification
    assert config.severity_overrides == {"OperationIdRequired": Severity.WARNING}
    (tmp_path / "pyproject.toml").write_text('[tool.pbxconn.validate]\nsevere = 1\n')
    with pytest.raises(InputError, match="unknown setting"):
        load_config(sub)
    (tmp_path / "pyproject.toml").write_text('[tool.pbxconn.validate\n')
    with pytest.raises(InputError, match="invalid TOML"):
        load_config(sub)


def _write_package(folder: Path, swagger: bytes) -> None:
    folder.mkdir(parents=True)
    (folder / "apiDefinition.swagger.json").write_bytes(swagger)
    (folder / "apiProperties.json").write_bytes(b'{"properties": {}}')


def test_folder_of_folders_and_parallel_runs_agree(tmp_path):
    good = json.dumps(SWAGGER, indent=4).encode()
    _write_package(tmp_path / "certified-connectors" / "One", good)
    _write_package(tmp_path / "certified-connectors" / "Two", b'{"swagger": "2.0",}')
    _write_package(tmp_path / "custom-connectors" / "Three", good)
    ticks = []
    serial = validate_paths([tmp_path], Config(), progress=lambda done, total: ticks.append((done, total)))
    assert ticks[-1] == (3, 3) and serial.files_count == 6
    broken = [f for f in serial.findings if f.code == "InvalidJson"]
    assert len(broken) == 1 and "Two" in broken[0].file and broken[0].line == 1
    parallel = validate_paths([tmp_path], Config(), jobs=2)
    assert parallel == serial


def test_missing_path_and_empty_folder_are_input_errors(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        validate_paths([tmp_path / "nope"])
    with pytest.raises(InputError, match="apiDefinition.swagger.json"):
        validate_paths([tmp_path])


def test_folder_without_swagger_but_with_properties_reports_missing_file(tmp_path):
    (tmp_path / "apiProperties.json").write_text("{}")
    found = validate_paths([tmp_path], Config(select=("MissingFile",))).findings
    assert [(f.code, f.severity, f.file) for f in found] == [
        ("MissingFile", Severity.ERROR, str(tmp_path / "apiDefinition.swagger.json"))]


_KEYS = ("type", "enum", "default", "items", "x-ms-summary")


class _Needs(Rule):
    """Test rule: declares which keys it needs (set per instance below)."""

    code, category, severity, subject, message = "Needs", "Operations", Severity.INFO, "holder", ""


@given(objects=st.lists(st.one_of(st.dictionaries(st.sampled_from(_KEYS + ("other",)), st.none(), max_size=4),
                                  st.none(), st.integers()), max_size=30),
       needs=st.lists(st.lists(st.sampled_from(_KEYS), min_size=1, max_size=3, unique=True), max_size=5))
def test_nodes_are_narrowed_to_those_holding_a_needed_key_in_order(objects, needs):
    from pbxconn.validate.engine import _narrowed
    from pbxconn.validate.index import Holder

    nodes = [Holder(obj, (str(i),)) for i, obj in enumerate(objects)]
    rules = []
    for keys in needs:
        rule = _Needs()
        rule.needs = tuple(keys)
        rules.append(rule)
    got = _narrowed("holder", nodes, rules)
    for rule in rules:  # a node is handed over when its object is not a dict or holds a needed key
        expected = [n for n in nodes if type(n.obj) is not dict or any(k in n.obj for k in rule.needs)]
        assert got[rule.needs] == expected
