"""Policy templates of apiProperties.json checked against the swagger they act on.

Nobody else checks these: the apiProperties validator only sees apiProperties.json and the
swagger validator only sees the swagger, so a policy that names a renamed operation, or a
polling cursor that reads a field the response no longer has, passes both and fails at run time.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Iterator, Mapping

from pbxconn.core.findings import Severity
from pbxconn.validate.rule import OperationNode, PolicyNode, Rule, Violation, register

if TYPE_CHECKING:  # pragma: no cover
    from pbxconn.validate.package import Package

OPERATION_NAME = "x-ms-apimTemplate-operationName"
PARAM = "x-ms-apimTemplateParameter."
TRIGGER_CONFIG = PARAM + "triggerConfig"
TRIGGER_DATA_PATH = PARAM + "triggerDataPath"
NEXT_LINK_KEY = "x-ms-triggerConfig-nextLink"

# templateId (case-folded) -> required template parameters (`x-ms-apimTemplateParameter.` omitted).
# From the repository schema and Microsoft's template pages; the last three are seen only in
# deployed connectors and have no published parameter list.
TEMPLATES: dict[str, tuple[str, ...]] = {
    "setheader": ("name", "value"),
    "setqueryparameter": ("name", "value"),
    "dynamichosturl": ("urlTemplate",),
    "routerequesttoendpoint": ("newPath",),
    "setproperty": ("newPropertyParentPathTemplate", "newPropertySubPathTemplate",
                    "propertyValuePathTemplate"),
    "setvaluefromurl": ("parameterTemplate", "parameterValueUrl", "parameterValuePathTemplate"),
    "updatenextlink": ("nextLinkPropertyName",),
    "convertarraytoobject": ("propertyParentPath", "keyWithinCollectionPath", "newPropertyPath"),
    "convertobjecttoarray": ("propertyParentPath", "newPropertyPath"),
    "stringtoarray": ("propertyParentPath", "delimiterList", "childPropertyName", "newPropertyPath"),
    "stringreplace": ("propertyParentPath", "sourceString", "replacementString", "newPropertyPath"),
    "encodepropertyvalue": ("propertyParentPath", "newPropertyPath"),
    "pollingtrigger": ("triggerConfig", "triggerDataPath"),
    "setconnectionstatustounauthenticated": ("statusCode",),
    "moveproperties": (),
    "dynamicsubdomain": (),
}

# `triggerBody()` followed by `.name`, `?.name`, `[0]`, `?[0]`, `['name']`, `?['name']`.
_TRIGGER_BODY = re.compile(
    r"triggerBody\(\)((?:\??\.[A-Za-z_$@][\w$@-]*|\??\[\s*(?:\d+|'[^']*'|\"[^\"]*\")\s*\])*)"
)
_STEP = re.compile(r"\??\.([A-Za-z_$@][\w$@-]*)|\??\[\s*(\d+|'[^']*'|\"[^\"]*\")\s*\]")


def template_id(policy: Mapping[str, Any]) -> str:
    """The policy's templateId, case-folded ('' when absent or not a string)."""
    tid = policy.get("templateId")
    return tid.lower() if isinstance(tid, str) else ""


def policy_parameters(policy: Mapping[str, Any]) -> Mapping[str, Any]:
    """The policy's `parameters` object, or an empty mapping when it is not one."""
    params = policy.get("parameters")
    return params if isinstance(params, dict) else {}


def polling_parameters(node: PolicyNode) -> Mapping[str, Any] | None:
    """The parameters of a pollingtrigger policy, or None for any other (or malformed) policy."""
    if template_id(node.policy) != "pollingtrigger":
        return None
    return policy_parameters(node.policy)


def named_operations(policy: Mapping[str, Any]) -> list[tuple[int, str]]:
    """(index, operationId) for each string in the policy's operation-name list."""
    names = policy_parameters(policy).get(OPERATION_NAME)
    if isinstance(names, str):
        return [(0, names)] if names else []
    if not isinstance(names, list):
        return []
    return [(i, n) for i, n in enumerate(names) if isinstance(n, str)]


def trigger_body_paths(expression: str) -> list[tuple[str, tuple[str | int, ...]]]:
    """Every `triggerBody()...` accessor chain in an expression, as (text, steps)."""
    out = []
    for match in _TRIGGER_BODY.finditer(expression):
        steps: list[str | int] = []
        for name, index in _STEP.findall(match.group(1)):
            if name:
                steps.append(name)
            elif index.isdigit():
                steps.append(int(index))
            else:
                steps.append(index[1:-1])
        out.append((match.group(0), tuple(steps)))
    return out


