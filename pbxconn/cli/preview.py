"""`pbxconn preview PATH`: the connector as a maker meets it, as one self-contained HTML page."""

from __future__ import annotations

from pathlib import Path

import click

from pbxconn.core.exitcodes import ExitCode


@click.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the page to FILE (default: <folder>-preview.html in the current folder).")
@click.option("--open", "open_page", is_flag=True, help="Open the page in the default web browser.")
@click.option("--no-validate", is_flag=True, help="Leave out the validator's findings.")
def preview(path: Path, output: Path | None, open_page: bool, no_validate: bool) -> int:
    """Write an HTML page showing PATH's triggers and actions as the designer shows them.

    PATH is a connector folder (apiDefinition.swagger.json, apiProperties.json, icon.png), any
    connector. The page needs nothing else: open it from disk, mail it, attach it to a review.
    Exit status: 0 page written, 2 PATH is not a connector or the page cannot be written.
    """
    from pbxconn.cli.output import emit
    from pbxconn.preview.page import connector_of, load_package, validate
    from pbxconn.preview.render import render_preview

    package = load_package(path)
    findings = [] if no_validate else validate(package)
    connector = connector_of(package, findings)
    target = output if output is not None else Path(f"{_stem(path)}-preview.html")
    emit(render_preview(connector, str(path)), target)
    triggers, actions = len(connector.group("trigger")), len(connector.group("action"))
    click.echo(f"wrote {target}: {triggers} triggers, {actions} actions, {len(connector.group('hidden'))} hidden"
               + ("" if no_validate else f", {len(findings)} findings"))
    if open_page:
        import webbrowser

        webbrowser.open(target.resolve().as_uri())
    return int(ExitCode.OK)


def _stem(path: Path) -> str:
    """A file-name-safe name for the default output."""
    name = path.resolve().name if path.is_dir() else path.resolve().parent.name
    return "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in name) or "connector"
