"""Parse a connector script with tree-sitter's C# grammar, once, into the facts checks need.

Locations are 1-based lines and 1-based character columns (tree-sitter counts bytes).
tree-sitter is imported on first use so that `pbxconn validate` on packages without custom
code never pays for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Iterator

from pbxconn.csx.contract import SCRIPT_BASE

# Syntax newer than C# 7.3 that Mono's compiler (mcs) does not know: tree-sitter node type ->
# (feature, C# version). Constructs that need more than the node type: `_newer_feature`.
NEWER_SYNTAX: dict[str, tuple[str, str]] = {
    "switch_expression": ("switch expressions", "8"),
    "range_expression": (".. ranges", "8"),
    "preproc_nullable": ("#nullable directives", "8"),
    "record_declaration": ("records", "9"),
    "implicit_object_creation_expression": ("target-typed new()", "9"),
    "and_pattern": ("'and' patterns", "9"),
    "or_pattern": ("'or' patterns", "9"),
    "negated_pattern": ("'is not' patterns", "9"),
    "relational_pattern": ("relational patterns", "9"),
    "with_expression": ("with expressions", "9"),
    "function_pointer_type": ("function pointers", "9"),
    "file_scoped_namespace_declaration": ("file-scoped namespaces", "10"),
    "raw_string_literal": ("raw string literals", "11"),
    "list_pattern": ("list patterns", "11"),
    "collection_expression": ("collection expressions", "12"),
}
# Reference types whose `?` is certainly a nullable reference annotation (C# 8).
REFERENCE_TYPE_KEYWORDS = frozenset({"string", "object", "dynamic"})
NULLABLE_REFERENCES = "nullable reference types"
# Node types that are newer C# only in some shapes (`_newer_feature` looks closer at these).
SHAPED_KINDS = frozenset({
    "recursive_pattern", "constant_pattern", "assignment_expression", "prefix_unary_expression",
    "postfix_unary_expression", "local_declaration_statement", "using_statement", "foreach_statement",
    "local_function_statement", "interpolation_start", "lambda_expression", "accessor_declaration",
    "using_directive", "class_declaration", "struct_declaration", "property_declaration", "field_declaration"})


@dataclass(frozen=True, slots=True)
class Located:
    """Something found in the script, with its 1-based line and column."""

    text: str
    line: int
    column: int


@dataclass(frozen=True, slots=True)
class NewerSyntax:
    """A construct of C# newer than 7.3: the feature, the version that introduced it, where it is."""

    feature: str
    version: str
    line: int
    column: int
    end_line: int


@dataclass(frozen=True, slots=True)
class NullableMark:
    """Bytes to blank to read a script's nullable-reference syntax as C# 7: the `?` of an annotation
    (`line`, `column` are the annotated type's), a null-forgiving `!`, or a `#nullable` directive."""

    kind: str  # "annotation" | "forgiving" | "directive"
    line: int
    column: int
    start_byte: int
    end_byte: int


@dataclass(frozen=True, slots=True)
class ClassInfo:
    """A class declaration: its name, base types and whether it overrides ExecuteAsync."""

    name: str
    bases: tuple[str, ...]
    line: int
    column: int
    overrides_execute: bool
    nested: bool


@dataclass(slots=True)
class ParsedScript:
    """The facts about one script that the static checks and the compiler driver use."""

    syntax_errors: list[Located] = field(default_factory=list)
    classes: list[ClassInfo] = field(default_factory=list)
    usings: list[Located] = field(default_factory=list)
    http_clients: list[Located] = field(default_factory=list)
    operation_ids: list[Located] = field(default_factory=list)
    newer_syntax: list[NewerSyntax] = field(default_factory=list)
    # `T?` on a type the parser cannot tell from a value type (e.g. `JObject?`, `Status?`): a C# 8
    # nullable reference annotation when T is a class, valid C# 7 when T is a struct or enum.
    nullable_candidates: list[NewerSyntax] = field(default_factory=list)
    nullable_marks: list[NullableMark] = field(default_factory=list)
    source: bytes = b""

    @property
    def script_classes(self) -> list[ClassInfo]:
        """Top-level classes deriving from ScriptBase."""
        return [c for c in self.classes if not c.nested and any(b.split(".")[-1] == SCRIPT_BASE for b in c.bases)]


@lru_cache(maxsize=1)
def _parser() -> Any:
    import tree_sitter
    import tree_sitter_c_sharp

    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_c_sharp.language()))


def parse_script(text: str) -> ParsedScript:
    """Parse C# source text (BOM allowed) into a ParsedScript; cached per text."""
    return _parse_cached(text.lstrip("\ufeff"))


@lru_cache(maxsize=16)
def _parse_cached(text: str) -> ParsedScript:
    source = text.encode("utf-8")
    tree = _parser().parse(source)
    parsed = _Collector(source).collect(tree.root_node)
    parsed.source = source
    return parsed