def _resolve(ctx: "Package", node: Any) -> Any:
    try:
        return ctx.resolve(node)[0]
    except Exception:  # a broken $ref is reported elsewhere; here it only means "unknown"
        return None


def success_schema(op: OperationNode, ctx: "Package") -> Any:
    """The schema of the operation's 200 response (else first 2xx with a schema), resolved; None if none."""
    responses = op.op.get("responses")
    if not isinstance(responses, dict):
        return None
    codes = ["200"] + sorted(str(c) for c in responses if str(c).startswith("2") and str(c) != "200")
    for code in codes:
        response = _resolve(ctx, responses.get(code))
        if isinstance(response, dict) and "schema" in response:
            return _resolve(ctx, response["schema"])
    return None


_UNKNOWN = object()


def _properties(schema: Mapping[str, Any], ctx: "Package") -> tuple[dict[str, Any], bool]:
    """Declared properties (allOf merged) and whether the schema is closed to other names."""
    props: dict[str, Any] = {}
    open_ = False
    stack = [schema]
    seen = 0
    while stack and seen < 64:
        seen += 1
        s = stack.pop()
        if not isinstance(s, dict):
            open_ = True
            continue
        if any(k.startswith("x-ms-dynamic") for k in s):
            open_ = True
        p = s.get("properties")
        if isinstance(p, dict):
            props.update(p)
        if s.get("additionalProperties") not in (None, False):
            open_ = True
        for key in ("allOf", "anyOf", "oneOf"):
            parts = s.get(key)
            if isinstance(parts, list):
                if key != "allOf":
                    open_ = True
                stack.extend(_resolve(ctx, x) for x in parts)
    if not props and "properties" not in schema and "allOf" not in schema:
        open_ = True  # an object without declared properties says nothing about its fields
    return props, not open_


def walk_schema(schema: Any, steps: tuple[str | int, ...], ctx: "Package") -> tuple[Any, str | int | None, str]:
    """Follow `steps` through a schema.

    Returns (schema at the end or _UNKNOWN, failing step or None, reason) where reason is
    'missing' (a named field the schema does not declare) or 'not-array' (an index into a
    non-array schema); the schema is _UNKNOWN when the schema leaves the path open.
    """
    node = schema
    for step in steps:
        node = _resolve(ctx, node)
        if not isinstance(node, dict):
            return _UNKNOWN, None, ""
        if isinstance(step, int):
            type_ = node.get("type")
            if "items" in node:
                node = node["items"]
            elif type_ in (None, "array") or isinstance(type_, list):
                return _UNKNOWN, None, ""
            else:
                return None, step, "not-array"
        else:
            props, closed = _properties(node, ctx)
            if step in props:
                node = props[step]
            elif closed:
                return None, step, "missing"
            else:
                return _UNKNOWN, None, ""
    return _resolve(ctx, node), None, ""


def _polling_policies(ctx: "Package") -> Iterator[PolicyNode]:
    for node in ctx.policies or ():
        if template_id(node.policy) == "pollingtrigger":
            yield node


def polling_operations(ctx: "Package") -> dict[str, PolicyNode]:
    """operationId -> the pollingtrigger policy that names it."""
    out: dict[str, PolicyNode] = {}
    for node in _polling_policies(ctx):
        for _, name in named_operations(node.policy):
            out.setdefault(name, node)
    return out


def _targets(node: PolicyNode, ctx: "Package") -> list[OperationNode]:
    ops = ctx.operations_by_id or {}
    return [ops[name] for _, name in named_operations(node.policy) if name in ops]


