"""Contract runs of the extension PBX connectors against the extension emulator, through the CLI."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]


def _extension_carriers() -> list[str]:
    return [p.stem for p in sorted((REPO / "carriers").glob("*.yaml"))
            if yaml.safe_load(p.read_text("utf-8")).get("family") == "extension"]


CARRIERS = _extension_carriers()


def contract(*args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pbxconn", "contract", *args], cwd=REPO,
                          capture_output=True, text=True, timeout=timeout)


@pytest.mark.slow
@pytest.mark.parametrize("carrier", CARRIERS)
def test_every_operation_passes_every_default_check_and_the_event_check(carrier: str) -> None:
    proc = contract("--carrier", carrier, "--max-examples", "2", "--seed", "7")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    spec = json.loads((REPO / "connectors" / carrier / "apiDefinition.swagger.json").read_text("utf-8"))
    operations = sum(1 for item in spec["paths"].values() for m in item if not m.startswith("x-"))
    assert re.search(rf"^{operations} passed, 0 failed, 0 errors", proc.stdout, re.M), proc.stdout[-500:]
    delivered = re.search(r"webhook payloads: (\d+) delivered", proc.stdout)
    assert delivered and int(delivered.group(1)) > 0, proc.stdout[-500:]


def _small_spec(tmp_path: Path, carrier: str, mutate) -> Path:
    """The carrier's spec cut down to the agent list and the event trigger, then mutated."""
    spec = json.loads((REPO / "connectors" / carrier / "apiDefinition.swagger.json").read_text("utf-8"))
    keep = ("/extension/{extension_id}/agent/", "/extension/{extension_id}/event/")
    spec["paths"] = {p: item for p, item in spec["paths"].items() if p in keep}
    mutate(spec)
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(spec), "utf-8")
    return path


@pytest.mark.parametrize("carrier", CARRIERS)
def test_a_spec_that_misdescribes_the_service_fails(carrier: str, tmp_path: Path) -> None:
    def wrong_type(spec: dict) -> None:
        spec["definitions"]["Agent"]["properties"]["name"] = {"type": "integer", "description": "x",
                                                              "x-ms-summary": "Name"}

    proc = contract("--carrier", carrier, "--spec", str(_small_spec(tmp_path, carrier, wrong_type)),
                    "--max-examples", "2", "--seed", "7")
    assert proc.returncode == 1, proc.stdout[-2000:]
    assert "FAIL  GET /extension/{extension_id}/agent/" in proc.stdout
    assert "response_schema_conformance" in proc.stdout
    # the terminal shows where the schema disagreed and the request that showed it
    assert "Schema at /definitions/Agent/properties/name" in proc.stdout
    assert re.search(r"request: GET http://127\.0\.0\.1:\d+/api/ver1\.0/extension/100/agent/", proc.stdout)


@pytest.mark.parametrize("carrier", CARRIERS)
def test_an_event_declaration_the_deliveries_do_not_match_fails(carrier: str, tmp_path: Path) -> None:
    def json_events(spec: dict) -> None:
        content = spec["paths"]["/extension/{extension_id}/event/"]["x-ms-notification-content"]
        content["schema"] = {"type": "object", "properties": {"EventType": {"type": "string"}}, "required": ["EventType"]}

    proc = contract("--carrier", carrier, "--spec", str(_small_spec(tmp_path, carrier, json_events)),
                    "--max-examples", "1", "--seed", "7")
    assert proc.returncode == 1, proc.stdout[-2000:]
    assert "webhook_payload_conformance" in proc.stdout
