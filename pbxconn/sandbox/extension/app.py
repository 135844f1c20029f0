"""The extension PBX emulator as an ASGI application: OAuth under /oauth, the API under /api/ver1.0,
and admin endpoints under /_sandbox."""

from __future__ import annotations

import contextlib
from typing import Any, AsyncIterator
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from pbxconn.sandbox.extension import parse
from pbxconn.sandbox.extension.errors import ApiError
from pbxconn.sandbox.extension.handlers import Ctx, Reply
from pbxconn.sandbox.extension.resources import REQUIRED_PARAMS
from pbxconn.sandbox.extension.service import Service, Settings
from pbxconn.sandbox.extension.special import HANDLERS

API_PREFIX = "/api/ver1.0"


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
