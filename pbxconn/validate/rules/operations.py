"""Microsoft's Swagger Validator rules, table "Operations".

Also holds the small helpers the other Microsoft-table modules share (JSON type tests, the
schema walker, the per-package memo and the index of dynamic-extension calls).
"""

from __future__ import annotations

import re
import threading
from typing import Any, Callable, Iterator, Mapping

from pbxconn.core.findings import Severity
from pbxconn.core.refs import RefError, follow
from pbxconn.validate.rule import OperationNode, Rule, Violation, not_implemented, register

E, W = Severity.ERROR, Severity.WARNING
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch")
_EMPTY: Mapping[str, Any] = {}


# --------------------------------------------------------------------------- shared helpers


def as_dict(value: Any) -> Mapping[str, Any]:
    """`value` when it is a JSON object, else an empty mapping."""
    return value if isinstance(value, dict) else _EMPTY


def as_list(value: Any) -> list:
    """`value` when it is a JSON array, else an empty list."""
    return value if isinstance(value, list) else []


def doc(ctx: Any) -> Mapping[str, Any]:
    """The package's swagger document, or an empty mapping when absent or not an object."""
    return as_dict(getattr(ctx, "swagger", None))


def json_type(value: Any) -> str:
    """The JSON type name of a parsed value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def fits_type(value: Any, declared: str) -> bool:
    """Whether a JSON value fits a Swagger `type` (unknown types accept anything)."""
    actual = json_type(value)
    if declared == "number":
        return actual in ("integer", "number")
    if declared == "integer":
        return actual == "integer" or (actual == "number" and float(value).is_integer())
    if declared in ("string", "boolean", "array", "object", "null"):
        return actual == declared
    return True


_local = threading.local()


def memo(ctx: Any, key: str, compute: Callable[[], Any]) -> Any:
    """Compute a per-package value once. A Package keeps the values itself (they go with it);
    another context keeps them per thread until the next context comes."""
    data = getattr(ctx, "memo", None)
    if type(data) is not dict:
        if getattr(_local, "ctx", None) is not ctx:
            _local.ctx = ctx
            _local.data = {}
        data = _local.data
    if key not in data:
        data[key] = compute()
    return data[key]


def resolve(ctx: Any, node: Any) -> tuple[Any, tuple | None]:
    """Follow local `$ref`s of `node` in the swagger; (node, None) when it cannot be followed."""
    if not (isinstance(node, dict) and "$ref" in node):
        return node, None
    remembered = getattr(ctx, "resolve", None)  # a Package remembers each $ref's outcome
    if remembered is not None:
        return remembered(node)
    try:
        return follow(ctx.swagger, node)
    except (RefError, ValueError, TypeError, AttributeError):
        return node, None


_WALKED_KEYS = frozenset(("properties", "items", "allOf", "additionalProperties"))


def walk_schema(ctx: Any, schema: Any, pointer: tuple, limit: int = 2000) -> Iterator[tuple[Mapping, tuple, tuple]]:
    """Yield (schema, pointer, chain) for `schema` and every sub-schema under it, $refs followed.

    `chain` is the list of (parent schema, property name) pairs from the root, so callers can
    ask "is this property required at every level". A `$ref` already on the way is not entered
    again; at most `limit` schemas are visited.
    """
    stack: list[tuple[Any, tuple, tuple, frozenset]] = [(schema, pointer, (), frozenset())]
    count = 0
    while stack and count < limit:
        node, ptr, chain, refs = stack.pop()
        if isinstance(node, dict) and "$ref" in node:
            ref = node.get("$ref")
            if not isinstance(ref, str) or ref in refs:
                continue
            target, path = resolve(ctx, node)
            if path is None:
                continue
            node, ptr, refs = target, path, refs | {ref}
        if not isinstance(node, dict):
            continue
        count += 1
        yield node, ptr, chain
        if _WALKED_KEYS.isdisjoint(node):  # a leaf: nothing below it
            continue
        children = []
        for name, sub in as_dict(node.get("properties")).items():
            children.append((sub, ptr + ("properties", name), chain + ((node, name),), refs))
        items = node.get("items")
        if isinstance(items, dict):
            children.append((items, ptr + ("items",), chain + ((node, None),), refs))
        for i, sub in enumerate(as_list(node.get("allOf"))):
            children.append((sub, ptr + ("allOf", i), chain, refs))
        extra = node.get("additionalProperties")
        if isinstance(extra, dict):
            children.append((extra, ptr + ("additionalProperties",), chain + ((node, None),), refs))
        stack.extend(reversed(children))


def op_label(node: OperationNode) -> str:
    """operationId when it is a string, else 'METHOD path'."""
    oid = node.op.get("operationId") if isinstance(node.op, dict) else None
    return oid if isinstance(oid, str) and oid else f"{node.method.upper()} {node.path}"


def operations(ctx: Any) -> list[OperationNode]:
    """The package's operations (empty when the package has none)."""
    return list(getattr(ctx, "operations", None) or ())


def ops_by_id(ctx: Any) -> dict[str, OperationNode]:
    """First operation of each operationId."""
    def build() -> dict[str, OperationNode]:
        out: dict[str, OperationNode] = {}
        for node in operations(ctx):
            oid = as_dict(node.op).get("operationId")
            if isinstance(oid, str) and oid not in out:
                out[oid] = node
        return out
    return memo(ctx, "ops_by_id", build)


def body_parameter(node: OperationNode) -> Any:
    """The operation's (resolved) body parameter node, or None."""
    for p in node.parameters:
        if as_dict(p.param).get("in") == "body":
            return p
    return None


def is_trigger(node: OperationNode) -> bool:
    """Whether the operation carries x-ms-trigger."""
    return "x-ms-trigger" in as_dict(node.op)


def has_notification_url(ctx: Any, node: OperationNode) -> bool:
    """Whether a parameter or body property of the operation is marked x-ms-notification-url."""
    if not has_key(ctx, "x-ms-notification-url"):
        return False

    def build() -> bool:
        for p in node.parameters:
            param = as_dict(p.param)
            if param.get("x-ms-notification-url") is True:
                return True
            if param.get("in") == "body":
                for sub, _, _ in walk_schema(ctx, param.get("schema"), p.pointer + ("schema",)):
                    if sub.get("x-ms-notification-url") is True:
                        return True
        return False
    return memo(ctx, ("nurl",) + node.pointer, build)  # type: ignore[arg-type]


def is_webhook(ctx: Any, node: OperationNode) -> bool:
    """A webhook trigger: x-ms-trigger plus notification content or a notification URL input."""
    return is_trigger(node) and (
        "x-ms-notification-content" in as_dict(node.path_item) or has_notification_url(ctx, node))


def effective(node: OperationNode, ctx: Any, key: str) -> list:
    """Operation-level `consumes`/`produces`/`schemes`, falling back to the document root."""
    op = as_dict(node.op)
    if key in op:
        return as_list(op.get(key))
    return as_list(doc(ctx).get(key))


def path_variables(path: str) -> list[str]:
    """Names of the `{name}` template variables of a path key."""
    return _VAR.findall(path)


_VAR = re.compile(r"\{([^{}]*)\}")
DYNAMIC_KEYS = ("x-ms-dynamic-values", "x-ms-dynamic-list", "x-ms-dynamic-schema",
                "x-ms-dynamic-properties", "x-ms-dynamic-tree")
_DYNAMIC_SET = frozenset(DYNAMIC_KEYS)


