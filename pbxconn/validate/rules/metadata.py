"""Microsoft's Swagger Validator rules, table "Metadata" (keyword consistency and the
certification limits on info.title, info.description and summaries)."""

from __future__ import annotations

import re
from typing import Any, Mapping

from pbxconn.core.limits import DESCRIPTION_LENGTH, TITLE_MAX_LENGTH
from pbxconn.core.findings import Severity
from pbxconn.validate.rule import Violation, register
from pbxconn.validate.rules._helpers import (
    MicrosoftRule, _HolderRule, as_dict, as_list, doc, op_label, operations,
)

E, W = Severity.ERROR, Severity.WARNING


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


@register
class AllowEmptyValueOnlyValidForQueryFormData(MicrosoftRule):
    """`allowEmptyValue` on a parameter that is not in query or formData.

    What it does: flags `allowEmptyValue` on a parameter that is not in query or formData.

    Why it matters: Swagger defines it only there; elsewhere it is ignored.

    Fix: remove it.
    """

    category = "Metadata"
    subject = "parameter"
    severity = W
    message = "{location} parameter {name!r} cannot use allowEmptyValue"

    needs = ("allowEmptyValue",)

    def check(self, node, ctx):
        param = node.param
        if isinstance(param, dict) and "allowEmptyValue" in param and param.get("in") not in ("query", "formData"):
            yield Violation({"location": param.get("in"), "name": param.get("name")}, node.pointer + ("allowEmptyValue",))


@register
class DiscriminatorMustBeARequiredStringProperty(MicrosoftRule):
    """A `discriminator` that is not a required string property of its schema.

    What it does: flags a `discriminator` naming a property that is not a required string property of the
    schema.

    Why it matters: Swagger 2.0 requires the discriminator to be a required string; otherwise subtypes cannot
    be told apart.

    Fix: declare the property as `type: string` and list it in `required`.
    """

    category = "Metadata"
    subject = "schema"
    severity = W
    message = "discriminator {name!r} is not a required string property"

    needs = ("discriminator",)

    def check(self, node, ctx):
        schema = node.schema
        name = schema.get("discriminator")
        if name is None:
            return
        prop, _ = ctx.resolve(as_dict(schema.get("properties")).get(name)) if isinstance(name, str) else (None, None)
        if not (isinstance(prop, dict) and prop.get("type") == "string" and name in as_list(schema.get("required"))):
            yield Violation({"name": name}, node.pointer + ("discriminator",))


class _Requires(_HolderRule):
    category = "Metadata"
    severity = W
    flag = ""
    needed = ""

    def test(self, obj, ctx):
        if obj.get(self.flag) is True and self.needed not in obj:
            yield {}, (self.flag,)


@register
class ExclusiveMaximumRequiresMaximum(_Requires):
    """`exclusiveMaximum: true` without `maximum`.

    What it does: flags `exclusiveMaximum: true` without `maximum`.

    Why it matters: there is no bound to make exclusive.

    Fix: add `maximum` or remove `exclusiveMaximum`.
    """

    needs = ("exclusiveMaximum",)
    flag, needed = "exclusiveMaximum", "maximum"
    message = "exclusiveMaximum without maximum"


@register
class ExclusiveMinimumRequiresMinimum(_Requires):
    """`exclusiveMinimum: true` without `minimum`.

    What it does: flags `exclusiveMinimum: true` without `minimum`.

    Why it matters: there is no bound to make exclusive.

    Fix: add `minimum` or remove `exclusiveMinimum`.
    """

    needs = ("exclusiveMinimum",)
    flag, needed = "exclusiveMinimum", "minimum"
    message = "exclusiveMinimum without minimum"


class _NonNegative(_HolderRule):
    category = "Metadata"
    severity = W

    def test(self, obj, ctx):
        value = obj.get(self.needs[0])
        if _number(value) and value < 0:
            yield {"value": value}, (self.needs[0],)


@register
class MaxItemsMustBeGreaterThanOrEqualToZero(_NonNegative):
    """A negative `maxItems`.

    What it does: flags a negative `maxItems`.

    Why it matters: no value can satisfy a negative maxItems; Swagger requires it to be 0 or more.

    Fix: use 0 or a positive integer.
    """

    needs = ("maxItems",)
    message = "maxItems {value!r} must be 0 or more"


@register
class MaxLengthMustBeGreaterThanOrEqualToZero(_NonNegative):
    """A negative `maxLength`.

    What it does: flags a negative `maxLength`.

    Why it matters: no value can satisfy a negative maxLength; Swagger requires it to be 0 or more.

    Fix: use 0 or a positive integer.
    """

    needs = ("maxLength",)
    message = "maxLength {value!r} must be 0 or more"


