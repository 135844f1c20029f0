"""C# newer than Mono's mcs (C# 7.x): not checkable locally, naming the feature and its line;
genuine C# 7 errors stay errors, also next to newer syntax."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pbxconn.csx.parse import parse_script

HEAD = "public class Script : ScriptBase\n{\n"
EXECUTE = ("    public override async Task<HttpResponseMessage> ExecuteAsync()\n    {\n"
           "{body}"
           "        return await Context.SendAsync(Context.Request, CancellationToken);\n    }\n")


def script(body: str = "", members: str = "", before: str = "") -> str:
    """A script whose ExecuteAsync starts with `body` (at line 5 + len(before) lines), then `members`."""
    return before + HEAD + EXECUTE.replace("{body}", body) + members + "}\n"


def line_of(text: str, fragment: str) -> int:
    """1-based line of the first line containing `fragment`."""
    return next(i for i, line in enumerate(text.splitlines(), start=1) if fragment in line)


# (case id, script, fragment on the construct's line, feature as the reason names it)
NEWER = [
    ("using-declaration", script("        using var buffer = new MemoryStream();\n        buffer.WriteByte(1);\n"),
     "using var", "C# 8 using declarations"),
    ("using-declaration-typed", script("        using StreamReader reader = new StreamReader(new MemoryStream());\n"),
     "using StreamReader", "C# 8 using declarations"),
    ("nullable-string-field", script(members="    private string? name;\n"), "string? name",
     "C# 8 nullable reference types"),
    ("nullable-jobject-local", script("        JObject? body = null;\n        var value = body[\"x\"];\n"),
     "JObject? body", "C# 8 nullable reference types"),
    ("nullable-return-and-parameter", script(
        members="    private static List<string>? Names(JObject? json, string? prefix)\n    {\n"
                "        return json == null ? null : new List<string> { prefix };\n    }\n"),
     "List<string>? Names", "C# 8 nullable reference types"),
    ("nullable-generic-argument", script("        var names = new List<string?>();\n        names.Add(null);\n"),
     "List<string?>", "C# 8 nullable reference types"),
    ("nullable-directive", script(before="#nullable enable\n"), "#nullable", "C# 8 #nullable directives"),
    ("null-forgiving", script("        string text = null;\n        var length = text!.Length;\n"), "text!",
     "C# 8 null-forgiving ! operators"),
    ("switch-expression", script('        var code = Context.OperationId switch { "A" => 1, _ => 2 };\n'), "switch {",
     "C# 8 switch expressions"),
    ("coalescing-assignment", script('        string text = null;\n        text ??= "x";\n'), "??=",
     "C# 8 ??= assignments"),
    ("index-from-end", script("        var items = new[] { 1, 2 };\n        var last = items[^1];\n"), "[^1]",
     "C# 8 ^ indices from the end"),
    ("range", script("        var items = new[] { 1, 2, 3 };\n        var part = items[1..2];\n"), "[1..2]",
     "C# 8 .. ranges"),
    ("static-local-function", script("        static int Twice(int n) => n * 2;\n        var four = Twice(2);\n"),
     "static int Twice", "C# 8 static local functions"),
    ("property-pattern", script('        object o = "x";\n        if (o is string { Length: 1 }) { }\n'), "{ Length",
     "C# 8 property patterns"),
    ("tuple-pattern", script("        var pair = (1, 2);\n        if (pair is (1, 2)) { }\n"), "is (1, 2)",
     "C# 8 tuple patterns"),
    ("is-not", script("        object o = null;\n        if (o is not null) { }\n"), "is not",
     "C# 9 'is not' patterns"),
    ("target-typed-new", script("        List<int> numbers = new();\n        numbers.Add(1);\n"), "new()",
     "C# 9 target-typed new()"),
    ("record", script(members="    public record Person(string Name);\n"), "record Person", "C# 9 records"),
    ("init", script(members="    public class Options { public string Name { get; init; } }\n"), "init;",
     "C# 9 init-only setters"),
    ("file-scoped-namespace", script(before="namespace Contoso.Connector;\n"), "namespace",
     "C# 10 file-scoped namespaces"),
]


@pytest.mark.parametrize("text, fragment, feature", [c[1:] for c in NEWER], ids=[c[0] for c in NEWER])
def test_newer_csharp_is_not_checkable(mono: None, text: str, fragment: str, feature: str) -> None:
    from pbxconn.csx.compile import compile_script

    result = compile_script(text, host=False)
    line = line_of(text, fragment)
    assert result.status == "not-checkable", [str(d) for d in result.errors]
    assert f"{feature} (line {line})" in result.reason and "newer than Mono's C# 7 compiler" in result.reason


def test_several_features_are_named_with_their_lines(mono: None) -> None:
    from pbxconn.csx.compile import compile_script

    text = script("        using var buffer = new MemoryStream();\n        string? name = null;\n",
                  members="    private string[]? cache;\n    private string? other;\n")
    result = compile_script(text, host=False)
    assert result.status == "not-checkable"
    assert result.reason == (f"uses C# 8 using declarations (line 5) and C# 8 nullable reference types "
                             f"(lines 6, {line_of(text, 'string[]? cache')}, {line_of(text, 'string? other')}), "
                             "newer than Mono's C# 7 compiler")


C7_VALID = [
    ("nullable-value-types", script("        int? count = null;\n        HttpStatusCode? code = null;\n"
                                    "        var total = (count ?? 0) + (code.HasValue ? 1 : 0);\n")),
    ("conditional-operator", script('        object o = "x";\n        var n = o is string ? 1 : 2;\n'
                                    "        var t = n > 1 ? (string)null : \"y\";\n")),
    ("nullable-struct-of-script", script("        Kind? kind = null;\n        var known = kind.HasValue;\n",
                                         members="    private enum Kind { A, B }\n")),
]


@pytest.mark.parametrize("text", [c[1] for c in C7_VALID], ids=[c[0] for c in C7_VALID])
def test_csharp7_question_marks_still_compile(mono: None, text: str) -> None:
    from pbxconn.csx.compile import compile_script

    result = compile_script(text, host=False)
    assert result.status == "compiled", [str(d) for d in result.errors]


def test_genuine_error_in_csharp7_code_stays_an_error(mono: None) -> None:
    from pbxconn.csx.compile import compile_script

    text = script('        int count = "many";\n        HttpStatusCode? code = null;\n')
    result = compile_script(text, host=False)
    assert result.status == "error" and result.errors[0].code == "CS0029" and result.errors[0].line == 5


def test_genuine_error_beside_nullable_annotations_is_an_error(mono: None) -> None:
    """mcs got past parsing: the error elsewhere is genuine (checked on the script with the
    annotations blanked), while errors that only follow from `JObject?` are not reported."""
    from pbxconn.csx.compile import compile_script

    text = script('        var body = Cached();\n        var value = body["x"];\n        int count = "many";\n',
                  members="    private static JObject? Cached() => null;\n")
    result = compile_script(text, host=False)
    assert result.status == "error"
    assert [(d.line, d.code) for d in result.errors] == [(line_of(text, "int count"), "CS0029")]
    assert result.reason.endswith(f"(the script also uses C# 8 nullable reference types "
                                  f"(line {line_of(text, 'JObject? Cached')}), which Mono cannot check)")


def test_follow_on_errors_of_nullable_annotations_are_not_errors(mono: None) -> None:
    from pbxconn.csx.compile import compile_script

    text = script("        var body = Cached();\n        int n = body.Count;\n        string? s = null;\n"
                  "        var length = s.Length;\n",
                  members="    private static JObject? Cached() => null;\n")
    assert compile_script(text, host=False).status == "not-checkable"


def test_syntax_error_beside_newer_syntax_is_an_error(mono: None) -> None:
    """tree-sitter knows current C#: a syntax error it finds is genuine in any C# version."""
    from pbxconn.csx.compile import compile_script

    result = compile_script(script("        var x = ;\n        using var buffer = new MemoryStream();\n"), host=False)
    assert result.status == "error" and result.errors[0].line == 5
    assert "C# 8 using declarations (line 6)" in result.reason


