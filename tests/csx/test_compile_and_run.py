"""`pbxconn csx test` end to end: real mcs and mono processes, through the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pbxconn.core.errors import ToolMissingError
from pbxconn.csx import compile as csx_compile
from tests.csx.conftest import render_script


def run_cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """`python -m pbxconn ...` as a user runs it."""
    return subprocess.run([sys.executable, "-m", "pbxconn", *args], capture_output=True, text=True,
                          timeout=300, env=env)


def test_our_script_compiles_and_passes(mono: None, make_package, tmp_path: Path) -> None:
    package = make_package()
    proc = run_cli("csx", "test", str(package), "--format", "json")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    report = json.loads(proc.stdout)
    assert report["compile"]["status"] == "compiled"
    checks = report["checks"]
    hooks = {c["operationId"] for c in checks if c["name"] == "webhook_registration_returns_location"}
    assert len(hooks) == 10 and all(c["passed"] for c in checks)
    assert {c["name"] for c in checks} >= {"webhook_routed_to_script", "webhook_error_passes_through",
                                          "operation_not_routed"}
    # the LMT connector has the same shape
    lmt = run_cli("csx", "test", str(make_package(carrier="lmt")))
    assert lmt.returncode == 0, lmt.stdout + lmt.stderr


def test_all_operations_routed_pass_through(mono: None, make_package) -> None:
    package = make_package(script_operations=[])  # empty list: the platform sends every operation
    proc = run_cli("csx", "test", str(package), "--format", "json")
    assert proc.returncode == 0, proc.stdout
    passthrough = [c for c in json.loads(proc.stdout)["checks"] if c["name"] == "operation_passes_through"]
    assert passthrough and all(c["passed"] for c in passthrough)
    assert {c["operationId"] for c in passthrough} >= {"DeleteWebhookByID", "GetContacts"}


def test_upstream_behaviour_fails(mono: None, make_package) -> None:
    # A script that forwards everything (what the published connector does): 200, no Location.
    package = make_package(script=render_script([]))
    proc = run_cli("csx", "test", str(package))
    assert proc.returncode == 1
    assert "FAIL  webhook_registration_returns_location" in proc.stdout
    assert "answered 200, expected 201 Created" in proc.stdout and "no Location header" in proc.stdout
    assert "pass  webhook_error_passes_through" in proc.stdout


def test_webhook_not_routed_fails(mono: None, make_package) -> None:
    package = make_package(script_operations=["CallStarted"])
    proc = run_cli("csx", "test", str(package))
    assert proc.returncode == 1
    assert "FAIL  webhook_routed_to_script                 CallCompleted" in proc.stdout


def test_wrong_location_is_caught(mono: None, make_package) -> None:
    script = render_script(["CallCompleted"], delete_after="/gone")
    package = make_package(script=script, script_operations=["CallCompleted"])
    proc = run_cli("csx", "test", str(package))
    assert proc.returncode == 1
    assert "matches no DELETE operation" in proc.stdout


def test_compile_error_has_position(mono: None, make_package) -> None:
    script = render_script(["CallCompleted"]).replace("builder.Query = string.Empty;", "builder.Query = 42;")
    package = make_package(script=script, script_operations=["CallCompleted"])
    proc = run_cli("csx", "test", str(package))
    assert proc.returncode == 1
    line = script.splitlines().index("        builder.Query = 42;") + 1
    assert f"script.csx:{line}:" in proc.stdout and "CS0029" in proc.stdout


def test_newer_csharp_is_not_checkable(mono: None, tmp_path: Path) -> None:
    script = tmp_path / "script.csx"
    script.write_text(
        "public class Script : ScriptBase\n{\n    public override async Task<HttpResponseMessage> ExecuteAsync()\n"
        "    {\n        var code = Context.OperationId switch { \"A\" => 1, _ => 2 };\n"
        "        return await Context.SendAsync(Context.Request, CancellationToken);\n    }\n}\n", "utf-8")
    proc = run_cli("csx", "test", str(script))
    assert proc.returncode == 0, proc.stdout
    assert "not checkable locally: uses C# 8 switch expressions (line 5), newer than Mono's C# 7 compiler" \
        in proc.stdout


def test_lone_script_compiles_only(mono: None, tmp_path: Path) -> None:
    (tmp_path / "script.csx").write_text(render_script(["A"]), "utf-8")
    proc = run_cli("csx", "test", str(tmp_path))
    assert proc.returncode == 0 and "compiled only" in proc.stdout


def test_missing_mono_exits_2_with_install_hint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(csx_compile.shutil, "which", lambda name: None)
    with pytest.raises(ToolMissingError) as info:
        csx_compile.find_toolchain()
    assert "apt-get install mono-mcs mono-runtime" in str(info.value)
    (tmp_path / "script.csx").write_text("public class Script : ScriptBase { }\n", "utf-8")
    proc = run_cli("csx", "test", str(tmp_path), env={"PATH": str(tmp_path), "HOME": str(tmp_path),
                                                     "PYTHONPATH": str(Path(__file__).resolve().parents[2])})
    assert proc.returncode == 2
    assert "mcs and mono not found" in proc.stderr and "apt-get install mono-mcs" in proc.stderr
