"""The extension PBX emulator as an ASGI application: OAuth under /oauth, the API under /api/ver1.0,
and admin endpoints under /_sandbox."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import Any, AsyncIterator
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from pbxconn.sandbox.extension import calls as call_plans
from pbxconn.sandbox.extension import parse
from pbxconn.sandbox.extension.declare import Kind
from pbxconn.sandbox.extension.errors import ApiError
from pbxconn.sandbox.extension.events import EventDelivery, check_callback_url
from pbxconn.sandbox.extension.handlers import Ctx, Ext, Reply
from pbxconn.sandbox.extension.oauth import App, OAuthServer
from pbxconn.sandbox.extension.ratelimit import HourlyLimit
from pbxconn.sandbox.extension.resources import ENDPOINTS, KINDS, REQUIRED_PARAMS
from pbxconn.sandbox.extension.routes import Router
from pbxconn.sandbox.extension.seed import seed
from pbxconn.sandbox.extension.special import HANDLERS, now_gmt
from pbxconn.sandbox.extension.store import Store

API_PREFIX = "/api/ver1.0"
REDIRECT = "https://global.consent.azure-apim.net/redirect"
# The apps a fresh emulator knows: a public app (authorization code, as the connector signs in),
# a trusted app (client credentials, for scripts and contract runs), and a public app whose
# access level is "Call API" only.
DEFAULT_APPS = (
    App("sandbox-public", "sandbox-public-secret", "public", "all", (REDIRECT, "http://127.0.0.1/callback"), "admin"),
    App("sandbox-trusted", "sandbox-trusted-secret", "trusted", "all", (), "admin"),
    App("sandbox-calls", "sandbox-calls-secret", "public", "call", (REDIRECT, "http://127.0.0.1/callback"), "operator"),
)
FILE_KINDS = {"record_uuid": "record", "sound_id": "sound", "fax_uuid": "fax_in"}


@dataclass
class Settings:
    """How an emulator instance behaves."""

    db_path: str = ":memory:"
    seed: int = 1
    apps: tuple[App, ...] = DEFAULT_APPS
    token_seconds: int = 3600
    rate_limit: int | None = 1000
    event_quota: int = 20
    allowed_hosts: frozenset[str] = frozenset()
    delivery_attempts: int = 3
    public_url: str = "http://127.0.0.1"


@dataclass
class Service:
    """One running emulator: storage, OAuth, limits, event delivery."""

    settings: Settings
    kinds: dict[str, Kind] = field(default_factory=lambda: dict(KINDS))
    store: Store = field(init=False)
    oauth: OAuthServer = field(init=False)
    limit: HourlyLimit = field(init=False)
    delivery: EventDelivery = field(init=False)
    router: Router = field(init=False)
    item_kinds: dict[str, str] = field(init=False)
    extension_kind: str = "extension"

    def __post_init__(self) -> None:
        self.store = Store(self.settings.db_path)
        self.oauth = OAuthServer(list(self.settings.apps), self.settings.token_seconds)
        self.limit = HourlyLimit(self.settings.rate_limit)
        self.delivery = EventDelivery(max_attempts=self.settings.delivery_attempts)
        self.router = Router(ENDPOINTS)
        self.item_kinds = {e.path.rstrip("/").rsplit("{", 1)[1][:-1]: e.kind for e in ENDPOINTS
                           if e.kind and e.path.rstrip("/").endswith("}") and e.method in ("GET", "DELETE")}
        if not self.store.extensions():
            seed(self.store, self.kinds, self.settings.seed)

    @property
    def public_url(self) -> str:
        """The root URL links in answers point at."""
        return self.settings.public_url

    def check_callback_url(self, url: str) -> str:
        """A subscription URL the emulator will call (loopback or allowed hosts only)."""
        return check_callback_url(url, self.settings.allowed_hosts)

    def has_file(self, ext_id: int, param: str, key: str, voicemail: bool = False) -> bool:
        """Whether the extension holds the file a download path names."""
        kind = "voicemail" if voicemail else FILE_KINDS.get(param, "")
        if kind == "sound":
            return self.store.get("sound", ext_id, "", key) is not None
        return self.store.get(kind, ext_id, "", key) is not None

    # --- calls and their events ---------------------------------------------------------
    def publish(self, ext: Ext, events: list[tuple[str, dict[str, str]]]) -> int:
        """Send each event to every subscription of the extension for its type; how many were sent."""
        sent = 0
        subscriptions = self.store.subscriptions(ext=ext.id)
        for event_type, keys in events:
            for sub in subscriptions:
                if sub["event_type"] == event_type:
                    self.delivery.schedule(sub["url"], sub["method"], keys)
                    sent += 1
        return sent

    def start_call(self, ext: Ext, *, caller: str, called: str, callback_id: str | None,
                   outgoing: bool) -> dict[str, Any]:
        """A call in progress on the extension; its first event goes out now."""
        n = self.store.next_id("call")
        call = {"call_api_id": f"call-{n}", "call_id": f"{n:08d}", "extension_id": ext.id, "real_call": True,
                "caller_id_number": caller, "caller_id_name": "", "called_number": called, "called_did": "",
                "callback_id": callback_id or "", "call_flow": "out" if outgoing else "in",
                "init_time_gmt": now_gmt(), "answer_time_gmt": "", "record_uuid": ""}
        self.store.put("current_call", ext.id, "", call["call_api_id"], call)
        plan = self._plan(ext, call, outgoing)
        self.publish(ext, plan[:1])
        return call

    def end_call(self, ext: Ext, call: dict[str, Any]) -> None:
        """Hang a call up: the rest of its events go out and it leaves the current calls."""
        self.store.delete("current_call", ext.id, "", call["call_api_id"])
        self.publish(ext, self._plan(ext, call, call.get("call_flow") == "out")[1:])

    def _plan(self, ext: Ext, call: dict[str, Any], outgoing: bool) -> list[tuple[str, dict[str, str]]]:
        common = dict(caller=call["caller_id_number"], outcome="answered", seconds=1, recorded=False,
                      call_id=call["call_id"], sub_call_id=call["call_id"] + ".1", rec_id=None,
                      callback_id=call["callback_id"] or None)
        if outgoing and ext.type != "ivr":
            return call_plans.outgoing_call_events(extension=f"{ext.name}@{ext.data.get('domain', '')}",
                                                   called=call["called_number"], extension_type=ext.type, **common)
        return call_plans.call_events(extension=ext.name, extension_type=ext.type, called=ext.name, did=None, **common)

    def simulate(self, ext: Ext, plan: dict[str, Any]) -> dict[str, Any]:
        """Play one whole incoming call on the extension (admin): its events, and its recording."""
        n = self.store.next_id("call")
        call_id = f"{n:08d}"
        recorded = bool(plan.get("recorded")) and plan.get("outcome", "answered") == "answered"
        rec_id = f"00000000-0000-4000-8000-{n:012d}" if recorded else None
        events = call_plans.call_events(
            extension=ext.name, extension_type=ext.type, caller=str(plan.get("caller", "+37060000001")),
            called=ext.name, did=plan.get("did"), outcome=str(plan.get("outcome", "answered")),
            seconds=int(plan.get("seconds", 30)), recorded=recorded, call_id=call_id, sub_call_id=f"{call_id}.1",
            rec_id=rec_id, callback_id=None, caller_name=str(plan.get("caller_name", "")))
        if rec_id:
            record = {name: None for name in self.kinds["record"].fields}
            record.update(record_uuid=rec_id, extension_id=ext.id, call_uuid=call_id, start_time_gmt=now_gmt(),
                          duration=int(plan.get("seconds", 30)), record_file_size=8000 * int(plan.get("seconds", 30)),
                          source_number=str(plan.get("caller", "")), extension_name=ext.name,
                          extension_type=ext.type, result="answered")
            self.store.put("record", ext.id, "", rec_id, {k: v for k, v in record.items() if v is not None})
        sent = self.publish(ext, events)
        return {"call_id": call_id, "record_uuid": rec_id, "events": [keys for _, keys in events], "deliveries": sent}

    def extension(self, ref: str) -> Ext:
        """The extension a path names, or 404."""
        found = self.store.extension(ref)
        if found is None:
            raise ApiError(404, "not_found", f"extension {ref!r} does not exist")
        return Ext(*found)


def _path(request: Request) -> str:
    """The decoded request path exactly as sent (request.url.path drops trailing white space)."""
    return str(request.scope["path"])


def _error(exc: ApiError, extra: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(exc.body(), status_code=exc.status, headers={**(extra or {}), **exc.headers})


async def api(request: Request) -> Response:
    """Every /api/ver1.0 request: authenticate, count, route, check, handle."""
    service: Service = request.app.state.service
    headers: dict[str, str] = {}
    try:
        client = service.oauth.authenticate(request.headers.get("authorization"))
        headers = service.limit.hit(client.client_id)
        endpoint, raw_path = service.router.match(request.method, _path(request)[len(API_PREFIX):])
        service.oauth.check_access(client, endpoint.access)
        path = parse.path_values(raw_path, endpoint.path_types)
        query = parse.query_values(parse_qsl(request.url.query, keep_blank_values=True), endpoint.query)
        required = REQUIRED_PARAMS.get((endpoint.method, endpoint.path), frozenset())
        missing = sorted(name for name in required if name in endpoint.query and name not in query)
        if missing:
            raise parse.bad(f"query parameter {missing[0]} is required")
        ext = service.extension(str(path["extension_id"])) if "extension_id" in path else None
        body = await request.body()
        ctx = Ctx(service, endpoint, ext, path, query, body, request.headers.get("content-type", ""), client)
        if endpoint.form:
            ctx.form = await _form(request, endpoint.form)
        reply = HANDLERS[endpoint.handler](ctx)
    except ApiError as exc:
        return _error(exc, headers)
    except Exception as exc:  # a defect of the emulator: answer 500 (which contract runs flag), never hang up
        return _error(ApiError(500, "internal_error", f"{type(exc).__name__}: {exc}"), headers)
    return _reply(reply, headers)


async def _form(request: Request, declared: dict[str, Any]) -> dict[str, Any]:
    """A multipart (or urlencoded) form's declared fields; files as their bytes."""
    try:
        form = await request.form()
    except Exception:  # starlette raises several kinds of errors for malformed multipart bodies
        raise parse.bad("the request body is not a valid form") from None
    unknown = sorted(set(form.keys()) - set(declared))
    if unknown:
        raise parse.bad(f"unknown form field {unknown[0]!r}")
    out: dict[str, Any] = {}
    for name in declared:
        value = form.get(name)
        if value is not None and hasattr(value, "read"):
            value = await value.read()
        out[name] = value
    return out


