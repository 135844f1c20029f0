"""Microsoft's Swagger Validator rules, table "Not supported"."""

from __future__ import annotations

from pbxconn.core.findings import Severity
from pbxconn.validate.rule import Violation, not_implemented, register
from pbxconn.validate.rules._helpers import MicrosoftRule, _HolderRule, as_dict, doc

E, W = Severity.ERROR, Severity.WARNING
COLLECTION_FORMATS = ("csv", "ssv", "tsv", "pipes")


@register
class CollectionFormatValueNotSupported(_HolderRule):
    """A `collectionFormat` the platform does not support here.

    What it does: flags a `collectionFormat` other than csv, ssv, tsv, pipes, or `multi` outside
    query/formData parameters.

    Why it matters: the platform cannot serialise the array in that format.

    Fix: use one of the supported formats (multi only on query or formData parameters).
    """

    needs = ("collectionFormat",)
    category = "NotSupported"
    severity = W
    message = "collectionFormat {value!r} is not supported here"

    def test(self, obj, ctx):
        if "collectionFormat" not in obj:
            return
        value = obj.get("collectionFormat")
        if value in COLLECTION_FORMATS:
            return
        if value == "multi" and obj.get("in") in ("query", "formData"):
            return
        yield {"value": value}, ("collectionFormat",)


@register
class PathItemRefNotSuppored(MicrosoftRule):
    """A path item that uses `$ref`.

    What it does: flags a path item that uses `$ref` (the code's spelling is Microsoft's).

    Why it matters: the platform does not follow references on path items, so the operations are lost.

    Fix: write the operations inline under the path.
    """

    category = "NotSupported"
    subject = "package"
    severity = E
    message = "path {path!r} uses $ref, which is not supported on path items"

    def check(self, node, ctx):
        for path, item in as_dict(doc(ctx).get("paths")).items():
            if isinstance(item, dict) and "$ref" in item:
                yield Violation({"path": path}, ("paths", path, "$ref"))


UNSUPPORTED_KEYWORDS = ("uniqueItems",)


@register
class SwaggerKeywordNotSupported(_HolderRule):
    """A Swagger keyword the platform does not support (such as `uniqueItems`).

    What it does: flags Swagger keywords the platform does not support; Microsoft names `uniqueItems`.

    Why it matters: the keyword is ignored, so the constraint it states is never applied.

    Fix: remove the keyword (enforce the constraint in the service).
    """

    needs = UNSUPPORTED_KEYWORDS
    category = "NotSupported"
    severity = W
    message = "keyword {keyword!r} is not supported"

    def test(self, obj, ctx):
        for keyword in UNSUPPORTED_KEYWORDS:
            if keyword in obj:
                yield {"keyword": keyword}, (keyword,)


not_implemented(
    "MimeTypeNotSupported", "NotSupported", W,
    "A MIME type in consumes/produces is not in the supported list.",
    "Microsoft gives the supported list only inside the service's message; it is not published.")
