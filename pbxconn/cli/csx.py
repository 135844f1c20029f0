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
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Output format.")
@click.option("-v", "--verbose", is_flag=True, help="Also list operations that never reach the script.")
def test(path: Path, fmt: str, verbose: bool) -> int:
    """Compile PATH (a connector folder or its script.csx) and run the behaviour checks.

    Webhook registrations must answer 201 with a Location that deletes the webhook through the
    connector; service errors and other operations must pass through unchanged. Exit 1 when the
    script does not compile or a check fails; scripts using C# newer than Mono's compiler are
    reported as not checkable locally (exit 0). Exit 2 when Mono is not installed.
    """
    from pbxconn.csx.runner import format_text, run_checks

    report = run_checks(path)
    if fmt == "json":
        click.echo(json.dumps(report.to_dict(), indent=2))
    else:
        click.echo(format_text(report, verbose=verbose))
    return int(ExitCode.FINDINGS if report.failed else ExitCode.OK)
