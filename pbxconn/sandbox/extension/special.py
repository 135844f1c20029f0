"""The service's operations that are more than storing items: calls, events, registrations, queues,
IVR options, faxes and recordings."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from pbxconn.sandbox.extension import parse
from pbxconn.sandbox.extension.errors import ApiError
from pbxconn.sandbox.extension.handlers import (GENERIC, Ctx, Handler, Reply, check_parents, ext_of, new_uuid,
                                                not_found, page)
from pbxconn.sandbox.extension.service import now_gmt
from pbxconn.sandbox.extension.shape import with_defaults

CURRENT_CALL = "current_call"
# The emulator's reading: a fax goes to an international number (E.164: +, then 7 to 15 digits).
E164 = re.compile(r"\+[1-9][0-9]{6,14}")
RECORD = "record"


# --- SIP registrations --------------------------------------------------------------------
def _registration(ctx: Ctx, ext_id: int) -> dict[str, Any]:
    regs = [item for _, item in ctx.service.store.items("registration", ext_id)]
    return {"registered": bool(regs), "extension_id": ext_id, "registrations": regs}


def registration_list(ctx: Ctx) -> Reply:
    """Registration status of the extensions named in extension_id (all of them when none is)."""
    wanted = ctx.query.get("extension_id")
    exts = [e for e in ctx.service.store.extensions() if not wanted or e[0] in wanted]
    return Reply(200, [ctx.answer(_registration(ctx, e[0])) for e in exts])


def registration_get(ctx: Ctx) -> Reply:
    """Registration status of one extension."""
    return Reply(200, ctx.answer(_registration(ctx, ext_of(ctx).id)))


def registration_delete_all(ctx: Ctx) -> Reply:
    """Drop every registration of the extension."""
    ctx.service.store.delete("registration", ext_of(ctx).id, "")
    return Reply(204)


def registration_delete(ctx: Ctx) -> Reply:
    """Drop one registration."""
    if not ctx.service.store.delete("registration", ext_of(ctx).id, "", str(ctx.path["registration_id"])):
        raise not_found(f"registration {ctx.path['registration_id']}")
    return Reply(204)


# --- calls --------------------------------------------------------------------------------
def callback(ctx: Ctx) -> Reply:
    """Click to call: a current call on the extension, and its dial-out events."""
    kind = ctx.kind
    values = with_defaults(ctx.body(kind.create, kind.required), kind.create)
    call = ctx.service.start_call(ext_of(ctx), caller=(values["src_num"] or [""])[0], called=values["dst_num"],
                                  callback_id=new_uuid(ctx), outgoing=True)
    return Reply(201, ctx.answer({"call_api_id": call["call_api_id"], "call_id": call["call_id"]}))


def _call(ctx: Ctx) -> dict[str, Any]:
    call = ctx.service.store.get(CURRENT_CALL, ext_of(ctx).id, "", str(ctx.path["call_api_id"]))
    if call is None:
        raise not_found(f"call {ctx.path['call_api_id']}")
    return call


def current_calls_list(ctx: Ctx) -> Reply:
    """The calls in progress on the extension."""
    calls = [item for _, item in ctx.service.store.items(CURRENT_CALL, ext_of(ctx).id)]
    return Reply(200, ctx.answer({"call_list": calls}))


def current_call_get(ctx: Ctx) -> Reply:
    """One call in progress."""
    return Reply(200, ctx.answer(_call(ctx)))


def current_call_control(ctx: Ctx) -> Reply:
    """Transfer, hold, park … a call in progress; the answer is not documented: an empty object."""
    call = _call(ctx)
    values = ctx.body(ctx.kind.update, ctx.kind.update_required)
    call.update({k: v for k, v in values.items() if k in ("caller_id_name", "caller_id_number")})
    call["call_flow"] = str(values["action"])
    ctx.service.store.put(CURRENT_CALL, ext_of(ctx).id, "", str(ctx.path["call_api_id"]), call)
    return Reply(200, {})


def current_call_hangup(ctx: Ctx) -> Reply:
    """End a call in progress (its hangup event follows)."""
    call = _call(ctx)
    ctx.service.end_call(ext_of(ctx), call)
    return Reply(204)


def speech_to_text(ctx: Ctx) -> Reply:
    """Start or stop speech recognition on a call in progress."""
    _call(ctx)
    ctx.body(ctx.kind.update, ctx.kind.update_required)
    return Reply(200, {})


def valet_park(ctx: Ctx) -> Reply:
    """Park a call in progress, bring it back, or list the parking slots."""
    _call(ctx)
    values = ctx.body(ctx.kind.update, ctx.kind.update_required)
    return Reply(200, {"slots": []} if values.get("action") == "slots" else {})


# --- event subscriptions ------------------------------------------------------------------
def _subscription(ctx: Ctx, sub_id: int | None = None) -> dict[str, Any]:
    """A subscription of the extension: the path's, or the one with `sub_id`; 404 when there is none."""
    sub_id = ctx.path["id"] if sub_id is None else sub_id
    found = [s for s in ctx.service.store.subscriptions(ext=ext_of(ctx).id) if s["id"] == sub_id]
    if not found:
        raise not_found(f"event subscription {sub_id}")
    return found[0]


