"""`pbxconn deploy` end to end: real pbxconn and paconn processes against the RP emulator."""

from __future__ import annotations

import json
import os

import pytest
import yaml

from deploy_support import EDITED, ENVIRONMENT, OAUTH_SETTINGS, SLOW_GATES, TOKEN, api_key_packages, make_oauth

pytest.importorskip("paconn", reason="paconn is an optional extra: pip install 'pbxconn[deploy]'")

pytestmark = pytest.mark.slow


def deploy(pbxconn, project, emulator, *extra: str, env: dict[str, str] | None = None,
           skip: tuple[str, ...] = SLOW_GATES):
    """Run `pbxconn deploy` for the project's carrier against the emulator, skipping the gates
    `skip` names (by default the slow ones; EDITED for a package a test changed on purpose)."""
    return pbxconn("deploy", "--carrier", project.carrier, "--environment", ENVIRONMENT,
                   "--power-apps-url", emulator.url, *skip, *extra, cwd=project.root, env=env)


def blob_bytes(emulator, url: str) -> bytes:
    """What the emulator stored for a SAS download URL paconn built."""
    assert url.startswith(emulator.blob_origin + "/"), url
    path = url[len(emulator.blob_origin) + 1:].split("?")[0]
    return emulator.blobs[path].body


def assert_package_sent(emulator, project, properties: dict) -> None:
    """The registration body carries every part of our package."""
    swagger = project.json("apiDefinition.swagger.json")
    ours = project.json("apiProperties.json")["properties"]
    assert properties["openApiDefinition"] == swagger
    assert properties["backendService"] == {"serviceUrl": "https://{host}{basePath}".format(**swagger).rstrip("/") + "/"}
    assert properties["description"] == swagger["info"]["description"]
    assert properties["environment"] == {"name": ENVIRONMENT}
    for key, value in ours.items():  # connection parameters, policies, script routing, brand...
        assert properties[key] == value, key
    assert properties["connectionParameters"] and properties["policyTemplateInstances"]
    assert properties["scriptOperations"] == ours["scriptOperations"]
    assert blob_bytes(emulator, properties["iconUri"]) == (project.package / "icon.png").read_bytes()
    assert blob_bytes(emulator, properties["scriptDefinitionUrl"]) == (project.package / "script.csx").read_bytes()


@pytest.mark.parametrize("carrier", api_key_packages())
def test_create_sends_the_package_and_records_the_id(carrier, make_project, emulator, pbxconn):
    project = make_project(carrier)
    yaml_before = project.carrier_file.read_text(encoding="utf-8")

    result = deploy(pbxconn, project, emulator)

    assert result.returncode == 0, result.stderr
    assert emulator.operations() == ["validateApiSwagger", "generateResourceStorage", "blob_put",
                                     "blob_put", "create"]
    validated = emulator.received("validateApiSwagger")[0]
    assert validated.json() == project.json("apiDefinition.swagger.json")
    assert "enableConnectorCertificationRules" not in validated.query
    assert validated.headers["authorization"] == f"Bearer {TOKEN['access_token']}"
    storage = emulator.received("generateResourceStorage")[0].json()
    assert storage == {"environment": {"name": ENVIRONMENT}}
    puts = {r.path.rsplit("/", 1)[-1]: r for r in emulator.received("blob_put")}
    assert puts["icon.png"].headers["x-ms-blob-content-type"] == "image/png"
    assert puts["script.csx"].body == (project.package / "script.csx").read_bytes()

    create = emulator.received("create")[0]
    assert create.query["$filter"] == [f"environment eq '{ENVIRONMENT}'"]
    properties = create.json()["properties"]
    swagger = project.json("apiDefinition.swagger.json")
    assert properties["displayName"] == swagger["info"]["title"]
    assert_package_sent(emulator, project, properties)

    (connector_id,) = emulator.apis
    assert f"created connector {connector_id}" in result.stdout
    yaml_after = project.carrier_file.read_text(encoding="utf-8")
    assert yaml_after.startswith(yaml_before)  # the hand-written text is untouched
    assert yaml.safe_load(yaml_after)["paconn"] == {"connector_id": connector_id, "environment": ENVIRONMENT}
    assert not (project.package / "settings.json").read_text().count(connector_id)  # committed file untouched


