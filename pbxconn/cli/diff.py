"""`pbxconn diff OLD NEW`: the breaking-change gate between two versions of a connector."""

from __future__ import annotations

from pathlib import Path

import click

from pbxconn import __version__
from pbxconn.cli.output import emit, use_color
from pbxconn.core.exitcodes import ExitCode

from pbxconn.report import REPORTERS

FORMATS = (*REPORTERS, "html")


@click.command()
@click.argument("old")
@click.argument("new")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="Output format.")
@click.option("--breaking-only", is_flag=True, help="List only the breaking changes (the exit code is the same).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the report to FILE instead of stdout.")
def diff(old: str, new: str, fmt: str, breaking_only: bool, output: Path | None) -> int:
    """Report every change from OLD to NEW; exit 1 when any is breaking.

    OLD and NEW are connector folders, swagger files, or git:REV:PATH read from the current
    repository (PATH from the repository root as `git show` reads it, e.g.
    git:origin/main:connectors/tele2). Change codes: docs/diff.md.
    `--format html` writes the preview's page of NEW with every change on the card or field a
    maker will notice it on (removed and renamed cards and inputs highlighted).
    Exit status: 0 no breaking change, 1 breaking changes, 2 unreadable input.
    """
    from pbxconn.diff.changes import CHANGES
    from pbxconn.diff.compare import compare
    from pbxconn.diff.load import COMPARED_ROLES, load_version
    from pbxconn.report import render

    old_package = load_version(old)
    new_package = load_version(new)
    findings = compare(old_package, new_package)
    if breaking_only:
        findings = [f for f in findings if f.extra.get("class") == "breaking"]
    if fmt == "html":  # the preview's page style, not a reporter: validate shares REPORTERS
        from pbxconn.preview.diffpage import diff_page
        from pbxconn.preview.render import render_diff

        emit(render_diff(diff_page(old_package, new_package, findings)), output)
        return int(ExitCode.FINDINGS if _breaking(findings) else ExitCode.OK)
    rules = None
    if fmt == "sarif":
        rules = {code: {"summary": kind.summary, "description": kind.summary,
                        "severity": "error" if kind.breaking else "info", "category": kind.cls}
                 for code, kind in CHANGES.items()}
    files = sum(role in new_package.files for role in COMPARED_ROLES)
    color = use_color(fmt, output)
    report = render(findings, fmt, files=files, tool_version=__version__, rules=rules, color=color)
    emit(report, output)
    return int(ExitCode.FINDINGS if _breaking(findings) else ExitCode.OK)


def _breaking(findings: list) -> bool:
    """Whether any change breaks flows built on OLD."""
    return any(f.extra.get("class") == "breaking" for f in findings)
