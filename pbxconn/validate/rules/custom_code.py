"""Custom code (script.csx) checked statically with a real C# parser (tree-sitter).

Microsoft's swagger validator does not look at script.csx; the contract and limits below come
from Microsoft's "Write code in a custom connector" page (see pbxconn.csx.contract). The script
is parsed once per package; tree-sitter is imported only when a package has a script.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator, Sequence

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
# A tree-sitter error and an mcs error this many lines apart are the same error (a missing token
# is reported by mcs at the next token, often on the next line).
SAME_ERROR_LINES = 1
MCS_TIMEOUT_SECONDS = 60
# mcs: "feature ... cannot be used because it is not part of the C# 7.x language specification".
NEWER_LANGUAGE_CODES = frozenset({"CS1644", "CS8025", "CS8058"})


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


@dataclass(frozen=True, slots=True)
class McsError:
    """One error of Mono's C# parser in the script."""

    line: int
    column: int
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class McsVerdict:
    """What Mono's parser says about a script: its errors, or (`unavailable`) why it said nothing."""

    errors: tuple[McsError, ...] = ()
    unavailable: str = ""


_VERDICTS: dict[str, McsVerdict] = {}


def find_mcs() -> str | None:
    """Mono's C# compiler on PATH, or None."""
    return shutil.which("mcs")


def mcs_verdict(text: str) -> McsVerdict:
    """Mono's parser run on the script (`mcs --parse`), cached by content hash in memory and on disk."""
    mcs = find_mcs()
    if mcs is None:
        return McsVerdict(unavailable="Mono's mcs is not installed")
    try:
        key = _verdict_key(mcs, text)
    except OSError as exc:
        return McsVerdict(unavailable=f"mcs could not be run ({exc})")
    verdict = _VERDICTS.get(key)
    if verdict is None:
        verdict = _read_verdict(key)
        if verdict is None:
            verdict = _run_mcs_parse(mcs, text)
            if not verdict.unavailable:
                _write_verdict(key, verdict)
        _VERDICTS[key] = verdict
    return verdict


def _verdict_key(mcs: str, text: str) -> str:
    """Content hash of the script and the compiler's identity."""
    real = os.path.realpath(mcs)
    stat = os.stat(real)
    digest = hashlib.sha256(f"{real}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
    digest.update(text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:32]


def _verdict_file(key: str) -> Path:
    from pbxconn.csx.compile import cache_root

    return cache_root() / "syntax" / f"{key}.json"


def _read_verdict(key: str) -> McsVerdict | None:
    """A verdict cached on disk, or None."""
    try:
        rows = json.loads(_verdict_file(key).read_text(encoding="utf-8"))
        return McsVerdict(tuple(McsError(int(r[0]), int(r[1]), str(r[2]), str(r[3])) for r in rows))
    except (OSError, ValueError, TypeError, IndexError):
        return None


def _write_verdict(key: str, verdict: McsVerdict) -> None:
    """Cache a verdict on disk (best effort: a read-only cache only costs a re-run)."""
    target = _verdict_file(key)
    rows = [[e.line, e.column, e.code, e.message] for e in verdict.errors]
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=target.parent, delete=False) as handle:
            json.dump(rows, handle)
        os.replace(handle.name, target)
    except OSError:
        pass


def _run_mcs_parse(mcs: str, text: str) -> McsVerdict:
    """Run `mcs --parse` (parse only: no references, no semantic errors) on the script."""
    from pbxconn.csx.compile import parse_diagnostics

    with tempfile.TemporaryDirectory(prefix="pbxconn-csx-parse-") as tmp:
        source = Path(tmp) / "script.cs"
        source.write_text(text.lstrip("\ufeff"), encoding="utf-8")
        try:
            proc = subprocess.run([mcs, "--parse", "-nologo", str(source)], capture_output=True, text=True,
                                  timeout=MCS_TIMEOUT_SECONDS, cwd=tmp)
        except (OSError, subprocess.SubprocessError) as exc:
            return McsVerdict(unavailable=f"mcs could not be run ({exc})")
    found = [d for d in parse_diagnostics(proc.stdout + proc.stderr) if d.severity == "error"]
    errors = tuple(McsError(d.line, d.column, d.code, d.message) for d in found if d.file == source.name)
    if proc.returncode != 0 and not errors:
        first = (proc.stdout + proc.stderr).strip().splitlines()[:1]
        return McsVerdict(unavailable=f"mcs --parse failed ({first[0] if first else proc.returncode})")
    return McsVerdict(errors)


