"""The OAuth client secret: which connectors need it, where it comes from, how paconn gets it,
and that pbxconn never shows it (in-process; no paconn run)."""

from __future__ import annotations

import getpass
import json
import sys

import pytest

from deploy_support import EDITED, ENVIRONMENT, OAUTH_CLIENT_ID, make_oauth
from pbxconn.cli import main
from pbxconn.core.errors import InputError
from pbxconn.deploy import run
from pbxconn.deploy.secret import (MASK, SECRET_ENV, MissingSecretError, Secret, check_env_name, mask,
                                   oauth_clients, oauth_problems, resolve_secret, secret_transport,
                                   without_secret_env)

SECRET = "-Zk8Q~s3cr3t.value@pbx"  # starts with '-' and holds '@', '~': paconn must still get it as is
TOKEN_PARAM = {"type": "oauthSetting", "oAuthSettings": {"identityProvider": "oauth2", "clientId": "c1"}}


def never_prompt(prompt: str = "") -> str:
    raise AssertionError("pbxconn prompted for a secret it does not need")


# --- which connectors need a secret ------------------------------------------------------------

def test_oauth_clients_are_the_token_parameters_paconn_fills():
    properties = {"connectionParameters": {"token": TOKEN_PARAM},
                  "connectionParameterSets": {"values": [
                      {"name": "a", "parameters": {"token": TOKEN_PARAM}},
                      {"name": "b", "parameters": {"api_key": {"type": "securestring"}}}]}}
    clients = oauth_clients(properties)
    assert [c.where for c in clients] == ["connectionParameters.token",
                                          "connectionParameterSets.values[0].parameters.token"]
    assert {c.client_id for c in clients} == {"c1"}
    assert oauth_problems(properties) == []


def test_api_key_and_anonymous_connectors_need_no_secret():
    assert oauth_clients({"connectionParameters": {"api_key": {"type": "securestring"}}}) == []
    assert oauth_clients({}) == [] and oauth_problems({}) == []


@pytest.mark.parametrize("params, problem", [
    ({"oauth": TOKEN_PARAM}, "connectionParameters.oauth is an OAuth parameter, but paconn passes the client "
                             "secret only to one named 'token'"),
    ({"token": {"type": "oauthSetting"}}, "connectionParameters.token is an oauthSetting without oAuthSettings"),
])
def test_oauth_parameters_paconn_cannot_give_the_secret_to_are_named(params, problem):
    (found,) = oauth_problems({"connectionParameters": params})
    assert found.startswith(problem)
    assert oauth_clients({"connectionParameters": params}) == []


# --- where the secret comes from ---------------------------------------------------------------

def test_the_secret_comes_from_the_environment_variable(monkeypatch):
    monkeypatch.setattr(getpass, "getpass", never_prompt)
    secret = resolve_secret(SECRET_ENV, "tele2", environ={SECRET_ENV: SECRET}, interactive=True)
    assert secret.value == SECRET and secret.source == f"${SECRET_ENV}"
    other = resolve_secret("TELE2_SECRET", "tele2", environ={SECRET_ENV: "no", "TELE2_SECRET": SECRET})
    assert other.value == SECRET and other.env_name == "TELE2_SECRET"


def test_on_a_terminal_without_the_variable_the_secret_is_asked_for_hidden(monkeypatch):
    asked = []
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": asked.append(prompt) or SECRET)
    monkeypatch.setattr("pbxconn.deploy.secret._stdin_is_terminal", lambda: True)
    secret = resolve_secret(SECRET_ENV, "tele2 (client id c1)", environ={})
    assert secret.value == SECRET and secret.source == "the prompt" and secret.env_name == ""
    assert asked == ["OAuth client secret for tele2 (client id c1) (input hidden): "]


@pytest.mark.parametrize("answer, message", [("", "no OAuth client secret entered"),
                                             (getpass.GetPassWarning, "without echoing it"),
                                             (EOFError, "no OAuth client secret entered")])
def test_an_empty_or_unreadable_answer_is_refused(monkeypatch, answer, message):
    def ask(prompt=""):
        if isinstance(answer, type):
            if issubclass(answer, Warning):
                import warnings
                warnings.warn("Can not control echo on the terminal.", answer)
                raise AssertionError("read the secret with echo")
            raise answer()
        return answer

    monkeypatch.setattr(getpass, "getpass", ask)
    with pytest.raises(MissingSecretError, match=message) as caught:
        resolve_secret(SECRET_ENV, "tele2", environ={}, interactive=True)
    assert caught.value.exit_code == 2 and SECRET_ENV in caught.value.message


@pytest.mark.parametrize("name", [SECRET_ENV, "TELE2_OAUTH_SECRET"])
def test_without_variable_or_terminal_the_message_names_the_variable(monkeypatch, name):
    monkeypatch.setattr(getpass, "getpass", never_prompt)
    with pytest.raises(MissingSecretError) as caught:
        resolve_secret(name, "tele2", environ={name: ""}, interactive=False)
    assert caught.value.exit_code == 2
    assert str(caught.value) == (f"tele2 needs its OAuth client secret: set {name} "
                                 "(or run pbxconn deploy on a terminal to be asked for it)")


