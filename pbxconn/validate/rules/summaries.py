"""The certification guidance's 80-character limit on summaries, beside Microsoft's 120-character rule.

"Operation and parameter summaries should be phrases of 80 characters or shorter" (Learn:
certification submission). Parameters' x-ms-summary is ParameterSummaryTooLong (certification.py);
these rules measure operation summaries and the x-ms-summary of schema properties.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from pbxconn.core.findings import Severity
from pbxconn.core.limits import CERTIFICATION_SUMMARY_MAX_LENGTH, SUMMARY_MAX_LENGTH
from pbxconn.validate.rule import OperationNode, Rule, SchemaNode, Violation, register

if TYPE_CHECKING:  # pragma: no cover
    from pbxconn.validate.package import Package

LIMIT = CERTIFICATION_SUMMARY_MAX_LENGTH


@register
class OperationSummaryTooLongForCertification(Rule):
    """An operation summary longer than 80 characters, in certification mode.

    What it does: measures each operation's `summary`. Beside OperationSummaryTooLong (Microsoft's
    validator: fewer than 120 characters), certification asks for 80 characters or fewer, so a
    summary of 81 to 119 characters is flagged here only, and a longer one by both rules.

    Why it matters: the summary is the action's name in the designer; Microsoft's certification
    guidance keeps operation and parameter summaries to phrases of 80 characters or fewer, and
    certified connectors keep to it (none of about 16,000 certified summaries is longer).

    Fix: shorten the summary to 80 characters and move the detail into `description`.
    """

    category = "Certification"
    origin = "pbxconn"
    severity = Severity.WARNING
    certification = True
    message = "summary of {operation} has {length} characters; certification allows at most {limit}"
    subject = "operation"

    needs = ("summary",)

    def check(self, node: OperationNode, ctx: "Package") -> Iterator[Violation]:
        """Yield a violation for a summary over 80 characters."""
        summary = node.op.get("summary")
        if isinstance(summary, str) and len(summary) > LIMIT:
            name = node.op.get("operationId") or f"{node.method.upper()} {node.path}"
            yield Violation({"operation": name, "length": len(summary), "limit": LIMIT},
                            node.pointer + ("summary",))


@register
class PropertySummaryTooLong(Rule):
    """A schema property's `x-ms-summary` is longer than 80 characters, in certification mode.

    What it does: measures the `x-ms-summary` of every property of request and response schemas
    (parameters' own x-ms-summary is ParameterSummaryTooLong).

    Why it matters: the designer shows body properties as the action's input fields and response
    properties as dynamic content, labelled with their x-ms-summary; the certification guidance
    keeps such summaries to 80 characters, and longer labels are cut off.

    Fix: shorten the label and move the detail into `description`.
    """

    category = "Certification"
    origin = "pbxconn"
    severity = Severity.WARNING
    certification = True
    message = "x-ms-summary of property {name!r} has {length} characters; the limit is {limit}"
    subject = "package"  # one loop over the schema index: most properties carry an x-ms-summary

    def check(self, node: "Package", ctx: "Package") -> Iterator[Violation]:
        """Yield a violation per schema whose x-ms-summary exceeds 80 characters."""
        if ctx.swagger is None:
            return
        for schema_node in ctx.schemas:
            summary = schema_node.schema.get("x-ms-summary")
            if summary is not None and isinstance(summary, str) and len(summary) > LIMIT:
                yield _too_long(schema_node, summary)


def _too_long(node: SchemaNode, summary: str) -> Violation:
    """The PropertySummaryTooLong violation of one schema."""
    name = node.name or (str(node.pointer[-1]) if node.pointer else "")
    return Violation({"name": name, "length": len(summary), "limit": LIMIT}, node.pointer + ("x-ms-summary",))


assert SUMMARY_MAX_LENGTH > LIMIT  # the 120-character rule is the wider one
