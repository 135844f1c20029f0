"""`pbxconn validate` / `pbxconn rules` as a user runs them: real processes, exit codes, outputs."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

ENV = {**os.environ, "NO_COLOR": "1"}


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "pbxconn", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, env=ENV, timeout=120)


def _package(folder, swagger: bytes):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "apiDefinition.swagger.json").write_bytes(swagger)
    (folder / "apiProperties.json").write_text('{"properties": {}}')
    return folder


def test_missing_path_is_one_line_and_exit_2(tmp_path):
    result = run("validate", tmp_path / "nope")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [f"pbxconn: error: {tmp_path / 'nope'}: no such file or directory"]
    assert "Traceback" not in result.stderr


def test_unknown_selector_and_bad_option_exit_2(tmp_path):
    pkg = _package(tmp_path / "p", b"{}")
    assert run("validate", pkg, "--select", "NoSuchRule").returncode == 2
    assert run("validate", pkg, "--format", "xml").returncode == 2


def test_broken_json_exit_1_with_position_in_every_format(tmp_path):
    pkg = _package(tmp_path / "p", b'{\n  "swagger": "2.0",\n}')
    text = run("validate", pkg, "--select", "Structure")
    assert text.returncode == 1
    assert f"{pkg / 'apiDefinition.swagger.json'}:2:19: error InvalidJson invalid JSON: trailing comma" in text.stdout
    assert text.stdout.splitlines()[-1] == "2 files, 1 error, 0 warnings"
    doc = json.loads(run("validate", pkg, "--format", "json").stdout)
    hit = [f for f in doc["findings"] if f["code"] == "InvalidJson"]
    assert (hit[0]["line"], hit[0]["column"]) == (2, 19) and doc["summary"]["errors"] >= 1
    gh = run("validate", pkg, "--format", "github", "--select", "InvalidJson").stdout
    assert gh.startswith("::error file=") and ",line=2,col=19,title=InvalidJson::" in gh
    out = tmp_path / "report.sarif"
    result = run("validate", pkg, "--format", "sarif", "--output", out)
    assert result.returncode == 1 and result.stdout == ""
    sarif = json.loads(out.read_text())
    assert any(r["ruleId"] == "InvalidJson" for r in sarif["runs"][0]["results"])
    assert any(r["id"] == "SchemaViolation" for r in sarif["runs"][0]["tool"]["driver"]["rules"])


def test_ignore_and_pyproject(tmp_path):
    pkg = _package(tmp_path / "p", b'{"swagger": "2.0",}')
    assert run("validate", pkg, "--ignore", "InvalidJson,InternalRuleError", "--select", "Structure").returncode == 0
    (tmp_path / "pyproject.toml").write_text('[tool.pbxconn.validate]\nseverity = { InvalidJson = "warning" }\n')
    result = run("validate", pkg, "--select", "InvalidJson", cwd=tmp_path)
    assert result.returncode == 0 and "warning InvalidJson" in result.stdout


def test_upstream_connector_is_error_free_structurally(shared):
    """(Its speed is measured in benchmarks/validate.py, not asserted here.)"""
    folder = shared / "upstream" / "tele2"
    result = run("validate", folder, "--select", "Structure", "--format", "json")
    assert result.returncode == 0, result.stdout
    assert json.loads(result.stdout)["summary"]["files"] == 3


@pytest.mark.parametrize("fmt", ["text", "json", "markdown"])
def test_rules_listing(fmt):
    result = run("rules", "--format", fmt)
    assert result.returncode == 0
    if fmt == "json":
        rows = json.loads(result.stdout)
        codes = {r["code"]: r for r in rows}
        assert codes["InvalidJson"]["implemented"] and codes["InvalidJson"]["severity"] == "error"
    elif fmt == "markdown":
        assert result.stdout.startswith("# Validator rules") and "| `SchemaViolation` | error |" in result.stdout
    else:
        assert "SchemaViolation" in result.stdout