def test_cli_exit_0_for_using_declarations_and_nullable_types(mono: None, tmp_path: Path) -> None:
    text = script("        using var response = await Context.SendAsync(Context.Request, CancellationToken);\n"
                  "        string? body = await response.Content.ReadAsStringAsync();\n",
                  members="    private static JObject? Parse(string? text)\n"
                          "        => text == null ? null : JObject.Parse(text);\n")
    (tmp_path / "script.csx").write_text(text, "utf-8")
    proc = subprocess.run([sys.executable, "-m", "pbxconn", "csx", "test", str(tmp_path)], capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout
    assert ("not checkable locally: uses C# 8 using declarations (line 5) and C# 8 nullable reference types "
            f"(lines 6, {line_of(text, 'JObject? Parse')})") in proc.stdout


def test_parser_tells_nullable_references_from_value_types_and_conditionals() -> None:
    parsed = parse_script(script('        int? a = null;\n        var b = a.HasValue ? "x" : null;\n'
                                 "        string? c = null;\n        object[]? d = null;\n"
                                 "        JObject? e = null;\n"))
    nullable = "nullable reference types"
    assert [(f.feature, f.line) for f in parsed.newer_syntax] == [(nullable, 7), (nullable, 8)]
    assert [c.line for c in parsed.nullable_candidates] == [9]  # confirmed by mcs, not by the parser
