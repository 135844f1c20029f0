"""The release gates `pbxconn deploy` runs before paconn: drift, validate, csx, contract.

Each gate answers one question about the package about to be deployed and stops the deploy
when the answer is no. Gates run in the order of a release (render, validate, test the custom
code, test the API contract); the first failure ends the run and the later gates are reported
as not run. A gate is skipped only when the user names it (`--skip NAME`), and every summary
says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Literal

from pbxconn.core.errors import PbxconnError
from pbxconn.core.exitcodes import ExitCode
from pbxconn.core.findings import Finding, Severity
from pbxconn.core.paths import shown_relative
from pbxconn.core.swagger import SWAGGER_NAME

GATES = ("drift", "validate", "csx", "contract")
# A short run: schemathesis' explicit examples and random fuzzing, without the exhaustive
# coverage phase and the stateful phase that `pbxconn contract` adds.
CONTRACT_PHASES = ("examples", "fuzzing")
DEFAULT_CONTRACT_EXAMPLES = 5

Status = Literal["passed", "failed", "skipped", "not-applicable", "not-run"]


@dataclass
class GateResult:
    """What one gate found: its status, a one-line summary and the lines that explain a failure."""

    name: str
    status: Status
    summary: str = ""
    details: list[str] = field(default_factory=list)
    exit_code: ExitCode = ExitCode.OK

    @property
    def blocks(self) -> bool:
        """True when this gate stops the deploy."""
        return self.status == "failed"


@dataclass
class GateRun:
    """Every gate's result, in order."""

    results: list[GateResult]

    @property
    def failed(self) -> GateResult | None:
        """The gate that stopped the deploy, if any."""
        return next((r for r in self.results if r.blocks), None)

    @property
    def skipped(self) -> list[str]:
        """The gates the user skipped by flag."""
        return [r.name for r in self.results if r.status == "skipped"]

    def line(self) -> str:
        """'gates: drift passed, validate passed, csx not applicable, contract skipped (--skip contract)'."""
        parts = []
        for r in self.results:
            label = r.status.replace("-", " ")
            parts.append(f"{r.name} {label}" + (f" (--skip {r.name})" if r.status == "skipped" else ""))
        return "gates: " + ", ".join(parts)


@dataclass(frozen=True)
class GateContext:
    """What the gates need to know about the deploy."""

    root: Path
    carrier: str
    package: Path
    contract_examples: int = DEFAULT_CONTRACT_EXAMPLES
    seed: int | None = None


def count_findings(findings: list[Finding]) -> str:
    """'2 errors, 1 warning'."""
    errors = sum(f.severity == Severity.ERROR for f in findings)
    warnings = sum(f.severity == Severity.WARNING for f in findings)
    return f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"


def describe(finding: Finding, root: Path) -> str:
    """`file:line:col: severity Code message`, the file from the project root when inside it."""
    where = shown_relative(finding.file, root) + (f":{finding.line}:{finding.column}" if finding.line else "")
    return f"{where}: {finding.severity.label} {finding.code} {finding.message}"


def gate_drift(ctx: GateContext) -> GateResult:
    """The package on disk equals a fresh render of the carrier's YAML and its family's catalog."""
    from pbxconn.generate.build import drift, render_all

    packages = render_all(ctx.root, [ctx.carrier], validate=False)  # the validate gate checks the files on disk
    differing = drift(ctx.root, packages)
    if differing:
        return GateResult("drift", "failed", f"{len(differing)} file(s) differ from what `pbxconn build` renders",
                          [*differing, "run `pbxconn build`, review the change and commit it, then deploy"],
                          ExitCode.FINDINGS)
    return GateResult("drift", "passed", f"{len(packages[0].files)} files match a fresh render")


def gate_validate(ctx: GateContext) -> GateResult:
    """The offline validator finds no error in the package."""
    from pbxconn.validate.engine import validate_with_settings
    from pbxconn.validate.package import Package

    findings = validate_with_settings(Package.load(ctx.package), ctx.package)
    errors = [f for f in findings if f.severity >= Severity.ERROR]
    details = [describe(f, ctx.root) for f in errors]
    if errors:
        return GateResult("validate", "failed", f"the validator reports {count_findings(findings)}", details,
                          ExitCode.FINDINGS)
    return GateResult("validate", "passed", count_findings(findings))