@register
class PolicyOperationMissing(Rule):
    """A policy's `x-ms-apimTemplate-operationName` lists an operationId that no operation has.

    What it does: flags a policy template whose `x-ms-apimTemplate-operationName` lists an
    operationId that no operation of the swagger has.

    Why it matters: the gateway applies the policy only to the operations it names; a name that
    matches nothing (a renamed or deleted operation, a typo) silently switches the policy off, so
    headers are not set, hosts not rewritten and polling triggers never get their cursor.
    A warning, not an error: the stale name itself harms nothing at run time (the gateway
    matches it to no request); the harm, if any, is in an operation that lost the policy, and
    which operation that is (if any) cannot be told from the files.

    Fix: use the operationId exactly as the swagger spells it, or remove the stale entry.
    """

    category = "Policies"
    origin = "pbxconn"
    severity = Severity.WARNING
    message = "policy {title!r} ({template}) names operation {operation_id!r}, which the swagger does not define"
    subject = "policy"

    def check(self, node: PolicyNode, ctx: "Package") -> Iterator[Violation]:
        """Yield one violation per unknown operation name."""
        if not isinstance(ctx.swagger, dict):
            return
        ops = ctx.operations_by_id or {}
        for i, name in named_operations(node.policy):
            if name not in ops:
                names = node.policy.get("parameters", {}).get(OPERATION_NAME)
                where = node.pointer + ("parameters", OPERATION_NAME) + ((i,) if isinstance(names, list) else ())
                yield Violation(
                    args={"title": node.policy.get("title", ""), "template": node.policy.get("templateId", ""),
                          "operation_id": name},
                    pointer=where, file="properties")


@register
class PolicyTemplateUnknown(Rule):
    """A policy `templateId` that is not one of the policy templates Power Platform offers.

    What it does: flags a `templateId` that is not one of the policy templates Power Platform
    offers (compared case-insensitively, as the service does).

    Why it matters: an unknown template is rejected when apiProperties.json is validated, or is
    ignored at run time; either way the behaviour it was meant to add is missing.

    Fix: use one of setheader, setqueryparameter, dynamichosturl, routerequesttoendpoint,
    setproperty, setvaluefromurl, updatenextlink, convertarraytoobject, convertobjecttoarray,
    stringtoarray, stringreplace, encodepropertyvalue, pollingtrigger,
    setconnectionstatustounauthenticated.
    """

    category = "Policies"
    origin = "pbxconn"
    severity = Severity.WARNING
    message = "policy template {template!r} is not a known Power Platform policy template"
    subject = "policy"

    def check(self, node: PolicyNode, ctx: "Package") -> Iterator[Violation]:
        """Yield a violation when the templateId is unknown."""
        tid = node.policy.get("templateId")
        if not isinstance(tid, str) or tid.lower() not in TEMPLATES:
            yield Violation(args={"template": tid}, pointer=node.pointer + ("templateId",), file="properties")


@register
class PolicyParameterMissing(Rule):
    """A policy template instance lacks a parameter its template requires.

    What it does: flags a policy template instance that lacks a parameter its template
    requires (for example a pollingtrigger without `triggerDataPath`).

    Why it matters: apiProperties.json is validated against the template's parameter list and
    such an instance is rejected; if it were deployed the policy could not do its job.

    Fix: add `x-ms-apimTemplateParameter.<name>` with the value the template needs.
    """

    category = "Policies"
    origin = "pbxconn"
    severity = Severity.ERROR
    message = "policy {title!r} ({template}) lacks the required parameter {parameter!r}"
    subject = "policy"

    def check(self, node: PolicyNode, ctx: "Package") -> Iterator[Violation]:
        """Yield one violation per missing required template parameter."""
        required = TEMPLATES.get(template_id(node.policy), ())
        params = policy_parameters(node.policy)
        for name in required:
            value = params.get(PARAM + name)
            if value is None or value == "":
                yield Violation(
                    args={"title": node.policy.get("title", ""), "template": node.policy.get("templateId", ""),
                          "parameter": PARAM + name},
                    pointer=node.pointer + (("parameters",) if "parameters" in node.policy else ()),
                    file="properties")


@register
class PollingTriggerConfigNotQueryParameter(Rule):
    """A pollingtrigger `triggerConfig` key that is not a query parameter of the polled operation.

    What it does: flags a pollingtrigger `triggerConfig` key that is not a query parameter
    of the operation the policy applies to.

    Why it matters: the gateway sends each triggerConfig entry as a query parameter on the next
    poll; that is the cursor. A key the operation does not declare is never sent, so every poll
    returns the same items again and the flow fires on old data (or never moves on).

    Fix: name the cursor query parameter exactly as the operation declares it (`in: query`),
    or add that parameter to the operation (usually `x-ms-visibility: internal`).
    """

    category = "Policies"
    origin = "pbxconn"
    severity = Severity.ERROR
    message = "triggerConfig key {key!r} is not a query parameter of operation {operation_id!r}"
    subject = "policy"

    def check(self, node: PolicyNode, ctx: "Package") -> Iterator[Violation]:
        """Yield one violation per triggerConfig key the target operation cannot receive."""
        config = (polling_parameters(node) or {}).get(TRIGGER_CONFIG)
        if not isinstance(config, dict):
            return
        for op in _targets(node, ctx):
            query = {p.param.get("name") for p in op.parameters
                     if isinstance(p.param, dict) and p.param.get("in") == "query"}
            for key in config:
                if key == NEXT_LINK_KEY or key in query:
                    continue
                yield Violation(args={"key": key, "operation_id": op.op.get("operationId")},
                                pointer=node.pointer + ("parameters", TRIGGER_CONFIG, key), file="properties")


