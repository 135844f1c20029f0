"""OAuth2 of the extension PBX: app registry, /oauth/authorize, /oauth/token and Bearer checks.

Read from the reference (§4 "App registration", "Token endpoints", "Authentication"):

* app type `public` gets tokens with the authorization_code grant (the user approves in a browser),
  `trusted` with client_credentials (the token acts for the user who created the app);
* access `call` ("Call API") or `all` ("All"); an endpoint that needs "All" answers
  403 `app_access_type_deny` to a "Call API" app;
* the token answer is {"access_token", "token_type": "Bearer", "expires_in", "scope": "all"};
* every API request carries `Authorization: Bearer <access_token>`; a missing, expired or invalid
  token is a 401.

The emulator's own choices, where the reference is silent:

* the user always consents: `authorize` redirects with a code at once, and ignores `scope`
  (every token has scope "all"; access is limited by the app's access level instead);
* codes are single-use, expire after 60 s and are bound to the client and redirect_uri; a code
  presented by its authenticated client is spent even when the exchange then fails;
* the authorization_code grant also issues a `refresh_token` (the reference documents no refresh);
  `grant_type=refresh_token` answers a new access token and a new refresh token, and spends the
  old refresh token. Refresh tokens do not expire. client_credentials issues no refresh token;
* the app type `password_credentials` (admin-only in the reference) is not emulated;
* a wrong client_secret, and an unknown client_id at the token endpoint, are 401 `invalid_client`;
  an unknown client_id at the authorize endpoint (a browser page) is 400 `invalid_client`.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Callable, Mapping
from urllib.parse import urlencode, urlsplit, urlunsplit

from pbxconn.sandbox.extension.errors import ApiError

APP_TYPES = ("public", "trusted")
ACCESS_LEVELS = ("all", "call")
CODE_SECONDS = 60.0
GRANT_TYPES = ("authorization_code", "client_credentials", "refresh_token")


@dataclass(frozen=True)
class App:
    """A registered application: its credentials, type ("public"/"trusted"), access ("all"/"call") and user."""

    client_id: str
    client_secret: str
    app_type: str
    access: str
    redirect_uris: tuple[str, ...]
    user: str

    def __post_init__(self) -> None:
        if self.app_type not in APP_TYPES:
            raise ValueError(f"app_type must be one of {APP_TYPES}, not {self.app_type!r}")
        if self.access not in ACCESS_LEVELS:
            raise ValueError(f"access must be one of {ACCESS_LEVELS}, not {self.access!r}")
        if not self.client_id or not self.client_secret:
            raise ValueError("an app needs a client_id and a client_secret")
        object.__setattr__(self, "redirect_uris", tuple(self.redirect_uris))


@dataclass(frozen=True)
class _Code:
    app: App
    redirect_uri: str
    expires: float


@dataclass(frozen=True)
class _Token:
    app: App
    expires: float


class OAuthServer:
    """Issues and checks the service's tokens, kept in memory; `clock` is injectable for tests."""

    def __init__(self, apps: list[App], token_seconds: int = 3600,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if token_seconds <= 0:
            raise ValueError("token_seconds must be positive")
        self._apps: dict[str, App] = {}
        for app in apps:
            if app.client_id in self._apps:
                raise ValueError(f"client_id {app.client_id!r} is registered twice")
            self._apps[app.client_id] = app
        self.token_seconds = token_seconds
        self.clock = clock
        self._codes: dict[str, _Code] = {}
        self._tokens: dict[str, _Token] = {}
        self._refresh: dict[str, App] = {}
        self._lock = threading.Lock()

    @property
    def apps(self) -> dict[str, App]:
        """The registered apps by client_id (a copy)."""
        return dict(self._apps)

    def authorize(self, params: Mapping[str, str]) -> str:
        """Handle GET /oauth/authorize: auto-approve and return the redirect URL carrying `code` (and `state`).

        Checks, in this order: client_id (400 invalid_client), response_type (400 unsupported_response_type),
        app type (403 app_access_type_deny), redirect_uri exactly one of the app's (400 invalid_redirect_uri).
        """
        app = self._apps.get(params.get("client_id") or "")
        if app is None:
            raise ApiError(400, "invalid_client", "unknown client_id")
        if params.get("response_type") != "code":
            raise ApiError(400, "unsupported_response_type", "response_type must be 'code'")
        if app.app_type != "public":
            raise ApiError(403, "app_access_type_deny",
                           f"a {app.app_type} app cannot use the authorization_code flow (only public apps can)")
        redirect_uri = params.get("redirect_uri") or ""
        if redirect_uri not in app.redirect_uris:
            raise ApiError(400, "invalid_redirect_uri", "redirect_uri is not registered for this app")
        code = secrets.token_urlsafe(24)
        with self._lock:
            now = self.clock()
            self._prune(now)
            self._codes[code] = _Code(app, redirect_uri, now + CODE_SECONDS)
        answer = [("code", code)]
        if params.get("state"):
            answer.append(("state", params["state"]))
        return _add_query(redirect_uri, answer)

    def token(self, form: Mapping[str, str]) -> dict[str, str | int]:
        """Handle POST /oauth/token (form fields): answer the token JSON or raise ApiError."""
        grant_type = form.get("grant_type")
        if not grant_type:
            raise ApiError(400, "invalid_request", "grant_type is required")
        if grant_type not in GRANT_TYPES:
            raise ApiError(400, "unsupported_grant_type", f"grant_type {grant_type!r} is not supported")
        for name in ("client_id", "client_secret"):
            if not form.get(name):
                raise ApiError(400, "invalid_request", f"{name} is required")
        app = self._apps.get(form["client_id"])
        if app is None or not hmac.compare_digest(app.client_secret.encode(), form["client_secret"].encode()):
            raise ApiError(401, "invalid_client", "client authentication failed", {"WWW-Authenticate": "Basic"})
        if grant_type == "client_credentials":
            if app.app_type != "trusted":
                raise ApiError(403, "app_access_type_deny", "only trusted apps can use client_credentials")
            return self._issue(app, refresh=False)
        if grant_type == "authorization_code":
            return self._exchange_code(app, form)
        return self._refresh_grant(app, form)

    def authenticate(self, authorization_header: str | None) -> App:
        """Return the App of a valid `Authorization: Bearer <token>` header, else raise 401 unauthorized."""
        if not authorization_header:
            raise _unauthorized("the Authorization header is missing", error=False)
        scheme, _, token = authorization_header.strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise _unauthorized("the Authorization header must be 'Bearer <access_token>'", error=False)
        with self._lock:
            found = self._tokens.get(token.strip())
            if found is None:
                raise _unauthorized("the access token is invalid")
            if self.clock() >= found.expires:
                del self._tokens[token.strip()]
                raise _unauthorized("the access token has expired")
            return found.app

    def check_access(self, app: App, needed: str) -> None:
        """Raise 403 app_access_type_deny when the endpoint needs "all" and the app only has "call"."""
        if needed not in ACCESS_LEVELS:
            raise ValueError(f"needed must be one of {ACCESS_LEVELS}, not {needed!r}")
        if needed == "all" and app.access != "all":
            raise ApiError(403, "app_access_type_deny", "this app has 'Call API' access; the endpoint needs 'All'")

    def expire_all(self) -> None:
        """Expire every access token and code (refresh tokens stay usable)."""
        with self._lock:
            self._tokens.clear()
            self._codes.clear()

    def reset(self) -> None:
        """Forget every code, access token and refresh token."""
        with self._lock:
            self._tokens.clear()
            self._codes.clear()
            self._refresh.clear()

    def _exchange_code(self, app: App, form: Mapping[str, str]) -> dict[str, str | int]:
        if app.app_type != "public":
            raise ApiError(403, "app_access_type_deny", "only public apps can use authorization_code")
        code, redirect_uri = form.get("code"), form.get("redirect_uri")
        if not code or not redirect_uri:
            raise ApiError(400, "invalid_request", "code and redirect_uri are required")
        with self._lock:
            found = self._codes.get(code)
            if found is not None and found.app.client_id == app.client_id:
                del self._codes[code]  # single use, even if the rest of the exchange fails
            expired = found is not None and self.clock() >= found.expires
        if found is None or found.app.client_id != app.client_id or expired:
            raise ApiError(400, "invalid_grant", "the code is invalid, expired, used or issued to another client")
        if found.redirect_uri != redirect_uri:
            raise ApiError(400, "invalid_grant", "redirect_uri differs from the one the code was issued for")
        return self._issue(app, refresh=True)

    def _refresh_grant(self, app: App, form: Mapping[str, str]) -> dict[str, str | int]:
        refresh_token = form.get("refresh_token")
        if not refresh_token:
            raise ApiError(400, "invalid_request", "refresh_token is required")
        with self._lock:
            owner = self._refresh.get(refresh_token)
            if owner is None or owner.client_id != app.client_id:
                raise ApiError(400, "invalid_grant", "the refresh token is invalid or was issued to another client")
            del self._refresh[refresh_token]
        return self._issue(app, refresh=True)

    def _issue(self, app: App, refresh: bool) -> dict[str, str | int]:
        access_token = secrets.token_urlsafe(32)
        answer: dict[str, str | int] = {
            "access_token": access_token, "token_type": "Bearer", "expires_in": self.token_seconds, "scope": "all",
        }
        with self._lock:
            now = self.clock()
            self._prune(now)
            self._tokens[access_token] = _Token(app, now + self.token_seconds)
            if refresh:
                refresh_token = secrets.token_urlsafe(32)
                self._refresh[refresh_token] = app
                answer["refresh_token"] = refresh_token
        return answer

    def _prune(self, now: float) -> None:
        for key in [k for k, c in self._codes.items() if now >= c.expires]:
            del self._codes[key]
        for key in [k for k, t in self._tokens.items() if now >= t.expires]:
            del self._tokens[key]


def _unauthorized(message: str, error: bool = True) -> ApiError:
    challenge = 'Bearer error="invalid_token"' if error else "Bearer"
    return ApiError(401, "unauthorized", message, {"WWW-Authenticate": challenge})


def _add_query(url: str, pairs: list[tuple[str, str]]) -> str:
    parts = urlsplit(url)
    query = f"{parts.query}&{urlencode(pairs)}" if parts.query else urlencode(pairs)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))
