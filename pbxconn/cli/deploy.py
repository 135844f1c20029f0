"""`pbxconn deploy`: hand a carrier's checked package to Microsoft's paconn."""

from __future__ import annotations

import json
import os
from pathlib import Path

import click

from pbxconn.core.errors import PbxconnError
from pbxconn.core.exitcodes import ExitCode
from pbxconn.core.findings import Finding, Severity
from pbxconn.core.paths import shown_relative
from pbxconn.deploy.gates import DEFAULT_CONTRACT_EXAMPLES, GATES, GateResult, count_findings, describe
from pbxconn.deploy.secret import SECRET_ENV
from pbxconn.deploy.settings import DEFAULT_POWER_APPS_URL


def _show_findings(findings: list[Finding], root: Path, minimum: Severity) -> None:
    """Print findings as `file:line:col: severity Code message` on stderr."""
    for f in findings:
        if f.severity >= minimum:
            click.echo(describe(f, root), err=True)


def _local_findings(package: Path) -> list[Finding]:
    """Our offline validator's findings for the package (the project's settings apply)."""
    from pbxconn.validate.engine import validate_with_settings
    from pbxconn.validate.package import Package

    return validate_with_settings(Package.load(package), package)


def _show_details(exc: Exception) -> None:
    """paconn's own output, indented, above the one-line error."""
    details = getattr(exc, "details", "")
    if details:
        click.echo("paconn said:", err=True)
        for line in details.splitlines():
            click.echo(f"  {line}", err=True)


def _paconn_or_note(dry_run: bool) -> list[str]:
    """The paconn command; in a dry run a missing paconn or login is only a note."""
    from pbxconn.deploy.paconn import find_paconn
    from pbxconn.deploy.token import check_token

    try:
        paconn = find_paconn()
    except PbxconnError as exc:
        if not dry_run:
            raise
        click.echo(f"note: {exc}", err=True)
        paconn = ["paconn"]
    try:
        check_token()
    except PbxconnError as exc:
        if not dry_run:
            raise
        click.echo(f"note: {exc}", err=True)
    return paconn


def _oauth_secret(plan, env_name: str, dry_run: bool):
    """The OAuth client secret the plan needs (None when it needs none, and in a dry run,
    which neither prompts nor requires it)."""
    from pbxconn.deploy import run
    from pbxconn.deploy.secret import resolve_secret

    if not plan.needs_secret:
        return None
    where = ", ".join(client.where for client in plan.oauth)
    if dry_run:
        if os.environ.get(env_name):
            resolve_secret(env_name, run.oauth_subject(plan), interactive=False)  # checked, not shown
        else:
            click.echo(f"note: {where} is an OAuth client: a real deploy reads its client secret from "
                       f"{env_name}, or asks for it on a terminal", err=True)
        click.echo("note: the command shows the client secret as ***; pbxconn hands paconn the real "
                   "one through a pipe (see docs/deploy.md)", err=True)
        return None
    secret = resolve_secret(env_name, run.oauth_subject(plan))
    click.echo(f"note: OAuth client secret for {where} from {secret.source}", err=True)
    return secret


def _show_gate_start(name: str) -> None:
    """Announce a gate that takes seconds, so a long wait is explained."""
    if name in ("csx", "contract"):
        click.echo(f"gate {name}: running ...", err=True)


def _show_gate(result: GateResult) -> None:
    """One line per finished gate on stderr; a failure's explanation indented below it."""
    label = result.status.replace("-", " ")
    click.echo(f"gate {result.name}: {label}" + (f" - {result.summary}" if result.summary else ""), err=True)
    for line in result.details if result.blocks else ():
        click.echo(f"  {line}", err=True)


def _run_gates(target, skip: tuple[str, ...], contract_examples: int):
    """Run the release gates in order; the GateRun, whose `failed` names the gate that stopped it."""
    from pbxconn.deploy.gates import GateContext, run_gates

    ctx = GateContext(target.root, target.carrier, target.package, contract_examples)
    return run_gates(ctx, set(skip), on_start=_show_gate_start, on_done=_show_gate)


@click.command("deploy")
@click.option("--carrier", required=True, metavar="ID", help="Carrier id: deploys connectors/ID/.")
@click.option("--environment", "-e", metavar="GUID", envvar="PBXCONN_ENVIRONMENT",
              help="Power Platform environment id (default: paconn.environment in carriers/ID.yaml).")
@click.option("--connector-id", metavar="ID",
              help="Update this connector (default: paconn.connector_id in carriers/ID.yaml; none: create).")
@click.option("--power-apps-url", metavar="URL",
              help=f"Power Apps RP endpoint for test or sovereign clouds (default {DEFAULT_POWER_APPS_URL}).")
@click.option("--dry-run", is_flag=True,
              help="Run every gate, print the paconn command, do not run it.")
@click.option("--skip", "skip", multiple=True, type=click.Choice(GATES), metavar="GATE",
              help=f"Do not run this release gate: {', '.join(GATES)} (repeatable; the summary names it).")
@click.option("--contract-examples", type=click.IntRange(1), default=DEFAULT_CONTRACT_EXAMPLES, show_default=True,
              metavar="N", help="Examples per operation in the contract gate's short run.")
@click.option("--remote-validate", is_flag=True,
              help="Run `paconn validate` (Microsoft's server-side certification rules) instead of deploying.")
@click.option("--secret-env", metavar="NAME", default=SECRET_ENV, show_default=True,
              help="Environment variable holding the OAuth client secret (asked for on a terminal when unset).")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=".",
              show_default=True, help="Project root holding carriers/ and connectors/ (default: the current folder "
                                      "or the nearest one above it that holds carriers/).")
