"""`pbxconn sandbox serve|simulate`: run the PBX emulator, or play calls through a running one."""

from __future__ import annotations

import json
import re

import click

from pbxconn.core.errors import InputError, PbxconnError
from pbxconn.core.exitcodes import ExitCode
from pbxconn.sandbox.defaults import DEFAULT_KEY
from pbxconn.sandbox.ratelimit import DEFAULT as DEFAULT_RATE_LIMIT


E164 = re.compile(r"\+[1-9][0-9]{6,14}")


def _e164(param: click.Parameter, value: str | None) -> str | None:
    """The option's value when it is an E.164 number (+ and 7 to 15 digits)."""
    if value is not None and not E164.fullmatch(value):
        raise click.BadParameter(f"{value!r} is not an E.164 number such as +37060000001", param=param)
    return value


@click.group()
def sandbox() -> None:
    """Run the local emulator of the carriers' PBX API, or drive one."""


@sandbox.command()
@click.option("--family", type=click.Choice(["pbx", "extension"]), default="pbx", show_default=True,
              help="Which API to emulate: the carriers' PBX API (/api/v2) or the extension PBX (/api/ver1.0, OAuth2).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(0, 65535), help="0 picks a free port.")
@click.option("--db", "db_path", default=":memory:", show_default=True, help="SQLite file, or :memory:.")
@click.option("--seed", "seed_value", default=1, show_default=True, type=int, help="Seed of the generated data.")
@click.option("--api-key", "api_keys", multiple=True, help=f"pbx: accepted API key (repeatable). Default: {DEFAULT_KEY}.")
@click.option("--rate-limit", default=None,
              help=f"pbx: CALLS/SECONDS per key (default {DEFAULT_RATE_LIMIT}); extension: requests per hour per "
                   "client (default 1000); 0 turns it off.")
@click.option("--event-quota", type=click.IntRange(1), default=20, show_default=True,
              help="extension: event subscriptions one client may hold.")
@click.option("--token-seconds", type=click.IntRange(1), default=3600, show_default=True,
              help="extension: lifetime of an access token.")
@click.option("--allow-webhook-host", "hosts", multiple=True, help="Non-loopback host events may be sent to (repeatable).")
def serve(family: str, host: str, port: int, db_path: str, seed_value: int, api_keys: tuple[str, ...],
          rate_limit: str | None, event_quota: int, token_seconds: int, hosts: tuple[str, ...]) -> int:
    """Serve an emulator until interrupted; prints the URL it listens on.

    The extension emulator knows three OAuth apps: sandbox-public (authorization code, access All),
    sandbox-trusted (client credentials) and sandbox-calls (authorization code, access Call API);
    each app's secret is its id followed by -secret. See docs/sandbox.md.
    """
    from pbxconn.sandbox.server import bind, url_of

    _check_db(db_path)
    try:
        sock = bind(host, port)
    except OSError as exc:
        raise PbxconnError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    url = url_of(sock)
    if family == "extension":
        server, banner = _extension_server(url, db_path, seed_value, rate_limit, event_quota, token_seconds, hosts)
    else:
        server, banner = _pbx_server(url, db_path, seed_value, api_keys, rate_limit or DEFAULT_RATE_LIMIT, hosts)
    click.echo(banner)
    click.echo("Stop with Ctrl-C.", err=True)
    server.run(sockets=[sock])
    return int(ExitCode.OK)


def _check_db(db_path: str) -> None:
    """The SQLite file can be opened (or created): a usage error naming the path otherwise."""
    import sqlite3

    if db_path == ":memory:":
        return
    try:
        sqlite3.connect(db_path).close()
    except sqlite3.Error as exc:
        raise InputError(f"cannot open the SQLite database {db_path!r}: {exc}", location="--db") from None


def _pbx_server(url: str, db_path: str, seed_value: int, api_keys: tuple[str, ...], rate_limit: str,
                hosts: tuple[str, ...]):
    from pbxconn.sandbox.app import Settings
    from pbxconn.sandbox.ratelimit import RateLimit
    from pbxconn.sandbox.server import make_server

    try:
        RateLimit.parse(rate_limit)
    except ValueError as exc:
        raise InputError(str(exc), location="--rate-limit") from None
    settings = Settings(db_path=db_path, seed=seed_value, api_keys=api_keys or (DEFAULT_KEY,), rate_limit=rate_limit,
                        allowed_hosts=frozenset(h.lower() for h in hosts))
    keys = ", ".join(settings.api_keys)
    return make_server(settings), (f"pbxconn sandbox listening on {url} (API {url}/api/v2, keys: {keys}, "
                                   f"rate limit {rate_limit})")


def _extension_server(url: str, db_path: str, seed_value: int, rate_limit: str | None, event_quota: int,
                      token_seconds: int, hosts: tuple[str, ...]):
    from pbxconn.sandbox.extension.app import API_PREFIX, Settings, create_app
    from pbxconn.sandbox.server import serve_app

    text = rate_limit if rate_limit is not None else "1000"
    if not (text.isascii() and text.isdigit()):
        raise InputError(f"{text!r} is not a number of requests per hour (0 turns the limit off)",
                         location="--rate-limit")
    limit = int(text) or None
    settings = Settings(db_path=db_path, seed=seed_value, rate_limit=limit, event_quota=event_quota,
                        token_seconds=token_seconds, allowed_hosts=frozenset(h.lower() for h in hosts), public_url=url)
    shown = f"{limit} requests/hour per client" if limit else "off"
    return serve_app(create_app(settings)), (
        f"pbxconn sandbox listening on {url} (extension PBX API {url}{API_PREFIX}, OAuth {url}/oauth/token, "
        f"rate limit {shown})")


@sandbox.command()
@click.option("--url", default="http://127.0.0.1:8080", show_default=True, help="Root URL of a running sandbox.")
@click.option("--api-key", default=DEFAULT_KEY, show_default=True)
@click.option("--outcome", type=click.Choice(["answered", "missed", "voicemail", "transferred"]), default="answered",
              show_default=True)
@click.option("--direction", type=click.Choice(["in", "out"]), default="in", show_default=True)
@click.option("--caller", default=None, callback=lambda ctx, param, value: _e164(param, value),
              help="Calling number (E.164, e.g. +37060000001).")
@click.option("--destination", default=None, callback=lambda ctx, param, value: _e164(param, value),
              help="Called number (E.164).")
@click.option("--contact-id", type=int, default=None, help="Employee handling the call.")
@click.option("--transfer-to", type=int, default=None, help="Employee a transferred call goes to.")
@click.option("--recorded", is_flag=True, help="Record the call (answered or transferred only).")
@click.option("--seconds", type=int, default=60, show_default=True, help="Talk time.")
@click.option("--count", type=click.IntRange(1, 10_000), default=1, show_default=True, help="How many such calls.")
def simulate(url: str, api_key: str, count: int, **plan: object) -> int:
    """Play calls through a running sandbox (POST /_sandbox/calls); prints one JSON line per call."""
    import httpx

    body = {k: v for k, v in plan.items() if v is not None and v is not False}
    try:
        with httpx.Client(base_url=url.rstrip("/"), headers={"Authorization": f"Bearer {api_key}"}, trust_env=False) as client:
            for _ in range(count):
                response = client.post("/_sandbox/calls", json=body)
                if response.status_code != 200:
                    message = response.json().get("message", response.text) if response.content else response.reason_phrase
                    raise PbxconnError(f"the sandbox refused the call ({response.status_code}): {message}")
                click.echo(json.dumps(response.json()["data"], ensure_ascii=False))
    except httpx.HTTPError as exc:
        raise PbxconnError(f"cannot reach the sandbox at {url}: {exc}") from None
    return int(ExitCode.OK)