def _event_answer(ctx: Ctx, sub: dict[str, Any]) -> dict[str, Any]:
    return ctx.answer({"url": sub["url"], "method": sub["method"], "event_type": sub["event_type"], "id": sub["id"]})


def event_subscribe(ctx: Ctx) -> Reply:
    """Subscribe a URL to an event of the extension, within the client's quota."""
    values = ctx.body(ctx.kind.create, ctx.kind.required)
    url = ctx.service.check_callback_url(values["url"])
    client = ctx.client.client_id
    if len(ctx.service.store.subscriptions(client_id=client)) >= ctx.service.settings.event_quota:
        raise ApiError(403, "event_limit_exceeded",
                       f"this client has {ctx.service.settings.event_quota} event subscriptions, the most it may have")
    sub_id = ctx.service.store.subscribe(ext_of(ctx).id, client, url, values["event_type"], values["method"])
    return Reply(201, _event_answer(ctx, _subscription(ctx, sub_id)))


def event_list(ctx: Ctx) -> Reply:
    """Every subscription of the extension."""
    return Reply(200, [_event_answer(ctx, s) for s in ctx.service.store.subscriptions(ext=ext_of(ctx).id)])


def event_get(ctx: Ctx) -> Reply:
    """One subscription."""
    return Reply(200, _event_answer(ctx, _subscription(ctx)))


def event_update(ctx: Ctx) -> Reply:
    """Change a subscription's URL, event type or method."""
    sub = _subscription(ctx)
    values = ctx.body(ctx.kind.update, ctx.kind.update_required)
    if "url" in values:
        values["url"] = ctx.service.check_callback_url(values["url"])
    ctx.service.store.update_subscription(sub["id"], **values)
    return Reply(200, _event_answer(ctx, _subscription(ctx, sub["id"])))


def event_delete(ctx: Ctx) -> Reply:
    """Remove one subscription."""
    if not ctx.service.store.unsubscribe(ext_of(ctx).id, ctx.path["id"]):
        raise not_found(f"event subscription {ctx.path['id']}")
    return Reply(204)


def event_delete_all(ctx: Ctx) -> Reply:
    """Remove every subscription of the extension, whichever client made it."""
    ctx.service.store.unsubscribe(ext_of(ctx).id)
    return Reply(204)


# --- chats, conferences, faxes ------------------------------------------------------------
def _chat(ctx: Ctx) -> list[tuple[str, dict[str, Any]]]:
    scope = f"chat_id={ctx.path['chat_id']}"
    messages = ctx.service.store.items("chat_message", ext_of(ctx).id, scope)
    if not messages:
        raise not_found(f"chat {ctx.path['chat_id']}")
    return messages


def chat_update(ctx: Ctx) -> Reply:
    """Set the read flag of every message of a chat; answers the last message changed."""
    messages = _chat(ctx)
    values = ctx.body(ctx.kind.update, ctx.kind.update_required)
    scope = f"chat_id={ctx.path['chat_id']}"
    for key, message in messages:
        message.update(values)
        ctx.service.store.put("chat_message", ext_of(ctx).id, scope, key, message)
    return Reply(200, ctx.answer(messages[-1][1]))


def chat_delete(ctx: Ctx) -> Reply:
    """Remove every message of a chat."""
    _chat(ctx)
    ctx.service.store.delete("chat_message", ext_of(ctx).id, f"chat_id={ctx.path['chat_id']}")
    return Reply(204)


