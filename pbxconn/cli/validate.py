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
    """code -> reporter metadata (SARIF's rule table, the fix hint) for every implemented code."""
    from pbxconn.validate.registry import rule_infos

    return {
        info.code: {"summary": info.summary, "description": info.description, "fix": fix_hint(info.description),
                    "severity": info.severity.label, "category": info.category}
        for info in rule_infos() if info.implemented
    }


def fix_hint(doc: str) -> str:
    """The `Fix:` sentence of a rule's docstring, on one line ('' when it has none)."""
    _, found, rest = doc.partition("Fix:")
    return " ".join(rest.split("\n\n", 1)[0].split()) if found else ""


def _crash_error(findings: list) -> None:
    """A rule or rule module that crashed fails the run (exit 2): never a silent pass."""
    from pbxconn.core.errors import PbxconnError
    from pbxconn.validate.registry import INTERNAL_CODE

    crashed = [f for f in findings if f.code == INTERNAL_CODE]
    if crashed:
        first = crashed[0]
        where = f"{first.file}:{first.line}:{first.column}" if first.line else first.file
        more = f" (and {len(crashed) - 1} more)" if len(crashed) > 1 else ""
        raise PbxconnError(f"{first.message}{more}", location=where,
                           hint="this is a bug in pbxconn; please report it with the file named here")


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="Output format.")
@click.option("--select", multiple=True, metavar="CODES",
              help="Only these rule codes / categories (comma-separated, repeatable; ALL for all).")
@click.option("--ignore", multiple=True, metavar="CODES",
              help="Skip these rule codes / categories (comma-separated, repeatable).")
@click.option("--no-certification", is_flag=True, help="Skip the certification requirements.")
@click.option("--fail-on", type=click.Choice(("error", "warning")), default="error", show_default=True,
              help="The least severe finding that makes the exit code 1.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings are reported (usage errors and "
                                                "crashed rules still exit 2).")
@click.option("--baseline", type=click.Path(dir_okay=False, path_type=Path), default=None, metavar="FILE",
              help="Accept the findings recorded in FILE; only new ones are reported and count. "
                   "When FILE does not exist, today's findings are recorded in it.")
@click.option("--update-baseline", is_flag=True, help="Rewrite the --baseline FILE with today's findings.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=1, show_default=True,
              help="Validate packages in N processes.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the report to FILE instead of stdout.")
def validate(paths: tuple[Path, ...], fmt: str, select: tuple[str, ...], ignore: tuple[str, ...],
             no_certification: bool, fail_on: str, exit_zero: bool, baseline: Path | None, update_baseline: bool,
             jobs: int, output: Path | None) -> int:
    """Validate connector packages offline.

    \b
    PATH is a connector folder, a folder of connector folders, or any file of a package
    (apiDefinition.swagger.json, apiProperties.json, script.csx, settings.json, readme,
    icon.png; a swagger under another name is recognised by its content). A file is validated
    with its siblings, each package once, so a pre-commit hook can pass changed files.

    \b
    Settings come from [tool.pbxconn.validate] in the nearest pyproject.toml at or above each
    package (select, ignore, severity, certification, per-file-ignores); options win.

    \b
    Exit status: 0 no finding at or above --fail-on (or --exit-zero); 1 at least one; 2 usage
    problem (an unknown code in options or settings, a missing path) or a rule that crashed.
    """
    from pbxconn.report import render
    from pbxconn.validate.config import load_config, split_codes
    from pbxconn.validate.engine import validate_paths
    from pbxconn.validate.registry import check_selectors

    if update_baseline and baseline is None:
        raise click.UsageError("--update-baseline needs --baseline FILE")
    selected, ignored = split_codes(select), split_codes(ignore)
    check_selectors(selected, "--select")
    check_selectors(ignored, "--ignore")
    configs: dict[Path, Any] = {}

    def config_for(target: Path):
        folder = (target if target.is_dir() else target.parent).resolve()
        if folder not in configs:
            configs[folder] = load_config(folder).merged(select=selected, ignore=ignored,
                                                         certification=False if no_certification else None)
        return configs[folder]

    update, close = _progress_bar() if sys.stderr.isatty() else (None, lambda: None)
    try:
        result = validate_paths(paths, jobs=jobs, progress=update, config_for=config_for)
    finally:
        close()
    _crash_error(result.findings)
    findings = _baselined(result.findings, baseline, update_baseline)
    rules = _rule_metadata() if fmt in ("sarif", "text", "junit") else None
    color = use_color(fmt, output)
    report = render(findings, fmt, files=result.files_count, tool_version=__version__, rules=rules, color=color)
    emit(report, output)
    threshold = Severity.parse(fail_on)
    failed = any(f.severity >= threshold for f in findings)
    return int(ExitCode.FINDINGS if failed and not exit_zero else ExitCode.OK)


def _baselined(findings: list, baseline: Path | None, update: bool) -> list:
    """Record the baseline (first run, or --update-baseline) or drop the findings it accepts."""
    from pbxconn.validate import baseline as baselines

    if baseline is None:
        return findings
    if update or not baseline.exists():
        count = baselines.record(baseline, findings, __version__)
        click.echo(f"pbxconn: recorded {count} finding(s) in {baseline}; later runs report only new ones",
                   err=True)
        return []
    kept = baselines.apply(baseline, findings)
    if kept.accepted:
        click.echo(f"pbxconn: {kept.accepted} finding(s) accepted by {baseline} not shown", err=True)
    return kept.new


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
