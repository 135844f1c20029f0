"""The sandbox as an ASGI application: the carriers' PBX API under /api/v2 plus /_sandbox admin."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, AsyncIterator, Awaitable, Callable

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route

from pbxconn.sandbox import seed as seeding
from pbxconn.sandbox.db import Store
from pbxconn.sandbox.defaults import DEFAULT_KEY
from pbxconn.sandbox.domain import EVENTS, envelope, stamp
from pbxconn.sandbox.listing import COLLECTIONS, ITEM_PATHS, LOST_CALL_KINDS, Collection, lost_calls
from pbxconn.sandbox.params import ApiError, parse_body, parse_int, parse_query
from pbxconn.sandbox.ratelimit import DEFAULT as DEFAULT_RATE_LIMIT
from pbxconn.sandbox.ratelimit import RateLimit
from pbxconn.sandbox.simulate import CallPlan, Event, SimulationError, delete_voicemail, place_call
from pbxconn.sandbox.webhooks import MAX_WEBHOOKS_PER_KEY, Dispatcher, EndpointRejected, check_endpoint

API_PREFIX = "/api/v2"
INT32 = (-(2**31), 2**31 - 1)


@dataclass
class Settings:
    """How a sandbox instance behaves."""

    db_path: str = ":memory:"
    seed: int = 1
    api_keys: tuple[str, ...] = (DEFAULT_KEY,)
    rate_limit: str = DEFAULT_RATE_LIMIT
    allowed_hosts: frozenset[str] = frozenset()
    webhook_attempts: int = 5
    webhook_first_delay: float = 0.2


@dataclass
class Service:
    """Everything one running sandbox holds: storage, limits, keys and the webhook dispatcher."""

    settings: Settings
    store: Store = field(init=False)
    rate: RateLimit = field(init=False)
    dispatcher: Dispatcher = field(init=False)

    def __post_init__(self) -> None:
        self.store = Store(self.settings.db_path)
        self.rate = RateLimit.parse(self.settings.rate_limit)
        self.dispatcher = Dispatcher(
            is_active=self._webhook_exists,
            max_attempts=self.settings.webhook_attempts,
            first_delay=self.settings.webhook_first_delay,
        )
        if self.store.count("employees") == 0:
            seeding.seed(self.store, self.settings.seed)

    def _webhook_exists(self, webhook_id: int) -> bool:
        return bool(self.store.query("SELECT 1 FROM webhooks WHERE id = ?", [webhook_id]))

    def authenticate(self, request: Request) -> str:
        """The API key of the request: `Bearer <key>` or the bare key; 401 when absent, 403 when unknown."""
        header = request.headers.get("authorization", "").strip()
        if not header:
            raise ApiError(401, "missing Authorization header; send `Bearer <api key>`")
        scheme, _, rest = header.partition(" ")
        key = rest.strip() if scheme.lower() == "bearer" else header
        if key not in self.settings.api_keys:
            raise ApiError(403, "the API key is not valid")
        return key

    def publish(self, events: list[Event]) -> None:
        """Send events to every webhook subscribed to them."""
        for name, data in events:
            self.dispatcher.publish(name, data, self.store.webhook_targets(name))


def reply(status: int, message: str, data: Any = None, headers: dict[str, str] | None = None) -> JSONResponse:
    """A JSON envelope response; error answers carry no `data`."""
    body = envelope(status, message, data)
    if status >= 400:
        body.pop("data")
    return JSONResponse(body, status_code=status, headers=headers)


Handler = Callable[[Request, Service, str], Awaitable[Response]]


def guarded(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """Authenticate, rate-limit and turn ApiError into an envelope."""

    async def endpoint(request: Request) -> Response:
        service: Service = request.app.state.service
        try:
            key = service.authenticate(request)
            wait = service.rate.hit(key)
            if wait is not None:
                raise ApiError(429, f"rate limit of {service.settings.rate_limit} calls/seconds exceeded", {"Retry-After": str(wait)})
            return await handler(request, service, key)
        except ApiError as exc:
            return reply(exc.status, exc.message, headers=exc.headers)

    return endpoint


# -- the connector's operations -------------------------------------------------------------------


def trigger_route(collection: Collection) -> Route:
    """`GET /trigger/<name>`: a polling list with its cursor."""
    kinds = collection.kinds()
    required = frozenset({collection.cursor})

    async def handler(request: Request, service: Service, _: str) -> Response:
        values = parse_query(request.query_params.multi_items(), kinds, required)
        items = collection.fetch(service.store, collection.where(values), collection.page(values))
        return reply(200, "OK", [collection.wire(service.store, item) for item in items])

    return Route(f"/trigger/{collection.name}", guarded(handler), methods=["GET"])


def item_route(segment: str, collection: Collection) -> Route:
    """`GET /<segment>/{id}`: one item or 404."""

    async def handler(request: Request, service: Service, _: str) -> Response:
        parse_query(request.query_params.multi_items(), {})
        item_id = parse_int(collection.item_id, request.path_params["item_id"])
        found = collection.one(service.store, item_id)
        if found is None:
            raise ApiError(404, f"no {segment} item with id {item_id}")
        return reply(200, "OK", found)

    return Route(f"/{segment}/{{item_id}}", guarded(handler), methods=["GET"])


async def get_lost_calls(request: Request, service: Service, _: str) -> Response:
    """`GET /lost_calls`."""
    values = parse_query(request.query_params.multi_items(), LOST_CALL_KINDS)
    return reply(200, "OK", lost_calls(service.store, values))


async def dial(request: Request, service: Service, _: str) -> Response:
    """`POST /dial`: ask an employee's device to call a number (the call itself happens later)."""
    parse_query(request.query_params.multi_items(), {})
    body = parse_body(await request.body())
    destination, contact_id = body.get("destination"), body.get("contactID")
    if "destination" not in body or "contactID" not in body:
        raise ApiError(422, "destination and contactID are required")
    if not isinstance(destination, str):
        raise ApiError(422, "destination must be a string")
    if not isinstance(contact_id, int) or isinstance(contact_id, bool) or not INT32[0] <= contact_id <= INT32[1]:
        raise ApiError(422, "contactID must be a 32-bit integer")
    if service.store.employee(contact_id) is None:
        raise ApiError(404, f"no employee with contactID {contact_id}")
    return reply(200, "Dial request sent to the employee's device", {})


