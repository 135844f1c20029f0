"""What each endpoint does: generic collections and settings, and the service's special operations.

A handler takes the request context and returns a Reply; problems are ApiErrors (4xx).
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

from pbxconn.sandbox.extension import parse
from pbxconn.sandbox.extension.declare import Endpoint, Field, Kind
from pbxconn.sandbox.extension.errors import ApiError
from pbxconn.sandbox.extension.shape import answer, with_defaults

if TYPE_CHECKING:
    from pbxconn.sandbox.extension.oauth import App
    from pbxconn.sandbox.extension.service import Ext, Service


@dataclass
class Reply:
    """A success answer: JSON data, raw bytes (files), or nothing (204)."""

    status: int
    data: Any = None
    content: bytes | None = None
    media_type: str = "application/json"


@dataclass
class Ctx:
    """One API request, parsed as far as the endpoint declares."""

    service: "Service"
    endpoint: Endpoint
    ext: Ext | None
    path: dict[str, Any]
    query: dict[str, Any]
    raw_body: bytes
    content_type: str
    client: "App"
    form: dict[str, Any] = field(default_factory=dict)

    @property
    def kind(self) -> Kind:
        """The endpoint's kind."""
        return self.service.kinds[self.endpoint.kind or ""]

    def answer(self, item: dict[str, Any], kind: Kind | None = None) -> dict[str, Any]:
        """An item as the service answers it."""
        return answer(item, kind or self.kind, self.service.kinds)

    def body(self, accepted: dict[str, Field], required: frozenset[str]) -> dict[str, Any]:
        """The JSON body, checked against what the endpoint accepts."""
        if not self.raw_body.strip():
            raise parse.bad("a JSON body is required")
        return parse.body_values(parse.json_body(self.raw_body), accepted, required, self.service.kinds)

    @property
    def item_param(self) -> str | None:
        """The path parameter naming the item (the last one, when it is not the extension)."""
        names = [n for n in _params(self.endpoint.path) if n != "extension_id"]
        return names[-1] if names and self.endpoint.path.rstrip("/").endswith("{" + names[-1] + "}") else None

    @property
    def last_param(self) -> str:
        """The last path parameter (what a download or link path names)."""
        return [n for n in _params(self.endpoint.path) if n != "extension_id"][-1]

    @property
    def scope(self) -> str:
        """The parent path inside the extension: the path parameters before the item's own."""
        names = [n for n in _params(self.endpoint.path) if n != "extension_id"]
        if self.item_param:
            names = names[:-1]
        return "/".join(f"{n}={self.path[n]}" for n in names)


def _params(path: str) -> list[str]:
    return [part[1:-1] for part in path.replace("/", " ").split() if part.startswith("{")]


def not_found(what: str) -> ApiError:
    """404 for an item that does not exist."""
    return ApiError(404, "not_found", f"{what} does not exist")


def ext_of(ctx: Ctx) -> Ext:
    """The extension the request names (every endpoint but the registration list names one)."""
    assert ctx.ext is not None
    return ctx.ext


def check_parents(ctx: Ctx) -> None:
    """Every parent named in the path exists (an IVR option's context, a rule's option)."""
    scope_parts: list[str] = []
    for part in ctx.scope.split("/") if ctx.scope else []:
        name, _, value = part.partition("=")
        parent = ctx.service.item_kinds.get(name)
        if parent is not None and ctx.service.store.get(parent, ext_of(ctx).id, "/".join(scope_parts), value) is None:
            raise not_found(f"{name} {value}")
        scope_parts.append(part)


def _key(ctx: Ctx) -> str:
    return str(ctx.path[ctx.item_param or ""])


# --- generic collections ------------------------------------------------------------------
def list_items(ctx: Ctx) -> Reply:
    """GET a collection: the items, filtered by any query value naming a field, paged by page/per_page."""
    check_parents(ctx)
    items = [item for _, item in ctx.service.store.items(ctx.endpoint.kind or "", ext_of(ctx).id, ctx.scope)]
    for name, value in ctx.query.items():
        if name in ctx.kind.fields and name not in ("page", "per_page"):
            wanted = value if isinstance(value, list) else [value]
            items = [item for item in items if item.get(name) in wanted]
    return Reply(200, [ctx.answer(item) for item in page(items, ctx.query)])


def page(items: list[Any], query: dict[str, Any]) -> list[Any]:
    """The items of page `page` (from 1) of `per_page` items; everything when per_page is absent."""
    per_page = query.get("per_page")
    if not isinstance(per_page, int) or per_page <= 0:
        return items
    start = (max(query.get("page") or 1, 1) - 1) * per_page
    return items[start:start + per_page]


def create_item(ctx: Ctx) -> Reply:
    """POST a collection: a new item with a fresh id."""
    check_parents(ctx)
    kind = ctx.kind
    values = with_defaults(ctx.body(kind.create, kind.required), kind.create)
    key = str(ctx.service.store.next_id(kind.name))
    if kind.id_field:
        values[kind.id_field] = int(key) if kind.fields.get(kind.id_field, Field("integer")).type == "integer" else key
    if "extension_id" in kind.fields:
        values["extension_id"] = ext_of(ctx).id
    ctx.service.store.put(kind.name, ext_of(ctx).id, ctx.scope, key, values)
    return Reply(201, ctx.answer(values))


