"""`pbxconn csx test`: compile a connector's script with Mono, then run the behaviour checks."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pbxconn.csx.behaviour import Check, build_cases, judge, run_host
from pbxconn.csx.compile import CompileResult, compile_script, find_toolchain
from pbxconn.csx.connector import Connector, load_connector


@dataclass(slots=True)
class TestReport:
    """What `csx test` found: the compile outcome and each behaviour check."""

    connector: Connector
    compiled: CompileResult
    checks: list[Check] = field(default_factory=list)
    seconds: float = 0.0
    note: str = ""

    @property
    def failed(self) -> bool:
        """True when the script does not compile or a check failed (not when uncheckable)."""
        return self.compiled.status == "error" or any(not c.passed for c in self.checks)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-friendly summary."""
        return {
            "script": str(self.connector.script_path),
            "compile": {"status": self.compiled.status, "reason": self.compiled.reason,
                        "diagnostics": [str(d) for d in self.compiled.diagnostics]},
            "checks": [{"name": c.name, "operationId": c.operation_id, "passed": c.passed, "detail": c.detail}
                       for c in self.checks],
            "failed": self.failed,
            "note": self.note,
        }


def run_checks(path: Path) -> TestReport:
    """Compile the script at `path` (folder or file) and run the behaviour checks on it."""
    started = time.monotonic()
    toolchain = find_toolchain()  # raises ToolMissingError with the install command
    connector = load_connector(path)
    compiled = compile_script(connector.script_text, host=True, toolchain=toolchain)
    report = TestReport(connector, compiled)
    if compiled.status == "compiled" and compiled.output is not None:
        if connector.swagger is None:
            report.note = "no apiDefinition.swagger.json beside the script: compiled only"
        else:
            cases, static = build_cases(connector)
            results = run_host(compiled.output, toolchain, cases)
            report.checks = static + judge(connector, cases, results)
    report.seconds = time.monotonic() - started
    return report


def format_text(report: TestReport, verbose: bool = False) -> str:
    """The report as the CLI prints it: compile outcome, one line per check, a summary."""
    lines = [f"{report.connector.script_path}"]
    compiled = report.compiled
    if compiled.status == "compiled":
        lines.append("  compile: ok (mcs, against the ScriptBase stub)")
    elif compiled.status == "not-checkable":
        lines.append(f"  compile: not checkable locally: {compiled.reason}")
    else:
        lines.append("  compile: FAILED")
        shown = compiled.errors or compiled.diagnostics
        for diag in shown[:20]:
            where = report.connector.script_path if diag.file == "script.csx" else diag.file
            lines.append(f"    {where}:{diag.line}:{diag.column}: {diag.code}: {diag.message}")
        if not shown:
            lines.append(f"    {compiled.reason}")
    for check in report.checks:
        if check.passed and not verbose and check.name == "operation_not_routed":
            continue
        mark = "pass" if check.passed else "FAIL"
        detail = f" ({check.detail})" if check.detail else ""
        lines.append(f"  {mark}  {check.name:<40} {check.operation_id}{detail}")
    if report.note:
        lines.append(f"  note: {report.note}")
    passed = sum(c.passed for c in report.checks)
    failed = len(report.checks) - passed
    lines.append(f"{passed} passed, {failed} failed in {report.seconds:.1f}s"
                 + ("" if compiled.status != "not-checkable" else " (behaviour not checked)"))
    return "\n".join(lines)
