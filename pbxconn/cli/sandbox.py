"""`pbxconn sandbox serve|simulate`: run the PBX emulator, or play calls through a running one."""

from __future__ import annotations

import json

import click

from pbxconn.core.errors import InputError, PbxconnError
from pbxconn.core.exitcodes import ExitCode
from pbxconn.sandbox.ratelimit import DEFAULT as DEFAULT_RATE_LIMIT


@click.group()
def sandbox() -> None:
    """Run the local emulator of the carriers' PBX API, or drive one."""


@sandbox.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(0, 65535), help="0 picks a free port.")
@click.option("--db", "db_path", default=":memory:", show_default=True, help="SQLite file, or :memory:.")
@click.option("--seed", "seed_value", default=1, show_default=True, type=int, help="Seed of the generated data.")
@click.option("--api-key", "api_keys", multiple=True, help="Accepted API key (repeatable). Default: sandbox-key.")
@click.option("--rate-limit", default=DEFAULT_RATE_LIMIT, show_default=True, help="CALLS/SECONDS per key; 0 turns it off.")
@click.option("--allow-webhook-host", "hosts", multiple=True, help="Non-loopback host webhooks may call (repeatable).")
def serve(host: str, port: int, db_path: str, seed_value: int, api_keys: tuple[str, ...], rate_limit: str,
          hosts: tuple[str, ...]) -> int:
    """Serve the carriers' API under /api/v2 until interrupted; prints the URL it listens on."""
    from pbxconn.sandbox.app import DEFAULT_KEY, Settings
    from pbxconn.sandbox.ratelimit import RateLimit
    from pbxconn.sandbox.server import bind, make_server, url_of

    try:
        RateLimit.parse(rate_limit)
    except ValueError as exc:
        raise InputError(str(exc), location="--rate-limit") from None
    settings = Settings(
        db_path=db_path, seed=seed_value, api_keys=api_keys or (DEFAULT_KEY,), rate_limit=rate_limit,
        allowed_hosts=frozenset(h.lower() for h in hosts),
    )
    try:
        sock = bind(host, port)
    except OSError as exc:
        raise PbxconnError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    server = make_server(settings)
    url = url_of(sock)
    keys = ", ".join(settings.api_keys)
    click.echo(f"pbxconn sandbox listening on {url} (API {url}/api/v2, keys: {keys}, rate limit {rate_limit})")
    click.echo("Stop with Ctrl-C.", err=True)
    server.run(sockets=[sock])
    return int(ExitCode.OK)


@sandbox.command()
@click.option("--url", default="http://127.0.0.1:8080", show_default=True, help="Root URL of a running sandbox.")
@click.option("--api-key", default="sandbox-key", show_default=True)
@click.option("--outcome", type=click.Choice(["answered", "missed", "voicemail", "transferred"]), default="answered",
              show_default=True)
@click.option("--direction", type=click.Choice(["in", "out"]), default="in", show_default=True)
@click.option("--caller", default=None, help="Calling number (E.164).")
@click.option("--destination", default=None, help="Called number (E.164).")
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