def dynamic_calls(ctx: Any) -> list[tuple[str, Mapping, tuple, Any]]:
    """Every dynamic extension object: (extension name, value, pointer, calling OperationNode or None)."""
    def build() -> list:
        out: list = []
        seen: set[tuple] = set()
        if not has_key(ctx, "x-ms-dynamic-*"):
            return out

        def add(holder: Mapping, ptr: tuple, caller: Any) -> None:
            for key in DYNAMIC_KEYS:
                value = holder.get(key)
                if isinstance(value, dict) and ptr + (key,) not in seen:
                    seen.add(ptr + (key,))
                    out.append((key, value, ptr + (key,), caller))

        lacking = _DYNAMIC_SET.isdisjoint  # most objects hold no dynamic extension at all
        for p in getattr(ctx, "parameters", None) or ():
            if isinstance(p.param, dict) and not lacking(p.param):
                add(p.param, p.pointer, p.operation)
        for s in getattr(ctx, "schemas", None) or ():
            if isinstance(s.schema, dict) and not lacking(s.schema):
                add(s.schema, s.pointer, s.operation)
        out.sort(key=lambda c: tuple(str(x) for x in c[2]))
        return out
    return memo(ctx, "dynamic_calls", build)


def call_parameters(ext: str, value: Mapping) -> list[tuple[str, str, Any]]:
    """The argument list of a dynamic call: (target parameter, kind, given) with kind
    'static' (a literal) or 'reference' (a caller parameter name or path)."""
    out = []
    for name, arg in as_dict(value.get("parameters")).items():
        if isinstance(arg, dict):
            if "parameter" in arg:
                out.append((name, "reference", arg.get("parameter")))
            elif "parameterReference" in arg:
                out.append((name, "reference", arg.get("parameterReference")))
            elif "value" in arg:
                out.append((name, "static", arg.get("value")))
            elif "selectedItemValuePath" in arg:
                continue
            else:
                out.append((name, "static", arg))
        else:
            out.append((name, "static", arg))
    return out


def caller_parameter(caller: Any, ref: Any) -> Mapping | None:
    """The caller operation's parameter named `ref`, if any."""
    if caller is None or not isinstance(ref, str):
        return None
    for p in caller.parameters:
        if as_dict(p.param).get("name") == ref:
            return as_dict(p.param)
    return None


def target_parameter(target: OperationNode, name: str) -> Mapping | None:
    """The target operation's parameter named `name`, if any."""
    for p in target.parameters:
        if as_dict(p.param).get("name") == name:
            return as_dict(p.param)
    return None


def dynamic_targets(ctx: Any) -> Iterator[tuple[str, Mapping, tuple, Any, OperationNode | None, Any]]:
    """Dynamic calls with an operationId: (ext, value, pointer, caller, target or None, operationId)."""
    by_id = ops_by_id(ctx)
    for ext, value, ptr, caller in dynamic_calls(ctx):
        if ext == "x-ms-dynamic-tree":
            for part in ("open", "browse"):
                sub = value.get(part)
                if isinstance(sub, dict) and "operationId" in sub:
                    oid = sub.get("operationId")
                    yield ext, sub, ptr + (part,), caller, by_id.get(oid) if isinstance(oid, str) else None, oid
        elif "operationId" in value:
            oid = value.get("operationId")
            yield ext, value, ptr, caller, by_id.get(oid) if isinstance(oid, str) else None, oid


# --------------------------------------------------------------------------- rules


class MicrosoftRule(Rule):
    """Base of the rules carrying Microsoft's published codes: the code is the class name."""

    origin = "microsoft"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if not cls.__name__.startswith("_"):
            cls.code = cls.__name__


class _OpRule(MicrosoftRule):
    category = "Operations"
    subject = "operation"


@register
class ApiAnnotationExtensionReplacementInfoForNonDeprecatedOperations(_OpRule):
    """What it does: flags `x-ms-api-annotation.replacement` on an operation not marked deprecated.
    Why it matters: a replacement only makes sense for a deprecated operation; the designer points users away from a live one.
    Fix: set `deprecated: true` or remove `replacement`."""

    severity = W
    message = "operation {operation} names a replacement but is not deprecated"

    needs = ("x-ms-api-annotation",)

    def check(self, node, ctx):
        ann = as_dict(as_dict(node.op).get("x-ms-api-annotation"))
        if "replacement" in ann and node.op.get("deprecated") is not True:
            yield Violation({"operation": op_label(node)}, node.pointer + ("x-ms-api-annotation", "replacement"))


class _ReplacementField(_OpRule):
    field_name = ""
    severity = W

    needs = ("x-ms-api-annotation",)

    def check(self, node, ctx):
        rep = as_dict(node.op).get("x-ms-api-annotation")
        rep = as_dict(rep).get("replacement")
        if isinstance(rep, dict) and not rep.get(self.field_name):
            yield Violation({"operation": op_label(node)}, node.pointer + ("x-ms-api-annotation", "replacement"))


@register
class ApiAnnotationExtensionReplacementInfoMissingApiProperty(_ReplacementField):
    """What it does: flags an `x-ms-api-annotation.replacement` without `api`.
    Why it matters: the platform needs both the API and the operationId of the replacement.
    Fix: add `api` to `replacement`."""

    field_name = "api"
    message = "replacement of operation {operation} has no 'api'"


@register
class ApiAnnotationExtensionReplacementInfoMissingOperationIdProperty(_ReplacementField):
    """What it does: flags an `x-ms-api-annotation.replacement` without `operationId`.
    Why it matters: the designer cannot send users to the replacing operation.
    Fix: add `operationId` to `replacement`."""

    field_name = "operationId"
    message = "replacement of operation {operation} has no 'operationId'"


@register
class BodyOrFormDataParameterInFetchOperationNotAllowed(_OpRule):
    """What it does: flags a GET operation with an `in: body` or `in: formData` parameter.
    Why it matters: GET requests carry no body; the platform drops or rejects it.
    Fix: move the values to query parameters or use POST."""

    severity = W
    message = "GET operation {operation} declares {location} parameter {name!r}"

    def check(self, node, ctx):
        if node.method != "get":
            return
        for p in node.parameters:
            where = as_dict(p.param).get("in")
            if where in ("body", "formData"):
                yield Violation({"operation": op_label(node), "location": where,
                                 "name": p.param.get("name")}, p.used_at)


@register
class ConsumesMissing(_OpRule):
    """What it does: flags an operation with a body or formData parameter and no `consumes` (operation or document level).
    Why it matters: the platform does not know which content type to send.
    Fix: add `consumes`, e.g. `application/json`."""

    severity = W
    message = "operation {operation} sends a request body but declares no consumes"

    def check(self, node, ctx):
        if any(as_dict(p.param).get("in") in ("body", "formData") for p in node.parameters):
            if not [m for m in effective(node, ctx, "consumes") if isinstance(m, str) and m]:
                yield Violation({"operation": op_label(node)}, node.pointer)


@register
class DuplicateOperationPath(MicrosoftRule):
    """What it does: flags path keys that differ only in the names of their template variables.
    Why it matters: the two templates match exactly the same URLs; requests cannot be routed.
    Fix: merge the path items or make a static segment differ."""

    category = "Operations"
    subject = "package"
    severity = E
    message = "path {path!r} is the same template as {other!r}"

    def check(self, node, ctx):
        seen: dict[str, str] = {}
        for path in as_dict(doc(ctx).get("paths")):
            if not isinstance(path, str) or path.startswith("x-"):
                continue
            shape = _VAR.sub("{}", path)
            if shape in seen:
                yield Violation({"path": path, "other": seen[shape]}, ("paths", path))
            else:
                seen[shape] = path


