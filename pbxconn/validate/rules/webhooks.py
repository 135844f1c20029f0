"""Microsoft's Swagger Validator rules, table "Webhooks" (x-ms-notification-url placement and shape)."""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from pbxconn.core.findings import Severity
from pbxconn.validate.rule import Violation, register
from pbxconn.validate.rules.operations import (
    MicrosoftRule, as_dict, as_list, memo, op_label, operations, resolve, has_key, walk_schema,
)

W = Severity.WARNING
MARK = "x-ms-notification-url"


def marks(ctx: Any) -> list[tuple[str, Any, Mapping, tuple, tuple, Mapping | None]]:
    """Every x-ms-notification-url mark reachable from an operation:
    (kind, operation, marked object, pointer, chain of (parent, name), body parameter or None).
    kind is 'body' (request body property), 'parameter' (non-body parameter) or 'output'
    (response or notification schema)."""
    def build() -> list:
        out: list = []
        if not has_key(ctx, MARK):
            return out
        seen: set = set()
        for op in operations(ctx):
            for p in op.parameters:
                param = as_dict(p.param)
                if param.get("in") == "body":
                    for sub, ptr, chain in walk_schema(ctx, param.get("schema"), p.pointer + ("schema",)):
                        if MARK in sub:
                            out.append(("body", op, sub, ptr, chain, param))
                elif MARK in param:
                    out.append(("parameter", op, param, p.pointer, (), None))
            outputs = [(r, op.pointer + ("responses", code)) for code, r in as_dict(as_dict(op.op).get("responses")).items()]
            content = as_dict(op.path_item).get("x-ms-notification-content")
            if isinstance(content, dict):
                outputs.append((content, op.pointer[:-1] + ("x-ms-notification-content",)))
            for raw, at in outputs:
                resp, path = resolve(ctx, raw)
                schema = as_dict(resp).get("schema")
                for sub, ptr, _ in walk_schema(ctx, schema, (path or at) + ("schema",)):
                    if MARK in sub and ptr not in seen:
                        seen.add(ptr)
                        out.append(("output", op, sub, ptr, (), None))
        return out
    return memo(ctx, "notification_marks", build)


def _body_marks(ctx: Any) -> Iterator[tuple[Any, Mapping, tuple, tuple, Mapping | None]]:
    for kind, op, obj, ptr, chain, body in marks(ctx):
        if kind != "output" and obj.get(MARK) is True:
            yield op, obj, ptr, chain, body


class _HookRule(MicrosoftRule):
    category = "Webhooks"
    subject = "package"


@register
class NotificationUrlNotAllowedInThisPosition(_HookRule):
    """What it does: flags x-ms-notification-url outside the request body (on a query/header/path parameter or in a response or notification schema).
    Why it matters: the platform writes the callback URL only into the request body.
    Fix: mark a property of the body parameter's schema instead."""

    severity = W
    message = "{operation}: x-ms-notification-url is only allowed in the request body ({where})"

    def check(self, node, ctx):
        for kind, op, obj, ptr, _, _ in marks(ctx):
            if kind == "output" or (kind == "parameter" and obj.get("in") != "body"):
                where = "response/notification schema" if kind == "output" else f"{obj.get('in')} parameter"
                yield Violation({"operation": op_label(op), "where": where}, ptr + (MARK,))


@register
class NotificationUrlNotInternal(_HookRule):
    """What it does: flags a notification-URL property when neither it nor a parent (nor the body parameter) is `x-ms-visibility: internal`.
    Why it matters: users would be asked to type the callback URL the platform fills in.
    Fix: add `"x-ms-visibility": "internal"`."""

    severity = W
    message = "{operation}: notification URL property {name!r} is not internal"

    def check(self, node, ctx):
        for op, obj, ptr, chain, body in _body_marks(ctx):
            holders = [obj] + [parent for parent, _ in chain] + ([body] if body else [])
            if not any(as_dict(h).get("x-ms-visibility") == "internal" for h in holders):
                yield Violation({"operation": op_label(op), "name": chain[-1][1] if chain else obj.get("name")}, ptr)


@register
class NotificationUrlNotRequired(_HookRule):
    """What it does: flags a notification-URL property that is not required at every level from the body down.
    Why it matters: an optional field may be left out, and the service never learns where to call back.
    Fix: list the property (and each parent) in `required`, and make the body parameter required."""

    severity = W
    message = "{operation}: notification URL property {name!r} is not required at every level"

    def check(self, node, ctx):
        for op, obj, ptr, chain, body in _body_marks(ctx):
            ok = body is None or body.get("required") is True
            if obj.get("in") and obj.get("in") != "body":
                ok = obj.get("required") is True
            for parent, name in chain:
                if name is not None and name not in as_list(parent.get("required")):
                    ok = False
            if not ok:
                yield Violation({"operation": op_label(op), "name": chain[-1][1] if chain else obj.get("name")}, ptr)


@register
class NotificationUrlNotString(_HookRule):
    """What it does: flags a notification-URL property whose type is not string.
    Why it matters: the platform fills in a URL string.
    Fix: set `"type": "string"`."""

    severity = W
    message = "{operation}: notification URL property {name!r} must be type string"

    def check(self, node, ctx):
        for op, obj, ptr, chain, _ in _body_marks(ctx):
            if obj.get("type") != "string":
                yield Violation({"operation": op_label(op), "name": chain[-1][1] if chain else obj.get("name")}, ptr)
