"""The loaded rule set: every registered rule, the engine's own codes, and selector checks."""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Iterable

from pbxconn.core.errors import InputError
from pbxconn.core.findings import Severity
from pbxconn.core.suggest import closest
from pbxconn.validate.rule import CATEGORIES, NOT_IMPLEMENTED, RULES, Rule

# Codes the engine itself emits (not rules): a rule that crashed.
INTERNAL_CODE = "InternalRuleError"
INTERNAL_CATEGORY = "Internal"


@dataclass(frozen=True, slots=True)
class RuleInfo:
    """What reporters and docs need to know about one code."""

    code: str
    category: str
    origin: str
    severity: Severity
    summary: str
    description: str
    implemented: bool
    reason: str = ""
    certification: bool = False

    @property
    def fix(self) -> str:
        """The `Fix:` sentence of the documentation, on one line ('' when it has none)."""
        _, found, rest = self.description.partition("Fix:")
        return " ".join(rest.split("\n\n", 1)[0].split()) if found else ""


def load_rules() -> dict[str, type[Rule]]:
    """Import the structural check and every rule module; return the registry."""
    import pbxconn.validate.rules  # noqa: F401  (registers rule modules)
    import pbxconn.validate.structure  # noqa: F401  (registers the structural codes)

    return RULES


def rule_doc(cls: type) -> tuple[str, str]:
    """(first line, whole text) of a rule's docstring."""
    doc = inspect.cleandoc(cls.__doc__ or "")
    first = doc.split("\n\n", 1)[0].replace("\n", " ").strip() if doc else ""
    return first, doc


def rule_infos() -> list[RuleInfo]:
    """Every implemented rule, the internal code and every not-implemented code, sorted."""
    out = []
    for code, cls in load_rules().items():
        summary, doc = rule_doc(cls)
        out.append(RuleInfo(code, cls.category, cls.origin, cls.severity, summary or cls.message, doc,
                            True, certification=cls.certification))
    out.append(RuleInfo(INTERNAL_CODE, INTERNAL_CATEGORY, "pbxconn", Severity.WARNING,
                        "A rule failed on this package; the other rules still ran.",
                        "A rule failed on this package; the other rules still ran. Please report it.",
                        True))
    for code, entry in NOT_IMPLEMENTED.items():
        if code not in RULES:
            out.append(RuleInfo(code, entry.category, "microsoft", entry.severity, entry.summary,
                                entry.summary, False, entry.reason))
    return sorted(out, key=lambda r: (r.category, r.code))


def known_selectors() -> set[str]:
    """Every word --select/--ignore and the config accept: codes, categories, origins, ALL."""
    return set(load_rules()) | set(NOT_IMPLEMENTED) | set(CATEGORIES) | {
        "ALL", "microsoft", "pbxconn", INTERNAL_CODE, INTERNAL_CATEGORY}


def check_selectors(selectors: Iterable[str], location: str = "--select/--ignore") -> None:
    """Raise InputError for an item that names no code, category or origin, with a did-you-mean."""
    known = known_selectors()
    for item in selectors:
        if item not in known:
            close = closest(item, sorted(known), cutoff=0.7)
            hint = f"did you mean {close!r}?" if close else "`pbxconn rules` lists every code and category"
            raise InputError(f"unknown rule code or category {item!r}", location=location, hint=hint)
