"""Connection parameters of apiProperties.json: their types and the texts of the connection dialog.

Covers what Microsoft's apiProperties validator checks about connection parameters (their `type`,
and the `uiDefinition` texts it reports as "Invalid value for the description property within the
UI Definition object"), for `connectionParameters` and for every `connectionParameterSets` value.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterator, Mapping

from pbxconn.core.findings import Severity
from pbxconn.core.limits import CERTIFICATION_SUMMARY_MAX_LENGTH
from pbxconn.validate.rule import Rule, Violation, register
from pbxconn.validate.rules._api_properties_shape import CONNECTION_PARAMETER_TYPES
from pbxconn.validate.rules._shape import suggest

if TYPE_CHECKING:  # pragma: no cover
    from pbxconn.validate.package import Package

# The parameters a user types a value into (oauthSetting shows a sign-in button, gatewaySetting
# a gateway picker: neither shows the parameter's own texts as a field).
USER_INPUT_TYPES = frozenset(("string", "securestring", "int", "bool"))
TEXT_FIELDS = ("displayName", "description", "tooltip")


def _properties(ctx: "Package") -> Mapping[str, Any]:
    props = ctx.properties.get("properties") if isinstance(ctx.properties, dict) else None
    return props if isinstance(props, dict) else {}


def parameters_with_paths(ctx: "Package") -> Iterator[tuple[str, dict, tuple]]:
    """(name, parameter, path) of every connection parameter, those of parameter sets included."""
    props = _properties(ctx)
    direct = props.get("connectionParameters")
    if isinstance(direct, dict):
        for name, param in direct.items():
            if isinstance(param, dict):
                yield name, param, ("properties", "connectionParameters", name)
    sets = props.get("connectionParameterSets")
    values = sets.get("values") if isinstance(sets, dict) else None
    for i, entry in enumerate(values if isinstance(values, list) else ()):
        inner = entry.get("parameters") if isinstance(entry, dict) else None
        if isinstance(inner, dict):
            for name, param in inner.items():
                if isinstance(param, dict):
                    yield name, param, ("properties", "connectionParameterSets", "values", i, "parameters", name)


def set_ui_definitions(ctx: "Package") -> Iterator[tuple[str, dict, tuple]]:
    """(what, uiDefinition, path) of the parameter-set picker and of each parameter set."""
    sets = _properties(ctx).get("connectionParameterSets")
    if not isinstance(sets, dict):
        return
    if isinstance(sets.get("uiDefinition"), dict):
        yield ("the parameter-set picker", sets["uiDefinition"],
               ("properties", "connectionParameterSets", "uiDefinition"))
    values = sets.get("values")
    for i, entry in enumerate(values if isinstance(values, list) else ()):
        if isinstance(entry, dict) and isinstance(entry.get("uiDefinition"), dict):
            name = entry.get("name") if isinstance(entry.get("name"), str) else str(i)
            yield f"parameter set {name!r}", entry["uiDefinition"], \
                ("properties", "connectionParameterSets", "values", i, "uiDefinition")


def ui_definition(param: Mapping[str, Any]) -> Mapping[str, Any]:
    """The parameter's uiDefinition, or an empty mapping."""
    ui = param.get("uiDefinition")
    return ui if isinstance(ui, dict) else {}


def is_hidden(param: Mapping[str, Any]) -> bool:
    """Whether the connection dialog hides the parameter (`constraints.hidden` true, as text or boolean)."""
    constraints = ui_definition(param).get("constraints")
    hidden = constraints.get("hidden") if isinstance(constraints, dict) else None
    return hidden is True or (isinstance(hidden, str) and hidden.strip().lower() == "true")


def all_texts(ctx: "Package") -> Iterator[tuple[str, str, str, tuple]]:
    """(owner, field, text, path) of every connection-dialog text in apiProperties.json."""
    for name, param, path in parameters_with_paths(ctx):
        ui = ui_definition(param)
        for field in TEXT_FIELDS:
            if isinstance(ui.get(field), str):
                yield f"connection parameter {name!r}", field, ui[field], path + ("uiDefinition", field)
        constraints = ui.get("constraints")
        options = constraints.get("allowedValues") if isinstance(constraints, dict) else None
        for i, option in enumerate(options if isinstance(options, list) else ()):
            if isinstance(option, dict) and isinstance(option.get("text"), str):
                yield f"an option of connection parameter {name!r}", "text", option["text"], \
                    path + ("uiDefinition", "constraints", "allowedValues", i, "text")
    for what, ui, path in set_ui_definitions(ctx):
        for field in ("displayName", "description"):
            if isinstance(ui.get(field), str):
                yield what, field, ui[field], path + (field,)