@register
class PollingTriggerFieldMissing(Rule):
    """A pollingtrigger `triggerBody()` path into a field the operation's response does not declare.

    What it does: follows every `triggerBody()...` path in a pollingtrigger's `triggerConfig`
    values and its `triggerDataPath` through the target operation's success (200) response
    schema, `$ref`s resolved, and flags a field the schema does not declare.

    Why it matters: the cursor for the next poll and the item collection are read from the
    previous response at those paths. A path into nothing yields an empty cursor (the trigger
    repeats or loses events) or no items at all (the trigger never fires).

    Fix: point the expression at a field the response declares (`@triggerBody().data`,
    `@{triggerBody().data[0].id}`), or declare the field in the response schema.

    Paths through schemas that allow any property (additionalProperties, dynamic schemas) are
    not flagged.
    """

    category = "Policies"
    origin = "pbxconn"
    severity = Severity.ERROR
    message = ("{what} {expression!r} reads {field!r}, which the success response schema of "
               "operation {operation_id!r} does not {reason}")
    subject = "policy"

    def check(self, node: PolicyNode, ctx: "Package") -> Iterator[Violation]:
        """Yield one violation per expression path that leaves the response schema."""
        params = polling_parameters(node)
        if params is None:
            return
        exprs: list[tuple[str, str, tuple]] = []
        config = params.get(TRIGGER_CONFIG)
        if isinstance(config, dict):
            for key, value in config.items():
                if isinstance(value, str) and key != NEXT_LINK_KEY:
                    exprs.append(("triggerConfig value", value, ("parameters", TRIGGER_CONFIG, key)))
        data_path = params.get(TRIGGER_DATA_PATH)
        if isinstance(data_path, str):
            exprs.append(("triggerDataPath", data_path, ("parameters", TRIGGER_DATA_PATH)))
        for op in _targets(node, ctx):
            schema = success_schema(op, ctx)
            if not isinstance(schema, dict):
                continue
            for what, expr, where in exprs:
                for text, steps in trigger_body_paths(expr):
                    _, failed, reason = walk_schema(schema, steps, ctx)
                    if failed is None:
                        continue
                    yield Violation(
                        args={"what": what, "expression": text, "field": failed,
                              "operation_id": op.op.get("operationId"),
                              "reason": "declare" if reason == "missing" else "declare as an array"},
                        pointer=node.pointer + where, file="properties")


@register
class PollingTriggerDataNotArray(Rule):
    """A pollingtrigger `triggerDataPath` that points at something other than an array in the response.

    What it does: flags a pollingtrigger `triggerDataPath` that resolves, in the target
    operation's success response schema, to something declared but not an array.

    Why it matters: the gateway treats the value at triggerDataPath as the collection of new
    items (a batch trigger fires once per item); an object or scalar there is not a collection.

    Fix: point triggerDataPath at the array of items (`@triggerBody().value`).
    """

    category = "Policies"
    origin = "pbxconn"
    severity = Severity.WARNING
    message = "triggerDataPath {expression!r} of operation {operation_id!r} is declared as {type!r}, not an array"
    subject = "policy"

    def check(self, node: PolicyNode, ctx: "Package") -> Iterator[Violation]:
        """Yield a violation when the data path's schema has a non-array type."""
        data_path = (polling_parameters(node) or {}).get(TRIGGER_DATA_PATH)
        if not isinstance(data_path, str):
            return
        for op in _targets(node, ctx):
            schema = success_schema(op, ctx)
            if not isinstance(schema, dict):
                continue
            for text, steps in trigger_body_paths(data_path):
                end, failed, _ = walk_schema(schema, steps, ctx)
                if failed is not None or not isinstance(end, dict):
                    continue
                type_ = end.get("type")
                if isinstance(type_, str) and type_ != "array":
                    yield Violation(args={"expression": text, "operation_id": op.op.get("operationId"),
                                          "type": type_},
                                    pointer=node.pointer + ("parameters", TRIGGER_DATA_PATH), file="properties")


