"""The connector's header: icon on its brand colour, title, publisher, sign-in and links."""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from typing import Any

from pbxconn.preview.model import ConnectionField, Link
from pbxconn.preview.schema import text

DEFAULT_BRAND = "#007ee5"  # what the platform paints a custom connector without iconBrandColor
HEX_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
WEB_URL = re.compile(r"https?://[^\s\"'<>`]+")
IDENTITY_PROVIDERS = {"aad": "Microsoft Entra ID", "aadcertificate": "Microsoft Entra ID (certificate)",
                      "oauth2": "OAuth 2.0", "oauth2generic": "OAuth 2.0", "github": "GitHub",
                      "google": "Google", "facebook": "Facebook", "microsoftaccount": "Microsoft account"}
OAUTH_FLOWS = {"accessCode": "authorization code", "implicit": "implicit", "application": "client credentials",
               "password": "password"}


@dataclass(frozen=True, slots=True)
class Header:
    """What the page shows above the cards."""

    title: str
    description: str
    publisher: str
    version: str
    host: str
    brand_color: str
    icon: str
    auth: tuple[str, ...]
    connection: tuple[ConnectionField, ...]
    links: tuple[Link, ...]
    categories: tuple[str, ...]


def header_of(swagger: dict, properties: dict, icon: bytes | None, fallback_title: str) -> Header:
    """The header facts of a package (any missing piece is simply left out)."""
    info = _dict(swagger.get("info"))
    contact = _dict(info.get("contact"))
    props = _dict(properties.get("properties"))
    host = text(swagger.get("host")) or ""
    base_path = text(swagger.get("basePath")) or ""
    return Header(
        title=text(info.get("title")) or fallback_title,
        description=text(info.get("description")) or "",
        publisher=text(props.get("publisher")) or text(contact.get("name")) or "",
        version=str(info.get("version", "")) if info.get("version") is not None else "",
        host=host + base_path if host else "",
        brand_color=brand_colour(props.get("iconBrandColor")),
        icon=icon_uri(icon),
        auth=auth_of(swagger, props),
        connection=connection_of(props),
        links=links_of(swagger),
        categories=categories_of(swagger),
    )


def brand_colour(value: Any) -> str:
    """`iconBrandColor` when it is a hex colour, else the platform's default."""
    return value.lower() if isinstance(value, str) and HEX_COLOUR.fullmatch(value) else DEFAULT_BRAND


def icon_uri(data: bytes | None) -> str:
    """icon.png as a data: URI ('' when absent or not a PNG)."""
    if not data or not data.startswith(PNG_SIGNATURE):
        return ""
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def auth_of(swagger: dict, props: dict) -> tuple[str, ...]:
    """Each security scheme in words, as the connection dialog asks for it."""
    schemes = _dict(swagger.get("securityDefinitions"))
    providers = [_dict(p.get("oAuthSettings")).get("identityProvider")
                 for p in _dict(props.get("connectionParameters")).values() if isinstance(p, dict)]
    provider = next((IDENTITY_PROVIDERS.get(str(p).lower(), str(p)) for p in providers if p), "")
    out = []
    for name, scheme in schemes.items():
        scheme = _dict(scheme)
        kind = scheme.get("type")
        if kind == "apiKey":
            out.append(f"API key ({scheme.get('in', '?')} {scheme.get('name', '?')})")
        elif kind == "oauth2":
            flow = OAUTH_FLOWS.get(str(scheme.get("flow")), str(scheme.get("flow", "?")))
            via = f", {provider}" if provider and provider != "OAuth 2.0" else ""
            out.append(f"OAuth 2.0 ({flow}{via})")
        elif kind == "basic":
            out.append("Basic authentication (user name and password)")
        else:
            out.append(f"{name} ({kind})")
    return tuple(out) or ("No authentication",)


def connection_of(props: dict) -> tuple[ConnectionField, ...]:
    """What a maker fills in to create a connection, from connectionParameters (or each set of
    connectionParameterSets, named after its set)."""
    out = list(_fields(_dict(props.get("connectionParameters")), ""))
    sets = _dict(props.get("connectionParameterSets"))
    for value in sets.get("values", []) if isinstance(sets.get("values"), list) else []:
        value = _dict(value)
        label = text(_dict(value.get("uiDefinition")).get("displayName")) or str(value.get("name", ""))
        out.extend(_fields(_dict(value.get("parameters")), label))
    return tuple(out)


def _fields(parameters: dict, prefix: str) -> list[ConnectionField]:
    out = []
    for name, raw in parameters.items():
        raw = _dict(raw)
        ui = _dict(raw.get("uiDefinition"))
        constraints = _dict(ui.get("constraints"))
        if str(constraints.get("hidden", "")).lower() == "true":
            continue
        kind = str(raw.get("type", ""))
        title = text(ui.get("displayName")) or ("Sign in" if kind == "oauthSetting" else name)
        out.append(ConnectionField(
            name=name,
            title=f"{prefix}: {title}" if prefix else title,
            type=kind,
            description=text(ui.get("description")) or text(ui.get("tooltip")) or "",
            required=str(constraints.get("required", "")).lower() == "true",
        ))
    return out


def links_of(swagger: dict) -> tuple[Link, ...]:
    """Web links the connector's own metadata gives (shown as links, never loaded)."""
    out = []
    metadata = swagger.get("x-ms-connector-metadata")
    for entry in metadata if isinstance(metadata, list) else []:
        entry = _dict(entry)
        url = entry.get("propertyValue")
        if isinstance(url, str) and WEB_URL.fullmatch(url):
            out.append(Link(str(entry.get("propertyName", "Link")), url))
    docs = _dict(swagger.get("externalDocs"))
    if isinstance(docs.get("url"), str) and WEB_URL.fullmatch(docs["url"]):
        out.append(Link(text(docs.get("description")) or "Documentation", docs["url"]))
    contact = _dict(_dict(swagger.get("info")).get("contact"))
    if isinstance(contact.get("url"), str) and WEB_URL.fullmatch(contact["url"]):
        out.append(Link("Contact", contact["url"]))
    return tuple(out)


def categories_of(swagger: dict) -> tuple[str, ...]:
    """The categories in x-ms-connector-metadata."""
    metadata = swagger.get("x-ms-connector-metadata")
    for entry in metadata if isinstance(metadata, list) else []:
        entry = _dict(entry)
        if entry.get("propertyName") == "Categories" and isinstance(entry.get("propertyValue"), str):
            return tuple(c.strip() for c in entry["propertyValue"].split(";") if c.strip())
    return ()


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}
