"""Microsoft's Swagger Validator rules, table "Response"."""

from __future__ import annotations

import re
from typing import Any

from pbxconn.core.findings import Severity
from pbxconn.validate.rule import Violation, not_implemented, register
from pbxconn.validate.rules._helpers import (
    MicrosoftRule, as_dict, as_list, doc, effective, is_webhook, op_label, operations, resolve,
)
from pbxconn.validate.rules.parameters import ref_kind, ref_target_exists
from pbxconn.validate.rules.refs import in_extension, ref_sites

E, W = Severity.ERROR, Severity.WARNING
_STATUS = re.compile(r"^[1-5][0-9][0-9]$")


class _RespRule(MicrosoftRule):
    category = "Response"
    subject = "package"


@register
class BodyParameterSchemaRequired(MicrosoftRule):
    """A body parameter without `schema`.

    What it does: flags an `in: body` parameter without `schema`.

    Why it matters: the designer has no fields to show and the body cannot be built.

    Fix: add a `schema` to the body parameter.
    """

    category = "Response"
    subject = "parameter"
    severity = E
    message = "body parameter {name!r} has no schema"

    def check(self, node, ctx):
        param = node.param
        if isinstance(param, dict) and param.get("in") == "body" and not isinstance(param.get("schema"), dict):
            yield Violation({"name": param.get("name")}, node.pointer)


@register
class DefaultResponseHasSchema(MicrosoftRule):
    """A `default` response with a schema.

    What it does: flags a `default` response carrying a schema.

    Why it matters: the designer may take outputs from it instead of the success response.

    Fix: put the schema on the 2xx response; keep `default` for errors without schema.
    """

    category = "Response"
    subject = "response"
    severity = W
    message = "default response of {operation} has a schema"

    needs = ("schema",)

    def check(self, node, ctx):
        if node.status == "default" and isinstance(node.response.get("schema"), dict):
            yield Violation({"operation": op_label(node.operation)}, node.pointer + ("schema",))


@register
class InvalidCustomEditorExtensionDictionaryValue(MicrosoftRule):
    """`x-ms-editor: dictionary` on a schema that is not an object with additionalProperties.

    What it does: flags `x-ms-editor: dictionary` on a schema that is not an object with additionalProperties.

    Why it matters: the dictionary editor edits free key/value pairs; it cannot work on other shapes.

    Fix: use it on `type: object` with `additionalProperties`, or remove it.
    """

    category = "Response"
    subject = "schema"
    severity = W
    message = "x-ms-editor 'dictionary' needs an object with additionalProperties"

    needs = ("x-ms-editor",)

    def check(self, node, ctx):
        schema = node.schema
        if schema.get("x-ms-editor") == "dictionary":
            extra = schema.get("additionalProperties")
            if schema.get("type") != "object" or not (extra is True or isinstance(extra, dict)):
                yield Violation({}, node.pointer + ("x-ms-editor",))


_ESCAPE = re.compile(r"~(?![01])")


@register
class JsonPointerNotValid(_RespRule):
    """A `$ref` that is not a valid local JSON pointer.

    What it does: flags a `$ref` that is not a local JSON pointer (`#/...` with valid `~0`/`~1` escapes).

    Why it matters: the platform resolves only local references; anything else is lost.

    Fix: write `#/definitions/<Name>` (or parameters/responses), escaping `/` as `~1`.
    """

    severity = E
    message = "$ref {ref!r} is not a valid local JSON pointer"

    def check(self, node, ctx):
        for ref, ptr, _ in ref_sites(ctx):
            if in_extension(ptr):
                continue
            if not isinstance(ref, str) or not ref.startswith("#/") or _ESCAPE.search(ref):
                yield Violation({"ref": ref}, ptr + ("$ref",))


@register
class NonBodyParameterSchemaNotValid(MicrosoftRule):
    """A non-body parameter that uses `schema`.

    What it does: flags a non-body parameter that uses `schema`.

    Why it matters: only body parameters take a schema; other parameters are typed with `type`.

    Fix: replace `schema` by `type` (and `items`, `format`).
    """

    category = "Response"
    subject = "parameter"
    severity = W
    message = "{location} parameter {name!r} must not use schema"

    needs = ("schema",)

    def check(self, node, ctx):
        param = node.param
        if isinstance(param, dict) and "schema" in param and param.get("in") not in ("body", None):
            yield Violation({"location": param.get("in"), "name": param.get("name")}, node.pointer + ("schema",))