@pytest.mark.parametrize("carrier", api_key_packages())
def test_download_returns_our_files_and_update_sends_the_same(carrier, make_project, emulator, pbxconn,
                                                              paconn, tmp_path):
    project = make_project(carrier)
    assert deploy(pbxconn, project, emulator).returncode == 0
    (connector_id,) = emulator.apis
    created = emulator.received("create")[0].json()["properties"]

    download = tmp_path / "download"
    got = paconn("download", "-e", ENVIRONMENT, "-c", connector_id, "-d", str(download),
                 "--pau", emulator.url, cwd=tmp_path)
    assert got.returncode == 0, got.stderr
    assert json.loads((download / "apiDefinition.swagger.json").read_text()) == \
        project.json("apiDefinition.swagger.json")
    assert json.loads((download / "apiProperties.json").read_text()) == project.json("apiProperties.json")
    for name in ("icon.png", "script.csx"):
        assert (download / name).read_bytes() == (project.package / name).read_bytes(), name

    assert pbxconn("build", "--carrier", carrier, cwd=project.root).returncode == 0  # settings.json: the new id
    result = deploy(pbxconn, project, emulator, "--connector-id", connector_id)

    assert result.returncode == 0, result.stderr
    assert f"updated connector {connector_id}" in result.stdout
    assert emulator.operations()[-5:] == ["validateApiSwagger", "generateResourceStorage", "blob_put",
                                          "blob_put", "update"]
    update = emulator.received("update")[0]
    assert update.path.endswith(f"/apis/{connector_id}")
    assert update.query["$filter"] == [f"environment eq '{ENVIRONMENT}'"]
    properties = update.json()["properties"]
    assert "displayName" not in properties
    assert_package_sent(emulator, project, properties)
    same = {k: v for k, v in created.items() if k not in ("displayName", "iconUri", "scriptDefinitionUrl")}
    assert {k: v for k, v in properties.items() if k not in ("iconUri", "scriptDefinitionUrl")} == same


def test_second_deploy_updates_the_recorded_connector(make_project, emulator, pbxconn):
    project = make_project("tele2")
    assert deploy(pbxconn, project, emulator).returncode == 0
    (connector_id,) = emulator.apis
    recorded = project.carrier_file.read_text(encoding="utf-8")
    # the first deploy asks for a build: settings.json carries the recorded id
    assert pbxconn("deploy", "--carrier", "tele2", "--power-apps-url", emulator.url, *SLOW_GATES,
                   cwd=project.root).returncode == 1
    assert pbxconn("build", "--carrier", "tele2", cwd=project.root).returncode == 0

    # no --environment and no --connector-id: both come from carriers/tele2.yaml
    result = pbxconn("deploy", "--carrier", "tele2", "--power-apps-url", emulator.url, *SLOW_GATES,
                     cwd=project.root)

    assert result.returncode == 0, result.stderr
    assert emulator.operations()[-1] == "update"
    assert emulator.received("update")[0].path.endswith(connector_id)
    assert project.carrier_file.read_text(encoding="utf-8") == recorded


def test_server_error_is_shown_and_nothing_is_recorded(make_project, emulator, pbxconn):
    project = make_project("tele2")
    before = project.carrier_file.read_bytes()
    body = {"error": {"code": "InvalidApiProperties", "message": "Policy template 'pollingtrigger' is unknown."}}
    emulator.fail["create"] = (400, json.dumps(body).encode(), "application/json")

    result = deploy(pbxconn, project, emulator)

    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("pbxconn: error: paconn create failed: 400 Client Error")
    assert "InvalidApiProperties: Policy template 'pollingtrigger' is unknown." in last
    assert "Traceback" not in result.stderr
    assert project.carrier_file.read_bytes() == before


def test_error_page_that_is_not_json_gives_one_clear_line(make_project, emulator, pbxconn):
    project = make_project("lmt")
    emulator.fail["generateResourceStorage"] = (502, b"<html><body>Bad Gateway</body></html>", "text/html")

    result = deploy(pbxconn, project, emulator)

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1] == (
        "pbxconn: error: paconn create failed: the Power Apps service answered at "
        "generateResourceStorage with an HTTP error whose body is not JSON (a gateway or proxy "
        "page?); paconn cannot show it")