def get_item(ctx: Ctx) -> Reply:
    """GET an item."""
    item = ctx.service.store.get(ctx.kind.name, ext_of(ctx).id, ctx.scope, _key(ctx))
    if item is None:
        raise not_found(f"{ctx.item_param} {_key(ctx)}")
    return Reply(200, ctx.answer(item))


def update_item(ctx: Ctx) -> Reply:
    """PUT an item: only the given fields change."""
    item = ctx.service.store.get(ctx.kind.name, ext_of(ctx).id, ctx.scope, _key(ctx))
    if item is None:
        raise not_found(f"{ctx.item_param} {_key(ctx)}")
    item.update(ctx.body(ctx.kind.update, ctx.kind.update_required))
    ctx.service.store.put(ctx.kind.name, ext_of(ctx).id, ctx.scope, _key(ctx), item)
    return Reply(200, ctx.answer(item))


def delete_item(ctx: Ctx) -> Reply:
    """DELETE an item (and whatever lives below it)."""
    if not ctx.service.store.delete(ctx.kind.name, ext_of(ctx).id, ctx.scope, _key(ctx)):
        raise not_found(f"{ctx.item_param} {_key(ctx)}")
    below = "/".join(p for p in (ctx.scope, f"{ctx.item_param}={_key(ctx)}") if p)
    for kind in ctx.service.kinds:
        ctx.service.store.delete_scopes(kind, ext_of(ctx).id, below)
    return Reply(204)


def delete_all(ctx: Ctx) -> Reply:
    """DELETE a collection."""
    ctx.service.store.delete(ctx.kind.name, ext_of(ctx).id, ctx.scope)
    return Reply(204)


# --- settings of an extension -------------------------------------------------------------
def settings_get(ctx: Ctx) -> Reply:
    """GET the extension's settings of the endpoint's kind."""
    return Reply(200, ctx.answer(_settings(ctx)))


def _settings(ctx: Ctx) -> dict[str, Any]:
    if ctx.kind.name == ctx.service.extension_kind:
        return dict(ext_of(ctx).data)
    return ctx.service.store.settings(ctx.kind.name, ext_of(ctx).id) or {}


def settings_put(ctx: Ctx) -> Reply:
    """PUT the extension's settings: only the given fields change."""
    values = _settings(ctx)
    values.update(ctx.body(ctx.kind.update, ctx.kind.update_required))
    ctx.service.store.put_settings(ctx.kind.name, ext_of(ctx).id, values)
    return Reply(200, ctx.answer(values))


def order_get(ctx: Ctx) -> Reply:
    """GET the order of rules (ids, first applied first)."""
    check_parents(ctx)
    stored = ctx.service.store.settings(ctx.kind.name + "@" + ctx.scope, ext_of(ctx).id)
    return Reply(200, ctx.answer(stored or {}))


def order_put(ctx: Ctx) -> Reply:
    """PUT the order of rules."""
    check_parents(ctx)
    values = ctx.body(ctx.kind.update, ctx.kind.update_required)
    ctx.service.store.put_settings(ctx.kind.name + "@" + ctx.scope, ext_of(ctx).id, values)
    return Reply(200, ctx.answer(values))


# --- files --------------------------------------------------------------------------------
def file(ctx: Ctx) -> Reply:
    """GET a stored file (recording, voicemail, sound, received fax): deterministic bytes."""
    param = ctx.last_param
    key = str(ctx.path[param])
    if not ctx.service.has_file(ext_of(ctx).id, param, key, voicemail="/voicemail/" in ctx.endpoint.path):
        raise not_found(f"{param} {key}")
    content = b"RIFF" + hashlib.sha256(f"{ext_of(ctx).id}/{key}".encode()).digest() * 8
    return Reply(200, content=content, media_type="application/octet-stream")


def storage_url(ctx: Ctx) -> Reply:
    """GET the storage link of a recording or voicemail."""
    param = ctx.last_param
    key = str(ctx.path[param])
    if not ctx.service.has_file(ext_of(ctx).id, param, key, voicemail="/voicemail/" in ctx.endpoint.path):
        raise not_found(f"{param} {key}")
    return Reply(200, {"url": f"{ctx.service.public_url}/storage/{ext_of(ctx).id}/{key}?expires=3600"})


# --- helpers for special handlers ---------------------------------------------------------
def new_uuid(ctx: Ctx) -> str:
    """A fresh, deterministic-per-run uuid."""
    return str(uuid.UUID(int=ctx.service.store.next_id("uuid") | (0x4 << 76) | (0x8 << 60)))


Handler = Callable[[Ctx], Reply]

GENERIC: dict[str, Handler] = {
    "list": list_items, "create": create_item, "get": get_item, "update": update_item, "delete": delete_item,
    "delete_all": delete_all, "settings_get": settings_get, "settings_put": settings_put,
    "order_get": order_get, "order_put": order_put, "file": file, "storage_url": storage_url,
}
