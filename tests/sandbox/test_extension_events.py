"""Event delivery of the extension PBX emulator: URL checks, form-encoded POST body / GET headers, retries."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Iterator
from urllib.parse import parse_qs, unquote_plus

import pytest

from pbxconn.sandbox.extension.errors import ApiError
from pbxconn.sandbox.extension.events import EventDelivery, check_callback_url

EVENT = {"EventType": "hangup", "CallID": "c-1", "CallerIDNum": "+1 555&0001", "CallerIDName": "Zoë = Ann",
         "CallStatus": "ANSWER", "Duration": "42"}


@dataclass
class Hit:
    """One request the receiver got."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    status: int


@dataclass
class Receiver:
    """A loopback HTTP server on 127.0.0.1:<free port>; answers `fail_status` to the first `fail_first` requests."""

    fail_first: int = 0
    fail_status: int = 500
    status: int = 200
    hits: list[Hit] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> ThreadingHTTPServer:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with owner.lock:
                    status = owner.fail_status if len(owner.hits) < owner.fail_first else owner.status
                    owner.hits.append(Hit(self.command, self.path, dict(self.headers.items()), body, status))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_POST = _answer  # noqa: N815 (http.server naming)

            def log_message(self, *_: Any) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.port = server.server_address[1]
        return server

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.port}{path}"


@pytest.fixture()
def receiver() -> Iterator[Receiver]:
    yield from _running(Receiver())


@pytest.fixture()
def flaky() -> Iterator[Receiver]:
    yield from _running(Receiver(fail_first=2))


def _running(receiver: Receiver) -> Iterator[Receiver]:
    server = receiver.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/x", "https://localhost/x", "http://[::1]:8080/",
                                 "http://api.localhost/h"])
def test_loopback_urls_are_accepted(url: str) -> None:
    assert check_callback_url(url, frozenset()) == url


@pytest.mark.parametrize("url", ["", "ftp://127.0.0.1/x", "/relative", "http://", "http://127.0.0.1:0/",
                                 "http://127.0.0.1:99999/", "http://127.0.0.1/a b", None, 42])
def test_malformed_urls_are_400_invalid_url(url: Any) -> None:
    with pytest.raises(ApiError) as info:
        check_callback_url(url, frozenset())
    assert (info.value.status, info.value.reason) == (400, "invalid_url")


@pytest.mark.parametrize("url", ["https://example.com/hook", "http://10.0.0.1/", "http://169.254.169.254/latest",
                                 "https://prod-00.westus.logic.azure.com/workflows/x"])
def test_other_hosts_are_403_unless_allowed(url: str) -> None:
    with pytest.raises(ApiError) as info:
        check_callback_url(url, frozenset({"relay.test"}))
    assert (info.value.status, info.value.reason) == (403, "url_host_not_allowed")
    assert check_callback_url("https://relay.test/x", frozenset({"relay.test"})) == "https://relay.test/x"
    assert check_callback_url(url, frozenset({"*"})) == url


def test_post_sends_the_event_form_encoded_in_the_body(receiver: Receiver) -> None:
    delivery = asyncio.run(EventDelivery().deliver(receiver.url("/calls"), "POST", EVENT))
    assert (delivery.outcome, delivery.status, delivery.attempts) == ("delivered", 200, 1)
    [hit] = receiver.hits
    assert hit.method == "POST" and hit.path == "/calls"
    assert hit.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert {k: v[0] for k, v in parse_qs(hit.body.decode("ascii"), keep_blank_values=True).items()} == EVENT
    assert not set(EVENT) & set(hit.headers)  # nothing in the headers


def test_post_keeps_empty_values(receiver: Receiver) -> None:
    asyncio.run(EventDelivery().deliver(receiver.url(), "post", {"EventType": "dial-in", "CallerIDName": ""}))
    assert parse_qs(receiver.hits[0].body.decode(), keep_blank_values=True)["CallerIDName"] == [""]


def test_get_sends_each_key_as_a_form_encoded_header_and_no_body(receiver: Receiver) -> None:
    delivery = asyncio.run(EventDelivery().deliver(receiver.url("/calls?token=abc"), "GET", EVENT))
    assert delivery.outcome == "delivered"
    [hit] = receiver.hits
    assert hit.method == "GET" and hit.path == "/calls?token=abc" and hit.body == b""
    assert "Content-Length" not in hit.headers or hit.headers["Content-Length"] == "0"
    assert hit.headers["CallerIDNum"] == "%2B1+555%260001"
    assert {key: unquote_plus(hit.headers[key]) for key in EVENT} == EVENT