def _newer_constructs(tree: "ParsedScript") -> list[Any]:
    """The constructs of C# newer than 7.3 the parser found (each with line and, where known, end_line)."""
    return [*tree.newer_syntax, *getattr(tree, "nullable_candidates", ())]


def _explained(error: McsError, newer: Sequence[Any]) -> bool:
    """Whether an mcs error comes from C# newer than mcs reads rather than from the script."""
    return error.code in NEWER_LANGUAGE_CODES or \
        any(c.line <= error.line <= getattr(c, "end_line", c.line) for c in newer)


def _near(line: int, errors: Sequence[McsError]) -> McsError | None:
    """The first mcs error on or next to `line`."""
    return next((e for e in errors if abs(e.line - line) <= SAME_ERROR_LINES), None)


def _construct(construct: Any) -> str:
    """A newer construct in words, e.g. 'using declarations (C# 8) at line 5'."""
    feature, version = getattr(construct, "feature", ""), getattr(construct, "version", "")
    what = f"{feature} (C# {version})" if feature and version else getattr(construct, "text", "") or "C# newer than 7.3"
    return f"{what} at line {construct.line}"


def _newer_note(newer: Sequence[Any]) -> str:
    """Why mcs cannot judge: the first newer construct the script uses."""
    what = _construct(min(newer, key=lambda c: c.line)) if newer else "C# newer than 7.3"
    return f"not confirmed by a compiler: the script uses {what}, which Mono's C# 7 compiler cannot read"


def syntax_violations(tree: "ParsedScript", verdict: McsVerdict) -> list[Violation]:
    """tree-sitter's syntax errors judged by Mono's parser: errors where mcs agrees, warnings where
    no compiler could judge, nothing where mcs parsed the code; plus warnings for errors only mcs found."""
    if verdict.unavailable:
        note = f"no C# compiler confirmed it: {verdict.unavailable}"
        return [_syntax(e.text, e.line, e.column, Severity.WARNING, note) for e in tree.syntax_errors[:MAX_SYNTAX_ERRORS]]
    newer = _newer_constructs(tree)
    genuine = [e for e in verdict.errors if not _explained(e, newer)]
    unreadable = [e for e in verdict.errors if _explained(e, newer)]
    out: list[Violation] = []
    for error in tree.syntax_errors[:MAX_SYNTAX_ERRORS]:
        agrees = _near(error.line, genuine)
        if agrees is not None:
            out.append(_syntax(error.text, error.line, error.column, None,
                               f"Mono's mcs agrees: {agrees.code} {agrees.message}"))
        elif _near(error.line, unreadable) is not None or (unreadable and not genuine):
            out.append(_syntax(error.text, error.line, error.column, Severity.WARNING, _newer_note(newer)))
    for error in genuine:
        if not any(abs(e.line - error.line) <= SAME_ERROR_LINES for e in tree.syntax_errors):
            out.append(_syntax(error.message, error.line, error.column, Severity.WARNING,
                               f"{error.code}, found by Mono's C# 7 parser only; tree-sitter's C# grammar reads this line"))
    return sorted(out, key=lambda v: (v.line, v.column))[:MAX_SYNTAX_ERRORS]


def _syntax(text: str, line: int, column: int, severity: Severity | None, note: str) -> Violation:
    return Violation({"detail": f"{text} ({note})"}, file="script", line=line, column=column, severity=severity)


@register
class ScriptSyntaxError(Rule):
    """script.csx holds C# that does not parse (tree-sitter's grammar and Mono's parser agree).

    What it does: parses script.csx with tree-sitter's C# grammar; when that reports errors (and
    only then, so scripts that parse cost nothing more), asks Mono's compiler (`mcs --parse`,
    parse only, about 0.15 s, cached by content hash) for its verdict. Errors both report (on the
    same or the next line) are errors; errors only tree-sitter reports are dropped when mcs
    parsed that code (what C# 7 reads, the platform's newer compiler reads too); errors only
    mcs reports are warnings (mcs may lack newer syntax tree-sitter knows). First five places.

    Why it matters: the platform compiles the script when the connector is saved or certified;
    a syntax error rejects the upload, and in the repository it fails review late.

    Fix: correct the C# at the reported line and column (`pbxconn csx test` compiles it).

    Where tree-sitter and a compiler disagree: tree-sitter's grammar rejects some valid C#
    (an index initializer on a variable named `field`, `new JObject() { [field.Key] = value }`,
    which it reads as the C# 13 `field` keyword), so its verdict alone is not worth stopping a
    release for. Without Mono the errors are warnings noting that no compiler confirmed them.
    A script using C# 8 or later (`using var`, `string?`, switch expressions...) is beyond Mono's
    C# 7 parser: mcs's errors on those constructs do not confirm anything, and tree-sitter's
    errors are then warnings (tree-sitter knows current C#, but is the party in doubt); mcs's
    errors elsewhere in such a script still confirm.
    """

    category = "CustomCode"
    origin = "pbxconn"
    severity = Severity.ERROR
    message = "C# syntax error: {detail}"
    subject = "script"

    def check(self, node: "Package", ctx: "Package") -> Iterator[Violation]:
        """Yield one violation per syntax error (at most MAX_SYNTAX_ERRORS)."""
        tree = parsed(ctx)
        if tree is None or not tree.syntax_errors:
            return
        yield from syntax_violations(tree, mcs_verdict(ctx.script_text or ""))


