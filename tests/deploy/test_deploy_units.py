"""The deploy building blocks on their own: token check, settings, YAML recording, paconn output."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
import yaml

from deploy_support import REPO
from pbxconn.core.errors import InputError, ToolMissingError
from pbxconn.deploy import record
from pbxconn.deploy.paconn import PaconnResult, failure_message, find_paconn, remote_verdict, transcript
from pbxconn.deploy.settings import (SCHEMA_KEYS, GUID, PackageNotDeployableError, check_package_files,
                                     deploy_settings, load_package_settings, read_json, schema_problems)
from pbxconn.deploy.token import NotLoggedInError, check_token

ENV = "0f6c2c1e-3b7a-4d2e-9a51-6c1d2e3f4a5b"
NOW = 1_800_000_000.0


# --- token ------------------------------------------------------------------------------------

def write_token(tmp_path: Path, content) -> Path:
    path = tmp_path / "accessTokens.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return path


def test_a_usable_token_is_accepted(tmp_path):
    token = check_token(write_token(tmp_path, {"token_type": "Bearer", "access_token": "x",
                                               "expires_on": NOW + 3600, "oid": "abc"}), now=NOW)
    assert token.object_id == "abc" and token.expires_on == NOW + 3600


def test_a_token_without_expiry_is_accepted_like_paconn_does(tmp_path):
    assert check_token(write_token(tmp_path, {"token_type": "Bearer", "access_token": "x"}), now=NOW)


@pytest.mark.parametrize("content, message", [
    (None, "no token file"),
    ("{not json", "unreadable"),
    ([], "not a JSON object"),
    ({"token_type": "Bearer"}, "no access_token"),
    ({"access_token": "x"}, "no token_type"),
    ({"token_type": "Bearer", "access_token": "x", "expires_on": "1800003600"}, "not a number"),
    ({"token_type": "Bearer", "access_token": "x", "expires_on": NOW + 599}, "expired at 2027-01-15"),
])
def test_unusable_tokens_give_one_message_with_the_fix(tmp_path, content, message):
    path = tmp_path / "accessTokens.json" if content is None else write_token(tmp_path, content)
    with pytest.raises(NotLoggedInError) as caught:
        check_token(path, now=NOW)
    assert message in caught.value.message
    assert "paconn login" in str(caught.value) and str(path) in str(caught.value)
    assert caught.value.exit_code == 2


# --- settings ---------------------------------------------------------------------------------

def make_package(tmp_path: Path, **settings_overrides) -> Path:
    package = tmp_path / "pkg"
    package.mkdir(parents=True)
    swagger = {"swagger": "2.0", "info": {"title": "T", "description": "D", "version": "1.0"},
               "host": "pbx.example.lv", "basePath": "/api/v2/", "schemes": ["https"], "paths": {}}
    (package / "apiDefinition.swagger.json").write_text(json.dumps(swagger))
    (package / "apiProperties.json").write_text(json.dumps({"properties": {"iconBrandColor": "#123456"}}))
    (package / "icon.png").write_bytes(b"\x89PNG")
    (package / "script.csx").write_text("public class Script : ScriptBase {}\n")
    settings = {"apiDefinition": "apiDefinition.swagger.json", "apiProperties": "apiProperties.json",
                "icon": "icon.png", "script": "script.csx", "powerAppsApiVersion": "2016-11-01",
                "powerAppsUrl": "https://api.powerapps.com", **settings_overrides}
    (package / "settings.json").write_text(json.dumps({k: v for k, v in settings.items() if v is not None}))
    return package


def test_committed_settings_and_merged_settings_pass_microsofts_schema(tmp_path, shared):
    import jsonschema

    schema = json.loads((shared / "ms-schemas" / "paconn-settings.schema.json").read_text(encoding="utf-8-sig"))
    assert set(SCHEMA_KEYS) == set(schema["properties"])
    assert GUID.pattern == schema["properties"]["environment"]["pattern"]
    package = make_package(tmp_path)
    settings = load_package_settings(package)
    jsonschema.validate({k: v for k, v in settings.items() if k != "script"}, schema)
    merged = deploy_settings(package, settings, environment=ENV, connector_id="shared_x",
                             power_apps_url="http://127.0.0.1:8080/")
    assert merged["powerAppsUrl"] == "http://127.0.0.1:8080"
    assert merged["connectorId"] == "shared_x" and merged["environment"] == ENV
    assert all(Path(merged[k]).is_absolute() and Path(merged[k]).is_file()
               for k in ("apiDefinition", "apiProperties", "icon", "script"))
    jsonschema.validate({k: v for k, v in merged.items() if k != "script"}, schema)


@pytest.mark.parametrize("settings, problem", [
    ({"environment": "Default-0f6c2c1e"}, "not a lower-case GUID"),
    ({"powerAppsApiVersion": "2020-01-01"}, "must be one of 2016-11-01"),
    ({"powerAppsUrl": "https://api.powerapps.com/some/prefix"}, "drops the rest"),
    ({"icons": "icon.png"}, "unknown key 'icons'"),
    ({"icon": 1}, "icon must be a string"),
])
def test_schema_problems(settings, problem):
    assert any(problem in p for p in schema_problems(settings)), schema_problems(settings)


@pytest.mark.parametrize("override, problem", [
    ({"icon": "/abs/icon.png"}, "must be a relative path inside the package folder"),
    ({"icon": "../icon.png"}, "must be a relative path inside the package folder"),
    ({"script": "missing.csx"}, "names 'missing.csx', which does not exist"),
    ({"script": None}, "script.csx exists but script is not set"),
    ({"apiProperties": None}, "apiProperties is missing"),
])
def test_settings_paconn_would_misread_are_refused(tmp_path, override, problem):
    package = make_package(tmp_path, **override)
    with pytest.raises(PackageNotDeployableError, match=problem):
        load_package_settings(package)


def test_bom_and_missing_description_are_refused(tmp_path):
    package = make_package(tmp_path)
    swagger_path = package / "apiDefinition.swagger.json"
    swagger = json.loads(swagger_path.read_text())
    del swagger["info"]["description"]
    swagger_path.write_text(json.dumps(swagger))
    settings = load_package_settings(package)
    with pytest.raises(PackageNotDeployableError, match="info.description is missing"):
        check_package_files(package, settings)
    swagger_path.write_bytes(b"\xef\xbb\xbf" + swagger_path.read_bytes())
    with pytest.raises(PackageNotDeployableError, match="UTF-8 BOM"):
        read_json(swagger_path)


def test_oauth_connectors_are_deployable_when_paconn_can_hand_them_the_secret(tmp_path):
    package = make_package(tmp_path)
    token = {"type": "oauthSetting", "oAuthSettings": {"identityProvider": "oauth2", "clientId": "c"}}
    path = package / "apiProperties.json"
    path.write_text(json.dumps({"properties": {"connectionParameters": {"token": token}}}))
    settings = load_package_settings(package)
    assert check_package_files(package, settings)["info"]["title"] == "T"
    path.write_text(json.dumps({"properties": {"connectionParameters": {"oauth": token}}}))
    with pytest.raises(PackageNotDeployableError, match="only to one named 'token'") as caught:
        check_package_files(package, settings)
    assert caught.value.exit_code == 2 and str(path) in str(caught.value)


# --- recording the connector id in the carrier YAML ------------------------------------------

CARRIER = """# LMT Latvia.
id: lmt
title: Zvanu Parvaldnieks   # as Microsoft lists it
contact:
  name: "Latvijas Mobilais Telefons"