@register
class DynamicExtensionDefinitionNotAllowedInParameter(MicrosoftRule):
    """What it does: flags an x-ms-dynamic-* extension written on a body parameter object.
    Why it matters: on a body parameter the platform reads dynamic extensions from its `schema` only.
    Fix: move the extension into the parameter's `schema`."""

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
    """What it does: flags x-ms-dynamic-values that refers to a property inside a parameter (a path such as `body/id`) with no x-ms-dynamic-list beside it.
    Why it matters: x-ms-dynamic-values can only name whole parameters; newer designers need x-ms-dynamic-list to resolve the path.
    Fix: add an equivalent x-ms-dynamic-list using `parameterReference`."""

    source = "x-ms-dynamic-values"
    needed = "x-ms-dynamic-list"
    message = "x-ms-dynamic-values refers to {reference!r}, which is not a parameter; add {extension}"


@register
class DynamicPropertiesExtensionRequiredForNonParameterReferences(_NonParameterReference):
    """What it does: flags x-ms-dynamic-schema that refers to a property inside a parameter with no x-ms-dynamic-properties beside it.
    Why it matters: x-ms-dynamic-schema can only name whole parameters.
    Fix: add an equivalent x-ms-dynamic-properties using `parameterReference`."""

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
    """What it does: flags x-ms-dynamic-schema whose `value-path` ends at a `properties` node, with no x-ms-dynamic-properties.
    Why it matters: the platform needs x-ms-dynamic-properties pointing at the schema object itself.
    Fix: add x-ms-dynamic-properties with `itemValuePath` = value-path minus `/properties`."""

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
    """What it does: flags x-ms-dynamic-properties whose `itemValuePath` is not the x-ms-dynamic-schema value-path minus its trailing `properties`.
    Why it matters: the two extensions must describe the same schema or old and new designers disagree.
    Fix: make `itemValuePath` equal the value-path without `/properties`."""

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
    """What it does: flags x-ms-dynamic-values with `capability: file-picker` when no x-ms-dynamic-tree sits beside it.
    Why it matters: newer designers render file pickers only from x-ms-dynamic-tree.
    Fix: add an x-ms-dynamic-tree with `open` (and `browse`)."""

    category = "Operations"
    subject = "package"
    severity = W
    message = "file picker at {where} has no x-ms-dynamic-tree"

    def check(self, node, ctx):
        for ext, value, ptr, _ in dynamic_calls(ctx):
            if ext == "x-ms-dynamic-values" and value.get("capability") == "file-picker":
                holder = as_dict(_holder(ctx, ptr))
                if "x-ms-dynamic-tree" not in holder:
                    yield Violation({"where": "/".join(map(str, ptr[:-1]))}, ptr)


@register
class InvalidNextLinkNameValue(_OpRule):
    """What it does: flags `x-ms-pageable.nextLinkName` other than `nextLink` or `@odata.nextLink`.
    Why it matters: the platform only follows those two property names when paging.
    Fix: return the next page link as `nextLink` or `@odata.nextLink` (an `updatenextlink` policy can rename it)."""

    severity = W
    message = "operation {operation}: nextLinkName {value!r} is not 'nextLink' or '@odata.nextLink'"

    needs = ("x-ms-pageable",)

    def check(self, node, ctx):
        pageable = as_dict(node.op).get("x-ms-pageable")
        if isinstance(pageable, dict) and "nextLinkName" in pageable:
            value = pageable.get("nextLinkName")
            if value not in ("nextLink", "@odata.nextLink"):
                yield Violation({"operation": op_label(node), "value": value},
                                node.pointer + ("x-ms-pageable", "nextLinkName"))


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
    """What it does: flags a dynamic call whose collection path leads to a non-array in the called operation's success response.
    Why it matters: the dropdown stays empty at run time.
    Fix: point `value-collection`/`itemsPath` at an array, or fix the called operation's response schema."""

    category = "Operations"
    subject = "package"
    severity = W
    message = "{path!r} is not an array in the response of {operation}"

    def check(self, node, ctx):
        for kind, ptr, path, oid in memo(ctx, "invoked", lambda: list(_invoked(ctx))):
            if kind == "array":
                yield Violation({"path": path, "operation": oid}, ptr)


@register
class InvokedOperationShouldProduceProperty(MicrosoftRule):
    """What it does: flags a dynamic call that reads a property the called operation's success response schema does not declare.
    Why it matters: values, titles or schemas come back empty at run time.
    Fix: correct the path or declare the property in the called operation's response."""

    category = "Operations"
    subject = "package"
    severity = W
    message = "{path!r} is not in the response of {operation}"

    def check(self, node, ctx):
        for kind, ptr, path, oid in memo(ctx, "invoked", lambda: list(_invoked(ctx))):
            if kind == "property":
                yield Violation({"path": path, "operation": oid}, ptr)


@register
class NotificationExtensionNotSupportedInWebhookOperation(_OpRule):
    """What it does: flags `x-ms-notification` on a webhook (registration) operation.
    Why it matters: x-ms-notification links a trigger to a webhook; on the webhook itself it is meaningless.
    Fix: remove it from the webhook operation."""

    severity = W
    message = "webhook operation {operation} must not carry x-ms-notification"

    needs = ("x-ms-notification",)

    def check(self, node, ctx):
        if "x-ms-notification" in as_dict(node.op) and is_webhook(ctx, node):
            yield Violation({"operation": op_label(node)}, node.pointer + ("x-ms-notification",))


@register
class NotificationExtensionSupportedForTriggerOnly(_OpRule):
    """What it does: flags `x-ms-notification` on an operation without `x-ms-trigger`.
    Why it matters: only triggers can be fed by a webhook notification.
    Fix: remove x-ms-notification or make the operation a trigger."""

    severity = W
    message = "operation {operation} uses x-ms-notification but is not a trigger"

    needs = ("x-ms-notification",)

    def check(self, node, ctx):
        if "x-ms-notification" in as_dict(node.op) and not is_trigger(node):
            yield Violation({"operation": op_label(node)}, node.pointer + ("x-ms-notification",))


@register
class NotificationOperationMustBeWebhook(_OpRule):
    """What it does: flags `x-ms-notification.operationId` naming an operation that is not a webhook trigger.
    Why it matters: the platform registers the callback through that operation.
    Fix: name the webhook registration operation."""

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


def _families(ctx: Any) -> dict[str, list[tuple[OperationNode, Mapping]]]:
    """Operations grouped by x-ms-api-annotation.family (document order)."""
    def build() -> dict:
        out: dict[str, list] = {}
        for node in operations(ctx):
            ann = as_dict(as_dict(node.op).get("x-ms-api-annotation"))
            fam = ann.get("family")
            if isinstance(fam, str) and fam:
                out.setdefault(fam, []).append((node, ann))
        return out
    return memo(ctx, "families", build)


class _FamilyRule(MicrosoftRule):
    category = "Operations"
    subject = "package"
    severity = W


@register
class OperationFamilyHasDuplicateRevisions(_FamilyRule):
    """What it does: flags two operations of one x-ms-api-annotation family with the same revision.
    Why it matters: the designer cannot tell which revision is newer.
    Fix: give each revision its own number."""

    message = "operations {first} and {second} of family {family!r} share revision {revision}"

    def check(self, node, ctx):
        for fam, members in _families(ctx).items():
            seen: dict[Any, OperationNode] = {}
            for op, ann in members:
                rev = ann.get("revision")
                if rev is None or isinstance(rev, (dict, list)):
                    continue
                if rev in seen:
                    yield Violation({"first": op_label(seen[rev]), "second": op_label(op), "family": fam,
                                     "revision": rev}, op.pointer + ("x-ms-api-annotation", "revision"))
                else:
                    seen[rev] = op


