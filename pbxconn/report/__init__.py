"""Reporters: pure functions turning findings into text, JSON, SARIF, GitHub annotations or JUnit XML.

Reporters depend only on `pbxconn.core`; they never compute exit codes and never read files.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

from pbxconn.core.findings import Finding, Severity

# format name -> module under pbxconn.report (imported on use)
REPORTERS: dict[str, str] = {"text": "text", "json": "json_", "sarif": "sarif", "github": "github", "junit": "junit"}


@dataclass(frozen=True)
class ReportContext:
    """What a reporter may know besides the findings."""

    files: int = 0
    tool_version: str = ""
    rules: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # code -> rule metadata
    color: bool = False


def summary(findings: Sequence[Finding], files: int) -> dict[str, int]:
    """{"files", "errors", "warnings", "infos"} counts."""
    return {
        "files": files,
        "errors": sum(f.severity == Severity.ERROR for f in findings),
        "warnings": sum(f.severity == Severity.WARNING for f in findings),
        "infos": sum(f.severity == Severity.INFO for f in findings),
    }


def render(findings: Sequence[Finding], fmt: str, *, files: int, tool_version: str,
           rules: Mapping[str, Mapping[str, Any]] | None = None, color: bool = False) -> str:
    """Render findings in one of REPORTERS' formats.

    `rules` (optional) maps a code to metadata: `summary`, `description`, `severity`
    ("error"/"warning"/"info"), `category`, `help_uri` (SARIF) and `fix` (text and JUnit show it).
    """
    if fmt not in REPORTERS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(REPORTERS)}")
    module = importlib.import_module(f"{__name__}.{REPORTERS[fmt]}")
    ctx = ReportContext(files, tool_version, dict(rules or {}), color)
    renderer: Callable[[Sequence[Finding], ReportContext], str] = module.render
    return renderer(list(findings), ctx)
