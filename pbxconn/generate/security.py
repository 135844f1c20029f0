"""How a connector signs in: an API key header or OAuth2 authorization code on the carrier's host."""

from __future__ import annotations

from typing import Any

from pbxconn.generate.schemas import CatalogSchemas


def host_url(s: CatalogSchemas, template: str) -> str:
    """A family URL template with the carrier's host in place of {host}."""
    return template.replace("{host}", s.carrier.data["host"])


def security_definitions(s: CatalogSchemas) -> dict[str, Any]:
    """securityDefinitions: an API key header, or OAuth2 with URLs on the carrier's host."""
    sec = s.family["security"]
    if sec["type"] == "api_key":
        return {sec["name"]: {"type": "apiKey", "in": "header", "name": sec["header"]}}
    return {sec["name"]: {"type": "oauth2", "flow": "accessCode",
                          "authorizationUrl": host_url(s, sec["authorization_url"]),
                          "tokenUrl": host_url(s, sec["token_url"]),
                          "scopes": dict(sec.get("scopes", {}))}}


def connection_parameters(s: CatalogSchemas) -> dict[str, Any]:
    """apiProperties connectionParameters: the family's inputs, or the OAuth2 setting."""
    sec = s.family["security"]
    if sec["type"] == "oauth2":
        oauth = s.carrier.data["oauth"]  # inputs.check_carrier_for_family requires it
        return {"token": {"type": "oauthSetting", "oAuthSettings": {
            "identityProvider": "oauth2",
            "clientId": oauth["client_id"],
            "scopes": list(sec.get("scopes", {})),
            "redirectMode": "Global",
            "redirectUrl": "https://global.consent.azure-apim.net/redirect",
            "properties": {"IsFirstParty": "False", "IsOnbehalfofLoginSupported": False},
            "customParameters": {
                "authorizationUrl": {"value": host_url(s, sec["authorization_url"])},
                "tokenUrl": {"value": host_url(s, sec["token_url"])},
                "refreshUrl": {"value": host_url(s, sec.get("refresh_url", sec["token_url"]))},
            },
        }}}
    return {name: {"type": p["type"], "uiDefinition": {
        "displayName": p["display_name"], "description": p["description"], "tooltip": p["tooltip"],
        "constraints": {"tabIndex": 2, "clearText": False, "required": "true"}}}
        for name, p in s.family["connection_parameters"].items()}


def connection_rows(s: CatalogSchemas) -> list[dict[str, str]]:
    """The reference page's connection table: name, type, description."""
    sec = s.family["security"]
    if sec["type"] == "oauth2":
        return [{"name": "OAuth 2.0", "type": "oauthSetting",
                 "description": f"Sign in at {host_url(s, sec['authorization_url'])} and allow the connector's app."}]
    return [{"name": p["display_name"], "type": p["type"], "description": p["description"]}
            for p in s.family["connection_parameters"].values()]

# --- the whole model ----------------------------------------------------------------
