"""Custom code (script.csx) checked statically with a real C# parser (tree-sitter).

Microsoft's swagger validator does not look at script.csx; the contract and limits below come
from Microsoft's "Write code in a custom connector" page (see pbxconn.csx.contract). The script
is parsed once per package; tree-sitter is imported only when a package has a script.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from pbxconn.core.findings import Severity
from pbxconn.csx.contract import (
    ENTRY_METHOD,
    HOST_NAMESPACE,
    MAX_SCRIPT_BYTES,
    SCRIPT_CLASS,
    SUPPORTED_NAMESPACES,
    namespace_supported,
)
from pbxconn.validate.rule import Rule, Violation, register

if TYPE_CHECKING:  # pragma: no cover
    from pbxconn.csx.parse import ParsedScript
    from pbxconn.validate.package import Package

__all__ = ["SUPPORTED_NAMESPACES", "HOST_NAMESPACE"]

# Syntax errors after the first few are usually echoes of the first one.
MAX_SYNTAX_ERRORS = 5


def parsed(ctx: "Package") -> "ParsedScript | None":
    """The package's script parsed once (cached by text), or None without a script."""
    text = ctx.script_text
    if text is None:
        return None
    from pbxconn.csx.parse import parse_script

    return parse_script(text)


def _script_class(ctx: "Package"):
    tree = parsed(ctx)
    if tree is None:
        return None
    return next((c for c in tree.script_classes if c.name == SCRIPT_CLASS), None)


@register
class ScriptSyntaxError(Rule):
    """Flags C# that does not parse.

    What it does: parses script.csx with tree-sitter's C# grammar and reports where the parser
    had to skip or insert text (first five places).

    Why it matters: the platform compiles the script when the connector is saved or certified;
    a syntax error rejects the upload, and in the repository it fails review late.

    Fix: correct the C# at the reported line and column (`pbxconn csx test` compiles it).
    """

    code = "ScriptSyntaxError"
    category = "CustomCode"
    origin = "pbxconn"
    severity = Severity.ERROR
    message = "C# syntax error: {detail}"
    subject = "script"

    def check(self, node: "Package", ctx: "Package") -> Iterator[Violation]:
        """Yield one violation per syntax error (at most MAX_SYNTAX_ERRORS)."""
        tree = parsed(ctx)
        for error in (tree.syntax_errors if tree else [])[:MAX_SYNTAX_ERRORS]:
            yield Violation({"detail": error.text}, file="script", line=error.line, column=error.column)


@register
class ScriptClassMissing(Rule):
    """Flags a script without a top-level `class Script : ScriptBase`.

    What it does: looks for a top-level class named `Script` that derives from `ScriptBase`.

    Why it matters: the platform instantiates exactly that class; without it the connector's
    custom code cannot run.

    Fix: declare `public class Script : ScriptBase` and implement `ExecuteAsync` in it.

    A ScriptBase class with another spelling (`class script : ScriptBase`) is only a warning:
    three published connectors use it, so the platform evidently accepts it.
    """

    code = "ScriptClassMissing"
    category = "CustomCode"
    origin = "pbxconn"
    severity = Severity.ERROR
    message = "no top-level class {expected!r} deriving from ScriptBase{found}"
    subject = "script"

    def check(self, node: "Package", ctx: "Package") -> Iterator[Violation]:
        """Yield a violation when the entry class is absent."""
        tree = parsed(ctx)
        if tree is None or tree.syntax_errors and not tree.classes:
            return
        if _script_class(ctx) is not None:
            return
        others = [c.name for c in tree.script_classes]
        found = f" (found {', '.join(repr(n) for n in others)}; the documented name is {SCRIPT_CLASS!r})" if others else ""
        where = tree.script_classes[0] if tree.script_classes else None
        yield Violation({"expected": SCRIPT_CLASS, "found": found}, file="script",
                        line=where.line if where else 1, column=where.column if where else 1,
                        severity=Severity.WARNING if others else None)


@register
class ScriptClassNotUnique(Rule):
    """Flags more than one top-level class deriving from ScriptBase.

    What it does: counts the top-level classes whose base list names `ScriptBase`.

    Why it matters: a connector has exactly one script class; with several, which one runs is
    not defined and the upload may be rejected.

    Fix: keep one `Script : ScriptBase` class and turn the others into helpers.
    """

    code = "ScriptClassNotUnique"
    category = "CustomCode"
    origin = "pbxconn"
    severity = Severity.ERROR
    message = "class {name!r} is another class deriving from ScriptBase (the first is at line {first})"
    subject = "script"

    def check(self, node: "Package", ctx: "Package") -> Iterator[Violation]:
        """Yield one violation per extra ScriptBase class."""
        tree = parsed(ctx)
        classes = tree.script_classes if tree else []
        for extra in classes[1:]:
            yield Violation({"name": extra.name, "first": classes[0].line}, file="script",
                            line=extra.line, column=extra.column)


@register
class ScriptExecuteAsyncMissing(Rule):
    """Flags a `Script` class that does not override `ExecuteAsync`.

    What it does: looks for `override ... ExecuteAsync(` among the members of class Script.

    Why it matters: `ExecuteAsync` is the entry point the platform calls for every operation
    routed to the script; without the override the script does not compile.

    Fix: add `public override async Task<HttpResponseMessage> ExecuteAsync()`.
    """

    code = "ScriptExecuteAsyncMissing"
    category = "CustomCode"
    origin = "pbxconn"
    severity = Severity.ERROR
    message = "class Script does not override " + ENTRY_METHOD + "()"
    subject = "script"

    def check(self, node: "Package", ctx: "Package") -> Iterator[Violation]:
        """Yield a violation when class Script lacks the override."""
        script = _script_class(ctx)
        if script is not None and not script.overrides_execute:
            yield Violation({}, file="script", line=script.line, column=script.column)


