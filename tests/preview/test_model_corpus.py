"""Hand-checked cards of public connectors with dropdowns, arrays and x-ms-visibility.

Each expectation was written by reading the connector's apiDefinition.swagger.json (the excerpt
that matters is quoted in the test's docstring) and applying the designer's rules of
docs/preview.md, not by running the preview.
"""

from __future__ import annotations

from preview_support import build
from pbxconn.preview.model import Card, Connector


def by_id(connector: Connector, operation_id: str) -> Card:
    return next(c for c in connector.cards if c.operation_id == operation_id)


def titles(items) -> list[str]:
    return [i.title for i in items]


def test_pushcut_groups_dropdowns_and_advanced_outputs(corpus) -> None:
    """Pushcut: GetDevices, GetNotifications and DeleteSubscription are internal; SendNotification's
    path parameter has x-ms-dynamic-values from GetNotifications, its body (#/definitions/Notification,
    nothing required) has a `devices` array whose items come from GetDevices; the ActionExecuted
    webhook's notification schema EventData has an internal id, an important input and an advanced
    timestamp."""
    connector = build(corpus("certified-connectors/Pushcut"))
    assert [c.operation_id for c in connector.group("trigger")] == ["ActionExecuted"]
    assert [c.operation_id for c in connector.group("action")] == ["SendNotification"]
    hidden = ["GetDevices", "GetNotifications", "DeleteSubscription"]
    assert [c.operation_id for c in connector.group("hidden")] == hidden
    assert connector.auth == ("OAuth 2.0 (authorization code)", "API key (header API-Key)")
    assert connector.icon == "" and connector.initials == "P" and connector.brand_color == "#1e285a"

    send = by_id(connector, "SendNotification")
    assert [(i.title, i.required, i.dropdown_from) for i in send.shown_inputs] == [
        ("Notification", True, "GetNotifications")]
    # optional and not important: behind "Show all", in the definition's order
    assert [(i.title, i.dropdown_from) for i in send.more_inputs] == [
        ("Dynamic Text", ""), ("Dynamic Title", ""), ("Input Parameter", ""), ("Devices", "GetDevices")]
    assert titles(send.tokens) == ["Body"]  # only a `default` response with an empty schema

    trigger = by_id(connector, "ActionExecuted")
    assert (trigger.trigger.kind, trigger.trigger.notification) == ("webhook", "Details for Webhook")
    assert [(i.title, i.required) for i in trigger.shown_inputs] == [("Action Name", True)]
    assert titles(trigger.hidden_inputs) == ["url"]  # `"title": ""` is no title: the name is used
    # the body first (required), then important, normal, advanced; the internal id is left out
    assert titles(trigger.tokens) == ["Body", "Action Input", "Action Name", "Action Timestamp"]
    assert [t.advanced for t in trigger.tokens] == [False, False, False, True]


def test_spring_global_dynamic_values_lists_and_schema(corpus) -> None:
    """Spring Global: GetExecutionById has three required inputs (two with x-ms-dynamic-values,
    publicationId also with x-ms-dynamic-list) and an important boolean header defaulting to false;
    its response is an x-ms-dynamic-schema object. The OnSurveyExecution webhook's body parameter is
    `required: false`, so the designer marks none of its fields required, although the schema lists
    them. One dynamichosturl policy names no operation, so it applies to every one."""
    connector = build(corpus("certified-connectors/Spring Global"))
    assert [c.operation_id for c in connector.group("action")] == ["GetExecutionById", "GetUserById"]
    assert [c.operation_id for c in connector.group("hidden")] == [
        "GetSurveys", "GetSurveyPublicationSchema", "UnsubscribeWebHookEvents", "GetPublications"]
    assert [(f.title, f.required) for f in connector.connection] == [("Web API Base Url", True), ("API Key", True)]
    assert all([p.template for p in c.policies] == ["dynamichosturl"] for c in connector.cards)

    execution = by_id(connector, "GetExecutionById")
    assert [(i.title, i.required, i.dropdown_from) for i in execution.inputs] == [
        ("Execution Id", True, ""), ("Survey", True, "GetSurveys"), ("Publication", True, "GetPublications"),
        ("Show advanced options for checkbox questions", False, "")]
    flag = execution.inputs[-1]
    assert flag.shown and flag.default == "false"
    assert [(c.value, c.label) for c in flag.choices] == [("", ""), ("true", "Yes"), ("false", "No")]
    assert [(t.title, t.fields_from) for t in execution.tokens] == [("Body", "GetSurveyPublicationSchema")]

    user = by_id(connector, "GetUserById")  # `title` on each response property names the token
    assert titles(user.tokens) == ["Body", "User Id", "User code", "First Name", "Second (Middle) Name",
                                   "Surname", "Username (Login)", "User email"]

    survey = by_id(connector, "OnSurveyExecution")
    assert titles(survey.hidden_inputs) == ["callback"]
    assert not survey.shown_inputs
    assert [(i.title, i.required, i.dropdown_from) for i in survey.more_inputs] == [
        ("Survey", False, "GetSurveys"), ("Publication", False, "GetPublications")]
    # no x-ms-summary anywhere: the names; nested objects add no prefix without a title or summary
    assert titles(survey.tokens) == ["Body", "tenantId", "action", "event", "publicationId", "parameters",
                                     "executionId", "payload"]


def test_wttr_enum_display_names_and_defaults(corpus) -> None:
    """wttr.in: `view` has an enum named by x-ms-enum-values; `lang` an enum with default "en";
    the response is a plain string."""
    card = build(corpus("independent-publisher-connectors/wttr.in")).cards[0]
    assert [(i.title, i.required, i.shown) for i in card.inputs] == [
        ("Location", True, True), ("View", False, False), ("Language", False, False)]
    view, lang = card.inputs[1], card.inputs[2]
    assert view.choices[0].value == "1" and view.choices[0].label == "Current weather and today's forecast"
    assert view.choices[-1].label == "Switch terminal sequences off (no colors)" and len(view.choices) == 8
    assert lang.default == "en" and lang.choices[0].label == "en" and len(lang.choices) == 35
    assert [(t.title, t.type) for t in card.tokens] == [("Body", "string")]


def test_dad_jokes_array_body_and_internal_header(corpus) -> None:
    """Dad Jokes: the response body is an array of objects with one `joke` property titled "Joke";
    the X-RapidAPI-Host header is internal with a default."""
    card = build(corpus("independent-publisher-connectors/Dad Jokes")).cards[0]
    assert titles(card.hidden_inputs) == ["Host"] and card.hidden_inputs[0].default.startswith("dad-jokes")
    assert titles(card.more_inputs) == ["Limit"]
    tokens = {t.title: t for t in card.tokens}
    assert set(tokens) == {"Body", "Item", "Joke"}
    assert tokens["Body"].type == "array" and not tokens["Body"].in_array
    assert tokens["Item"].in_array and tokens["Joke"].in_array
