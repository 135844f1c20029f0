"""Contract runs: schemathesis with all default checks, and the webhook payload check."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import httpx
import pytest

from pbxconn.contract.checks import webhook_payloads_match_notification_content
from pbxconn.contract.run import run_contract
from pbxconn.sandbox.process import start_sandbox

pytestmark = pytest.mark.slow

# What a spec must declare so that schemathesis' default checks pass against the service
# (the generated spec carries these; here they are added to a copy of the upstream spec).
ERROR_SCHEMA = {"type": "object", "properties": {
    "version": {"type": "string"}, "status": {"type": "string"}, "statusCode": {"type": "integer"}, "message": {"type": "string"},
}}
ENDPOINT_PATTERN = (
    "^https?://[A-Za-z0-9.-]+(:(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3}))?"
    "(/[!-~]*)?$"
)


def documented(spec: dict[str, Any]) -> dict[str, Any]:
    """A copy of `spec` that documents the responses the service really gives."""
    spec = copy.deepcopy(spec)
    for item in spec["paths"].values():
        for method, operation in item.items():
            if method not in ("get", "post", "delete"):
                continue
            responses = operation["responses"]
            for code in ("401", "403", "404", "422", "429") + (("400",) if method == "post" else ()):
                responses[code] = {"description": code, "schema": ERROR_SCHEMA}
            responses["429"]["headers"] = {"Retry-After": {"type": "integer"}}
            for parameter in operation.get("parameters", []):
                endpoint = (parameter.get("schema") or {}).get("properties", {}).get("endpoint")
                if endpoint is not None:
                    endpoint["pattern"] = ENDPOINT_PATTERN
    return spec


@pytest.fixture(scope="module")
def patched_upstream(shared: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    spec = json.loads((shared / "upstream" / "tele2" / "apiDefinition.swagger.json").read_text(encoding="utf-8"))
    path = tmp_path_factory.mktemp("spec") / "apiDefinition.swagger.json"
    path.write_text(json.dumps(documented(spec)), encoding="utf-8")
    return path


def test_upstream_spec_with_documented_responses_passes_every_default_check(patched_upstream: Path) -> None:
    report = run_contract(patched_upstream, max_examples=5, seed=1)
    assert report.ok, report.summary()
    assert len(report.operations) == 29 and all(r.cases > 0 for r in report.operations.values())
    assert len(report.webhook_counts) == 10 and all(n > 0 for n in report.webhook_counts.values())


def test_undocumented_401_is_reported(shared: Path) -> None:
    """The upstream spec as published: the 401 the service must give is undocumented."""
    report = run_contract(shared / "upstream" / "tele2" / "apiDefinition.swagger.json", max_examples=3, seed=1, webhooks=False)
    assert not report.ok
    checks = {f.check for f in report.failures}
    assert "status_code_conformance" in checks


@pytest.mark.parametrize("carrier", ["tele2", "lmt"])
def test_generated_spec_against_the_sandbox(repo: Path, carrier: str) -> None:
    """Every operation of the generated spec passes all default checks and the webhook check."""
    spec_path = repo / "connectors" / carrier / "apiDefinition.swagger.json"
    report = run_contract(spec_path, max_examples=5, seed=1)
    assert report.ok, report.summary()
    assert len(report.operations) == 29 and all(r.cases > 0 for r in report.operations.values())
    assert len(report.webhook_counts) == 10 and all(n > 0 for n in report.webhook_counts.values())


def test_webhook_check_catches_a_payload_the_spec_does_not_describe(shared: Path) -> None:
    spec = json.loads((shared / "upstream" / "tele2" / "apiDefinition.swagger.json").read_text(encoding="utf-8"))
    spec["paths"]["/webhooks/CallStarted"]["x-ms-notification-content"]["schema"]["properties"]["data"]["properties"]["callID"]["type"] = "string"
    del spec["paths"]["/webhooks/CallRecorded"]["x-ms-notification-content"]["schema"]["properties"]["data"]["properties"]["recordingURL"]
    sandbox = start_sandbox("--rate-limit", "0", "--api-key", "k")
    try:
        failures, counts = webhook_payloads_match_notification_content(spec, sandbox.api, sandbox.url + "/_sandbox", "k")
        with httpx.Client(headers={"Authorization": "k"}, trust_env=False) as client:
            left = client.post(sandbox.api + "/webhooks/CallStarted", json={"endpoint": "http://127.0.0.1:9/"}).json()["data"]
    finally:
        sandbox.stop()
    messages = {(f.operation, f.message) for f in failures}
    assert ("CallStarted", "data/callID: " + next(m for o, m in messages if o == "CallStarted").split(": ", 1)[1]) in messages
    assert any(o == "CallRecorded" and "recordingURL" in m for o, m in messages)
    assert {o for o, _ in messages} == {"CallStarted", "CallRecorded"}
    assert all(n > 0 for n in counts.values())
    assert left == "11"  # the check deleted its 10 registrations' worth of ids before this one


def test_cli_summary_exit_codes_and_junit(patched_upstream: Path, tmp_path: Path) -> None:
    """Exit codes and the JUnit report on a two-operation cut of the spec (the full runs are
    tested above and in the benchmarks; this one is about the command's behaviour)."""
    small = json.loads(patched_upstream.read_text(encoding="utf-8"))
    small["paths"] = {p: small["paths"][p] for p in ("/contacts/{contact_id}", "/trigger/call_history")}
    small_path = tmp_path / "small.json"
    small_path.write_text(json.dumps(small), encoding="utf-8")
    junit = tmp_path / "contract.xml"
    ok = subprocess.run(
        [sys.executable, "-m", "pbxconn", "contract", "--carrier", "tele2", "--spec", str(small_path),
         "--max-examples", "3", "--seed", "1", "--junit", str(junit)],
        capture_output=True, text=True, timeout=120,
    )
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "PASS  GET /trigger/call_history" in ok.stdout and "2 passed, 0 failed" in ok.stdout
    suite = ET.parse(junit).getroot()
    assert suite.tag == "testsuite" and suite.get("tests") == "2" and suite.get("failures") == "0"
    data = small["paths"]["/contacts/{contact_id}"]["get"]["responses"]["200"]["schema"]["properties"]["data"]
    data["properties"]["contactID"]["type"] = "string"
    broken_path = tmp_path / "broken.json"
    broken_path.write_text(json.dumps(small), encoding="utf-8")
    failed = subprocess.run(
        [sys.executable, "-m", "pbxconn", "contract", "--carrier", "tele2", "--spec", str(broken_path),
         "--max-examples", "3", "--seed", "1"],
        capture_output=True, text=True, timeout=120,
    )
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "FAIL  GET /contacts/{contact_id}" in failed.stdout and "response_schema_conformance" in failed.stdout
    missing = subprocess.run([sys.executable, "-m", "pbxconn", "contract", "--carrier", "nope"], capture_output=True,
                             text=True, timeout=60, cwd=tmp_path)
    assert missing.returncode == 2 and "no connector spec" in missing.stderr


def test_a_spec_of_an_api_no_emulator_serves_is_refused_before_any_sandbox_starts(repo, tmp_path):
    """A spec whose basePath no emulator serves is a usage error naming the spec."""
    spec = json.loads((repo / "connectors" / "tele2" / "apiDefinition.swagger.json").read_text("utf-8"))
    spec["basePath"] = "/api/v9/"
    path = tmp_path / "other.swagger.json"
    path.write_text(json.dumps(spec), "utf-8")
    proc = subprocess.run([sys.executable, "-m", "pbxconn", "contract", "--carrier", "x", "--spec", str(path)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert f"{path}: the local emulators serve /api/v2/, /api/ver1.0/" in proc.stderr
    assert "'/api/v9/'" in proc.stderr and "--base-url" in proc.stderr and "Traceback" not in proc.stderr


def test_an_unreachable_live_api_is_one_usage_error_before_the_run(repo):
    proc = subprocess.run([sys.executable, "-m", "pbxconn", "contract", "--carrier", "tele2",
                           "--base-url", "http://127.0.0.1:9", "--api-key", "k"],
                          cwd=repo, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert proc.stderr.startswith("pbxconn: error: --base-url: cannot connect to http://127.0.0.1:9/api/v2")
    assert proc.stdout == "" and "Traceback" not in proc.stderr


def test_errors_of_a_run_are_summarised_per_operation_and_kind(tmp_path):
    from pbxconn.contract.run import ContractReport

    report = ContractReport(tmp_path / "spec.json", "http://127.0.0.1:9")
    report.errors = ["GET /a: Network Error: connection refused"] * 40 + ["GET /b: Timeout: read timed out"]
    lines = [line for line in report.summary().splitlines() if line.startswith("ERROR")]
    assert lines == ["ERROR GET /a: Network Error: connection refused  (40 times)", "ERROR GET /b: Timeout: read timed out"]