def test_no_token_is_one_clear_message(make_project, emulator, pbxconn, child_env, tmp_path):
    project = make_project("tele2")
    empty_home = tmp_path / "empty-home"
    empty_home.mkdir()

    result = pbxconn("deploy", "--carrier", "tele2", "--environment", ENVIRONMENT,
                     "--power-apps-url", emulator.url, cwd=project.root, env={**child_env, "HOME": str(empty_home)})

    assert result.returncode == 2
    assert "pbxconn: error:" in result.stderr and "not logged in to paconn: no token file" in result.stderr
    assert "paconn login" in result.stderr
    assert emulator.requests == []


def test_expired_token_is_one_clear_message(make_project, emulator, pbxconn, home):
    project = make_project("tele2")
    (home / ".paconn" / "accessTokens.json").write_text(json.dumps({**TOKEN, "expires_on": 1_600_000_000}))

    result = deploy(pbxconn, project, emulator)

    assert result.returncode == 2
    assert "paconn login token expired at 2020-09-13" in result.stderr
    assert emulator.requests == []


def test_missing_environment_is_one_clear_message(make_project, emulator, pbxconn):
    project = make_project("tele2")

    result = pbxconn("deploy", "--carrier", "tele2", "--power-apps-url", emulator.url, cwd=project.root)

    assert result.returncode == 2
    assert "no Power Platform environment id" in result.stderr
    assert "--environment" in result.stderr
    assert emulator.requests == []


def test_missing_paconn_is_one_clear_message(make_project, emulator, pbxconn, child_env):
    project = make_project("tele2")
    env = {**child_env, "PBXCONN_PACONN": "/nonexistent/paconn"}

    result = pbxconn("deploy", "--carrier", "tele2", "--environment", ENVIRONMENT, cwd=project.root, env=env)

    assert result.returncode == 2
    assert "pip install 'pbxconn[deploy]'" in result.stderr
    assert emulator.requests == []


def test_dry_run_prints_the_command_that_then_works(make_project, emulator, pbxconn, child_env):
    import subprocess

    project = make_project("tele2")

    result = deploy(pbxconn, project, emulator, "--dry-run")

    assert result.returncode == 0, result.stderr
    assert emulator.requests == []
    command = result.stdout.strip()
    assert command.startswith("cd ") and " create --settings deploy-settings.json --overwrite-settings" in command
    ran = subprocess.run(["bash", "-c", command], env=child_env, stdin=subprocess.DEVNULL,
                         capture_output=True, text=True, timeout=60)
    assert ran.returncode == 0, ran.stderr
    assert emulator.operations()[-1] == "create"


def test_validator_errors_refuse_the_deploy(make_project, emulator, pbxconn):
    project = make_project("tele2")
    path = project.package / "apiDefinition.swagger.json"
    swagger = json.loads(path.read_text())
    first = next(iter(swagger["paths"].values()))
    swagger["paths"]["/duplicate/{contact_id}/x"] = dict(first)  # the same operationIds twice
    path.write_text(json.dumps(swagger, indent=4) + "\n")

    result = deploy(pbxconn, project, emulator, skip=EDITED)

    assert result.returncode == 1
    assert "refusing to deploy tele2: gate validate failed" in result.stderr
    assert "error OperationIdNotUnique" in result.stderr
    assert emulator.requests == []


def test_a_bom_is_refused_before_paconn_runs(make_project, emulator, pbxconn):
    project = make_project("lmt")
    path = project.package / "apiProperties.json"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())

    result = deploy(pbxconn, project, emulator, skip=EDITED)

    assert result.returncode in (1, 2)  # the validator or the paconn pre-check, whichever sees it first
    assert "BOM" in result.stderr or "byte order mark" in result.stderr
    assert emulator.requests == []


@pytest.mark.parametrize("verdict, code", [("", 0), ("Warning: Operation 'Dial' has no summary.\r\n"
                                                     "Warning: Trigger 'CallStarted' has no description.", 1)])
def test_remote_validate_shows_both_verdicts(verdict, code, make_project, emulator, pbxconn):
    project = make_project("tele2")
    emulator.validate_verdict = verdict

    result = pbxconn("deploy", "--carrier", "tele2", "--remote-validate", "--power-apps-url", emulator.url,
                     cwd=project.root)

    assert result.returncode == code, result.stderr
    assert emulator.operations() == ["validateApiSwagger"]
    request = emulator.received("validateApiSwagger")[0]
    assert request.query["enableConnectorCertificationRules"] == ["true"]
    assert request.json() == project.json("apiDefinition.swagger.json")
    assert "pbxconn validate (offline rules):" in result.stdout
    if verdict:
        assert "2 messages" in result.stdout
        assert "  Warning: Operation 'Dial' has no summary." in result.stdout.splitlines()
    else:
        assert "paconn validate (Microsoft certification):   passed" in result.stdout


