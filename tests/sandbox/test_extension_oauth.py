"""OAuth2 of the extension PBX emulator: authorize, token grants, Bearer checks and access levels."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from pbxconn.sandbox.extension.errors import ApiError
from pbxconn.sandbox.extension.oauth import App, OAuthServer

REDIRECT = "http://127.0.0.1:8123/cb"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


PUBLIC = App("pub", "pub-secret", "public", "all", (REDIRECT, "http://127.0.0.1:8123/other?x=1"), "user-1")
TRUSTED = App("tru", "tru-secret", "trusted", "all", (), "user-2")
CALL_ONLY = App("cal", "cal-secret", "trusted", "call", (), "user-3")


@pytest.fixture()
def clock() -> Clock:
    return Clock()


@pytest.fixture()
def server(clock: Clock) -> OAuthServer:
    return OAuthServer([PUBLIC, TRUSTED, CALL_ONLY], token_seconds=3600, clock=clock)


def _error(call) -> ApiError:
    with pytest.raises(ApiError) as info:
        call()
    return info.value


def _code(server: OAuthServer, **extra: str) -> str:
    params = {"response_type": "code", "client_id": "pub", "redirect_uri": REDIRECT, "scope": "all", **extra}
    return parse_qs(urlsplit(server.authorize(params)).query)["code"][0]


def _exchange(server: OAuthServer, code: str, **extra: str) -> dict:
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT,
            "client_id": "pub", "client_secret": "pub-secret", **extra}
    return server.token(form)


def test_app_validates_type_and_access() -> None:
    with pytest.raises(ValueError):
        App("x", "y", "password_credentials", "all", (), "u")
    with pytest.raises(ValueError):
        App("x", "y", "public", "everything", (), "u")
    listed = App("x", "y", "public", "call", ["http://127.0.0.1/a"], "u")  # type: ignore[arg-type]
    assert listed.redirect_uris == ("http://127.0.0.1/a",)
    with pytest.raises(ValueError):
        OAuthServer([TRUSTED, TRUSTED])


def test_authorize_redirects_with_code_and_echoes_state(server: OAuthServer) -> None:
    url = server.authorize({"response_type": "code", "client_id": "pub", "redirect_uri": REDIRECT, "state": "s 1&2"})
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == REDIRECT
    query = parse_qs(parts.query)
    assert query["state"] == ["s 1&2"] and len(query["code"][0]) >= 20
    without_state = server.authorize({"response_type": "code", "client_id": "pub", "redirect_uri": REDIRECT})
    assert "state" not in parse_qs(urlsplit(without_state).query)


def test_authorize_keeps_the_redirect_uris_own_query(server: OAuthServer) -> None:
    url = server.authorize({"response_type": "code", "client_id": "pub", "redirect_uri": "http://127.0.0.1:8123/other?x=1"})
    query = parse_qs(urlsplit(url).query)
    assert query["x"] == ["1"] and "code" in query


@pytest.mark.parametrize("params, status, reason", [
    ({"response_type": "code", "client_id": "nobody", "redirect_uri": REDIRECT}, 400, "invalid_client"),
    ({"response_type": "code", "redirect_uri": REDIRECT}, 400, "invalid_client"),
    ({"response_type": "token", "client_id": "pub", "redirect_uri": REDIRECT}, 400, "unsupported_response_type"),
    ({"client_id": "pub", "redirect_uri": REDIRECT}, 400, "unsupported_response_type"),
    ({"response_type": "code", "client_id": "pub", "redirect_uri": "http://127.0.0.1:8123/evil"}, 400, "invalid_redirect_uri"),
    ({"response_type": "code", "client_id": "pub"}, 400, "invalid_redirect_uri"),
    ({"response_type": "code", "client_id": "tru", "redirect_uri": REDIRECT}, 403, "app_access_type_deny"),
])
def test_authorize_errors(server: OAuthServer, params: dict, status: int, reason: str) -> None:
    error = _error(lambda: server.authorize(params))
    assert (error.status, error.reason) == (status, reason)
    assert error.body() == {"status": reason, "message": error.message}


def test_code_exchange_answers_bearer_token_and_refresh_token(server: OAuthServer) -> None:
    answer = _exchange(server, _code(server))
    assert set(answer) == {"access_token", "token_type", "expires_in", "scope", "refresh_token"}
    assert answer["token_type"] == "Bearer" and answer["expires_in"] == 3600 and answer["scope"] == "all"
    assert server.authenticate(f"Bearer {answer['access_token']}") is PUBLIC


def test_codes_are_single_use(server: OAuthServer) -> None:
    code = _code(server)
    _exchange(server, code)
    error = _error(lambda: _exchange(server, code))
    assert (error.status, error.reason) == (400, "invalid_grant")


def test_codes_expire_after_sixty_seconds(server: OAuthServer, clock: Clock) -> None:
    code = _code(server)
    clock.now += 59
    _exchange(server, code)
    late = _code(server)
    clock.now += 60
    error = _error(lambda: _exchange(server, late))
    assert (error.status, error.reason) == (400, "invalid_grant")


def test_code_is_bound_to_its_redirect_uri(server: OAuthServer) -> None:
    code = _code(server)
    error = _error(lambda: _exchange(server, code, redirect_uri="http://127.0.0.1:8123/other?x=1"))
    assert (error.status, error.reason) == (400, "invalid_grant")


def test_code_of_another_client_is_an_invalid_grant(clock: Clock) -> None:
    other = App("pub2", "s2", "public", "all", (REDIRECT,), "user-9")
    server = OAuthServer([PUBLIC, other], clock=clock)
    code = _code(server)
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT,
            "client_id": "pub2", "client_secret": "s2"}
    assert _error(lambda: server.token(form)).reason == "invalid_grant"
    assert "access_token" in _exchange(server, code)  # not spent by the other client


@pytest.mark.parametrize("form, status, reason", [
    ({"client_id": "tru", "client_secret": "tru-secret"}, 400, "invalid_request"),
    ({"grant_type": "password", "client_id": "tru", "client_secret": "tru-secret"}, 400, "unsupported_grant_type"),
    ({"grant_type": "client_credentials", "client_id": "tru"}, 400, "invalid_request"),
    ({"grant_type": "client_credentials", "client_secret": "tru-secret"}, 400, "invalid_request"),
    ({"grant_type": "client_credentials", "client_id": "tru", "client_secret": "wrong"}, 401, "invalid_client"),
    ({"grant_type": "client_credentials", "client_id": "nobody", "client_secret": "x"}, 401, "invalid_client"),
    ({"grant_type": "client_credentials", "client_id": "pub", "client_secret": "pub-secret"}, 403, "app_access_type_deny"),
    ({"grant_type": "authorization_code", "client_id": "tru", "client_secret": "tru-secret",
      "code": "x", "redirect_uri": REDIRECT}, 403, "app_access_type_deny"),
    ({"grant_type": "authorization_code", "client_id": "pub", "client_secret": "pub-secret",
      "redirect_uri": REDIRECT}, 400, "invalid_request"),
    ({"grant_type": "authorization_code", "client_id": "pub", "client_secret": "pub-secret",
      "code": "made-up", "redirect_uri": REDIRECT}, 400, "invalid_grant"),
    ({"grant_type": "refresh_token", "client_id": "pub", "client_secret": "pub-secret"}, 400, "invalid_request"),
    ({"grant_type": "refresh_token", "client_id": "pub", "client_secret": "pub-secret",
      "refresh_token": "made-up"}, 400, "invalid_grant"),
])
def test_token_errors(server: OAuthServer, form: dict, status: int, reason: str) -> None:
    error = _error(lambda: server.token(form))
    assert (error.status, error.reason) == (status, reason)


def test_client_credentials_for_trusted_apps(server: OAuthServer) -> None:
    answer = server.token({"grant_type": "client_credentials", "client_id": "tru", "client_secret": "tru-secret"})
    assert set(answer) == {"access_token", "token_type", "expires_in", "scope"}
    app = server.authenticate(f"Bearer {answer['access_token']}")
    assert app is TRUSTED and app.user == "user-2"


def test_tokens_are_random_and_distinct(server: OAuthServer) -> None:
    form = {"grant_type": "client_credentials", "client_id": "tru", "client_secret": "tru-secret"}
    tokens = {server.token(form)["access_token"] for _ in range(20)}
    assert len(tokens) == 20 and all(len(t) >= 32 for t in tokens)


def test_refresh_token_rotates(server: OAuthServer) -> None:
    first = _exchange(server, _code(server))
    form = {"grant_type": "refresh_token", "refresh_token": first["refresh_token"],
            "client_id": "pub", "client_secret": "pub-secret"}
    second = server.token(form)
    assert second["access_token"] != first["access_token"] and second["refresh_token"] != first["refresh_token"]
    assert server.authenticate(f"Bearer {second['access_token']}") is PUBLIC
    assert _error(lambda: server.token(form)).reason == "invalid_grant"  # the old refresh token is spent


def test_refresh_token_of_another_client_is_refused(clock: Clock) -> None:
    other = App("pub2", "s2", "public", "all", (REDIRECT,), "user-9")
    server = OAuthServer([PUBLIC, other], clock=clock)
    first = _exchange(server, _code(server))
    form = {"grant_type": "refresh_token", "refresh_token": first["refresh_token"], "client_id": "pub2", "client_secret": "s2"}
    assert _error(lambda: server.token(form)).reason == "invalid_grant"


@pytest.mark.parametrize("header", [None, "", "Basic dXNlcjpwYXNz", "Bearer", "Bearer ", "Bearer not-a-token", "Token abc"])
def test_authenticate_refuses_bad_headers(server: OAuthServer, header: str | None) -> None:
    error = _error(lambda: server.authenticate(header))
    assert (error.status, error.reason) == (401, "unauthorized")
    assert error.headers["WWW-Authenticate"].startswith("Bearer")


def test_tokens_expire_with_the_clock(server: OAuthServer, clock: Clock) -> None:
    token = server.token({"grant_type": "client_credentials", "client_id": "tru", "client_secret": "tru-secret"})
    header = f"bearer {token['access_token']}"  # the scheme is case-insensitive
    clock.now += 3599
    assert server.authenticate(header) is TRUSTED
    clock.now += 1
    error = _error(lambda: server.authenticate(header))
    assert (error.status, error.reason) == (401, "unauthorized") and "expired" in error.message


def test_expire_all_keeps_refresh_tokens(server: OAuthServer) -> None:
    answer = _exchange(server, _code(server))
    server.expire_all()
    assert _error(lambda: server.authenticate(f"Bearer {answer['access_token']}")).status == 401
    renewed = server.token({"grant_type": "refresh_token", "refresh_token": answer["refresh_token"],
                            "client_id": "pub", "client_secret": "pub-secret"})
    assert server.authenticate(f"Bearer {renewed['access_token']}") is PUBLIC
    server.reset()
    assert _error(lambda: server.authenticate(f"Bearer {renewed['access_token']}")).status == 401


def test_check_access(server: OAuthServer) -> None:
    server.check_access(TRUSTED, "all")
    server.check_access(TRUSTED, "call")
    server.check_access(CALL_ONLY, "call")
    error = _error(lambda: server.check_access(CALL_ONLY, "all"))
    assert (error.status, error.reason) == (403, "app_access_type_deny")
    with pytest.raises(ValueError):
        server.check_access(TRUSTED, "admin")