def _active(ann: Mapping, op: Mapping) -> bool:
    return op.get("deprecated") is not True


@register
class OperationFamilyHasManyActiveOperations(_FamilyRule):
    """What it does: flags a family with more than two operations not marked deprecated.
    Why it matters: users see several live versions of the same action.
    Fix: deprecate older revisions."""

    message = "family {family!r} has {count} non-deprecated operations"

    def check(self, node, ctx):
        for fam, members in _families(ctx).items():
            live = [op for op, ann in members if _active(ann, as_dict(op.op))]
            if len(live) > 2:
                yield Violation({"family": fam, "count": len(live)}, live[-1].pointer)


@register
class OperationFamilyHasManyActiveProductionOperations(_FamilyRule):
    """What it does: flags a family with several non-deprecated operations in Production status.
    Why it matters: only the newest revision should be offered for new flows.
    Fix: mark older revisions `deprecated: true`."""

    message = "family {family!r} has {count} non-deprecated Production operations"

    def check(self, node, ctx):
        for fam, members in _families(ctx).items():
            live = [op for op, ann in members if _active(ann, as_dict(op.op))
                    and isinstance(ann.get("status"), str) and ann["status"].lower() == "production"]
            if len(live) > 1:
                yield Violation({"family": fam, "count": len(live)}, live[-1].pointer)


@register
class OperationFamilyHasManyEmptyRevisions(_FamilyRule):
    """What it does: flags a family in which more than one operation has no revision.
    Why it matters: revisions order the family; two unnumbered members cannot be ordered.
    Fix: give every member a `revision`."""

    message = "family {family!r} has {count} operations without a revision"

    def check(self, node, ctx):
        for fam, members in _families(ctx).items():
            empty = [op for op, ann in members if ann.get("revision") is None]
            if len(empty) > 1:
                yield Violation({"family": fam, "count": len(empty)}, empty[-1].pointer)


@register
class OperationHasManyResponsesWithSchema(_OpRule):
    """What it does: flags an operation declaring a schema on more than one response.
    Why it matters: the designer shows outputs from one response schema only.
    Fix: keep the schema on the success response."""

    severity = W
    message = "operation {operation} has schemas on {count} responses"

    def check(self, node, ctx):
        responses = as_dict(as_dict(node.op).get("responses"))
        with_schema = 0
        for code, resp in responses.items():
            if isinstance(code, str) and code.startswith("x-"):
                continue
            resp, _ = resolve(ctx, resp)
            if isinstance(as_dict(resp).get("schema"), dict):
                with_schema += 1
        if with_schema > 1:
            yield Violation({"operation": op_label(node), "count": with_schema}, node.pointer + ("responses",))


def _operation_id_references(ctx: Any) -> Iterator[tuple[Any, tuple]]:
    """Every operationId named by an extension: (operationId, pointer)."""
    for _, _, ptr, _, _, oid in dynamic_targets(ctx):
        yield oid, ptr + ("operationId",)
    for node in operations(ctx):
        note = as_dict(node.op).get("x-ms-notification")
        if isinstance(note, dict) and "operationId" in note:
            yield note.get("operationId"), node.pointer + ("x-ms-notification", "operationId")
    caps = as_dict(doc(ctx).get("x-ms-capabilities"))
    test = as_dict(caps.get("testConnection"))
    if "operationId" in test:
        yield test.get("operationId"), ("x-ms-capabilities", "testConnection", "operationId")


@register
class OperationIdNotFound(MicrosoftRule):
    """What it does: flags an operationId named by x-ms-dynamic-*, x-ms-notification or testConnection that no operation has.
    Why it matters: the dropdown, schema, trigger or connection test that depends on it fails at run time.
    Fix: correct the name or add the operation."""

    category = "Operations"
    subject = "package"
    severity = E
    message = "operationId {operation_id!r} is referenced but no operation has it"

    def check(self, node, ctx):
        known = ops_by_id(ctx)
        for oid, ptr in _operation_id_references(ctx):
            if not isinstance(oid, str) or oid not in known:
                yield Violation({"operation_id": oid}, ptr)


@register
class OperationIdNotUnique(MicrosoftRule):
    """What it does: flags an operationId used by more than one operation.
    Why it matters: operations are addressed by operationId; duplicates are rejected.
    Fix: give each operation its own operationId."""

    category = "Operations"
    subject = "package"
    severity = E
    message = "operationId {operation_id!r} is also used by {other}"

    def check(self, node, ctx):
        first: dict[str, OperationNode] = {}
        for op in operations(ctx):
            oid = as_dict(op.op).get("operationId")
            if not isinstance(oid, str):
                continue
            if oid in first:
                yield Violation({"operation_id": oid, "other": f"{first[oid].method.upper()} {first[oid].path}"},
                                op.pointer + ("operationId",))
            else:
                first[oid] = op


@register
class OperationIdRequired(_OpRule):
    """What it does: flags an operation without an operationId.
    Why it matters: the platform names actions and triggers by operationId.
    Fix: add a PascalCase operationId."""

    severity = E
    message = "operation {method} {path} has no operationId"

    def check(self, node, ctx):
        oid = as_dict(node.op).get("operationId")
        if not isinstance(oid, str) or not oid.strip():
            yield Violation({"method": node.method.upper(), "path": node.path}, node.pointer)


_SANITIZED = re.compile(r"[^A-Za-z0-9_]")


@register
class OperationIdSanitized(_OpRule):
    """What it does: flags an operationId with characters other than letters, digits and `_`.
    Why it matters: the platform strips them, so the published name differs from the file.
    Fix: use letters and digits only (PascalCase)."""

    severity = W
    message = "operationId {operation_id!r} contains characters the platform removes"

    def check(self, node, ctx):
        oid = as_dict(node.op).get("operationId")
        if isinstance(oid, str) and _SANITIZED.search(oid):
            yield Violation({"operation_id": oid}, node.pointer + ("operationId",))


@register
class OperationIdShouldEndWithRevision(_OpRule):
    """What it does: flags an operation with revision N > 1 whose operationId does not end in `_VN`.
    Why it matters: revisions are told apart by their operationId suffix.
    Fix: rename to `<Name>_V<revision>`."""

    severity = W
    message = "operationId {operation_id!r} of revision {revision} should end with '_V{revision}'"

    needs = ("x-ms-api-annotation",)

    def check(self, node, ctx):
        ann = as_dict(as_dict(node.op).get("x-ms-api-annotation"))
        rev = ann.get("revision")
        oid = node.op.get("operationId")
        if isinstance(rev, int) and not isinstance(rev, bool) and rev > 1 and isinstance(oid, str):
            if not oid.upper().endswith(f"V{rev}"):
                yield Violation({"operation_id": oid, "revision": rev}, node.pointer + ("operationId",))


@register
class OperationMissingPathParameter(_OpRule):
    """What it does: flags a `{name}` in the path template with no `in: path` parameter of that name.
    Why it matters: the URL cannot be built; every call fails.
    Fix: declare the path parameter (required, x-ms-url-encoding single)."""

    severity = E
    message = "operation {operation}: path variable {{{name}}} has no path parameter"

    def check(self, node, ctx):
        declared = {as_dict(p.param).get("name") for p in node.parameters if as_dict(p.param).get("in") == "path"}
        for name in path_variables(node.path):
            if name not in declared:
                yield Violation({"operation": op_label(node), "name": name}, node.pointer)


