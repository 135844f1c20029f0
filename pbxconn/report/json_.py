"""JSON report: {"version", "findings": [...], "summary": {...}}."""

from __future__ import annotations

import json
from typing import Sequence

from pbxconn.core.findings import Finding
from pbxconn.report import ReportContext, summary


def render(findings: Sequence[Finding], ctx: ReportContext) -> str:
    """The documented JSON document, 2-space indented, ending with a newline."""
    counts = summary(findings, ctx.files)
    document = {
        "version": ctx.tool_version,
        "findings": [f.to_dict() for f in findings],
        "summary": {"files": counts["files"], "errors": counts["errors"], "warnings": counts["warnings"],
                    "infos": counts["infos"]},
    }
    return json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n"
