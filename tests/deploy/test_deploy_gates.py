"""The release gates of `pbxconn deploy`, end to end: drift, validate, csx, contract, then paconn.

Real `pbxconn` processes run against the Power Apps RP emulator; the contract gate starts the
local PBX emulator on a loopback port and the csx gate compiles with Mono.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from deploy_support import ENVIRONMENT, REPO
from pbxconn.core.errors import ToolMissingError
from pbxconn.deploy import gates
from pbxconn.deploy.gates import GATES, GateContext, GateResult, run_gates

pytest.importorskip("paconn", reason="paconn is an optional extra: pip install 'pbxconn[deploy]'")

pytestmark = pytest.mark.slow
needs_mono = pytest.mark.skipif(not (shutil.which("mcs") and shutil.which("mono")),
                                reason="the csx gate compiles with Mono (apt-get install mono-mcs; .ci/run does)")
SECRET = "gate-test-client-secret"
GATE_LINE = re.compile(r"^gate (\w+): (passed|failed|skipped|not applicable)", re.M)


def packages() -> list[str]:
    """Every rendered package under connectors/."""
    return sorted(p.parent.name for p in (REPO / "connectors").glob("*/settings.json"))


def deploy(pbxconn, project, emulator, *extra: str, env=None):
    """`pbxconn deploy` of the project's carrier against the RP emulator, with every gate unless skipped."""
    return pbxconn("deploy", "--carrier", project.carrier, "--environment", ENVIRONMENT,
                   "--power-apps-url", emulator.url, "--contract-examples", "2", *extra, cwd=project.root, env=env)


def finished_gates(stderr: str) -> list[tuple[str, str]]:
    """(gate, status) of each gate that reported, in the order they reported."""
    return GATE_LINE.findall(stderr)


def edit_json(path: Path, change) -> None:
    """Rewrite a package JSON file after `change(data)`."""
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, indent=4) + "\n", encoding="utf-8")


@needs_mono
@pytest.mark.parametrize("carrier", packages())
def test_every_package_passes_every_gate_in_release_order_before_paconn_runs(carrier, make_project, emulator,
                                                                             pbxconn, child_env):
    project = make_project(carrier)

    result = deploy(pbxconn, project, emulator, env={**child_env, "PBXCONN_OAUTH_CLIENT_SECRET": SECRET})

    assert result.returncode == 0, result.stderr
    reported = finished_gates(result.stderr)
    assert [name for name, _ in reported] == list(GATES)
    assert all(status in ("passed", "not applicable") for _, status in reported), reported
    assert re.search(r"gate contract: passed - \d+ operations, \d+ cases", result.stderr)
    assert emulator.operations()[-1] == "create"
    assert "created connector" in result.stdout and "skipped" not in result.stdout


def test_a_stale_package_stops_at_the_drift_gate_and_nothing_else_runs(make_project, emulator, pbxconn):
    project = make_project("tele2")
    text = project.carrier_file.read_text(encoding="utf-8")
    title = re.search(r"^title: (.+)$", text, re.M).group(1).strip()
    project.carrier_file.write_text(text.replace(f"title: {title}", "title: Renamed But Not Rebuilt"),
                                    encoding="utf-8")

    result = deploy(pbxconn, project, emulator, "--dry-run")

    assert result.returncode == 1, result.stderr
    assert finished_gates(result.stderr) == [("drift", "failed")]
    assert "connectors/tele2/apiDefinition.swagger.json" in result.stderr
    assert "run `pbxconn build`" in result.stderr
    assert "gates: drift failed, validate not run, csx not run, contract not run" in result.stderr
    assert result.stdout == "" and emulator.requests == []


def test_validator_errors_stop_before_the_script_and_contract_gates(make_project, emulator, pbxconn):
    project = make_project("lmt")
    edit_json(project.package / "apiDefinition.swagger.json",
              lambda swagger: swagger["info"].update(title="x" * 40))

    result = deploy(pbxconn, project, emulator, "--skip", "drift")

    assert result.returncode == 1
    assert finished_gates(result.stderr) == [("drift", "skipped"), ("validate", "failed")]
    assert re.search(r"^  connectors/lmt/apiDefinition\.swagger\.json:\d+:\d+: error FieldLengthExceeded "
                     r"title 'x{40}' is 40 characters \(limit 30\)$", result.stderr, re.M), result.stderr
    assert "gates: drift skipped (--skip drift), validate failed, csx not run, contract not run" in result.stderr
    assert emulator.requests == []


@needs_mono
def test_a_script_that_does_not_compile_stops_at_the_csx_gate(make_project, emulator, pbxconn):
    project = make_project("tele2")
    script = project.package / "script.csx"
    text = script.read_text(encoding="utf-8").rstrip()
    assert text.endswith("}")  # the class ends the file; a type error only a compiler sees goes inside it
    script.write_text(text[:-1] + '    private int Broken() { return "not a number"; }\n}\n', encoding="utf-8")

    result = deploy(pbxconn, project, emulator, "--skip", "drift", "--dry-run")

    assert result.returncode == 1, result.stderr
    assert finished_gates(result.stderr) == [("drift", "skipped"), ("validate", "passed"), ("csx", "failed")]
    assert "script does not compile" in result.stderr
    assert "pbxconn csx test connectors/tele2" in result.stderr
    assert "contract not run" in result.stderr and emulator.requests == []


