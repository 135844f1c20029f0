"""Tell mcs errors caused by C# newer than Mono's compiler (C# 7.x) from genuine errors in a script.

The script's own syntax decides: tree-sitter's grammar knows current C#, so it finds the newer
constructs (`parse.NewerSyntax`) and real syntax errors. mcs's errors are then matched to those
constructs: on their lines, mcs's "not part of the C# 7 specification" codes, or (for nullable
reference annotations, which mcs reads as `Nullable<T>` of a class) errors about such a type.

A nullable annotation on a type the parser cannot classify (`JObject?` vs an enum's `Status?`)
counts only when mcs confirms it: CS0453 "must be a non-nullable value type ... System.Nullable<T>"
at the annotation itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Protocol, Sequence

from pbxconn.csx.parse import NULLABLE_REFERENCES, NewerSyntax, ParsedScript

# mcs: "feature ... cannot be used because it is not part of the C# 7.x language specification".
NEWER_LANGUAGE_CODES = frozenset({"CS1644", "CS8025", "CS8058"})
# mcs parser errors: after one, mcs reports no semantic errors, so it saw nothing else.
SYNTAX_CODES = frozenset({
    "CS1001", "CS1002", "CS1003", "CS1013", "CS1014", "CS1022", "CS1024", "CS1026", "CS1031", "CS1040",
    "CS1041", "CS1514", "CS1519", "CS1525", "CS1526", "CS1529", "CS1585", "CS8124"})
NULLABLE_OF_CLASS = "CS0453"


class DiagnosticLike(Protocol):
    """What this module reads of a compiler diagnostic (compile.Diagnostic)."""

    line: int
    column: int
    code: str
    message: str


Compiler = Callable[[str], Sequence[DiagnosticLike]]


@dataclass(frozen=True, slots=True)
class Verdict:
    """`features`: the newer C# the script uses; `genuine`: mcs errors that newer C# does not explain."""

    features: tuple[NewerSyntax, ...]
    genuine: tuple[DiagnosticLike, ...]


def features_used(parsed: ParsedScript, errors: Sequence[DiagnosticLike]) -> list[NewerSyntax]:
    """The newer constructs found by the parser, plus the nullable annotations mcs confirmed."""
    confirmed = {(d.line, d.column) for d in errors if _nullable_of_class(d)}
    lines = {d.line for d in errors if _nullable_of_class(d)}
    found = list(parsed.newer_syntax)
    for candidate in parsed.nullable_candidates:
        same_line = [c for c in parsed.nullable_candidates if c.line == candidate.line]
        if (candidate.line, candidate.column) in confirmed or (len(same_line) == 1 and candidate.line in lines):
            found.append(candidate)
    return sorted(found, key=lambda f: (f.line, f.column))


def judge(parsed: ParsedScript, errors: Sequence[DiagnosticLike], recompile: Compiler | None = None) -> Verdict:
    """Which of mcs's `errors` in the script are genuine, given the newer C# it uses.

    When mcs stopped at a parse error of newer syntax it saw nothing else: no error is genuine.
    When it got past parsing (nullable annotations parse as `Nullable<T>`), errors elsewhere may
    follow from that; `recompile` then compiles the script with its nullable syntax blanked and
    returns the errors in the script, which are genuine."""
    features = features_used(parsed, errors)
    explained = [d for d in errors if _explained(d, features)]
    if not explained:
        return Verdict(tuple(features), tuple(errors))
    if any(d.code in SYNTAX_CODES for d in explained):
        return Verdict(tuple(features), ())
    rest = [d for d in errors if not _explained(d, features)]
    annotated = {(f.line, f.column) for f in features if f.feature == NULLABLE_REFERENCES}
    spans = [(m.start_byte, m.end_byte) for m in parsed.nullable_marks
             if m.kind != "annotation" or (m.line, m.column) in annotated]
    if rest and spans and recompile is not None:
        rest = [d for d in recompile(erase(parsed.source, spans)) if not _explained(d, features)]
    return Verdict(tuple(features), tuple(rest))


def describe(features: Sequence[NewerSyntax]) -> str:
    """E.g. 'C# 8 using declarations (line 12) and C# 8 nullable reference types (lines 3, 7)'."""
    lines: dict[tuple[str, str], list[int]] = {}
    for feature in features:
        seen = lines.setdefault((feature.version, feature.feature), [])
        if feature.line not in seen:
            seen.append(feature.line)
    parts = []
    for (version, name), where in lines.items():
        shown = ", ".join(map(str, where[:3])) + (", ..." if len(where) > 3 else "")
        parts.append(f"C# {version} {name} (line{'s' if len(where) > 1 else ''} {shown})")
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def erase(source: bytes, spans: Sequence[tuple[int, int]]) -> str:
    """`source` with each byte span blanked (newlines kept), so positions do not move."""
    out = bytearray(source)
    for start, end in spans:
        for i in range(start, end):
            if out[i] not in (0x0A, 0x0D):
                out[i] = 0x20
    return out.decode("utf-8", "replace")


def _nullable_of_class(diag: DiagnosticLike) -> bool:
    return diag.code == NULLABLE_OF_CLASS and "System.Nullable<T>" in diag.message


def _explained(diag: DiagnosticLike, features: Sequence[NewerSyntax]) -> bool:
    if diag.code in NEWER_LANGUAGE_CODES or _nullable_of_class(diag):
        return True
    return any(f.line <= diag.line <= f.end_line for f in features)