@register
class MaxPropertiesMustBeGreaterThanOrEqualToZero(_NonNegative):
    """A negative `maxProperties`.

    What it does: flags a negative `maxProperties`.

    Why it matters: no value can satisfy a negative maxProperties; Swagger requires it to be 0 or more.

    Fix: use 0 or a positive integer.
    """

    needs = ("maxProperties",)
    message = "maxProperties {value!r} must be 0 or more"


@register
class MinItemsMustBeGreaterThanOrEqualToZero(_NonNegative):
    """A negative `minItems`.

    What it does: flags a negative `minItems`.

    Why it matters: no value can satisfy a negative minItems; Swagger requires it to be 0 or more.

    Fix: use 0 or a positive integer.
    """

    needs = ("minItems",)
    message = "minItems {value!r} must be 0 or more"


@register
class MinLengthMustBeGreaterThanOrEqualToZero(_NonNegative):
    """A negative `minLength`.

    What it does: flags a negative `minLength`.

    Why it matters: no value can satisfy a negative minLength; Swagger requires it to be 0 or more.

    Fix: use 0 or a positive integer.
    """

    needs = ("minLength",)
    message = "minLength {value!r} must be 0 or more"


@register
class MinPropertiesMustBeGreaterThanOrEqualToZero(_NonNegative):
    """A negative `minProperties`.

    What it does: flags a negative `minProperties`.

    Why it matters: no value can satisfy a negative minProperties; Swagger requires it to be 0 or more.

    Fix: use 0 or a positive integer.
    """

    needs = ("minProperties",)
    message = "minProperties {value!r} must be 0 or more"


class _Ordered(_HolderRule):
    category = "Metadata"
    severity = W

    def test(self, obj, ctx):
        low, high = obj.get(self.needs[0]), obj.get(self.upper)
        if _number(low) and _number(high) and low > high:
            yield {"low": low, "high": high}, (self.needs[0],)


@register
class MinimumShouldBeLessThanOrEqualToMaximum(_Ordered):
    """`minimum` is greater than `maximum`.

    What it does: flags `minimum` greater than `maximum`.

    Why it matters: no value can satisfy both bounds.

    Fix: correct one of the bounds.
    """

    needs = ("minimum",)
    upper = "maximum"
    message = "minimum {low!r} is greater than maximum {high!r}"


@register
class MinItemsShouldBeLessThanOrEqualToMaxItems(_Ordered):
    """`minItems` is greater than `maxItems`.

    What it does: flags `minItems` greater than `maxItems`.

    Why it matters: no value can satisfy both bounds.

    Fix: correct one of the bounds.
    """

    needs = ("minItems",)
    upper = "maxItems"
    message = "minItems {low!r} is greater than maxItems {high!r}"


@register
class MinLengthShouldBeLessThanOrEqualToMaxLength(_Ordered):
    """`minLength` is greater than `maxLength`.

    What it does: flags `minLength` greater than `maxLength`.

    Why it matters: no value can satisfy both bounds.

    Fix: correct one of the bounds.
    """

    needs = ("minLength",)
    upper = "maxLength"
    message = "minLength {low!r} is greater than maxLength {high!r}"


@register
class PatternShouldBeValidRegularExpression(_HolderRule):
    """A `pattern` that is not a valid regular expression.

    What it does: flags a `pattern` that is not a valid regular expression.

    Why it matters: validation of the value fails or is skipped.

    Fix: correct the expression.
    """

    needs = ("pattern",)
    category = "Metadata"
    severity = W
    message = "pattern {value!r} is not a valid regular expression"

    def test(self, obj, ctx):
        value = obj.get("pattern")
        if not isinstance(value, str):
            return
        try:
            re.compile(value)
        except (re.error, RecursionError, OverflowError):
            yield {"value": value}, ("pattern",)


# --- certification limits (info.title, info.description, operation summaries) ------------------

def _info(ctx: Any) -> Mapping[str, Any]:
    return as_dict(doc(ctx).get("info"))


class _CertRule(MicrosoftRule):
    category = "Metadata"
    subject = "package"
    certification = True


@register
class FieldLengthExceeded(_CertRule):
    """The connector title (`info.title`) is longer than 30 characters.

    What it does: flags an `info.title` longer than 30 characters.

    Why it matters: Microsoft's validator rejects it ("goes over the character limit '30'" in its CI logs).

    Fix: shorten the title to 30 characters or fewer.
    """

    severity = E
    message = "title {value!r} is {length} characters (limit {limit})"

    def check(self, node, ctx):
        title = _info(ctx).get("title")
        if isinstance(title, str) and len(title) > TITLE_MAX_LENGTH:
            yield Violation({"value": title, "length": len(title), "limit": TITLE_MAX_LENGTH}, ("info", "title"))


