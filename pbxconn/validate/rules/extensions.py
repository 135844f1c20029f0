"""Power Platform `x-ms-*` extensions: known names, where each may stand, what values it takes
(the webhook conventions are in webhooks.py)."""

from __future__ import annotations

import difflib
import re
from typing import TYPE_CHECKING, Any, Iterator

from pbxconn.core.findings import Severity
from pbxconn.validate.rule import Rule, Violation, register

if TYPE_CHECKING:  # pragma: no cover
    from pbxconn.validate.index import ExtensionSite
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

    category = "Extensions"
    origin = "pbxconn"
    severity = Severity.WARNING
    message = "unknown extension {name!r}; did you mean {suggestion!r}?"
    subject = "extension"

    def check(self, node: "ExtensionSite", ctx: "Package") -> Iterator[Violation]:
        """Yield one violation per misspelled extension key."""
        key = node.key
        if key in KNOWN_EXTENSIONS or key in AUTOREST_EXTENSIONS:
            return
        suggestion = suggest_extension(key)
        if suggestion:
            yield Violation(args={"name": key, "suggestion": suggestion}, pointer=node.at + (key,))


@register
class ExtensionNameUnknown(Rule):
    """An `x-ms-*` key Power Platform does not know and that resembles no known extension.

    What it does: reports `x-ms-*` keys that are neither Power Platform extensions, nor
    AutoRest extensions, nor near misses of either.

    Why it matters: the platform ignores them; they usually are left-overs of another tool
    and make readers believe something is configured that is not.

    Fix: remove the key, or use the Power Platform extension that does what was intended.
    """

    category = "Extensions"
    origin = "pbxconn"
    severity = Severity.INFO
    message = "extension {name!r} is not a Power Platform extension and is ignored"
    subject = "extension"

    def check(self, node: "ExtensionSite", ctx: "Package") -> Iterator[Violation]:
        """Yield one violation per unknown extension key."""
        key = node.key
        if key in KNOWN_EXTENSIONS or key in AUTOREST_EXTENSIONS or suggest_extension(key):
            return
        yield Violation(args={"name": key}, pointer=node.at + (key,))


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

    category = "Extensions"
    origin = "pbxconn"
    severity = Severity.INFO
    message = "{name!r} is an AutoRest extension that Power Platform ignores{hint}"
    subject = "extension"
    needs = tuple(AUTOREST_EXTENSIONS)

    def check(self, node: "ExtensionSite", ctx: "Package") -> Iterator[Violation]:
        """Yield one violation per AutoRest extension key."""
        key = node.key
        if key in AUTOREST_EXTENSIONS:
            instead = AUTOREST_EXTENSIONS[key]
            yield Violation(args={"name": key, "hint": f"; use {instead!r}" if instead else ""},
                            pointer=node.at + (key,))


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

    category = "Extensions"
    origin = "pbxconn"
    severity = Severity.WARNING
    message = "{name!r} has no effect on {kind}; it belongs on {allowed}"
    subject = "extension"
    needs = tuple(KNOWN_EXTENSIONS)

    def check(self, node: "ExtensionSite", ctx: "Package") -> Iterator[Violation]:
        """Yield one violation per known extension on the wrong kind of object."""
        kind, at, key, _ = node
        allowed = KNOWN_EXTENSIONS.get(key)
        if allowed is None or kind in allowed:
            return
        labels = " or ".join(_KIND_LABEL[k] for k in sorted(allowed))
        yield Violation(args={"name": key, "kind": _KIND_LABEL[kind], "allowed": labels}, pointer=at + (key,))


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

    category = "Extensions"
    origin = "pbxconn"
    severity = Severity.WARNING
    message = "{name} value {value!r} is not allowed; expected {expected}{hint}"
    subject = "extension"
    needs = (*ALLOWED_VALUES, "x-ms-trigger-metadata")

    def check(self, node: "ExtensionSite", ctx: "Package") -> Iterator[Violation]:
        """Yield one violation per extension value outside its allowed set."""
        kind, at, key, value = node
        if kind not in KNOWN_EXTENSIONS.get(key, ()):
            return
        if key == "x-ms-trigger-metadata":
            if not (isinstance(value, dict) and value.get("kind") == "query" and value.get("mode") == "polling"):
                yield Violation(args={"name": key, "value": value, "expected": '{"kind": "query", "mode": "polling"}',
                                      "hint": ""}, pointer=at + (key,))
            return
        rule = ALLOWED_VALUES.get(key)
        if rule is None:
            return
        allowed, hint = rule
        if _allowed(value, allowed):
            return
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
