"""The collections of the API: their query filters, cursors and single-item lookups."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from pbxconn.sandbox.db import Page, Store, Where


@dataclass(frozen=True)
class Collection:
    """One listable entity: `/trigger/<path>` polling list and `/<item_path>/{id}` lookup."""

    name: str
    cursor: str  # the `initial_<x>_id` query parameter
    item_id: str  # the id filter / path parameter
    id_column: str
    filters: dict[str, tuple[str, str]]  # query name -> (kind, SQL condition with ? placeholders)
    fetch: Callable[[Store, Where, Page], list[Any]]
    wire: Callable[[Store, Any], dict[str, Any]]

    def kinds(self) -> dict[str, str]:
        """Every query parameter the trigger accepts, with its kind."""
        return {
            self.cursor: "int", self.item_id: "int", "limit": "int", "offset": "int",
            **{name: kind for name, (kind, _) in self.filters.items()},
        }

    def where(self, values: dict[str, Any]) -> Where:
        """SQL conditions for the filters present in `values`."""
        where = Where()
        if self.item_id in values:
            where.add(f"{self.id_column} = ?", values[self.item_id])
        for name, (_, clause) in self.filters.items():
            if name in values:
                where.add(clause, *([values[name]] * clause.count("?")))
        return where

    def page(self, values: dict[str, Any]) -> Page:
        """Cursor, limit and offset of a request."""
        return Page(after=max(0, values.get(self.cursor, 0)), limit=values.get("limit"), offset=values.get("offset", 0))

    def one(self, store: Store, item_id: int) -> dict[str, Any] | None:
        """The wire form of one item, or None."""
        where = Where()
        where.add(f"{self.id_column} = ?", item_id)
        found = self.fetch(store, where, Page(limit=1))
        return self.wire(store, found[0]) if found else None


def _plain(_: Store, item: Any) -> dict[str, Any]:
    return item.wire()


def _contact(store: Store, item: Any) -> dict[str, Any]:
    return item.wire(store.groups_of(item.id))


def _call_filters(prefix: str) -> dict[str, tuple[str, str]]:
    return {
        "source": ("str", f"{prefix}caller = ?"),
        "destination": ("str", f"{prefix}destination = ?"),
        "direction": ("str", f"{prefix}direction = ?"),
        "contact_id": ("int", f"({prefix}employee_id = ? OR {prefix}previous_employee_id = ?)"),
        "date_from": ("date-time", f"{prefix}started >= ?"),
        "date_to": ("date-time", f"{prefix}started <= ?"),
    }


COLLECTIONS: dict[str, Collection] = {
    "call_history": Collection(
        "call_history", "initial_call_id", "call_id", "id", _call_filters(""), Store.calls, _plain
    ),
    "call_records": Collection(
        "call_records", "initial_record_id", "record_id", "r.id", _call_filters("calls."), Store.recordings, _plain
    ),
    "voicemails": Collection(
        "voicemails", "initial_voicemail_id", "voicemail_id", "v.id",
        {
            "source": ("str", "v.sender = ?"),
            "contact_id": ("int", "b.owner_id = ?"),
            "box_id": ("int", "v.box_id = ?"),
            "date_from": ("date-time", "v.started >= ?"),
            "date_to": ("date-time", "v.started <= ?"),
        },
        Store.voicemails, _plain,
    ),
    "voicemail_boxes": Collection("voicemail_boxes", "initial_box_id", "box_id", "id", {}, Store.boxes, _plain),
    "audio_prompts": Collection("audio_prompts", "initial_prompt_id", "prompt_id", "id", {}, Store.prompts, _plain),
    "voip_endpoints": Collection(
        "voip_endpoints", "initial_endpoint_id", "endpoint_id", "id", {}, Store.endpoints, _plain
    ),
    "groups": Collection(
        "groups", "initial_group_id", "group_id", "id",
        {"contact_id": ("int", "id IN (SELECT group_id FROM group_members WHERE employee_id = ?)")},
        Store.groups, _plain,
    ),
    "contacts": Collection("contacts", "initial_contact_id", "contact_id", "id", {}, Store.employees, _contact),
}

# `/<path>/{id}` lookups: path segment -> collection name
ITEM_PATHS = {
    "contacts": "contacts", "groups": "groups", "call_records": "call_records", "call_history": "call_history",
    "voicemail_boxes": "voicemail_boxes", "voicemails": "voicemails", "audio_prompts": "audio_prompts",
    "voip_endpoints": "voip_endpoints",
}

LOST_CALL_KINDS = {"limit": "int", "offset": "int", "destination": "str", "date_from": "date-time", "date_to": "date-time"}


def lost_calls(store: Store, values: dict[str, Any]) -> list[dict[str, Any]]:
    """Lost callers filtered by destination and last-contact range."""
    where = Where()
    if "destination" in values:
        where.add("destination = ?", values["destination"])
    if "date_from" in values:
        where.add("last_contact >= ?", values["date_from"])
    if "date_to" in values:
        where.add("last_contact <= ?", values["date_to"])
    return [lost.wire() for lost in store.lost_callers(where, values.get("limit"), values.get("offset", 0))]
