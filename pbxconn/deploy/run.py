"""Deploy one carrier's package: check it, plan the paconn run, run it, record the connector id.

Where things come from (first wins):
- environment: `--environment`, then `paconn.environment` in `carriers/<id>.yaml`, then
  `environment` in the package's settings.json;
- connector id: `--connector-id`, then `paconn.connector_id` in the carrier YAML, then
  `connectorId` in settings.json -- the stored id only when it belongs to the same environment
  (the YAML's `paconn.environment` is unset or equal). No id means `paconn create`.

A connector with an OAuth client (`connectionParameters.token.oAuthSettings`) needs its client
secret for create and update; `pbxconn.deploy.secret` says how it is obtained and handed over.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pbxconn.core.errors import InputError, PbxconnError
from pbxconn.core.findings import Finding, Severity
from pbxconn.deploy import record as carrier_record
from pbxconn.deploy.paconn import (PaconnFailedError, PaconnResult, created_connector_id, display_command,
                                   failure_message, remote_verdict, run_paconn, transcript)
from pbxconn.deploy.secret import (OAuthClient, Secret, mask, masked_arguments, oauth_clients,
                                   secret_transport, without_secret_env)
from pbxconn.deploy.settings import (GUID, check_package_files, deploy_settings, load_package_settings,
                                     read_json, url_problem, write_deploy_settings, DEPLOY_SETTINGS_NAME)

CARRIER_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
ENVIRONMENT_HINT = "pass --environment GUID (Power Platform admin center > Environments > the environment's ID) " \
                   "or set paconn.environment in the carrier YAML"


class MissingEnvironmentError(PbxconnError):
    """No Power Platform environment id was given; exit code 2."""


@dataclass(frozen=True)
class Target:
    """Where one carrier's files are."""

    root: Path
    carrier: str
    package: Path
    carrier_file: Path


@dataclass
class Plan:
    """One paconn run, fully decided; `argv` is relative to `workdir`."""

    verb: str  # create | update | validate
    target: Target
    settings: dict[str, Any]
    environment: str | None = None
    connector_id: str | None = None
    notes: list[str] = field(default_factory=list)
    # what to write under `paconn:` in the carrier YAML after success (create: + connector_id)
    record: dict[str, str] | None = None
    # the OAuth clients paconn gives the client secret to; non-empty means a secret is needed
    oauth: tuple[OAuthClient, ...] = ()

    @property
    def needs_secret(self) -> bool:
        """Whether paconn must be given the OAuth client secret."""
        return bool(self.oauth) and self.verb in ("create", "update")


@dataclass(frozen=True)
class Outcome:
    """What a finished deploy did."""

    verb: str
    connector_id: str
    environment: str
    recorded: bool
    notes: tuple[str, ...] = ()


def locate(root: Path, carrier: str) -> Target:
    """The package folder and YAML of `carrier` under the project root."""
    if not CARRIER_ID.match(carrier):
        raise InputError(f"invalid carrier id {carrier!r} (lower-case letters, digits, - and _)")
    root = Path(root).resolve()
    package = root / "connectors" / carrier
    if not package.is_dir():
        known = sorted(p.name for p in (root / "connectors").glob("*") if p.is_dir())
        raise InputError(f"no package for carrier {carrier!r} at {package}",
                         hint=f"known carriers: {', '.join(known)}" if known else "run `pbxconn build` first")
    return Target(root, carrier, package, root / "carriers" / f"{carrier}.yaml")


def errors_in(findings: list[Finding]) -> list[Finding]:
    """The findings that block a deploy."""
    return [f for f in findings if f.severity >= Severity.ERROR]


def normalize_environment(value: str) -> str:
    """A GUID in the lower-case form paconn's schema wants; InputError otherwise."""
    text = value.strip().lower()
    if not GUID.match(text):
        raise InputError(f"environment {value!r} is not a GUID (00000000-0000-0000-0000-000000000000)",
                         hint=ENVIRONMENT_HINT)
    return text


def plan_deploy(target: Target, *, environment: str | None, connector_id: str | None,
                power_apps_url: str | None) -> Plan:
    """Check everything that can be checked offline and decide create vs update."""
    if power_apps_url and url_problem(power_apps_url):
        raise InputError(f"--power-apps-url: {url_problem(power_apps_url)}")
    settings = load_package_settings(target.package)
    if not target.carrier_file.is_file():
        raise InputError("carrier file not found; the connector id is recorded there",
                         location=str(target.carrier_file))
    block = carrier_record.paconn_block(target.carrier_file)
    stored_env = block.get("environment") or settings.get("environment")
    chosen = environment or stored_env
    if not chosen:
        raise MissingEnvironmentError("no Power Platform environment id", hint=ENVIRONMENT_HINT)
    env = normalize_environment(chosen)
    stored_env = normalize_environment(stored_env) if stored_env else None
    same_env = stored_env in (None, env)
    stored_id = block.get("connector_id") or settings.get("connectorId")
    notes: list[str] = []
    cid = connector_id or (stored_id if same_env else None)
    if stored_id and not same_env and not connector_id:
        notes.append(f"{target.carrier_file.name} records connector {stored_id} in environment "
                     f"{stored_env}; this deploy goes to {env}")
    verb = "update" if cid else "create"
    check_package_files(target.package, settings)
    oauth = tuple(oauth_clients(read_json(target.package / settings["apiProperties"])["properties"]))
    merged = deploy_settings(target.package, settings, environment=env, connector_id=cid,
                             power_apps_url=power_apps_url)
    to_record = None
    if same_env and not block.get("connector_id"):
        to_record = {"connector_id": cid or "", "environment": env}
    elif not same_env and verb == "create":
        notes.append(f"the new connector id is not recorded: {target.carrier_file.name} tracks "
                     f"environment {stored_env}")
    return Plan(verb, target, merged, env, cid, notes, to_record, oauth)


