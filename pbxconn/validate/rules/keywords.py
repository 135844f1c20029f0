"""Microsoft's Swagger Validator rules (tables "Operations" and "Properties") about the keywords of
schemas and non-body parameters (`enum`, `required`, `default`, `multipleOf`, `x-ms-enum-values`,
`format`) and the unique-item lists of the document."""

from __future__ import annotations

from typing import Mapping

from pbxconn.core.findings import Severity
from pbxconn.validate.rule import Violation, register
from pbxconn.validate.rules._helpers import (
    MicrosoftRule, _HolderRule, _duplicates, as_dict, as_list, doc, fits_type, operations,
)

W = Severity.WARNING


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
    """A parameter's `type`/`format` pair the platform does not know (such as string/guid).

    What it does: flags a non-body parameter's `type`/`format` pair the platform does not know (e.g.
    string/guid); formats inside schemas are not checked by this rule.

    Why it matters: the format is ignored, so no date picker, validation or conversion happens.

    Fix: use a known format (uuid, date-time, int32, ...) or drop `format`.
    """

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
class ArrayDuplicateValue(_HolderRule):
    """An `enum`, `required`, `consumes`, `produces` or `schemes` array holds the same value twice.

    What it does: flags an `enum` or `required` array (and `consumes`, `produces`, `schemes`) holding the same
    value twice.

    Why it matters: Swagger requires these arrays to have unique items.

    Fix: remove the repeated value.
    """

    subject = "package"  # not "holder": it also checks the lists of the root and the operations
    category = "Operations"
    severity = W
    message = "{keyword} lists {value!r} more than once"

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
        per_holder = super().check
        for holder in ctx.index.holders:
            if not _HOLDER_LISTS.isdisjoint(holder.obj):
                yield from per_holder(holder, ctx)
        root = doc(ctx)
        for keyword in ("consumes", "produces", "schemes"):
            for v in _duplicates(as_list(root.get(keyword))):
                yield Violation({"keyword": keyword, "value": v}, (keyword,))
        for op in operations(ctx):
            obj = op.op
            if type(obj) is dict and _OP_LISTS.isdisjoint(obj):
                continue
            for keyword in ("consumes", "produces", "schemes", "tags"):
                for v in _duplicates(as_list(as_dict(obj).get(keyword))):
                    yield Violation({"keyword": keyword, "value": v}, op.pointer + (keyword,))


_OP_LISTS = frozenset(("consumes", "produces", "schemes", "tags"))
_HOLDER_LISTS = frozenset(("enum", "required"))


def _distinct(values: list) -> bool:
    """Whether a list certainly holds no repeat (distinct hashable values); False when unsure."""
    try:
        return len(set(values)) == len(values)
    except TypeError:  # an object or array among the values: `_duplicates` decides
        return False


def _enum_values(obj: Mapping) -> list:
    return as_list(obj.get("x-ms-enum-values"))


@register
class DuplicateEnumValuesInExtension(_HolderRule):
    """x-ms-enum-values maps the same `value` twice.

    What it does: flags x-ms-enum-values mapping the same `value` twice.

    Why it matters: the dropdown shows two names for one value.

    Fix: keep one entry per value.
    """

    needs = ("x-ms-enum-values",)
    category = "Operations"
    severity = W
    message = "x-ms-enum-values maps {value!r} more than once"

    def test(self, obj, ctx):
        values = [as_dict(e).get("value") for e in _enum_values(obj) if isinstance(e, dict) and "value" in e]
        for v in _duplicates(values):
            yield {"value": v}, ("x-ms-enum-values",)


@register
class InvalidEnumValue(_HolderRule):
    """An `enum` member whose JSON type differs from the declared `type`.

    What it does: flags an `enum` member whose JSON type differs from the declared `type`.

    Why it matters: the value can never be valid input or output.

    Fix: write the members with the declared type (e.g. 1, not "1", for integer).
    """

    needs = ("enum",)
    category = "Operations"
    severity = W
    message = "enum value {value!r} is not of type {type}"

    def test(self, obj, ctx):
        typ = obj.get("type")
        if not isinstance(typ, str):
            return
        for i, v in enumerate(as_list(obj.get("enum"))):
            if v is not None and not fits_type(v, typ):
                yield {"value": v, "type": typ}, ("enum", i)


@register
class InvalidEnumValuesExtensionValue(_HolderRule):
    """An x-ms-enum-values item whose `value` is not in `enum`.

    What it does: flags an x-ms-enum-values item whose `value` is not one of the `enum` entries.

    Why it matters: the dropdown offers a value the schema does not allow.

    Fix: add the value to `enum` or remove the item.
    """

    needs = ("x-ms-enum-values",)
    category = "Operations"
    severity = W
    message = "x-ms-enum-values value {value!r} is not in enum"

    def test(self, obj, ctx):
        enum = obj.get("enum")
        if not isinstance(enum, list):
            return
        for i, item in enumerate(_enum_values(obj)):
            if isinstance(item, dict) and "value" in item and item["value"] not in enum:
                yield {"value": item["value"]}, ("x-ms-enum-values", i, "value")


@register
class DefaultValueMustMatchType(_HolderRule):
    """A `default` whose JSON type differs from the declared `type`.

    What it does: flags a `default` whose JSON type differs from the declared `type`.

    Why it matters: the platform sends or shows a value the service does not accept.

    Fix: write the default with the declared type.
    """

    needs = ("default",)
    category = "Properties"
    severity = W
    message = "default {value!r} is not of type {type}"

    def test(self, obj, ctx):
        typ = obj.get("type")
        if "default" in obj and isinstance(typ, str) and obj["default"] is not None and not fits_type(obj["default"], typ):
            yield {"value": obj["default"], "type": typ}, ("default",)


@register
class EnumMustContainAtLeastOneElement(_HolderRule):
    """An empty `enum: []`.

    What it does: flags `enum: []`.

    Why it matters: no value can ever be valid.

    Fix: list the allowed values or remove `enum`.
    """

    needs = ("enum",)
    category = "Properties"
    severity = W
    message = "enum is empty"

    def test(self, obj, ctx):
        if obj.get("enum") == []:
            yield {}, ("enum",)


@register
class MissingEnumValuesDisplayName(_HolderRule):
    """An x-ms-enum-values item without `displayName`.

    What it does: flags an x-ms-enum-values item without `displayName`.

    Why it matters: the dropdown has nothing to show for the value.

    Fix: add a displayName.
    """

    needs = ("x-ms-enum-values",)
    category = "Properties"
    severity = W
    message = "x-ms-enum-values item {index} has no displayName"

    def test(self, obj, ctx):
        for i, item in enumerate(as_list(obj.get("x-ms-enum-values"))):
            if isinstance(item, dict) and not item.get("displayName"):
                yield {"index": i}, ("x-ms-enum-values", i)


@register
class MultipleOfMustBeGreaterThanZero(_HolderRule):
    """A `multipleOf` that is zero or negative.

    What it does: flags `multipleOf` that is zero or negative.

    Why it matters: no number satisfies it, so every input fails validation.

    Fix: use a positive number.
    """

    needs = ("multipleOf",)
    category = "Properties"
    severity = W
    message = "multipleOf {value!r} must be greater than 0"

    def test(self, obj, ctx):
        value = obj.get("multipleOf")
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value <= 0:
            yield {"value": value}, ("multipleOf",)
