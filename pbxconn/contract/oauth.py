"""Sign in to an OAuth2 service the way Power Automate does: authorization code, then a token."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx

from pbxconn.core.errors import PbxconnError

REDIRECT = "http://127.0.0.1/callback"


def authorization_code_token(root: str, client_id: str, client_secret: str, *, redirect_uri: str = REDIRECT,
                             state: str = "pbxconn-contract") -> str:
    """An access token from `root`/oauth/authorize (followed, not browsed) and `root`/oauth/token."""
    with httpx.Client(base_url=root.rstrip("/"), trust_env=False, timeout=10, follow_redirects=False) as client:
        answer = client.get("/oauth/authorize", params={"response_type": "code", "client_id": client_id,
                                                        "redirect_uri": redirect_uri, "state": state, "scope": "all"})
        location = answer.headers.get("location", "")
        query = parse_qs(urlsplit(location).query)
        if answer.status_code not in (301, 302, 303, 307) or "code" not in query:
            raise PbxconnError(f"the sign-in did not redirect with a code ({answer.status_code}): {answer.text[:200]}")
        if query.get("state") != [state]:
            raise PbxconnError("the sign-in redirect did not return the state it was given")
        token = client.post("/oauth/token", data={"grant_type": "authorization_code", "code": query["code"][0],
                                                  "redirect_uri": redirect_uri, "client_id": client_id,
                                                  "client_secret": client_secret})
        if token.status_code != 200 or "access_token" not in token.json():
            raise PbxconnError(f"the token request failed ({token.status_code}): {token.text[:200]}")
        return str(token.json()["access_token"])
