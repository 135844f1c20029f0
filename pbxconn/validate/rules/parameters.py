"""Microsoft's Swagger Validator rules, table "Parameters"."""

from __future__ import annotations

import re
from typing import Any, Iterator

from pbxconn.core.findings import Severity
from pbxconn.validate.rule import Violation, not_implemented, register
from pbxconn.validate.rules.operations import (
    MicrosoftRule, as_dict, call_parameters, caller_parameter, doc, dynamic_targets, op_label, ops_by_id,
)

E, W = Severity.ERROR, Severity.WARNING
_NAME_REF = re.compile(r"^#/(parameters|responses|definitions)/([^/]+)$")


class _ParamRule(MicrosoftRule):
    category = "Parameters"
    subject = "parameter"


@register
class FileParameterMustBeInFormData(_ParamRule):
    """What it does: flags a `type: file` parameter that is not `in: formData`.
    Why it matters: Swagger only allows file uploads as form data.
    Fix: move it to formData (and consume multipart/form-data), or send binary as a body schema with format binary."""

    severity = E
    message = "file parameter {name!r} must be in formData, not {location}"

    def check(self, node, ctx):
        param = node.param
        if isinstance(param, dict) and param.get("type") == "file" and param.get("in") != "formData":
            yield Violation({"name": param.get("name"), "location": param.get("in")}, node.pointer + ("in",))


@register
class ParameterListContainsFormDataAndBody(MicrosoftRule):
    """What it does: flags an operation with both body and formData parameters.
    Why it matters: a request has one body, either JSON/binary or a form.
    Fix: keep one kind."""

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
    from pbxconn.validate.rules.properties import parameter_list_refs
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
    """What it does: flags a parameter `$ref` to `#/parameters/<name>` whose target does not exist.
    Why it matters: the parameter is missing from the operation; calls may fail.
    Fix: define the parameter under the root `parameters` or correct the name."""

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
    """What it does: flags a parameter `$ref` that is not of the form `#/parameters/<name>`.
    Why it matters: the platform resolves parameter references only there.
    Fix: move the definition under the root `parameters` and reference it as `#/parameters/<name>`."""

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
    """What it does: flags a root `parameters` definition that is itself a `$ref`.
    Why it matters: chains of parameter references are not followed and can loop.
    Fix: write the parameter definition inline."""

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
    """What it does: flags a root `responses` definition that is itself a `$ref`.
    Why it matters: chains of response references are not followed and can loop.
    Fix: write the response definition inline."""

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
    """What it does: flags a trigger with x-ms-notification and the webhook operation it names having same-named parameters of different type or visibility (the code's spelling is Microsoft's).
    Why it matters: the platform passes the trigger's values to the subscription call by name.
    Fix: give both parameters the same type and x-ms-visibility."""

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
    """What it does: flags an `in: path` parameter without `x-ms-url-encoding`.
    Why it matters: without it the platform may double-encode values with special characters.
    Fix: add `"x-ms-url-encoding": "single"`."""

    severity = W
    message = "path parameter {name!r} has no x-ms-url-encoding (use 'single')"

    def check(self, node, ctx):
        param = node.param
        if isinstance(param, dict) and param.get("in") == "path" and "x-ms-url-encoding" not in param:
            yield Violation({"name": param.get("name")}, node.pointer)


@register
class QueryParameterEncodingNotSupported(_ParamRule):
    """What it does: flags `x-ms-url-encoding` on a query parameter.
    Why it matters: query values are always single-encoded; the setting is ignored.
    Fix: remove it."""

    severity = W
    message = "query parameter {name!r} must not set x-ms-url-encoding"

    needs = ("x-ms-url-encoding",)

    def check(self, node, ctx):
        param = node.param
        if isinstance(param, dict) and param.get("in") == "query" and "x-ms-url-encoding" in param:
            yield Violation({"name": param.get("name")}, node.pointer + ("x-ms-url-encoding",))


@register
class SourcePropertyInternal(MicrosoftRule):
    """What it does: flags a dynamic call that takes an argument from an internal parameter.
    Why it matters: the user never sees or fills an internal parameter, so the lookup gets no value.
    Fix: pass a static value or make the source parameter visible."""

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


not_implemented(
    "ReservedParameterIsUsed", "Parameters", W,
    "A reserved parameter name is used where it is not allowed.",
    "Microsoft does not publish the reserved names (apart from connectionId, checked by "
    "ConnectionIdParameterNotAllowed) or the places they are allowed.")