@register
class ConnectionParameterTypeUnknown(Rule):
    """A connection parameter whose `type` Power Platform does not know, or that has no type.

    What it does: checks the `type` of every connection parameter (connection parameter sets
    included) against string, securestring, int, bool, gatewaySetting and oauthSetting, and
    reports a plain parameter without a type. A letter-case variant (`oauthsetting`) is a
    warning: it is probably read, but Microsoft's apiProperties validator compares exactly.

    Why it matters: the type decides what the connection dialog asks for and how the value is
    stored (a securestring is never shown again); an unknown type fails the upload of the
    connector or leaves the connection without its credential.

    Fix: use one of the six types, spelled as listed.
    """

    category = "Connection"
    origin = "pbxconn"
    severity = Severity.ERROR
    message = "connection parameter {name!r} {problem}"
    subject = "package"

    def check(self, node: "Package", ctx: "Package") -> Iterator[Violation]:
        """Yield one violation per parameter with an unknown or missing type."""
        known = ", ".join(CONNECTION_PARAMETER_TYPES)
        for name, param, path in parameters_with_paths(ctx):
            if "type" not in param:
                if ":" not in name:  # name:sub parameters (token:TenantId) may leave it out
                    yield Violation({"name": name, "problem": f"has no type (one of {known})"}, path, "properties")
                continue
            kind = param["type"]
            if not isinstance(kind, str) or kind in CONNECTION_PARAMETER_TYPES:
                continue  # a non-string type is ApiPropertiesTypeInvalid's
            hint = suggest(kind, CONNECTION_PARAMETER_TYPES)
            case_only = hint is not None and hint.lower() == kind.lower()
            detail = f"has type {kind!r}, which is not one of {known}"
            if hint:
                detail += f" (did you mean {hint!r}?)"
            yield Violation({"name": name, "problem": detail}, path + ("type",), "properties",
                            severity=Severity.WARNING if case_only else None)


@register
class ConnectionParameterTextMissing(Rule):
    """A connection parameter users fill in has no display name or description.

    What it does: reports a visible connection parameter of type string, securestring, int or
    bool (hidden ones, such as `token:TenantId`, are exempt) without `uiDefinition.displayName`
    or `uiDefinition.description`, and a connection parameter set (or the set picker) without
    them.

    Why it matters: the connection dialog labels the field with the display name and explains it
    with the description; without them users see the raw parameter name and no help. Microsoft's
    apiProperties validator reports a missing or invalid description as a critical problem.

    Fix: add `"uiDefinition": {"displayName": "...", "description": "..."}`.
    """

    category = "Connection"
    origin = "pbxconn"
    severity = Severity.WARNING
    message = "{what} has no uiDefinition.{field}"
    subject = "package"

    def check(self, node: "Package", ctx: "Package") -> Iterator[Violation]:
        """Yield one violation per missing display text."""
        for name, param, path in parameters_with_paths(ctx):
            if param.get("type") not in USER_INPUT_TYPES or is_hidden(param):
                continue
            ui = ui_definition(param)
            for field in ("displayName", "description"):
                if not _filled(ui.get(field)):
                    where = path + ("uiDefinition",) if ui else path
                    yield Violation({"what": f"connection parameter {name!r}", "field": field}, where, "properties")
        for what, ui, path in set_ui_definitions(ctx):
            for field in ("displayName", "description"):
                if not _filled(ui.get(field)):
                    yield Violation({"what": what, "field": field}, path, "properties")


def _filled(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def non_english_letter(text: str) -> str | None:
    """The first letter outside ASCII in `text`, or None."""
    if text.isascii():
        return None
    return next((ch for ch in text if ch.isalpha() and not ch.isascii()), None)


@register
class ConnectionParameterTextNotEnglish(Rule):
    """A connection-dialog text with letters outside English (ASCII).

    What it does: looks for letters outside ASCII in the displayName, description and tooltip of
    every connection parameter, in the texts of their allowed values and in the texts of
    connection parameter sets.

    Why it matters: certified connectors are written in English and Microsoft localises them;
    the certification review rejects other languages (the same rule as ValueMustBeInEnglish for
    the swagger).

    Fix: write the text in English.
    """

    category = "Connection"
    origin = "pbxconn"
    severity = Severity.WARNING
    certification = True
    message = "{field} of {what} contains the non-English letter {char!r}"
    subject = "package"

    def check(self, node: "Package", ctx: "Package") -> Iterator[Violation]:
        """Yield one violation per text with a letter outside ASCII."""
        for what, field, text, path in all_texts(ctx):
            char = non_english_letter(text)
            if char:
                yield Violation({"what": what, "field": field, "char": char}, path, "properties")


@register
class ConnectionParameterTextTooLong(Rule):
    """A connection parameter's display name is longer than 80 characters.

    What it does: measures the displayName of every connection parameter and parameter set.

    Why it matters: Microsoft publishes no limit for connection-dialog texts; the display name
    is the field's label, like a parameter summary, which the certification guidance keeps to
    80 characters. Longer labels are cut off in the dialog. (Descriptions and tooltips have no
    published limit and are not measured.)

    Fix: shorten the label and move the detail into the description or tooltip.
    """

    category = "Connection"
    origin = "pbxconn"
    severity = Severity.WARNING
    certification = True
    message = "displayName of {what} has {length} characters; the limit is {limit}"
    subject = "package"

    def check(self, node: "Package", ctx: "Package") -> Iterator[Violation]:
        """Yield one violation per display name over the limit."""
        for what, field, text, path in all_texts(ctx):
            if field == "displayName" and len(text) > CERTIFICATION_SUMMARY_MAX_LENGTH:
                yield Violation({"what": what, "length": len(text), "limit": CERTIFICATION_SUMMARY_MAX_LENGTH},
                                path, "properties")