class _Collector:
    """One walk over the tree, filling a ParsedScript."""

    def __init__(self, source: bytes) -> None:
        self.source = source
        self.line_starts = [0]
        for i, byte in enumerate(source):
            if byte == 0x0A:
                self.line_starts.append(i + 1)
        self.result = ParsedScript()
        self.operation_id_aliases: set[str] = set()

    def where(self, node: Any) -> tuple[int, int]:
        row, byte_col = node.start_point
        start = self.line_starts[row] if row < len(self.line_starts) else 0
        column = len(self.source[start:start + byte_col].decode("utf-8", "replace")) + 1
        return row + 1, column

    def located(self, node: Any, text: str) -> Located:
        line, column = self.where(node)
        return Located(text, line, column)

    @staticmethod
    def text(node: Any) -> str:
        return node.text.decode("utf-8", "replace")

    def collect(self, root: Any) -> ParsedScript:
        # Aliases first (`var op = Context.OperationId;`), so comparisons through them count.
        nodes = list(_walk(root))
        for node in nodes:
            if node.type == "variable_declarator":
                named = node.named_children
                if len(named) >= 2 and named[0].type == "identifier" and _is_operation_id(named[-1]):
                    self.operation_id_aliases.add(self.text(named[0]))
        for node in nodes:
            self.visit(node)
        return self.result

    def is_operation_id(self, node: Any) -> bool:
        if _is_operation_id(node):
            return True
        return node.type == "identifier" and self.text(node) in self.operation_id_aliases

    def visit(self, node: Any) -> None:
        kind = node.type
        if node.is_error:
            snippet = self.text(node).strip().splitlines()[0][:40] if self.text(node).strip() else ""
            message = f"unexpected {snippet!r}" if snippet else "syntax error"
            self.result.syntax_errors.append(self.located(node, message))
        elif node.is_missing:
            self.result.syntax_errors.append(self.located(node, f"missing {kind!r}"))
        self.newer(node, kind)
        if kind == "using_directive":
            self.using(node)
        elif kind == "class_declaration":
            self.class_declaration(node)
        elif kind == "object_creation_expression":
            type_node = node.child_by_field_name("type")
            if type_node is not None and self.text(type_node).split(".")[-1] == "HttpClient":
                self.result.http_clients.append(self.located(node, self.text(node)[:60]))
        elif kind == "binary_expression":
            self.comparison(node)
        elif kind == "invocation_expression":
            self.equals_call(node)
        elif kind in ("switch_statement", "switch_expression"):
            self.switch(node)

    def feature(self, node: Any, feature: str, version: str) -> NewerSyntax:
        line, column = self.where(node)
        return NewerSyntax(feature, version, line, column, node.end_point[0] + 1)

    def newer(self, node: Any, kind: str) -> None:
        found = _newer_feature(node, kind)
        if found is not None:
            self.result.newer_syntax.append(self.feature(node, *found))
            if kind == "postfix_unary_expression":
                self.mark("forgiving", node, node.children[-1])
            elif kind == "preproc_nullable":
                self.mark("directive", node, node)
        elif kind == "nullable_type" and node.named_children:
            inner = node.named_children[0]
            certain = inner.type == "array_type" or \
                (inner.type == "predefined_type" and self.text(inner) in REFERENCE_TYPE_KEYWORDS)
            if certain:
                self.result.newer_syntax.append(self.feature(node, NULLABLE_REFERENCES, "8"))
            elif inner.type in ("identifier", "qualified_name", "generic_name", "alias_qualified_name"):
                self.result.nullable_candidates.append(self.feature(node, NULLABLE_REFERENCES, "8"))
            else:
                return
            self.mark("annotation", node, node.children[-1])

    def mark(self, kind: str, owner: Any, token: Any) -> None:
        line, column = self.where(owner)
        self.result.nullable_marks.append(NullableMark(kind, line, column, token.start_byte, token.end_byte))

    def using(self, node: Any) -> None:
        if any(c.type in ("static", "=") for c in node.children):
            return  # `using static T;` and aliases import types, not namespaces
        names = [c for c in node.named_children if c.type in ("identifier", "qualified_name")]
        if names:
            self.result.usings.append(self.located(node, self.text(names[-1]).replace(" ", "")))

    def class_declaration(self, node: Any) -> None:
        name_node = node.child_by_field_name("name")
        bases: list[str] = []
        base_list = next((c for c in node.children if c.type == "base_list"), None)
        if base_list is not None:
            bases = [self.text(c) for c in base_list.named_children]
        overrides = False
        body = node.child_by_field_name("body")
        for member in body.named_children if body is not None else ():
            if member.type != "method_declaration":
                continue
            method_name = member.child_by_field_name("name")
            modifiers = {self.text(c) for c in member.children if c.type == "modifier"}
            if method_name is not None and self.text(method_name) == "ExecuteAsync" and "override" in modifiers:
                overrides = True
        nested = False
        parent = node.parent
        while parent is not None:
            if parent.type in ("class_declaration", "struct_declaration", "record_declaration", "interface_declaration"):
                nested = True
                break
            parent = parent.parent
        line, column = self.where(name_node if name_node is not None else node)
        self.result.classes.append(ClassInfo(
            self.text(name_node) if name_node is not None else "", tuple(bases), line, column, overrides, nested))

    def literal(self, node: Any) -> None:
        value = _string_value(node)
        if value is not None:
            self.result.operation_ids.append(self.located(node, value))

    def comparison(self, node: Any) -> None:
        operator = node.child_by_field_name("operator")
        if operator is None or operator.type not in ("==", "!="):
            return
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if left is None or right is None:
            return
        if self.is_operation_id(left):
            self.literal(right)
        elif self.is_operation_id(right):
            self.literal(left)

    def equals_call(self, node: Any) -> None:
        function = node.child_by_field_name("function")
        arguments = node.child_by_field_name("arguments")
        if function is None or arguments is None or function.type != "member_access_expression":
            return
        name = function.child_by_field_name("name")
        if name is None or self.text(name) != "Equals":
            return
        args = [a.named_children[0] for a in arguments.named_children if a.type == "argument" and a.named_children]
        receiver = function.child_by_field_name("expression")
        candidates = args + ([receiver] if receiver is not None else [])
        if any(self.is_operation_id(a) for a in candidates):
            for arg in candidates:
                if arg.type in ("string_literal", "verbatim_string_literal"):
                    self.literal(arg)

    def switch(self, node: Any) -> None:
        value = node.child_by_field_name("value")
        if value is None and node.type == "switch_expression":
            value = node.named_children[0] if node.named_children else None
        while value is not None and value.type == "parenthesized_expression" and value.named_children:
            value = value.named_children[0]
        if value is None or not self.is_operation_id(value):
            return
        for child in _walk(node):
            if child.type == "constant_pattern" and child.parent is not None and \
                    child.parent.type in ("switch_section", "switch_expression_arm", "case_switch_label", "or_pattern"):
                for literal in child.named_children:
                    self.literal(literal)


