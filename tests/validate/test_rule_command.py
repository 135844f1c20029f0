"""`pbxconn rule CODE` (like `ruff rule`): documentation, category, origin, severity, certification,
fix hint and source line of one rule; an unknown code exits 2 with a did-you-mean."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

ENV = {**os.environ, "NO_COLOR": "1"}
REPO = Path(__file__).resolve().parents[2]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pbxconn", *args], capture_output=True, text=True, env=ENV,
                          timeout=120)


def source_line(source: dict) -> str:
    return (REPO / source["file"]).read_text(encoding="utf-8").splitlines()[source["line"] - 1]


def test_rule_shows_documentation_metadata_fix_and_source():
    result = run("rule", "OperationIdRequired")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "OperationIdRequired"
    facts = dict(line.split(None, 1) for line in lines[1:8])
    assert facts["category"] == "Operations" and facts["origin"] == "microsoft"
    assert facts["severity"] == "error" and facts["certification"] == "no" and facts["implemented"] == "yes"
    assert facts["fix"] != "-"
    file, line = facts["source"].rsplit(":", 1)
    assert file == "pbxconn/validate/rules/operation_ids.py"
    assert source_line({"file": file, "line": int(line)}).startswith("class OperationIdRequired(")
    assert "Fix:" in result.stdout  # the whole docstring follows


def test_rule_as_json():
    result = run("rule", "ScriptSyntaxError", "--format", "json")
    assert result.returncode == 0, result.stderr
    detail = json.loads(result.stdout)
    assert {k: detail[k] for k in ("code", "category", "origin", "severity", "certification", "implemented")} == {
        "code": "ScriptSyntaxError", "category": "CustomCode", "origin": "pbxconn", "severity": "error",
        "certification": False, "implemented": True}
    assert detail["summary"] in detail["documentation"]
    assert detail["fix"].startswith("correct the C#")
    assert source_line(detail["source"]).startswith("class ScriptSyntaxError(")


def test_a_certification_rule_and_a_code_that_is_not_implemented():
    certification = json.loads(run("rule", "PublisherMissing", "--format", "json").stdout)
    assert certification["certification"] is True
    from pbxconn.validate.registry import load_rules
    from pbxconn.validate.rule import NOT_IMPLEMENTED

    load_rules()
    code = sorted(NOT_IMPLEMENTED)[0]
    missing = run("rule", code)
    assert missing.returncode == 0
    assert f"implemented    no: {NOT_IMPLEMENTED[code].reason}" in missing.stdout


def test_an_unknown_code_exits_2_with_a_did_you_mean():
    typo = run("rule", "OperationIdRequird")
    assert typo.returncode == 2 and typo.stdout == ""
    assert "unknown rule code 'OperationIdRequird'" in typo.stderr
    assert "did you mean 'OperationIdRequired'?" in typo.stderr
    assert "did you mean 'ScriptSyntaxError'?" in run("rule", "scriptsyntaxerror").stderr
    category = run("rule", "Operations")
    assert category.returncode == 2 and "Operations is a category" in category.stderr


def test_rule_is_listed_in_help():
    assert any(line.split()[:1] == ["rule"] for line in run("--help").stdout.splitlines())


def test_every_code_has_documentation_and_a_source_line():
    from pbxconn.cli.validate import rule
    from pbxconn.validate.registry import rule_infos

    runner = CliRunner()
    for info in rule_infos():
        result = runner.invoke(rule, [info.code, "--format", "json"])
        assert result.exit_code == 0, (info.code, result.output)
        detail = json.loads(result.output)
        assert detail["documentation"], info.code
        assert detail["source"] and detail["source"]["line"] > 0, info.code
        assert info.code in source_line(detail["source"]) or source_line(detail["source"]).startswith(
            ("class ", "def ")), info.code
