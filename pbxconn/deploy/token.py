"""The login token paconn reads: `~/.paconn/accessTokens.json` (follows HOME).

paconn 0.0.21 never refreshes a token when it runs a command: with no file, no `access_token`,
or an `expires_on` less than ten minutes away it stops with "Access token invalid"; a missing
`token_type` or a non-numeric `expires_on` crashes it. We check the same things first so the
user gets one clear message instead.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

from pbxconn.core.errors import PbxconnError

# paconn asks for a new login when less than this many seconds are left.
TOKEN_BUFFER_SECONDS = 600
LOGIN_HINT = "run `paconn login` (device-code sign-in with your Power Platform account), then retry"


class NotLoggedInError(PbxconnError):
    """No usable paconn login token; exit code 2."""


@dataclass(frozen=True)
class Token:
    """What we learned from a usable token file."""

    path: Path
    expires_on: float | None
    object_id: str


def token_path(home: Path | None = None) -> Path:
    """Where paconn keeps its token for this HOME."""
    base = Path(home) if home is not None else Path(os.path.expanduser("~"))
    return base / ".paconn" / "accessTokens.json"


def check_token(path: Path | None = None, now: float | None = None) -> Token:
    """Return the token's facts, or raise NotLoggedInError saying what is wrong."""
    path = Path(path) if path is not None else token_path()
    now = time.time() if now is None else now
    where = str(path)
    if not path.is_file():
        raise NotLoggedInError("not logged in to paconn: no token file", location=where, hint=LOGIN_HINT)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise NotLoggedInError(f"paconn token file is unreadable ({exc})", location=where,
                               hint=LOGIN_HINT) from None
    if not isinstance(data, dict):
        raise NotLoggedInError("paconn token file is not a JSON object", location=where, hint=LOGIN_HINT)
    for key in ("access_token", "token_type"):
        if not data.get(key):
            raise NotLoggedInError(f"paconn token file has no {key}", location=where, hint=LOGIN_HINT)
    expires_on = data.get("expires_on")
    if expires_on is not None:
        if isinstance(expires_on, bool) or not isinstance(expires_on, (int, float)):
            raise NotLoggedInError(f"paconn token expires_on is not a number: {expires_on!r}",
                                   location=where, hint=LOGIN_HINT)
        if expires_on < now + TOKEN_BUFFER_SECONDS:
            when = dt.datetime.fromtimestamp(expires_on, dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
            raise NotLoggedInError(
                f"paconn login token expired at {when} (paconn needs {TOKEN_BUFFER_SECONDS // 60} "
                "minutes left)", location=where, hint=LOGIN_HINT)
    return Token(path, float(expires_on) if expires_on is not None else None, str(data.get("oid") or ""))
