"""Per-key sliding-window rate limit (the connector's published 100 calls per 60 seconds)."""

from __future__ import annotations

import math
import re
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Callable

DEFAULT = "100/60"


@dataclass
class RateLimit:
    """At most `calls` requests per key in any `seconds` window; `calls == 0` turns it off."""

    calls: int = 100
    seconds: float = 60.0
    clock: Callable[[], float] = time.monotonic
    _seen: dict[str, deque[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def parse(cls, text: str) -> "RateLimit":
        """Read `CALLS/SECONDS` (e.g. `100/60`); `0` alone turns the limit off."""
        text = text.strip()
        if text == "0":
            return cls(0, 1)
        match = re.fullmatch(r"(\d+)\s*/\s*(\d+(?:\.\d+)?)", text)
        if not match or float(match.group(2)) <= 0:
            raise ValueError(f"rate limit {text!r} is not CALLS/SECONDS, e.g. 100/60 (or 0 to turn it off)")
        return cls(int(match.group(1)), float(match.group(2)))

    def hit(self, key: str) -> int | None:
        """Count one request; return None when allowed, else the seconds to wait (Retry-After)."""
        if self.calls <= 0:
            return None
        now = self.clock()
        with self._lock:
            seen = self._seen.setdefault(key, deque())
            while seen and seen[0] <= now - self.seconds:
                seen.popleft()
            if len(seen) >= self.calls:
                return max(1, math.ceil(seen[0] + self.seconds - now))
            seen.append(now)
            return None

    def reset(self) -> None:
        """Forget every request seen."""
        with self._lock:
            self._seen.clear()
