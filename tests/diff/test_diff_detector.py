"""Enum, format and x-ms-visibility changes on inputs and outputs, and the mapping of Microsoft's
Breaking Change Detector messages to change codes (pbxconn.diff.changes.DETECTOR_MESSAGES)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any, Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diff_samples import PROPERTIES, diff
from pbxconn.core.findings import Severity
from pbxconn.diff.changes import CHANGES, DETECTOR_MESSAGES, docs_markdown
from test_diff_compare import BREAKING, NON_BREAKING

FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

BASE: dict[str, Any] = {
    "swagger": "2.0",
    "info": {"title": "Minimal", "description": "A minimal connector.", "version": "1.0"},
    "host": "api.example.com",
    "basePath": "/",
    "schemes": ["https"],
    "paths": {
        "/send": {"post": {
            "operationId": "Send",
            "summary": "Send",
            "parameters": [
                {"name": "mode", "in": "query", "required": False, "type": "string"},
                {"name": "body", "in": "body", "required": True, "schema": {
                    "type": "object", "properties": {"kind": {"type": "string"}}}},
            ],
            "responses": {"200": {"description": "OK", "schema": {
                "type": "object", "properties": {"state": {"type": "string"}}}}},
        }},
        "/hook": {
            "x-ms-notification-content": {"schema": {"type": "object", "properties": {"state": {"type": "string"}}}},
            "post": {"operationId": "Hook", "summary": "Hook", "x-ms-trigger": "single",
                     "responses": {"201": {"description": "Created"}}},
        },
    },
}

SITES = {
    "operation": ("paths", "/send", "post"),
    "query": ("paths", "/send", "post", "parameters", 0),
    "body": ("paths", "/send", "post", "parameters", 1, "schema", "properties", "kind"),
    "response": ("paths", "/send", "post", "responses", "200", "schema", "properties", "state"),
    "notification": ("paths", "/hook", "x-ms-notification-content", "schema", "properties", "state"),
}
INPUTS, OUTPUTS = ("query", "body"), ("response", "notification")
OUTPUT_PREFIX = {"response": "ResponseField", "notification": "NotificationField"}


def node(doc: dict, site: str) -> dict:
    """The object at a named site of a document."""
    for part in SITES[site]:
        doc = doc[part]
    return doc


def version(site: str, attrs: dict) -> dict:
    """The minimal connector with `attrs` set (None: removed) on one site."""
    doc = copy.deepcopy(BASE)
    target = node(doc, site)
    for key, value in attrs.items():
        if value is None:
            target.pop(key, None)
        else:
            target[key] = value
    return doc


def codes(site: str, old: dict, new: dict) -> list[str]:
    """Codes found between two versions differing on one site."""
    return [f.code for f in diff(version(site, old), version(site, new), PROPERTIES, PROPERTIES)]


# --- one minimal pair per code, and a near miss --------------------------------------------------

EXACT = [
    ("EnumListAdded", "query", {}, {"enum": ["a", "b"]}),
    ("EnumListAdded", "body", {}, {"enum": ["a"]}),
    ("EnumListRemoved", "query", {"enum": ["a", "b"]}, {}),
    ("EnumValueAdded", "body", {"enum": ["a"]}, {"enum": ["a", "b"]}),
    ("EnumValueRemoved", "query", {"enum": ["a", "b"]}, {"enum": ["b"]}),
    ("ResponseFieldEnumListAdded", "response", {}, {"enum": ["on", "off"]}),
    ("ResponseFieldEnumListRemoved", "response", {"enum": ["on", "off"]}, {}),
    ("ResponseFieldEnumValueAdded", "response", {"enum": ["on"]}, {"enum": ["on", "off"]}),
    ("ResponseFieldEnumValueRemoved", "response", {"enum": ["on", "off"]}, {"enum": ["on"]}),
    ("NotificationFieldEnumListAdded", "notification", {}, {"enum": ["on", "off"]}),
    ("NotificationFieldEnumListRemoved", "notification", {"enum": ["on", "off"]}, {}),
    ("NotificationFieldEnumValueAdded", "notification", {"enum": ["on"]}, {"enum": ["on", "off"]}),
    ("NotificationFieldEnumValueRemoved", "notification", {"enum": ["on", "off"]}, {"enum": ["off"]}),
    ("ParameterFormatChanged", "query", {}, {"format": "date-time"}),
    ("ParameterFormatChanged", "body", {"format": "date"}, {"format": "date-time"}),
    ("ParameterFormatChanged", "body", {"format": "date"}, {}),
    ("ParameterTypeChanged", "query", {}, {"type": "integer"}),
    ("ResponseFieldFormatChanged", "response", {"format": "date"}, {"format": "date-time"}),
    ("ResponseFieldFormatChanged", "response", {"format": "date"}, {}),
    ("ResponseFieldFormatAdded", "response", {}, {"format": "date-time"}),
    ("NotificationFieldFormatChanged", "notification", {"format": "date"}, {"format": "date-time"}),
    ("NotificationFieldFormatAdded", "notification", {}, {"format": "date-time"}),
    ("ResponseFieldTypeChanged", "response", {}, {"type": "integer"}),
    ("NotificationFieldTypeChanged", "notification", {}, {"type": "boolean"}),
    ("OperationMadeInternal", "operation", {"x-ms-visibility": "important"}, {"x-ms-visibility": "internal"}),
    ("ParameterMadeInternal", "query", {}, {"x-ms-visibility": "internal"}),
    ("InternalMadeVisible", "operation", {"x-ms-visibility": "internal"}, {"x-ms-visibility": "advanced"}),
    ("InternalMadeVisible", "query", {"x-ms-visibility": "internal"}, {}),
    ("VisibilityIncreased", "query", {"x-ms-visibility": "advanced"}, {"x-ms-visibility": "important"}),
    ("VisibilityReduced", "body", {"x-ms-visibility": "important"}, {"x-ms-visibility": "advanced"}),
    ("VisibilityReduced", "response", {}, {"x-ms-visibility": "internal"}),
]

NEAR_MISSES = [
    ("EnumListAdded", "query", {"enum": ["a", "b"]}, {"enum": ["b", "a"]}),
    ("EnumListAdded", "response", {}, {"enum": ["a"]}),
    ("EnumValueRemoved", "query", {"enum": ["a"]}, {"enum": ["a", "b"]}),
    ("EnumValueRemoved", "query", {"enum": [1]}, {"enum": [1, True]}),
    ("ResponseFieldEnumValueAdded", "response", {"enum": ["on", "off"]}, {"enum": ["off"]}),
    ("ResponseFieldEnumValueAdded", "response", {"enum": ["on", "off"]}, {"enum": ["off", "on", "on"]}),
    ("ResponseFieldEnumListRemoved", "notification", {"enum": ["on"]}, {}),
    ("ParameterFormatChanged", "query", {"format": "date"}, {"format": "date"}),
    ("ParameterFormatChanged", "query", {}, {"type": "integer"}),
    ("ParameterTypeChanged", "query", {}, {"format": "date"}),
    ("ResponseFieldFormatChanged", "response", {}, {"format": "date-time"}),
    ("ResponseFieldTypeChanged", "response", {"format": "date"}, {"format": "date-time"}),
    ("OperationMadeInternal", "operation", {"x-ms-visibility": "important"}, {"x-ms-visibility": "advanced"}),
    ("OperationMadeInternal", "operation", {"x-ms-visibility": "internal"}, {"x-ms-visibility": "Internal"}),
    ("InternalMadeVisible", "operation", {"x-ms-visibility": "advanced"}, {"x-ms-visibility": "important"}),
    ("VisibilityIncreased", "query", {}, {"x-ms-visibility": ""}),
    ("VisibilityIncreased", "query", {"x-ms-visibility": "none"}, {}),
]


@pytest.mark.parametrize("code, site, old, new", EXACT, ids=[f"{c}-{i}" for i, (c, *_) in enumerate(EXACT)])
def test_minimal_pair_gives_exactly_its_code(code: str, site: str, old: dict, new: dict) -> None:
    findings = diff(version(site, old), version(site, new), PROPERTIES, PROPERTIES)
    assert [f.code for f in findings] == [code]
    (finding,) = findings
    assert finding.extra["class"] == CHANGES[code].cls
    assert finding.severity == (Severity.ERROR if CHANGES[code].breaking else Severity.INFO)
    assert finding.line > 0


@pytest.mark.parametrize("code, site, old, new", NEAR_MISSES,
                         ids=[f"{c}-{i}" for i, (c, *_) in enumerate(NEAR_MISSES)])
def test_near_miss_does_not_give_the_code(code: str, site: str, old: dict, new: dict) -> None:
    assert code not in codes(site, old, new)


def add_query(parameter: dict) -> dict:
    """The minimal connector with one more query parameter on Send."""
    doc = copy.deepcopy(BASE)
    node(doc, "operation")["parameters"].append({"name": "extra", "in": "query", "type": "string", **parameter})
    return doc


@pytest.mark.parametrize("parameter, code", [
    ({"required": True, "default": "x"}, "RequiredParameterWithDefaultAdded"),
    ({"required": True, "default": "", "x-ms-visibility": "internal"}, "RequiredParameterWithDefaultAdded"),
    ({"required": True}, "RequiredParameterAdded"),
    ({"required": False, "default": "x"}, "ParameterAdded"),
    ({}, "ParameterAdded"),
])
def test_a_new_required_input_breaks_even_with_a_default(parameter: dict, code: str) -> None:
    findings = diff(BASE, add_query(parameter), PROPERTIES, PROPERTIES)
    assert [(f.code, f.extra["class"]) for f in findings] == [(code, CHANGES[code].cls)]


def test_new_required_body_field_with_default_breaks() -> None:
    new = version("body", {})
    schema = new["paths"]["/send"]["post"]["parameters"][1]["schema"]
    schema["properties"]["priority"] = {"type": "integer", "default": 0}
    schema["required"] = ["priority"]
    (finding,) = diff(BASE, new, PROPERTIES, PROPERTIES)
    assert (finding.code, finding.message) == ("RequiredParameterWithDefaultAdded",
                                               "Send: new required input body.priority (default 0) that existing "
                                               "flows do not send")


def test_enum_messages_name_the_values() -> None:
    (added,) = diff(version("query", {}), version("query", {"enum": ["a", "b"]}), PROPERTIES, PROPERTIES)
    assert added.message == 'Send: input mode now accepts only ["a", "b"]'
    assert added.extra["new_pointer"] == "/paths/~1send/post/parameters/0/enum"
    (removed,) = diff(version("response", {"enum": ["on"]}), version("response", {}), PROPERTIES, PROPERTIES)
    assert removed.message == 'Send: response field state no longer lists its values (was ["on"])'
    assert removed.file == "old/apiDefinition.swagger.json"
    assert removed.pointer == "/paths/~1send/post/responses/200/schema/properties/state/enum"


def test_type_and_format_changed_together_are_two_findings() -> None:
    found = codes("query", {"format": "date"}, {"type": "integer", "format": "int32"})
    assert found == ["ParameterTypeChanged", "ParameterFormatChanged"]
    found = codes("response", {"format": "date"}, {"type": "integer", "format": "int32"})
    assert found == ["ResponseFieldTypeChanged", "ResponseFieldFormatChanged"]


# --- properties ----------------------------------------------------------------------------------

SCALARS = st.one_of(st.text(max_size=6), st.integers(-5, 5), st.booleans())
VALUES = st.lists(SCALARS, min_size=1, max_size=6, unique_by=lambda v: json.dumps(v))


@FAST
@given(st.sampled_from(INPUTS + OUTPUTS), VALUES, st.data())
def test_any_permutation_of_an_enum_is_no_change(site: str, values: list, data: st.DataObject) -> None:
    shuffled = data.draw(st.permutations(values))
    repeated = shuffled + data.draw(st.lists(st.sampled_from(values), max_size=3))
    assert codes(site, {"enum": values}, {"enum": repeated}) == []


def split(values: list, data: st.DataObject) -> tuple[list, list]:
    """A strict, non-empty subset of `values` and the full list, in drawn orders."""
    kept = data.draw(st.lists(st.sampled_from(values), min_size=1, max_size=len(values) - 1,
                              unique_by=lambda v: json.dumps(v)))
    return kept, data.draw(st.permutations(values))


@FAST
@given(st.sampled_from(INPUTS), VALUES.filter(lambda v: len(v) > 1), st.data())
def test_an_input_accepting_more_is_non_breaking_and_fewer_breaks(site: str, values: list,
                                                                   data: st.DataObject) -> None:
    subset, superset = split(values, data)
    assert codes(site, {"enum": subset}, {"enum": superset}) == ["EnumValueAdded"]
    assert codes(site, {"enum": superset}, {"enum": subset}) == ["EnumValueRemoved"]
    assert not CHANGES["EnumValueAdded"].breaking and CHANGES["EnumValueRemoved"].breaking


@FAST
@given(st.sampled_from(OUTPUTS), VALUES.filter(lambda v: len(v) > 1), st.data())
def test_an_output_carrying_more_breaks_and_fewer_is_non_breaking(site: str, values: list,
                                                                   data: st.DataObject) -> None:
    subset, superset = split(values, data)
    prefix = OUTPUT_PREFIX[site]
    assert codes(site, {"enum": subset}, {"enum": superset}) == [f"{prefix}EnumValueAdded"]
    assert codes(site, {"enum": superset}, {"enum": subset}) == [f"{prefix}EnumValueRemoved"]
    assert CHANGES[f"{prefix}EnumValueAdded"].breaking and not CHANGES[f"{prefix}EnumValueRemoved"].breaking


@FAST
@given(st.sampled_from(INPUTS + OUTPUTS), VALUES)
def test_an_enum_list_added_or_removed_is_classed_by_direction(site: str, values: list) -> None:
    added, removed = codes(site, {}, {"enum": values}), codes(site, {"enum": values}, {})
    assert len(added) == len(removed) == 1
    narrows = CHANGES[added[0]].breaking if site in INPUTS else CHANGES[removed[0]].breaking
    widens = CHANGES[removed[0]].breaking if site in INPUTS else CHANGES[added[0]].breaking
    assert narrows and not widens


VISIBILITIES = [None, "", "none", "advanced", "important", "internal", "Internal", " Advanced", "IMPORTANT"]
ORDER = ("advanced", "none", "important")
MADE_INTERNAL = {"operation": "OperationMadeInternal", "query": "ParameterMadeInternal",
                 "response": "VisibilityReduced"}


def normal(value: str | None) -> str:
    """The visibility a value means: case and spaces do not count, absent or "" is none."""
    text = (value or "").strip().lower()
    return text if text in ORDER + ("internal",) else "none"


def expected_visibility_codes(site: str, old: str | None, new: str | None) -> list[str]:
    """What a change of x-ms-visibility on a site should report."""
    before, after = normal(old), normal(new)
    if before == after:
        return []
    if after == "internal":
        return [MADE_INTERNAL[site]]
    if before == "internal":
        return ["InternalMadeVisible"]
    return ["VisibilityIncreased" if ORDER.index(after) > ORDER.index(before) else "VisibilityReduced"]


@FAST
@given(st.sampled_from(sorted(MADE_INTERNAL)), st.sampled_from(VISIBILITIES), st.sampled_from(VISIBILITIES))
def test_visibility_in_every_direction(site: str, old: str | None, new: str | None) -> None:
    found = codes(site, {"x-ms-visibility": old}, {"x-ms-visibility": new})
    assert found == expected_visibility_codes(site, old, new)
    assert all(CHANGES[code].breaking == code.endswith("MadeInternal") for code in found)


FORMATS = ["date", "date-time", "email", "uri", "uuid", "byte", "binary", "password"]


@FAST
@given(st.sampled_from(INPUTS + OUTPUTS), st.sampled_from(FORMATS + [None]), st.sampled_from(FORMATS))
def test_any_format_change_is_its_own_code(site: str, old: str | None, new: str) -> None:
    found = codes(site, {"format": old}, {"format": new})
    if old == new:
        assert found == []
    elif site in INPUTS:
        assert found == ["ParameterFormatChanged"]
    else:
        suffix = "FormatAdded" if old is None else "FormatChanged"
        assert found == [OUTPUT_PREFIX[site] + suffix]


# --- real connectors ------------------------------------------------------------------------------

def enum_sites(doc: Any, at: tuple = ()) -> Iterator[tuple]:
    """Paths of every object with an `enum` list in a document."""
    if isinstance(doc, dict):
        if isinstance(doc.get("enum"), list) and doc["enum"]:
            yield at
        for key, value in doc.items():
            yield from enum_sites(value, at + (key,))
    elif isinstance(doc, list):
        for index, value in enumerate(doc):
            yield from enum_sites(value, at + (index,))


def at_path(doc: Any, path: tuple) -> Any:
    for part in path:
        doc = doc[part]
    return doc


@pytest.fixture(scope="module")
def corpus_with_enums(shared: Path) -> list[tuple[str, dict]]:
    found = []
    for path in sorted((shared / "corpus-sample").glob("*/*/apiDefinition.swagger.json")):
        try:
            doc = json.loads(path.read_text(encoding="utf-8-sig"))
        except ValueError:
            continue
        if isinstance(doc, dict) and any(True for _ in enum_sites(doc.get("paths"))):
            found.append((path.parent.name, doc))
    if not found:
        pytest.skip("no connector with an enum in the corpus sample")
    return found


LIST_REMOVED = {"EnumListRemoved", "ResponseFieldEnumListRemoved", "NotificationFieldEnumListRemoved", "OtherChange"}
PUBLISHED = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@PUBLISHED
@given(st.data())
def test_published_connector_with_every_enum_reversed_is_unchanged(corpus_with_enums: list,
                                                                    data: st.DataObject) -> None:
    name, doc = data.draw(st.sampled_from(corpus_with_enums), label="connector")
    reversed_doc = copy.deepcopy(doc)
    for site in enum_sites(reversed_doc):
        at_path(reversed_doc, site)["enum"].reverse()
    assert diff(doc, reversed_doc, PROPERTIES, PROPERTIES) == [], name


@PUBLISHED
@given(st.data())
def test_published_connector_losing_an_enum_list_reports_only_that(corpus_with_enums: list,
                                                                   data: st.DataObject) -> None:
    name, doc = data.draw(st.sampled_from(corpus_with_enums), label="connector")
    site = data.draw(st.sampled_from(list(enum_sites(doc.get("paths"), ("paths",)))), label="site")
    new = copy.deepcopy(doc)
    del at_path(new, site)["enum"]
    found = {f.code for f in diff(doc, new, PROPERTIES, PROPERTIES)}
    assert found and found <= LIST_REMOVED, (name, site, found)


# --- the detector's messages ---------------------------------------------------------------------

def test_every_detector_message_maps_to_known_codes_with_a_source() -> None:
    texts = [message.text for message in DETECTOR_MESSAGES]
    assert len(texts) == len(set(texts))
    for message in DETECTOR_MESSAGES:
        assert message.codes and message.sources and message.level == "error"
        assert all(code in CHANGES for code in message.codes), message.text


def test_detector_errors_are_breaking_codes_unless_the_note_explains() -> None:
    for message in DETECTOR_MESSAGES:
        for code in message.codes:
            assert CHANGES[code].breaking or f"`{code}`" in message.note, (message.text, code)


def test_docs_quote_every_detector_message_verbatim(repo: Path) -> None:
    page = (repo / "docs" / "diff.md").read_text(encoding="utf-8")
    assert page == docs_markdown()
    for message in DETECTOR_MESSAGES:
        row = next(line for line in page.splitlines() if line.startswith(f"| {message.text} |"))
        assert all(f"`{code}` ({CHANGES[code].cls})" in row for code in message.codes)
        assert all(f"/pull/{n})" in row for n in message.sources)


def test_every_code_a_detector_message_maps_to_has_a_minimal_pair() -> None:
    tested = {code for code, *_ in EXACT} | {code for code, _ in BREAKING + NON_BREAKING}
    tested |= {"RequiredParameterWithDefaultAdded", "RequiredParameterAdded"}
    mapped = {code for message in DETECTOR_MESSAGES for code in message.codes}
    assert mapped <= tested, mapped - tested
