"""The change codes `pbxconn diff` reports: class, where the finding points, message template.

This table is data: docs/diff.md is generated from it (`python -m pbxconn.diff.changes`) and a
test checks that the page is current. A code names the change, in PascalCase; its class is
fixed (a code is never breaking in one place and non-breaking in another).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Literal

ChangeClass = Literal["breaking", "non-breaking"]
Side = Literal["old", "new"]


@dataclass(frozen=True, slots=True)
class ChangeKind:
    """One change code: its class, which version the finding points into, and its message."""

    code: str
    cls: ChangeClass
    message: str  # str.format template over the change's arguments
    summary: str  # one line for docs/diff.md
    side: Side = "new"  # "old" for removals: the finding's file/line/column are in the old version

    @property
    def breaking(self) -> bool:
        """True when this change breaks flows built on the old version."""
        return self.cls == "breaking"


B: ChangeClass = "breaking"
N: ChangeClass = "non-breaking"

_KINDS = [
    # --- document ------------------------------------------------------------------------
    ChangeKind("HostChanged", B, "host changed from {old} to {new}",
               "`host` changed: every call goes to another server."),
    ChangeKind("BasePathChanged", B, "basePath changed from {old} to {new}",
               "`basePath` changed: every operation's URL changed."),
    ChangeKind("SchemesChanged", B, "schemes changed from {old} to {new}",
               "`schemes` changed."),
    ChangeKind("SecurityChanged", B, "{what} changed from {old} to {new}",
               "`securityDefinitions`, `security` or a connection parameter's OAuth settings changed: "
               "existing connections stop working."),
    # --- operations ----------------------------------------------------------------------
    ChangeKind("OperationRemoved", B, "operation {operation} ({method} {path}) removed",
               "An operation (action or trigger) was removed.", side="old"),
    ChangeKind("OperationIdChanged", B, "operationId of {method} {path} renamed from {old} to {new}",
               "The same method and path now has another operationId: flows refer to operations by id."),
    ChangeKind("OperationPathChanged", B, "{operation}: path changed from {old} to {new}",
               "An operation (matched by operationId) moved to another path."),
    ChangeKind("OperationMethodChanged", B, "{operation}: method changed from {old} to {new}",
               "An operation (matched by operationId) uses another HTTP method."),
    ChangeKind("OperationMadeInternal", B, "{operation}: operation made internal",
               "A visible operation became `x-ms-visibility: internal`: flows using it can no longer "
               "be edited in the designer."),
    ChangeKind("TriggerKindChanged", B, "{operation}: trigger kind changed from {old} to {new}",
               "`x-ms-trigger` changed between action (none), `single` and `batch`."),
    ChangeKind("TriggerMetadataChanged", B, "{operation}: x-ms-trigger-metadata changed from {old} to {new}",
               "`x-ms-trigger-metadata` (polling mode, kind) changed."),
    # --- inputs --------------------------------------------------------------------------
    ChangeKind("ParameterRemoved", B, "{operation}: input {param} removed",
               "A parameter, or a field of a body parameter, was removed.", side="old"),
    ChangeKind("ParameterRenamed", B, "{operation}: input {old} renamed to {new}",
               "A parameter was renamed (same location and type, new name)."),
    ChangeKind("ParameterMoved", B, "{operation}: input {param} moved from {old} to {new}",
               "A parameter's `in` changed (query, path, header, formData, body)."),
    ChangeKind("ParameterMadeRequired", B, "{operation}: input {param} made required",
               "An optional parameter or body field became required."),
    ChangeKind("ParameterTypeChanged", B, "{operation}: input {param} {aspect} changed from {old} to {new}",
               "A parameter or body field changed `type`, `format` or array `items`."),
    ChangeKind("RequiredParameterAdded", B, "{operation}: new required input {param} without a default",
               "A new required parameter or body field without a `default`."),
    ChangeKind("EnumValueRemoved", B, "{operation}: input {param} no longer accepts {values}",
               "Values were removed from an input's `enum`."),
    ChangeKind("InternalDefaultChanged", B,
               "{operation}: default of internal input {param} changed from {old} to {new}",
               "The `default` of an internal parameter (which users cannot set) changed."),
    ChangeKind("ParameterMadeInternal", B, "{operation}: visible input {param} made internal",
               "A parameter or field users could set became `x-ms-visibility: internal`: values they "
               "set are ignored. (Not when everything in it was already internal or is filled by "
               "the platform, like `x-ms-notification-url`.)"),
    # --- outputs -------------------------------------------------------------------------
    ChangeKind("ResponseRemoved", B, "{operation}: success response {status} removed",
               "A 2xx or default response was removed.", side="old"),
    ChangeKind("ResponseFieldRemoved", B, "{operation}: response field {field} removed",
               "A field of a response schema was removed.", side="old"),
    ChangeKind("ResponseFieldTypeChanged", B,
               "{operation}: response field {field} {aspect} changed from {old} to {new}",
               "A response field changed `type`, `format` or array `items`."),
    ChangeKind("NotificationRemoved", B, "{operation}: notification content removed",
               "A webhook trigger's `x-ms-notification-content` was removed.", side="old"),
    ChangeKind("NotificationFieldRemoved", B, "{operation}: notification field {field} removed",
               "A field of a webhook notification's schema was removed.", side="old"),
    ChangeKind("NotificationFieldTypeChanged", B,
               "{operation}: notification field {field} {aspect} changed from {old} to {new}",
               "A notification field changed `type`, `format` or array `items`."),
    # --- apiProperties -------------------------------------------------------------------
    ChangeKind("ConnectionParameterRemoved", B, "connection parameter {name} removed",
               "A connection parameter was removed.", side="old"),
    ChangeKind("ConnectionParameterTypeChanged", B,
               "connection parameter {name} type changed from {old} to {new}",
               "A connection parameter's `type` changed."),
    ChangeKind("RequiredConnectionParameterAdded", B, "new required connection parameter {name}",
               "A new connection parameter that users must fill in: existing connections lack it."),
    ChangeKind("PolicyTemplateRemoved", B, "policy {template} for operation {operation} removed",
               "A policy template instance no longer applies to an operation.", side="old"),
    ChangeKind("PolicyTriggerConfigChanged", B,
               "policy {template} for operation {operation}: {key} changed from {old} to {new}",
               "A policy's trigger configuration (`...triggerConfig`, `...triggerDataPath`) changed."),
    ChangeKind("PolicyParametersChanged", B,
               "policy {template} for operation {operation}: {key} changed from {old} to {new}",
               "Another parameter of a policy template instance changed: the request sent changes."),
    # --- non-breaking --------------------------------------------------------------------
    ChangeKind("OperationAdded", N, "operation {operation} ({method} {path}) added",
               "A new operation."),
    ChangeKind("ParameterAdded", N, "{operation}: input {param} added",
               "A new optional parameter or body field (or a required one with a `default`)."),
    ChangeKind("ParameterMadeOptional", N, "{operation}: input {param} made optional",
               "A required parameter or body field became optional."),
    ChangeKind("EnumValueAdded", N, "{operation}: input {param} also accepts {values}",
               "Values were added to an input's `enum`."),
    ChangeKind("DefaultChanged", N, "{operation}: default of input {param} changed from {old} to {new}",
               "The `default` of a visible parameter changed (existing flows keep their value)."),
    ChangeKind("ResponseAdded", N, "{operation}: response {status} added", "A new response."),
    ChangeKind("ErrorResponseRemoved", N, "{operation}: error response {status} removed",
               "A non-2xx response was removed from the documentation.", side="old"),
    ChangeKind("ResponseFieldAdded", N, "{operation}: response field {field} added",
               "A new response field."),
    ChangeKind("NotificationAdded", N, "{operation}: notification content added",
               "A new `x-ms-notification-content`."),
    ChangeKind("NotificationFieldAdded", N, "{operation}: notification field {field} added",
               "A new notification field."),
    ChangeKind("ResponseFieldFormatAdded", N, "{operation}: response field {field} now has format {new}",
               "A response field without a `format` gained one: the values sent are the same, the "
               "designer shows a more precise type."),
    ChangeKind("NotificationFieldFormatAdded", N,
               "{operation}: notification field {field} now has format {new}",
               "A notification field without a `format` gained one."),
    ChangeKind("UnusedNotificationRemoved", N,
               "notification content of {path}, a path without operations, removed",
               "An `x-ms-notification-content` on a path item that has no operation (nothing can "
               "use it) was removed.", side="old"),
    ChangeKind("SummaryChanged", N, "{subject}: {key} changed from {old} to {new}",
               "`summary`, `x-ms-summary`, `title` or a display name changed."),
    ChangeKind("DescriptionChanged", N, "{subject}: {key} changed", "A description changed."),
    ChangeKind("VisibilityIncreased", N, "{subject}: x-ms-visibility changed from {old} to {new}",
               "`x-ms-visibility` became more prominent (internal < advanced < none < important)."),
    ChangeKind("VisibilityReduced", N, "{subject}: x-ms-visibility changed from {old} to {new}",
               "`x-ms-visibility` became less prominent, but not internal."),
    ChangeKind("TriggerHintChanged", N, "{operation}: x-ms-trigger-hint changed from {old} to {new}",
               "The designer's hint text of a trigger changed."),
    ChangeKind("ConnectionParameterAdded", N, "connection parameter {name} added",
               "A new optional connection parameter."),
    ChangeKind("PolicyTemplateAdded", N, "policy {template} for operation {operation} added",
               "A policy template instance now applies to an operation."),
    ChangeKind("MetadataChanged", N, "{what} changed from {old} to {new}",
               "Publisher metadata changed: `info`, `x-ms-connector-metadata`, `tags`, brand colour, "
               "publisher, policy titles."),
    ChangeKind("OtherChange", N, "{subject}: {key} changed from {old} to {new}",
               "A difference no other code classifies (constraints, encodings, media types...): "
               "listed for review."),
]

CHANGES: dict[str, ChangeKind] = {kind.code: kind for kind in _KINDS}


def docs_markdown() -> str:
    """The text of docs/diff.md, generated from CHANGES."""
    lines = [
        "# `pbxconn diff`: change codes",
        "",
        "<!-- generated by `python -m pbxconn.diff.changes > docs/diff.md`; do not edit -->",
        "",
        "`pbxconn diff OLD NEW [--format text|json|sarif|github]` compares two versions of a",
        "connector: folders, swagger files, or `git:REV:PATH` (PATH from the repository root, as",
        "`git show` reads it; `git:REV:./PATH` is relative to the current directory). It resolves",
        "`$ref`s first, matches operations by operationId and by method + path, and reports every",
        "change below. Breaking changes are errors and make the exit code 1; non-breaking changes",
        "are listed as information. Exit code 2: a path, revision or file that cannot be read.",
        "",
        "Each finding carries `class`, `old_pointer` and `new_pointer`. Its `pointer`, file, line",
        "and column are in the new version, or in the old version for removals (side `old`).",
        "Pointers are logical: they follow the operation through `$ref`s; the line and column",
        "are those of the text the reference leads to.",
        "",
    ]
    for cls, title in ((B, "Breaking"), (N, "Non-breaking")):
        lines += [f"## {title}", "", "| code | side | what |", "|---|---|---|"]
        lines += [f"| `{k.code}` | {k.side} | {k.summary} |" for k in _KINDS if k.cls == cls]
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    sys.stdout.write(docs_markdown())
