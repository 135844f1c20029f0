"""Delivery of extension events to subscribed URLs: form-urlencoded, in the body (POST) or headers (GET).

Reference §3.3: with method POST the event data travels in the body, with GET in the request
headers; in both cases as application/x-www-form-urlencoded. The reference documents no retries,
timeouts, ordering or signature; the emulator's choices: up to `max_attempts` attempts with doubling
back-off on connection errors, timeouts, 5xx and 429; deliveries to one URL keep the order they were
scheduled in; no signature. Only loopback hosts (and hosts explicitly allowed) are ever called.
"""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote_plus, urlencode, urlsplit

import httpx

from pbxconn.sandbox.extension.errors import ApiError
from pbxconn.sandbox.webhooks import EndpointRejected, check_endpoint

METHODS = ("GET", "POST")
FORM = "application/x-www-form-urlencoded"
USER_AGENT = "pbxconn-extension-emulator"


def check_callback_url(url: Any, allowed_hosts: frozenset[str]) -> str:
    """Return `url` if it is an absolute http(s) URL to a loopback or allowed host, else raise ApiError.

    400 invalid_url for a malformed URL, 403 url_host_not_allowed for another host ("*" allows any).
    """
    try:
        return check_endpoint(url, allowed_hosts)
    except EndpointRejected as exc:
        if exc.status == 403:
            host = (urlsplit(url).hostname or "").lower()
            raise ApiError(403, "url_host_not_allowed",
                           f"host {host!r} is not allowed: the emulator calls loopback hosts only") from None
        raise ApiError(400, "invalid_url", "url must be an absolute http(s) URL") from None


@dataclass
class Delivery:
    """One event on its way to one URL, and every attempt made to deliver it."""

    url: str
    method: str
    event: dict[str, str]
    attempts: int = 0
    status: int | None = None
    error: str = ""
    outcome: str = "pending"  # pending | delivered | rejected (a 4xx/3xx answer) | failed
    history: list[dict[str, Any]] = field(default_factory=list)  # one {"status", "error"} per attempt

    def report(self) -> dict[str, Any]:
        """A JSON-ready summary for an admin endpoint."""
        return {
            "url": self.url, "method": self.method, "eventType": self.event.get("EventType", ""),
            "event": dict(self.event), "attempts": self.attempts, "status": self.status,
            "error": self.error, "outcome": self.outcome, "history": [dict(h) for h in self.history],
        }


class EventDelivery:
    """Sends events with retries and back-off; keeps a log of every delivery for tests and admins."""

    def __init__(self, max_attempts: int = 3, first_delay: float = 0.2, timeout: float = 5) -> None:
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self.max_attempts = max_attempts
        self.first_delay = first_delay
        self.timeout = timeout
        self.log: deque[Delivery] = deque(maxlen=5000)
        self._tasks: set[asyncio.Task[None]] = set()
        self._last: dict[str, asyncio.Task[None]] = {}

    async def deliver(self, url: str, method: str, event: dict[str, str]) -> Delivery:
        """Send one event now (with retries) and return its Delivery once it is settled."""
        delivery = self._start(url, method, event)
        await self._run(delivery)
        return delivery

    def schedule(self, url: str, method: str, event: dict[str, str]) -> Delivery:
        """Queue one event from inside the event loop and return its (pending) Delivery at once."""
        delivery = self._start(url, method, event)
        previous = self._last.get(url)
        task = asyncio.get_running_loop().create_task(self._after(previous, delivery))
        self._tasks.add(task)
        self._last[url] = task
        task.add_done_callback(lambda done: self._forget(url, done))
        return delivery

    async def drain(self, timeout: float = 10.0) -> bool:
        """Wait until no scheduled delivery is running (or `timeout` passes); True when all are done."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self._tasks:
            left = deadline - loop.time()
            if left <= 0:
                return False
            await asyncio.wait(set(self._tasks), timeout=left)
        return True

    def pending(self) -> int:
        """Deliveries in the log not yet settled."""
        return sum(1 for d in self.log if d.outcome == "pending")

    def clear(self) -> None:
        """Forget the log (deliveries under way still run)."""
        self.log.clear()

    async def stop(self) -> None:
        """Cancel every scheduled delivery (call at shutdown)."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def _start(self, url: str, method: str, event: dict[str, str]) -> Delivery:
        method = method.upper()
        if method not in METHODS:
            raise ValueError(f"method must be GET or POST, not {method!r}")
        bad = [k for k, v in event.items() if not isinstance(k, str) or not isinstance(v, str)]
        if bad:
            raise TypeError(f"event keys and values must be strings: {bad}")
        delivery = Delivery(url, method, dict(event))
        self.log.append(delivery)
        return delivery

    def _forget(self, url: str, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if self._last.get(url) is task:
            del self._last[url]

    async def _after(self, previous: asyncio.Task[None] | None, delivery: Delivery) -> None:
        if previous is not None and not previous.done():
            await asyncio.wait({previous})  # keep the order of deliveries to one URL
        await self._run(delivery)

    async def _run(self, delivery: Delivery) -> None:
        try:
            async with httpx.AsyncClient(timeout=self.timeout, follow_redirects=False, trust_env=False) as client:
                await self._attempts(client, delivery)
        except asyncio.CancelledError:
            delivery.outcome, delivery.error = "failed", "cancelled"
            raise
        except Exception as exc:  # a delivery must never take the server down
            delivery.outcome, delivery.error = "failed", repr(exc)

    async def _attempts(self, client: httpx.AsyncClient, delivery: Delivery) -> None:
        delay = self.first_delay
        while True:
            delivery.attempts += 1
            retry = False
            try:
                response = await client.send(_request(client, delivery))
                delivery.status, delivery.error = response.status_code, ""
                if response.status_code >= 500 or response.status_code == 429:
                    delivery.error, retry = f"HTTP {response.status_code}", True
            except httpx.HTTPError as exc:
                delivery.status, delivery.error, retry = None, f"{type(exc).__name__}: {exc}", True
            delivery.history.append({"status": delivery.status, "error": delivery.error})
            if not retry:
                if delivery.status is not None and delivery.status < 300:
                    delivery.outcome = "delivered"
                else:
                    delivery.outcome, delivery.error = "rejected", f"HTTP {delivery.status}"
                return
            if delivery.attempts >= self.max_attempts:
                delivery.outcome = "failed"
                return
            await asyncio.sleep(delay)
            delay *= 2


def _request(client: httpx.AsyncClient, delivery: Delivery) -> httpx.Request:
    headers = {"User-Agent": USER_AGENT}
    if delivery.method == "POST":
        headers["Content-Type"] = FORM
        return client.build_request("POST", delivery.url, content=urlencode(delivery.event).encode("ascii"),
                                    headers=headers)
    for key, value in delivery.event.items():
        headers[key] = quote_plus(value)
    return client.build_request("GET", delivery.url, headers=headers)
