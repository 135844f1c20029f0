"""Power Platform `x-ms-*` extensions: known names, where each may stand, what values it takes
(the webhook conventions are in webhooks.py)."""

from __future__ import annotations

import difflib
import re
import weakref
from typing import TYPE_CHECKING, Any, Callable, Iterator

from pbxconn.core.findings import Severity
from pbxconn.core.swagger import HTTP_METHODS
from pbxconn.validate.rule import Rule, Violation, register

if TYPE_CHECKING:  # pragma: no cover
    from pbxconn.validate.package import Package

# Where an extension may stand. Kinds: root, info, path (path item), operation, parameter,
# schema (any schema object, including properties and items), response, header.
_ANY_VALUE = ("parameter", "schema")
KNOWN_EXTENSIONS: dict[str, frozenset[str]] = {
    name: frozenset(kinds) for name, kinds in {
        "x-ms-summary": ("parameter", "schema", "header", "response"),
        "x-ms-visibility": ("operation", "parameter", "schema", "response", "header"),
        "x-ms-api-annotation": ("operation", "info"),
        "x-ms-operation-context": ("operation",),
        "x-ms-capabilities": ("root", "operation"),
        "x-ms-trigger": ("operation",),
        "x-ms-trigger-hint": ("operation",),
        "x-ms-trigger-metadata": ("operation",),
        "x-ms-notification-content": ("path", "operation"),
        "x-ms-notification-url": _ANY_VALUE,
        "x-ms-notification": ("operation",),
        "x-ms-url-encoding": ("parameter",),
        "x-ms-dynamic-values": _ANY_VALUE,
        "x-ms-dynamic-list": _ANY_VALUE,
        "x-ms-dynamic-schema": _ANY_VALUE,
        "x-ms-dynamic-properties": _ANY_VALUE,
        "x-ms-dynamic-tree": _ANY_VALUE,
        "x-ms-enum-values": _ANY_VALUE,
        "x-ms-pageable": ("operation",),
        "x-ms-no-generic-test": ("operation",),
        "x-ms-safe-operation": ("operation",),
        "x-ms-connector-metadata": ("root",),
        "x-ms-editor": _ANY_VALUE,
        "x-ms-editor-options": _ANY_VALUE,
        "x-ms-media-kind": _ANY_VALUE,
        "x-ms-test-value": _ANY_VALUE,
        "x-ms-localizeDefaultValue": ("parameter",),
        "x-ms-trigger-value": _ANY_VALUE,
        "x-ms-deployment-version": ("info",),
        "x-ms-docs": ("root",),
        "x-ms-openai-data": ("root", "operation"),
        "x-ms-openai-manifest": ("root",),
        "x-ms-require-user-confirmation": ("operation",),
        "x-ms-keywords": ("info",),
        "x-ms-openai-published-to-copilots": ("info",),
    }.items()
}

# AutoRest / Azure REST spec extensions: real names, but Power Platform ignores them.
AUTOREST_EXTENSIONS: dict[str, str] = {
    "x-ms-enum": "x-ms-enum-values",
    "x-ms-client-name": "",
    "x-ms-client-flatten": "",
    "x-ms-client-default": "",
    "x-ms-parameter-location": "",
    "x-ms-parameter-grouping": "",
    "x-ms-parameterized-host": "",
    "x-ms-skip-url-encoding": "x-ms-url-encoding",
    "x-ms-long-running-operation": "",
    "x-ms-long-running-operation-options": "",
    "x-ms-examples": "",
    "x-ms-secret": "",
    "x-ms-mutability": "",
    "x-ms-discriminator-value": "",
    "x-ms-identifiers": "",
    "x-ms-azure-resource": "",
    "x-ms-paths": "",
    "x-ms-odata": "",
    "x-ms-error-response": "",
    "x-ms-external": "",
    "x-ms-header-collection-prefix": "",
    "x-ms-code-generation-settings": "",
    "x-ms-pageable-operation": "",
    "x-ms-flatten": "",
}

