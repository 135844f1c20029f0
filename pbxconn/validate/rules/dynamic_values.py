"""Microsoft's Swagger Validator rules, table "Operations", about the dynamic extensions
(x-ms-dynamic-values, -list, -schema, -properties, -tree): where they stand, the companion extension
each form needs, and each call checked against the called operation's parameters and response."""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from pbxconn.core.findings import Severity
from pbxconn.validate.rule import OperationNode, Violation, not_implemented, register
from pbxconn.validate.index import DYNAMIC_KEYS, Index
from pbxconn.validate.rules._helpers import (
    MicrosoftRule, as_dict, body_parameter, call_parameters, caller_parameter, dynamic_calls,
    dynamic_targets, fits_type, resolve, target_parameter,
)

W = Severity.WARNING
_OPS = "Operations"


@register
class DynamicExtensionDefinitionNotAllowedInParameter(MicrosoftRule):
    """An x-ms-dynamic-* extension on a body parameter instead of its schema.

    What it does: flags an x-ms-dynamic-* extension written on a body parameter object.

    Why it matters: on a body parameter the platform reads dynamic extensions from its `schema` only.

    Fix: move the extension into the parameter's `schema`.
    """

    category = "Operations"
    subject = "parameter"
    severity = W
    message = "body parameter {name!r} carries {extension}; put it in its schema"

    needs = DYNAMIC_KEYS

    def check(self, node, ctx):
        param = node.param
        if isinstance(param, dict) and param.get("in") == "body":
            for key in DYNAMIC_KEYS:
                if key in param:
                    yield Violation({"name": param.get("name"), "extension": key}, node.pointer + (key,))


class _NonParameterReference(MicrosoftRule):
    category = "Operations"
    subject = "package"
    severity = W
    source = ""
    needed = ""

    def check(self, node, ctx):
        for ext, value, ptr, caller in dynamic_calls(ctx):
            if ext != self.source:
                continue
            holder, _ = resolve(ctx, _holder(ctx, ptr))
            if isinstance(holder, dict) and self.needed in holder:
                continue
            for name, kind, given in call_parameters(ext, value):
                if kind == "reference" and isinstance(given, str) and "/" in given:
                    yield Violation({"reference": given, "extension": self.needed}, ptr + ("parameters", name))


def _holder(ctx: Any, ptr: tuple) -> Any:
    """The object that holds the extension at `ptr` (its parent)."""
    node: Any = ctx.swagger
    for part in ptr[:-1]:
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        else:
            return None
    return node


@register
class DynamicListExtensionRequiredForNonParameterReferences(_NonParameterReference):
    """x-ms-dynamic-values refers to a property inside a parameter but has no x-ms-dynamic-list beside it.

    What it does: flags x-ms-dynamic-values that refers to a property inside a parameter (a path such as
    `body/id`) with no x-ms-dynamic-list beside it.

    Why it matters: x-ms-dynamic-values can only name whole parameters; newer designers need x-ms-dynamic-list
    to resolve the path.

    Fix: add an equivalent x-ms-dynamic-list using `parameterReference`.
    """

    source = "x-ms-dynamic-values"
    needed = "x-ms-dynamic-list"
    message = "x-ms-dynamic-values refers to {reference!r}, which is not a parameter; add {extension}"


@register
class DynamicPropertiesExtensionRequiredForNonParameterReferences(_NonParameterReference):
    """x-ms-dynamic-schema refers to a property inside a parameter but has no x-ms-dynamic-properties.

    What it does: flags x-ms-dynamic-schema that refers to a property inside a parameter with no
    x-ms-dynamic-properties beside it.

    Why it matters: x-ms-dynamic-schema can only name whole parameters.

    Fix: add an equivalent x-ms-dynamic-properties using `parameterReference`.
    """

    source = "x-ms-dynamic-schema"
    needed = "x-ms-dynamic-properties"
    message = "x-ms-dynamic-schema refers to {reference!r}, which is not a parameter; add {extension}"