def _newer_feature(node: Any, kind: str) -> tuple[str, str] | None:
    """(feature, version) when `node` (of type `kind`) is C# newer than 7.3 by its own shape, else None."""
    if kind in NEWER_SYNTAX:
        return NEWER_SYNTAX[kind]
    if kind not in SHAPED_KINDS:
        return None
    tokens = {c.type for c in node.children if not c.is_named}
    modifiers = {c.text for c in node.children if c.type == "modifier"}
    if kind == "recursive_pattern":
        if any(c.type == "property_pattern_clause" for c in node.children):
            return "property patterns", "8"
        return "positional patterns", "8"
    if kind == "constant_pattern" and any(c.type == "tuple_expression" for c in node.named_children):
        return "tuple patterns", "8"
    if kind == "assignment_expression" and "??=" in tokens:
        return "??= assignments", "8"
    if kind == "prefix_unary_expression" and "^" in tokens:
        return "^ indices from the end", "8"
    if kind == "postfix_unary_expression" and "!" in tokens:
        return "null-forgiving ! operators", "8"
    if kind == "local_declaration_statement" and "using" in tokens:
        return "using declarations", "8"
    if kind in ("using_statement", "foreach_statement") and "await" in tokens:
        return "asynchronous streams (await using, await foreach)", "8"
    if kind == "local_function_statement" and b"static" in modifiers:
        return "static local functions", "8"
    if kind == "interpolation_start" and node.text == b"@$":
        return "@$ interpolated strings", "8"
    if kind == "lambda_expression" and b"static" in modifiers:
        return "static anonymous functions", "9"
    if kind == "accessor_declaration" and "init" in tokens:
        return "init-only setters", "9"
    if kind == "using_directive" and "global" in tokens:
        return "global using directives", "10"
    if b"required" in modifiers:
        return "required members", "11"
    if kind in ("class_declaration", "struct_declaration") and \
            any(c.type == "parameter_list" for c in node.named_children):
        return "primary constructors", "12"
    return None


def _walk(root: Any) -> Iterator[Any]:
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(node.children))


def _is_operation_id(node: Any) -> bool:
    """`Context.OperationId`, `this.Context.OperationId` (and `?.` forms)."""
    if node.type == "member_access_expression":
        name = node.child_by_field_name("name")
        owner = node.child_by_field_name("expression")
        if name is None or name.text != b"OperationId" or owner is None:
            return False
        if owner.type == "identifier":
            return owner.text == b"Context"
        if owner.type == "member_access_expression":
            inner = owner.child_by_field_name("name")
            return inner is not None and inner.text == b"Context"
    return False


def _string_value(node: Any) -> str | None:
    if node.type == "string_literal":
        parts = [c for c in node.named_children]
        if all(c.type == "string_literal_content" for c in parts):
            return "".join(c.text.decode("utf-8", "replace") for c in parts)
    if node.type == "verbatim_string_literal":
        return node.text.decode("utf-8", "replace")[2:-1].replace('""', '"')
    return None
