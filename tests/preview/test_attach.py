"""Findings go to the field, token or card their pointer names (tele2, hand-picked pointers)."""

from __future__ import annotations

from preview_support import REPO, build
from pbxconn.preview.attach import Placed, attach
from pbxconn.preview.model import Card, Connector, Issue

TELE2 = REPO / "connectors" / "tele2"


def place(*items: tuple[str, str]) -> Connector:
    issues = [Placed(role, Issue(f"Code{i}", "warning", f"message {i}", pointer))
              for i, (role, pointer) in enumerate(items)]
    return attach(build(TELE2), issues)


def card(connector: Connector, operation_id: str) -> Card:
    return next(c for c in connector.cards if c.operation_id == operation_id)


def codes(element) -> list[str]:
    return [i.code for i in element.issues]


def test_a_body_field_finding_goes_to_that_field() -> None:
    connector = place(("swagger", "/paths/~1dial/post/parameters/0/schema/properties/destination/x-ms-summary"))
    dial = card(connector, "Dial")
    assert [(i.title, codes(i)) for i in dial.inputs] == [("Destination", ["Code0"]), ("Contact ID", [])]
    assert not dial.issues and not connector.issues


def test_a_query_parameter_finding_goes_to_that_input() -> None:
    connector = place(("swagger", "/paths/~1trigger~1contacts/get/parameters/2/description"))
    contacts = card(connector, "GetContacts")
    assert [i.title for i in contacts.inputs if i.issues] == ["Limit"]


def test_a_definition_finding_goes_to_every_token_it_names() -> None:
    """Contact.avatar is read by GetContacts (through the data array) and GetContactsByID."""
    connector = place(("swagger", "/definitions/Contact/properties/avatar/description"))
    hits = sorted((c.operation_id, t.title) for c in connector.cards for t in c.tokens if t.issues)
    assert hits == [("GetContacts", "Items Avatar"), ("GetContactsByID", "Avatar")]


def test_a_notification_field_finding_goes_to_the_webhook_token() -> None:
    pointer = "/paths/~1webhooks~1CallStarted/x-ms-notification-content/schema/properties/data/properties/caller"
    connector = place(("swagger", pointer))
    assert [t.title for t in card(connector, "CallStarted").tokens if t.issues] == ["Data Caller"]


def test_what_no_field_shows_goes_to_the_card_or_the_connector() -> None:
    connector = place(
        ("swagger", "/paths/~1trigger~1contacts/get/responses/401/description"),  # an error response
        ("properties", "/properties/policyTemplateInstances/0/parameters"),  # GetContacts' polling policy
        ("swagger", "/info/title"),
        ("properties", "/properties/iconBrandColor"),
        ("swagger", "/paths/~1nope/get"),
    )
    contacts = card(connector, "GetContacts")
    assert codes(contacts) == ["Code0", "Code1"]
    assert [i.code for i in connector.issues] == ["Code2", "Code3", "Code4"]


def test_issues_are_ordered_worst_first() -> None:
    issues = [Placed("swagger", Issue(code, level, "m", "/info")) for code, level in
              (("B", "info"), ("A", "warning"), ("C", "error"), ("A", "warning"))]
    assert [(i.level, i.code) for i in attach(build(TELE2), issues).issues] == [
        ("error", "C"), ("warning", "A"), ("info", "B")]