def _reply(reply: Reply, headers: dict[str, str]) -> Response:
    if reply.status == 204:
        # No body; the media type is still named, as the definition's `produces` says.
        return Response(status_code=204, headers={**headers, "Content-Type": "application/json"})
    if reply.content is not None:
        return Response(reply.content, status_code=reply.status, media_type=reply.media_type, headers=headers)
    return JSONResponse(reply.data, status_code=reply.status, headers=headers)


async def authorize(request: Request) -> Response:
    """GET /oauth/authorize: the user consents at once; redirect back with a code."""
    service: Service = request.app.state.service
    try:
        return RedirectResponse(service.oauth.authorize(dict(request.query_params)), status_code=302)
    except ApiError as exc:
        return _error(exc)


async def token(request: Request) -> Response:
    """POST /oauth/token (form-urlencoded)."""
    service: Service = request.app.state.service
    try:
        if "application/x-www-form-urlencoded" not in request.headers.get("content-type", ""):
            raise ApiError(400, "invalid_request", "send the token request as application/x-www-form-urlencoded")
        form = dict(parse_qsl((await request.body()).decode("utf-8", "replace"), keep_blank_values=True))
        return JSONResponse(service.oauth.token(form), headers={"Cache-Control": "no-store"})
    except ApiError as exc:
        return _error(exc)