# --- OAuth connectors: the client secret ---------------------------------------------------------

OAUTH_SECRET = "-Zk8Q~e2e.s3cr3t@value"  # a leading '-' and an '@' that paconn's parser must not misread
DEPLOYED = ["validateApiSwagger", "generateResourceStorage", "blob_put", "blob_put"]


def files_holding(root, secret: str) -> list[str]:
    """Every file under `root` whose bytes contain the secret."""
    return [str(p) for p in root.rglob("*") if p.is_file() and secret.encode() in p.read_bytes()]


def test_oauth_create_hands_paconn_the_client_secret_and_never_shows_it(make_project, emulator, pbxconn,
                                                                         child_env, tmp_path):
    project = make_oauth(make_project("tele2"))

    result = deploy(pbxconn, project, emulator, env={**child_env, "PBXCONN_OAUTH_CLIENT_SECRET": OAUTH_SECRET},
                    skip=EDITED)

    assert result.returncode == 0, result.stderr
    assert emulator.operations() == [*DEPLOYED, "create"]
    # paconn puts --secret into connectionParameters.token.oAuthSettings.clientSecret, and only there
    assert emulator.client_secrets("create") == {"connectionParameters.token": OAUTH_SECRET}
    properties = emulator.received("create")[0].json()["properties"]
    assert properties["connectionParameters"] == {"token": {
        "type": "oauthSetting", "oAuthSettings": {**OAUTH_SETTINGS, "clientSecret": OAUTH_SECRET}}}
    assert properties["openApiDefinition"]["securityDefinitions"]["oauth2_auth"]["flow"] == "accessCode"
    (connector_id,) = emulator.apis
    assert f"created connector {connector_id}" in result.stdout
    assert "note: OAuth client secret for connectionParameters.token from $PBXCONN_OAUTH_CLIENT_SECRET" \
        in result.stderr
    assert OAUTH_SECRET not in result.stdout + result.stderr
    assert files_holding(tmp_path, OAUTH_SECRET) == []  # project, carrier YAML, HOME, temporary dirs
    assert list((tmp_path / "scratch").iterdir()) == []  # paconn's working directory is gone


def test_oauth_update_sends_the_secret_from_the_variable_secret_env_names(make_project, emulator, pbxconn,
                                                                         child_env, paconn, tmp_path):
    project = make_oauth(make_project("tele2"))
    env = {**child_env, "TELE2_OAUTH_SECRET": OAUTH_SECRET}
    assert deploy(pbxconn, project, emulator, "--secret-env", "TELE2_OAUTH_SECRET", env=env,
                  skip=EDITED).returncode == 0
    (connector_id,) = emulator.apis

    # the recorded connector is updated, with a rotated secret
    result = pbxconn("deploy", "--carrier", "tele2", "--power-apps-url", emulator.url, *EDITED,
                     "--secret-env", "TELE2_OAUTH_SECRET", cwd=project.root,
                     env={**env, "TELE2_OAUTH_SECRET": "rotated-" + OAUTH_SECRET})

    assert result.returncode == 0, result.stderr
    assert emulator.operations()[-5:] == [*DEPLOYED, "update"]
    assert emulator.received("update")[0].path.endswith(connector_id)
    assert emulator.client_secrets("update") == {"connectionParameters.token": "rotated-" + OAUTH_SECRET}
    assert OAUTH_SECRET not in result.stdout + result.stderr
    # like the service, a download never returns the secret
    got = paconn("download", "-e", ENVIRONMENT, "-c", connector_id, "-d", str(tmp_path / "download"),
                 "--pau", emulator.url, cwd=tmp_path)
    assert got.returncode == 0, got.stderr
    assert files_holding(tmp_path, OAUTH_SECRET) == []


