"""The service's hourly request limit: 429 `rate_limit_exceeded` and X-RateLimit-* headers on every answer.

Reference §4 "Rate limits": an hourly limit per client, shared by all its apps; once it is exceeded the
API answers 429 with status `rate_limit_exceeded` and the next request is possible only in the next
hour; every answer carries X-RateLimit-Limit, X-RateLimit-Remaining and X-RateLimit-Reset (seconds
until the reset).
"""

from __future__ import annotations

import math
import threading
import time
from typing import Callable

from pbxconn.sandbox.extension.errors import ApiError

UNLIMITED_NOMINAL = 1_000_000


class HourlyLimit:
    """At most `limit` requests per key in a fixed window that starts at the key's first request.

    The key is whatever the caller counts by (the emulator passes the OAuth client_id; the real
    service counts per PBX client across its apps). Requests refused with 429 are not counted.
    `limit=None` turns the limit off but keeps the headers: X-RateLimit-Limit is then the nominal
    UNLIMITED_NOMINAL, Remaining counts down from it (never below 0) and no request is refused.
    """

    def __init__(self, limit: int | None, window: float = 3600,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if limit is not None and limit < 1:
            raise ValueError("limit must be at least 1 (use None to turn the limit off)")
        if window <= 0:
            raise ValueError("window must be positive")
        self.limit = limit
        self.window = window
        self.clock = clock
        self._windows: dict[str, tuple[float, int]] = {}  # key -> (window start, requests counted)
        self._lock = threading.Lock()

    def hit(self, client_id: str) -> dict[str, str]:
        """Count one request; return the X-RateLimit-* headers, or raise ApiError 429 carrying them."""
        nominal = self.limit if self.limit is not None else UNLIMITED_NOMINAL
        with self._lock:
            now = self.clock()
            start, count = self._windows.get(client_id, (now, 0))
            if now >= start + self.window:
                start, count = now, 0
            refused = self.limit is not None and count >= self.limit
            if not refused:
                count += 1
            self._windows[client_id] = (start, count)
        reset = max(1, math.ceil(start + self.window - now))
        headers = {
            "X-RateLimit-Limit": str(nominal),
            "X-RateLimit-Remaining": str(max(0, nominal - count)),
            "X-RateLimit-Reset": str(reset),
        }
        if refused:
            raise ApiError(429, "rate_limit_exceeded",
                           f"the limit of {nominal} requests per {self.window:g} s is exceeded; retry in {reset} s",
                           headers)
        return headers

    def reset(self) -> None:
        """Forget every window."""
        with self._lock:
            self._windows.clear()
