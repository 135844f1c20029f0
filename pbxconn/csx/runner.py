"""`pbxconn csx test`: compile a connector's script with Mono, then run a profile's behaviour checks."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pbxconn.csx.behaviour import SCRIPT_TIME_LIMIT, Check, build_cases, judge, run_host
from pbxconn.csx.compile import CompileResult, Toolchain, compile_script, find_toolchain
from pbxconn.csx.connector import Connector, load_connector
from pbxconn.csx.generic import WITHIN, generic_cases, judge_generic, stub_answers
from pbxconn.csx.profiles import Profile, choose_profile


@dataclass(slots=True)
class TestReport:
    """What `csx test` found: the compile outcome, the profile that ran and each behaviour check."""

    connector: Connector
    compiled: CompileResult
    checks: list[Check] = field(default_factory=list)
    seconds: float = 0.0
    note: str = ""
    profile: Profile | None = None
    checks_run: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # package files that did not load, "file:line:col: what"

    @property
    def failed(self) -> bool:
        """True when the script does not compile, a check failed or a package file is not valid JSON
        (not when the script is merely not checkable locally)."""
        return self.compiled.status == "error" or bool(self.problems) or any(not c.passed for c in self.checks)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-friendly summary."""
        return {
            "script": str(self.connector.script_path),
            "compile": {"status": self.compiled.status, "reason": self.compiled.reason,
                        "diagnostics": [str(d) for d in self.compiled.diagnostics]},
            "profile": {"name": self.profile.name if self.profile else "",
                        "reason": self.profile.reason if self.profile else "", "checks": list(self.checks_run)},
            "checks": [{"name": c.name, "operationId": c.operation_id, "passed": c.passed, "detail": c.detail,
                        **({"seconds": c.seconds} if c.seconds is not None else {}),
                        **({"inconclusive": True} if c.inconclusive else {})} for c in self.checks],
            "problems": list(self.problems),
            "failed": self.failed,
            "note": self.note,
        }


def run_checks(path: Path, *, checks: str = "auto", time_limit: float = SCRIPT_TIME_LIMIT) -> TestReport:
    """Compile the script at `path` (folder or file) and run the behaviour checks of a profile on it.

    `checks` is 'auto' (the `pbxconn` profile for a pbxconn project's connectors/<id>/ with
    carriers/<id>.yaml, else `generic`), 'generic' or 'pbxconn'; `time_limit` is the seconds one
    ExecuteAsync call may take (Microsoft's 5 s)."""
    started = time.monotonic()
    toolchain = find_toolchain()  # raises ToolMissingError with the install command
    connector = load_connector(path)
    profile = choose_profile(connector.directory, checks)
    compiled = compile_script(connector.script_text, host=True, toolchain=toolchain)
    report = TestReport(connector, compiled, profile=profile, checks_run=["compiles"],
                        problems=list(connector.problems))
    if compiled.status == "compiled" and compiled.output is not None:
        if connector.problems:
            report.note = "behaviour checks skipped: the connector's definition files did not load"
        elif connector.swagger is None:
            report.note = "no apiDefinition.swagger.json beside the script: compiled only"
        else:
            report.checks = _behaviour(connector, profile, compiled.output, toolchain, time_limit)
            report.checks_run = list(profile.checks)
    report.seconds = time.monotonic() - started
    return report


def _behaviour(connector: Connector, profile: Profile, host_exe: Path, toolchain: Toolchain,
               time_limit: float) -> list[Check]:
    """Run the profile's host cases in one host process and judge them."""
    contract, static = build_cases(connector) if profile.name == "pbxconn" else ([], [])
    generic = generic_cases(connector, time_limit)
    results = run_host(host_exe, toolchain, [*contract, *generic], stub_answers(connector))
    return [*static, *judge(connector, contract, results[:len(contract)]),
            *judge_generic(generic, results[len(contract):])]


def format_text(report: TestReport, verbose: bool = False) -> str:
    """The report as the CLI prints it: compile outcome, the profile, one line per check, a summary."""
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
        if compiled.newer:
            lines.append(f"    the script also uses {compiled.newer}, which Mono's C# 7 compiler cannot check")
    for problem in report.problems:
        lines.append(f"  package: FAILED {problem}")
    if report.profile is not None:
        lines.append(f"  checks: {report.profile.name} ({', '.join(report.checks_run)}) [{report.profile.reason}]")
    lines.extend(_check_lines(report.checks, verbose))
    if report.note:
        lines.append(f"  note: {report.note}")
    passed = sum(c.passed and not c.inconclusive for c in report.checks)
    unsure = sum(c.inconclusive for c in report.checks)
    failed = len(report.checks) - passed - unsure
    lines.append(f"{passed} passed, {failed} failed" + (f", {unsure} inconclusive" if unsure else "")
                 + f" in {report.seconds:.1f}s"
                 + ("" if compiled.status != "not-checkable" else " (behaviour not checked)"))
    return "\n".join(lines)


def _check_lines(checks: list[Check], verbose: bool) -> list[str]:
    """One line per check; without `verbose`, passing routing and timing checks are summed up."""
    lines = []
    quiet = ("operation_not_routed", WITHIN)
    for check in checks:
        if check.passed and not verbose and check.name in quiet:
            continue
        mark = "warn" if check.inconclusive else "pass" if check.passed else "FAIL"
        detail = f" ({check.detail})" if check.detail else ""
        lines.append(f"  {mark}  {check.name:<40} {check.operation_id}{detail}")
    timed = [c for c in checks if c.name == WITHIN]
    if timed and not verbose and all(c.passed for c in timed):
        slowest = max(timed, key=lambda c: c.seconds or 0.0)
        lines.append(f"  pass  {WITHIN:<40} all {len(timed)} calls (slowest {slowest.operation_id}: {slowest.detail})")
    return lines