def register_route(event: str) -> Route:
    """`POST /webhooks/<Event>`: subscribe an endpoint; the webhook id comes back as `data` (a string)."""

    async def handler(request: Request, service: Service, key: str) -> Response:
        parse_query(request.query_params.multi_items(), {})
        body = parse_body(await request.body())
        if "endpoint" not in body:
            raise ApiError(422, "endpoint is required")
        try:
            endpoint = check_endpoint(body["endpoint"], service.settings.allowed_hosts)
        except EndpointRejected as exc:
            raise ApiError(exc.status, str(exc)) from None
        with service.store.transaction():
            if service.store.webhook_count(key) >= MAX_WEBHOOKS_PER_KEY:
                raise ApiError(
                    403, f"webhook limit reached: at most {MAX_WEBHOOKS_PER_KEY} webhooks per API key; delete one first"
                )
            webhook_id = service.store.execute(
                "INSERT INTO webhooks (api_key, event, endpoint, created) VALUES (?, ?, ?, ?)",
                [key, event, endpoint, stamp(datetime.now(timezone.utc))],
            )
        return reply(200, "Webhook created", str(webhook_id))

    return Route(f"/webhooks/{event}", guarded(handler), methods=["POST"])


async def delete_webhook(request: Request, service: Service, key: str) -> Response:
    """`DELETE /webhooks/{id}` (a path naming an event is the registration resource: 405)."""
    raw = request.path_params["webhook_id"]
    if raw in EVENTS:
        raise ApiError(405, "use POST to register a webhook", {"Allow": "POST"})
    parse_query(request.query_params.multi_items(), {})
    webhook_id = parse_int("webhook_id", raw)
    rows = service.store.query("SELECT api_key FROM webhooks WHERE id = ?", [webhook_id]) if abs(webhook_id) < 2**63 else []
    if not rows or rows[0]["api_key"] != key:
        raise ApiError(404, f"no webhook with id {webhook_id}")
    service.store.execute("DELETE FROM webhooks WHERE id = ?", [webhook_id])
    return reply(200, "Webhook deleted", {})


# -- admin ------------------------------------------------------------------------------------------

PLAN_FIELDS = {"caller": str, "destination": str, "direction": str, "outcome": str, "recorded": bool,
               "contact_id": int, "transfer_to": int, "seconds": int}