_TRUE_ONLY = {True}
_BOOL = {True, False}
# extension -> (allowed values, hint); checked only where the extension is well placed.
ALLOWED_VALUES: dict[str, tuple[set, str]] = {
    "x-ms-visibility": ({"important", "advanced", "internal"}, "omit the key for normal visibility"),
    "x-ms-trigger": ({"batch", "single"}, "batch for a collection, single for one event"),
    "x-ms-url-encoding": ({"single", "double"}, ""),
    "x-ms-media-kind": ({"image", "audio"}, ""),
    "x-ms-editor": ({"dictionary"}, ""),
    "x-ms-notification-url": (_TRUE_ONLY, "the JSON boolean true"),
    "x-ms-no-generic-test": (_BOOL, "a JSON boolean"),
    "x-ms-safe-operation": (_BOOL, "a JSON boolean"),
    "x-ms-localizeDefaultValue": (_BOOL, "a JSON boolean"),
    "x-ms-require-user-confirmation": (_BOOL, "a JSON boolean"),
}
# Keys whose values are data (examples, defaults), not document structure.
_DATA_KEYS = frozenset({"example", "examples", "x-example", "default", "enum", "x-ms-test-value"})


def extension_list(swagger: Any) -> list[tuple[str, tuple, str, Any]]:
    """`iter_extensions` as a list: one recursive pass over the structural objects (a function
    per kind of object, so no per-node dispatch). Places are kept as (parent link, key) links
    and spelled out only for objects that hold an extension."""
    out: list[tuple[str, tuple, str, Any]] = []
    if not isinstance(swagger, dict):
        return out
    add, leaf = out.append, _SUB_SCHEMA_KEYS.isdisjoint

    def report(kind: str, node: dict, link: Any) -> None:
        _report(kind, node, link, add)

    def schema(node: Any, link: Any, kind: str = "schema") -> None:
        if type(node) is not dict:
            return
        report(kind, node, link)
        if leaf(node):  # most schemas: no sub-schema keys at all
            return
        props = node.get("properties")
        if type(props) is dict:
            here = (link, "properties")
            for name, child in props.items():
                schema(child, (here, name))
        items = node.get("items")
        if type(items) is list:
            here = (link, "items")
            for i, child in enumerate(items):
                schema(child, (here, i))
        elif items is not None:
            schema(items, (link, "items"))
        for key in ("allOf", "anyOf", "oneOf"):
            group = node.get(key)
            if type(group) is list:
                here = (link, key)
                for i, child in enumerate(group):
                    schema(child, (here, i))
        extra = node.get("additionalProperties")
        if type(extra) is dict:
            schema(extra, (link, "additionalProperties"))

    def parameter(node: Any, link: Any) -> None:
        if type(node) is not dict:
            return
        report("parameter", node, link)
        if "schema" in node:
            schema(node["schema"], (link, "schema"))
        if "items" in node:
            schema(node["items"], (link, "items"))

    def response(node: Any, link: Any) -> None:
        if type(node) is not dict:
            return
        report("response", node, link)
        if "schema" in node:
            schema(node["schema"], (link, "schema"))
        headers = node.get("headers")
        if type(headers) is dict:
            here = (link, "headers")
            for name, child in headers.items():
                schema(child, (here, name), "header")

    def parameters(value: Any, link: Any) -> None:
        if type(value) is list:
            for i, child in enumerate(value):
                parameter(child, (link, i))

    def operation(node: Any, link: Any) -> None:
        if type(node) is not dict:
            return
        report("operation", node, link)
        parameters(node.get("parameters"), (link, "parameters"))
        table = node.get("responses")
        if type(table) is dict:
            here = (link, "responses")
            for code, child in table.items():
                response(child, (here, code))

    def path(node: Any, link: Any) -> None:
        if type(node) is not dict:
            return
        report("path", node, link)
        for method in HTTP_METHODS:
            if method in node:
                operation(node[method], (link, method))
        parameters(node.get("parameters"), (link, "parameters"))

    def walk() -> None:
        report("root", swagger, None)
        info = swagger.get("info")
        if type(info) is dict:
            report("info", info, (None, "info"))
        for section, visit in (("paths", path), ("definitions", schema), ("parameters", parameter),
                               ("responses", response)):
            table = swagger.get(section)
            if type(table) is dict:
                here = (None, section)
                for name, child in table.items():
                    visit(child, (here, name))

    try:
        walk()
    except RecursionError:  # a schema nested deeper than the interpreter's stack: walk with a list
        out.clear()
        out.extend(_extension_list_stack(swagger))
    return out