def conference_status_get(ctx: Ctx) -> Reply:
    """Live information about the conference running on the extension."""
    action = ctx.query.get("action", "show_members")
    return Reply(200, {"action": action, "members": [], "locked": False})


def conference_status_put(ctx: Ctx) -> Reply:
    """Act on the running conference."""
    ctx.body(ctx.kind.update, ctx.kind.update_required)
    return Reply(200, {})


def fax_send(ctx: Ctx) -> Reply:
    """Queue a fax for sending (multipart: dst_num and the file)."""
    dst = ctx.form.get("dst_num")
    if not isinstance(dst, str):
        raise parse.bad("dst_num is required")
    if not E164.fullmatch(dst):
        raise parse.bad("dst_num must be an international number such as +37060000001")
    if ctx.form.get("file") is None:
        raise parse.bad("file is required")
    fax_id = ctx.service.store.next_id(ctx.kind.name)
    values = {"status": "queued", "dst_num": dst, "id": fax_id, "datetime": now_gmt()}
    ctx.service.store.put(ctx.kind.name, ext_of(ctx).id, "", str(fax_id), values)
    return Reply(201, ctx.answer(values))


def fax_update(ctx: Ctx) -> Reply:
    """Cancel or retry an outgoing fax."""
    key = str(ctx.path["message_id"])
    fax = ctx.service.store.get(ctx.kind.name, ext_of(ctx).id, "", key)
    if fax is None:
        raise not_found(f"fax message {key}")
    if "action" in ctx.query:
        fax["status"] = "cancelled" if ctx.query["action"] == "cancel" else "queued"
        ctx.service.store.put(ctx.kind.name, ext_of(ctx).id, "", key, fax)
    return Reply(200, ctx.answer(fax))


# --- recordings ---------------------------------------------------------------------------
def _records(ctx: Ctx) -> list[dict[str, Any]]:
    records = [item for _, item in ctx.service.store.items(RECORD, ext_of(ctx).id)]
    start, end = ctx.query.get("start_datetime"), ctx.query.get("end_datetime")
    # Values that are not dates select nothing less: the reference gives no format to reject against.
    if isinstance(start, str) and _is_time(start):
        records = [r for r in records if r.get("start_time_gmt", "") >= start]
    if isinstance(end, str) and _is_time(end):
        records = [r for r in records if r.get("start_time_gmt", "") <= end]
    return records


def _is_time(text: str) -> bool:
    for pattern in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d", "%Y-%m"):
        try:
            datetime.strptime(text, pattern)
            return True
        except ValueError:
            continue
    return False


def record_list(ctx: Ctx) -> Reply:
    """Recordings of the extension in the time window, newest first unless order=asc, paged."""
    records = sorted(_records(ctx), key=lambda r: r.get("start_time_gmt", ""), reverse=ctx.query.get("order") != "asc")
    return Reply(200, [ctx.answer(r) for r in page(records, ctx.query)])


def record_stats(ctx: Ctx) -> Reply:
    """Count and total size of the recordings in the time window."""
    records = _records(ctx)
    return Reply(200, [ctx.answer({"files_size": sum(r.get("record_file_size", 0) for r in records),
                                   "records_count": len(records)})])


# --- IVR ----------------------------------------------------------------------------------
def ivr_scheme(ctx: Ctx) -> Reply:
    """The IVR's settings with every context."""
    values = dict(ctx.service.store.settings("ivr", ext_of(ctx).id) or {})
    values["contexts"] = [item for _, item in ctx.service.store.items("ivr_context", ext_of(ctx).id)]
    return Reply(200, ctx.answer(values))


def ivr_option_create(ctx: Ctx) -> Reply:
    """Add a digit option to a context (the digits are its key; adding them again changes nothing)."""
    check_parents(ctx)
    values = ctx.body(ctx.kind.create, ctx.kind.required)
    key = values["digits"]  # adding digits the context has already keeps that option (and its rules)
    ctx.service.store.put(ctx.kind.name, ext_of(ctx).id, ctx.scope, key, values)
    return Reply(201, ctx.answer(values))


# --- queues -------------------------------------------------------------------------------
def _queue_members(ctx: Ctx) -> str:
    return "local" if "/agents/local/" in ctx.endpoint.path else "remote"


