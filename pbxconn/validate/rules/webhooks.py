"""Webhook triggers: x-ms-notification-url placement and shape (Microsoft's table "Webhooks"),
x-ms-notification and x-ms-notification-content (Microsoft's table "Operations"), and pbxconn's own
webhook checks (notification content and URL fields, unregistering by DELETE and Location)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterator, Mapping

from pbxconn.core.findings import Severity
from pbxconn.core.swagger import HTTP_METHODS
from pbxconn.validate.index import Index
from pbxconn.validate.rule import OperationNode, Rule, Violation, register
from pbxconn.validate.rules._helpers import (
    MicrosoftRule, _OpRule, as_dict, as_list, has_key, has_notification_url, is_trigger, is_webhook, op_label,
    operations, ops_by_id, resolve, walk_schema,
)

if TYPE_CHECKING:  # pragma: no cover
    from pbxconn.validate.package import Package

W = Severity.WARNING
MARK = "x-ms-notification-url"


def marks(ctx: Any) -> list[tuple[str, Any, Mapping, tuple, tuple, Mapping | None]]:
    """Every x-ms-notification-url mark reachable from an operation:
    (kind, operation, marked object, pointer, chain of (parent, name), body parameter or None).
    kind is 'body' (request body property), 'parameter' (non-body parameter) or 'output'
    (response or notification schema)."""
    return ctx.index.notification_marks


@Index.fact("notification_marks")
def build_notification_marks(ctx: Any) -> list[tuple[str, Any, Mapping, tuple, tuple, Mapping | None]]:
    """The marks of `marks`, found once per package for `Index.notification_marks`."""
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


def _body_marks(ctx: Any) -> Iterator[tuple[Any, Mapping, tuple, tuple, Mapping | None]]:
    for kind, op, obj, ptr, chain, body in marks(ctx):
        if kind != "output" and obj.get(MARK) is True:
            yield op, obj, ptr, chain, body


@Index.fact("notification_url_operations")
def build_notification_url_operations(ctx: Any) -> frozenset[tuple]:
    """Pointers of the operations with an input marked `x-ms-notification-url: true`: a parameter,
    a body property, or the body parameter itself (for `has_notification_url`)."""
    found = {op.pointer for op, *_ in _body_marks(ctx)}
    if has_key(ctx, MARK):
        found.update(op.pointer for op in operations(ctx) for p in op.parameters
                     if as_dict(p.param).get("in") == "body" and as_dict(p.param).get(MARK) is True)
    return frozenset(found)


class _HookRule(MicrosoftRule):
    category = "Webhooks"
    subject = "package"


@register
class NotificationUrlNotAllowedInThisPosition(_HookRule):
    """x-ms-notification-url outside the request body.

    What it does: flags x-ms-notification-url outside the request body (on a query/header/path parameter or in
    a response or notification schema).

    Why it matters: the platform writes the callback URL only into the request body.

    Fix: mark a property of the body parameter's schema instead.
    """

    severity = W
    message = "{operation}: x-ms-notification-url is only allowed in the request body, not in a {kind}"

    def check(self, node, ctx):
        for kind, op, obj, ptr, _, _ in marks(ctx):
            if kind == "output" or (kind == "parameter" and obj.get("in") != "body"):
                label = "response/notification schema" if kind == "output" else f"{obj.get('in')} parameter"
                yield Violation({"operation": op_label(op), "kind": label}, ptr + (MARK,))


@register
class NotificationUrlNotInternal(_HookRule):
    """A notification URL property that is not internal.

    What it does: flags a notification-URL property when neither it nor a parent (nor the body parameter) is
    `x-ms-visibility: internal`.

    Why it matters: users would be asked to type the callback URL the platform fills in.

    Fix: add `"x-ms-visibility": "internal"`.
    """

    severity = W
    message = "{operation}: notification URL property {name!r} is not internal"

    def check(self, node, ctx):
        for op, obj, ptr, chain, body in _body_marks(ctx):
            holders = [obj] + [parent for parent, _ in chain] + ([body] if body else [])
            if not any(as_dict(h).get("x-ms-visibility") == "internal" for h in holders):
                yield Violation({"operation": op_label(op), "name": chain[-1][1] if chain else obj.get("name")}, ptr)


@register
class NotificationUrlNotRequired(_HookRule):
    """A notification URL property that is not required at every level.

    What it does: flags a notification-URL property that is not required at every level from the body down.

    Why it matters: an optional field may be left out, and the service never learns where to call back.

    Fix: list the property (and each parent) in `required`, and make the body parameter required.
    """

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
    """A notification URL property whose type is not string.

    What it does: flags a notification-URL property whose type is not string.

    Why it matters: the platform fills in a URL string.

    Fix: set `"type": "string"`.
    """

    severity = W
    message = "{operation}: notification URL property {name!r} must be type string"

    def check(self, node, ctx):
        for op, obj, ptr, chain, _ in _body_marks(ctx):
            if obj.get("type") != "string":
                yield Violation({"operation": op_label(op), "name": chain[-1][1] if chain else obj.get("name")}, ptr)


@register
class NotificationExtensionNotSupportedInWebhookOperation(_OpRule):
    """`x-ms-notification` on a webhook registration operation.

    What it does: flags `x-ms-notification` on a webhook (registration) operation.

    Why it matters: x-ms-notification links a trigger to a webhook; on the webhook itself it is meaningless.

    Fix: remove it from the webhook operation.
    """

    severity = W
    message = "webhook operation {operation} must not carry x-ms-notification"

    needs = ("x-ms-notification",)

    def check(self, node, ctx):
        if "x-ms-notification" in as_dict(node.op) and is_webhook(ctx, node):
            yield Violation({"operation": op_label(node)}, node.pointer + ("x-ms-notification",))


@register
class NotificationExtensionSupportedForTriggerOnly(_OpRule):
    """`x-ms-notification` on an operation that is not a trigger.

    What it does: flags `x-ms-notification` on an operation without `x-ms-trigger`.

    Why it matters: only triggers can be fed by a webhook notification.

    Fix: remove x-ms-notification or make the operation a trigger.
    """

    severity = W
    message = "operation {operation} uses x-ms-notification but is not a trigger"

    needs = ("x-ms-notification",)

    def check(self, node, ctx):
        if "x-ms-notification" in as_dict(node.op) and not is_trigger(node):
            yield Violation({"operation": op_label(node)}, node.pointer + ("x-ms-notification",))


@register
class NotificationOperationMustBeWebhook(_OpRule):
    """`x-ms-notification` names an operation that is not a webhook trigger.

    What it does: flags `x-ms-notification.operationId` naming an operation that is not a webhook trigger.

    Why it matters: the platform registers the callback through that operation.

    Fix: name the webhook registration operation.
    """

    severity = W
    message = "x-ms-notification of {operation} names {target!r}, which is not a webhook operation"

    needs = ("x-ms-notification",)

    def check(self, node, ctx):
        note = as_dict(as_dict(node.op).get("x-ms-notification"))
        oid = note.get("operationId")
        if isinstance(oid, str):
            target = ops_by_id(ctx).get(oid)
            if target is not None and not is_webhook(ctx, target):
                yield Violation({"operation": op_label(node), "target": oid},
                                node.pointer + ("x-ms-notification", "operationId"))


@register
class OperationMustHaveNotificationContentExtension(_OpRule):
    """An operation with an x-ms-notification-url input whose path has no x-ms-notification-content.

    What it does: flags an operation with an x-ms-notification-url input whose path item has no
    x-ms-notification-content.

    Why it matters: without it the designer shows no outputs for the webhook trigger.

    Fix: add `x-ms-notification-content` with the callback payload schema to the path item.
    """

    severity = W
    message = "webhook operation {operation} has no x-ms-notification-content on its path"

    def check(self, node, ctx):
        if has_notification_url(ctx, node) and "x-ms-notification-content" not in as_dict(node.path_item):
            yield Violation({"operation": op_label(node)}, node.pointer)


@register
class WebhookOperationsMissingNotificationUrlProperty(_OpRule):
    """A webhook trigger without an x-ms-notification-url input.

    What it does: flags a webhook trigger (x-ms-trigger with x-ms-notification-content) with no input marked
    x-ms-notification-url.

    Why it matters: the platform cannot hand the callback URL to the service (unless custom code or a policy
    does).

    Fix: mark the callback URL body property with `x-ms-notification-url: true`, internal and required.
    """

    severity = W
    message = "webhook trigger {operation} has no x-ms-notification-url input"

    def check(self, node, ctx):
        if (is_trigger(node) and "x-ms-notification-content" in as_dict(node.path_item)
                and not has_notification_url(ctx, node)):
            yield Violation({"operation": op_label(node)}, node.pointer)


def _is_trigger(op: Mapping[str, Any]) -> bool:
    return isinstance(op, dict) and op.get("x-ms-trigger") in ("single", "batch")


def _has_notification_url(node: Any, ctx: "Package", depth: int = 0) -> int:
    """How many `x-ms-notification-url: true` marks a parameter or schema tree holds."""
    if depth > 32:
        return 0
    node = ctx.resolve(node)[0]
    if not isinstance(node, dict):
        return 0
    count = 1 if node.get("x-ms-notification-url") is True else 0
    if "schema" in node:
        count += _has_notification_url(node["schema"], ctx, depth + 1)
    props = node.get("properties")
    if isinstance(props, dict):
        count += sum(_has_notification_url(v, ctx, depth + 1) for v in props.values())
    return count


def notification_url_count(op: OperationNode, ctx: "Package") -> int:
    """Number of parameters / body properties of an operation marked `x-ms-notification-url`."""
    return sum(_has_notification_url(p.param, ctx) for p in op.parameters)


def is_single_webhook(op: OperationNode, ctx: "Package") -> bool:
    """A webhook trigger: `x-ms-trigger: single` plus a notification URL or notification content."""
    if not isinstance(op.op, dict) or op.op.get("x-ms-trigger") != "single":
        return False
    return ("x-ms-notification-content" in op.path_item or "x-ms-notification-content" in op.op
            or notification_url_count(op, ctx) > 0)


@register
class NotificationContentWithoutWebhook(Rule):
    """`x-ms-notification-content` on a path item that has no trigger operation.

    What it does: reports a path item that declares a notification payload but no operation
    with `x-ms-trigger`, such as a left-over `/webhooks` entry.

    Why it matters: notification content describes what a webhook trigger receives; on a path
    without a trigger it describes nothing, and an operation-less path item is dead weight that
    tools and reviewers must puzzle over.

    Fix: delete the path item, or move the content next to the webhook registration operation.
    """

    category = "Webhooks"
    origin = "pbxconn"
    severity = Severity.WARNING
    message = "path {path!r} declares x-ms-notification-content but has no trigger operation"
    subject = "package"

    def check(self, node: "Package", ctx: "Package") -> Iterator[Violation]:
        """Yield one violation per path item with orphan notification content."""
        paths = ctx.swagger.get("paths") if isinstance(ctx.swagger, dict) else None
        if not isinstance(paths, dict):
            return
        for path, item in paths.items():
            if not isinstance(item, dict) or "x-ms-notification-content" not in item:
                continue
            if any(_is_trigger(item.get(m)) for m in HTTP_METHODS):
                continue
            yield Violation(args={"path": path}, pointer=("paths", path, "x-ms-notification-content"))


@register
class NotificationUrlDuplicated(Rule):
    """A webhook registration with more than one `x-ms-notification-url` field.

    What it does: counts the parameters and body properties of an operation marked
    `x-ms-notification-url: true` and reports operations with more than one.

    Why it matters: the platform writes the callback URL into one field; which one is filled
    when several are marked is undefined.

    Fix: keep the mark on the one field the service reads the callback URL from.
    """

    category = "Webhooks"
    origin = "pbxconn"
    severity = Severity.WARNING
    message = "operation {operation_id!r} marks {count} fields with x-ms-notification-url; expected one"
    subject = "operation"

    def check(self, node: OperationNode, ctx: "Package") -> Iterator[Violation]:
        """Yield a violation when an operation has several notification URL fields."""
        count = notification_url_count(node, ctx)
        if count > 1:
            yield Violation(args={"operation_id": node.op.get("operationId"), "count": count}, pointer=node.pointer)


@register
class NotificationUrlOnNonTrigger(Rule):
    """`x-ms-notification-url` in an operation that is not a trigger.

    What it does: reports operations without `x-ms-trigger` that mark a field with
    `x-ms-notification-url`.

    Why it matters: the platform fills the callback URL only when it registers a trigger; in an
    action the field stays empty (and, being internal and required, cannot be filled by users).

    Fix: add `"x-ms-trigger": "single"` if the operation registers a webhook, or drop the mark.
    """

    category = "Webhooks"
    origin = "pbxconn"
    severity = Severity.WARNING
    message = "operation {operation_id!r} has an x-ms-notification-url field but is not a trigger"
    subject = "operation"

    def check(self, node: OperationNode, ctx: "Package") -> Iterator[Violation]:
        """Yield a violation when a non-trigger operation has a notification URL field."""
        if isinstance(node.op, dict) and "x-ms-trigger" not in node.op and notification_url_count(node, ctx):
            yield Violation(args={"operation_id": node.op.get("operationId")}, pointer=node.pointer)


@register
class WebhookDeleteOperationMissing(Rule):
    """Webhook triggers without any DELETE operation to unregister them.

    What it does: reports a swagger that has webhook trigger operations (`x-ms-trigger: single`
    with a notification URL or notification content) but no `delete` operation at all.

    Why it matters: the platform unregisters a webhook by sending `DELETE` to the Location the
    registration returned, through the connector. Microsoft's webhook guide requires the swagger
    to define that deletion; without it every saved, changed or deleted flow leaves a live
    subscription behind on the service.
    A warning, not an error: the trigger still fires, and Microsoft accepted two sample
    connectors without a delete operation.

    Fix: add the unsubscribe operation, e.g. `DELETE /webhooks/{id}` with
    `"x-ms-visibility": "internal"`.
    """

    category = "Webhooks"
    origin = "pbxconn"
    severity = Severity.WARNING
    message = "webhook trigger {operation_id!r} has no DELETE operation in the swagger to unregister it"
    subject = "package"

    def check(self, node: "Package", ctx: "Package") -> Iterator[Violation]:
        """Yield one violation (at the first webhook) when no DELETE operation exists."""
        ops = ctx.operations or []
        if any(op.method == "delete" for op in ops):
            return
        for op in ops:
            if is_single_webhook(op, ctx):
                yield Violation(args={"operation_id": op.op.get("operationId")}, pointer=op.pointer)
                return


@register
class WebhookRegistrationLocationMissing(Rule):
    """A webhook registration whose responses declare no `Location` header.

    What it does: reports webhook trigger operations none of whose 2xx responses declares a
    `Location` header (Microsoft's guide: the registration answers 201 with a Location).

    Why it matters: the platform keeps the Location of the registration response and sends
    `DELETE` to it to unregister; a registration without one cannot be removed by the platform.
    The backend or custom code may still send the header, so this is a warning.

    Fix: declare `"201": {"headers": {"Location": {"type": "string"}}}` on the operation and
    make sure the service (or script.csx) returns it.
    """

    category = "Webhooks"
    origin = "pbxconn"
    severity = Severity.WARNING
    message = "webhook registration {operation_id!r} declares no Location header on a success response"
    subject = "operation"

    def check(self, node: OperationNode, ctx: "Package") -> Iterator[Violation]:
        """Yield a violation when no success response of a webhook declares Location."""
        if not is_single_webhook(node, ctx):
            return
        responses = node.op.get("responses")
        if not isinstance(responses, dict):
            return
        for status, raw in responses.items():
            if not str(status).startswith("2"):
                continue
            response = ctx.resolve(raw)[0]
            headers = response.get("headers") if isinstance(response, dict) else None
            if isinstance(headers, dict) and any(str(h).lower() == "location" for h in headers):
                return
        yield Violation(args={"operation_id": node.op.get("operationId")}, pointer=node.pointer + ("responses",)
                        if "responses" in node.op else node.pointer)