def _report(kind: str, node: dict, link: Any, add: Callable) -> None:
    """Add (kind, owner pointer, key, value) for each `x-ms*` key of one object; the owner's
    (parent link, key) links are spelled out only when it holds one."""
    at = None
    for key in node:
        if type(key) is str and key[:1] in _X and key[:4].lower() == "x-ms":
            if at is None:
                parts, up = [], link
                while up is not None:
                    up, part = up
                    parts.append(part)
                parts.reverse()
                at = tuple(parts)
            add((kind, at, key, node[key]))


def _extension_list_stack(swagger: Any) -> list[tuple[str, tuple, str, Any]]:
    """`extension_list` with an explicit stack, for documents nested deeper than recursion allows."""
    out: list[tuple[str, tuple, str, Any]] = []
    if not isinstance(swagger, dict):
        return out
    stack: list[tuple[str, Any, Any]] = [("root", swagger, None)]
    pop, push, leaf = stack.pop, stack.append, _SUB_SCHEMA_KEYS.isdisjoint
    seen = 0
    while stack:
        kind, node, link = pop()
        seen += 1
        if not isinstance(node, dict) or seen > 500_000:
            continue
        _report(kind, node, link, out.append)
        if kind == "schema" or kind == "header":
            if leaf(node):  # most schemas: no sub-schema keys at all
                continue
            props = node.get("properties")
            if isinstance(props, dict) and props:
                here = (link, "properties")
                for name, child in props.items():
                    push(("schema", child, (here, name)))
            items = node.get("items")
            if isinstance(items, list):
                here = (link, "items")
                for i, child in enumerate(items):
                    push(("schema", child, (here, i)))
            elif items is not None:
                push(("schema", items, (link, "items")))
            for key in ("allOf", "anyOf", "oneOf"):
                group = node.get(key)
                if isinstance(group, list):
                    here = (link, key)
                    for i, child in enumerate(group):
                        push(("schema", child, (here, i)))
            extra = node.get("additionalProperties")
            if isinstance(extra, dict):
                push(("schema", extra, (link, "additionalProperties")))
        elif kind == "parameter":
            if "schema" in node:
                push(("schema", node["schema"], (link, "schema")))
            if "items" in node:
                push(("schema", node["items"], (link, "items")))
        elif kind == "response":
            if "schema" in node:
                push(("schema", node["schema"], (link, "schema")))
            _push_map(push, "header", node.get("headers"), (link, "headers"))
        elif kind == "operation":
            _push_list(push, "parameter", node.get("parameters"), (link, "parameters"))
            _push_map(push, "response", node.get("responses"), (link, "responses"))
        elif kind == "path":
            for method in HTTP_METHODS:
                if method in node:
                    push(("operation", node[method], (link, method)))
            _push_list(push, "parameter", node.get("parameters"), (link, "parameters"))
        elif kind == "root":
            push(("info", node.get("info"), (link, "info")))
            _push_map(push, "path", node.get("paths"), (link, "paths"))
            _push_map(push, "schema", node.get("definitions"), (link, "definitions"))
            _push_map(push, "parameter", node.get("parameters"), (link, "parameters"))
            _push_map(push, "response", node.get("responses"), (link, "responses"))
    return out


_X = "xX"
_SUB_SCHEMA_KEYS = frozenset(("properties", "items", "allOf", "anyOf", "oneOf", "additionalProperties"))


def _push_map(push: Callable, kind: str, value: Any, link: Any) -> None:
    if isinstance(value, dict) and value:
        for name, child in value.items():
            push((kind, child, (link, name)))


def _push_list(push: Callable, kind: str, value: Any, link: Any) -> None:
    if isinstance(value, list):
        for i, child in enumerate(value):
            push((kind, child, (link, i)))


_CACHE: "weakref.WeakKeyDictionary[Any, dict[str, Any]]" = weakref.WeakKeyDictionary()


def cached(ctx: "Package", key: str, build: Callable[["Package"], Any]) -> Any:
    """Compute `build(ctx)` once per package (rules of several subjects share package facts)."""
    try:
        slot = _CACHE.setdefault(ctx, {})
    except TypeError:  # not weak-referenceable: no cache
        return build(ctx)
    if key not in slot:
        slot[key] = build(ctx)
    return slot[key]


def _extensions(ctx: "Package") -> list[tuple[str, tuple, str, Any]]:
    return extension_list(ctx.swagger)