def _strip_properties(path: str) -> str | None:
    """'a/b/properties' -> 'a/b'; None when the path does not end in 'properties'."""
    parts = path.strip("/").split("/")
    if parts and parts[-1] == "properties":
        return "/".join(parts[:-1])
    return None


@register
class DynamicPropertiesExtensionRequiredForPropertiesValuePath(MicrosoftRule):
    """x-ms-dynamic-schema's `value-path` ends at `properties` but has no x-ms-dynamic-properties.

    What it does: flags x-ms-dynamic-schema whose `value-path` ends at a `properties` node, with no
    x-ms-dynamic-properties.

    Why it matters: the platform needs x-ms-dynamic-properties pointing at the schema object itself.

    Fix: add x-ms-dynamic-properties with `itemValuePath` = value-path minus `/properties`.
    """

    category = "Operations"
    subject = "package"
    severity = W
    message = "x-ms-dynamic-schema value-path {path!r} ends in 'properties'; add x-ms-dynamic-properties"

    def check(self, node, ctx):
        for ext, value, ptr, _ in dynamic_calls(ctx):
            path = value.get("value-path")
            if ext == "x-ms-dynamic-schema" and isinstance(path, str) and _strip_properties(path) is not None:
                holder = _holder(ctx, ptr)
                if not (isinstance(holder, dict) and "x-ms-dynamic-properties" in holder):
                    yield Violation({"path": path}, ptr + ("value-path",))


@register
class DynamicPropertiesItemValuePathMismatch(MicrosoftRule):
    """x-ms-dynamic-properties' `itemValuePath` does not match the x-ms-dynamic-schema value-path.

    What it does: flags x-ms-dynamic-properties whose `itemValuePath` is not the x-ms-dynamic-schema
    value-path minus its trailing `properties`.

    Why it matters: the two extensions must describe the same schema or old and new designers disagree.

    Fix: make `itemValuePath` equal the value-path without `/properties`.
    """

    category = "Operations"
    subject = "package"
    severity = W
    message = "itemValuePath {got!r} should be {want!r} to match x-ms-dynamic-schema"

    def check(self, node, ctx):
        for ext, value, ptr, _ in dynamic_calls(ctx):
            if ext != "x-ms-dynamic-schema":
                continue
            path = value.get("value-path")
            want = _strip_properties(path) if isinstance(path, str) else None
            holder = as_dict(_holder(ctx, ptr))
            props = as_dict(holder.get("x-ms-dynamic-properties"))
            got = props.get("itemValuePath")
            if want is not None and isinstance(got, str) and got.strip("/") != want:
                yield Violation({"got": got, "want": want}, ptr[:-1] + ("x-ms-dynamic-properties", "itemValuePath"))


@register
class DynamicTreeExtensionMissing(MicrosoftRule):
    """A file picker (x-ms-dynamic-values `capability: file-picker`) without x-ms-dynamic-tree.

    What it does: flags x-ms-dynamic-values with `capability: file-picker` when no x-ms-dynamic-tree sits
    beside it.

    Why it matters: newer designers render file pickers only from x-ms-dynamic-tree.

    Fix: add an x-ms-dynamic-tree with `open` (and `browse`).
    """

    category = "Operations"
    subject = "package"
    severity = W
    message = "file picker has no x-ms-dynamic-tree beside it"

    def check(self, node, ctx):
        for ext, value, ptr, _ in dynamic_calls(ctx):
            if ext == "x-ms-dynamic-values" and value.get("capability") == "file-picker":
                holder = as_dict(_holder(ctx, ptr))
                if "x-ms-dynamic-tree" not in holder:
                    yield Violation({}, ptr)