@register
class FieldLengthNotInRange(_CertRule):
    """The connector description (`info.description`) is not 30 to 500 characters long.

    What it does: flags an `info.description` shorter than 30 or longer than 500 characters.

    Why it matters: Microsoft's validator rejects it ("must be between '30' and '500'" in its CI logs).

    Fix: write a description of 30 to 500 characters.
    """

    severity = E
    message = "description is {length} characters (must be between {low} and {high})"

    def check(self, node, ctx):
        text = _info(ctx).get("description")
        low, high = DESCRIPTION_LENGTH
        if isinstance(text, str) and not low <= len(text) <= high:
            yield Violation({"length": len(text), "low": low, "high": high}, ("info", "description"))


@register
class RequiredValueEmpty(MicrosoftRule):
    """A required field (title, version, description, operationId, summary, parameter name) is empty.

    What it does: flags required fields that are present but empty: info.title, info.version,
    info.description, operationId, operation summary, parameter name.

    Why it matters: an empty value is as good as a missing one; names and display texts disappear.

    Fix: fill in the value.
    """

    category = "Metadata"
    subject = "package"
    severity = W
    message = "{field} is empty"

    def check(self, node, ctx):
        info = _info(ctx)
        for key in ("title", "version", "description"):
            if isinstance(info.get(key), str) and not info[key].strip():
                yield Violation({"field": f"info.{key}"}, ("info", key))
        for op in operations(ctx):
            for key in ("operationId", "summary"):
                value = as_dict(op.op).get(key)
                if isinstance(value, str) and not value.strip():
                    yield Violation({"field": f"{key} of {op.method.upper()} {op.path}"}, op.pointer + (key,))
        seen: set = set()
        for p in getattr(ctx, "parameters", None) or ():
            name = as_dict(p.param).get("name")
            if isinstance(name, str) and not name.strip() and p.pointer not in seen:
                seen.add(p.pointer)
                yield Violation({"field": "parameter name"}, p.pointer + ("name",))


RESTRICTED = {
    "title": re.compile(r"\b(api|connector)\b", re.IGNORECASE),
    "description": re.compile(r"\b(power\s*apps|power\s*automate|logic\s*apps)\b", re.IGNORECASE),
}


@register
class ValueContainsRestrictedWords(_CertRule):
    """A title with "API" or "Connector", or a description naming Power Apps, Power Automate or Logic Apps.

    What it does: flags an info.title containing "API" or "Connector", or an info.description naming Power
    Apps, Power Automate or Logic Apps.

    Why it matters: Microsoft's validator rejects these words (errors in its CI logs).

    Fix: reword the title or description.
    """

    severity = E
    message = "{field} contains the restricted word {word!r}"

    def check(self, node, ctx):
        info = _info(ctx)
        for key, pattern in RESTRICTED.items():
            value = info.get(key)
            if isinstance(value, str):
                m = pattern.search(value)
                if m:
                    yield Violation({"field": f"info.{key}", "word": m.group()}, ("info", key))


def _non_english(text: str) -> str | None:
    """The first letter outside ASCII, or None."""
    if text.isascii():  # nearly always: one C-level test instead of a loop over the text
        return None
    for ch in text:
        if ch.isalpha() and not ch.isascii():
            return ch
    return None


@register
class ValueMustBeInEnglish(_CertRule):
    """The title, description or an operation's text has letters outside English (ASCII).

    What it does: flags non-English letters (letters outside ASCII) in info.title, info.description and
    operation summaries and descriptions.

    Why it matters: certified connectors must be written in English; other text is rejected in review.

    Fix: translate the text (the connector's UI is localised by Microsoft).
    """

    severity = W
    message = "{field} contains the non-English letter {char!r}"

    def check(self, node, ctx):
        info = _info(ctx)
        for key in ("title", "description"):
            value = info.get(key)
            if isinstance(value, str) and _non_english(value):
                yield Violation({"field": f"info.{key}", "char": _non_english(value)}, ("info", key))
        for op in operations(ctx):
            for key in ("summary", "description"):
                value = as_dict(op.op).get(key)
                if isinstance(value, str) and _non_english(value):
                    yield Violation({"field": f"{key} of {op_label(op)}", "char": _non_english(value)},
                                    op.pointer + (key,))


@register
class ValueMustEndWithAlphanumeric(_CertRule):
    """The connector title does not end with a letter or digit.

    What it does: flags an info.title that ends with a character other than a letter or digit (including
    spaces and line breaks).

    Why it matters: certification requires titles to end alphanumerically.

    Fix: remove the trailing punctuation or space.
    """

    severity = W
    message = "title {value!r} must end with a letter or digit"

    def check(self, node, ctx):
        title = _info(ctx).get("title")
        if isinstance(title, str) and title and not title[-1].isalnum():
            yield Violation({"value": title}, ("info", "title"))
