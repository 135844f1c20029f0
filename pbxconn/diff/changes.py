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

OUTPUT_KINDS = (("ResponseField", "response field"), ("NotificationField", "notification field"))


def _output_kinds(suffix: str, cls: ChangeClass, message: str, summary: str, side: Side = "new") -> list[ChangeKind]:
    """One change to an output, as a response-field code and a notification-field code."""
    def fill(text: str, prefix: str, where: str) -> str:
        return text.replace("{Where}", prefix).replace("{where}", where)

    return [ChangeKind(f"{prefix}{suffix}", cls, fill(message, prefix, where), fill(summary, prefix, where), side)
            for prefix, where in OUTPUT_KINDS]


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
               "A parameter or body field changed `type`, or the `items` of an array (format changes are "
               "`ParameterFormatChanged`)."),
    ChangeKind("ParameterFormatChanged", B, "{operation}: input {param} format changed from {old} to {new}",
               "A parameter or body field gained, lost or changed its `format`: existing flows keep "
               "sending values in the old format."),
    ChangeKind("RequiredParameterAdded", B, "{operation}: new required input {param} without a default",
               "A new required parameter or body field without a `default`."),
    ChangeKind("RequiredParameterWithDefaultAdded", B,
               "{operation}: new required input {param} (default {new}) that existing flows do not send",
               "A new required parameter or body field with a `default`: flows saved before it existed "
               "do not send it (Microsoft's detector reports this as an error)."),
    ChangeKind("EnumValueRemoved", B, "{operation}: input {param} no longer accepts {values}",
               "Values were removed from an input's `enum`."),
    ChangeKind("EnumListAdded", B, "{operation}: input {param} now accepts only {values}",
               "An input that accepted any value now has an `enum`: values existing flows send may be "
               "outside the list."),
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
               "A response field changed `type`, or the `items` of an array (format changes are "
               "`ResponseFieldFormatChanged`)."),
    ChangeKind("NotificationRemoved", B, "{operation}: notification content removed",
               "A webhook trigger's `x-ms-notification-content` was removed.", side="old"),
    ChangeKind("NotificationFieldRemoved", B, "{operation}: notification field {field} removed",
               "A field of a webhook notification's schema was removed.", side="old"),
    ChangeKind("NotificationFieldTypeChanged", B,
               "{operation}: notification field {field} {aspect} changed from {old} to {new}",
               "A notification field changed `type`, or the `items` of an array (format changes are "
               "`NotificationFieldFormatChanged`)."),
    *_output_kinds("FormatChanged", B, "{operation}: {where} {field} format changed from {old} to {new}",
                   "A {where} lost or changed its `format` (gaining one is `{Where}FormatAdded`)."),
    *_output_kinds("EnumListRemoved", B, "{operation}: {where} {field} no longer lists its values (was {values})",
                   "A {where} lost its `enum`: it may now carry values flows that switch on it do not "
                   "expect.", side="old"),
    *_output_kinds("EnumValueAdded", B, "{operation}: {where} {field} may now also be {values}",
                   "Values were added to a {where}'s `enum`: flows that switch on its values meet values "
                   "they do not handle (the detector reports dropping the whole list as an error)."),
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
               "A new optional parameter or body field."),
    ChangeKind("ParameterMadeOptional", N, "{operation}: input {param} made optional",
               "A required parameter or body field became optional."),
    ChangeKind("EnumValueAdded", N, "{operation}: input {param} also accepts {values}",
               "Values were added to an input's `enum`."),
    ChangeKind("EnumListRemoved", N, "{operation}: input {param} now accepts any value (was {values})",
               "An input's `enum` was removed: every value accepted before is still accepted.", side="old"),
    *_output_kinds("EnumListAdded", N, "{operation}: {where} {field} now lists its values: {values}",
                   "A {where} without an `enum` gained one: it documents values the field already carried."),
    *_output_kinds("EnumValueRemoved", N, "{operation}: {where} {field} can no longer be {values}",
                   "Values were removed from a {where}'s `enum`: flows still handle every value it can "
                   "carry."),
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
               "`x-ms-visibility` became more prominent among advanced < none < important (absent or "
               "`\"\"` is none; values are compared without case)."),
    ChangeKind("VisibilityReduced", N, "{subject}: x-ms-visibility changed from {old} to {new}",
               "`x-ms-visibility` became less prominent: not internal, or internal where nothing users set "
               "is hidden (a response or notification field, an input holding only platform-filled values)."),
    ChangeKind("InternalMadeVisible", N, "{subject}: x-ms-visibility changed from {old} to {new}",
               "An internal operation, input or field became visible (advanced, none or important)."),
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

PULL_REQUEST = "https://github.com/microsoft/PowerPlatformConnectors/pull/{}"


@dataclass(frozen=True, slots=True)
class DetectorMessage:
    """A message of Microsoft's Breaking Change Detector and the codes that report the same change."""

    text: str  # verbatim, as the `##[error]` lines quoted in PowerPlatformConnectors pull requests show it
    codes: tuple[str, ...]
    sources: tuple[int, ...]  # microsoft/PowerPlatformConnectors pull requests that quote it
    rule: str = ""  # Microsoft's own name for the check, where a log shows one
    note: str = ""  # where pbxconn reports the change differently
    level: str = "error"


