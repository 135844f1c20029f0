"""One running extension PBX emulator: its settings, storage, sign-in, limits, event delivery and calls."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from pbxconn.sandbox.extension import calls as call_plans
from pbxconn.sandbox.extension.declare import Kind
from pbxconn.sandbox.extension.errors import ApiError
from pbxconn.sandbox.extension.events import EventDelivery, check_callback_url
from pbxconn.sandbox.extension.oauth import App, OAuthServer
from pbxconn.sandbox.extension.ratelimit import HourlyLimit
from pbxconn.sandbox.extension.resources import ENDPOINTS, KINDS
from pbxconn.sandbox.extension.routes import Router
from pbxconn.sandbox.extension.seed import seed
from pbxconn.sandbox.extension.store import Store

REDIRECT = "https://global.consent.azure-apim.net/redirect"
# The apps a fresh emulator knows: a public app (authorization code, as the connector signs in),
# a trusted app (client credentials, for scripts and contract runs), and a public app whose
# access level is "Call API" only.
DEFAULT_APPS = (
    App("sandbox-public", "sandbox-public-secret", "public", "all", (REDIRECT, "http://127.0.0.1/callback"), "admin"),
    App("sandbox-trusted", "sandbox-trusted-secret", "trusted", "all", (), "admin"),
    App("sandbox-calls", "sandbox-calls-secret", "public", "call", (REDIRECT, "http://127.0.0.1/callback"), "operator"),
)
FILE_KINDS = {"record_uuid": "record", "sound_id": "sound", "fax_uuid": "fax_in"}


def now_gmt() -> str:
    """The time as the service writes it: YYYY-MM-DD HH:MM:SS (UTC)."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


@dataclass(frozen=True)
class Ext:
    """The extension a request addresses."""

    id: int
    name: str
    type: str
    data: dict[str, Any]


@dataclass
class Settings:
    """How an emulator instance behaves."""

    db_path: str = ":memory:"
    seed: int = 1
    apps: tuple[App, ...] = DEFAULT_APPS
    token_seconds: int = 3600
    rate_limit: int | None = 1000
    event_quota: int = 20
    allowed_hosts: frozenset[str] = frozenset()
    delivery_attempts: int = 3
    public_url: str = "http://127.0.0.1"


