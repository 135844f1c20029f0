"""The preview's view model: plain data built from a package, with no HTML in it.

A page is a `Connector`: its header facts and its operations as `Card`s in the order a maker
meets them. A card holds the `Input`s the designer asks for and the `Token`s it offers as
dynamic content; validator findings and diff changes hang on them as `Issue`s.
"""

from __future__ import annotations

from dataclasses import dataclass

# Issue levels: a validator finding's severity or a diff change's class, worst first.
LEVELS = ("error", "breaking", "warning", "info", "non-breaking")
# Diff statuses of a card, input or token, strongest first.
STATUSES = ("removed", "renamed", "added", "changed")


@dataclass(frozen=True, slots=True)
class Issue:
    """A validator finding or a diff change, shown next to the card or field it concerns."""

    code: str
    level: str
    message: str
    pointer: str = ""
    line: int = 0


@dataclass(frozen=True, slots=True)
class Choice:
    """One entry of a dropdown: the value sent and the name the maker reads."""

    value: str
    label: str


@dataclass(frozen=True, slots=True)
class Input:
    """One field of an action's or trigger's form in the designer."""

    key: str  # the designer's key: "query.$.limit", "body.$.data.name"
    title: str
    name: str
    location: str  # path, query, header, body or formData
    type: str
    required: bool
    visibility: str  # "important", "", "advanced" or "internal" (lower case)
    description: str = ""
    default: str | None = None  # JSON text of the default, a string as it is
    choices: tuple[Choice, ...] = ()
    dropdown_from: str = ""  # operationId behind x-ms-dynamic-values / -list / -tree
    fields_from: str = ""  # operationId behind x-ms-dynamic-schema / -properties
    pointers: tuple[str, ...] = ()  # where it is written: its path through the operation, then its $ref target
    issues: tuple[Issue, ...] = ()
    status: str = ""  # diff pages: one of STATUSES, or "" when unchanged

    @property
    def hidden(self) -> bool:
        """Internal: the designer never shows it."""
        return self.visibility == "internal"

    @property
    def shown(self) -> bool:
        """On the card from the start (required or important); the rest waits behind "Show all"."""
        return not self.hidden and (self.required or self.visibility == "important")


@dataclass(frozen=True, slots=True)
class Token:
    """One dynamic-content token the designer offers to later steps."""

    key: str  # the designer's key: "body.$.data.callID", "header.$.Location"
    title: str
    type: str
    description: str = ""
    advanced: bool = False  # behind "See more" in the dynamic-content list
    in_array: bool = False  # using it wraps the step in "Apply to each"
    fields_from: str = ""  # operationId behind x-ms-dynamic-schema / -properties
    pointers: tuple[str, ...] = ()
    issues: tuple[Issue, ...] = ()
    status: str = ""


@dataclass(frozen=True, slots=True)
class Policy:
    """A policy template instance from apiProperties that applies to an operation."""

    template: str
    title: str
    parameters: tuple[tuple[str, str], ...]  # name -> JSON text
    pointer: str  # into apiProperties.json
    everywhere: bool = False  # names no operation, so applies to all of them


@dataclass(frozen=True, slots=True)
class Trigger:
    """How a trigger fires."""

    kind: str  # "webhook" or "polling"
    cardinality: str  # "single" or "batch" (x-ms-trigger)
    hint: str = ""  # x-ms-trigger-hint
    metadata: tuple[tuple[str, str], ...] = ()  # x-ms-trigger-metadata, name -> JSON text
    notification: str = ""  # description of x-ms-notification-content
    split_on: str = ""  # title of the array a batch trigger fires once per item of


@dataclass(frozen=True, slots=True)
class Card:
    """One operation: a trigger or an action card, or an entry of the hidden list."""

    anchor: str  # HTML id, unique in the page
    operation_id: str
    method: str
    path: str
    summary: str
    description: str
    visibility: str
    deprecated: bool
    trigger: Trigger | None
    inputs: tuple[Input, ...]  # in the designer's order, internal ones included
    tokens: tuple[Token, ...]  # in the designer's order
    pointers: tuple[str, ...]
    policies: tuple[Policy, ...] = ()
    issues: tuple[Issue, ...] = ()
    status: str = ""

    @property
    def title(self) -> str:
        """What the designer shows as the card's name."""
        return self.summary or self.operation_id or f"{self.method.upper()} {self.path}"

    @property
    def group(self) -> str:
        """'trigger', 'action' or 'hidden' (internal or deprecated: makers never pick it)."""
        if self.visibility == "internal" or self.deprecated:
            return "hidden"
        return "trigger" if self.trigger is not None else "action"

    @property
    def shown_inputs(self) -> tuple[Input, ...]:
        """Inputs on the card from the start."""
        return tuple(i for i in self.inputs if i.shown)

    @property
    def more_inputs(self) -> tuple[Input, ...]:
        """Inputs behind "Show all"."""
        return tuple(i for i in self.inputs if not i.hidden and not i.shown)

    @property
    def hidden_inputs(self) -> tuple[Input, ...]:
        """Internal inputs, which the designer never shows."""
        return tuple(i for i in self.inputs if i.hidden)

    @property
    def all_issues(self) -> tuple[Issue, ...]:
        """The card's own issues and those of its inputs and tokens."""
        out = list(self.issues)
        for item in (*self.inputs, *self.tokens):
            out.extend(item.issues)
        return tuple(out)


@dataclass(frozen=True, slots=True)
class Link:
    """A link the connector's own metadata gives (website, privacy policy, docs)."""

    label: str
    url: str


@dataclass(frozen=True, slots=True)
class ConnectionField:
    """What a maker fills in when creating a connection (apiProperties connectionParameters)."""

    name: str
    title: str
    type: str
    description: str = ""
    required: bool = False


@dataclass(frozen=True, slots=True)
class Connector:
    """The whole page: header facts and every operation as a card."""

    title: str
    description: str
    publisher: str
    version: str
    host: str
    brand_color: str  # "#rrggbb", checked
    icon: str  # data: URI of icon.png, or "" when the package has none
    auth: tuple[str, ...]  # each security scheme in words
    connection: tuple[ConnectionField, ...]
    links: tuple[Link, ...]
    categories: tuple[str, ...]
    cards: tuple[Card, ...]  # triggers, then actions, then hidden entries
    issues: tuple[Issue, ...] = ()  # findings that concern no operation

    @property
    def initials(self) -> str:
        """Up to two letters shown when there is no icon."""
        words = [w for w in self.title.split() if w[:1].isalnum()]
        return "".join(w[0] for w in words[:2]).upper() or "?"

    def group(self, name: str) -> tuple[Card, ...]:
        """The cards of one group ('trigger', 'action' or 'hidden'), in page order."""
        return tuple(c for c in self.cards if c.group == name)

    @property
    def all_issues(self) -> tuple[Issue, ...]:
        """Every issue on the page."""
        out = list(self.issues)
        for card in self.cards:
            out.extend(card.all_issues)
        return tuple(out)
