"""Human report: `file:line:col: severity CODE message`, grouped by file, then a summary line."""

from __future__ import annotations

from itertools import groupby
from typing import Sequence

from pbxconn.core.findings import Finding, Severity
from pbxconn.report import ReportContext, summary

_STYLE = {Severity.ERROR: "\x1b[31m", Severity.WARNING: "\x1b[33m", Severity.INFO: "\x1b[36m"}
_BOLD, _DIM, _RESET = "\x1b[1m", "\x1b[2m", "\x1b[0m"
_EXTRA_SHOWN = ("class", "old_pointer", "new_pointer")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def line_of(finding: Finding, color: bool) -> str:
    """One finding as `file:line:col: severity CODE message`."""
    where = finding.file or "-"
    if finding.line:
        where += f":{finding.line}:{finding.column or 1}"
    label, code = finding.severity.label, finding.code
    if color:
        where = _BOLD + where + _RESET
        label = _STYLE[finding.severity] + label + _RESET
        code = _BOLD + code + _RESET
    text = f"{where}: {label} {code} {finding.message}"
    shown = [f"{key}={finding.extra[key]}" for key in _EXTRA_SHOWN if finding.extra.get(key)]
    if shown:
        text += (" " + _DIM + "[" + ", ".join(shown) + "]" + _RESET) if color else f" [{', '.join(shown)}]"
    return text


def _fix_line(finding: Finding, ctx: ReportContext) -> str:
    """`  fix: ...` under a finding whose rule says how to fix it (when rules are given)."""
    fix = ctx.rules.get(finding.code, {}).get("fix") if ctx.rules else None
    if not fix:
        return ""
    return f"  {_DIM}fix:{_RESET} {fix}\n" if ctx.color else f"  fix: {fix}\n"


def render(findings: Sequence[Finding], ctx: ReportContext) -> str:
    """Findings grouped by file (a blank line between files), each with its fix hint when the
    rules are known, and a closing summary line."""
    blocks = []
    for _, group in groupby(findings, key=lambda f: f.file):
        blocks.append("".join(line_of(f, ctx.color) + "\n" + _fix_line(f, ctx) for f in group))
    counts = summary(findings, ctx.files)
    closing = (f"{_plural(counts['files'], 'file')}, {_plural(counts['errors'], 'error')}, "
               f"{_plural(counts['warnings'], 'warning')}")
    if counts["infos"]:
        closing += f", {counts['infos']} info"
    if ctx.color:
        closing = _BOLD + closing + _RESET
    return "\n".join(blocks) + ("\n" if blocks else "") + closing + "\n"
