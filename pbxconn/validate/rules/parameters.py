"""Microsoft's Swagger Validator rules, table "Parameters", the parameter rules of table "Operations"
(parameter lists of operations, reserved and non-ASCII names), and pbxconn's checks of internal
required parameters and body properties without a default."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Iterator

from pbxconn.core.findings import Severity
from pbxconn.validate.rule import ParameterNode, Rule, SchemaNode, Violation, not_implemented, register
from pbxconn.validate.rules._helpers import (
    MicrosoftRule, _OpRule, _list_duplicates, as_dict, as_list, call_parameters, caller_parameter, doc,
    dynamic_targets, op_label, ops_by_id, resolve,
)

if TYPE_CHECKING:  # pragma: no cover
    from pbxconn.validate.package import Package

E, W = Severity.ERROR, Severity.WARNING
_NAME_REF = re.compile(r"^#/(parameters|responses|definitions)/([^/]+)$")


class _ParamRule(MicrosoftRule):
    category = "Parameters"
    subject = "parameter"


@register
class FileParameterMustBeInFormData(_ParamRule):
    """A `type: file` parameter that is not `in: formData`.

    What it does: flags a `type: file` parameter that is not `in: formData`.

    Why it matters: Swagger only allows file uploads as form data.

    Fix: move it to formData (and consume multipart/form-data), or send binary as a body schema with format
    binary.
    """

    severity = E
    message = "file parameter {name!r} must be in formData, not {location}"

    def check(self, node, ctx):
        param = node.param
        if isinstance(param, dict) and param.get("type") == "file" and param.get("in") != "formData":
            yield Violation({"name": param.get("name"), "location": param.get("in")}, node.pointer + ("in",))


@register
class ParameterListContainsFormDataAndBody(MicrosoftRule):
    """An operation with both body and formData parameters.

    What it does: flags an operation with both body and formData parameters.

    Why it matters: a request has one body, either JSON/binary or a form.

    Fix: keep one kind.
    """

    category = "Parameters"
    subject = "operation"
    severity = E
    message = "operation {operation} mixes body and formData parameters"

    def check(self, node, ctx):
        kinds = {as_dict(p.param).get("in") for p in node.parameters}
        if "body" in kinds and "formData" in kinds:
            yield Violation({"operation": op_label(node)}, node.pointer + ("parameters",))


def parameter_refs(ctx: Any) -> Iterator[tuple[Any, tuple]]:
    """Every `$ref` written in a parameters list: (ref value, pointer of the $ref)."""
    from pbxconn.validate.rules.refs import parameter_list_refs
    return parameter_list_refs(ctx)


def ref_kind(ref: Any, section: str) -> str:
    """'ok', 'invalid' (not '#/<section>/<name>') for a `$ref` expected in `section`."""
    if not isinstance(ref, str):
        return "invalid"
    m = _NAME_REF.match(ref)
    if not m or m.group(1) != section or re.search(r"~(?![01])", m.group(2)):
        return "invalid"
    return "ok"


def ref_target_exists(ctx: Any, ref: str) -> bool:
    """Whether a '#/<section>/<name>' reference has a target in the swagger."""
    section, name = ref[2:].split("/", 1)
    name = name.replace("~1", "/").replace("~0", "~")
    return name in as_dict(doc(ctx).get(section))


@register
class ParameterReferenceNotFound(MicrosoftRule):
    """A parameter `$ref` whose target does not exist.

    What it does: flags a parameter `$ref` to `#/parameters/<name>` whose target does not exist.

    Why it matters: the parameter is missing from the operation; calls may fail.

    Fix: define the parameter under the root `parameters` or correct the name.
    """

    category = "Parameters"
    subject = "package"
    severity = E
    message = "parameter reference {ref!r} has no target"

    def check(self, node, ctx):
        for ref, ptr in parameter_refs(ctx):
            if ref_kind(ref, "parameters") == "ok" and not ref_target_exists(ctx, ref):
                yield Violation({"ref": ref}, ptr)


@register
class ParameterReferenceNotValid(MicrosoftRule):
    """A parameter `$ref` not of the form `#/parameters/<name>`.

    What it does: flags a parameter `$ref` that is not of the form `#/parameters/<name>`.

    Why it matters: the platform resolves parameter references only there.

    Fix: move the definition under the root `parameters` and reference it as `#/parameters/<name>`.
    """

    category = "Parameters"
    subject = "package"
    severity = E
    message = "parameter reference {ref!r} must have the form '#/parameters/<name>'"

    def check(self, node, ctx):
        for ref, ptr in parameter_refs(ctx):
            if ref_kind(ref, "parameters") != "ok":
                yield Violation({"ref": ref}, ptr)


@register
class ParameterRefLoopNotAllowed(MicrosoftRule):
    """A root `parameters` definition that is itself a `$ref`.

    What it does: flags a root `parameters` definition that is itself a `$ref`.

    Why it matters: chains of parameter references are not followed and can loop.

    Fix: write the parameter definition inline.
    """

    category = "Parameters"
    subject = "package"
    severity = E
    message = "parameter definition {name!r} is a $ref to another definition"

    def check(self, node, ctx):
        for name, value in as_dict(doc(ctx).get("parameters")).items():
            if isinstance(value, dict) and "$ref" in value:
                yield Violation({"name": name}, ("parameters", name, "$ref"))


@register
class ResponseRefLoopNotAllowed(MicrosoftRule):
    """A root `responses` definition that is itself a `$ref`.

    What it does: flags a root `responses` definition that is itself a `$ref`.

    Why it matters: chains of response references are not followed and can loop.

    Fix: write the response definition inline.
    """

    category = "Parameters"
    subject = "package"
    severity = E
    message = "response definition {name!r} is a $ref to another definition"

    def check(self, node, ctx):
        for name, value in as_dict(doc(ctx).get("responses")).items():
            if isinstance(value, dict) and "$ref" in value:
                yield Violation({"name": name}, ("responses", name, "$ref"))


@register
class ParamtersWithSameNameMustHaveSameTypeAndVisibility(MicrosoftRule):
    """A trigger and its webhook operation have same-named parameters of different type or visibility.

    What it does: flags a trigger with x-ms-notification and the webhook operation it names having same-named
    parameters of different type or visibility (the code's spelling is Microsoft's).

    Why it matters: the platform passes the trigger's values to the subscription call by name.

    Fix: give both parameters the same type and x-ms-visibility.
    """

    category = "Parameters"
    subject = "operation"
    severity = W
    message = "parameter {name!r} differs in {what} between {operation} and {target}"

    needs = ("x-ms-notification",)

    def check(self, node, ctx):
        note = as_dict(as_dict(node.op).get("x-ms-notification"))
        oid = note.get("operationId")
        target = ops_by_id(ctx).get(oid) if isinstance(oid, str) else None
        if target is None or target is node:
            return
        theirs = {as_dict(p.param).get("name"): as_dict(p.param) for p in target.parameters}
        for p in node.parameters:
            mine = as_dict(p.param)
            other = theirs.get(mine.get("name"))
            if other is None:
                continue
            for key, what in (("type", "type"), ("x-ms-visibility", "visibility")):
                if mine.get(key) != other.get(key):
                    yield Violation({"name": mine.get("name"), "what": what, "operation": op_label(node),
                                     "target": oid}, p.used_at)
                    break


@register
class PathParameterMissingEncoding(_ParamRule):
    """A path parameter without `x-ms-url-encoding`.

    What it does: flags an `in: path` parameter without `x-ms-url-encoding`.

    Why it matters: without it the platform may double-encode values with special characters.

    Fix: add `"x-ms-url-encoding": "single"`.
    """

    severity = W
    message = "path parameter {name!r} has no x-ms-url-encoding (use 'single')"

    def check(self, node, ctx):
        param = node.param
        if isinstance(param, dict) and param.get("in") == "path" and "x-ms-url-encoding" not in param:
            yield Violation({"name": param.get("name")}, node.pointer)


@register
class QueryParameterEncodingNotSupported(_ParamRule):
    """`x-ms-url-encoding` on a query parameter.

    What it does: flags `x-ms-url-encoding` on a query parameter.

    Why it matters: query values are always single-encoded; the setting is ignored.

    Fix: remove it.
    """

    severity = W
    message = "query parameter {name!r} must not set x-ms-url-encoding"

    needs = ("x-ms-url-encoding",)

    def check(self, node, ctx):
        param = node.param
        if isinstance(param, dict) and param.get("in") == "query" and "x-ms-url-encoding" in param:
            yield Violation({"name": param.get("name")}, node.pointer + ("x-ms-url-encoding",))


@register
class SourcePropertyInternal(MicrosoftRule):
    """A dynamic call takes an argument from an internal parameter.

    What it does: flags a dynamic call that takes an argument from an internal parameter.

    Why it matters: the user never sees or fills an internal parameter, so the lookup gets no value.

    Fix: pass a static value or make the source parameter visible.
    """

    category = "Parameters"
    subject = "package"
    severity = W
    message = "argument {name!r} of the call to {operation} comes from internal parameter {source!r}"

    def check(self, node, ctx):
        for ext, value, ptr, caller, _, oid in dynamic_targets(ctx):
            for name, kind, given in call_parameters(ext, value):
                if kind != "reference" or not isinstance(given, str):
                    continue
                source = caller_parameter(caller, given.split("/")[0])
                if source is not None and source.get("x-ms-visibility") == "internal":
                    yield Violation({"name": name, "operation": oid, "source": given}, ptr + ("parameters", name))


@register
class OperationParametersAreNotUnique(_OpRule):
    """An operation lists the same parameter (or `$ref`) twice.

    What it does: flags an operation listing the very same parameter (or `$ref`) twice.

    Why it matters: the duplicate is ambiguous and Swagger forbids it.

    Fix: remove the repeated entry.
    """

    severity = E
    message = "operation {operation} lists parameter entry {index} twice"

    def check(self, node, ctx):
        items = as_list(as_dict(node.op).get("parameters"))
        for i, kind, _ in _list_duplicates(items, lambda x: resolve(ctx, x)[0]):
            if kind == "same":
                yield Violation({"operation": op_label(node), "index": i}, node.pointer + ("parameters", i))


@register
class OperationParametersContainDuplicateParameter(_OpRule):
    """Two parameters of an operation share a name and location.

    What it does: flags two operation parameters with the same name and location.

    Why it matters: the request cannot carry both values; Swagger forbids it.

    Fix: rename or remove one.
    """

    severity = E
    message = "operation {operation} has two {location} parameters named {name!r}"

    def check(self, node, ctx):
        items = as_list(as_dict(node.op).get("parameters"))
        for i, kind, key in _list_duplicates(items, lambda x: resolve(ctx, x)[0]):
            if kind == "name-in":
                yield Violation({"operation": op_label(node), "name": key[0], "location": key[1]},
                                node.pointer + ("parameters", i))


@register
class OperationParametersContainMultipleBodyParameters(_OpRule):
    """An operation with more than one body parameter.

    What it does: flags an operation with more than one `in: body` parameter.

    Why it matters: a request has one body; Swagger allows one body parameter.

    Fix: merge them into one body schema.
    """

    severity = E
    message = "operation {operation} has {count} body parameters"

    def check(self, node, ctx):
        items = [resolve(ctx, x)[0] for x in as_list(as_dict(node.op).get("parameters"))]
        count = sum(1 for p in items if as_dict(p).get("in") == "body")
        if count > 1:
            yield Violation({"operation": op_label(node), "count": count}, node.pointer + ("parameters",))


@register
class ConnectionIdParameterNotAllowed(MicrosoftRule):
    """A parameter named `connectionId`, which is reserved.

    What it does: flags a parameter named `connectionId`.

    Why it matters: the platform reserves that name for the connection it adds to every call.

    Fix: rename the parameter.
    """

    category = "Operations"
    subject = "parameter"
    severity = E
    message = "parameter name 'connectionId' is reserved"

    def check(self, node, ctx):
        if isinstance(node.param, dict) and node.param.get("name") == "connectionId":
            yield Violation({}, node.pointer + ("name",))


@register
class InvalidFormDataParameterName(MicrosoftRule):
    """A formData parameter name with characters outside US-ASCII.

    What it does: flags a formData parameter whose name has non US-ASCII characters.

    Why it matters: form field names are sent as-is; non-ASCII names break the multipart encoding.

    Fix: use an ASCII name (x-ms-summary can carry the display text).
    """

    category = "Operations"
    subject = "parameter"
    severity = W
    message = "formData parameter name {name!r} is not US-ASCII"

    def check(self, node, ctx):
        param = node.param
        name = param.get("name") if isinstance(param, dict) else None
        if param.get("in") == "formData" and isinstance(name, str) and not name.isascii():
            yield Violation({"name": name}, node.pointer + ("name",))


def _operation_exempt(param: ParameterNode | SchemaNode) -> bool:
    op = param.operation
    if op is None:
        return True
    if not isinstance(op.op, dict) or op.op.get("x-ms-visibility") == "internal":
        return True  # internal operations get their values from the caller (dynamic values)
    return op.method == "delete"  # webhook unsubscribe: called by URL, never from the designer


@register
class InternalRequiredParameterWithoutDefault(Rule):
    """A required parameter or body property hidden as internal, with no default value.

    What it does: reports parameters and request-body properties that are required and
    `x-ms-visibility: internal` but have no `default`. Exempt: fields marked
    `x-ms-notification-url` (the platform fills them), body objects, parameters of internal
    operations and of DELETE operations.

    Why it matters: nobody can supply the value: the designer hides internal fields and only a
    default would be sent. The action fails on every call, or cannot be saved.

    Fix: add a `default`, or make the field visible (`advanced`).
    """

    category = "Parameters"
    origin = "pbxconn"
    severity = Severity.ERROR
    message = "{what} {name!r} of operation {operation_id!r} is internal and required but has no default"
    subject = "parameter"

    needs = ("x-ms-visibility",)

    def check(self, node: ParameterNode, ctx: "Package") -> Iterator[Violation]:
        """Yield a violation for an internal required parameter without default."""
        param = node.param
        if not isinstance(param, dict) or param.get("x-ms-visibility") != "internal":
            return
        if param.get("required") is not True or "default" in param or param.get("in") == "body":
            return
        if param.get("x-ms-notification-url") is True or _operation_exempt(node):
            return
        yield Violation(args={"what": "parameter", "name": param.get("name"),
                              "operation_id": node.operation.op.get("operationId")}, pointer=node.pointer)


@register
class InternalRequiredPropertyWithoutDefault(Rule):
    """A required request-body property hidden as internal, with no default value.

    What it does: the body-property counterpart of InternalRequiredParameterWithoutDefault:
    a property listed in its object's `required`, marked `x-ms-visibility: internal`, without a
    `default`, in a request body (not objects, not `x-ms-notification-url` fields).

    Why it matters: the property is never sent, so a service that needs it rejects every call.

    Fix: add a `default`, or make the property visible.
    """

    category = "Parameters"
    origin = "pbxconn"
    severity = Severity.ERROR
    message = "body property {name!r} of operation {operation_id!r} is internal and required but has no default"
    subject = "schema"

    needs = ("x-ms-visibility",)

    def check(self, node: SchemaNode, ctx: "Package") -> Iterator[Violation]:
        """Yield a violation for an internal required body property without default."""
        schema = node.schema
        if node.role != "property" or node.parent is None or not isinstance(schema, dict):
            return
        if schema.get("x-ms-visibility") != "internal" or "default" in schema:
            return
        if schema.get("x-ms-notification-url") is True or schema.get("type") == "object" or "properties" in schema:
            return
        items = ctx.resolve(schema.get("items"))[0]
        if isinstance(items, dict) and "default" in items:
            return  # an array of defaulted items
        if _operation_exempt(node) or not _in_request_body(node):
            return
        required = node.parent.schema.get("required") if isinstance(node.parent.schema, dict) else None
        if not isinstance(required, list) or node.name not in required:
            return
        yield Violation(args={"name": node.name, "operation_id": node.operation.op.get("operationId")},
                        pointer=node.pointer)


def _in_request_body(node: SchemaNode) -> bool:
    cur: SchemaNode | None = node
    while cur is not None:
        if cur.role == "parameter":
            return True
        if cur.role in ("response", "notification", "definition"):
            return False
        cur = cur.parent
    return False


not_implemented(
    "ReservedParameterIsUsed", "Parameters", W,
    "A reserved parameter name is used where it is not allowed.",
    "Microsoft does not publish the reserved names (apart from connectionId, checked by "
    "ConnectionIdParameterNotAllowed) or the places they are allowed.")