def _required_edges(ctx: Any) -> dict[str, set[str]]:
    """definition -> definitions it requires directly (required property whose schema is a $ref)."""
    edges: dict[str, set[str]] = {}
    for name, schema in as_dict(doc(ctx).get("definitions")).items():
        if not isinstance(schema, dict):
            continue
        props = as_dict(schema.get("properties"))
        for prop in as_list(schema.get("required")):
            ref = as_dict(props.get(prop)).get("$ref") if isinstance(prop, str) else None
            if isinstance(ref, str) and ref.startswith("#/definitions/"):
                edges.setdefault(name, set()).add(ref[len("#/definitions/"):].replace("~1", "/").replace("~0", "~"))
    return edges


@register
class RequiredLoopInSchemaNotAllowed(_RespRule):
    """Definitions whose required properties reference each other in a cycle.

    What it does: flags definitions whose required properties reference each other in a cycle.

    Why it matters: no finite value can satisfy the schema; the designer recurses forever.

    Fix: make one property in the cycle optional.
    """

    severity = E
    message = "definition {name!r} requires itself through {path}"

    def check(self, node, ctx):
        edges = _required_edges(ctx)
        reported: set[frozenset] = set()
        for start in sorted(edges):
            stack = [(start, (start,))]
            while stack:
                current, trail = stack.pop()
                for nxt in sorted(edges.get(current, ())):
                    if nxt == start:
                        cycle = frozenset(trail)
                        if cycle not in reported:
                            reported.add(cycle)
                            yield Violation({"name": start, "path": " -> ".join(trail + (start,))},
                                            ("definitions", start, "required"))
                    elif nxt not in trail and len(trail) < 50:
                        stack.append((nxt, trail + (nxt,)))


@register
class ResponseExampleMustBeProducedByOperation(MicrosoftRule):
    """A response example whose MIME type is not in the operation's `produces`.

    What it does: flags a response example whose MIME type is not in the operation's produces.

    Why it matters: the example describes a content type the operation never returns.

    Fix: add the type to produces or fix the example key.
    """

    category = "Response"
    subject = "response"
    severity = W
    message = "example {mime!r} of {operation} is not in its produces"

    needs = ("examples",)

    def check(self, node, ctx):
        examples = node.response.get("examples")
        if not isinstance(examples, dict):
            return
        produces = {m.split(";")[0].strip().lower() for m in effective(node.operation, ctx, "produces")
                    if isinstance(m, str)}
        for mime in examples:
            if isinstance(mime, str) and mime.split(";")[0].strip().lower() not in produces:
                yield Violation({"mime": mime, "operation": op_label(node.operation)},
                                node.pointer + ("examples", mime))


@register
class ResponseHeadersAreNotUnique(MicrosoftRule):
    """A response declares two headers whose names differ only in letter case.

    What it does: flags response headers whose names differ only in letter case.

    Why it matters: HTTP header names are case-insensitive; the two are one header.

    Fix: keep one.
    """

    category = "Response"
    subject = "response"
    severity = W
    message = "response {status} of {operation} declares header {name!r} twice"

    needs = ("headers",)

    def check(self, node, ctx):
        seen: set[str] = set()
        for name in as_dict(node.response.get("headers")):
            key = str(name).lower()
            if key in seen:
                yield Violation({"status": node.status, "operation": op_label(node.operation), "name": name},
                                node.pointer + ("headers", name))
            seen.add(key)


