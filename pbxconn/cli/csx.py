"""`pbxconn csx`: compile and behaviour-test a connector's script.csx with Mono."""

from __future__ import annotations

import json
from pathlib import Path

import click

from pbxconn.core.exitcodes import ExitCode


@click.group()
def csx() -> None:
    """Compile and behaviour-test a connector's custom code (script.csx) with Mono."""


@csx.command("test")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--checks", "profile", type=click.Choice(["auto", "generic", "pbxconn"]), default="auto",
              show_default=True, help="Behaviour checks to run (see above).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Output format.")
@click.option("-v", "--verbose", is_flag=True,
              help="Also list operations that never reach the script and each call's time.")
def test(path: Path, profile: str, fmt: str, verbose: bool) -> int:
    """Compile PATH (a connector folder or its script.csx) and run behaviour checks on it.

    \b
    --checks (the output names the profile and the checks that ran):
    generic  any connector: each operation the script handles (apiProperties
             scriptOperations; empty or absent = all) is called with a plausible
             request and a stubbed service answering 200 with a plausible body;
             the script must not throw (any status it answers is fine) and must
             answer within Microsoft's 5-second limit for custom code.
    pbxconn  our carriers' contract, plus the generic checks: webhook
             registrations answer 201 with a Location that deletes the webhook
             through the connector; service errors and other operations pass
             through unchanged.
    auto     pbxconn for connectors/<id>/ of a pbxconn project that has
             carriers/<id>.yaml, else generic.

    \b
    Exit codes:
    0  the script compiles and every check passes, or it uses C# newer than
       Mono's C# 7 compiler ("not checkable locally");
    1  the script does not compile, a check fails, or apiDefinition.swagger.json
       or apiProperties.json is not valid JSON (the package is broken; the
       script is still compiled, behaviour checks are skipped);
    2  Mono is not installed.
    """
    from pbxconn.csx.runner import format_text, run_checks

    report = run_checks(path, checks=profile)
    if fmt == "json":
        click.echo(json.dumps(report.to_dict(), indent=2))
    else:
        click.echo(format_text(report, verbose=verbose))
    return int(ExitCode.FINDINGS if report.failed else ExitCode.OK)