def test_failures_are_retried_with_back_off_until_delivered(flaky: Receiver) -> None:
    sender = EventDelivery(max_attempts=3, first_delay=0.05)
    started = time.monotonic()
    delivery = asyncio.run(sender.deliver(flaky.url(), "POST", EVENT))
    elapsed = time.monotonic() - started
    assert (delivery.outcome, delivery.attempts, delivery.status) == ("delivered", 3, 200)
    assert [h.status for h in flaky.hits] == [500, 500, 200]
    assert [h["status"] for h in delivery.history] == [500, 500, 200]
    assert elapsed >= 0.05 + 0.1 - 0.01  # waited first_delay, then twice that
    assert list(sender.log) == [delivery]


def test_gives_up_after_max_attempts() -> None:
    for receiver in _running(Receiver(fail_first=10, fail_status=503)):
        delivery = asyncio.run(EventDelivery(max_attempts=2, first_delay=0.01).deliver(receiver.url(), "POST", EVENT))
        assert (delivery.outcome, delivery.attempts, delivery.status) == ("failed", 2, 503)
        assert len(receiver.hits) == 2


def test_429_is_retried_but_other_4xx_are_not() -> None:
    for receiver in _running(Receiver(fail_first=1, fail_status=429)):
        delivery = asyncio.run(EventDelivery(first_delay=0.01).deliver(receiver.url(), "POST", EVENT))
        assert (delivery.outcome, delivery.attempts) == ("delivered", 2)
    for receiver in _running(Receiver(status=404)):
        delivery = asyncio.run(EventDelivery(first_delay=0.01).deliver(receiver.url(), "POST", EVENT))
        assert (delivery.outcome, delivery.attempts, delivery.status) == ("rejected", 1, 404)
        assert len(receiver.hits) == 1


def test_connection_errors_are_retried_and_logged() -> None:
    url = f"http://127.0.0.1:{_closed_port()}/hook"
    delivery = asyncio.run(EventDelivery(max_attempts=3, first_delay=0.01).deliver(url, "GET", EVENT))
    assert (delivery.outcome, delivery.attempts, delivery.status) == ("failed", 3, None)
    assert len(delivery.history) == 3 and all(h["error"].startswith("Connect") for h in delivery.history)
    report = delivery.report()
    assert report["eventType"] == "hangup" and report["attempts"] == 3 and report["url"] == url


def test_schedule_fires_and_forgets_and_drain_waits(flaky: Receiver) -> None:
    sender = EventDelivery(first_delay=0.05)

    async def handler() -> tuple[list[str], int, bool]:
        deliveries = [sender.schedule(flaky.url(), "POST", {"EventType": t, "CallID": "c"})
                      for t in ("dial-in", "answer", "hangup")]
        outcomes = [d.outcome for d in deliveries]
        pending = sender.pending()
        return outcomes, pending, await sender.drain(5)

    outcomes, pending, drained = asyncio.run(handler())
    assert outcomes == ["pending"] * 3 and pending == 3 and drained
    assert [d.outcome for d in sender.log] == ["delivered"] * 3
    delivered = [parse_qs(h.body.decode())["EventType"][0] for h in flaky.hits if h.status == 200]
    assert delivered == ["dial-in", "answer", "hangup"]  # the first one's retries did not reorder them


def test_drain_times_out_and_stop_cancels() -> None:
    for receiver in _running(Receiver(fail_first=100)):
        sender = EventDelivery(max_attempts=100, first_delay=0.2)

        async def run() -> tuple[bool, bool]:
            sender.schedule(receiver.url(), "POST", EVENT)
            drained = await sender.drain(0.1)
            await sender.stop()
            return drained, await sender.drain(0.1)

        assert asyncio.run(run()) == (False, True)
        assert sender.log[0].outcome == "failed" and sender.log[0].error == "cancelled"


def test_bad_method_and_values_are_refused() -> None:
    sender = EventDelivery()
    with pytest.raises(ValueError):
        asyncio.run(sender.deliver("http://127.0.0.1:9/", "PUT", EVENT))
    with pytest.raises(TypeError):
        asyncio.run(sender.deliver("http://127.0.0.1:9/", "POST", {"Duration": 42}))  # type: ignore[dict-item]
    assert not sender.log