def queue_members_list(ctx: Ctx) -> Reply:
    """The agents of this queue (local) or the queues of this agent (remote)."""
    items = [item for _, item in ctx.service.store.items(ctx.kind.name, ext_of(ctx).id, _queue_members(ctx))]
    return Reply(200, [ctx.answer(i) for i in items])


def queue_member_create(ctx: Ctx) -> Reply:
    """Link an agent and a queue."""
    values = with_defaults(ctx.body(ctx.kind.create, ctx.kind.required), ctx.kind.create)
    key = str(values["agent_id"])
    ctx.service.store.put(ctx.kind.name, ext_of(ctx).id, _queue_members(ctx), key, values)
    return Reply(201, ctx.answer(values))


def _member(ctx: Ctx) -> dict[str, Any]:
    item = ctx.service.store.get(ctx.kind.name, ext_of(ctx).id, _queue_members(ctx), str(ctx.path["agent_id"]))
    if item is None:
        raise not_found(f"agent {ctx.path['agent_id']} in this queue")
    return item


def queue_member_get(ctx: Ctx) -> Reply:
    """One membership."""
    return Reply(200, ctx.answer(_member(ctx)))


def queue_member_update(ctx: Ctx) -> Reply:
    """Change an agent's position or level in the queue."""
    item = _member(ctx)
    item.update(ctx.body(ctx.kind.update, ctx.kind.update_required))
    ctx.service.store.put(ctx.kind.name, ext_of(ctx).id, _queue_members(ctx), str(ctx.path["agent_id"]), item)
    return Reply(200, ctx.answer(item))


def queue_member_delete(ctx: Ctx) -> Reply:
    """Unlink an agent and a queue."""
    _member(ctx)
    ctx.service.store.delete(ctx.kind.name, ext_of(ctx).id, _queue_members(ctx), str(ctx.path["agent_id"]))
    return Reply(204)


def queue_status(ctx: Ctx) -> Reply:
    """Live counters of the queue."""
    waiting = ctx.service.store.items("queue_caller", ext_of(ctx).id)
    return Reply(200, ctx.answer({"answered_members": 0, "waiting_members": len(waiting), "trying_members": 0}))


def queue_agent_statuses(ctx: Ctx) -> Reply:
    """Live state of each agent of the queue."""
    agents = [item for _, item in ctx.service.store.items("queue_agent_state", ext_of(ctx).id)]
    return Reply(200, [ctx.answer(a) for a in agents])


def queue_caller_statuses(ctx: Ctx) -> Reply:
    """Live state of each caller waiting in the queue."""
    callers = [item for _, item in ctx.service.store.items("queue_caller", ext_of(ctx).id)]
    return Reply(200, [ctx.answer(c) for c in callers])


SPECIAL: dict[str, Handler] = {
    "registration_list": registration_list, "registration_get": registration_get,
    "registration_delete_all": registration_delete_all, "registration_delete": registration_delete,
    "callback": callback, "current_calls_list": current_calls_list, "current_call_get": current_call_get,
    "current_call_control": current_call_control, "current_call_hangup": current_call_hangup,
    "speech_to_text": speech_to_text, "valet_park": valet_park, "event_subscribe": event_subscribe,
    "event_list": event_list, "event_get": event_get, "event_update": event_update, "event_delete": event_delete,
    "event_delete_all": event_delete_all, "chat_update": chat_update, "chat_delete": chat_delete,
    "conference_status_get": conference_status_get, "conference_status_put": conference_status_put,
    "fax_send": fax_send, "fax_update": fax_update, "record_list": record_list, "record_stats": record_stats,
    "ivr_scheme": ivr_scheme, "ivr_options_list": GENERIC["list"], "ivr_option_create": ivr_option_create,
    "ivr_option_delete": GENERIC["delete"], "queue_members_list": queue_members_list,
    "queue_member_create": queue_member_create, "queue_member_get": queue_member_get,
    "queue_member_update": queue_member_update, "queue_member_delete": queue_member_delete,
    "queue_status": queue_status, "queue_agent_statuses": queue_agent_statuses,
    "queue_caller_statuses": queue_caller_statuses,
}
HANDLERS: dict[str, Handler] = {**GENERIC, **SPECIAL}