@register
class OperationMissingRequiredProperty(MicrosoftRule):
    """What it does: flags a dynamic call that does not pass a required parameter (without default) of the called operation.
    Why it matters: the lookup request is rejected and the dropdown or schema stays empty.
    Fix: add the parameter to the extension's `parameters`."""

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
class OperationMustHaveNotificationContentExtension(_OpRule):
    """What it does: flags an operation with an x-ms-notification-url input whose path item has no x-ms-notification-content.
    Why it matters: without it the designer shows no outputs for the webhook trigger.
    Fix: add `x-ms-notification-content` with the callback payload schema to the path item."""

    severity = W
    message = "webhook operation {operation} has no x-ms-notification-content on its path"

    def check(self, node, ctx):
        if has_notification_url(ctx, node) and "x-ms-notification-content" not in as_dict(node.path_item):
            yield Violation({"operation": op_label(node)}, node.pointer)


@register
class OperationMustHaveResponse(_OpRule):
    """What it does: flags an operation with missing or empty `responses`.
    Why it matters: Swagger requires at least one response; the designer has nothing to show.
    Fix: declare the success response (and its schema)."""

    severity = W
    message = "operation {operation} declares no responses"

    def check(self, node, ctx):
        responses = as_dict(node.op).get("responses")
        if not isinstance(responses, dict) or not [k for k in responses if not str(k).startswith("x-")]:
            yield Violation({"operation": op_label(node)}, node.pointer)


@register
class OperationParameterNameNotFound(MicrosoftRule):
    """What it does: flags a dynamic call passing a parameter the called operation does not have.
    Why it matters: the value is dropped and the lookup may fail.
    Fix: use the called operation's parameter names."""

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
    """What it does: flags a dynamic call feeding a required parameter of the called operation from an optional parameter.
    Why it matters: when the user leaves the optional field empty the lookup fails.
    Fix: make the source parameter required, or pass a static value."""

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
    """What it does: flags a dynamic call feeding a parameter from a parameter of another type.
    Why it matters: the value is converted or rejected at run time.
    Fix: align the two parameters' types."""

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
    """What it does: flags a static value in a dynamic call whose JSON type differs from the called parameter's type.
    Why it matters: the lookup request is built with a value of the wrong type.
    Fix: write the value with the parameter's type (e.g. 10, not "10")."""

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


def _list_duplicates(items: list, resolve_item: Callable[[Any], Any]) -> Iterator[tuple[int, str, Any]]:
    """Duplicate parameters in a list: (index, kind, detail) with kind 'same' or 'name-in'."""
    raw_seen: list = []
    pairs: dict[tuple, int] = {}
    for i, item in enumerate(items):
        if item in raw_seen:
            yield i, "same", None
            continue
        raw_seen.append(item)
        param = as_dict(resolve_item(item))
        key = (param.get("name"), param.get("in"))
        if isinstance(key[0], str) and isinstance(key[1], str):
            if key in pairs:
                yield i, "name-in", key
            else:
                pairs[key] = i


@register
class OperationParametersAreNotUnique(_OpRule):
    """What it does: flags an operation listing the very same parameter (or `$ref`) twice.
    Why it matters: the duplicate is ambiguous and Swagger forbids it.
    Fix: remove the repeated entry."""

    severity = E
    message = "operation {operation} lists parameter entry {index} twice"

    def check(self, node, ctx):
        items = as_list(as_dict(node.op).get("parameters"))
        for i, kind, _ in _list_duplicates(items, lambda x: resolve(ctx, x)[0]):
            if kind == "same":
                yield Violation({"operation": op_label(node), "index": i}, node.pointer + ("parameters", i))


@register
class OperationParametersContainDuplicateParameter(_OpRule):
    """What it does: flags two operation parameters with the same name and location.
    Why it matters: the request cannot carry both values; Swagger forbids it.
    Fix: rename or remove one."""

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
    """What it does: flags an operation with more than one `in: body` parameter.
    Why it matters: a request has one body; Swagger allows one body parameter.
    Fix: merge them into one body schema."""

    severity = E
    message = "operation {operation} has {count} body parameters"

    def check(self, node, ctx):
        items = [resolve(ctx, x)[0] for x in as_list(as_dict(node.op).get("parameters"))]
        count = sum(1 for p in items if as_dict(p).get("in") == "body")
        if count > 1:
            yield Violation({"operation": op_label(node), "count": count}, node.pointer + ("parameters",))


class _PathKeyRule(MicrosoftRule):
    category = "Operations"
    subject = "package"
    severity = E

    def test(self, path: str) -> bool:
        raise NotImplementedError

    def check(self, node, ctx):
        for path in as_dict(doc(ctx).get("paths")):
            if isinstance(path, str) and not path.startswith("x-") and self.test(path):
                yield Violation({"path": path}, ("paths", path))


@register
class OperationPathContainsUnsupportedCharacters(_PathKeyRule):
    """What it does: flags a path key containing the wildcard `*`.
    Why it matters: the platform does not route wildcard paths.
    Fix: use a path parameter instead."""

    message = "path {path!r} contains '*'"

    def test(self, path):
        return "*" in path


@register
class OperationPathMayNotContainQueryOrFragment(_PathKeyRule):
    """What it does: flags a path key containing an unencoded `?` or `#`.
    Why it matters: query strings and fragments belong in parameters, not the path key.
    Fix: move the query to `in: query` parameters (a constant one can be internal with a default)."""

    message = "path {path!r} contains a query or fragment"

    def test(self, path):
        return "?" in path or "#" in path


@register
class OperationPathMustStartWithSlash(_PathKeyRule):
    """What it does: flags a path key that does not begin with `/`.
    Why it matters: Swagger path keys are relative to basePath and must start with a slash.
    Fix: add the leading `/`."""

    message = "path {path!r} does not start with '/'"

    def test(self, path):
        return not path.startswith("/")


def _template_broken(path: str) -> bool:
    depth = 0
    for ch in path:
        if ch == "{":
            depth += 1
            if depth > 1:
                return True
        elif ch == "}":
            depth -= 1
            if depth < 0:
                return True
        elif ch == "/" and depth:
            return True
    return depth != 0 or "{}" in path


@register
class OperationPathTemplateNotValid(_PathKeyRule):
    """What it does: flags a path key with unbalanced braces, an empty `{}` or a variable spanning segments.
    Why it matters: the URL template cannot be parsed.
    Fix: write each variable as `{name}` inside one segment."""

    message = "path template {path!r} is not valid"

    def test(self, path):
        return _template_broken(path)


@register
class OperationPathVariablesContainDefaults(_PathKeyRule):
    """What it does: flags a path variable written with a default (`{name=value}`).
    Why it matters: Swagger templates have no defaults; the variable never matches its parameter.
    Fix: use `{name}` and put the default on the parameter."""

    message = "path {path!r} gives a template variable a default"

    def test(self, path):
        return any("=" in v for v in path_variables(path))


@register
class OperationRevisionEmpty(_OpRule):
    """What it does: flags an operation in an x-ms-api-annotation family with no revision.
    Why it matters: revisions order the members of a family.
    Fix: add `revision` (an integer from 1)."""

    severity = W
    message = "operation {operation} is in family {family!r} but has no revision"

    needs = ("x-ms-api-annotation",)

    def check(self, node, ctx):
        ann = as_dict(as_dict(node.op).get("x-ms-api-annotation"))
        if isinstance(ann.get("family"), str) and ann.get("family") and ann.get("revision") is None:
            yield Violation({"operation": op_label(node), "family": ann["family"]},
                            node.pointer + ("x-ms-api-annotation",))


