"""The service's error answers: a 4xx status and a JSON body with `status` and `message`."""

from __future__ import annotations


class ApiError(Exception):
    """An error answer. `reason` is the body's `status` (e.g. access_denied, rate_limit_exceeded)."""

    def __init__(self, status: int, reason: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.reason = reason
        self.message = message
        self.headers = dict(headers or {})

    def body(self) -> dict[str, str]:
        """The JSON body of the answer."""
        return {"status": self.reason, "message": self.message}