@click.option("--timeout", type=float, default=300.0, show_default=True, help="Seconds paconn may run.")
def deploy(carrier: str, environment: str | None, connector_id: str | None, power_apps_url: str | None,
           dry_run: bool, skip: tuple[str, ...], contract_examples: int, remote_validate: bool, secret_env: str,
           root: Path, timeout: float) -> int:
    """Run the release gates on a carrier's package, then create or update its connector with paconn.

    \b
    The gates run in this order and the first failure stops the deploy:
      1. drift     the package is what `pbxconn build` renders (no hand edits, no stale build)
      2. validate  the offline validator reports no errors
      3. csx       script.csx compiles with Mono and passes `pbxconn csx test`
      4. contract  a short contract run (--contract-examples per operation) against the local emulator
    A gate is skipped only with --skip GATE, and the summary names every skipped gate. --dry-run
    runs the gates too. After `create`, the new connector id is recorded in carriers/ID.yaml
    under `paconn: connector_id:`; the next deploy updates it. An OAuth connector's client secret
    comes from $PBXCONN_OAUTH_CLIENT_SECRET (or the variable --secret-env names), else from a
    hidden prompt; it is never printed.

    \b
    Exit codes: 0 deployed (or dry run passed); 1 a gate failed (drift, validator errors, script
    or contract failures), or paconn/the service failed; 2 usage, a missing tool (paconn, Mono),
    login token or environment id, an API the emulator does not serve, or a package paconn
    cannot read.
    """
    from pbxconn.deploy import run
    from pbxconn.deploy.paconn import PaconnFailedError, display_command
    from pbxconn.deploy.secret import check_env_name

    from pbxconn.core.project import find_root

    check_env_name(secret_env)
    target = run.locate(find_root(root), carrier)
    if remote_validate:
        return _remote_validate(target, _local_findings(target.package), power_apps_url, dry_run,
                                timeout)
    # Everything that needs the user (environment, login, a typed secret) is settled before the
    # gates, so nobody waits through a contract run to learn that an argument is missing.
    plan = run.plan_deploy(target, environment=environment, connector_id=connector_id,
                           power_apps_url=power_apps_url)
    for note in plan.notes:
        click.echo(f"note: {note}", err=True)
    paconn = _paconn_or_note(dry_run)
    secret = _oauth_secret(plan, secret_env, dry_run)
    gates = _run_gates(target, skip, contract_examples)
    if gates.failed is not None:
        failed = gates.failed
        click.echo(f"pbxconn: refusing to deploy {carrier}: gate {failed.name} failed: {failed.summary}", err=True)
        click.echo(gates.line(), err=True)
        return int(failed.exit_code)
    skipped = f" (gates skipped: {', '.join(gates.skipped)})" if gates.skipped else ""
    if dry_run:
        workdir = run.make_workdir(plan)
        click.echo(f"{plan.verb} {carrier} in environment {plan.environment}"
                   + (f" (connector {plan.connector_id})" if plan.connector_id else ""), err=True)
        click.echo(f"settings given to paconn ({workdir / run.DEPLOY_SETTINGS_NAME}):", err=True)
        click.echo(json.dumps(plan.settings, indent=4), err=True)
        runs = "as printed" + (" (with the client secret in place of ***)" if plan.needs_secret else "")
        click.echo(gates.line(), err=True)
        click.echo(f"dry run: gates passed{skipped}; paconn not run; the directory is kept so the command "
                   f"runs {runs}", err=True)
        click.echo(display_command(run.paconn_argv(plan, paconn), workdir))
        return int(ExitCode.OK)
    try:
        outcome, _ = run.execute(plan, paconn, timeout, secret)
    except PaconnFailedError as exc:
        _show_details(exc)
        raise
    for note in outcome.notes:
        click.echo(f"note: {note}", err=True)
    click.echo(gates.line(), err=True)
    done = "created" if outcome.verb == "create" else "updated"
    click.echo(f"{done} connector {outcome.connector_id} in environment {outcome.environment}{skipped}")
    if outcome.recorded:
        rel = shown_relative(target.carrier_file, target.root)
        click.echo(f"recorded paconn.connector_id in {rel}; run `pbxconn build` to refresh "
                   f"connectors/{carrier}/settings.json, then commit both")
    return int(ExitCode.OK)


def _remote_validate(target, findings: list[Finding], power_apps_url: str | None, dry_run: bool,
                     timeout: float) -> int:
    """Show our validator's verdict beside Microsoft's (`paconn validate`)."""
    from pbxconn.deploy import run
    from pbxconn.deploy.paconn import PaconnFailedError, display_command

    plan = run.plan_remote_validate(target, power_apps_url=power_apps_url)
    paconn = _paconn_or_note(dry_run)
    if dry_run:
        workdir = run.make_workdir(plan)
        click.echo(display_command(run.paconn_argv(plan, paconn), workdir))
        return int(ExitCode.OK)
    try:
        problems, _ = run.remote_validate(plan, paconn, timeout)
    except PaconnFailedError as exc:
        _show_details(exc)
        raise
    _show_findings(findings, target.root, Severity.WARNING)
    click.echo(f"pbxconn validate (offline rules):            {count_findings(findings)}")
    if problems:
        click.echo(f"paconn validate (Microsoft certification):   {len(problems)} "
                   f"message{'s' * (len(problems) != 1)}")
        for line in problems:
            click.echo(f"  {line}")
    else:
        click.echo("paconn validate (Microsoft certification):   passed")
    failed = bool(run.errors_in(findings)) or bool(problems)
    return int(ExitCode.FINDINGS if failed else ExitCode.OK)
