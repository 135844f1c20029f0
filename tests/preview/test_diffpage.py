"""The diff page's view model: removed cards, struck-out fields, renamed cards and inputs."""

from __future__ import annotations

from pathlib import Path

from preview_support import REPO, changed_tele2
from pbxconn.diff.compare import compare
from pbxconn.preview.diffpage import diff_page
from pbxconn.preview.model import STATUSES
from pbxconn.preview.page import load_package


def test_changes_land_where_a_maker_sees_them(tmp_path: Path) -> None:
    old = load_package(REPO / "connectors" / "tele2")
    new = load_package(changed_tele2(tmp_path / "new"))
    page = diff_page(old, new, compare(old, new))
    assert (page.breaking, page.non_breaking) == (5, 0)
    assert [(c.operation_id, c.status, [i.code for i in c.issues]) for c in page.removed] == [
        ("GetLostCalls", "removed", ["OperationRemoved"])]
    cards = {c.operation_id: c for c in page.connector.cards}
    assert "GetLostCalls" not in cards

    dial = cards["PlaceCall"]
    assert dial.status == "renamed" and [i.code for i in dial.issues] == ["OperationIdChanged"]

    contacts = cards["GetContacts"]
    assert contacts.status == "changed" and not contacts.issues, "each change once, on its field"
    renamed = [(i.title, i.name, i.status, [x.code for x in i.issues]) for i in contacts.inputs if i.status]
    assert renamed == [("Limit", "max_items", "renamed", ["ParameterRenamed"])]
    gone = [(t.title, t.status) for t in contacts.tokens if t.status]
    assert gone == [("Items Avatar", "removed")]
    assert [(t.title, t.status) for t in cards["GetContactsByID"].tokens if t.status] == [("Avatar", "removed")]

    changed = {c.operation_id for c in page.connector.cards if c.status}
    assert changed == {"PlaceCall", "GetContacts", "GetContactsByID"}
    assert page.changed == 4
    every = {c.status for c in page.connector.cards + page.removed}
    every |= {e.status for c in page.connector.cards for e in c.inputs + c.tokens}
    assert every <= {"", *STATUSES}
