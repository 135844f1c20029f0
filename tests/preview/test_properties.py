"""Properties of the view model over generated swagger documents (hypothesis)."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pbxconn.preview.attach import Placed, attach
from pbxconn.preview.cards import build_connector
from pbxconn.preview.model import Issue
from pbxconn.preview.render import render_preview

NAMES = st.text(alphabet="abcdefgXYZ_.~/*", min_size=1, max_size=6)
VISIBILITY = st.sampled_from([None, "important", "advanced", "internal", "Important", ""])
SCALARS = st.sampled_from(["string", "integer", "boolean", "number"])


@st.composite
def schemas(draw, depth: int = 0) -> dict:
    """A schema: scalar, object with properties, or array of either (maybe via a $ref)."""
    kind = draw(st.sampled_from(["scalar", "object", "array", "ref"] if depth < 3 else ["scalar"]))
    extra = {k: v for k, v in (("x-ms-visibility", draw(VISIBILITY)),
                               ("x-ms-summary", draw(st.none() | NAMES))) if v is not None}
    if kind == "scalar":
        return {"type": draw(SCALARS), **extra}
    if kind == "ref":
        return {"$ref": "#/definitions/Shared"}
    if kind == "array":
        return {"type": "array", "items": draw(schemas(depth + 1)), **extra}
    props = draw(st.dictionaries(NAMES, schemas(depth + 1), max_size=4))
    required = draw(st.lists(st.sampled_from(sorted(props)), unique=True) if props else st.just([]))
    return {"type": "object", "properties": props, "required": required, **extra}


@st.composite
def operations(draw) -> dict:
    op: dict = {"operationId": draw(st.from_regex(r"[A-Z][a-z]{2,6}", fullmatch=True)),
                "summary": draw(st.text(max_size=12)),
                "responses": {draw(st.sampled_from(["200", "201", "default", "400"])): {
                    "description": "x", "schema": draw(schemas())}}}
    for key, value in (("x-ms-visibility", draw(VISIBILITY)),
                       ("x-ms-trigger", draw(st.sampled_from([None, "single", "batch"]))),
                       ("deprecated", draw(st.sampled_from([None, True])))):
        if value is not None:
            op[key] = value
    params = []
    for i, location in enumerate(draw(st.lists(st.sampled_from(["query", "path", "header", "body"]), max_size=4))):
        param = {"name": f"p{i}", "in": location, "required": draw(st.booleans())}
        if draw(VISIBILITY):
            param["x-ms-visibility"] = draw(VISIBILITY)
        if location == "body":
            param["schema"] = draw(schemas())
        else:
            param["type"] = draw(SCALARS)
        params.append(param)
    op["parameters"] = params
    return op


@st.composite
def swaggers(draw) -> dict:
    paths: dict = {}
    for p in range(draw(st.integers(0, 4))):
        methods = draw(st.lists(st.sampled_from(["get", "post", "put", "delete"]), unique=True, min_size=1))
        paths[f"/r{p}"] = {m: draw(operations()) for m in methods}
    shared = {"type": "object", "properties": {"id": {"type": "string"},
                                               "self": {"$ref": "#/definitions/Shared"}}}
    return {"swagger": "2.0", "info": {"title": "T", "version": "1"}, "paths": paths,
            "definitions": {"Shared": shared}}


SETTINGS = settings(max_examples=35, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(swaggers())
def test_every_operation_is_exactly_one_card_or_hidden_entry(swagger: dict) -> None:
    connector = build_connector(swagger, {}, None, "T")
    written = [(path, method) for path, item in swagger["paths"].items() for method in item]
    assert sorted((c.path, c.method) for c in connector.cards) == sorted(written)
    for card in connector.cards:
        op = swagger["paths"][card.path][card.method]
        hidden = str(op.get("x-ms-visibility", "")).lower() == "internal" or op.get("deprecated") is True
        assert (card.group == "hidden") == hidden
        if not hidden:
            assert (card.group == "trigger") == ("x-ms-trigger" in op)
    assert len({c.anchor for c in connector.cards}) == len(connector.cards)


@SETTINGS
@given(swaggers())
def test_maker_order_is_a_stable_sort_by_visibility(swagger: dict) -> None:
    connector = build_connector(swagger, {}, None, "T")
    written = [(path, method) for path, item in swagger["paths"].items() for method in item]
    rank = {"important": 0, "advanced": 2}
    for group in ("trigger", "action", "hidden"):
        cards = connector.group(group)
        keys = [(0 if group == "hidden" else rank.get(c.visibility, 1), written.index((c.path, c.method)))
                for c in cards]
        assert keys == sorted(keys)


@SETTINGS
@given(swaggers())
def test_fields_and_tokens_are_well_formed(swagger: dict) -> None:
    connector = build_connector(swagger, {}, None, "T")
    for card in connector.cards:
        assert len({i.key for i in card.inputs}) == len(card.inputs)
        assert len({t.key for t in card.tokens}) == len(card.tokens)
        assert all(i.title for i in card.inputs)
        assert any(t.key == "body.$" for t in card.tokens) or not card.tokens
        assert all(set(i.pointers) and all(p.startswith("/") for p in i.pointers) for i in card.inputs)
        assert all(t.pointers and all(p.startswith("/") for p in t.pointers) for t in card.tokens)
        groups = [0 if i.required else 1 if i.visibility == "important" else 2 for i in card.inputs
                  if i.location != "body"]
        assert groups == sorted(groups), "required, then important, then the rest"


@SETTINGS
@given(swaggers(), st.lists(st.tuples(st.integers(0, 5), st.sampled_from(["", "/get", "/get/parameters/0",
                                                                          "/get/responses/200/schema"])),
                            max_size=6))
def test_each_issue_lands_exactly_once_per_place(swagger: dict, targets: list) -> None:
    connector = build_connector(swagger, {}, None, "T")
    placed = [Placed("swagger", Issue("Code", "warning", f"m{i}", f"/paths/~1r{p}{tail}"))
              for i, (p, tail) in enumerate(targets)]
    placed.append(Placed("swagger", Issue("Root", "error", "about the document", "/info")))
    result = attach(connector, placed)
    for item in placed:
        on_cards = sum(1 for c in result.cards for i in c.all_issues if i == item.issue)
        assert (item.issue in result.issues) != (on_cards > 0), "either on cards or about the connector"
    assert result.issues[0].code == "Root"


@settings(max_examples=15, deadline=None)
@given(swaggers())
def test_the_page_is_the_same_bytes_each_time_and_names_every_card(swagger: dict) -> None:
    connector = build_connector(swagger, {}, None, "T")
    first = render_preview(connector, "generated")
    assert first == render_preview(build_connector(swagger, {}, None, "T"), "generated")
    ids = re.findall(r'<details class="card[^"]*" id="([^"]+)"', first)
    assert ids == [c.anchor for c in connector.cards]