def test_a_secret_with_a_line_break_is_refused_without_showing_it():
    with pytest.raises(MissingSecretError, match="contains a line break") as caught:
        resolve_secret(SECRET_ENV, "tele2", environ={SECRET_ENV: SECRET + "\n"})
    assert SECRET not in str(caught.value)


def test_secret_env_must_be_a_variable_name():
    assert check_env_name("TELE2_SECRET") == "TELE2_SECRET"
    with pytest.raises(InputError, match="not an environment variable name"):
        check_env_name("A=B")


# --- how paconn gets it, and that it is never shown --------------------------------------------

def test_paconn_reads_the_secret_from_its_stdin_pipe_not_its_command_line():
    secret = Secret(SECRET, SECRET_ENV)
    args, stdin = secret_transport(secret, posix=True)
    assert args == ["@/dev/stdin"] and stdin == f"--secret={SECRET}"
    assert secret_transport(secret, posix=False) == ([f"--secret={SECRET}"], None)  # Windows: no /dev/stdin


def test_a_secret_never_prints():
    secret = Secret(SECRET, SECRET_ENV)
    assert SECRET not in repr(secret) and str(secret) == MASK and f"{secret}" == MASK
    assert mask(f"ERROR: client secret '{SECRET}' rejected", secret) == "ERROR: client secret '***' rejected"
    assert mask("text", None) == "text"
    quoted = Secret('a"b\\c')
    assert mask(json.dumps({"clientSecret": quoted.value}), quoted) == '{"clientSecret": "***"}'
    assert without_secret_env({SECRET_ENV: SECRET, "HOME": "/h"}, secret) == {"HOME": "/h"}
    assert without_secret_env({SECRET_ENV: "x"}, Secret(SECRET)) == {SECRET_ENV: "x"}


# --- the plan and the command ------------------------------------------------------------------

def oauth_plan(project, **options):
    options = {"environment": ENVIRONMENT, "connector_id": None, "power_apps_url": None, **options}
    return run.plan_deploy(run.locate(project.root, "tele2"), **options)


def test_create_and_update_of_an_oauth_connector_pass_the_secret_masked_in_the_command(make_project):
    project = make_oauth(make_project("tele2"))
    create = oauth_plan(project)
    assert create.needs_secret and [c.client_id for c in create.oauth] == [OAUTH_CLIENT_ID]
    assert run.paconn_argv(create, ["paconn"])[-2:] == ["--secret", MASK]
    assert run.oauth_subject(create) == f"tele2 (client id {OAUTH_CLIENT_ID})"
    update = oauth_plan(project, connector_id="shared_x")
    assert update.verb == "update" and run.paconn_argv(update, ["paconn"])[-2:] == ["--secret", MASK]
    real = run.paconn_argv(update, ["paconn"], ["@/dev/stdin"])
    assert real == ["paconn", "update", "--settings", "deploy-settings.json", "@/dev/stdin"]


def fake_paconn(tmp_path, body: str):
    """An executable standing in for paconn: prints its arguments and stdin, then runs `body`."""
    script = tmp_path / "fake-paconn"
    script.write_text(f"#!{sys.executable}\nimport sys, time\n"
                      "print('args:', *sys.argv[1:], file=sys.stderr)\n"
                      "print('stdin:', sys.stdin.read(), file=sys.stderr)\n" + body + "\n")
    script.chmod(0o755)
    return [str(script)]


@pytest.mark.parametrize("posix", [True, False])
def test_paconn_failures_show_the_secret_masked(make_project, tmp_path, monkeypatch, posix):
    from pbxconn.deploy.paconn import PaconnFailedError

    plan = oauth_plan(make_oauth(make_project("tele2")))
    monkeypatch.setattr(run, "secret_transport", lambda secret: secret_transport(secret, posix=posix))
    paconn = fake_paconn(tmp_path, "print('ERROR: boom', file=sys.stderr); sys.exit(1)")

    with pytest.raises(PaconnFailedError) as caught:
        run.execute(plan, paconn, 30, Secret(SECRET, SECRET_ENV))

    details = [line.rstrip() for line in caught.value.details.splitlines()]
    assert SECRET not in str(caught.value) + caught.value.details
    assert caught.value.message == "paconn create failed: boom"
    if posix:  # the secret went through the pipe; the command line held only @/dev/stdin
        assert details[:2] == ["args: create --settings deploy-settings.json --overwrite-settings @/dev/stdin",
                               "stdin: --secret=***"]
    else:
        assert details[:2] == ["args: create --settings deploy-settings.json --overwrite-settings --secret=***",
                               "stdin:"]