def plan_remote_validate(target: Target, *, power_apps_url: str | None) -> Plan:
    """A `paconn validate` run of the package's swagger."""
    if power_apps_url and url_problem(power_apps_url):
        raise InputError(f"--power-apps-url: {url_problem(power_apps_url)}")
    settings = load_package_settings(target.package)
    merged = deploy_settings(target.package, settings, environment=None, connector_id=None,
                             power_apps_url=power_apps_url)
    return Plan("validate", target, {k: v for k, v in merged.items() if k not in ("icon", "script")})


def paconn_argv(plan: Plan, paconn: list[str], secret_args: list[str] | None = None) -> list[str]:
    """The paconn command line for a plan (run inside the plan's working directory). The client
    secret is shown masked (`--secret ***`) unless `secret_args` gives the real arguments."""
    argv = [*paconn, plan.verb, "--settings", DEPLOY_SETTINGS_NAME]
    if plan.verb == "create":
        argv.append("--overwrite-settings")
    if plan.needs_secret:
        argv.extend(masked_arguments() if secret_args is None else secret_args)
    return argv


def oauth_subject(plan: Plan) -> str:
    """How the prompt and messages name the OAuth client: `tele2 (client id ...)`."""
    ids = sorted({client.client_id for client in plan.oauth if client.client_id})
    return plan.target.carrier + (f" (client id {', '.join(ids)})" if ids else "")


def make_workdir(plan: Plan) -> Path:
    """A fresh private directory holding the merged settings paconn will read."""
    workdir = Path(tempfile.mkdtemp(prefix=f"pbxconn-deploy-{plan.target.carrier}-"))
    write_deploy_settings(workdir, plan.settings)
    return workdir


def _run_with_secret(plan: Plan, paconn: list[str], workdir: Path, timeout: float,
                     secret: Secret | None) -> PaconnResult:
    """Run paconn for a plan, handing it the client secret when the plan needs one; the result
    and any error carry the masked command line and output, never the secret."""
    if not plan.needs_secret:
        return run_paconn(paconn_argv(plan, paconn), workdir, timeout)
    if secret is None:
        raise ValueError("this plan needs the OAuth client secret")
    secret_args, stdin_text = secret_transport(secret)
    shown = paconn_argv(plan, paconn)
    try:
        result = run_paconn(paconn_argv(plan, paconn, secret_args), workdir, timeout,
                            without_secret_env(os.environ, secret), stdin_text=stdin_text)
    except PaconnFailedError as exc:
        raise PaconnFailedError(exc.message, location=display_command(shown, workdir),
                                details=mask(exc.details, secret)) from None
    return PaconnResult(tuple(shown), result.cwd, result.returncode, mask(result.stdout, secret),
                        mask(result.stderr, secret))


def execute(plan: Plan, paconn: list[str], timeout: float,
            secret: Secret | None = None) -> tuple[Outcome, PaconnResult]:
    """Run paconn create/update for a plan (with the OAuth client secret when it needs one),
    then record the connector id. Raises PaconnFailedError (exit 1) with the server's message
    when paconn fails."""
    workdir = make_workdir(plan)
    try:
        result = _run_with_secret(plan, paconn, workdir, timeout, secret)
        if result.returncode != 0:
            raise PaconnFailedError(f"paconn {plan.verb} failed: {failure_message(result)}",
                                    details=transcript(result))
        cid = created_connector_id(result) if plan.verb == "create" else plan.connector_id
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    recorded = False
    notes = list(plan.notes)
    if plan.record is not None:
        values = {**plan.record, "connector_id": cid}
        recorded = carrier_record.record(plan.target.carrier_file, values)
    elif plan.verb == "create":
        notes.append(f"keep this connector id: {cid}")
    return Outcome(plan.verb, cid, plan.environment or "", recorded, tuple(notes)), result


def remote_validate(plan: Plan, paconn: list[str], timeout: float) -> tuple[list[str], PaconnResult]:
    """Run `paconn validate`; return the server's messages ([] = passed)."""
    workdir = make_workdir(plan)
    try:
        result = run_paconn(paconn_argv(plan, paconn), workdir, timeout)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if result.returncode != 0:
        raise PaconnFailedError(f"paconn validate failed: {failure_message(result)}",
                                details=transcript(result))
    return remote_verdict(result), result
