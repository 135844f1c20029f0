"""Microsoft's Swagger Validator rules, table "Operations": what one operation declares (its method
against its request body, consumes, responses, summary, paging) and how many operations there are.

The table's other rules live by what they inspect: paths.py, operation_ids.py, dynamic_values.py,
revisions.py, keywords.py, webhooks.py and parameters.py; their shared helpers are in _helpers.py.
"""

from __future__ import annotations

import re

from pbxconn.core.findings import Severity
from pbxconn.validate.rule import Violation, not_implemented, register
from pbxconn.validate.rules._helpers import MicrosoftRule, _OpRule, as_dict, effective, op_label, operations, resolve

E, W = Severity.ERROR, Severity.WARNING
_OPS = "Operations"


@register
class BodyOrFormDataParameterInFetchOperationNotAllowed(_OpRule):
    """A GET operation with a body or formData parameter.

    What it does: flags a GET operation with an `in: body` or `in: formData` parameter.

    Why it matters: GET requests carry no body; the platform drops or rejects it.

    Fix: move the values to query parameters or use POST.
    """

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
    """An operation sends a request body but declares no `consumes`.

    What it does: flags an operation with a body or formData parameter and no `consumes` (operation or
    document level).

    Why it matters: the platform does not know which content type to send.

    Fix: add `consumes`, e.g. `application/json`.
    """

    severity = W
    message = "operation {operation} sends a request body but declares no consumes"

    def check(self, node, ctx):
        if any(as_dict(p.param).get("in") in ("body", "formData") for p in node.parameters):
            if not [m for m in effective(node, ctx, "consumes") if isinstance(m, str) and m]:
                yield Violation({"operation": op_label(node)}, node.pointer)


@register
class InvalidNextLinkNameValue(_OpRule):
    """`x-ms-pageable.nextLinkName` is not `nextLink` or `@odata.nextLink`.

    What it does: flags `x-ms-pageable.nextLinkName` other than `nextLink` or `@odata.nextLink`.

    Why it matters: the platform only follows those two property names when paging.

    Fix: return the next page link as `nextLink` or `@odata.nextLink` (an `updatenextlink` policy can rename
    it).
    """

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


@register
class OperationHasManyResponsesWithSchema(_OpRule):
    """An operation declares a schema on more than one response.

    What it does: flags an operation declaring a schema on more than one response.

    Why it matters: the designer shows outputs from one response schema only.

    Fix: keep the schema on the success response.
    """

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


@register
class OperationMustHaveResponse(_OpRule):
    """An operation with missing or empty `responses`.

    What it does: flags an operation with missing or empty `responses`.

    Why it matters: Swagger requires at least one response; the designer has nothing to show.

    Fix: declare the success response (and its schema).
    """

    severity = W
    message = "operation {operation} declares no responses"

    def check(self, node, ctx):
        responses = as_dict(node.op).get("responses")
        if not isinstance(responses, dict) or not [k for k in responses if not str(k).startswith("x-")]:
            yield Violation({"operation": op_label(node)}, node.pointer)


@register
class OperationShouldHaveSuccessfulResponse(_OpRule):
    """An operation without a 2xx response.

    What it does: flags an operation with no 2xx response.

    Why it matters: the designer takes outputs from the success response.

    Fix: declare the 200/201/202/204 response.
    """

    severity = W
    message = "operation {operation} has no 2xx response"

    def check(self, node, ctx):
        responses = as_dict(node.op).get("responses")
        if isinstance(responses, dict) and responses:
            if not any(str(code).startswith("2") for code in responses):
                yield Violation({"operation": op_label(node)}, node.pointer + ("responses",))


@register
class OperationSummaryTooLong(_OpRule):
    """An operation summary of 120 characters or more.

    What it does: flags an operation summary of 120 characters or more (Microsoft's published limit).

    Why it matters: the summary is the action's display name; long names are cut off.

    Fix: shorten it (certification asks for at most 80) and move detail to `description`.
    """

    severity = W
    limit = 120
    message = "summary of {operation} is {length} characters (must be fewer than 120)"

    def check(self, node, ctx):
        summary = as_dict(node.op).get("summary")
        if isinstance(summary, str) and len(summary) >= self.limit:
            yield Violation({"operation": op_label(node), "length": len(summary)}, node.pointer + ("summary",))


_RESTRICTED_SUMMARY = re.compile(r"[/\\<>*%&?]")


@register
class RestrictedCharactersInSummary(_OpRule):
    """An operation summary contains a restricted character (/ \\ < > * % & ?).

    What it does: flags an operation summary containing one of / \\ < > * % & ?.

    Why it matters: Microsoft's validator rejects these characters (seen as errors in its CI logs).

    Fix: reword the summary without them.
    """

    severity = E
    message = "summary of {operation} contains restricted character {char!r}"

    def check(self, node, ctx):
        summary = as_dict(node.op).get("summary")
        if isinstance(summary, str):
            m = _RESTRICTED_SUMMARY.search(summary)
            if m:
                yield Violation({"operation": op_label(node), "char": m.group()}, node.pointer + ("summary",))


@register
class StringBinaryNotSupportedForFormUrlEncoded(_OpRule):
    """A file or binary parameter on an operation consuming x-www-form-urlencoded.

    What it does: flags a file or binary-string parameter on an operation consuming
    application/x-www-form-urlencoded.

    Why it matters: URL-encoded forms cannot carry binary content.

    Fix: consume multipart/form-data instead.
    """

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
    """The swagger has more than 256 operations.

    What it does: flags a swagger with more than 256 operations (Microsoft's FAQ limit).

    Why it matters: the platform refuses larger connectors.

    Fix: split the connector.
    """

    category = "Operations"
    subject = "package"
    severity = E
    limit = 256
    message = "the swagger has {count} operations (at most 256 allowed)"

    def check(self, node, ctx):
        count = len(operations(ctx))
        if count > self.limit:
            yield Violation({"count": count}, ("paths",))


not_implemented(
    "MimeTypeNotCompatibleWithRequestContentSchemaType", _OPS, W,
    "The operation's MIME types do not fit its request content type.",
    "Microsoft does not publish which MIME types it considers compatible with which request content types.")


not_implemented(
    "OperationSchemaCountExceedsMaxAllowed", _OPS, E,
    "More than 16,384 schemas in one operation.",
    "How the service counts schemas (per $ref use or per definition) is not published; "
    "no real connector comes near the limit.")