def gate_csx(ctx: GateContext) -> GateResult:
    """The package's script compiles with Mono and passes the behaviour checks."""
    from pbxconn.csx.connector import SCRIPT_FILES
    from pbxconn.csx.runner import run_checks

    if not any((ctx.package / name).is_file() for name in SCRIPT_FILES):
        return GateResult("csx", "not-applicable", "the package has no custom code")
    report = run_checks(ctx.package)  # raises ToolMissingError (exit 2) when Mono is not installed
    passed = sum(c.passed for c in report.checks)
    if report.failed:
        details = list(report.problems)
        if report.compiled.status == "error":
            details += [str(d) for d in (report.compiled.errors or report.compiled.diagnostics)[:10]]
        details += [f"FAIL {c.name} {c.operation_id}" + (f" ({c.detail})" if c.detail else "")
                    for c in report.checks if not c.passed]
        what = ("does not compile" if report.compiled.status == "error" else
                "cannot be tested: a package file does not load" if report.problems else
                f"{len(report.checks) - passed} of {len(report.checks)} behaviour checks failed")
        return GateResult("csx", "failed", f"script {what}",
                          [*details, f"run `pbxconn csx test {shown_relative(ctx.package, ctx.root)}` for details"],
                          ExitCode.FINDINGS)
    if report.compiled.status == "not-checkable":
        return GateResult("csx", "passed", f"not checkable locally: {report.compiled.reason}")
    profile = report.profile.name if report.profile else "pbxconn"
    return GateResult("csx", "passed", f"compiled; {passed} behaviour checks of the {profile} profile passed")


def gate_contract(ctx: GateContext) -> GateResult:
    """A short contract run of the package's spec against the local emulator passes."""
    from pbxconn.contract.run import run_contract

    report = run_contract(ctx.package / SWAGGER_NAME, max_examples=ctx.contract_examples, seed=ctx.seed,
                          phases=CONTRACT_PHASES)
    cases = sum(r.cases for r in report.operations.values())
    if not report.ok:
        lines = [line for line in report.summary().splitlines() if not line.startswith("PASS")]
        return GateResult("contract", "failed",
                          f"{sum(not r.ok for r in report.operations.values())} of {len(report.operations)} "
                          f"operations failed, {len(report.errors)} errors",
                          [*lines, f"run `pbxconn contract --carrier {ctx.carrier}` for the full run"],
                          ExitCode.FINDINGS)
    return GateResult("contract", "passed", f"{len(report.operations)} operations, {cases} cases "
                                            f"in {report.elapsed:.1f} s against the local emulator")


RUNNERS: dict[str, Callable[[GateContext], GateResult]] = {
    "drift": gate_drift, "validate": gate_validate, "csx": gate_csx, "contract": gate_contract,
}


def run_gates(ctx: GateContext, skip: set[str], *, on_start: Callable[[str], None] | None = None,
              on_done: Callable[[GateResult], None] | None = None) -> GateRun:
    """Run every gate in order until one fails; skipped gates are recorded, later ones 'not-run'."""
    unknown = skip - set(GATES)
    if unknown:
        raise ValueError(f"unknown gates: {sorted(unknown)}")
    results: list[GateResult] = []
    stopped = False
    for name in GATES:
        if stopped:
            result = GateResult(name, "not-run", "an earlier gate failed")
        elif name in skip:
            result = GateResult(name, "skipped", f"skipped by --skip {name}")
        else:
            if on_start:
                on_start(name)
            try:
                result = RUNNERS[name](ctx)
            except PbxconnError as exc:
                text = str(exc).splitlines()
                result = GateResult(name, "failed", text[0], [line.strip() for line in text[1:]]
                                    + [f"to deploy without this gate, pass --skip {name}"], exc.exit_code)
            stopped = result.blocks
        results.append(result)
        if on_done and result.status not in ("not-run",):
            on_done(result)
    return GateRun(results)