@register
class OperationShouldHaveSuccessfulResponse(_OpRule):
    """What it does: flags an operation with no 2xx response.
    Why it matters: the designer takes outputs from the success response.
    Fix: declare the 200/201/202/204 response."""

    severity = W
    message = "operation {operation} has no 2xx response"

    def check(self, node, ctx):
        responses = as_dict(node.op).get("responses")
        if isinstance(responses, dict) and responses:
            if not any(str(code).startswith("2") for code in responses):
                yield Violation({"operation": op_label(node)}, node.pointer + ("responses",))


@register
class OperationStatusAheadOfConnector(_OpRule):
    """What it does: flags an operation in Production status while the connector (info x-ms-api-annotation) is Preview.
    Why it matters: an operation cannot be more mature than its connector.
    Fix: set the operation to Preview or the connector to Production."""

    severity = W
    message = "operation {operation} is Production but the connector is Preview"

    needs = ("x-ms-api-annotation",)

    def check(self, node, ctx):
        info_status = as_dict(as_dict(doc(ctx).get("info")).get("x-ms-api-annotation")).get("status")
        status = as_dict(as_dict(node.op).get("x-ms-api-annotation")).get("status")
        if (isinstance(info_status, str) and info_status.lower() == "preview"
                and isinstance(status, str) and status.lower() == "production"):
            yield Violation({"operation": op_label(node)}, node.pointer + ("x-ms-api-annotation", "status"))


@register
class OperationSummaryTooLong(_OpRule):
    """What it does: flags an operation summary of 120 characters or more (Microsoft's published limit).
    Why it matters: the summary is the action's display name; long names are cut off.
    Fix: shorten it (certification asks for at most 80) and move detail to `description`."""

    severity = W
    limit = 120
    message = "summary of {operation} is {length} characters (must be fewer than 120)"

    def check(self, node, ctx):
        summary = as_dict(node.op).get("summary")
        if isinstance(summary, str) and len(summary) >= self.limit:
            yield Violation({"operation": op_label(node), "length": len(summary)}, node.pointer + ("summary",))


def _segments(path: str) -> list[str]:
    return [s for s in path.strip("/").split("/")]


@register
class PartialDuplicateOperationPath(MicrosoftRule):
    """What it does: flags two operations with the same method whose paths can match the same URL because a variable segment of one matches a static segment of the other.
    Why it matters: a request for the static path may be routed to the templated operation.
    Fix: make the paths distinguishable by a static segment."""

    category = "Operations"
    subject = "package"
    severity = W
    message = "{method} {path!r} can shadow {method} {other!r}"

    def check(self, node, ctx):
        buckets: dict[tuple, list[tuple[str, tuple, str]]] = {}
        fullmatch = _VAR.fullmatch
        for op in operations(ctx):
            path = op.path
            if "{" in path:
                segs = tuple([None if "{" in x and fullmatch(x) else x for x in _segments(path)])
                shape = _VAR.sub("{}", path)
            else:  # no variable at all (the regular expressions would find none)
                segs, shape = tuple(_segments(path)), path
            buckets.setdefault((op.method, len(segs)), []).append((path, segs, shape))
        for (method, length), items in sorted(buckets.items()):
            # Bit j of a mask stands for items[j]. Per segment position: the items with a variable
            # there, and the items with each static value; two paths can match the same URL when
            # at every position one is variable or both are the same static segment.
            variable = [0] * length
            static: list[dict[str, int]] = [{} for _ in range(length)]
            for j, (_, segs, _) in enumerate(items):
                for i, seg in enumerate(segs):
                    if seg is None:
                        variable[i] |= 1 << j
                    else:
                        static[i][seg] = static[i].get(seg, 0) | 1 << j
            every = (1 << len(items)) - 1
            for j, (a, sa, shape_a) in enumerate(items):
                later = every & (-1 << (j + 1))  # only the items after this one, as the pairs go
                for i, seg in enumerate(sa):
                    if seg is not None:
                        later &= variable[i] | static[i][seg]
                        if not later:
                            break
                while later:
                    lowest = later & -later
                    later ^= lowest
                    b, _, shape_b = items[lowest.bit_length() - 1]
                    if shape_a != shape_b:
                        yield Violation({"method": method.upper(), "path": b, "other": a}, ("paths", b))


@register
class PathParameterMustBeRequired(MicrosoftRule):
    """What it does: flags an `in: path` parameter without `required: true`.
    Why it matters: a URL cannot be built without its path segment; Swagger requires it.
    Fix: add `"required": true`."""

    category = "Operations"
    subject = "parameter"
    severity = E
    message = "path parameter {name!r} must be required"

    def check(self, node, ctx):
        param = node.param
        if isinstance(param, dict) and param.get("in") == "path" and param.get("required") is not True:
            yield Violation({"name": param.get("name")}, node.pointer)


@register
class PathParameterNotDefinedInTemplate(_OpRule):
    """What it does: flags an `in: path` parameter whose `{name}` is not in the operation's path.
    Why it matters: the value has nowhere to go; the user must fill a field that is never sent.
    Fix: add the variable to the path or remove the parameter."""

    severity = E
    message = "operation {operation}: path parameter {name!r} is not in path {path!r}"

    def check(self, node, ctx):
        variables = set(path_variables(node.path))
        for p in node.parameters:
            param = as_dict(p.param)
            if param.get("in") == "path" and param.get("name") not in variables:
                yield Violation({"operation": op_label(node), "name": param.get("name"), "path": node.path}, p.used_at)


class _PathItemParams(MicrosoftRule):
    category = "Operations"
    subject = "package"
    severity = E

    def items(self, ctx):
        for path, item in as_dict(doc(ctx).get("paths")).items():
            if isinstance(item, dict):
                yield path, as_list(item.get("parameters"))


@register
class PathParametersContainDuplicateParameter(_PathItemParams):
    """What it does: flags path-item `parameters` with the same name and location twice.
    Why it matters: Swagger forbids it; every operation of the path inherits the clash.
    Fix: remove one."""

    message = "path {path!r} has two {location} parameters named {name!r}"

    def check(self, node, ctx):
        for path, items in self.items(ctx):
            for i, kind, key in _list_duplicates(items, lambda x: resolve(ctx, x)[0]):
                if kind == "name-in":
                    yield Violation({"path": path, "name": key[0], "location": key[1]}, ("paths", path, "parameters", i))
                elif kind == "same":
                    param = as_dict(resolve(ctx, items[i])[0])
                    yield Violation({"path": path, "name": param.get("name"), "location": param.get("in")},
                                    ("paths", path, "parameters", i))


@register
class PathParametersContainMultipleBodyParameters(_PathItemParams):
    """What it does: flags path-item `parameters` with more than one body parameter.
    Why it matters: a request has one body.
    Fix: keep one body parameter."""

    message = "path {path!r} has {count} body parameters"

    def check(self, node, ctx):
        for path, items in self.items(ctx):
            count = sum(1 for x in items if as_dict(resolve(ctx, x)[0]).get("in") == "body")
            if count > 1:
                yield Violation({"path": path, "count": count}, ("paths", path, "parameters"))


@register
class PathRedefined(MicrosoftRule):
    """What it does: flags path keys that differ only in letter case.
    Why it matters: the platform matches paths case-insensitively; one hides the other.
    Fix: merge the path items."""

    category = "Operations"
    subject = "package"
    severity = E
    message = "path {path!r} differs from {other!r} only in letter case"

    def check(self, node, ctx):
        seen: dict[str, str] = {}
        for path in as_dict(doc(ctx).get("paths")):
            if not isinstance(path, str) or path.startswith("x-"):
                continue
            key = path.lower()
            if key in seen:
                yield Violation({"path": path, "other": seen[key]}, ("paths", path))
            else:
                seen[key] = path


_RESTRICTED_SUMMARY = re.compile(r"[/\\<>*%&?]")


