"""Microsoft's Swagger Validator rules, table "Arrays"."""

from __future__ import annotations

from pbxconn.core.findings import Severity
from pbxconn.validate.rule import Violation, register
from pbxconn.validate.rules._helpers import MicrosoftRule, _HolderRule, doc

W = Severity.WARNING


@register
class ArrayHasNoItems(_HolderRule):
    """An array schema or parameter without `items`.

    What it does: flags `type: array` without `items` (schemas and non-body parameters).

    Why it matters: the designer cannot show or build the array's elements; Swagger requires `items` on array
    parameters.

    Fix: add an `items` schema.
    """

    needs = ("type",)
    category = "Arrays"
    severity = W
    message = "array has no items"

    @staticmethod
    def clean(obj):
        return obj.get("type") != "array" or "items" in obj

    def test(self, obj, ctx):
        if not self.clean(obj):
            yield {}, ()


@register
class RequiredPropertyArrayEmpty(_HolderRule):
    """A schema with an empty `required: []` list.

    What it does: flags an empty `required: []` in a schema.

    Why it matters: Swagger's schema requires at least one entry; an empty list says nothing.

    Fix: remove `required`.
    """

    needs = ("required",)
    category = "Arrays"
    severity = W
    message = "required is an empty array"

    def test(self, obj, ctx):
        if obj.get("required") == []:
            yield {}, ("required",)


@register
class SchemesArrayEmpty(MicrosoftRule):
    """An empty `schemes: []` on the document or an operation.

    What it does: flags `schemes: []` at the document root or on an operation.

    Why it matters: an empty list leaves no scheme to call the service with.

    Fix: list `https` (or remove the key).
    """

    category = "Arrays"
    subject = "package"
    severity = W
    message = "schemes is an empty array"

    def check(self, node, ctx):
        if doc(ctx).get("schemes") == []:
            yield Violation({}, ("schemes",))
        for op in getattr(ctx, "operations", None) or ():
            if isinstance(op.op, dict) and op.op.get("schemes") == []:
                yield Violation({}, op.pointer + ("schemes",))
