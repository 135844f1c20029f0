"""Hang issues (validator findings, diff changes) on the card, input or token they concern.

An issue carries a JSON pointer into one file of the package. It goes to the element whose own
pointer is the longest prefix of it (segment by segment): an input or a token, else the card,
else the connector as a whole. A schema in `definitions` that several cards use takes the issue
to each of them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Iterable, TypeVar

from pbxconn.core.findings import Finding
from pbxconn.core.pointer import from_pointer
from pbxconn.preview.model import LEVELS, Card, Connector, Input, Issue, Token

SWAGGER = "swagger"
Element = TypeVar("Element", Card, Input, Token)
PROPERTIES = "properties"


@dataclass(frozen=True, slots=True)
class Placed:
    """An issue and the file (role) its pointer points into."""

    role: str
    issue: Issue


@dataclass(frozen=True, slots=True)
class _Target:
    card: int
    kind: str  # "card", "inputs" or "tokens"
    index: int = 0


def issue_of(finding: Finding, level: str, pointer: str | None = None) -> Issue:
    """A finding as an Issue of the given level (its own pointer unless another is given)."""
    return Issue(finding.code, level, finding.message, finding.pointer if pointer is None else pointer, finding.line)


def attach(connector: Connector, placed: Iterable[Placed]) -> Connector:
    """The connector with every issue on the element it concerns."""
    index = _index(connector.cards)
    found: dict[_Target, list[Issue]] = {}
    loose: list[Issue] = []
    for item in placed:
        targets = _lookup(index, item.role, item.issue.pointer)
        if not targets:
            loose.append(item.issue)
        for target in targets:
            found.setdefault(target, []).append(item.issue)
    cards = tuple(_with_issues(i, card, found) for i, card in enumerate(connector.cards))
    return replace(connector, cards=cards, issues=ordered(connector.issues + tuple(loose)))


def ordered(issues: Iterable[Issue]) -> tuple[Issue, ...]:
    """Worst first, then by code and message; exact repeats dropped."""
    rank = {level: i for i, level in enumerate(LEVELS)}
    unique = dict.fromkeys(issues)
    return tuple(sorted(unique, key=lambda i: (rank.get(i.level, len(LEVELS)), i.code, i.message, i.pointer)))


def _index(cards: tuple[Card, ...]) -> dict[tuple[str, tuple], list[_Target]]:
    index: dict[tuple[str, tuple], list[_Target]] = {}

    def add(role: str, pointer: str, target: _Target) -> None:
        path = _path(pointer)
        if path:
            bucket = index.setdefault((role, path), [])
            if target not in bucket:
                bucket.append(target)

    for c, card in enumerate(cards):
        for kind in ("inputs", "tokens"):
            for i, element in enumerate(getattr(card, kind)):
                for pointer in element.pointers:
                    add(SWAGGER, pointer, _Target(c, kind, i))
        for pointer in card.pointers:  # where a field already answers for it, the field takes it
            if not any(t.card == c for t in index.get((SWAGGER, _path(pointer)), ())):
                add(SWAGGER, pointer, _Target(c, "card"))
        for policy in card.policies:
            if not policy.everywhere:
                add(PROPERTIES, policy.pointer, _Target(c, "card"))
    return index


def _lookup(index: dict[tuple[str, tuple], list[_Target]], role: str, pointer: str) -> list[_Target]:
    """The targets under the longest indexed prefix of `pointer` ([] when none)."""
    path = _path(pointer)
    for n in range(len(path), 0, -1):
        hits = index.get((role, path[:n]))
        if hits:
            return hits
    return []


def _with_issues(c: int, card: Card, found: dict[_Target, list[Issue]]) -> Card:
    own = found.get(_Target(c, "card"))
    inputs = tuple(_add(e, found.get(_Target(c, "inputs", i))) for i, e in enumerate(card.inputs))
    tokens = tuple(_add(e, found.get(_Target(c, "tokens", i))) for i, e in enumerate(card.tokens))
    return replace(_add(card, own), inputs=inputs, tokens=tokens)


def _add(element: Element, issues: list[Issue] | None) -> Element:
    return replace(element, issues=ordered(element.issues + tuple(issues))) if issues else element


def _path(pointer: str) -> tuple[str, ...]:
    try:
        return from_pointer(pointer)
    except ValueError:
        return ()
