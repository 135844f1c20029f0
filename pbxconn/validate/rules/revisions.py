"""Microsoft's Swagger Validator rules, table "Operations", about `x-ms-api-annotation`: operation
families and their revisions, the replacement of deprecated operations, and operation status against
the connector's."""

from __future__ import annotations

from typing import Any, Mapping

from pbxconn.core.findings import Severity
from pbxconn.validate.index import Index
from pbxconn.validate.rule import OperationNode, Violation, register
from pbxconn.validate.rules._helpers import MicrosoftRule, _OpRule, as_dict, doc, op_label, operations

W = Severity.WARNING


@register
class ApiAnnotationExtensionReplacementInfoForNonDeprecatedOperations(_OpRule):
    """An operation names a replacement but is not deprecated.

    What it does: flags `x-ms-api-annotation.replacement` on an operation not marked deprecated.

    Why it matters: a replacement only makes sense for a deprecated operation; the designer points users away
    from a live one.

    Fix: set `deprecated: true` or remove `replacement`.
    """

    severity = W
    message = "operation {operation} names a replacement but is not deprecated"

    needs = ("x-ms-api-annotation",)

    def check(self, node, ctx):
        ann = as_dict(as_dict(node.op).get("x-ms-api-annotation"))
        if "replacement" in ann and node.op.get("deprecated") is not True:
            yield Violation({"operation": op_label(node)}, node.pointer + ("x-ms-api-annotation", "replacement"))


class _ReplacementField(_OpRule):
    field_name = ""
    severity = W

    needs = ("x-ms-api-annotation",)

    def check(self, node, ctx):
        rep = as_dict(node.op).get("x-ms-api-annotation")
        rep = as_dict(rep).get("replacement")
        if isinstance(rep, dict) and not rep.get(self.field_name):
            yield Violation({"operation": op_label(node)}, node.pointer + ("x-ms-api-annotation", "replacement"))


@register
class ApiAnnotationExtensionReplacementInfoMissingApiProperty(_ReplacementField):
    """An `x-ms-api-annotation.replacement` without `api`.

    What it does: flags an `x-ms-api-annotation.replacement` without `api`.

    Why it matters: the platform needs both the API and the operationId of the replacement.

    Fix: add `api` to `replacement`.
    """

    field_name = "api"
    message = "replacement of operation {operation} has no 'api'"


@register
class ApiAnnotationExtensionReplacementInfoMissingOperationIdProperty(_ReplacementField):
    """An `x-ms-api-annotation.replacement` without `operationId`.

    What it does: flags an `x-ms-api-annotation.replacement` without `operationId`.

    Why it matters: the designer cannot send users to the replacing operation.

    Fix: add `operationId` to `replacement`.
    """

    field_name = "operationId"
    message = "replacement of operation {operation} has no 'operationId'"


def _families(ctx: Any) -> dict[str, list[tuple[OperationNode, Mapping]]]:
    """Operations grouped by x-ms-api-annotation.family (document order)."""
    return ctx.index.families


@Index.fact("families")
def build_families(ctx: Any) -> dict[str, list[tuple[OperationNode, Mapping]]]:
    """Operations grouped by x-ms-api-annotation.family, for `Index.families`."""
    out: dict[str, list] = {}
    for node in operations(ctx):
        ann = as_dict(as_dict(node.op).get("x-ms-api-annotation"))
        fam = ann.get("family")
        if isinstance(fam, str) and fam:
            out.setdefault(fam, []).append((node, ann))
    return out


class _FamilyRule(MicrosoftRule):
    category = "Operations"
    subject = "package"
    severity = W


@register
class OperationFamilyHasDuplicateRevisions(_FamilyRule):
    """Two operations of one family share a revision.

    What it does: flags two operations of one x-ms-api-annotation family with the same revision.

    Why it matters: the designer cannot tell which revision is newer.

    Fix: give each revision its own number.
    """

    message = "operations {first} and {second} of family {family!r} share revision {revision}"

    def check(self, node, ctx):
        for fam, members in _families(ctx).items():
            seen: dict[Any, OperationNode] = {}
            for op, ann in members:
                rev = ann.get("revision")
                if rev is None or isinstance(rev, (dict, list)):
                    continue
                if rev in seen:
                    yield Violation({"first": op_label(seen[rev]), "second": op_label(op), "family": fam,
                                     "revision": rev}, op.pointer + ("x-ms-api-annotation", "revision"))
                else:
                    seen[rev] = op