@dataclass
class Service:
    """One running emulator: storage, OAuth, limits, event delivery."""

    settings: Settings
    kinds: dict[str, Kind] = field(default_factory=lambda: dict(KINDS))
    store: Store = field(init=False)
    oauth: OAuthServer = field(init=False)
    limit: HourlyLimit = field(init=False)
    delivery: EventDelivery = field(init=False)
    router: Router = field(init=False)
    item_kinds: dict[str, str] = field(init=False)
    extension_kind: str = "extension"

    def __post_init__(self) -> None:
        self.store = Store(self.settings.db_path)
        self.oauth = OAuthServer(list(self.settings.apps), self.settings.token_seconds)
        self.limit = HourlyLimit(self.settings.rate_limit)
        self.delivery = EventDelivery(max_attempts=self.settings.delivery_attempts)
        self.router = Router(ENDPOINTS)
        self.item_kinds = {e.path.rstrip("/").rsplit("{", 1)[1][:-1]: e.kind for e in ENDPOINTS
                           if e.kind and e.path.rstrip("/").endswith("}") and e.method in ("GET", "DELETE")}
        if not self.store.extensions():
            seed(self.store, self.kinds, self.settings.seed)

    @property
    def public_url(self) -> str:
        """The root URL links in answers point at."""
        return self.settings.public_url

    def check_callback_url(self, url: str) -> str:
        """A subscription URL the emulator will call (loopback or allowed hosts only)."""
        return check_callback_url(url, self.settings.allowed_hosts)

    def has_file(self, ext_id: int, param: str, key: str, voicemail: bool = False) -> bool:
        """Whether the extension holds the file a download path names."""
        kind = "voicemail" if voicemail else FILE_KINDS.get(param, "")
        return self.store.get(kind, ext_id, "", key) is not None

    # --- calls and their events ---------------------------------------------------------
    def publish(self, ext: Ext, events: list[tuple[str, dict[str, str]]]) -> int:
        """Send each event to every subscription of the extension for its type; how many were sent."""
        sent = 0
        subscriptions = self.store.subscriptions(ext=ext.id)
        for event_type, keys in events:
            for sub in subscriptions:
                if sub["event_type"] == event_type:
                    self.delivery.schedule(sub["url"], sub["method"], keys)
                    sent += 1
        return sent

    def start_call(self, ext: Ext, *, caller: str, called: str, callback_id: str | None,
                   outgoing: bool) -> dict[str, Any]:
        """A call in progress on the extension; its first event goes out now."""
        n = self.store.next_id("call")
        call = {"call_api_id": f"call-{n}", "call_id": f"{n:08d}", "extension_id": ext.id, "real_call": True,
                "caller_id_number": caller, "caller_id_name": "", "called_number": called, "called_did": "",
                "callback_id": callback_id or "", "call_flow": "out" if outgoing else "in",
                "init_time_gmt": now_gmt(), "answer_time_gmt": "", "record_uuid": ""}
        self.store.put("current_call", ext.id, "", call["call_api_id"], call)
        plan = self._plan(ext, call, outgoing)
        self.publish(ext, plan[:1])
        return call

    def end_call(self, ext: Ext, call: dict[str, Any]) -> None:
        """Hang a call up: the rest of its events go out and it leaves the current calls."""
        self.store.delete("current_call", ext.id, "", call["call_api_id"])
        self.publish(ext, self._plan(ext, call, call.get("call_flow") == "out")[1:])

    def _plan(self, ext: Ext, call: dict[str, Any], outgoing: bool) -> list[tuple[str, dict[str, str]]]:
        common = dict(caller=call["caller_id_number"], outcome="answered", seconds=1, recorded=False,
                      call_id=call["call_id"], sub_call_id=call["call_id"] + ".1", rec_id=None,
                      callback_id=call["callback_id"] or None)
        if outgoing and ext.type != "ivr":
            return call_plans.outgoing_call_events(extension=f"{ext.name}@{ext.data.get('domain', '')}",
                                                   called=call["called_number"], extension_type=ext.type, **common)
        return call_plans.call_events(extension=ext.name, extension_type=ext.type, called=ext.name, did=None, **common)

    def simulate(self, ext: Ext, plan: dict[str, Any]) -> dict[str, Any]:
        """Play one whole incoming call on the extension (admin): its events, and its recording."""
        n = self.store.next_id("call")
        call_id = f"{n:08d}"
        recorded = bool(plan.get("recorded")) and plan.get("outcome", "answered") == "answered"
        rec_id = f"00000000-0000-4000-8000-{n:012d}" if recorded else None
        events = call_plans.call_events(
            extension=ext.name, extension_type=ext.type, caller=str(plan.get("caller", "+37060000001")),
            called=ext.name, did=plan.get("did"), outcome=str(plan.get("outcome", "answered")),
            seconds=int(plan.get("seconds", 30)), recorded=recorded, call_id=call_id, sub_call_id=f"{call_id}.1",
            rec_id=rec_id, callback_id=None, caller_name=str(plan.get("caller_name", "")))
        if rec_id:
            record = {name: None for name in self.kinds["record"].fields}
            record.update(record_uuid=rec_id, extension_id=ext.id, call_uuid=call_id, start_time_gmt=now_gmt(),
                          duration=int(plan.get("seconds", 30)), record_file_size=8000 * int(plan.get("seconds", 30)),
                          source_number=str(plan.get("caller", "")), extension_name=ext.name,
                          extension_type=ext.type, result="answered")
            self.store.put("record", ext.id, "", rec_id, {k: v for k, v in record.items() if v is not None})
        sent = self.publish(ext, events)
        return {"call_id": call_id, "record_uuid": rec_id, "events": [keys for _, keys in events], "deliveries": sent}

    def extension(self, ref: str) -> Ext:
        """The extension a path names, or 404."""
        found = self.store.extension(ref)
        if found is None:
            raise ApiError(404, "not_found", f"extension {ref!r} does not exist")
        return Ext(*found)