def test_oauth_without_a_secret_is_one_clear_line(make_project, emulator, pbxconn):
    project = make_oauth(make_project("tele2"))

    result = deploy(pbxconn, project, emulator, skip=EDITED)  # stdin is not a terminal: no prompt

    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1] == (
        "pbxconn: error: tele2 (client id 3f2504e0-4f89-41d3-9a0c-0305e82c3301) needs its OAuth client "
        "secret: set PBXCONN_OAUTH_CLIENT_SECRET (or run pbxconn deploy on a terminal to be asked for it)")
    assert emulator.requests == []


def test_oauth_secret_echoed_by_the_service_is_masked(make_project, emulator, pbxconn, child_env):
    project = make_oauth(make_project("tele2"))
    body = {"error": {"code": "InvalidOAuthSettings", "message": f"Client secret '{OAUTH_SECRET}' is rejected."}}
    emulator.fail["create"] = (400, json.dumps(body).encode(), "application/json")

    result = deploy(pbxconn, project, emulator, env={**child_env, "PBXCONN_OAUTH_CLIENT_SECRET": OAUTH_SECRET},
                    skip=EDITED)

    assert result.returncode == 1
    assert OAUTH_SECRET not in result.stdout + result.stderr
    assert "InvalidOAuthSettings: Client secret '***' is rejected." in result.stderr.strip().splitlines()[-1]
    assert '"message": "Client secret \'***\' is rejected."' in result.stderr  # paconn's own output, masked


def test_oauth_secret_typed_at_the_prompt_reaches_the_service(make_project, emulator, child_env, monkeypatch,
                                                             capsys, tmp_path):
    import getpass
    import tempfile

    from pbxconn.cli import main

    project = make_oauth(make_project("tele2"))
    for name in [n for n in os.environ if n not in child_env]:
        monkeypatch.delenv(name)
    for name, value in child_env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(tempfile, "tempdir", child_env["TMPDIR"])
    monkeypatch.setattr("pbxconn.deploy.secret._stdin_is_terminal", lambda: True)
    prompts = []
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": prompts.append(prompt) or OAUTH_SECRET)

    with pytest.raises(SystemExit) as exited:
        main(["deploy", "--carrier", "tele2", "--environment", ENVIRONMENT, "--power-apps-url", emulator.url,
              "--root", str(project.root), *EDITED])
    out, err = capsys.readouterr()

    assert exited.value.code == 0, err
    assert prompts == ["OAuth client secret for tele2 (client id 3f2504e0-4f89-41d3-9a0c-0305e82c3301) "
                       "(input hidden): "]
    assert emulator.client_secrets("create") == {"connectionParameters.token": OAUTH_SECRET}
    assert "from the prompt" in err and OAUTH_SECRET not in out + err
    assert files_holding(tmp_path, OAUTH_SECRET) == []


def _oauth_carriers(repo) -> list[str]:
    """Carriers/providers whose rendered package signs in with OAuth2 (an oauthSetting parameter)."""
    found = []
    for path in sorted((repo / "connectors").glob("*/apiProperties.json")):
        params = json.loads(path.read_text("utf-8"))["properties"].get("connectionParameters", {})
        if any(p.get("type") == "oauthSetting" for p in params.values()):
            found.append(path.parent.name)
    return found


def test_every_rendered_oauth_package_deploys_with_its_secret(repo, make_project, emulator, pbxconn, child_env):
    """The generated OAuth packages themselves (not a converted copy) go through the real paconn."""
    ids = _oauth_carriers(repo)
    if not ids:
        pytest.skip("no OAuth2 package under connectors/")
    for carrier in ids:
        project = make_project(carrier)
        client_id = project.json("apiProperties.json")["properties"]["connectionParameters"]["token"][
            "oAuthSettings"]["clientId"]
        result = deploy(pbxconn, project, emulator, env={**child_env, "PBXCONN_OAUTH_CLIENT_SECRET": OAUTH_SECRET})
        assert result.returncode == 0, result.stderr
        assert emulator.client_secrets("create") == {"connectionParameters.token": OAUTH_SECRET}
        sent = [r.json()["properties"] for r in emulator.received("create")][-1]
        assert sent["connectionParameters"]["token"]["oAuthSettings"]["clientId"] == client_id
        assert sent["openApiDefinition"] == project.json("apiDefinition.swagger.json")
        assert sent["backendService"] == {"serviceUrl": "https://{host}{basePath}".format(**sent["openApiDefinition"])}
        assert OAUTH_SECRET not in result.stdout + result.stderr