@register
class ResponseMustBeDefaultOrHttpStatusCode(_RespRule):
    """A response key that is neither `default` nor an HTTP status code.

    What it does: flags a response key that is neither `default` nor a three-digit HTTP status code.

    Why it matters: the platform cannot match such a response to any reply.

    Fix: use a status code such as 200, or `default`.
    """

    severity = E
    message = "response key {key!r} of {operation} is not an HTTP status code or 'default'"

    def check(self, node, ctx):
        for op in operations(ctx):
            for key in as_dict(as_dict(op.op).get("responses")):
                if key != "default" and not str(key).startswith("x-") and not _STATUS.match(str(key)):
                    yield Violation({"key": key, "operation": op_label(op)}, op.pointer + ("responses", key))


def _operation_ref_sites(ctx: Any, section: str) -> list[tuple[Any, tuple]]:
    """`$ref`s written where an object of `section` (parameters/responses) is expected in operations."""
    out = []
    if section == "responses":
        for op in operations(ctx):
            for key, value in as_dict(as_dict(op.op).get("responses")).items():
                if isinstance(value, dict) and "$ref" in value:
                    out.append((value["$ref"], op.pointer + ("responses", key, "$ref")))
    return out


@register
class ResponseReferenceNotFound(_RespRule):
    """A response `$ref` whose target does not exist.

    What it does: flags a response `$ref` to `#/responses/<name>` whose target does not exist.

    Why it matters: the operation loses its response and its outputs.

    Fix: define the response under the root `responses` or correct the name.
    """

    severity = E
    message = "response reference {ref!r} has no target"

    def check(self, node, ctx):
        for ref, ptr in _operation_ref_sites(ctx, "responses"):
            if ref_kind(ref, "responses") == "ok" and not ref_target_exists(ctx, ref):
                yield Violation({"ref": ref}, ptr)


@register
class ResponseReferenceNotValid(_RespRule):
    """A response `$ref` not of the form `#/responses/<name>`.

    What it does: flags a response `$ref` that is not of the form `#/responses/<name>`.

    Why it matters: the platform resolves response references only there.

    Fix: move the response under the root `responses` and reference it as `#/responses/<name>`.
    """

    severity = E
    message = "response reference {ref!r} must have the form '#/responses/<name>'"

    def check(self, node, ctx):
        for ref, ptr in _operation_ref_sites(ctx, "responses"):
            if ref_kind(ref, "responses") != "ok":
                yield Violation({"ref": ref}, ptr)


@register
class SchemaDefinitionSetIncorrectly(MicrosoftRule):
    """A 200/201 response (or webhook notification content) without a schema.

    What it does: flags a 200/201 response without schema (for webhook triggers: x-ms-notification-content
    without schema) on operations that are not DELETE.

    Why it matters: the designer shows no outputs, so later steps cannot use the result.

    Fix: add the response schema (or the notification content schema).
    """

    category = "Response"
    subject = "operation"
    severity = W
    message = "operation {operation} has no output schema"

    def check(self, node, ctx):
        op = as_dict(node.op)
        if node.method == "delete":
            return
        if is_webhook(ctx, node):
            content = as_dict(node.path_item).get("x-ms-notification-content")
            if isinstance(content, dict) and not isinstance(content.get("schema"), dict):
                yield Violation({"operation": op_label(node)},
                                node.pointer[:-1] + ("x-ms-notification-content",))
            return
        responses = as_dict(op.get("responses"))
        ok = [code for code in ("200", "201") if code in responses]
        if not ok:
            return
        for code in ok:
            resp, _ = resolve(ctx, responses[code])
            if isinstance(as_dict(resp).get("schema"), dict):
                return
        yield Violation({"operation": op_label(node)},
                        node.pointer + ("responses", ok[0]))


def _schema_ref_sites(ctx: Any) -> list[tuple[Any, tuple]]:
    """`$ref`s in schema positions (everything except parameter lists, responses and extensions)."""
    out = []
    for ref, ptr, _ in ref_sites(ctx):
        if in_extension(ptr) or not ptr:
            continue
        if len(ptr) >= 2 and ptr[-2] == "parameters" and isinstance(ptr[-1], int):
            continue  # an entry of a parameters list
        if ptr[0] == "parameters" and len(ptr) == 2:
            continue
        if ptr[0] == "responses" and len(ptr) == 2:
            continue
        if len(ptr) >= 2 and ptr[-2] == "responses" and ptr[0] == "paths":
            continue
        if ptr[0] == "paths" and len(ptr) == 2:
            continue
        out.append((ref, ptr))
    return out


