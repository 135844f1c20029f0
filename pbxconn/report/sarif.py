"""SARIF 2.1.0 report for code-scanning upload."""

from __future__ import annotations

import hashlib
import json
from typing import Any, Mapping, Sequence
from urllib.parse import quote

from pbxconn.core.findings import Finding, Severity
from pbxconn.report import ReportContext

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_LEVEL_BY_NAME = {"error": "error", "warning": "warning", "info": "note"}


def artifact_uri(path: str) -> str:
    """A relative URI reference for a file path (forward slashes, percent-encoded)."""
    return quote(path.replace("\\", "/"), safe="/.-_~")


def fingerprint(finding: Finding) -> str:
    """Stable identity of a finding that survives line shifts: code, file, pointer, message."""
    key = json.dumps([finding.code, finding.file, finding.pointer, finding.message])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def _rule(code: str, meta: Mapping[str, Any], fallback: Finding | None) -> dict[str, Any]:
    """A reportingDescriptor for one code."""
    summary = str(meta.get("summary") or (fallback.message if fallback else code))
    level = _LEVEL_BY_NAME.get(str(meta.get("severity", "")))
    if level is None:
        level = _LEVEL[fallback.severity] if fallback else "warning"
    rule: dict[str, Any] = {
        "id": code,
        "name": code,
        "shortDescription": {"text": summary},
        "fullDescription": {"text": str(meta.get("description") or summary)},
        "defaultConfiguration": {"level": level},
    }
    if meta.get("help_uri"):
        rule["helpUri"] = str(meta["help_uri"])
    if meta.get("category"):
        rule["properties"] = {"category": str(meta["category"])}
    return rule


def _result(finding: Finding, rule_index: int) -> dict[str, Any]:
    """A SARIF result for one finding."""
    location: dict[str, Any] = {"physicalLocation": {"artifactLocation": {"uri": artifact_uri(finding.file)}}}
    if finding.line:
        location["physicalLocation"]["region"] = {"startLine": finding.line,
                                                  "startColumn": max(finding.column, 1)}
    if finding.pointer:
        location["logicalLocations"] = [{"fullyQualifiedName": finding.pointer, "kind": "element"}]
    result: dict[str, Any] = {
        "ruleId": finding.code,
        "ruleIndex": rule_index,
        "level": _LEVEL[finding.severity],
        "message": {"text": finding.message},
        "locations": [location],
        "partialFingerprints": {"pbxconnFinding/v1": fingerprint(finding)},
    }
    if finding.extra:
        result["properties"] = {k: v for k, v in finding.extra.items()}
    return result


def render(findings: Sequence[Finding], ctx: ReportContext) -> str:
    """A SARIF 2.1.0 log with one run; driver rules are the known rules plus any code seen."""
    first_seen: dict[str, Finding] = {}
    for f in findings:
        first_seen.setdefault(f.code, f)
    codes = sorted(set(ctx.rules) | set(first_seen))
    rules = [_rule(code, ctx.rules.get(code, {}), first_seen.get(code)) for code in codes]
    index = {code: i for i, code in enumerate(codes)}
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "pbxconn",
                "version": ctx.tool_version,
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": [_result(f, index[f.code]) for f in findings],
        }],
    }
    return json.dumps(log, indent=2, ensure_ascii=False, default=str) + "\n"