@register
class PollingTriggerConfigWithoutCursor(Rule):
    """A pollingtrigger `triggerConfig` value that is a constant, not read from the previous response.

    What it does: flags a pollingtrigger `triggerConfig` value that holds no expression
    (a constant such as `"1"`), so nothing of the previous response reaches the next poll.

    Why it matters: without a cursor read from the last items, each poll asks for the same data;
    the trigger either fires repeatedly on the same items or depends on undocumented backend state.

    Fix: read the cursor from the newest item, e.g. `@{triggerBody().value[0].id}`.
    """

    category = "Policies"
    origin = "pbxconn"
    severity = Severity.WARNING
    message = "triggerConfig {key!r} is the constant {value!r}; no cursor is carried from one poll to the next"
    subject = "policy"

    def check(self, node: PolicyNode, ctx: "Package") -> Iterator[Violation]:
        """Yield a violation when no triggerConfig value contains an expression."""
        config = (polling_parameters(node) or {}).get(TRIGGER_CONFIG)
        if not isinstance(config, dict) or not config:
            return
        if any(isinstance(v, str) and "@" in v for k, v in config.items() if k != NEXT_LINK_KEY):
            return
        for key, value in config.items():
            if key != NEXT_LINK_KEY:
                yield Violation(args={"key": key, "value": value},
                                pointer=node.pointer + ("parameters", TRIGGER_CONFIG, key), file="properties")


@register
class PollingTriggerNotBatchGet(Rule):
    """An operation a pollingtrigger policy names is not a `GET` with `x-ms-trigger: batch`.

    What it does: flags an operation named by a pollingtrigger policy that is not a `GET`
    with `x-ms-trigger: batch`.

    Why it matters: the polling template drives a query-style trigger: it re-issues the request
    with the cursor in the query string and splits the returned collection into items. An
    operation that is not a trigger never shows up as one; a non-GET poll repeats a side effect.

    Fix: make the operation `GET` with `"x-ms-trigger": "batch"` (and
    `"x-ms-trigger-metadata": {"kind": "query", "mode": "polling"}`).
    """

    category = "Policies"
    origin = "pbxconn"
    severity = Severity.ERROR
    message = "operation {operation_id!r} is used by a pollingtrigger policy but is {actual}, not GET with x-ms-trigger batch"
    subject = "operation"

    def check(self, node: OperationNode, ctx: "Package") -> Iterator[Violation]:
        """Yield a violation when a polled operation is not a batch GET trigger."""
        op_id = node.op.get("operationId") if isinstance(node.op, dict) else None
        if not isinstance(op_id, str) or op_id not in polling_operations(ctx):
            return
        trigger = node.op.get("x-ms-trigger")
        if node.method == "get" and trigger == "batch":
            return
        method = node.method.upper()
        actual = f"{method} with x-ms-trigger {trigger!r}" if trigger else f"{method} without x-ms-trigger"
        yield Violation(args={"operation_id": op_id, "actual": actual}, pointer=node.pointer)


@register
class PollingTriggerMetadataMissing(Rule):
    """An operation a pollingtrigger policy names has no polling `x-ms-trigger-metadata`.

    What it does: flags an operation named by a pollingtrigger policy that has no
    `x-ms-trigger-metadata: {"kind": "query", "mode": "polling"}`.

    Why it matters: Microsoft's polling-trigger walkthrough and the deployed template-based
    triggers pair the policy with this metadata; it tells the designer the trigger polls.

    Fix: add `"x-ms-trigger-metadata": {"kind": "query", "mode": "polling"}` to the operation.
    """

    category = "Policies"
    origin = "pbxconn"
    severity = Severity.WARNING
    message = "polling trigger {operation_id!r} has no x-ms-trigger-metadata {{kind: query, mode: polling}}"
    subject = "operation"

    def check(self, node: OperationNode, ctx: "Package") -> Iterator[Violation]:
        """Yield a violation when a polled operation lacks the polling metadata."""
        op_id = node.op.get("operationId") if isinstance(node.op, dict) else None
        if not isinstance(op_id, str) or op_id not in polling_operations(ctx):
            return
        meta = node.op.get("x-ms-trigger-metadata")
        if isinstance(meta, dict) and meta.get("kind") == "query" and meta.get("mode") == "polling":
            return
        yield Violation(args={"operation_id": op_id}, pointer=node.pointer)