DETECTOR_MESSAGES = [
    DetectorMessage("The operation has been deleted. This change breaks existing flows.",
                    ("OperationRemoved", "OperationIdChanged"), (3470, 4043, 4168),
                    note="The detector names operations by operationId, so a renamed operationId reads as a "
                         "deleted operation (PR 3470 renamed actions); pbxconn also matches by method and path and "
                         "reports the rename as `OperationIdChanged`."),
    DetectorMessage("The operation has been hidden. This change breaks the designer for existing flows.",
                    ("OperationMadeInternal",), (4215,)),
    DetectorMessage("The path template has been changed for the operation.", ("OperationPathChanged",), (3648, 3499)),
    DetectorMessage("The location has been changed for the parameter. Existing flows will continue to send the "
                    "parameter in the old location.", ("ParameterMoved",), (3648,)),
    DetectorMessage("The required parameter has been added.", ("RequiredParameterAdded",), (3499,)),
    DetectorMessage("The required input field has been added. Existing flows will not send this new field.",
                    ("RequiredParameterAdded",), (3656, 3516, 2641)),
    DetectorMessage("The required input field has been added with default value. Existing flows will not send "
                    "this new field.", ("RequiredParameterWithDefaultAdded",), (1890,)),
    DetectorMessage("The input field has been changed from optional to required.", ("ParameterMadeRequired",),
                    (3516,)),
    DetectorMessage("The type has been changed for the input field. Existing flows will continue to send the field "
                    "with the old type.", ("ParameterTypeChanged",), (480, 3546)),
    DetectorMessage("The type format has been changed for the input field. Existing flows will continue to send "
                    "the field with the old type format.", ("ParameterFormatChanged",), (3309,),
                    note="PR 3309 shows it for a `format` added to a string input."),
    DetectorMessage("The list of enum values has been added to the input field. Existing flows may use values "
                    "outside of this list.", ("EnumListAdded",), (619,)),
    DetectorMessage("An enum value has been removed from the input field. Existing flows may have this value "
                    "chosen and will continue to send it.", ("EnumValueRemoved",), (3287,)),
    DetectorMessage("The output field has been deleted. Existing flows may be broken if they are using this field "
                    "and actual payload has been changed.", ("ResponseFieldRemoved", "NotificationFieldRemoved"),
                    (3656,)),
    DetectorMessage("The type has been changed for the output field. Existing flows may be broken if they are "
                    "using this field and actual payload has been changed.",
                    ("ResponseFieldTypeChanged", "NotificationFieldTypeChanged"), (1250, 1743, 2649, 3785, 3910),
                    rule="OutputFieldTypeChanged"),
    DetectorMessage("The type format has been changed for the output field. Existing flows may be broken if they "
                    "are using this field and actual payload has been changed.",
                    ("ResponseFieldFormatChanged", "NotificationFieldFormatChanged", "ResponseFieldFormatAdded",
                     "NotificationFieldFormatAdded"), (807, 1743, 3863), rule="OutputFieldTypeFormatChanged",
                    note="pbxconn differs for a `format` added to an output: `ResponseFieldFormatAdded` and "
                         "`NotificationFieldFormatAdded` are non-breaking, as the values sent are the same. No log "
                         "shows whether the detector prints this message for an added format too (it does for "
                         "inputs, PR 3309): expect it might."),
    DetectorMessage("The list of enum values has been removed from the output field.",
                    ("ResponseFieldEnumListRemoved", "NotificationFieldEnumListRemoved"), (1381,)),
]


def _detector_section() -> list[str]:
    """The docs/diff.md section mapping each detector message to its codes."""
    lines = [
        "## Microsoft's Breaking Change Detector",
        "",
        "Microsoft's pull-request pipeline sends the old and the new swagger of a changed connector to",
        "its Breaking Change Detector (`ValidateChange`) and prints each finding as",
        "`##[error]<message> ValuePath: operation/<operationId>/... Source: NewSwagger`; webhook",
        "notification content appears as `operation/<id>/responses/x-ms-notification-content/...`, an",
        "output like a response. Every message below is copied from such lines quoted in",
        "microsoft/PowerPlatformConnectors pull requests (sources); each was printed as an error. The",
        "codes are the ones `pbxconn diff` reports for the same change, with their class.",
        "",
        "| detector message | pbxconn codes | sources | notes |",
        "|---|---|---|---|",
    ]
    for message in DETECTOR_MESSAGES:
        codes = ", ".join(f"`{code}` ({CHANGES[code].cls})" for code in message.codes)
        sources = ", ".join(f"[#{n}]({PULL_REQUEST.format(n)})" for n in message.sources)
        note = " ".join(part for part in (f"Microsoft's rule: `{message.rule}`." if message.rule else "",
                                          message.note) if part)
        lines.append(f"| {message.text} | {codes} | {sources} | {note} |")
    mapped = {code for message in DETECTOR_MESSAGES for code in message.codes}
    for cls, title in ((B, "Breaking"), (N, "Non-breaking")):
        rest = ", ".join(f"`{k.code}`" for k in _KINDS if k.cls == cls and k.code not in mapped)
        lines += ["", f"{title} codes no detector message was found for: {rest}."]
    lines.append("")
    return lines


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
    lines += _detector_section()
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    sys.stdout.write(docs_markdown())