def _success_schema(ctx: Any, target: OperationNode) -> Any:
    """The schema of the target's first 2xx response (200 first), resolved; None when unknown."""
    responses = as_dict(as_dict(target.op).get("responses"))
    codes = sorted(k for k in responses if isinstance(k, str) and k.startswith("2"))
    for code in codes:
        resp, _ = resolve(ctx, responses[code])
        schema = as_dict(resp).get("schema")
        if isinstance(schema, dict):
            return schema
    return None


def _descend(ctx: Any, schema: Any, path: str) -> tuple[str, Any]:
    """Walk a slash path in a schema: ('ok', sub), ('missing', segment) or ('unknown', None)."""
    node, _ = resolve(ctx, schema)
    for seg in [s for s in path.strip("/").split("/") if s]:
        node, _ = resolve(ctx, node)
        if not isinstance(node, dict) or "x-ms-dynamic-schema" in node or "x-ms-dynamic-properties" in node:
            return "unknown", None
        props = node.get("properties")
        if isinstance(props, dict) and seg in props:
            node = props[seg]
            continue
        if not isinstance(props, dict) or node.get("additionalProperties") not in (None, False) or "allOf" in node:
            return "unknown", None
        return "missing", seg
    node, _ = resolve(ctx, node)
    return "ok", node


_PRODUCE_PATHS = {
    "x-ms-dynamic-values": ("value-collection", ("value-path", "value-title")),
    "x-ms-dynamic-list": ("itemsPath", ("itemValuePath", "itemTitlePath")),
}


@Index.fact("invoked")
def build_invoked(ctx: Any) -> list[tuple[str, tuple, str, str]]:
    """Problems of dynamic calls against the target's response (for `Index.invoked`)."""
    return list(_invoked(ctx))


def _invoked(ctx: Any) -> Iterator[tuple[str, tuple, str, str]]:
    """Problems of dynamic calls against the target's response: (kind, pointer, path, operationId)."""
    for ext, value, ptr, _, target, oid in dynamic_targets(ctx):
        if target is None:
            continue
        schema = _success_schema(ctx, target)
        if schema is None:
            continue
        if ext in _PRODUCE_PATHS:
            coll_key, item_keys = _PRODUCE_PATHS[ext]
            coll = value.get(coll_key)
            items: Any = schema
            if isinstance(coll, str) and coll.strip("/"):
                state, sub = _descend(ctx, schema, coll)
                if state == "missing":
                    yield "property", ptr + (coll_key,), coll, oid
                    continue
                if state == "unknown":
                    continue
                if isinstance(sub, dict) and "type" in sub and sub.get("type") != "array":
                    yield "array", ptr + (coll_key,), coll, oid
                    continue
                items = as_dict(sub).get("items")
            elif coll is None:
                items = as_dict(schema).get("items") if as_dict(schema).get("type") == "array" else None
            if not isinstance(items, dict):
                continue
            for key in item_keys:
                path = value.get(key)
                if isinstance(path, str) and path.strip("/"):
                    state, _ = _descend(ctx, items, path)
                    if state == "missing":
                        yield "property", ptr + (key,), path, oid
        elif ext == "x-ms-dynamic-schema":
            path = value.get("value-path")
            if isinstance(path, str) and path.strip("/"):
                state, _ = _descend(ctx, schema, path)
                if state == "missing":
                    yield "property", ptr + ("value-path",), path, oid


@register
class InvokedOperationShouldProduceArray(MicrosoftRule):
    """A dynamic call's collection path is not an array in the called operation's response.

    What it does: flags a dynamic call whose collection path leads to a non-array in the called operation's
    success response.

    Why it matters: the dropdown stays empty at run time.

    Fix: point `value-collection`/`itemsPath` at an array, or fix the called operation's response schema.
    """

    category = "Operations"
    subject = "package"
    severity = W
    message = "{path!r} is not an array in the response of {operation}"

    def check(self, node, ctx):
        for kind, ptr, path, oid in ctx.index.invoked:
            if kind == "array":
                yield Violation({"path": path, "operation": oid}, ptr)


