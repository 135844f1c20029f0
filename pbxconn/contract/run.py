"""Run schemathesis (as a library, all default checks) over a connector spec, plus the webhook check."""

from __future__ import annotations

import json
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pbxconn.contract.checks import Failure, webhook_payloads_match_notification_content
from pbxconn.core.errors import InputError, PbxconnError
from pbxconn.core.swagger import SWAGGER_NAME

SANDBOX_KEY = "contract-key"
# Lines of a failure shown under it in the terminal (the JUnit report keeps the whole message).
DETAIL_PREFIXES = ("Schema at", "Expected", "Documented", "Invalid component", "Hint", "request:", "response:")


@dataclass
class OperationResult:
    """What schemathesis found for one operation."""

    label: str
    cases: int = 0
    failures: list[Failure] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """No failure."""
        return not self.failures


@dataclass
class ContractReport:
    """The outcome of a contract run."""

    spec: Path
    base_url: str
    operations: dict[str, OperationResult] = field(default_factory=dict)
    webhook_counts: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    elapsed: float = 0.0

    @property
    def failures(self) -> list[Failure]:
        """Every failure, schemathesis' and ours."""
        return [f for op in self.operations.values() for f in op.failures]

    @property
    def ok(self) -> bool:
        """Nothing failed and nothing errored."""
        return not self.failures and not self.errors

    def summary(self) -> str:
        """One line per operation, then totals."""
        lines = []
        for label in sorted(self.operations):
            result = self.operations[label]
            mark = "PASS" if result.ok else "FAIL"
            lines.append(f"{mark}  {label}  ({result.cases} cases)")
            seen = set()
            for failure in result.failures:
                text = failure.message.strip().splitlines() or [""]
                if (failure.check, text[0]) not in seen:
                    seen.add((failure.check, text[0]))
                    lines.append(f"      {failure.check}: {text[0]}")
                    # what was sent and answered, and where the schema disagreed: enough to reproduce
                    details = [line.strip() for line in text[1:] if line.strip().startswith(DETAIL_PREFIXES)]
                    lines += [f"          {line[:200]}" for line in details]
        if self.webhook_counts:
            delivered = sum(self.webhook_counts.values())
            lines.append(f"webhook payloads: {delivered} delivered to {len(self.webhook_counts)} webhook triggers, each validated")
        lines.extend(_grouped_errors(self.errors))
        failed = sum(1 for r in self.operations.values() if not r.ok)
        cases = sum(r.cases for r in self.operations.values())
        lines.append(
            f"{len(self.operations) - failed} passed, {failed} failed, {len(self.errors)} errors;"
            f" {cases} cases in {self.elapsed:.1f} s against {self.base_url}"
        )
        return "\n".join(lines)

    def junit(self) -> bytes:
        """The run as JUnit XML (one testcase per operation)."""
        suite = ET.Element(
            "testsuite", name=f"pbxconn contract {self.spec}", tests=str(len(self.operations)),
            failures=str(sum(1 for r in self.operations.values() if not r.ok)), errors=str(len(self.errors)),
            time=f"{self.elapsed:.3f}",
        )
        for label in sorted(self.operations):
            result = self.operations[label]
            case = ET.SubElement(suite, "testcase", classname="contract", name=label)
            for failure in result.failures:
                node = ET.SubElement(case, "failure", type=failure.check, message=failure.message.strip().splitlines()[0] if failure.message.strip() else failure.check)
                node.text = failure.message
        for error in self.errors:
            ET.SubElement(ET.SubElement(suite, "testcase", classname="contract", name="run"), "error", message=error)
        return ET.tostring(suite, encoding="utf-8", xml_declaration=True)


def resolve_spec(carrier: str, spec: Path | None, root: Path) -> Path:
    """The spec to test: `--spec`, else `connectors/<carrier>/apiDefinition.swagger.json`."""
    path = spec or root / "connectors" / carrier / SWAGGER_NAME
    if not path.is_file():
        raise InputError(f"no connector spec at {path}", hint="run `pbxconn build` first, or pass --spec")
    return path


def _grouped_errors(errors: list[str]) -> list[str]:
    """One ERROR line per operation and kind of error (a dropped connection repeats for every case)."""
    counts: dict[str, int] = {}
    for error in errors:
        key = error.splitlines()[0] if error else ""
        counts[key] = counts.get(key, 0) + 1
    return [f"ERROR {key}" + (f"  ({n} times)" if n > 1 else "") for key, n in counts.items()]


def _check_reachable(base: str) -> None:
    """One clear usage error before the run when the API cannot be reached at all."""
    import httpx

    try:
        httpx.get(base, timeout=10, trust_env=False)
    except httpx.TransportError as exc:
        raise InputError(f"cannot connect to {base}: {exc}", location="--base-url",
                         hint="check the URL and that the API is up; without --base-url a local emulator is used") from None


def api_base(root_url: str, spec: dict[str, Any]) -> str:
    """The spec's basePath appended to a service root, unless the URL already ends with it."""
    base_path = "/" + str(spec.get("basePath", "/")).strip("/")
    root = root_url.rstrip("/")
    return root if base_path == "/" or root.endswith(base_path) else root + base_path


