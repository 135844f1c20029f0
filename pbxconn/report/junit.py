"""JUnit XML: one testsuite per file, one failed testcase per finding (as ESLint's junit format).

CI systems (GitLab, Jenkins, Azure DevOps) show each finding as a failed test named after its
code and position; a run without findings is one passing testcase, so the report is never empty.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from itertools import groupby
from typing import Sequence

from pbxconn.core.findings import Finding
from pbxconn.report import ReportContext, summary

_SUITE_NAME = "pbxconn"


def _case(suite: ET.Element, finding: Finding, ctx: ReportContext) -> None:
    where = f"{finding.line}:{finding.column or 1}" if finding.line else "-"
    case = ET.SubElement(suite, "testcase", classname=f"{_SUITE_NAME}.{finding.category or 'findings'}",
                         name=f"{finding.code} ({where})", file=finding.file, time="0")
    if finding.line:
        case.set("line", str(finding.line))
    failure = ET.SubElement(case, "failure", type=finding.severity.label, message=finding.message)
    text = [f"{finding.file}:{where}: {finding.severity.label} {finding.code} {finding.message}"]
    if finding.pointer:
        text.append(f"pointer: {finding.pointer}")
    fix = ctx.rules.get(finding.code, {}).get("fix")
    if fix:
        text.append(f"fix: {fix}")
    failure.text = "\n".join(text)


def render(findings: Sequence[Finding], ctx: ReportContext) -> str:
    """The findings as a JUnit XML document."""
    counts = summary(findings, ctx.files)
    root = ET.Element("testsuites", name=_SUITE_NAME, tests=str(max(len(findings), 1)),
                      failures=str(len(findings)), errors="0", time="0")
    if not findings:
        suite = ET.SubElement(root, "testsuite", name=_SUITE_NAME, tests="1", failures="0", errors="0", time="0")
        ET.SubElement(suite, "testcase", classname=_SUITE_NAME, name=f"{counts['files']} files, no findings",
                      time="0")
    for file, group in groupby(findings, key=lambda f: f.file):
        items = list(group)
        suite = ET.SubElement(root, "testsuite", name=file or _SUITE_NAME, tests=str(len(items)),
                              failures=str(len(items)), errors="0", time="0")
        for finding in items:
            _case(suite, finding, ctx)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