@register
class InvokedOperationShouldProduceProperty(MicrosoftRule):
    """A dynamic call reads a property the called operation's response does not declare.

    What it does: flags a dynamic call that reads a property the called operation's success response schema
    does not declare.

    Why it matters: values, titles or schemas come back empty at run time.

    Fix: correct the path or declare the property in the called operation's response.
    """

    category = "Operations"
    subject = "package"
    severity = W
    message = "{path!r} is not in the response of {operation}"

    def check(self, node, ctx):
        for kind, ptr, path, oid in ctx.index.invoked:
            if kind == "property":
                yield Violation({"path": path, "operation": oid}, ptr)


@register
class OperationMissingRequiredProperty(MicrosoftRule):
    """A dynamic call does not pass a required parameter of the called operation.

    What it does: flags a dynamic call that does not pass a required parameter (without default) of the called
    operation.

    Why it matters: the lookup request is rejected and the dropdown or schema stays empty.

    Fix: add the parameter to the extension's `parameters`.
    """

    category = "Operations"
    subject = "package"
    severity = W
    message = "call to {operation} does not pass its required parameter {name!r}"

    def check(self, node, ctx):
        for ext, value, ptr, _, target, oid in dynamic_targets(ctx):
            if target is None:
                continue
            given = {name for name, _, _ in call_parameters(ext, value)}
            given |= set(as_dict(value.get("parameters")))
            for p in target.parameters:
                param = as_dict(p.param)
                name = param.get("name")
                if (param.get("required") is True and param.get("in") not in ("body", "header")
                        and "default" not in param and isinstance(name, str) and name not in given):
                    yield Violation({"operation": oid, "name": name}, ptr)


@register
class OperationParameterNameNotFound(MicrosoftRule):
    """A dynamic call passes a parameter the called operation does not have.

    What it does: flags a dynamic call passing a parameter the called operation does not have.

    Why it matters: the value is dropped and the lookup may fail.

    Fix: use the called operation's parameter names.
    """

    category = "Operations"
    subject = "package"
    severity = W
    message = "operation {operation} has no parameter {name!r}"

    def check(self, node, ctx):
        for ext, value, ptr, _, target, oid in dynamic_targets(ctx):
            if target is None:
                continue
            names = {as_dict(p.param).get("name") for p in target.parameters}
            body = body_parameter(target)
            body_props: set = set()
            if body is not None:
                schema, _ = resolve(ctx, as_dict(body.param).get("schema"))
                body_props = set(as_dict(as_dict(schema).get("properties")))
            for name in as_dict(value.get("parameters")):
                root = name.split("/")[0]
                if name not in names and root not in names and name not in body_props:
                    yield Violation({"operation": oid, "name": name}, ptr + ("parameters", name))


def _reference_pairs(ctx: Any) -> Iterator[tuple[tuple, Mapping, Mapping, str, Any]]:
    """(pointer, caller param, target param, target operationId, referenced name) for references."""
    for ext, value, ptr, caller, target, oid in dynamic_targets(ctx):
        if target is None:
            continue
        for name, kind, given in call_parameters(ext, value):
            if kind != "reference":
                continue
            source = caller_parameter(caller, given)
            dest = target_parameter(target, name)
            if source is not None and dest is not None:
                yield ptr + ("parameters", name), source, dest, oid, given


@register
class OperationParameterRequiredMismatch(MicrosoftRule):
    """A dynamic call feeds a required parameter of the called operation from an optional one.

    What it does: flags a dynamic call feeding a required parameter of the called operation from an optional
    parameter.

    Why it matters: when the user leaves the optional field empty the lookup fails.

    Fix: make the source parameter required, or pass a static value.
    """

    category = "Operations"
    subject = "package"
    severity = W
    message = "required parameter {name!r} of {operation} is fed from optional parameter {source!r}"

    def check(self, node, ctx):
        for ptr, source, dest, oid, given in _reference_pairs(ctx):
            if dest.get("required") is True and source.get("required") is not True and "default" not in source:
                yield Violation({"name": dest.get("name"), "operation": oid, "source": given}, ptr)


