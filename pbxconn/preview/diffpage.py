"""`pbxconn diff --format html`: the new version's cards with what a maker will notice marked.

Changes that point into the new version go on its cards and fields. Removals point into the old
version: a removed operation is shown as its old card, a removed input or token as a struck-out
copy on the card that remains, and any other change found on an old field goes to the field of
the same key in the new version.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Iterable

from pbxconn.core.findings import Finding
from pbxconn.diff.changes import CHANGES
from pbxconn.preview.attach import Placed, attach, issue_of, ordered
from pbxconn.preview.model import Card, Connector, Input, Token
from pbxconn.preview.page import connector_of
from pbxconn.validate.package import FILENAMES, Package

ADDED = frozenset({"OperationAdded", "ParameterAdded", "ResponseFieldAdded", "NotificationFieldAdded",
                   "RequiredParameterAdded", "RequiredParameterWithDefaultAdded"})
RENAMED = frozenset({"OperationIdChanged", "ParameterRenamed"})


@dataclass(frozen=True, slots=True)
class DiffPage:
    """The view model of a diff page."""

    old_label: str
    new_label: str
    connector: Connector  # the new version, changes attached, statuses set
    removed: tuple[Card, ...]  # operations the new version no longer has
    breaking: int
    non_breaking: int

    @property
    def changed(self) -> int:
        """How many cards (removed ones included) show a change."""
        return len(self.removed) + sum(1 for c in self.connector.cards if c.status)


def diff_page(old: Package, new: Package, findings: Iterable[Finding]) -> DiffPage:
    """The diff page of two versions and the findings `pbxconn diff` made of them."""
    findings = list(findings)
    old_side, new_side = [], []
    for finding in findings:
        kind = CHANGES.get(finding.code)
        level = str(finding.extra.get("class", "non-breaking"))
        if kind is not None and kind.side == "old":
            pointer = finding.extra.get("old_pointer") or finding.pointer
            old_side.append(Placed(_role(old, finding.file), issue_of(finding, level, pointer)))
        else:
            pointer = finding.extra.get("new_pointer") or finding.pointer
            new_side.append(Placed(_role(new, finding.file), issue_of(finding, level, pointer)))
    before = attach(connector_of(old), old_side)
    after = attach(connector_of(new), new_side)
    removed = tuple(replace(c, status="removed") for c in before.cards
                    if any(i.code == "OperationRemoved" for i in c.issues))
    gone = {c.anchor for c in removed}
    cards = list(after.cards)
    loose = list(before.issues + after.issues)
    for card in before.cards:
        if card.anchor in gone or not card.all_issues:
            continue
        at = _counterpart(card, cards)
        if at is None:
            loose.extend(card.all_issues)
            continue
        cards[at] = _carry(card, cards[at])
    connector = replace(after, cards=tuple(_status(c) for c in cards), issues=ordered(loose))
    levels = [str(f.extra.get("class", "")) for f in findings]
    return DiffPage(old.label, new.label, connector, removed, levels.count("breaking"), levels.count("non-breaking"))


def _role(package: Package, label: str) -> str:
    return next((role for role in FILENAMES if package.file_label(role) == label), "")


def _counterpart(card: Card, cards: list[Card]) -> int | None:
    """The new card of an old one: same operationId, else same method and path."""
    for key in ("operation_id", "route"):
        for i, other in enumerate(cards):
            if key == "operation_id" and card.operation_id and other.operation_id == card.operation_id:
                return i
            if key == "route" and (other.method, other.path) == (card.method, card.path):
                return i
    return None


def _carry(old: Card, new: Card) -> Card:
    """Move the old card's removal issues onto the new card: to the field of the same key, or as a
    struck-out copy of a field that is gone."""
    inputs, tokens = list(new.inputs), list(new.tokens)
    for olds, news in ((old.inputs, inputs), (old.tokens, tokens)):
        keys = {e.key: i for i, e in enumerate(news)}
        for element in olds:
            if not element.issues:
                continue
            if element.key in keys:
                i = keys[element.key]
                news[i] = replace(news[i], issues=ordered(news[i].issues + element.issues))
            else:
                news.append(replace(element, status="removed"))
    return replace(new, inputs=tuple(inputs), tokens=tuple(tokens), issues=ordered(new.issues + old.issues))


def _status(card: Card) -> Card:
    inputs = tuple(_element_status(e) for e in card.inputs)
    tokens = tuple(_element_status(e) for e in card.tokens)
    codes = {i.code for i in card.issues}
    if "OperationAdded" in codes:
        status = "added"
    elif "OperationIdChanged" in codes:
        status = "renamed"
    elif card.issues or any(e.issues or e.status for e in inputs + tokens):
        status = "changed"
    else:
        status = ""
    return replace(card, inputs=inputs, tokens=tokens, status=status)


def _element_status(element: Input | Token) -> Input | Token:
    if element.status or not element.issues:
        return element
    codes = {i.code for i in element.issues}
    status = "added" if codes & ADDED else "renamed" if codes & RENAMED else "changed"
    return replace(element, status=status)