categories: [Communication]
"""


@pytest.mark.parametrize("before, after", [
    (CARRIER, CARRIER + "paconn:\n  connector_id: shared_zvanu-5f01\n"),
    ("id: lmt", "id: lmt\npaconn:\n  connector_id: shared_zvanu-5f01\n"),
    ("id: lmt\npaconn:\n    environment: e  # prod\nx: 1\n",
     "id: lmt\npaconn:\n    environment: e  # prod\n    connector_id: shared_zvanu-5f01\nx: 1\n"),
    ("paconn:\n  connector_id: old  # keep me\n\n# after\nx: 1\n",
     "paconn:\n  connector_id: shared_zvanu-5f01 # keep me\n\n# after\nx: 1\n"),
    ("paconn: {environment: e}\nx: 1\n", "paconn:\n  environment: e\n  connector_id: shared_zvanu-5f01\nx: 1\n"),
    ("paconn: ~\n", "paconn:\n  connector_id: shared_zvanu-5f01\n"),
    ("a: 1\r\npaconn:\r\n", "a: 1\r\npaconn:\r\n  connector_id: shared_zvanu-5f01\r\n"),
])
def test_connector_id_goes_under_paconn_and_nothing_else_changes(before, after):
    assert record.set_paconn_values(before, {"connector_id": "shared_zvanu-5f01"}) == after


def test_values_that_yaml_would_misread_are_quoted():
    assert record.scalar("12345") == '"12345"'
    assert record.scalar("true") == '"true"'
    assert record.scalar("a b: c") == '"a b: c"'
    assert yaml.safe_load("k: " + record.scalar('x"y')) == {"k": 'x"y'}
    assert record.scalar(ENV) == ENV


def test_record_writes_atomically_and_keeps_the_mode(tmp_path):
    path = tmp_path / "lmt.yaml"
    path.write_text(CARRIER)
    os.chmod(path, 0o644)
    assert record.record(path, {"connector_id": "shared_x", "environment": ENV}) is True
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert path.read_text().startswith(CARRIER)
    assert record.paconn_block(path) == {"connector_id": "shared_x", "environment": ENV}
    assert record.record(path, {"connector_id": "shared_x"}) is False
    assert [p.name for p in tmp_path.iterdir()] == ["lmt.yaml"]


def test_record_refuses_an_edit_it_cannot_verify(tmp_path):
    path = tmp_path / "lmt.yaml"
    text = "paconn:\n  connector_id: >\n    folded\n    old\nx: 1\n"
    path.write_text(text)
    with pytest.raises(InputError, match="add by hand"):
        record.record(path, {"connector_id": "shared_x"})
    assert path.read_text() == text


def test_a_paconn_block_with_unknown_keys_is_an_input_error(tmp_path):
    path = tmp_path / "lmt.yaml"
    path.write_text("paconn:\n  connectorId: x\n")
    with pytest.raises(InputError, match="unknown key"):
        record.paconn_block(path)


# --- finding and reading paconn ---------------------------------------------------------------

def executable(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)
    return path


def test_paconn_is_found_beside_python_then_on_path(tmp_path):
    venv = executable(tmp_path / "venv" / "bin" / "python")
    beside = executable(tmp_path / "venv" / "bin" / "paconn")
    on_path = executable(tmp_path / "elsewhere" / "paconn")
    env = {"PATH": str(on_path.parent)}
    assert find_paconn(env, str(venv)) == [str(beside)]
    beside.unlink()
    assert find_paconn(env, str(venv)) == [str(on_path)]
    with pytest.raises(ToolMissingError, match="not installed") as caught:
        find_paconn({"PATH": str(tmp_path / "nothing")}, str(venv))
    assert "pbxconn[deploy]" in str(caught.value)
    assert find_paconn({"PBXCONN_PACONN": f"{on_path} --verbose", "PATH": ""}, str(venv)) == [
        str(on_path), "--verbose"]


def result(stderr: str, code: int = 1) -> PaconnResult:
    return PaconnResult(("paconn", "create"), Path("/tmp"), code, "", stderr)


TRACEBACK = """Traceback (most recent call last):
  File "/x/knack/cli.py", line 206, in invoke
    cmd_result = self.invocation.execute(args)
  File "/x/paconn/apimanager/powerappsrp.py", line 108, in validate_connector
    response = self.api_manager.request(
  File "/x/requests/adapters.py", line 729, in send
    raise ConnectionError(e, request=request)
requests.exceptions.ConnectionError: HTTPConnectionPool(host='127.0.0.1', port=18098): Max retries exceeded \
with url: /providers/x (Caused by NewConnectionError("HTTPConnection(host='127.0.0.1', port=18098): \
Failed to establish a new connection: [Errno 111] Connection refused"))
"""


def test_an_unreachable_service_is_one_line():
    out = result("ERROR: HTTPConnectionPool(...)\n" + TRACEBACK)
    assert failure_message(out) == "cannot reach 127.0.0.1:18098 at validateApiSwagger: Connection refused"
    assert transcript(out).splitlines() == ["ERROR: HTTPConnectionPool(...)", TRACEBACK.splitlines()[-1]]


def test_a_json_error_body_gives_status_and_server_message():
    stderr = ('{\n  "error": {\n    "code": "ApiNotFound",\n    "message": "The API \'x\' could not be found."\n'
              '  }\n}\nERROR: 404 Client Error: Not Found for url: http://127.0.0.1:1/providers/Microsoft.PowerApps/'
              'apis/x?api-version=2016-11-01\n')
    assert failure_message(result(stderr)) == (
        "404 Client Error: Not Found at apis/x: ApiNotFound: The API 'x' could not be found.")


def test_remote_verdict_reads_what_validate_printed_despite_exit_0():
    assert remote_verdict(result("/tmp/w/apiDefinition.swagger.json validated successfully.\n", 0)) == []
    assert remote_verdict(result("Warning: a\nWarning: b\n", 0)) == ["Warning: a", "Warning: b"]


# --- deciding create vs update ----------------------------------------------------------------

OTHER_ENV = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"


def plan_for(tmp_path: Path, carrier_yaml: str, **options):
    from pbxconn.deploy import run

    package = make_package(tmp_path)
    root = tmp_path / "root"
    (root / "connectors").mkdir(parents=True)
    package.rename(root / "connectors" / "lmt")
    (root / "carriers").mkdir()
    (root / "carriers" / "lmt.yaml").write_text(carrier_yaml)
    options = {"environment": None, "connector_id": None, "power_apps_url": None, **options}
    return run.plan_deploy(run.locate(root, "lmt"), **options)


def test_no_recorded_id_means_create_and_record_both_keys(tmp_path):
    plan = plan_for(tmp_path, "id: lmt\n", environment=ENV.upper())
    assert (plan.verb, plan.environment, plan.record) == ("create", ENV, {"connector_id": "", "environment": ENV})
    assert "connectorId" not in plan.settings and plan.settings["environment"] == ENV


def test_the_recorded_id_is_updated_in_its_own_environment(tmp_path):
    plan = plan_for(tmp_path, f"id: lmt\npaconn:\n  connector_id: shared_a\n  environment: {ENV}\n")
    assert (plan.verb, plan.connector_id, plan.environment, plan.record) == ("update", "shared_a", ENV, None)
    assert plan.settings["connectorId"] == "shared_a"


def test_another_environment_neither_uses_nor_overwrites_the_recorded_id(tmp_path):
    plan = plan_for(tmp_path, f"id: lmt\npaconn:\n  connector_id: shared_a\n  environment: {ENV}\n",
                    environment=OTHER_ENV)
    assert (plan.verb, plan.connector_id, plan.record) == ("create", None, None)
    assert any("not recorded" in note for note in plan.notes)


def test_missing_environment_and_bad_url_are_input_errors(tmp_path):
    from pbxconn.deploy.run import MissingEnvironmentError

    with pytest.raises(MissingEnvironmentError):
        plan_for(tmp_path / "a", "id: lmt\n")
    with pytest.raises(InputError, match="drops the rest"):
        plan_for(tmp_path / "b", "id: lmt\n", environment=ENV, power_apps_url="https://x.example/api")


@pytest.mark.parametrize("carrier", sorted(p.name for p in (REPO / "connectors").iterdir() if p.is_dir()))
def test_the_committed_packages_are_what_paconn_needs(repo, carrier):
    package = repo / "connectors" / carrier
    if not (package / "settings.json").is_file():
        pytest.skip(f"no rendered package in {package}; run `pbxconn build`")
    settings = load_package_settings(package)
    assert "environment" not in settings or GUID.match(settings["environment"])
    swagger = check_package_files(package, settings)
    assert swagger["info"]["description"].strip()
    for name in ("apiDefinition.swagger.json", "apiProperties.json", "settings.json", "script.csx"):
        assert not (package / name).is_file() or not (package / name).read_bytes().startswith(b"\xef\xbb\xbf"), name
