"""apiProperties.json against pbxconn's own description of it (rules/_api_properties_shape.py):
unknown members, values of the wrong JSON type, values outside the documented sets, capabilities.

The document is compared with the shape once per package; the rules share that one walk.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterator

from pbxconn.core.findings import Severity
from pbxconn.validate.index import Index
from pbxconn.validate.rule import Rule, Violation, register
from pbxconn.validate.rules._api_properties_shape import API_PROPERTIES, CAPABILITIES
from pbxconn.validate.rules._shape import CONTAINERS, Issue, suggest, walk

if TYPE_CHECKING:  # pragma: no cover
    from pbxconn.validate.package import Package


def shape_issues(ctx: "Package") -> list[Issue]:
    """Every difference between apiProperties.json and its shape (computed once per package)."""
    return ctx.index.api_properties_issues


@Index.fact("api_properties_issues")
def build_issues(ctx: "Package") -> list[Issue]:
    """Every difference between apiProperties.json and its shape, for `Index.api_properties_issues`."""
    document = ctx.properties
    return list(walk(document, API_PROPERTIES)) if isinstance(document, dict) else []


def _hint(suggestion: str | None, word: Any) -> str:
    """' (did you mean ...?)' for a suggestion, naming letter case when that is the only difference."""
    if not suggestion:
        return ""
    if isinstance(word, str) and suggestion.lower() == word.lower():
        return f" (did you mean {suggestion!r}? names are case-sensitive)"
    return f" (did you mean {suggestion!r}?)"


def _member(path: tuple) -> str:
    """The name of the member at `path`: its key, 'item N' in an array, 'the document' at the root."""
    if not path:
        return "the document"
    last = path[-1]
    return f"item {last}" if isinstance(last, int) else repr(last)


def _top_level(path: tuple) -> bool:
    """Whether a member path is in the document root or directly in `properties`."""
    return len(path) == 1 or (len(path) == 2 and path[0] == "properties")


@register
class ApiPropertiesKeyUnknown(Rule):
    """apiProperties.json has a member Power Platform does not know.

    What it does: compares every member name of apiProperties.json with the members the file may
    have (Microsoft's apiProperties schema, widened to the newer members Microsoft documents or
    deploys: connectionParameterSets, scriptOperations, gatewaySettings, uiDefinition.schema...)
    and suggests the name most likely meant. An error in the root and directly in `properties`;
    a warning deeper (Microsoft's own connectors carry extra members there, such as
    oAuthSettings.properties flags) and for a name that differs from a known one only in letter
    case (the service's Json.NET reader usually matches those regardless of case).

    Why it matters: the service reads the members it knows and drops the others. A misspelled
    `stackOwner`, `scriptOperations` or `connectionParameters` is silently lost: the script runs
    for every operation, the connection dialog asks for nothing.

    Fix: correct the name (the message suggests one), or remove the member.
    """

    category = "Structure"
    origin = "pbxconn"
    severity = Severity.ERROR
    message = "{key!r} is not a member of {label}{hint}"
    subject = "package"

    def check(self, node: "Package", ctx: "Package") -> Iterator[Violation]:
        """Yield one violation per unknown member."""
        for issue in shape_issues(ctx):
            if issue.kind != "unknown-key":
                continue
            key, suggestion = issue.detail["key"], issue.detail["suggestion"]
            case_only = bool(suggestion) and suggestion.lower() == key.lower()
            lenient = case_only or not _top_level(issue.path)
            yield Violation({"key": key, "label": issue.detail["label"] or "this object",
                             "hint": _hint(suggestion, key)},
                            issue.path, file="properties", severity=Severity.WARNING if lenient else None)


@register
class ApiPropertiesTypeInvalid(Rule):
    """A member of apiProperties.json is missing or holds the wrong kind of JSON value.

    What it does: reports a missing required member (`properties` in the root, `identityProvider`
    in oAuthSettings, `value` of an allowed value) and a member whose JSON type is not the
    expected one. An error when an object or array is expected and something else is there (or
    the other way round): the service cannot read the member at all. A warning when one scalar
    stands for another (`"tabIndex": "2"`, `"clearText": "false"`), which Json.NET converts.
    `uiDefinition: null` and boolean `hidden` / `required` are accepted: Microsoft deploys them.

    Why it matters: paconn sends `properties` to the service as they are; a connection
    parameter that is a string, or `capabilities` that is a single string, fails the upload or
    leaves the connector without that setting.

    Fix: write the member with the type named in the message.
    """

    category = "Structure"
    origin = "pbxconn"
    severity = Severity.ERROR
    message = "{detail}"
    subject = "package"

    def check(self, node: "Package", ctx: "Package") -> Iterator[Violation]:
        """Yield one violation per missing member or wrong JSON type."""
        for issue in shape_issues(ctx):
            if issue.kind == "missing":
                label = issue.detail["label"] or "this object"
                yield Violation({"detail": f"{label} has no {issue.detail['key']!r}"},
                                issue.path[:-1], file="properties")
            elif issue.kind == "wrong-type":
                expected, actual = issue.detail["expected"], issue.detail["actual"]
                container = actual in CONTAINERS or any(t in CONTAINERS for t in expected)
                wanted = " or ".join(t for t in expected if t != "null")
                yield Violation({"detail": f"{_member(issue.path)} must be {_article(wanted)}, not {actual}"},
                                issue.path, file="properties", severity=None if container else Severity.WARNING)


def _article(type_name: str) -> str:
    return ("an " if type_name[:1] in "aeiou" else "a ") + type_name


@register
class ApiPropertiesValueNotAllowed(Rule):
    """A value of apiProperties.json is not one of the values Power Platform documents for it.

    What it does: checks `redirectMode` (Global, Direct, GlobalPerConnector), `IsFirstParty`
    (True, False), `constraints.required` / `hidden` (true, false), the type of an OAuth
    additional parameter, and `identityProvider` (near misses of oauth2, oauth2generic, aad,
    aadcertificate, facebook only: the portal offers other providers). Letter-case variants are
    accepted where the service accepts them.

    Why it matters: an unknown redirect mode or identity provider breaks sign-in when the
    connection is created; a flag that is neither true nor false is read as false.

    Fix: use one of the values the message lists.
    """

    category = "Structure"
    origin = "pbxconn"
    severity = Severity.WARNING
    message = "{label} {value!r} is not one of {allowed}{hint}"
    subject = "package"

    def check(self, node: "Package", ctx: "Package") -> Iterator[Violation]:
        """Yield one violation per value outside its documented set."""
        for issue in shape_issues(ctx):
            if issue.kind == "not-allowed":
                detail = issue.detail
                yield Violation({"label": detail["label"], "value": detail["value"],
                                 "allowed": ", ".join(map(str, detail["allowed"])),
                                 "hint": _hint(detail["suggestion"], detail["value"])},
                                issue.path, file="properties")


@register
class CapabilityUnknown(Rule):
    """`properties.capabilities` lists a value Power Platform does not define.

    What it does: checks each entry of `capabilities` against actions, triggers (Microsoft's
    schema examples), cloud and gateway (paconn's documentation: "cloud only, on-prem gateway"),
    with the value most likely meant.

    Why it matters: capabilities tell the designer what the connector offers; an unknown or
    misspelled one (`Actions`, `trigger`) is ignored.

    Fix: use the documented value, in lower case; most custom connectors need an empty list.
    """

    category = "Structure"
    origin = "pbxconn"
    severity = Severity.WARNING
    message = "capability {value!r} is not one of {known}{hint}"
    subject = "package"

    def check(self, node: "Package", ctx: "Package") -> Iterator[Violation]:
        """Yield one violation per unknown capability."""
        props = ctx.properties.get("properties") if isinstance(ctx.properties, dict) else None
        values = props.get("capabilities") if isinstance(props, dict) else None
        if not isinstance(values, list):
            return
        for i, value in enumerate(values):
            if isinstance(value, str) and value not in CAPABILITIES:
                yield Violation({"value": value, "known": ", ".join(CAPABILITIES),
                                 "hint": _hint(suggest(value, CAPABILITIES), value)},
                                ("properties", "capabilities", i), file="properties")
