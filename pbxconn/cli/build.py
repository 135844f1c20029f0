"""`pbxconn build` and `pbxconn carriers`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pbxconn.core.exitcodes import ExitCode


def _root(ctx: click.Context, param: click.Parameter, value: Path) -> Path:
    from pbxconn.core.project import find_root

    return find_root(value)


ROOT_OPTION = click.option(
    "--root", type=click.Path(file_okay=False, path_type=Path), default=Path("."), show_default=True,
    callback=_root,
    help="Project root holding carriers/, catalog/, templates/ and connectors/ (default: the current folder "
         "or the nearest one above it that holds carriers/).")


@click.command()
@click.option("--carrier", "carriers", multiple=True, metavar="ID",
              help="Build only this carrier (repeatable). Default: every carriers/*.yaml.")
@click.option("--check", is_flag=True,
              help="Render in memory and exit 1 listing every committed file that differs; write nothing.")
@ROOT_OPTION
def build(carriers: tuple[str, ...], check: bool, root: Path) -> int:
    """Render every carrier's connector package from the catalog, validate it, and write it.

    Each carrier (or provider) YAML names its API family (catalog/<family>/); its package goes
    to connectors/<carrier-id>/ with the files the family declares (apiDefinition.swagger.json,
    apiProperties.json, script.csx, settings.json, Readme.md, icon.png, docs/reference.md).
    Packages are validated with the same rules as `pbxconn validate`; if any has an error,
    nothing is written. Writes are atomic per package.

    Exit codes: 0 built (or up to date with --check); 1 validation errors or, with --check,
    drift; 2 bad input (the message names file:line:column).
    """
    from pbxconn.generate.build import build as run_build

    interactive = sys.stderr.isatty()
    progress = (lambda cid: click.echo(f"rendering {cid} ...", err=True)) if interactive else None
    result = run_build(root, list(carriers) or None, check=check, progress=progress)
    warnings = [f for p in result.packages for f in p.findings if f not in p.errors]
    for package in result.packages:
        for finding in package.errors:
            rendered = f"{finding.file}:{finding.line}:{finding.column}"
            source = package.catalog_where(finding)
            if source:  # the catalog is what to fix; the rendered file was never written
                click.echo(f"{source}: error {finding.code} {finding.message} (rendered at {rendered})", err=True)
            else:
                click.echo(f"{rendered}: error {finding.code} {finding.message}", err=True)
    if result.errors:
        click.echo(f"pbxconn build: {len(result.errors)} validation error(s); nothing was written", err=True)
        return int(ExitCode.FINDINGS)
    if check:
        for name in result.drift:
            click.echo(f"differs: {name}")
        if result.drift:
            click.echo(f"pbxconn build --check: {len(result.drift)} file(s) differ from a fresh render; "
                       "run `pbxconn build` and commit the result", err=True)
            return int(ExitCode.FINDINGS)
        click.echo(f"{len(result.packages)} package(s) up to date")
        return int(ExitCode.OK)
    for path in result.written:
        click.echo(f"wrote {path}")
    if warnings:
        noisy = sorted({p.carrier for p in result.packages if any(f not in p.errors for f in p.findings)})
        where = " ".join(f"connectors/{cid}" for cid in noisy)
        click.echo(f"{len(warnings)} validator warning(s); see `pbxconn validate {where}`", err=True)
    return int(ExitCode.OK)


@click.command()
@ROOT_OPTION
def carriers(root: Path) -> int:
    """List the carriers and providers defined in carriers/*.yaml (id, API family, title, host)."""
    from pbxconn.generate.inputs import load_carriers

    for carrier in load_carriers(root):
        data = carrier.data
        click.echo(f"{data['id']:<12} {data['family']:<10} {data['title']:<24} {data['host']}")
    return int(ExitCode.OK)
