"""`pbxconn contract`: schemathesis contract tests of a carrier's spec against the sandbox or a live API."""

from __future__ import annotations

from pathlib import Path

import click

from pbxconn.core.exitcodes import ExitCode


@click.command()
@click.option("--carrier", required=True, help="Carrier id (tele2, lmt): tests connectors/<id>/apiDefinition.swagger.json.")
@click.option("--spec", type=click.Path(path_type=Path, dir_okay=False), default=None, help="Test this spec instead.")
@click.option("--base-url", default=None, help="Live API root (e.g. https://host); default: a local sandbox.")
@click.option("--api-key", default=None, help="API key for --base-url.")
@click.option("--max-examples", type=click.IntRange(1), default=None, help="Examples per operation (default: schemathesis').")
@click.option("--seed", type=int, default=None, help="Hypothesis seed, to reproduce a run.")
@click.option("--junit", type=click.Path(path_type=Path, dir_okay=False), default=None, help="Also write JUnit XML here.")
def contract(carrier: str, spec: Path | None, base_url: str | None, api_key: str | None, max_examples: int | None,
             seed: int | None, junit: Path | None) -> int:
    """Run every operation of the spec through schemathesis' default checks, plus a webhook payload check."""
    from pbxconn.contract.run import resolve_spec, run_contract
    from pbxconn.core.atomic import write_file

    from pbxconn.core.project import find_root

    path = resolve_spec(carrier, spec, find_root(Path.cwd()))
    report = run_contract(path, base_url=base_url, api_key=api_key, max_examples=max_examples, seed=seed)
    click.echo(report.summary())
    if junit is not None:
        write_file(junit, report.junit())
    return int(ExitCode.OK if report.ok else ExitCode.FINDINGS)