def test_a_paconn_timeout_names_the_command_with_the_secret_masked(make_project, tmp_path, monkeypatch):
    from pbxconn.deploy.paconn import PaconnFailedError

    plan = oauth_plan(make_oauth(make_project("tele2")))
    monkeypatch.setattr(run, "secret_transport", lambda secret: secret_transport(secret, posix=False))

    with pytest.raises(PaconnFailedError, match="did not finish") as caught:
        run.execute(plan, fake_paconn(tmp_path, "time.sleep(30)"), 0.5, Secret(SECRET, SECRET_ENV))

    assert SECRET not in str(caught.value)
    assert caught.value.location.endswith(" create --settings deploy-settings.json --overwrite-settings --secret '***'")


def test_a_connector_without_oauth_needs_no_secret(make_project):
    project = make_project("tele2")
    plan = run.plan_deploy(run.locate(project.root, "tele2"), environment=ENVIRONMENT, connector_id=None,
                           power_apps_url=None)
    assert not plan.needs_secret and plan.oauth == ()
    assert "--secret" not in run.paconn_argv(plan, ["paconn"])


# --- the command line, in process --------------------------------------------------------------

def deploy_main(capsys, *args: str):
    """Run `pbxconn deploy ...` in this process: (exit code, stdout, stderr)."""
    with pytest.raises(SystemExit) as exited:
        main(["deploy", *EDITED, *args])
    out, err = capsys.readouterr()
    return exited.value.code, out, err


@pytest.fixture
def offline(monkeypatch, home, tmp_path):
    """HOME with a valid paconn token; no prompt possible; kept directories under tmp_path."""
    import tempfile

    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv(SECRET_ENV, raising=False)
    monkeypatch.delenv("PBXCONN_ENVIRONMENT", raising=False)
    monkeypatch.setenv("PBXCONN_PACONN", sys.executable)  # never run here: every test stops before
    monkeypatch.setattr(getpass, "getpass", never_prompt)
    monkeypatch.setattr("pbxconn.deploy.secret._stdin_is_terminal", lambda: False)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    return scratch


def test_dry_run_shows_the_secret_masked_and_writes_it_nowhere(make_project, offline, monkeypatch, capsys):
    project = make_oauth(make_project("tele2"))
    monkeypatch.setenv(SECRET_ENV, SECRET)

    code, out, err = deploy_main(capsys, "--carrier", "tele2", "-e", ENVIRONMENT, "--root", str(project.root),
                                 "--dry-run")

    assert code == 0, err
    assert out.strip().endswith(" create --settings deploy-settings.json --overwrite-settings --secret '***'")
    assert SECRET not in out + err
    (workdir,) = offline.iterdir()  # the kept directory holds the settings only
    files = [p for p in [*workdir.rglob("*"), *project.root.rglob("*")] if p.is_file()]
    assert all(SECRET.encode() not in p.read_bytes() for p in files)


def test_dry_run_without_the_secret_only_notes_where_it_will_come_from(make_project, offline, capsys):
    project = make_oauth(make_project("tele2"))

    code, out, err = deploy_main(capsys, "--carrier", "tele2", "-e", ENVIRONMENT, "--root", str(project.root),
                                 "--dry-run", "--secret-env", "TELE2_SECRET")

    assert code == 0, err
    assert "--secret '***'" in out
    assert "reads its client secret from TELE2_SECRET, or asks for it on a terminal" in err


@pytest.mark.parametrize("extra, name", [((), SECRET_ENV), (("--secret-env", "TELE2_SECRET"), "TELE2_SECRET")])
def test_a_missing_secret_is_one_line_and_exit_2(make_project, offline, capsys, extra, name):
    project = make_oauth(make_project("tele2"))

    code, out, err = deploy_main(capsys, "--carrier", "tele2", "-e", ENVIRONMENT, "--root", str(project.root),
                                 *extra)

    assert code == 2 and out == ""
    assert err.splitlines() == [
        f"pbxconn: error: tele2 (client id {OAUTH_CLIENT_ID}) needs its OAuth client secret: set {name} "
        "(or run pbxconn deploy on a terminal to be asked for it)"]
    assert not list(offline.iterdir())  # stopped before anything was written


def test_a_non_oauth_dry_run_needs_no_secret(make_project, offline, capsys):
    project = make_project("tele2")

    code, out, err = deploy_main(capsys, "--carrier", "tele2", "-e", ENVIRONMENT, "--root", str(project.root),
                                 "--dry-run")

    assert code == 0, err
    assert out.strip().endswith(" create --settings deploy-settings.json --overwrite-settings")
    assert "secret" not in err


def test_a_bad_secret_env_name_is_a_usage_error(make_project, offline, capsys):
    project = make_project("tele2")
    code, _, err = deploy_main(capsys, "--carrier", "tele2", "--root", str(project.root), "--secret-env", "A B")
    assert code == 2 and "is not an environment variable name" in err
