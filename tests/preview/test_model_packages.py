"""The view model of our own packages: what every card must show, and a hand-checked carrier.

The tele2 expectations below were written by reading connectors/tele2/apiDefinition.swagger.json
and apiProperties.json, applying the designer's rules as docs/preview.md states them.
"""

from __future__ import annotations

import json

import pytest

from preview_support import PACKAGES, REPO, build
from pbxconn.core.swagger import HTTP_METHODS
from pbxconn.preview.model import Card, Connector

RANK = {"important": 0, "advanced": 2}


def by_id(connector: Connector, operation_id: str) -> Card:
    return next(c for c in connector.cards if c.operation_id == operation_id)


def titles(items) -> list[str]:
    return [i.title for i in items]


@pytest.mark.parametrize("folder", PACKAGES, ids=[p.name for p in PACKAGES])
def test_every_operation_is_one_card_in_maker_order(folder) -> None:
    swagger = json.loads((folder / "apiDefinition.swagger.json").read_text("utf-8"))
    written = [(path, method) for path, item in swagger["paths"].items() for method in item
               if method in HTTP_METHODS]
    connector = build(folder)
    assert sorted((c.path, c.method) for c in connector.cards) == sorted(written)
    groups = [c.group for c in connector.cards]
    assert groups == sorted(groups, key=["trigger", "action", "hidden"].index), "triggers, actions, hidden"
    for group in ("trigger", "action"):
        ranks = [RANK.get(c.visibility, 1) for c in connector.group(group)]
        assert ranks == sorted(ranks), f"{group}s: important before normal before advanced"
    for card in connector.cards:
        op = swagger["paths"][card.path][card.method]
        assert (card.trigger is not None) == ("x-ms-trigger" in op)
        assert (card.group == "hidden") == (op.get("x-ms-visibility") == "internal")


@pytest.mark.parametrize("folder", PACKAGES, ids=[p.name for p in PACKAGES])
def test_every_card_names_its_fields_from_x_ms_summary(folder) -> None:
    """Our packages give every parameter an x-ms-summary, which is the input's title; keys are
    unique per card, and every card offers at least the Body token."""
    connector = build(folder)
    swagger = json.loads((folder / "apiDefinition.swagger.json").read_text("utf-8"))
    for card in connector.cards:
        assert any(t.key == "body.$" for t in card.tokens), "the designer always offers the body"
        assert len({i.key for i in card.inputs}) == len(card.inputs)
        assert len({t.key for t in card.tokens}) == len(card.tokens)
        params = swagger["paths"][card.path][card.method].get("parameters", [])
        summaries = {p["name"]: p.get("x-ms-summary") for p in params if p.get("in") != "body"}
        for item in card.inputs:
            if item.key.endswith(".$filename"):  # a formData file's second field
                assert item.title == f"{summaries[item.name]} (file name)"
            elif item.location != "body":
                assert item.title == summaries[item.name]


@pytest.mark.parametrize("folder", PACKAGES, ids=[p.name for p in PACKAGES])
def test_every_finding_lands_once_somewhere(folder) -> None:
    """A finding is on a card or field, or about the whole connector: none is lost."""
    from pbxconn.preview.page import load_package, validate

    findings = validate(load_package(folder))
    connector = build(folder, findings=True)
    shown = {(i.code, i.pointer, i.message) for i in connector.all_issues}
    assert {(f.code, f.pointer, f.message) for f in findings} <= shown