async def simulate_call(request: Request, service: Service, _: str) -> Response:
    """`POST /_sandbox/calls`: play a call through the PBX and fire its events."""
    body = parse_body(await request.body())
    unknown = sorted(set(body) - set(PLAN_FIELDS))
    if unknown:
        raise ApiError(422, f"unknown field {unknown[0]!r}")
    for name, kind in PLAN_FIELDS.items():
        value = body.get(name)
        if value is not None and (not isinstance(value, kind) or (kind is int and isinstance(value, bool))):
            raise ApiError(422, f"{name} must be of type {kind.__name__}")
    if "outcome" not in body:
        raise ApiError(422, "outcome is required")
    plan = CallPlan(**{k: v for k, v in body.items() if v is not None})
    try:
        summary, events = place_call(service.store, plan)
    except SimulationError as exc:
        raise ApiError(exc.status, str(exc)) from None
    service.publish(events)
    return reply(200, "Call simulated", summary)


async def simulate_voicemail_deletion(request: Request, service: Service, _: str) -> Response:
    """`DELETE /_sandbox/voicemails/{id}`: the owner deletes a voicemail (fires VoicemailDeleted)."""
    try:
        events = delete_voicemail(service.store, parse_int("voicemail_id", request.path_params["voicemail_id"]))
    except SimulationError as exc:
        raise ApiError(exc.status, str(exc)) from None
    service.publish(events)
    return reply(200, "Voicemail deleted", {})


async def reset(request: Request, service: Service, _: str) -> Response:
    """`POST /_sandbox/reset`: wipe everything (webhooks too) and re-seed; optional `{"seed": N}`."""
    raw = await request.body()
    seed_value = service.settings.seed
    if raw.strip():
        body = parse_body(raw)
        seed_value = body.get("seed", seed_value)
        if not isinstance(seed_value, int) or isinstance(seed_value, bool):
            raise ApiError(422, "seed must be an integer")
    counts = seeding.seed(service.store, seed_value)
    service.rate.reset()
    service.dispatcher.clear()
    return reply(200, "Sandbox reset", counts)


async def deliveries(request: Request, service: Service, _: str) -> Response:
    """`GET /_sandbox/deliveries`: every webhook delivery attempted since start or reset."""
    return reply(200, "OK", {"pending": service.dispatcher.pending(), "deliveries": [d.report() for d in service.dispatcher.log]})


async def health(request: Request) -> Response:
    """`GET /_sandbox/health`: no key needed; for readiness probes."""
    return reply(200, "OK", {"api": API_PREFIX})


# -- assembly ---------------------------------------------------------------------------------------


async def http_error(request: Request, exc: Exception) -> Response:
    """Routing errors (404, 405) as envelopes, keeping headers such as Allow."""
    assert isinstance(exc, HTTPException)
    return reply(exc.status_code, str(exc.detail), headers=dict(exc.headers or {}))


async def server_error(request: Request, exc: Exception) -> Response:
    """A bug in the sandbox: still an envelope."""
    return reply(500, f"internal error: {type(exc).__name__}")


def api_routes() -> list[Route]:
    """The 29 operations of the connectors, in routing order (literal webhook paths first)."""
    routes = [trigger_route(c) for c in COLLECTIONS.values()]
    routes += [item_route(segment, COLLECTIONS[name]) for segment, name in ITEM_PATHS.items()]
    routes.append(Route("/lost_calls", guarded(get_lost_calls), methods=["GET"]))
    routes.append(Route("/dial", guarded(dial), methods=["POST"]))
    routes += [register_route(event) for event in EVENTS]
    routes.append(Route("/webhooks/{webhook_id}", guarded(delete_webhook), methods=["DELETE"]))
    return routes


def create_app(settings: Settings | None = None) -> Starlette:
    """Build the sandbox application (storage is created and seeded at once)."""
    service = Service(settings or Settings())

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await service.dispatcher.start()
        try:
            yield
        finally:
            await service.dispatcher.stop()

    admin = [
        Route("/calls", guarded(simulate_call), methods=["POST"]),
        Route("/voicemails/{voicemail_id}", guarded(simulate_voicemail_deletion), methods=["DELETE"]),
        Route("/reset", guarded(reset), methods=["POST"]),
        Route("/deliveries", guarded(deliveries), methods=["GET"]),
        Route("/health", health, methods=["GET"]),
    ]
    app = Starlette(
        routes=[Mount(API_PREFIX, routes=api_routes()), Mount("/_sandbox", routes=admin)],
        exception_handlers={HTTPException: http_error, Exception: server_error},
        lifespan=lifespan,
    )
    app.state.service = service
    return app