@register
class OperationParameterTypeMismatch(MicrosoftRule):
    """A dynamic call feeds a parameter from a parameter of another type.

    What it does: flags a dynamic call feeding a parameter from a parameter of another type.

    Why it matters: the value is converted or rejected at run time.

    Fix: align the two parameters' types.
    """

    category = "Operations"
    subject = "package"
    severity = W
    message = "parameter {name!r} of {operation} is {want}, but {source!r} is {got}"

    def check(self, node, ctx):
        for ptr, source, dest, oid, given in _reference_pairs(ctx):
            want, got = dest.get("type"), source.get("type")
            if isinstance(want, str) and isinstance(got, str) and want != got:
                yield Violation({"name": dest.get("name"), "operation": oid, "source": given,
                                 "want": want, "got": got}, ptr)


@register
class OperationParameterStaticTypeMismatch(MicrosoftRule):
    """A static value in a dynamic call does not match the called parameter's type.

    What it does: flags a static value in a dynamic call whose JSON type differs from the called parameter's
    type.

    Why it matters: the lookup request is built with a value of the wrong type.

    Fix: write the value with the parameter's type (e.g. 10, not "10").
    """

    category = "Operations"
    subject = "package"
    severity = W
    message = "static value {value!r} for parameter {name!r} of {operation} is not {want}"

    def check(self, node, ctx):
        for ext, value, ptr, _, target, oid in dynamic_targets(ctx):
            if target is None:
                continue
            for name, kind, given in call_parameters(ext, value):
                dest = target_parameter(target, name) if kind == "static" else None
                want = as_dict(dest).get("type")
                if dest is not None and isinstance(want, str) and not fits_type(given, want):
                    yield Violation({"value": given, "name": name, "operation": oid, "want": want},
                                    ptr + ("parameters", name))


def _find_key(value: Any, key: str, ptr: tuple) -> Iterator[tuple]:
    """Pointers of every `key` below `value`."""
    if isinstance(value, dict):
        for k, v in value.items():
            if k == key:
                yield ptr + (k,)
            yield from _find_key(v, key, ptr + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _find_key(v, key, ptr + (i,))


@register
class SelectedItemValuePathNotAllowedInThisPosition(MicrosoftRule):
    """`selectedItemValuePath` in an x-ms-dynamic-tree outside its `browse` part.

    What it does: flags `selectedItemValuePath` in an x-ms-dynamic-tree outside its `browse` part.

    Why it matters: only browsing has a selected item to read from.

    Fix: move it under `browse.parameters`.
    """

    category = "Operations"
    subject = "package"
    severity = W
    message = "selectedItemValuePath is only allowed under 'browse'"

    def check(self, node, ctx):
        for ext, value, ptr, _ in dynamic_calls(ctx):
            if ext != "x-ms-dynamic-tree":
                continue
            for key, sub in value.items():
                if key != "browse":
                    for hit in _find_key(sub, "selectedItemValuePath", ptr + (key,)):
                        yield Violation({}, hit)


not_implemented(
    "DynamicListExtensionRequiredForAmbiguousReferences", _OPS, W,
    "x-ms-dynamic-values uses ambiguous parameter references; add x-ms-dynamic-list.",
    "Microsoft does not publish when a reference counts as ambiguous, so a check would guess.")
not_implemented(
    "DynamicPropertiesExtensionRequiredForAmbiguousReferences", _OPS, W,
    "x-ms-dynamic-schema uses ambiguous parameter references; add x-ms-dynamic-properties.",
    "Microsoft does not publish when a reference counts as ambiguous, so a check would guess.")
not_implemented(
    "OperationParameterNameIsAmbiguous", _OPS, W,
    "A dynamic-extension parameter name matches both a parameter and a body property path.",
    "The service's name-resolution order for dynamic-call parameters is not published.")
