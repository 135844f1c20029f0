"""The shape of a validator rule, and the nodes rules look at.

A rule is a small class in `pbxconn/validate/rules/<category>.py`, registered by the
`@register` decorator when its module is imported. The engine walks a loaded package once,
hands each node to every rule subscribed to that node's `subject`, and turns each
`Violation` a rule yields into a `Finding` (file, line, column from the pointer).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Iterator, Literal, Mapping

from pbxconn.core.findings import Severity

if TYPE_CHECKING:  # pragma: no cover
    from pbxconn.validate.package import Package

# What a rule subscribes to; the engine builds these nodes from the package index.
Subject = Literal[
    "package",    # node = Package; cross-file and whole-document rules
    "operation",  # node = OperationNode
    "parameter",  # node = ParameterNode (resolved $ref)
    "response",   # node = ResponseNode (resolved $ref)
    "schema",     # node = SchemaNode, every schema object reachable (resolved, visited once per place)
    "holder",     # node = index.Holder: a non-body parameter (or its items) or a schema, keyword by keyword
    "extension",  # node = index.ExtensionSite: one x-ms* key of a structural object, with its kind
    "policy",     # node = PolicyNode (apiProperties policyTemplateInstances[i])
    "script",     # node = Package, only when script.csx exists
]

# Which file of the package a violation points into.
FileRole = Literal["swagger", "properties", "script", "settings", "readme", "icon"]

CATEGORIES = (
    "Structure", "Operations", "Arrays", "NotSupported", "Parameters", "Properties", "Response",
    "Security", "Webhooks", "Metadata", "Certification", "Extensions", "Policies", "Connection",
    "CustomCode", "Secrets",
)


@dataclass(frozen=True, slots=True)
class Violation:
    """What a rule reports: message arguments and where. The engine makes the Finding.

    `pointer` is a JSON pointer (or path tuple) into the file named by `file`; for the script
    (not JSON) give `line`/`column` instead. `severity` overrides the rule's default only
    where the rule documents why.
    """

    args: Mapping[str, Any] = field(default_factory=dict)
    pointer: str | tuple = ""
    file: FileRole = "swagger"
    line: int = 0
    column: int = 0
    severity: Severity | None = None


@dataclass(slots=True, eq=False)  # read-only by convention (not frozen: built by the thousand)
class OperationNode:
    """One operation: `paths[path][method]`."""

    path: str
    method: str            # lower case: get, post, ...
    op: Mapping[str, Any]  # the operation object as written (parameters NOT resolved here)
    path_item: Mapping[str, Any]
    parameters: tuple["ParameterNode", ...]  # path-level + operation-level, $refs resolved
    pointer: tuple         # ("paths", path, method)


@dataclass(slots=True, eq=False)  # read-only by convention (not frozen: built by the thousand)
class ParameterNode:
    """One parameter with its `$ref` resolved; `pointer` is where its text is (ref target if any)."""

    param: Mapping[str, Any]
    operation: OperationNode | None  # None for top-level `parameters` definitions
    pointer: tuple
    used_at: tuple  # where it is listed (the operation's parameters[i]); == pointer when inline


@dataclass(slots=True, eq=False)  # read-only by convention (not frozen: built by the thousand)
class ResponseNode:
    """One response of one operation, `$ref` resolved."""

    status: str
    response: Mapping[str, Any]
    operation: OperationNode
    pointer: tuple


@dataclass(slots=True, eq=False)  # read-only by convention (not frozen: built by the thousand)
class SchemaNode:
    """One schema object; `role` says where it hangs (body parameter, response, definition,
    notification content, property of another schema, array items)."""

    schema: Mapping[str, Any]
    pointer: tuple
    role: Literal["definition", "parameter", "response", "notification", "property", "items", "other"]
    name: str = ""  # property name when role == "property"
    parent: "SchemaNode | None" = None
    operation: OperationNode | None = None


@dataclass(slots=True, eq=False)  # read-only by convention (not frozen: built by the thousand)
class PolicyNode:
    """`properties.policyTemplateInstances[index]` of apiProperties.json (only entries that are objects)."""

    policy: Mapping[str, Any]
    index: int
    pointer: tuple


class Rule:
    """Base class of every rule. Subclasses set the class variables and implement `check`.

    Docstring layout (used for docs/rules.md, `pbxconn rules`, SARIF help; checked by
    tests/validate/test_rules_doc.py): a one-line summary stating the problem, then the paragraphs
    "What it does: ...", "Why it matters: ..." and "Fix: ...", separated by blank lines; notes
    may follow as further paragraphs.
    """

    code: ClassVar[str]                    # the class name: Microsoft's code verbatim where one matches
    category: ClassVar[str]                # one of CATEGORIES
    origin: ClassVar[str] = "microsoft"    # "microsoft" or "pbxconn"
    severity: ClassVar[Severity]
    message: ClassVar[str]                 # str.format template over Violation.args
    subject: ClassVar[Subject]
    certification: ClassVar[bool] = False  # part of the certification set (--no-certification)
    # For node subjects (operation, parameter, response, schema, holder, extension): the rule finds
    # nothing in a node whose object (op, param, response, schema, holder obj) is a dict holding
    # none of these keys, or in an extension site whose name is none of them, so the engine hands
    # it only the other nodes. Empty: every node.
    needs: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """A rule's code is its class name unless the class declares one (bases named with a leading
        underscore have none)."""
        super().__init_subclass__(**kwargs)
        if "code" not in cls.__dict__ and not cls.__name__.startswith("_"):
            cls.code = cls.__name__

    def check(self, node: Any, ctx: "Package") -> Iterator[Violation]:
        """Yield a Violation for each problem found in `node`."""
        raise NotImplementedError


@dataclass(frozen=True, slots=True)
class NotImplementedRule:
    """A Microsoft code we list but cannot decide from the files alone."""

    code: str
    category: str
    severity: Severity
    summary: str
    reason: str


RULES: dict[str, type[Rule]] = {}
NOT_IMPLEMENTED: dict[str, NotImplementedRule] = {}


def register(cls: type[Rule]) -> type[Rule]:
    """Class decorator: add a rule to the registry (codes must be unique)."""
    if cls.code in RULES:
        raise ValueError(f"duplicate rule code {cls.code}")
    if cls.category not in CATEGORIES:
        raise ValueError(f"{cls.code}: unknown category {cls.category}")
    RULES[cls.code] = cls
    return cls


def not_implemented(code: str, category: str, severity: Severity, summary: str, reason: str) -> None:
    """Record a Microsoft code we do not implement, with the reason (goes into docs/rules.md)."""
    NOT_IMPLEMENTED[code] = NotImplementedRule(code, category, severity, summary, reason)
