"""Webhook endpoints: URL rules, and delivery of events as JSON POSTs with retries and back-off."""

from __future__ import annotations

import asyncio
import ipaddress
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Callable
from urllib.parse import urlsplit

import httpx

from pbxconn.sandbox.domain import event_payload

MAX_WEBHOOKS_PER_KEY = 20
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


class EndpointRejected(ValueError):
    """An endpoint the service will not call; `status` says why (422 malformed, 403 host not allowed)."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


def check_endpoint(url: Any, allowed_hosts: frozenset[str]) -> str:
    """Return the endpoint if it is an absolute http(s) URL to an allowed host, else raise EndpointRejected."""
    if not isinstance(url, str) or not url or any(ch.isspace() or ord(ch) < 32 for ch in url):
        raise EndpointRejected("endpoint must be an absolute http(s) URL", 422)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise EndpointRejected("endpoint must be an absolute http(s) URL", 422) from None
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not host or port == 0:
        raise EndpointRejected("endpoint must be an absolute http(s) URL", 422)
    if not (_is_loopback(host) or host in allowed_hosts or "*" in allowed_hosts):
        raise EndpointRejected(
            f"endpoint host {host!r} is not allowed: the sandbox calls loopback hosts only"
            " (start it with --allow-webhook-host to add one)", 403,
        )
    return url


def _is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass
class Delivery:
    """One event on its way to one webhook, and what happened to it."""

    webhook_id: int
    endpoint: str
    event: str
    payload: dict[str, Any]
    attempts: int = 0
    status: int | None = None
    outcome: str = "pending"
    error: str = ""

    def report(self) -> dict[str, Any]:
        """A JSON-ready summary for the admin endpoint."""
        return {
            "webhookID": self.webhook_id, "endpoint": self.endpoint, "eventType": self.event,
            "attempts": self.attempts, "status": self.status, "outcome": self.outcome, "error": self.error,
        }


@dataclass
class Dispatcher:
    """Queues deliveries per webhook (keeps their order) and sends them from the server's event loop."""

    is_active: Callable[[int], bool]
    max_attempts: int = 5
    first_delay: float = 0.2
    timeout: float = 5.0
    log: deque[Delivery] = field(default_factory=lambda: deque(maxlen=5000))
    _queues: dict[int, asyncio.Queue[Delivery]] = field(default_factory=dict)
    _workers: set[asyncio.Task[None]] = field(default_factory=set)
    _client: httpx.AsyncClient | None = None

    async def start(self) -> None:
        """Open the HTTP client (call from the server's startup)."""
        self._client = httpx.AsyncClient(timeout=self.timeout, follow_redirects=False, trust_env=False)

    async def stop(self) -> None:
        """Cancel pending deliveries and close the client."""
        for task in list(self._workers):
            task.cancel()
        await asyncio.gather(*self._workers, return_exceptions=True)
        if self._client is not None:
            await self._client.aclose()

    def publish(self, event: str, data: dict[str, Any], targets: list[tuple[int, str]]) -> None:
        """Queue one event for every (webhook id, endpoint) subscribed to it."""
        for webhook_id, endpoint in targets:
            delivery = Delivery(webhook_id, endpoint, event, event_payload(event, data))
            self.log.append(delivery)
            queue = self._queues.get(webhook_id)
            if queue is None:
                queue = self._queues[webhook_id] = asyncio.Queue()
                task = asyncio.get_running_loop().create_task(self._work(queue))
                self._workers.add(task)
                task.add_done_callback(self._workers.discard)
            queue.put_nowait(delivery)

    def pending(self) -> int:
        """Deliveries not yet finished."""
        return sum(1 for d in self.log if d.outcome == "pending")

    def clear(self) -> None:
        """Forget the delivery log (pending deliveries still run)."""
        self.log.clear()

    async def _work(self, queue: asyncio.Queue[Delivery]) -> None:
        while True:
            delivery = await queue.get()
            try:
                await self._deliver(delivery)
            except Exception as exc:  # a worker must survive anything one endpoint does
                delivery.outcome, delivery.error = "failed", repr(exc)

    async def _deliver(self, delivery: Delivery) -> None:
        assert self._client is not None
        delay = self.first_delay
        while delivery.attempts < self.max_attempts:
            if not self.is_active(delivery.webhook_id):
                delivery.outcome = "cancelled"
                return
            delivery.attempts += 1
            try:
                response = await self._client.post(delivery.endpoint, json=delivery.payload)
                delivery.status = response.status_code
                if response.status_code < 300:
                    delivery.outcome = "delivered"
                    return
                if response.status_code not in RETRY_STATUSES:
                    delivery.outcome, delivery.error = "rejected", f"HTTP {response.status_code}"
                    return
                delivery.error = f"HTTP {response.status_code}"
            except httpx.HTTPError as exc:
                delivery.error = f"{type(exc).__name__}: {exc}"
            if delivery.attempts < self.max_attempts:
                await asyncio.sleep(delay)
                delay *= 2
        delivery.outcome = "failed"
