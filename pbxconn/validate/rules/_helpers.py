"""What the rule modules share: JSON type tests, the schema walker, short readers of the package
index (operations by id, dynamic-extension calls, keys present), and the rule bases
`MicrosoftRule`, `_OpRule`, `_HolderRule` and `_PropRule`.

Not a rule module: the loader skips the modules whose name starts with `_`.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Iterator, Mapping

from pbxconn.core.refs import RefError, follow
from pbxconn.validate.index import DynamicCall, Holder
from pbxconn.validate.rule import OperationNode, Rule, Violation

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch")
_EMPTY: Mapping[str, Any] = {}


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
    return ctx.operations


def ops_by_id(ctx: Any) -> dict[str, OperationNode]:
    """First operation of each operationId."""
    return ctx.operations_by_id


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
    return node.pointer in ctx.index.notification_url_operations


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


def dynamic_calls(ctx: Any) -> list[DynamicCall]:
    """Every dynamic extension object: (extension name, value, pointer, calling OperationNode or None)."""
    return ctx.index.dynamic_calls


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


class MicrosoftRule(Rule):
    """Base of the rules carrying Microsoft's published codes."""

    origin = "microsoft"


class _OpRule(MicrosoftRule):
    category = "Operations"
    subject = "operation"


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


def has_key(ctx: Any, key: str) -> bool:
    """Whether any parameter or schema of the package has `key` (a cheap test before walking for
    a rare keyword). Also answers "format=<value>", "x-ms-visibility=<value>" and "x-ms-dynamic-*"."""
    return key in ctx.index.keys


class _HolderRule(MicrosoftRule):
    """A rule over the keyword holders containing one of `needs`, one holder per `check` (the
    engine hands it only those holders, in holder order); subclasses implement `test`."""

    subject = "holder"
    # Optional cheap test "this holder certainly passes": rules whose keys almost every holder
    # has set it, so that most holders cost one call instead of a `test` generator.
    clean: Callable[[Mapping], bool] | None = None

    def test(self, obj: Mapping, ctx: Any) -> Iterator[tuple[dict, tuple]]:
        raise NotImplementedError

    def check(self, node: Holder, ctx: Any) -> Iterator[Violation]:
        obj = node.obj
        clean = self.clean
        if clean is not None and clean(obj):
            return
        ptr = node.pointer
        for args, sub in self.test(obj, ctx):
            yield Violation(args, ptr + sub)


class _PropRule(MicrosoftRule):
    category = "Properties"
    subject = "package"


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