def _normal(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


_NORMAL_KNOWN = {_normal(k): k for k in list(KNOWN_EXTENSIONS) + list(AUTOREST_EXTENSIONS)}


def suggest_extension(name: str) -> str | None:
    """The known extension a misspelled `x-ms-*` name most likely means, or None."""
    normal = _normal(name)
    if normal in _NORMAL_KNOWN and _NORMAL_KNOWN[normal] != name:
        return _NORMAL_KNOWN[normal]
    match = difflib.get_close_matches(normal, list(_NORMAL_KNOWN), n=1, cutoff=0.85)
    if match:
        return _NORMAL_KNOWN[match[0]]
    # "x-ms-summary title", "x-ms-visibility-x": a known name followed by junk
    for known_normal, known in sorted(_NORMAL_KNOWN.items(), key=lambda kv: -len(kv[0])):
        if normal.startswith(known_normal) and len(known_normal) >= 8:
            return known
    return None


@register
class ExtensionNameMisspelled(Rule):
    """An `x-ms-*` key that is a misspelling of a known extension.

    What it does: compares every `x-ms-*` key of the swagger's structure with the extensions
    Power Platform knows and reports near misses (`x-ms-visibilty`, `x-ms-summmary`,
    `x-ms-summary title`, wrong letter case) with the name it most likely means.

    Why it matters: a misspelled extension is silently ignored: the parameter keeps its raw
    name instead of its display title, an internal parameter shows up in the designer.

    Fix: rename the key to the suggested extension.
    """

    code = "ExtensionNameMisspelled"
    category = "Extensions"
    origin = "pbxconn"
    severity = Severity.WARNING
    message = "unknown extension {name!r}; did you mean {suggestion!r}?"
    subject = "package"

    def check(self, node: "Package", ctx: "Package") -> Iterator[Violation]:
        """Yield one violation per misspelled extension key."""
        for _, at, key, _ in cached(ctx, "extensions", _extensions):
            if key in KNOWN_EXTENSIONS or key in AUTOREST_EXTENSIONS:
                continue
            suggestion = suggest_extension(key)
            if suggestion:
                yield Violation(args={"name": key, "suggestion": suggestion}, pointer=at + (key,))


@register
class ExtensionNameUnknown(Rule):
    """An `x-ms-*` key Power Platform does not know and that resembles no known extension.

    What it does: reports `x-ms-*` keys that are neither Power Platform extensions, nor
    AutoRest extensions, nor near misses of either.

    Why it matters: the platform ignores them; they usually are left-overs of another tool
    and make readers believe something is configured that is not.

    Fix: remove the key, or use the Power Platform extension that does what was intended.
    """

    code = "ExtensionNameUnknown"
    category = "Extensions"
    origin = "pbxconn"
    severity = Severity.INFO
    message = "extension {name!r} is not a Power Platform extension and is ignored"
    subject = "package"

    def check(self, node: "Package", ctx: "Package") -> Iterator[Violation]:
        """Yield one violation per unknown extension key."""
        for _, at, key, _ in cached(ctx, "extensions", _extensions):
            if key in KNOWN_EXTENSIONS or key in AUTOREST_EXTENSIONS or suggest_extension(key):
                continue
            yield Violation(args={"name": key}, pointer=at + (key,))


@register
class ExtensionNotSupported(Rule):
    """An AutoRest (Azure SDK) extension that Power Platform ignores.

    What it does: reports AutoRest extensions such as `x-ms-enum`, `x-ms-client-name`,
    `x-ms-parameter-location` in a connector swagger, naming the Power Platform counterpart
    where one exists.

    Why it matters: they have no effect in Power Platform (`x-ms-enum` does not give enum values
    display names there; `x-ms-enum-values` does) and Microsoft's repository schema rejects them.

    Fix: remove them, or use the named Power Platform extension.
    """

    code = "ExtensionNotSupported"
    category = "Extensions"
    origin = "pbxconn"
    severity = Severity.INFO
    message = "{name!r} is an AutoRest extension that Power Platform ignores{hint}"
    subject = "package"

    def check(self, node: "Package", ctx: "Package") -> Iterator[Violation]:
        """Yield one violation per AutoRest extension key."""
        for _, at, key, _ in cached(ctx, "extensions", _extensions):
            if key in AUTOREST_EXTENSIONS:
                instead = AUTOREST_EXTENSIONS[key]
                yield Violation(args={"name": key, "hint": f"; use {instead!r}" if instead else ""},
                                pointer=at + (key,))


_KIND_LABEL = {"root": "the document root", "info": "info", "path": "a path item", "operation": "an operation",
               "parameter": "a parameter", "schema": "a schema", "response": "a response", "header": "a header"}


@register
class ExtensionMisplaced(Rule):
    """A known extension written where Power Platform does not read it.

    What it does: checks that each known extension stands on the kind of object it belongs to
    (`x-ms-trigger` on an operation, `x-ms-url-encoding` on a parameter, `x-ms-connector-metadata`
    at the root, `x-ms-deployment-version` in info, and so on).

    Why it matters: a well-spelled extension in the wrong place is ignored just like a typo:
    `x-ms-visibility` on a path item hides nothing, `x-ms-url-encoding` on a schema property
    changes no encoding.

    Fix: move the key to the object the message names.
    """

    code = "ExtensionMisplaced"
    category = "Extensions"
    origin = "pbxconn"
    severity = Severity.WARNING
    message = "{name!r} has no effect on {where}; it belongs on {allowed}"
    subject = "package"

    def check(self, node: "Package", ctx: "Package") -> Iterator[Violation]:
        """Yield one violation per known extension on the wrong kind of object."""
        for kind, at, key, _ in cached(ctx, "extensions", _extensions):
            allowed = KNOWN_EXTENSIONS.get(key)
            if allowed is None or kind in allowed:
                continue
            labels = " or ".join(_KIND_LABEL[k] for k in sorted(allowed))
            yield Violation(args={"name": key, "where": _KIND_LABEL[kind], "allowed": labels}, pointer=at + (key,))


@register
class ExtensionValueNotAllowed(Rule):
    """An extension whose value is not one it accepts.

    What it does: checks the values of extensions with a closed set of values:
    `x-ms-visibility` (important, advanced, internal), `x-ms-trigger` (batch, single),
    `x-ms-url-encoding` (single, double), `x-ms-media-kind`, `x-ms-editor`, the boolean flags,
    and `x-ms-trigger-metadata` (`{"kind": "query", "mode": "polling"}`).

    Why it matters: an unknown value is ignored or misread: `"x-ms-visibility": "Internal"` or
    `""` leaves a parameter visible. An unknown `x-ms-trigger` value makes the operation useless
    as a trigger, so that case is an error.

    Fix: use one of the values the message lists (values are case-sensitive).
    """

    code = "ExtensionValueNotAllowed"
    category = "Extensions"
    origin = "pbxconn"
    severity = Severity.WARNING
    message = "{name} value {value!r} is not allowed; expected {expected}{hint}"
    subject = "package"

    def check(self, node: "Package", ctx: "Package") -> Iterator[Violation]:
        """Yield one violation per extension value outside its allowed set."""
        for kind, at, key, value in cached(ctx, "extensions", _extensions):
            if kind not in KNOWN_EXTENSIONS.get(key, ()):
                continue
            if key == "x-ms-trigger-metadata":
                if not (isinstance(value, dict) and value.get("kind") == "query" and value.get("mode") == "polling"):
                    yield Violation(args={"name": key, "value": value, "expected": '{"kind": "query", "mode": "polling"}',
                                          "hint": ""}, pointer=at + (key,))
                continue
            rule = ALLOWED_VALUES.get(key)
            if rule is None:
                continue
            allowed, hint = rule
            if _allowed(value, allowed):
                continue
            if isinstance(value, str) and value.lower() in {str(a).lower() for a in allowed}:
                hint = f"; write it in lower case: {value.lower()!r}"
            elif hint:
                hint = f" ({hint})"
            expected = ", ".join(sorted(str(a).lower() if isinstance(a, bool) else a for a in allowed))
            yield Violation(args={"name": key, "value": value, "expected": expected, "hint": hint},
                            pointer=at + (key,), severity=Severity.ERROR if key == "x-ms-trigger" else None)


def _allowed(value: Any, allowed: set) -> bool:
    if isinstance(value, bool) or any(isinstance(a, bool) for a in allowed):
        return isinstance(value, bool) and value in allowed
    return isinstance(value, str) and value in allowed