def _active(ann: Mapping, op: Mapping) -> bool:
    return op.get("deprecated") is not True


@register
class OperationFamilyHasManyActiveOperations(_FamilyRule):
    """A family with more than two operations not marked deprecated.

    What it does: flags a family with more than two operations not marked deprecated.

    Why it matters: users see several live versions of the same action.

    Fix: deprecate older revisions.
    """

    message = "family {family!r} has {count} non-deprecated operations"

    def check(self, node, ctx):
        for fam, members in _families(ctx).items():
            live = [op for op, ann in members if _active(ann, as_dict(op.op))]
            if len(live) > 2:
                yield Violation({"family": fam, "count": len(live)}, live[-1].pointer)


@register
class OperationFamilyHasManyActiveProductionOperations(_FamilyRule):
    """A family with several non-deprecated Production operations.

    What it does: flags a family with several non-deprecated operations in Production status.

    Why it matters: only the newest revision should be offered for new flows.

    Fix: mark older revisions `deprecated: true`.
    """

    message = "family {family!r} has {count} non-deprecated Production operations"

    def check(self, node, ctx):
        for fam, members in _families(ctx).items():
            live = [op for op, ann in members if _active(ann, as_dict(op.op))
                    and isinstance(ann.get("status"), str) and ann["status"].lower() == "production"]
            if len(live) > 1:
                yield Violation({"family": fam, "count": len(live)}, live[-1].pointer)


@register
class OperationFamilyHasManyEmptyRevisions(_FamilyRule):
    """A family in which more than one operation has no revision.

    What it does: flags a family in which more than one operation has no revision.

    Why it matters: revisions order the family; two unnumbered members cannot be ordered.

    Fix: give every member a `revision`.
    """

    message = "family {family!r} has {count} operations without a revision"

    def check(self, node, ctx):
        for fam, members in _families(ctx).items():
            empty = [op for op, ann in members if ann.get("revision") is None]
            if len(empty) > 1:
                yield Violation({"family": fam, "count": len(empty)}, empty[-1].pointer)


@register
class OperationRevisionEmpty(_OpRule):
    """An operation in an x-ms-api-annotation family without a revision.

    What it does: flags an operation in an x-ms-api-annotation family with no revision.

    Why it matters: revisions order the members of a family.

    Fix: add `revision` (an integer from 1).
    """

    severity = W
    message = "operation {operation} is in family {family!r} but has no revision"

    needs = ("x-ms-api-annotation",)

    def check(self, node, ctx):
        ann = as_dict(as_dict(node.op).get("x-ms-api-annotation"))
        if isinstance(ann.get("family"), str) and ann.get("family") and ann.get("revision") is None:
            yield Violation({"operation": op_label(node), "family": ann["family"]},
                            node.pointer + ("x-ms-api-annotation",))


@register
class OperationStatusAheadOfConnector(_OpRule):
    """A Production operation in a connector that is Preview.

    What it does: flags an operation in Production status while the connector (info x-ms-api-annotation) is
    Preview.

    Why it matters: an operation cannot be more mature than its connector.

    Fix: set the operation to Preview or the connector to Production.
    """

    severity = W
    message = "operation {operation} is Production but the connector is Preview"

    needs = ("x-ms-api-annotation",)

    def check(self, node, ctx):
        info_status = as_dict(as_dict(doc(ctx).get("info")).get("x-ms-api-annotation")).get("status")
        status = as_dict(as_dict(node.op).get("x-ms-api-annotation")).get("status")
        if (isinstance(info_status, str) and info_status.lower() == "preview"
                and isinstance(status, str) and status.lower() == "production"):
            yield Violation({"operation": op_label(node)}, node.pointer + ("x-ms-api-annotation", "status"))
