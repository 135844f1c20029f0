"""The emulator's hand-written description of the extension PBX API agrees with the seed (seed 003)."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import pytest

from pbxconn.sandbox.extension.declare import NO_DEFAULT, F, Field
from pbxconn.sandbox.extension.resources import (ENDPOINTS, EVENT_TYPES, EXTENSION_TYPES, HANDLERS, KINDS,
                                                 REQUIRED_PARAMS)

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "generate"))
from seed003 import SeedEndpoint, SeedRow, load_seed  # noqa: E402

SEED = load_seed()
needs_seed = pytest.mark.skipif(SEED is None, reason="the seed ../shared/seeds/003_*.txt is absent")

PRIMITIVES = {"string", "integer", "boolean", "object"}
# Named models of the seed and what the emulator makes of them; any other named model is a plain object.
MODEL_ITEMS = {"call_mdl": "current_call", "context_model": "ivr_context"}
EVENT_PATH = "/extension/{extension_id}/event/"


def _expected(row: SeedRow, *, with_default: bool) -> Field:
    """The Field a seed row should become (rules 1-3 of the emulator's conventions)."""
    items = None
    if array := re.fullmatch(r"array \[(\w+)\]", row.type):
        type_ = "array"
        inner = array[1]
        items = inner if inner in {"integer", "string", "boolean"} else MODEL_ITEMS.get(inner, "object")
    else:
        type_ = row.type
    default: Any = NO_DEFAULT
    if with_default and row.default is not None:
        if row.default in ("True", "False"):
            default = row.default == "True"
        elif row.default == "[]":
            default = []
        elif type_ == "integer":
            default = int(row.default)
        else:
            default = row.default
    return F(type_, items=items, enum=row.allowed, default=default)


def _fields(rows: list[SeedRow], *, with_default: bool) -> dict[str, Field]:
    return {row.name: _expected(row, with_default=with_default) for row in rows}


def _pairs() -> list[tuple[SeedEndpoint, Any]]:
    assert SEED is not None
    return list(zip(SEED, ENDPOINTS))


@needs_seed
def test_the_103_endpoints_of_the_seed_in_seed_order() -> None:
    assert SEED is not None and len(SEED) == 103
    assert [(e.method, e.path) for e in ENDPOINTS] == [(s.method, s.path) for s in SEED]


@needs_seed
def test_path_query_and_form_rows() -> None:
    for seed, endpoint in _pairs():
        where = f"{seed.method} {seed.path}"
        assert endpoint.path_types == {r.name: r.type for r in seed.rows_in("path")}, where
        assert list(endpoint.path_types) == re.findall(r"\{(\w+)\}", seed.path), where
        assert endpoint.query == _fields(seed.rows_in("query"), with_default=True), where
        assert list(endpoint.query) == [r.name for r in seed.rows_in("query")], where
        assert endpoint.form == _fields(seed.rows_in("form"), with_default=True), where
        required = {r.name for r in seed.rows if r.section in ("query", "form") and r.required}
        assert REQUIRED_PARAMS.get((seed.method, seed.path), frozenset()) == required, where
    assert len(REQUIRED_PARAMS) == sum(1 for s in SEED or [] if any(
        r.required for r in s.rows if r.section in ("query", "form")))


@needs_seed
def test_json_rows_live_on_the_kind_create_for_post_and_update_for_put() -> None:
    used_create, used_update = set(), set()
    for seed, endpoint in _pairs():
        rows = seed.rows_in("json")
        where = f"{seed.method} {seed.path}"
        if not rows:
            continue
        assert seed.method in ("POST", "PUT") and endpoint.kind is not None, where
        kind = KINDS[endpoint.kind]
        if seed.method == "POST":
            expected = _fields(rows, with_default=True)
            if seed.path == EVENT_PATH:  # the connector hides `method` and fixes it to POST
                assert expected["method"].enum == ("GET", "POST")
                expected["method"] = F("string", enum=("POST",), default="POST")
            assert kind.create == expected, where
            assert list(kind.create) == [r.name for r in rows], where
            assert kind.required == {r.name for r in rows if r.required}, where
            used_create.add(kind.name)
        else:
            assert kind.update == _fields(rows, with_default=False), where  # a PUT never resets anything
            assert list(kind.update) == [r.name for r in rows], where
            assert kind.update_required == {r.name for r in rows if r.required}, where
            used_update.add(kind.name)
    for kind in KINDS.values():  # no create/update rules without a seed table behind them
        assert bool(kind.create or kind.required) == (kind.name in used_create), kind.name
        assert bool(kind.update or kind.update_required) == (kind.name in used_update), kind.name


@needs_seed
def test_resource_rows_are_the_fields_of_the_kind_answered() -> None:
    with_table = set()
    for seed, endpoint in _pairs():
        rows = seed.rows_in("resource")
        if not rows:
            continue
        where = f"{seed.method} {seed.path}"
        assert endpoint.kind is not None, where
        kind = KINDS[endpoint.kind]
        assert kind.fields == _fields(rows, with_default=True), where
        assert list(kind.fields) == [r.name for r in rows], where
        with_table.add(kind.name)
    # Kinds without any resource table: the action-only kinds of the seed.
    assert {k.name for k in KINDS.values() if not k.fields} == {"conference_status", "speech_to_text", "valet_park"}
    assert with_table == {k.name for k in KINDS.values() if k.fields}


@needs_seed
def test_event_types_are_the_seed_list() -> None:
    assert SEED is not None
    post = next(s for s in SEED if (s.method, s.path) == ("POST", EVENT_PATH))
    (event_type,) = [r for r in post.rows_in("json") if r.name == "event_type"]
    assert event_type.allowed is not None and EVENT_TYPES == tuple(event_type.allowed)
    assert len(EVENT_TYPES) == 8


def test_every_items_kind_is_known() -> None:
    groups: list[dict[str, Field]] = []
    for kind in KINDS.values():
        groups += [kind.fields, kind.create, kind.update]
    for endpoint in ENDPOINTS:
        groups += [endpoint.query, endpoint.form]
    for fields in groups:
        for name, field in fields.items():
            assert field.type in PRIMITIVES | {"array", "file"}, name
            assert (field.items is not None) == (field.type == "array"), name
            if field.items is not None:
                assert field.items in PRIMITIVES or field.items in KINDS, (name, field.items)
            if field.enum is not None and field.default is not NO_DEFAULT:
                assert field.default in field.enum, name


def test_handlers_kinds_and_access_are_declared() -> None:
    assert len(HANDLERS) == len(set(HANDLERS))
    assert all(endpoint.handler in HANDLERS for endpoint in ENDPOINTS)
    assert all(endpoint.kind is None or endpoint.kind in KINDS for endpoint in ENDPOINTS)
    assert all(endpoint.access in ("call", "all") for endpoint in ENDPOINTS)
    assert all(name == kind.name for name, kind in KINDS.items())
    for kind in KINDS.values():
        assert kind.id_field is None or kind.id_field in kind.fields, kind.name
        assert kind.required <= set(kind.create) and kind.update_required <= set(kind.update), kind.name
    assert EXTENSION_TYPES and len(set(EXTENSION_TYPES)) == len(EXTENSION_TYPES)


def test_call_api_access_covers_the_call_endpoints_only() -> None:
    call = {(e.method, e.path) for e in ENDPOINTS if e.access == "call"}
    prefixes = ("callback/", "current_calls/", "speech_to_text/", "valet_park/", "event/", "record/", "voicemail/",
                "queue/status/")
    for method, path in {(e.method, e.path) for e in ENDPOINTS}:
        rest = path.removeprefix("/extension/{extension_id}/")
        expected = (rest.startswith(prefixes)
                    or (method == "GET" and rest in ("extension/", "registration/"))
                    or (method == "GET" and path == "/extension/registration/")
                    or (rest.startswith("agent/") and (method == "GET" or (method, rest) == ("PUT", "agent/{agent_id}"))))
        assert ((method, path) in call) == expected, (method, path)


def test_every_handler_is_used() -> None:
    unused = set(HANDLERS) - {endpoint.handler for endpoint in ENDPOINTS}
    assert unused == {"delete_all"}  # kept for the app's generic collections; the seed has none