def test_tele2_as_a_maker_meets_it() -> None:
    connector = build(REPO / "connectors" / "tele2")
    assert (connector.title, connector.publisher, connector.brand_color) == ("Mobili Stotele", "Tele2", "#31ab3d")
    assert connector.auth == ("API key (header Authorization)",)
    assert [(f.title, f.type, f.required) for f in connector.connection] == [("API Key", "securestring", True)]
    assert connector.icon.startswith("data:image/png;base64,")
    assert [link.label for link in connector.links] == ["Website", "Privacy policy", "Contact"]

    # all operations are important: the designer keeps the written order within each group
    assert [c.operation_id for c in connector.group("trigger")] == [
        "GetContacts", "GetGroups", "GetCallRecordings", "GetCallHistory", "GetVoicemailBoxes", "GetVoicemails",
        "GetAudioPrompts", "GetVoipEndpoints", "CallStarted", "CallConnected", "CallCompleted", "CallTransfered",
        "CallRecorded", "VoicemailCreated", "VoicemailDeleted", "LostCallerAdded", "LostCallerUpdated",
        "LostCallerRemoved"]
    assert [c.operation_id for c in connector.group("action")] == [
        "GetContactsByID", "GetGroupByID", "GetCallRecordingByID", "GetCallHistoryItemByID", "GetVoicemailBoxByID",
        "GetVoicemailByID", "GetAudioPromptByID", "GetVoipEndpointByID", "GetLostCalls", "Dial"]
    assert [c.operation_id for c in connector.group("hidden")] == ["DeleteWebhookByID"]


def test_tele2_polling_trigger_card() -> None:
    card = by_id(build(REPO / "connectors" / "tele2"), "GetContacts")
    assert card.title == "Get Contacts"
    assert (card.trigger.kind, card.trigger.cardinality) == ("polling", "batch")
    assert card.trigger.hint == "Triggers when a new employee is created."
    assert card.trigger.metadata == (("mode", "polling"), ("kind", "query"))
    # five top-level fields: no single array to split on, so the items need "Apply to each"
    assert card.trigger.split_on == ""
    assert [(p.template, p.title) for p in card.policies] == [("pollingtrigger", "GetContactsPollingTriggerPolicy")]
    # required first (the internal cursor), then the important ones as written
    assert titles(card.inputs) == ["Initial contact ID", "Contact ID", "Limit", "Offset"]
    assert titles(card.hidden_inputs) == ["Initial contact ID"] and card.hidden_inputs[0].default == "0"
    assert titles(card.shown_inputs) == ["Contact ID", "Limit", "Offset"] and not card.more_inputs
    names = titles(card.tokens)
    assert names[:5] == ["Body", "Version", "Status", "Status code", "Message"]
    # data: an array titled "Items" of Contact (no x-ms-summary of its own) -> "Items <field>";
    # Contact.group_membership "Groups" of Group -> "Items Groups <field>"
    for expected in ("Items Contact ID", "Items First name", "Items Avatar", "Items Groups Group ID",
                     "Items Groups Members Contact ID", "Items Groups Item", "Items Item", "Items"):
        assert expected in names
    tokens = {t.title: t for t in card.tokens}
    assert tokens["Items Contact ID"].in_array and tokens["Items Item"].in_array
    assert not tokens["Items"].in_array and tokens["Items"].type == "array"
    assert len(card.tokens) == 24


def test_tele2_webhook_trigger_card() -> None:
    card = by_id(build(REPO / "connectors" / "tele2"), "CallStarted")
    assert (card.trigger.kind, card.trigger.cardinality) == ("webhook", "single")
    assert card.trigger.notification == "Fires when a call starts, with the call's details."
    # the registration body is internal: nothing to fill in
    assert not card.shown_inputs and not card.more_inputs and len(card.hidden_inputs) == 1
    # the tokens come from x-ms-notification-content; data's fields carry its summary "Data"
    assert titles(card.tokens) == [
        "Body", "Type", "Version", "Event type", "Data Call ID", "Data Caller", "Data Destination",
        "Data Direction", "Data Status", "Data Call started", "Data Contact ID", "Data"]
    assert not any(t.in_array for t in card.tokens)


def test_tele2_action_with_a_flattened_body() -> None:
    card = by_id(build(REPO / "connectors" / "tele2"), "Dial")
    assert card.trigger is None and card.visibility == ""
    assert [(i.title, i.required, i.location, i.type) for i in card.inputs] == [
        ("Destination", True, "body", "string"), ("Contact ID", True, "body", "integer (int32)")]
    assert all(i.shown for i in card.inputs)