@register
class RestrictedCharactersInSummary(_OpRule):
    """What it does: flags an operation summary containing one of / \\ < > * % & ?.
    Why it matters: Microsoft's validator rejects these characters (seen as errors in its CI logs).
    Fix: reword the summary without them."""

    severity = E
    message = "summary of {operation} contains restricted character {char!r}"

    def check(self, node, ctx):
        summary = as_dict(node.op).get("summary")
        if isinstance(summary, str):
            m = _RESTRICTED_SUMMARY.search(summary)
            if m:
                yield Violation({"operation": op_label(node), "char": m.group()}, node.pointer + ("summary",))


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
    """What it does: flags `selectedItemValuePath` in an x-ms-dynamic-tree outside its `browse` part.
    Why it matters: only browsing has a selected item to read from.
    Fix: move it under `browse.parameters`."""

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


@register
class StringBinaryNotSupportedForFormUrlEncoded(_OpRule):
    """What it does: flags a file or binary-string parameter on an operation consuming application/x-www-form-urlencoded.
    Why it matters: URL-encoded forms cannot carry binary content.
    Fix: consume multipart/form-data instead."""

    severity = W
    message = "operation {operation} consumes x-www-form-urlencoded but parameter {name!r} is binary"

    def check(self, node, ctx):
        kinds = [m.split(";")[0].strip().lower() for m in effective(node, ctx, "consumes") if isinstance(m, str)]
        if "application/x-www-form-urlencoded" not in kinds or "multipart/form-data" in kinds:
            return
        for p in node.parameters:
            param = as_dict(p.param)
            if param.get("type") == "file" or (param.get("type") == "string" and param.get("format") == "binary"):
                yield Violation({"operation": op_label(node), "name": param.get("name")}, p.used_at)


@register
class TotalOperationsCountExceedsMaxAllowed(MicrosoftRule):
    """What it does: flags a swagger with more than 256 operations (Microsoft's FAQ limit).
    Why it matters: the platform refuses larger connectors.
    Fix: split the connector."""

    category = "Operations"
    subject = "package"
    severity = E
    limit = 256
    message = "the swagger has {count} operations (at most 256 allowed)"

    def check(self, node, ctx):
        count = len(operations(ctx))
        if count > self.limit:
            yield Violation({"count": count}, ("paths",))


KNOWN_FORMATS = {
    "integer": {"int32", "int64"},
    "number": {"float", "double", "decimal", "int32", "int64"},
    "string": {"byte", "binary", "date", "date-time", "password", "date-no-tz", "email", "html", "uri", "uuid"},
}


def unknown_format(holder: Mapping) -> str | None:
    """The unrecognised `format` of a schema or parameter, or None."""
    fmt, typ = holder.get("format"), holder.get("type")
    if not isinstance(fmt, str) or not isinstance(typ, str) or typ not in KNOWN_FORMATS:
        return None
    return None if fmt in KNOWN_FORMATS[typ] else fmt


@register
class UnrecognizedTypeFormat(MicrosoftRule):
    """What it does: flags a `type`/`format` pair the platform does not know (e.g. string/guid).
    Why it matters: the format is ignored, so no date picker, validation or conversion happens.
    Fix: use a known format (uuid, date-time, int32, ...) or drop `format`."""

    category = "Operations"
    subject = "parameter"
    severity = W
    message = "parameter {name!r}: format {format!r} is not a known {type} format"

    def check(self, node, ctx):
        param = node.param
        if isinstance(param, dict):
            fmt = unknown_format(param)
            if fmt is not None:
                yield Violation({"name": param.get("name"), "format": fmt, "type": param.get("type")},
                                node.pointer + ("format",))


@register
class WebhookOperationsMissingNotificationUrlProperty(_OpRule):
    """What it does: flags a webhook trigger (x-ms-trigger with x-ms-notification-content) with no input marked x-ms-notification-url.
    Why it matters: the platform cannot hand the callback URL to the service (unless custom code or a policy does).
    Fix: mark the callback URL body property with `x-ms-notification-url: true`, internal and required."""

    severity = W
    message = "webhook trigger {operation} has no x-ms-notification-url input"

    def check(self, node, ctx):
        if (is_trigger(node) and "x-ms-notification-content" in as_dict(node.path_item)
                and not has_notification_url(ctx, node)):
            yield Violation({"operation": op_label(node)}, node.pointer)


# --------------------------------------------------------------------------- not decidable offline

_OPS = "Operations"
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
not_implemented(
    "MimeTypeNotCompatibleWithRequestContentSchemaType", _OPS, W,
    "The operation's MIME types do not fit its request content type.",
    "Microsoft does not publish which MIME types it considers compatible with which request content types.")
not_implemented(
    "OperationIdTooLong", _OPS, W,
    "operationId longer than the service limit.",
    "The length limit is a placeholder on Microsoft's page; its value is not published.")
not_implemented(
    "OperationSchemaCountExceedsMaxAllowed", _OPS, E,
    "More than 16,384 schemas in one operation.",
    "How the service counts schemas (per $ref use or per definition) is not published; "
    "no real connector comes near the limit.")


# --------------------------------------------------------------------------- keyword holders


def keyword_holders(ctx: Any) -> list[tuple[Mapping, tuple, str | None]]:
    """Every object that can carry schema keywords (type, enum, default, minimum, ...):
    non-body parameters and their `items`, and every schema. (object, pointer, label or None
    for a schema, see `holder_label`); each place once."""
    def build() -> list:
        out: list = []
        seen: set[tuple] = set()
        for p in getattr(ctx, "parameters", None) or ():
            param = p.param
            if not isinstance(param, dict) or param.get("in") == "body" or p.pointer in seen:
                continue
            seen.add(p.pointer)
            label = f"parameter {param.get('name')!r}"
            out.append((param, p.pointer, label))
            items, ptr, depth = param.get("items"), p.pointer + ("items",), 0
            while isinstance(items, dict) and depth < 20:
                out.append((items, ptr, label + " items"))
                items, ptr, depth = items.get("items"), ptr + ("items",), depth + 1
        out.extend([(s.schema, s.pointer, None) for s in getattr(ctx, "schemas", None) or ()
                    if isinstance(s.schema, dict)])
        return out
    return memo(ctx, "keyword_holders", build)


def holders_with(ctx: Any, key: str) -> list[tuple[Mapping, tuple, str | None]]:
    """The keyword holders that contain `key` (buckets built in one pass over all holders)."""
    def build() -> dict[str, list]:
        buckets: dict[str, list] = {}
        common = HOLDER_KEYS.intersection  # the keys of one holder, filtered at C speed
        for entry in keyword_holders(ctx):
            # each bucket still receives the holders in holder order
            for k in common(entry[0]):
                buckets.setdefault(k, []).append(entry)
        return buckets
    return memo(ctx, "holder_buckets", build).get(key, [])


HOLDER_KEYS = frozenset((
    "type", "enum", "required", "default", "x-ms-enum-values", "collectionFormat", "uniqueItems", "multipleOf",
    "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength", "minItems",
    "maxItems", "minProperties", "maxProperties", "pattern", "format"))


def has_key(ctx: Any, key: str) -> bool:
    """Whether any parameter or schema of the package has `key` (a cheap test before walking for
    a rare keyword). Also answers "format=<value>", "x-ms-visibility=<value>" and "x-ms-dynamic-*"."""
    def build() -> frozenset:
        objects = [p.param for p in getattr(ctx, "parameters", None) or ()]
        objects += [s.schema for s in getattr(ctx, "schemas", None) or ()]
        objects = [obj for obj in objects if isinstance(obj, dict)]
        found: set[str] = set().union(*objects)  # every key, gathered in one C-level call
        for name in ("format", "x-ms-visibility"):
            if name in found:
                found.update(f"{name}={value}" for obj in objects
                             if isinstance(value := obj.get(name), str))
        if any(isinstance(k, str) and k.startswith("x-ms-dynamic-") for k in found):
            found.add("x-ms-dynamic-*")
        return frozenset(found)
    return key in memo(ctx, "keys_present", build)


