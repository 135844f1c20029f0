"""The `generic` behaviour checks, for any connector's script.

Every operation the script handles (apiProperties `scriptOperations`; empty or absent = every
operation) is called once through ExecuteAsync with a plausible request made from the definition,
and a stubbed service that answers each request 200 with a plausible JSON body (that of the
operation whose method and path the request matches, else that of the operation called):

- `handles_operation`: ExecuteAsync returns a response without throwing. Which status it answers
  is the script's business (a deliberate 400 is fine). An exception thrown after the script read
  a stubbed answer is reported as inconclusive, not as a failure: the stub's body follows the
  definition's response schema, which describes what the connector answers, and a script that
  transforms the service's answer may expect another shape.
- `within_5s`: it returns within Microsoft's limit for custom code (5 seconds), measured per call
  in the host. A call still running at the limit is abandoned and fails this check only.
"""

from __future__ import annotations

import re
from typing import Any, Mapping, Sequence

from pbxconn.csx.behaviour import CONNECTOR_BASE, SCRIPT_TIME_LIMIT, Case, Check
from pbxconn.csx.connector import Connector, Operation
from pbxconn.csx.samples import sample_answer, sample_request

HANDLES = "handles_operation"
WITHIN = "within_5s"
GENERIC_CHECKS = ("compiles", HANDLES, WITHIN)
JSON_HEADERS = {"Content-Type": "application/json"}


def script_operations(connector: Connector) -> list[Operation]:
    """The operations the platform hands to the script."""
    return [op for op in connector.operations if connector.routed_to_script(op.operation_id)]


def stub_answers(connector: Connector) -> list[dict[str, Any]]:
    """The stubbed service: for each operation, its method, path pattern and 200 answer."""
    return [{"method": op.method, "pattern": _full_path_pattern(connector, op),
             "response": _ok(sample_answer(connector, op))} for op in connector.operations]


def generic_cases(connector: Connector, time_limit: float = SCRIPT_TIME_LIMIT) -> list[Case]:
    """One host case per operation the script handles (run with `stub_answers`)."""
    cases = []
    for op in script_operations(connector):
        request = sample_request(connector, op)
        cases.append(Case(
            f"{op.operation_id}:generic", HANDLES, op, request.body, _ok(sample_answer(connector, op)), "answers",
            request_uri=request.uri, original_uri=CONNECTOR_BASE + request.uri[len(connector.backend_base):],
            extra={"label": "generic"}, request_headers=request.headers, content_type=request.content_type,
            routed_answers=True, time_limit=time_limit))
    return cases


def judge_generic(cases: Sequence[Case], results: Sequence[Mapping[str, Any]]) -> list[Check]:
    """`handles_operation` and `within_5s` for each case (no `handles_operation` when it timed out)."""
    checks: list[Check] = []
    for case, result in zip(cases, results):
        op = case.operation.operation_id
        limit = _seconds(case.time_limit)
        if result.get("timedOut"):
            checks.append(Check(WITHIN, op, False, f"no answer within {limit} (Microsoft's limit for custom code "
                                                   f"is {_seconds(SCRIPT_TIME_LIMIT)})", case.time_limit))
            continue
        checks.append(_handles(op, result))
        elapsed = float(result.get("elapsedMs") or 0) / 1000
        checks.append(Check(WITHIN, op, elapsed < case.time_limit, f"{elapsed:.2f} s of {limit}", elapsed))
    return checks


def _handles(op: str, result: Mapping[str, Any]) -> Check:
    error = str(result.get("error") or "")
    if not error:
        return Check(HANDLES, op, True, f"answered {(result.get('response') or {}).get('status')}")
    if not result.get("errorType"):
        return Check(HANDLES, op, False, error)
    thrown = f"the script threw {error.splitlines()[0]}"
    if not result.get("afterAnswer"):
        return Check(HANDLES, op, False, thrown)
    last = (result.get("sent") or [{}])[-1]
    return Check(HANDLES, op, True, f"inconclusive: {thrown} after reading the stubbed answer to "
                                    f"{last.get('method')} {last.get('uri')}", inconclusive=True)


def _ok(body: str) -> dict[str, Any]:
    return {"status": 200, "body": body, "headers": dict(JSON_HEADERS)}


def _full_path_pattern(connector: Connector, op: Operation) -> str:
    """A regular expression for the request path of `op`, basePath included, trailing '/' allowed."""
    return "^" + re.escape(connector.base_path) + op.regex()[1:-1] + "/?$"


def _seconds(value: float) -> str:
    return f"{value:g} s"
