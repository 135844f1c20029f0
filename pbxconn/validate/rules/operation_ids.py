"""Microsoft's Swagger Validator rules, table "Operations", about operationIds: present, unique, kept as
written by the platform, suffixed with the revision, and existing wherever an extension names one."""

from __future__ import annotations

import re
from typing import Any, Iterator

from pbxconn.core.findings import Severity
from pbxconn.validate.rule import OperationNode, Violation, not_implemented, register
from pbxconn.validate.rules._helpers import MicrosoftRule, _OpRule, as_dict, doc, dynamic_targets, operations, ops_by_id

E, W = Severity.ERROR, Severity.WARNING
_OPS = "Operations"


def _operation_id_references(ctx: Any) -> Iterator[tuple[Any, tuple]]:
    """Every operationId named by an extension: (operationId, pointer)."""
    for _, _, ptr, _, _, oid in dynamic_targets(ctx):
        yield oid, ptr + ("operationId",)
    for node in operations(ctx):
        note = as_dict(node.op).get("x-ms-notification")
        if isinstance(note, dict) and "operationId" in note:
            yield note.get("operationId"), node.pointer + ("x-ms-notification", "operationId")
    caps = as_dict(doc(ctx).get("x-ms-capabilities"))
    test = as_dict(caps.get("testConnection"))
    if "operationId" in test:
        yield test.get("operationId"), ("x-ms-capabilities", "testConnection", "operationId")


@register
class OperationIdNotFound(MicrosoftRule):
    """An operationId referenced by an extension or testConnection that no operation has.

    What it does: flags an operationId named by x-ms-dynamic-*, x-ms-notification or testConnection that no
    operation has.

    Why it matters: the dropdown, schema, trigger or connection test that depends on it fails at run time.

    Fix: correct the name or add the operation.
    """

    category = "Operations"
    subject = "package"
    severity = E
    message = "operationId {operation_id!r} is referenced but no operation has it"

    def check(self, node, ctx):
        known = ops_by_id(ctx)
        for oid, ptr in _operation_id_references(ctx):
            if not isinstance(oid, str) or oid not in known:
                yield Violation({"operation_id": oid}, ptr)


@register
class OperationIdNotUnique(MicrosoftRule):
    """Two or more operations share an operationId.

    What it does: flags an operationId used by more than one operation.

    Why it matters: operations are addressed by operationId; duplicates are rejected.

    Fix: give each operation its own operationId.
    """

    category = "Operations"
    subject = "package"
    severity = E
    message = "operationId {operation_id!r} is also used by {other}"

    def check(self, node, ctx):
        first: dict[str, OperationNode] = {}
        for op in operations(ctx):
            oid = as_dict(op.op).get("operationId")
            if not isinstance(oid, str):
                continue
            if oid in first:
                yield Violation({"operation_id": oid, "other": f"{first[oid].method.upper()} {first[oid].path}"},
                                op.pointer + ("operationId",))
            else:
                first[oid] = op


@register
class OperationIdRequired(_OpRule):
    """An operation without an operationId.

    What it does: flags an operation without an operationId.

    Why it matters: the platform names actions and triggers by operationId.

    Fix: add a PascalCase operationId.
    """

    severity = E
    message = "operation {method} {path} has no operationId"

    def check(self, node, ctx):
        oid = as_dict(node.op).get("operationId")
        if not isinstance(oid, str) or not oid.strip():
            yield Violation({"method": node.method.upper(), "path": node.path}, node.pointer)


_SANITIZED = re.compile(r"[^A-Za-z0-9_]")


@register
class OperationIdSanitized(_OpRule):
    """An operationId with characters other than letters, digits and `_`.

    What it does: flags an operationId with characters other than letters, digits and `_`.

    Why it matters: the platform strips them, so the published name differs from the file.

    Fix: use letters and digits only (PascalCase).
    """

    severity = W
    message = "operationId {operation_id!r} contains characters the platform removes"

    def check(self, node, ctx):
        oid = as_dict(node.op).get("operationId")
        if isinstance(oid, str) and _SANITIZED.search(oid):
            yield Violation({"operation_id": oid}, node.pointer + ("operationId",))


@register
class OperationIdShouldEndWithRevision(_OpRule):
    """The operationId of revision N > 1 does not end in `_VN`.

    What it does: flags an operation with revision N > 1 whose operationId does not end in `_VN`.

    Why it matters: revisions are told apart by their operationId suffix.

    Fix: rename to `<Name>_V<revision>`.
    """

    severity = W
    message = "operationId {operation_id!r} of revision {revision} should end with '_V{revision}'"

    needs = ("x-ms-api-annotation",)

    def check(self, node, ctx):
        ann = as_dict(as_dict(node.op).get("x-ms-api-annotation"))
        rev = ann.get("revision")
        oid = node.op.get("operationId")
        if isinstance(rev, int) and not isinstance(rev, bool) and rev > 1 and isinstance(oid, str):
            if not oid.upper().endswith(f"V{rev}"):
                yield Violation({"operation_id": oid, "revision": rev}, node.pointer + ("operationId",))


not_implemented(
    "OperationIdTooLong", _OPS, W,
    "operationId longer than the service limit.",
    "The length limit is a placeholder on Microsoft's page; its value is not published.")
