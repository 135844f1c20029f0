"""Base of the rules that report what the loader found while reading a file (package.ParseProblem)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from pbxconn.core.findings import Severity
from pbxconn.validate.rule import Rule, Violation

if TYPE_CHECKING:  # pragma: no cover
    from pbxconn.validate.package import Package


class LoaderProblemRule(Rule):
    """Reports each ParseProblem carrying this rule's code, at its position, with its severity."""

    category = "Structure"
    origin = "pbxconn"
    severity = Severity.ERROR
    message = "{detail}"
    subject = "package"

    def check(self, node: "Package", ctx: "Package") -> Iterator[Violation]:
        """Yield one violation per recorded problem of this code, in every file."""
        for role, source in ctx.files.items():
            for problem in source.problems:
                if problem.code == self.code:
                    yield Violation({"detail": problem.message}, problem.pointer, role,  # type: ignore[arg-type]
                                    problem.line, problem.column, problem.severity)