@register
class SchemaReferenceNotFound(_RespRule):
    """A schema `$ref` whose target does not exist.

    What it does: flags a schema `$ref` to `#/definitions/<name>` whose target does not exist.

    Why it matters: the schema is lost; inputs or outputs disappear from the designer.

    Fix: add the definition or correct the name.
    """

    severity = E
    message = "schema reference {ref!r} has no target"

    def check(self, node, ctx):
        for ref, ptr in _schema_ref_sites(ctx):
            if ref_kind(ref, "definitions") == "ok" and not ref_target_exists(ctx, ref):
                yield Violation({"ref": ref}, ptr + ("$ref",))


@register
class SchemaReferenceNotValid(_RespRule):
    """A schema `$ref` not of the form `#/definitions/<name>`.

    What it does: flags a schema `$ref` that is not of the form `#/definitions/<name>`.

    Why it matters: the platform resolves schema references only to definitions.

    Fix: move the schema to `definitions` and reference it as `#/definitions/<name>`.
    """

    severity = W
    message = "schema reference {ref!r} should have the form '#/definitions/<name>'"

    def check(self, node, ctx):
        for ref, ptr in _schema_ref_sites(ctx):
            if isinstance(ref, str) and ref.startswith("#/") and not _ESCAPE.search(ref) \
                    and ref_kind(ref, "definitions") != "ok":
                yield Violation({"ref": ref}, ptr + ("$ref",))


@register
class SchemaRefLoopNotAllowed(_RespRule):
    """A definition that is only a `$ref` to another definition.

    What it does: flags a definition that is only a `$ref` to another definition.

    Why it matters: alias chains are not followed and can loop.

    Fix: reference the target definition directly.
    """

    severity = E
    message = "definition {name!r} is only a $ref to another definition"

    def check(self, node, ctx):
        for name, value in as_dict(doc(ctx).get("definitions")).items():
            if isinstance(value, dict) and "$ref" in value:
                yield Violation({"name": name}, ("definitions", name, "$ref"))


@register
class SchemaTypeFileNotValid(MicrosoftRule):
    """`type: file` in a schema other than the root of a response schema.

    What it does: flags `type: file` in a schema other than the root of a response schema.

    Why it matters: Swagger allows file only for formData parameters and whole responses.

    Fix: use `type: string, format: binary`, or a formData file parameter.
    """

    category = "Response"
    subject = "schema"
    severity = W
    message = "type 'file' is not allowed here"

    def check(self, node, ctx):
        if node.schema.get("type") != "file":
            return
        ptr = node.pointer
        at_response_root = len(ptr) >= 2 and ptr[-1] == "schema" and (
            (ptr[0] == "paths" and len(ptr) >= 5 and ptr[-3] == "responses")
            or (ptr[0] == "responses" and len(ptr) == 3))
        if not at_response_root:
            yield Violation({}, ptr + ("type",))


@register
class SchemeNotSupported(_RespRule):
    """The `ws` or `wss` scheme.

    What it does: flags the `ws` or `wss` scheme.

    Why it matters: connectors cannot call WebSocket endpoints.

    Fix: use https.
    """

    severity = E
    message = "scheme {value!r} is not supported"

    def check(self, node, ctx):
        from pbxconn.validate.rules.document import schemes
        for value, ptr in schemes(ctx):
            if value in ("ws", "wss"):
                yield Violation({"value": value}, ptr)


_COUNT = ("How the service counts schemas (per $ref use or per definition) is not published; "
          "no real connector comes near the limit.")
not_implemented("BodySchemaCountExceedsMaxAllowed", "Response", E,
                "More than 512 schemas in one request body.", _COUNT)
not_implemented("TotalSchemaCountExceedsMaxAllowed", "Response", E,
                "More schemas in the swagger than 256 operations x 16,384.", _COUNT)
not_implemented("SchemaTooDeep", "Response", W,
                "Schema nesting (with $ref expansion) deeper than the service limit.",
                "The depth limit is a placeholder on Microsoft's page; its value is not published.")
