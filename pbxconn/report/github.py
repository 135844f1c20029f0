"""GitHub Actions workflow commands: `::error file=F,line=L,col=C,title=CODE::message`."""

from __future__ import annotations

from typing import Sequence

from pbxconn.core.findings import Finding, Severity
from pbxconn.report import ReportContext

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """Escape a command's message the way @actions/core does."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a command property value the way @actions/core does."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding) -> str:
    """One workflow command line for a finding."""
    props = []
    if finding.file:
        props.append(f"file={escape_property(finding.file)}")
    if finding.line:
        props.append(f"line={finding.line}")
        if finding.column:
            props.append(f"col={finding.column}")
    props.append(f"title={escape_property(finding.code)}")
    message = finding.message
    if finding.pointer:
        message += f" ({finding.pointer})"
    return f"::{_COMMAND[finding.severity]} {','.join(props)}::{escape_data(message)}"


def render(findings: Sequence[Finding], ctx: ReportContext) -> str:
    """One annotation per finding."""
    return "".join(annotation(f) + "\n" for f in findings)
