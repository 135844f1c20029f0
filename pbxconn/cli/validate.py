"""`pbxconn validate` and `pbxconn rules`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Callable

import click

from pbxconn import __version__
from pbxconn.cli.output import emit, use_color
from pbxconn.core.exitcodes import ExitCode
from pbxconn.core.findings import Severity

from pbxconn.report import REPORTERS

FORMATS = tuple(REPORTERS)


def _progress_bar() -> tuple[Callable[[int, int], None], Callable[[], None]]:
    """A rich progress bar on stderr (created on the first update); (update, close)."""
    state: dict[str, Any] = {}

    def update(done: int, total: int) -> None:
        if total < 2:
            return
        if "bar" not in state:
            from rich.console import Console
            from rich.progress import Progress

            bar = Progress(console=Console(stderr=True), transient=True)
            bar.start()
            state["bar"], state["task"] = bar, bar.add_task("validating", total=total)
        state["bar"].update(state["task"], completed=done)

    def close() -> None:
        if "bar" in state:
            state["bar"].stop()

    return update, close


def _rule_metadata() -> dict[str, dict[str, str]]:
    """code -> SARIF metadata for every implemented code."""
    from pbxconn.validate.registry import rule_infos

    return {
        info.code: {"summary": info.summary, "description": info.description,
                    "severity": info.severity.label, "category": info.category}
        for info in rule_infos() if info.implemented
    }


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="Output format.")
@click.option("--select", multiple=True, metavar="CODES",
              help="Only these rule codes / categories (comma-separated, repeatable; ALL for all).")
@click.option("--ignore", multiple=True, metavar="CODES",
              help="Skip these rule codes / categories (comma-separated, repeatable).")
@click.option("--no-certification", is_flag=True, help="Skip the certification requirements.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=1, show_default=True,
              help="Validate packages in N processes.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the report to FILE instead of stdout.")
def validate(paths: tuple[Path, ...], fmt: str, select: tuple[str, ...], ignore: tuple[str, ...],
             no_certification: bool, jobs: int, output: Path | None) -> int:
    """Validate connector packages offline.

    PATH is a connector folder, a single swagger file, or a folder of connector folders.
    Exit status: 0 no errors, 1 at least one error, 2 usage problem.
    """
    from pbxconn.report import render
    from pbxconn.validate.config import load_config, split_codes
    from pbxconn.validate.engine import validate_paths
    from pbxconn.validate.registry import check_selectors

    selected, ignored = split_codes(select), split_codes(ignore)
    check_selectors(selected + ignored)
    config = load_config().merged(select=selected, ignore=ignored,
                                  certification=False if no_certification else None)
    check_selectors(config.select + config.ignore)
    update, close = _progress_bar() if sys.stderr.isatty() else (None, lambda: None)
    try:
        result = validate_paths(paths, config, jobs=jobs, progress=update)
    finally:
        close()
    rules = _rule_metadata() if fmt == "sarif" else None
    color = use_color(fmt, output)
    report = render(result.findings, fmt, files=result.files_count, tool_version=__version__,
                    rules=rules, color=color)
    emit(report, output)
    has_error = any(f.severity >= Severity.ERROR for f in result.findings)
    return int(ExitCode.FINDINGS if has_error else ExitCode.OK)


@click.command()
@click.option("--format", "fmt", type=click.Choice(("text", "json", "markdown")), default="text",
              show_default=True, help="Output format (markdown is docs/rules.md).")
def rules(fmt: str) -> int:
    """List the validator's rules: code, category, severity, implemented or why not."""
    from pbxconn.validate import ruledoc
    from pbxconn.validate.registry import rule_infos

    infos = rule_infos()
    render = {"text": ruledoc.as_text, "json": ruledoc.as_json, "markdown": ruledoc.as_markdown}[fmt]
    click.echo(render(infos), nl=False)
    return int(ExitCode.OK)