@register
class ScriptClassMissing(Rule):
    """A script without a top-level `class Script : ScriptBase`.

    What it does: looks for a top-level class named `Script` that derives from `ScriptBase`.

    Why it matters: the platform instantiates exactly that class; without it the connector's
    custom code cannot run.

    Fix: declare `public class Script : ScriptBase` and implement `ExecuteAsync` in it.

    A ScriptBase class with another spelling (`class script : ScriptBase`) is only a warning:
    three published connectors use it, so the platform evidently accepts it.
    """

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
    """A script with more than one top-level class deriving from ScriptBase.

    What it does: counts the top-level classes whose base list names `ScriptBase`.

    Why it matters: a connector has exactly one script class; with several, which one runs is
    not defined and the upload may be rejected.

    Fix: keep one `Script : ScriptBase` class and turn the others into helpers.
    """

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
    """A `Script` class that does not override `ExecuteAsync`.

    What it does: looks for `override ... ExecuteAsync(` among the members of class Script.

    Why it matters: `ExecuteAsync` is the entry point the platform calls for every operation
    routed to the script; without the override the script does not compile.

    Fix: add `public override async Task<HttpResponseMessage> ExecuteAsync()`.
    """

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
    """A `using` directive for a namespace outside the supported list.

    What it does: compares each `using` namespace with the 26 namespaces Microsoft lists as
    supported for custom code (plus the host's own namespace).

    Why it matters: the script runs in a restricted host; types from other namespaces may be
    missing there or blocked, so a script that works locally can fail on the platform.

    Fix: use only the supported namespaces (System, System.Net.Http, Newtonsoft.Json.Linq, ...).
    """

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
    """A script creates its own HttpClient (`new HttpClient(...)`).

    What it does: finds object creations of `HttpClient` (also `System.Net.Http.HttpClient`).

    Why it matters: Microsoft says creating your own HttpClient "currently works but will be
    blocked"; requests must go through `Context.SendAsync`, which also keeps the connection's
    authentication and the platform's limits.

    Fix: send with `await this.Context.SendAsync(request, this.CancellationToken)`.
    """

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
    """A script of 1 MB or more.

    What it does: measures script.csx in bytes.

    Why it matters: Microsoft limits custom code to less than 1 MB; a larger script is rejected.

    Fix: move data out of the script, remove dead code.
    """

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
    """The script compares `Context.OperationId` with an operationId the swagger does not define.

    What it does: collects string literals compared with `Context.OperationId` (`==`, `!=`,
    `Equals`, `switch` cases, also through a local copy) and looks them up in the swagger.

    Why it matters: the branch never runs; usually an operation was renamed (`_V2`) and the
    script still handles the old name, so the new operation silently skips its custom code.
    A warning, not an error: the stale branch itself harms nothing at run time (it compiles and
    is never taken), and whether a renamed operation needed the branch cannot be told from the
    files.

    Fix: use the operationId exactly as the swagger spells it, or remove the dead branch.
    """

    category = "CustomCode"
    origin = "pbxconn"
    severity = Severity.WARNING
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
    """The script handles an operation that apiProperties `scriptOperations` does not route to it.

    What it does: when `scriptOperations` lists operations, checks that every operationId the
    script compares with `Context.OperationId` (and the swagger defines) is listed.

    Why it matters: the platform runs the script only for the listed operations; the others go
    straight to the service, so the script's handling of them never happens.

    Fix: add the operationId to `properties.scriptOperations` in apiProperties.json, or remove
    the branch.
    """

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