def run_contract(
    spec_path: Path, *, base_url: str | None = None, api_key: str | None = None, max_examples: int | None = None,
    seed: int | None = None, webhooks: bool = True, phases: tuple[str, ...] | None = None,
) -> ContractReport:
    """Contract-test `spec_path` against `base_url` (a live API) or a sandbox started for the run;
    `phases` limits schemathesis to some of its phases (examples, coverage, fuzzing, stateful)."""
    try:
        spec = json.loads(spec_path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read the spec: {exc}", location=str(spec_path)) from None
    if base_url is not None:
        if not api_key:
            raise InputError("--base-url needs --api-key")
        _check_reachable(api_base(base_url, spec))
        return _run(spec_path, spec, api_base(base_url, spec), api_key, max_examples, seed, webhook_check=None,
                    phases=phases)
    from pbxconn.sandbox.process import PREFIXES, start_sandbox

    base_path = "/" + str(spec.get("basePath", "/")).strip("/")
    family = next((name for name, prefix in PREFIXES.items() if prefix == base_path), None)
    if family is None:
        known = ", ".join(f"{p}/" for p in PREFIXES.values())
        raise InputError(f"the local emulators serve {known}; this spec's basePath is {spec.get('basePath')!r}, "
                         "an API they do not emulate", location=str(spec_path),
                         hint="test a live API with --base-url URL --api-key TOKEN")
    if family == "extension":
        return _run_extension(spec_path, spec, max_examples, seed, webhooks, phases)
    sandbox = start_sandbox("--rate-limit", "0", "--api-key", SANDBOX_KEY)
    try:
        return _run(spec_path, spec, api_base(sandbox.url, spec), SANDBOX_KEY, max_examples, seed,
                    webhook_check=_carrier_webhooks(sandbox.url + "/_sandbox") if webhooks else None, phases=phases)
    finally:
        sandbox.stop()


def _carrier_webhooks(admin: str):
    def check(spec: dict[str, Any], base: str, key: str) -> tuple[list[Failure], dict[str, int]]:
        return webhook_payloads_match_notification_content(spec, base, admin, key)
    return check


def _run_extension(spec_path: Path, spec: dict[str, Any], max_examples: int | None, seed: int | None,
                   webhooks: bool, phases: tuple[str, ...] | None) -> ContractReport:
    """The extension PBX emulator, signed in to with the authorization code flow, as Power Automate does."""
    from pbxconn.contract.form_events import form_events_match_notification_content
    from pbxconn.contract.oauth import authorization_code_token
    from pbxconn.sandbox.process import start_sandbox

    sandbox = start_sandbox("--rate-limit", "0", "--event-quota", "1000", family="extension")
    try:
        token = authorization_code_token(sandbox.url, "sandbox-public", "sandbox-public-secret")
        admin = sandbox.url + "/_sandbox"

        def check(spec: dict[str, Any], base: str, key: str) -> tuple[list[Failure], dict[str, int]]:
            return form_events_match_notification_content(spec, base, admin, key)

        # Every operation acts on one extension: aim them at a seeded phone, or nearly every case
        # would only meet a 404 for an extension that does not exist.
        return _run(spec_path, spec, api_base(sandbox.url, spec), token, max_examples, seed,
                    webhook_check=check if webhooks else None, parameters={"path.extension_id": "100"},
                    phases=phases)
    finally:
        sandbox.stop()


def _run(spec_path: Path, spec: dict[str, Any], base: str, api_key: str, max_examples: int | None,
         seed: int | None, *, webhook_check: Any, parameters: dict[str, Any] | None = None,
         phases: tuple[str, ...] | None = None) -> ContractReport:
    import schemathesis
    from schemathesis.engine import events, from_schema

    started = time.monotonic()
    report = ContractReport(spec_path, base)
    config = schemathesis.Config()
    if seed is not None:
        config.update(seed=seed, max_failures=None)
    config.projects.override.update(base_url=base, headers={"Authorization": f"Bearer {api_key}"},
                                    parameters=parameters or None)
    if max_examples is not None:
        config.projects.override.generation.update(max_examples=max_examples)
    if phases is not None:
        config.projects.override.phases.update(phases=list(phases))
    schema = schemathesis.openapi.from_dict(spec, config=config)
    for operation in schema.get_all_operations():
        label = operation.ok().label
        report.operations[label] = OperationResult(label)
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            _collect(report, event.recorder)
        elif isinstance(event, events.NonFatalError):
            report.errors.append(f"{event.label}: {event.info.title}: {event.info.message}".strip())
        elif isinstance(event, events.FatalError):
            raise PbxconnError(f"schemathesis could not run: {event.exception}")
        elif isinstance(event, events.Interrupted):
            raise KeyboardInterrupt
    if webhook_check is not None:
        failures, report.webhook_counts = webhook_check(spec, base, api_key)
        labels = {op.get("operationId"): f"{method.upper()} {path}" for path, item in spec.get("paths", {}).items()
                  for method, op in item.items() if isinstance(op, dict)}
        for failure in failures:
            label = labels.get(failure.operation) if labels.get(failure.operation) in report.operations else failure.operation
            report.operations.setdefault(label, OperationResult(label)).failures.append(failure)
    report.elapsed = time.monotonic() - started
    return report


def _collect(report: ContractReport, recorder: Any) -> None:
    """Count cases and record failed checks of one finished scenario, per operation."""
    for case_id, node in recorder.cases.items():
        label = node.value.operation.label
        result = report.operations.setdefault(label, OperationResult(label))
        result.cases += 1
        for check in recorder.checks.get(case_id, []):
            if check.failure_info is None:
                continue
            failure = check.failure_info.failure
            interaction = recorder.interactions.get(case_id)
            request = ""
            if interaction is not None:
                request = f"\n  request: {interaction.request.method} {interaction.request.uri}"
                if interaction.request.body:
                    request += f" body={interaction.request.body[:200]!r}"
                if interaction.response is not None:
                    request += f"\n  response: {interaction.response.status_code}"
            result.failures.append(Failure(label, check.name, f"{failure.title}: {failure.message}{request}"))