async def health(request: Request) -> Response:
    """GET /_sandbox/health."""
    return JSONResponse({"status": "ok", "api": API_PREFIX})


async def admin_calls(request: Request) -> Response:
    """POST /_sandbox/calls {"extension": "100", "caller", "outcome", "seconds", "recorded"}: play a call."""
    service: Service = request.app.state.service
    try:
        plan = parse.json_body(await request.body())
        if not isinstance(plan, dict):
            raise parse.bad("send a JSON object")
        if plan.get("outcome", "answered") not in ("answered", "missed", "busy"):
            raise parse.bad("outcome must be answered, missed or busy")
        ext = service.extension(str(plan.get("extension", "100")))
        try:
            result = service.simulate(ext, plan)
        except (TypeError, ValueError) as exc:
            raise parse.bad(str(exc)) from None
    except ApiError as exc:
        return _error(exc)
    return JSONResponse(result)


async def admin_deliveries(request: Request) -> Response:
    """GET /_sandbox/deliveries: every event delivery so far, once pending ones have settled."""
    service: Service = request.app.state.service
    await service.delivery.drain(timeout=float(request.query_params.get("wait", "5")))
    return JSONResponse([d.report() for d in service.delivery.log])


async def admin_subscriptions(request: Request) -> Response:
    """GET /_sandbox/subscriptions: every event subscription, of every client."""
    service: Service = request.app.state.service
    return JSONResponse(service.store.subscriptions())


async def _not_found(request: Request, exc: Exception) -> Response:
    """Paths the routes cannot match (a line break in a segment) go to the API's own router; others
    answer 404 in JSON like every other error."""
    if _path(request).startswith(API_PREFIX + "/"):
        return await api(request)
    return _error(ApiError(404, "not_found", f"no resource at {_path(request)!r}"))


async def _not_allowed(request: Request, exc: Exception) -> Response:
    """Methods no route takes (TRACE, QUERY …): 405 with the Allow header of the path."""
    service: Service = request.app.state.service
    path = _path(request)
    if path.startswith(API_PREFIX + "/"):
        try:
            service.router.match(request.method, path[len(API_PREFIX):])
        except ApiError as found:
            return _error(found)
    return _error(ApiError(405, "method_not_allowed", f"{request.method} is not allowed here"))


def create_app(settings: Settings | None = None) -> Starlette:
    """The emulator application."""
    service = Service(settings or Settings())

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        await service.delivery.stop()

    methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE"]
    app = Starlette(exception_handlers={404: _not_found, 405: _not_allowed}, routes=[
        Route("/oauth/authorize", authorize, methods=["GET"]),
        Route("/oauth/token", token, methods=["POST"]),
        Route("/_sandbox/health", health, methods=["GET"]),
        Route("/_sandbox/calls", admin_calls, methods=["POST"]),
        Route("/_sandbox/deliveries", admin_deliveries, methods=["GET"]),
        Route("/_sandbox/subscriptions", admin_subscriptions, methods=["GET"]),
        Route(API_PREFIX + "/{rest:path}", api, methods=methods),
    ], lifespan=lifespan)
    app.state.service = service
    return app