def _promise_a_field_the_api_never_sends(swagger: dict) -> None:
    """Every object a successful GET answers now requires a property no emulator returns."""
    for item in swagger["paths"].values():
        schema = item.get("get", {}).get("responses", {}).get("200", {}).get("schema", {})
        if "$ref" in schema:
            schema = swagger["definitions"][schema["$ref"].rsplit("/", 1)[-1]]
        if schema.get("type") == "object" and "properties" in schema:
            schema["properties"]["gate_probe"] = {"type": "string", "description": "Never sent.",
                                                  "x-ms-summary": "Gate probe"}
            schema["required"] = sorted({*schema.get("required", []), "gate_probe"})


@pytest.mark.parametrize("carrier", packages())
def test_a_spec_the_api_does_not_keep_stops_at_the_contract_gate(carrier, make_project, emulator, pbxconn,
                                                                 child_env):
    project = make_project(carrier)
    edit_json(project.package / "apiDefinition.swagger.json", _promise_a_field_the_api_never_sends)

    result = deploy(pbxconn, project, emulator, "--skip", "drift", "--skip", "csx", "--dry-run",
                    env={**child_env, "PBXCONN_OAUTH_CLIENT_SECRET": SECRET})

    assert result.returncode == 1, result.stderr
    assert finished_gates(result.stderr)[-1] == ("contract", "failed")
    assert re.search(r"gate contract: failed - \d+ of \d+ operations failed", result.stderr)
    assert "FAIL  GET " in result.stderr and "gate_probe" in result.stderr
    assert f"pbxconn contract --carrier {carrier}" in result.stderr
    assert result.stdout == "" and emulator.requests == []


def test_an_api_the_emulator_does_not_serve_is_a_usage_error_naming_the_skip(make_project, emulator, pbxconn):
    project = make_project("tele2")
    edit_json(project.package / "apiDefinition.swagger.json", lambda swagger: swagger.update(basePath="/other/v9"))

    result = deploy(pbxconn, project, emulator, "--skip", "drift", "--skip", "csx", "--dry-run")

    assert result.returncode == 2
    assert "gate contract: failed - " in result.stderr and "an API they do not emulate" in result.stderr
    assert "to deploy without this gate, pass --skip contract" in result.stderr


def test_without_mono_the_csx_gate_fails_with_the_install_hint(make_project, emulator, pbxconn, child_env,
                                                               tmp_path):
    project = make_project("tele2")
    empty = tmp_path / "empty-path"
    empty.mkdir()

    result = deploy(pbxconn, project, emulator, "--dry-run", env={**child_env, "PATH": str(empty)})

    assert result.returncode == 2, result.stderr
    assert finished_gates(result.stderr) == [("drift", "passed"), ("validate", "passed"), ("csx", "failed")]
    assert "mcs and mono not found" in result.stderr
    assert "pass --skip csx" in result.stderr


def test_skipped_gates_are_named_in_the_summary_and_the_result(make_project, emulator, pbxconn):
    project = make_project("lmt")

    result = deploy(pbxconn, project, emulator, "--skip", "contract", "--skip", "csx")

    assert result.returncode == 0, result.stderr
    assert finished_gates(result.stderr) == [("drift", "passed"), ("validate", "passed"), ("csx", "skipped"),
                                             ("contract", "skipped")]
    assert "gates: drift passed, validate passed, csx skipped (--skip csx), contract skipped (--skip contract)" \
        in result.stderr
    assert "(gates skipped: csx, contract)" in result.stdout
    assert emulator.operations()[-1] == "create"


def test_an_unknown_gate_is_a_usage_error(make_project, emulator, pbxconn):
    project = make_project("lmt")
    result = deploy(pbxconn, project, emulator, "--skip", "lint")
    assert result.returncode == 2
    assert "'lint' is not one of 'drift', 'validate', 'csx', 'contract'" in result.stderr


def test_run_gates_stops_at_the_first_failure_and_keeps_its_exit_code(monkeypatch, tmp_path):
    ran = []

    def passing(name):
        return lambda ctx: ran.append(name) or GateResult(name, "passed")

    def missing_tool(ctx):
        ran.append("csx")
        raise ToolMissingError("mcs not found", hint="apt-get install mono-mcs")

    monkeypatch.setattr(gates, "RUNNERS", {"drift": passing("drift"), "validate": passing("validate"),
                                           "csx": missing_tool, "contract": passing("contract")})
    outcome = run_gates(GateContext(tmp_path, "x", tmp_path), {"drift"})

    assert ran == ["validate", "csx"]
    assert [r.status for r in outcome.results] == ["skipped", "passed", "failed", "not-run"]
    assert outcome.failed.name == "csx" and int(outcome.failed.exit_code) == 2
    assert outcome.failed.details == ["hint: apt-get install mono-mcs", "to deploy without this gate, pass --skip csx"]
    assert outcome.skipped == ["drift"]
    with pytest.raises(ValueError):
        run_gates(GateContext(tmp_path, "x", tmp_path), {"lint"})