def holder_label(label: str | None, ptr: tuple) -> str:
    """A short human name of a keyword holder: its parameter name or its schema's place."""
    return label if label is not None else schema_label(ptr)


def schema_label(ptr: tuple) -> str:
    """A short human name of a schema place: 'definitions/Call/properties/id'."""
    text = "/".join(str(x) for x in ptr)
    return f"schema {text}" if len(text) < 90 else f"schema ...{text[-80:]}"


class _HolderRule(MicrosoftRule):
    """A rule over the keyword holders containing one of `keys`; subclasses implement `test`."""

    subject = "package"
    keys: tuple[str, ...] = ()
    # Optional cheap test "this holder certainly passes": rules whose keys almost every holder
    # has set it, so that most holders cost one call instead of a `test` generator.
    clean: Callable[[Mapping], bool] | None = None

    def test(self, obj: Mapping, ctx: Any) -> Iterator[tuple[dict, tuple]]:
        raise NotImplementedError

    def check(self, node, ctx):
        done: set[int] = set()
        clean = self.clean
        for key in self.keys:
            for obj, ptr, label in holders_with(ctx, key):
                if len(self.keys) > 1:
                    if id(obj) in done:
                        continue
                    done.add(id(obj))
                if clean is not None and clean(obj):
                    continue
                for args, sub in self.test(obj, ctx):
                    yield Violation({"where": holder_label(label, ptr), **args}, ptr + sub)


def _duplicates(values: list) -> list:
    """Values that occur more than once (first repeat of each), by JSON equality."""
    try:  # distinct by Python equality (the usual case) means distinct by JSON equality
        if len(set(values)) == len(values):
            return []
    except TypeError:  # an object or array among the values
        pass
    seen: set = set()
    dupes: list = []
    for v in values:
        probe = (json_type(v), v if not isinstance(v, (dict, list)) else repr(v))
        if probe in seen:
            if probe not in dupes:
                dupes.append(probe)
        else:
            seen.add(probe)
    return [v for _, v in dupes]


@register
class ArrayDuplicateValue(_HolderRule):
    """What it does: flags an `enum` or `required` array (and `consumes`, `produces`, `schemes`) holding the same value twice.
    Why it matters: Swagger requires these arrays to have unique items.
    Fix: remove the repeated value."""

    keys = ("enum", "required")
    category = "Operations"
    severity = W
    message = "{where}: {keyword} lists {value!r} more than once"

    def test(self, obj, ctx):
        for keyword in ("enum", "required"):
            values = obj.get(keyword)
            if isinstance(values, list):
                for v in _duplicates(values):
                    yield {"keyword": keyword, "value": v}, (keyword,)

    @staticmethod
    def clean(obj: Mapping) -> bool:
        enum, required = obj.get("enum"), obj.get("required")
        return (type(enum) is not list or _distinct(enum)) and (type(required) is not list or _distinct(required))

    def check(self, node, ctx):
        yield from super().check(node, ctx)
        root = doc(ctx)
        for keyword in ("consumes", "produces", "schemes"):
            for v in _duplicates(as_list(root.get(keyword))):
                yield Violation({"where": "document", "keyword": keyword, "value": v}, (keyword,))
        for op in operations(ctx):
            obj = op.op
            if type(obj) is dict and _OP_LISTS.isdisjoint(obj):
                continue
            for keyword in ("consumes", "produces", "schemes", "tags"):
                for v in _duplicates(as_list(as_dict(obj).get(keyword))):
                    yield Violation({"where": op_label(op), "keyword": keyword, "value": v}, op.pointer + (keyword,))


_OP_LISTS = frozenset(("consumes", "produces", "schemes", "tags"))


def _distinct(values: list) -> bool:
    """Whether a list certainly holds no repeat (distinct hashable values); False when unsure."""
    try:
        return len(set(values)) == len(values)
    except TypeError:  # an object or array among the values: `_duplicates` decides
        return False


@register
class ConnectionIdParameterNotAllowed(MicrosoftRule):
    """What it does: flags a parameter named `connectionId`.
    Why it matters: the platform reserves that name for the connection it adds to every call.
    Fix: rename the parameter."""

    category = "Operations"
    subject = "parameter"
    severity = E
    message = "parameter name 'connectionId' is reserved"

    def check(self, node, ctx):
        if isinstance(node.param, dict) and node.param.get("name") == "connectionId":
            yield Violation({}, node.pointer + ("name",))


def _enum_values(obj: Mapping) -> list:
    return as_list(obj.get("x-ms-enum-values"))


@register
class DuplicateEnumValuesInExtension(_HolderRule):
    """What it does: flags x-ms-enum-values mapping the same `value` twice.
    Why it matters: the dropdown shows two names for one value.
    Fix: keep one entry per value."""

    keys = ("x-ms-enum-values",)
    category = "Operations"
    severity = W
    message = "{where}: x-ms-enum-values maps {value!r} more than once"

    def test(self, obj, ctx):
        values = [as_dict(e).get("value") for e in _enum_values(obj) if isinstance(e, dict) and "value" in e]
        for v in _duplicates(values):
            yield {"value": v}, ("x-ms-enum-values",)


@register
class InvalidEnumValue(_HolderRule):
    """What it does: flags an `enum` member whose JSON type differs from the declared `type`.
    Why it matters: the value can never be valid input or output.
    Fix: write the members with the declared type (e.g. 1, not "1", for integer)."""

    keys = ("enum",)
    category = "Operations"
    severity = W
    message = "{where}: enum value {value!r} is not of type {type}"

    def test(self, obj, ctx):
        typ = obj.get("type")
        if not isinstance(typ, str):
            return
        for i, v in enumerate(as_list(obj.get("enum"))):
            if v is not None and not fits_type(v, typ):
                yield {"value": v, "type": typ}, ("enum", i)


@register
class InvalidEnumValuesExtensionValue(_HolderRule):
    """What it does: flags an x-ms-enum-values item whose `value` is not one of the `enum` entries.
    Why it matters: the dropdown offers a value the schema does not allow.
    Fix: add the value to `enum` or remove the item."""

    keys = ("x-ms-enum-values",)
    category = "Operations"
    severity = W
    message = "{where}: x-ms-enum-values value {value!r} is not in enum"

    def test(self, obj, ctx):
        enum = obj.get("enum")
        if not isinstance(enum, list):
            return
        for i, item in enumerate(_enum_values(obj)):
            if isinstance(item, dict) and "value" in item and item["value"] not in enum:
                yield {"value": item["value"]}, ("x-ms-enum-values", i, "value")


@register
class InvalidFormDataParameterName(MicrosoftRule):
    """What it does: flags a formData parameter whose name has non US-ASCII characters.
    Why it matters: form field names are sent as-is; non-ASCII names break the multipart encoding.
    Fix: use an ASCII name (x-ms-summary can carry the display text)."""

    category = "Operations"
    subject = "parameter"
    severity = W
    message = "formData parameter name {name!r} is not US-ASCII"

    def check(self, node, ctx):
        param = node.param
        name = param.get("name") if isinstance(param, dict) else None
        if param.get("in") == "formData" and isinstance(name, str) and not name.isascii():
            yield Violation({"name": name}, node.pointer + ("name",))
