"""The extension PBX emulator's hourly request limit: headers on every answer, 429 once exceeded."""

from __future__ import annotations

import pytest

from pbxconn.sandbox.extension.errors import ApiError
from pbxconn.sandbox.extension.ratelimit import UNLIMITED_NOMINAL, HourlyLimit


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 500.0

    def __call__(self) -> float:
        return self.now


def test_headers_count_down_then_429_with_headers() -> None:
    clock = Clock()
    limit = HourlyLimit(3, clock=clock)
    first = limit.hit("app")
    assert first == {"X-RateLimit-Limit": "3", "X-RateLimit-Remaining": "2", "X-RateLimit-Reset": "3600"}
    clock.now += 10.5
    assert limit.hit("app")["X-RateLimit-Remaining"] == "1"
    third = limit.hit("app")
    assert third["X-RateLimit-Remaining"] == "0" and third["X-RateLimit-Reset"] == "3590"
    with pytest.raises(ApiError) as info:
        limit.hit("app")
    error = info.value
    assert (error.status, error.reason) == (429, "rate_limit_exceeded")
    assert error.headers == {"X-RateLimit-Limit": "3", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "3590"}
    assert error.body()["status"] == "rate_limit_exceeded"


def test_the_window_is_fixed_from_the_first_request_and_then_resets() -> None:
    clock = Clock()
    limit = HourlyLimit(2, window=3600, clock=clock)
    limit.hit("app")
    clock.now += 3000
    limit.hit("app")
    with pytest.raises(ApiError):
        limit.hit("app")
    clock.now += 599.5  # still in the first window (it started at the first request, not the second)
    with pytest.raises(ApiError) as info:
        limit.hit("app")
    assert info.value.headers["X-RateLimit-Reset"] == "1"
    clock.now += 0.5
    headers = limit.hit("app")
    assert headers["X-RateLimit-Remaining"] == "1" and headers["X-RateLimit-Reset"] == "3600"


def test_clients_are_counted_apart() -> None:
    limit = HourlyLimit(1, clock=Clock())
    limit.hit("a")
    with pytest.raises(ApiError):
        limit.hit("a")
    assert limit.hit("b")["X-RateLimit-Remaining"] == "0"


def test_refused_requests_do_not_extend_the_window() -> None:
    clock = Clock()
    limit = HourlyLimit(1, window=100, clock=clock)
    limit.hit("a")
    for _ in range(5):
        clock.now += 10
        with pytest.raises(ApiError):
            limit.hit("a")
    clock.now += 50
    assert limit.hit("a")["X-RateLimit-Remaining"] == "0"


def test_none_turns_the_limit_off_but_keeps_the_headers() -> None:
    limit = HourlyLimit(None, clock=Clock())
    for n in range(1, 1001):
        headers = limit.hit("a")
    assert headers["X-RateLimit-Limit"] == str(UNLIMITED_NOMINAL)
    assert headers["X-RateLimit-Remaining"] == str(UNLIMITED_NOMINAL - 1000)
    assert headers["X-RateLimit-Reset"] == "3600"


def test_reset_forgets_counts_and_bad_limits_are_refused() -> None:
    limit = HourlyLimit(1, clock=Clock())
    limit.hit("a")
    limit.reset()
    assert limit.hit("a")["X-RateLimit-Remaining"] == "0"
    with pytest.raises(ValueError):
        HourlyLimit(0)
    with pytest.raises(ValueError):
        HourlyLimit(5, window=0)
