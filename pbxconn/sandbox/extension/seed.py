"""Deterministic data of a fresh emulator: a small PBX with phones, a queue, an IVR, a conference room
and a fax, and the items that belong to them."""

from __future__ import annotations

import random
from typing import Any, Mapping

from pbxconn.sandbox.extension.declare import NO_DEFAULT, Field, Kind
from pbxconn.sandbox.extension.store import Store

CLIENT_PREFIX = "0003"
DOMAIN = "pbx.sandbox.test"
# id, name, type, label
EXTENSIONS = (
    (100, "100", "phone", "Reception"), (101, "101", "phone", "Sales desk"), (102, "102", "phone", "Support desk"),
    (200, "200", "queue", "Support queue"), (300, "300", "ivr", "Main menu"), (400, "400", "conference", "Board room"),
    (500, "500", "fax", "Office fax"),
)
SETTINGS_BY_TYPE = {"phone": ("phone", "ani", "fax"), "queue": ("queue", "ani"), "ivr": ("ivr", "ani"),
                    "conference": ("conference", "ani"), "fax": ("fax", "ani")}


def sample(name: str, spec: Field, rng: random.Random, kinds: Mapping[str, Kind]) -> Any:
    """A plausible value of the field's type (its default or first allowed value when it has one)."""
    if spec.default is not NO_DEFAULT:
        return spec.default
    if spec.enum:
        return spec.enum[0]
    if spec.type == "integer":
        return rng.randint(1, 500)
    if spec.type == "boolean":
        return False
    if spec.type == "object":
        return {}
    if spec.type == "array":
        return []
    if name.endswith("_gmt") or name.endswith("datetime") or name.endswith("date"):
        return f"2026-11-{rng.randint(1, 28):02d} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00"
    return f"{name.replace('_', ' ')} {rng.randint(1, 99)}"


def item(kind: Kind, rng: random.Random, kinds: Mapping[str, Kind], **values: Any) -> dict[str, Any]:
    """An item of `kind` with every field filled, `values` winning."""
    out = {name: sample(name, spec, rng, kinds) for name, spec in kind.fields.items()}
    out.update(values)
    return out


def seed(store: Store, kinds: Mapping[str, Kind], seed_value: int = 1) -> None:
    """Fill an empty store."""
    rng = random.Random(seed_value)
    for ext_id, name, ext_type, label in EXTENSIONS:
        data = item(kinds["extension"], rng, kinds, id=ext_id, name=f"{CLIENT_PREFIX}*{name}", type=ext_type,
                    label=label, domain=DOMAIN, status="registered" if ext_type == "phone" else "any",
                    caller_id_name=label, create_date="2026-01-05 09:00:00")
        store.add_extension(ext_id, f"{CLIENT_PREFIX}*{name}", ext_type, data)
        for settings_kind in SETTINGS_BY_TYPE[ext_type]:
            store.put_settings(settings_kind, ext_id, item(kinds[settings_kind], rng, kinds))
    for ext_id in (100, 101, 102):
        _phone(store, kinds, rng, ext_id)
    _queue(store, kinds, rng)
    _ivr(store, kinds, rng)


def _put(store: Store, kind: str, ext_id: int, scope: str, data: dict[str, Any], key_field: str = "id") -> None:
    key = data[key_field] if key_field in data else store.next_id(kind)
    if key_field in data and isinstance(data[key_field], int):
        store.next_id(kind)  # keep the counter ahead of seeded ids
    store.put(kind, ext_id, scope, str(key), data)


def _phone(store: Store, kinds: Mapping[str, Kind], rng: random.Random, ext_id: int) -> None:
    n = ext_id - 99
    registration = {"id": f"reg-{ext_id}-1", "contact": f"sip:{ext_id}@192.0.2.{n}", "user_agent": "Desk phone"}
    _put(store, "registration", ext_id, "", registration)
    _put(store, "agent", ext_id, "", item(kinds["agent"], rng, kinds, id=store.next_id("agent"), name=f"Agent {ext_id}",
                                          extension_id=ext_id, status={"name": "available"}))
    _put(store, "alias", ext_id, "", item(kinds["alias"], rng, kinds, id=store.next_id("alias"), name=f"{ext_id}a"))
    _put(store, "user", ext_id, "", item(kinds["user"], rng, kinds, id=store.next_id("user"), login=f"user{ext_id}",
                                         extension_id=ext_id))
    _put(store, "interval", ext_id, "", item(kinds["interval"], rng, kinds, id=store.next_id("interval"),
                                             name="Office hours", extension_id=ext_id))
    _put(store, "incom_rule", ext_id, "", item(kinds["incom_rule"], rng, kinds, id=store.next_id("incom_rule")))
    _put(store, "mail_notification", ext_id, "", item(kinds["mail_notification"], rng, kinds,
                                                      id=store.next_id("mail_notification")))
    _put(store, "sound", ext_id, "", item(kinds["sound"], rng, kinds, id=store.next_id("sound"), title="Greeting",
                                          filename="greeting.wav"))
    for i in range(3):
        uuid = f"00000000-0000-4000-8000-{ext_id:06d}{i:06d}"
        _put(store, "record", ext_id, "", item(kinds["record"], rng, kinds, record_uuid=uuid, extension_id=ext_id,
                                               start_time_gmt=f"2026-11-{10 + i:02d} 10:00:00", duration=30 + i,
                                               record_file_size=48000 * (30 + i)), key_field="record_uuid")
        store.put("voicemail", ext_id, "", uuid.replace("-8000-", "-9000-"), {"record_uuid": uuid})
    store.put("fax_in", ext_id, "", f"fax-{ext_id}-1", {"fax_uuid": f"fax-{ext_id}-1"})
    store.put("chat_message", ext_id, f"chat_id=chat-{ext_id}", "1", {"id": "1", "read": False})


def _queue(store: Store, kinds: Mapping[str, Kind], rng: random.Random) -> None:
    for position, agent_ext in enumerate((100, 101), start=1):
        agent_id = store.items("agent", agent_ext)[0][1]["id"]
        store.put("queue_membership", 200, "local", str(agent_id),
                  {"agent_id": agent_id, "position": position, "level": 1})
        store.put("queue_agent_state", 200, "", str(agent_id),
                  item(kinds["queue_agent_status"], rng, kinds, name=f"Agent {agent_ext}", state="Waiting",
                       status="Available", extension_name=f"{CLIENT_PREFIX}*{agent_ext}"))


def _ivr(store: Store, kinds: Mapping[str, Kind], rng: random.Random) -> None:
    context_id = store.next_id("ivr_context")
    store.put("ivr_context", 300, "", str(context_id),
              item(kinds["ivr_context"], rng, kinds, id=context_id, name="main"))
    scope = f"context_id={context_id}"
    for digits in ("1", "2"):
        store.put("ivr_option", 300, scope, digits, {"digits": digits})
        rule_id = store.next_id("ivr_rule")
        store.put("ivr_rule", 300, f"{scope}/option_digits={digits}", str(rule_id),
                  item(kinds["ivr_rule"], rng, kinds, id=rule_id))
