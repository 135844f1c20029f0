"""What a real call does to the PBX: history rows, recordings, voicemails, lost callers and events."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from typing import Any

from pbxconn.sandbox.db import Store, Where
from pbxconn.sandbox.domain import (
    DIRECTIONS,
    OUTCOME_STATUS,
    OUTCOMES,
    Call,
    CallStatus,
    Employee,
    Recording,
    call_event_data,
    recording_event_data,
    stamp,
)

RINGING = 0
MEDIA_HOST = "https://media.pbx.invalid"
Event = tuple[str, dict[str, Any]]


class SimulationError(ValueError):
    """A simulated call that cannot happen (unknown employee, bad outcome...)."""

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class CallPlan:
    """A call to simulate, as the admin endpoint takes it."""

    outcome: str
    direction: str = "in"
    caller: str | None = None
    destination: str | None = None
    contact_id: int | None = None
    transfer_to: int | None = None
    recorded: bool = False
    seconds: int = 60
    at: datetime | None = None

    def check(self) -> None:
        """Raise SimulationError unless the plan is possible in principle."""
        if self.outcome not in OUTCOMES:
            raise SimulationError(f"outcome must be one of {', '.join(OUTCOMES)}")
        if self.direction not in DIRECTIONS:
            raise SimulationError("direction must be 'in' or 'out'")
        if self.seconds < 0 or self.seconds > 86_400:
            raise SimulationError("seconds must be between 0 and 86400")
        if self.recorded and self.outcome not in ("answered", "transferred"):
            raise SimulationError("only answered or transferred calls can be recorded")


def _employee_for(store: Store, plan: CallPlan) -> Employee:
    if plan.contact_id is not None:
        found = store.employee(plan.contact_id)
        if found is None:
            raise SimulationError(f"no employee with contact_id {plan.contact_id}", 404)
        return found
    own = plan.destination if plan.direction == "in" else plan.caller
    if own:
        where = Where()
        where.add("number = ?", own)
        rows = store.query("SELECT id FROM employees" + where.sql() + " LIMIT 1", where.args)
        if rows:
            return store.employee(rows[0][0])  # type: ignore[return-value]
    rows = store.query("SELECT id FROM employees WHERE archived = 0 ORDER BY id LIMIT 1")
    if not rows:
        raise SimulationError("the PBX has no employees (reset it with a seed)", 409)
    return store.employee(rows[0][0])  # type: ignore[return-value]


def _transfer_target(store: Store, plan: CallPlan, employee: Employee) -> Employee:
    if plan.transfer_to is not None:
        target = store.employee(plan.transfer_to)
        if target is None:
            raise SimulationError(f"no employee with contact_id {plan.transfer_to}", 404)
        return target
    rows = store.query(
        "SELECT id FROM employees WHERE archived = 0 AND id != ? ORDER BY (id < ?), id LIMIT 1", [employee.id, employee.id]
    )
    if not rows:
        raise SimulationError("a transfer needs a second employee", 409)
    return store.employee(rows[0][0])  # type: ignore[return-value]


def place_call(store: Store, plan: CallPlan) -> tuple[dict[str, Any], list[Event]]:
    """Record a call and everything it causes; return a summary and the events in order."""
    plan.check()
    employee = _employee_for(store, plan)
    external = plan.caller if plan.direction == "in" else plan.destination
    if not external:
        count = store.count("calls")
        external = f"+3706{(1_000_000 + count * 7919) % 10_000_000:07d}"
    caller, destination = (external, employee.number) if plan.direction == "in" else (employee.number, external)
    if plan.direction == "in" and plan.destination:
        destination = plan.destination
    if plan.direction == "out" and plan.caller:
        caller = plan.caller
    start = plan.at or datetime.now(timezone.utc).replace(microsecond=0)
    connected = start + timedelta(seconds=6)
    answered = plan.outcome in ("answered", "transferred")
    ended = (connected + timedelta(seconds=plan.seconds)) if answered else start + timedelta(seconds=25)
    events: list[Event] = []
    summary: dict[str, Any] = {}
    with store.transaction():
        call_id = store.execute(
            "INSERT INTO calls (caller, destination, direction, status, started, employee_id) VALUES (?, ?, ?, ?, ?, ?)",
            [caller, destination, plan.direction, RINGING, stamp(start), employee.id],
        )
        call = Call(call_id, caller, destination, plan.direction, RINGING, stamp(start), None, None, 0, employee.id, None, None)
        events.append(("CallStarted", call_event_data("CallStarted", call)))
        if answered:
            call = replace(call, status=int(CallStatus.ANSWERED), connected=stamp(connected))
            events.append(("CallConnected", call_event_data("CallConnected", call)))
        if plan.outcome == "transferred":
            target = _transfer_target(store, plan, employee)
            call = replace(
                call, status=int(CallStatus.TRANSFERRED), employee_id=target.id, previous_employee_id=employee.id,
                connection_seconds=plan.seconds // 2,
            )
            events.append(("CallTransfered", call_event_data("CallTransfered", call)))
        call = replace(
            call, status=int(OUTCOME_STATUS[plan.outcome]), ended=stamp(ended),
            connection_seconds=plan.seconds if answered else 0,
        )
        recording = None
        if plan.recorded:
            recording_id = store.execute(
                "INSERT INTO recordings (call_id, url) VALUES (?, ?)", [call_id, f"{MEDIA_HOST}/recordings/{call_id}.mp3"]
            )
            recording = Recording(recording_id, replace(call, recording_id=recording_id), f"{MEDIA_HOST}/recordings/{call_id}.mp3")
            call = recording.call
            summary["recordingID"] = recording_id
        store.execute(
            "UPDATE calls SET status = ?, connected = ?, ended = ?, connection_seconds = ?, employee_id = ?,"
            " previous_employee_id = ?, recording_id = ? WHERE id = ?",
            [call.status, call.connected, call.ended, call.connection_seconds, call.employee_id,
             call.previous_employee_id, call.recording_id, call_id],
        )
        events.append(("CallCompleted", call_event_data("CallCompleted", call)))
        if recording is not None:
            events.append(("CallRecorded", recording_event_data(recording)))
        if plan.outcome == "voicemail":
            events.append(_leave_voicemail(store, employee, caller, start, plan.seconds, summary))
        events.extend(_lost_callers(store, plan, employee, caller, destination, start))
    summary["callID"] = call_id
    summary["contactID"] = employee.id
    summary["events"] = [name for name, _ in events]
    return summary, events


def _leave_voicemail(store: Store, employee: Employee, caller: str, start: datetime, seconds: int, summary: dict[str, Any]) -> Event:
    rows = store.query("SELECT id, name FROM voicemail_boxes WHERE owner_id = ? ORDER BY id LIMIT 1", [employee.id])
    if not rows:
        box_id = store.execute(
            "INSERT INTO voicemail_boxes (name, owner_id, created) VALUES (?, ?, ?)",
            [f"{employee.full_name} voicemail", employee.id, stamp(start)],
        )
        rows = store.query("SELECT id, name FROM voicemail_boxes WHERE id = ?", [box_id])
    box_id, box_name = rows[0]["id"], rows[0]["name"]
    length = max(1, min(seconds, 180))
    vm_id = store.execute(
        "INSERT INTO voicemails (sender, seconds, started, box_id, url) VALUES (?, ?, ?, ?, '')",
        [caller, length, stamp(start), box_id],
    )
    url = f"{MEDIA_HOST}/voicemails/{vm_id}.mp3"
    store.execute("UPDATE voicemails SET url = ? WHERE id = ?", [url, vm_id])
    summary["voicemailID"] = vm_id
    return "VoicemailCreated", {
        "sender": caller, "voicemailID": vm_id, "length": length, "callStarted": stamp(start),
        "voicemailBoxID": box_id, "voicemailBoxName": box_name, "messageURL": url,
    }


def _lost_callers(
    store: Store, plan: CallPlan, employee: Employee, caller: str, destination: str, start: datetime
) -> list[Event]:
    """Missed inbound calls add or update a lost caller; an answered call or a call back removes it."""
    if plan.direction == "in":
        key = (caller, destination)
    else:
        key = (destination, caller)
    existing = store.lost_caller(*key)
    if plan.outcome == "missed" and plan.direction == "in":
        if existing is None:
            store.execute(
                "INSERT INTO lost_callers (caller_id, destination, employee_name, attempts, last_contact) VALUES (?, ?, ?, 1, ?)",
                [key[0], key[1], employee.full_name, stamp(start)],
            )
            name = "LostCallerAdded"
        else:
            store.execute(
                "UPDATE lost_callers SET attempts = attempts + 1, last_contact = ? WHERE caller_id = ? AND destination = ?",
                [stamp(start), *key],
            )
            name = "LostCallerUpdated"
        return [(name, store.lost_caller(*key).wire())]  # type: ignore[union-attr]
    if existing is not None and plan.outcome in ("answered", "transferred"):
        store.execute("DELETE FROM lost_callers WHERE caller_id = ? AND destination = ?", list(key))
        return [("LostCallerRemoved", {"destination": existing.destination, "callerid": existing.caller_id})]
    return []


def delete_voicemail(store: Store, voicemail_id: int) -> list[Event]:
    """Delete a voicemail as its owner would in the app; returns the VoicemailDeleted event."""
    where = Where()
    where.add("id = ?", voicemail_id)
    rows = store.query("SELECT id, sender FROM voicemails" + where.sql(), where.args)
    if not rows:
        raise SimulationError(f"no voicemail with id {voicemail_id}", 404)
    store.execute("DELETE FROM voicemails WHERE id = ?", [voicemail_id])
    return [("VoicemailDeleted", {"sender": rows[0]["sender"], "voicemailID": rows[0]["id"]})]