@register
class ScriptNamespaceNotSupported(Rule):
    """Flags a `using` directive for a namespace outside the supported list.

    What it does: compares each `using` namespace with the 26 namespaces Microsoft lists as
    supported for custom code (plus the host's own namespace).

    Why it matters: the script runs in a restricted host; types from other namespaces may be
    missing there or blocked, so a script that works locally can fail on the platform.

    Fix: use only the supported namespaces (System, System.Net.Http, Newtonsoft.Json.Linq, ...).
    """

    code = "ScriptNamespaceNotSupported"
    category = "CustomCode"
    origin = "pbxconn"
    severity = Severity.WARNING
    message = "namespace {namespace!r} is not on the list of namespaces supported for custom code"
    subject = "script"

    def check(self, node: "Package", ctx: "Package") -> Iterator[Violation]:
        """Yield one violation per unsupported `using`."""
        tree = parsed(ctx)
        for using in tree.usings if tree else []:
            if not namespace_supported(using.text):
                yield Violation({"namespace": using.text}, file="script", line=using.line, column=using.column)


@register
class ScriptHttpClientCreated(Rule):
    """Flags `new HttpClient(...)` in a script.

    What it does: finds object creations of `HttpClient` (also `System.Net.Http.HttpClient`).

    Why it matters: Microsoft says creating your own HttpClient "currently works but will be
    blocked"; requests must go through `Context.SendAsync`, which also keeps the connection's
    authentication and the platform's limits.

    Fix: send with `await this.Context.SendAsync(request, this.CancellationToken)`.
    """

    code = "ScriptHttpClientCreated"
    category = "CustomCode"
    origin = "pbxconn"
    severity = Severity.WARNING
    message = "the script creates its own HttpClient; send requests with Context.SendAsync"
    subject = "script"

    def check(self, node: "Package", ctx: "Package") -> Iterator[Violation]:
        """Yield one violation per `new HttpClient(`."""
        tree = parsed(ctx)
        for found in tree.http_clients if tree else []:
            yield Violation({}, file="script", line=found.line, column=found.column)


@register
class ScriptTooLarge(Rule):
    """Flags a script of 1 MB or more.

    What it does: measures script.csx in bytes.

    Why it matters: Microsoft limits custom code to less than 1 MB; a larger script is rejected.

    Fix: move data out of the script, remove dead code.
    """

    code = "ScriptTooLarge"
    category = "CustomCode"
    origin = "pbxconn"
    severity = Severity.ERROR
    message = "script.csx is {size} bytes; custom code must be smaller than {limit} bytes (1 MB)"
    subject = "script"

    def check(self, node: "Package", ctx: "Package") -> Iterator[Violation]:
        """Yield a violation when the file is too large."""
        source = ctx.files.get("script")
        size = len(source.data) if source is not None and source.data is not None else \
            len((ctx.script_text or "").encode("utf-8"))
        if size >= MAX_SCRIPT_BYTES:
            yield Violation({"size": size, "limit": MAX_SCRIPT_BYTES}, file="script", line=1, column=1)


@register
class ScriptOperationIdUnknown(Rule):
    """Flags an operationId compared with `Context.OperationId` that the swagger does not define.

    What it does: collects string literals compared with `Context.OperationId` (`==`, `!=`,
    `Equals`, `switch` cases, also through a local copy) and looks them up in the swagger.

    Why it matters: the branch never runs; usually an operation was renamed (`_V2`) and the
    script still handles the old name, so the new operation silently skips its custom code.

    Fix: use the operationId exactly as the swagger spells it, or remove the dead branch.
    """

    code = "ScriptOperationIdUnknown"
    category = "CustomCode"
    origin = "pbxconn"
    severity = Severity.ERROR
    message = "the script handles operation {operation_id!r}, which the swagger does not define"
    subject = "script"

    def check(self, node: "Package", ctx: "Package") -> Iterator[Violation]:
        """Yield one violation per unknown operationId literal."""
        tree = parsed(ctx)
        if tree is None or not isinstance(ctx.swagger, dict):
            return
        known = set(ctx.operations_by_id)
        for literal in tree.operation_ids:
            if literal.text not in known:
                yield Violation({"operation_id": literal.text}, file="script",
                                line=literal.line, column=literal.column)


@register
class ScriptOperationNotRouted(Rule):
    """Flags an operation the script handles but apiProperties `scriptOperations` does not route to it.

    What it does: when `scriptOperations` lists operations, checks that every operationId the
    script compares with `Context.OperationId` (and the swagger defines) is listed.

    Why it matters: the platform runs the script only for the listed operations; the others go
    straight to the service, so the script's handling of them never happens.

    Fix: add the operationId to `properties.scriptOperations` in apiProperties.json, or remove
    the branch.
    """

    code = "ScriptOperationNotRouted"
    category = "CustomCode"
    origin = "pbxconn"
    severity = Severity.WARNING
    message = "the script handles operation {operation_id!r}, but scriptOperations does not route it to the script"
    subject = "script"

    def check(self, node: "Package", ctx: "Package") -> Iterator[Violation]:
        """Yield one violation per handled but unrouted operation."""
        tree = parsed(ctx)
        props = ctx.properties.get("properties") if isinstance(ctx.properties, dict) else None
        routed = props.get("scriptOperations") if isinstance(props, dict) else None
        if tree is None or not isinstance(routed, list) or not routed:
            return  # absent or empty: every operation goes to the script
        known = set(ctx.operations_by_id) if isinstance(ctx.swagger, dict) else set()
        for literal in tree.operation_ids:
            if literal.text in known and literal.text not in routed:
                yield Violation({"operation_id": literal.text}, file="script",
                                line=literal.line, column=literal.column)
