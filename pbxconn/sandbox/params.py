"""Request parsing with the service's rules: unknown or malformed parameters are a 422, bad JSON a 400."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from typing import Any, Mapping

INT = re.compile(r"-?[0-9]+")
DATE_TIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})"
)


class ApiError(Exception):
    """An error answer: status, message and optional headers."""

    def __init__(self, status: int, message: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = dict(headers or {})


def parse_int(name: str, raw: str) -> int:
    """An integer parameter, any size (out-of-range ids simply match nothing)."""
    if not INT.fullmatch(raw):
        raise ApiError(422, f"{name} must be an integer, got {raw!r}")
    return int(raw)


def parse_date_time(name: str, raw: str) -> str:
    """An RFC 3339 date-time, normalised to a UTC stamp comparable with stored ones."""
    match = DATE_TIME.fullmatch(raw)
    if not match:
        raise ApiError(422, f"{name} must be an RFC 3339 date-time such as 2024-10-01T08:00:00Z, got {raw!r}")
    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    zone = match.group(8)
    try:
        moment = datetime(max(year, 1), month, day, hour, minute, min(second, 59), tzinfo=timezone.utc)
    except ValueError:
        raise ApiError(422, f"{name} is not a real date-time: {raw!r}") from None
    if hour > 23 or minute > 59 or second > 60:
        raise ApiError(422, f"{name} is not a real date-time: {raw!r}")
    if zone not in ("Z", "z"):
        sign = 1 if zone[0] == "+" else -1
        hours, minutes = int(zone[1:3]), int(zone[4:6])
        if hours > 23 or minutes > 59:
            raise ApiError(422, f"{name} has an invalid UTC offset: {raw!r}")
        try:
            moment -= sign * timedelta(hours=hours, minutes=minutes)
        except OverflowError:
            pass
    return (
        f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}T"
        f"{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}Z"
    )


def parse_query(query: list[tuple[str, str]], kinds: Mapping[str, str], required: frozenset[str] = frozenset()) -> dict[str, Any]:
    """Check query parameters against `kinds` (name -> int|str|date-time); return parsed values."""
    values: dict[str, Any] = {}
    for name, raw in query:
        kind = kinds.get(name)
        if kind is None:
            raise ApiError(422, f"unknown query parameter {name!r}")
        if name in values:
            raise ApiError(422, f"query parameter {name!r} given more than once")
        if kind == "int":
            values[name] = parse_int(name, raw)
        elif kind == "date-time":
            values[name] = parse_date_time(name, raw)
        else:
            values[name] = raw
    missing = sorted(required - set(values))
    if missing:
        raise ApiError(422, f"missing required query parameter {missing[0]!r}")
    return values


def parse_body(raw: bytes) -> dict[str, Any]:
    """A JSON object body: no body 422, not JSON 400, JSON but not an object 422."""
    if not raw.strip():
        raise ApiError(422, "a JSON request body is required")
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "the request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise ApiError(422, "the request body must be a JSON object")
    return body
