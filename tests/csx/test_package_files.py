"""A connector folder whose apiDefinition.swagger.json is not valid JSON: the script is still
compiled, the broken file is named with its line and column, behaviour checks are skipped, exit 1."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from pbxconn.csx.connector import load_connector
from tests.csx.conftest import render_script

BROKEN = '{\n    "swagger": "2.0",\n    "info": {"title": "Demo"\n    "paths": {}\n}\n'  # no ',' after line 3


def run_cli(*args: str) -> subprocess.CompletedProcess:
    """`python -m pbxconn ...` as a user runs it."""
    return subprocess.run([sys.executable, "-m", "pbxconn", *args], capture_output=True, text=True, timeout=300)


def test_read_json_names_line_and_column(tmp_path: Path) -> None:
    from pbxconn.csx.connector import read_json

    path = tmp_path / "apiDefinition.swagger.json"
    path.write_bytes(b"\xef\xbb\xbf" + BROKEN.encode())
    data, problem = read_json(path)
    assert data is None
    assert problem == f"{path}:4:5: not valid JSON: Expecting ',' delimiter"
    path.write_text("[1, 2]", "utf-8")
    assert read_json(path) == (None, f"{path}:1:1: not a JSON object (a list)")
    path.write_text('{"ok": true}', "utf-8")
    assert read_json(path) == ({"ok": True}, "")
    assert read_json(tmp_path / "absent.json") == (None, "")


def test_load_connector_keeps_the_script(tmp_path: Path) -> None:
    (tmp_path / "script.csx").write_text(render_script(["A"]), "utf-8")
    (tmp_path / "apiDefinition.swagger.json").write_text(BROKEN, "utf-8")
    connector = load_connector(tmp_path)
    assert connector.script_text and connector.swagger is None
    assert connector.problems == (f"{tmp_path / 'apiDefinition.swagger.json'}:4:5: not valid JSON: "
                                  "Expecting ',' delimiter",)


def test_broken_swagger_still_compiles_and_exits_1(mono: None, make_package) -> None:
    package = make_package()
    swagger = package / "apiDefinition.swagger.json"
    swagger.write_text(BROKEN, "utf-8")
    proc = run_cli("csx", "test", str(package))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "compile: ok" in proc.stdout
    assert f"package: FAILED {swagger}:4:5: not valid JSON: Expecting ',' delimiter" in proc.stdout
    assert "behaviour checks skipped" in proc.stdout and "0 passed, 0 failed" in proc.stdout
    report = json.loads(run_cli("csx", "test", str(package), "--format", "json").stdout)
    assert report["compile"]["status"] == "compiled" and report["checks"] == [] and report["failed"] is True
    assert report["problems"] == [f"{swagger}:4:5: not valid JSON: Expecting ',' delimiter"]
    assert report["profile"]["checks"] == ["compiles"]


def test_broken_swagger_and_a_compile_error_are_both_reported(mono: None, make_package) -> None:
    package = make_package(script=render_script(["CallCompleted"]).replace("builder.Query = string.Empty;",
                                                                           "builder.Query = 42;"))
    (package / "apiDefinition.swagger.json").write_text(BROKEN, "utf-8")
    proc = run_cli("csx", "test", str(package))
    assert proc.returncode == 1
    assert "compile: FAILED" in proc.stdout and "CS0029" in proc.stdout
    assert "apiDefinition.swagger.json:4:5: not valid JSON" in proc.stdout
