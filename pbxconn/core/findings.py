"""The one result type every engine produces: validator rules, diff changes, build checks."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from operator import attrgetter
from typing import Any, Mapping


class Severity(IntEnum):
    """How bad a finding is; the order matters for --fail-on style comparisons."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        """Lower-case name used in every output format."""
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> "Severity":
        """Read 'error' / 'warning' / 'info' (any case)."""
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown severity {text!r}; expected error, warning or info") from None


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem (or change) at one place in one file.

    `line` and `column` are 1-based positions in the original file text; 0 means unknown
    (for example a finding about a whole file that does not exist).
    `extra` holds engine-specific data that reporters may show, e.g. the diff's
    `{"class": "breaking", "old_pointer": ..., "new_pointer": ...}`.
    """

    code: str
    severity: Severity
    message: str
    file: str = ""
    line: int = 0
    column: int = 0
    pointer: str = ""
    category: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The documented JSON shape of a finding."""
        out: dict[str, Any] = {
            "code": self.code,
            "severity": self.severity.label,
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "pointer": self.pointer,
        }
        if self.category:
            out["category"] = self.category
        out.update(self.extra)
        return out


# The stable report order (file, position, code, pointer, message) and the identity used to
# drop duplicates, read at C speed.
_SORT_KEY = attrgetter("file", "line", "column", "code", "pointer", "message")
_SAME_KEY = attrgetter("code", "file", "line", "column", "pointer", "message")


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Sort and drop exact duplicates."""
    seen: set[tuple] = set()
    out = []
    add = seen.add
    for f in sorted(findings, key=_SORT_KEY):
        key = _SAME_KEY(f)
        if key not in seen:
            add(key)
            out.append(f)
    return out
