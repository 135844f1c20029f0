"""The sandbox's own model of the PBX service and its wire format (never derived from a spec)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from enum import IntEnum
from typing import Any

API_VERSION = "2.0"
EVENTS = (
    "CallStarted",
    "CallConnected",
    "CallTransfered",
    "CallCompleted",
    "CallRecorded",
    "VoicemailCreated",
    "VoicemailDeleted",
    "LostCallerAdded",
    "LostCallerUpdated",
    "LostCallerRemoved",
)
OUTCOMES = ("answered", "missed", "voicemail", "transferred")
DIRECTIONS = ("in", "out")


class CallStatus(IntEnum):
    """Numeric `status` of a call as the service reports it."""

    ANSWERED = 1
    MISSED = 2
    VOICEMAIL = 3
    TRANSFERRED = 4


OUTCOME_STATUS = {
    "answered": CallStatus.ANSWERED,
    "missed": CallStatus.MISSED,
    "voicemail": CallStatus.VOICEMAIL,
    "transferred": CallStatus.TRANSFERRED,
}


def stamp(moment: datetime) -> str:
    """A UTC timestamp in the service's format (RFC 3339, second precision, `Z`)."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def envelope(status_code: int, message: str, data: Any) -> dict[str, Any]:
    """The response envelope every answer of the service carries."""
    return {
        "version": API_VERSION,
        "status": "success" if status_code < 400 else "error",
        "statusCode": status_code,
        "message": message,
        "data": data,
    }


def _present(pairs: dict[str, Any]) -> dict[str, Any]:
    """Drop absent values: the service omits a field rather than sending null."""
    return {key: value for key, value in pairs.items() if value is not None}


@dataclass(frozen=True)
class Group:
    """An employee group (hunt group, department)."""

    id: int
    name: str
    kind: int
    created: str
    member_ids: tuple[int, ...]

    def wire(self) -> dict[str, Any]:
        """Serialise as the service does."""
        return {
            "created": self.created,
            "groupID": self.id,
            "type": self.kind,
            "name": self.name,
            "members": [{"contactID": member} for member in self.member_ids],
        }


@dataclass(frozen=True)
class Employee:
    """A subscriber of the company PBX (a "contact" in the API)."""

    id: int
    first_name: str
    last_name: str
    number: str
    caller_id: str
    archived: bool
    created: str
    avatar: str

    @property
    def full_name(self) -> str:
        """First and last name."""
        return f"{self.first_name} {self.last_name}"

    def wire(self, groups: list[Group]) -> dict[str, Any]:
        """Serialise with the groups the employee belongs to."""
        return {
            "current_callerid": self.caller_id,
            "archived": int(self.archived),
            "firstname": self.first_name,
            "lastname": self.last_name,
            "created": self.created,
            "number": self.number,
            "contactID": self.id,
            "group_membership": [group.wire() for group in groups],
            "avatar": self.avatar,
        }


@dataclass(frozen=True)
class Call:
    """One row of call history."""

    id: int
    caller: str
    destination: str
    direction: str
    status: int
    started: str
    connected: str | None
    ended: str | None
    connection_seconds: int
    employee_id: int | None
    previous_employee_id: int | None
    recording_id: int | None

    def wire(self) -> dict[str, Any]:
        """Serialise as a call-history entry."""
        return _present(
            {
                "callID": self.id,
                "caller": self.caller,
                "destination": self.destination,
                "direction": self.direction,
                "status": self.status,
                "callStarted": self.started,
                "callConnected": self.connected,
                "callEnded": self.ended,
                "connectionTime": self.connection_seconds,
                "contactID": self.employee_id,
                "recordingID": self.recording_id,
            }
        )


@dataclass(frozen=True)
class Recording:
    """A recorded call; most fields come from its call."""

    id: int
    call: Call
    url: str

    def wire(self) -> dict[str, Any]:
        """Serialise as a call-recording entry."""
        call = self.call
        return _present(
            {
                "recordingID": self.id,
                "callID": call.id,
                "caller": call.caller,
                "destination": call.destination,
                "direction": call.direction,
                "status": call.status,
                "callStarted": call.started,
                "callConnected": call.connected,
                "callEnded": call.ended,
                "contactID": call.employee_id,
                "recordingURL": self.url,
            }
        )


@dataclass(frozen=True)
class VoicemailBox:
    """A voicemail box owned by an employee."""

    id: int
    name: str
    owner_id: int
    created: str

    def wire(self) -> dict[str, Any]:
        """Serialise as the service does."""
        return {"clientID": self.owner_id, "boxName": self.name, "created": self.created, "voicemailBoxID": self.id}


@dataclass(frozen=True)
class Voicemail:
    """A message left in a voicemail box."""

    id: int
    sender: str
    seconds: int
    started: str
    box: VoicemailBox
    url: str

    def wire(self) -> dict[str, Any]:
        """Serialise as the service does."""
        return {
            "sender": self.sender,
            "voicemailID": self.id,
            "length": self.seconds,
            "callStarted": self.started,
            "voicemailBoxID": self.box.id,
            "voicemailBoxName": self.box.name,
            "messageURL": self.url,
        }


@dataclass(frozen=True)
class AudioPrompt:
    """A greeting or menu recording used by the PBX."""

    id: int
    name: str
    kind: int

    def wire(self) -> dict[str, Any]:
        """Serialise as the service does."""
        return {"id": self.id, "name": self.name, "type": self.kind}


@dataclass(frozen=True)
class VoipEndpoint:
    """A SIP device or softphone assigned to an employee."""

    id: int
    name: str
    employee_id: int

    def wire(self) -> dict[str, Any]:
        """Serialise as the service does."""
        return {"id": self.id, "name": self.name, "employee_id": self.employee_id}


@dataclass(frozen=True)
class LostCaller:
    """An external number whose calls to an employee went unanswered and were not returned."""

    caller_id: str
    destination: str
    employee_name: str
    attempts: int
    last_contact: str

    def wire(self) -> dict[str, Any]:
        """Serialise as the service does."""
        return {
            "contact_name": self.employee_name,
            "destination": self.destination,
            "attempts": self.attempts,
            "callerid": self.caller_id,
            "last_contact": self.last_contact,
        }


def event_payload(event: str, data: dict[str, Any]) -> dict[str, Any]:
    """The JSON body the service POSTs to a webhook endpoint."""
    return {"type": "event", "version": API_VERSION, "eventType": event, "data": data}


def call_event_data(event: str, call: Call) -> dict[str, Any]:
    """The `data` of a call event: the call as known at that moment of its life."""
    base = {
        "callID": call.id,
        "caller": call.caller,
        "destination": call.destination,
        "direction": call.direction,
        "status": call.status,
        "callStarted": call.started,
        "contactID": call.employee_id,
    }
    if event in ("CallConnected", "CallTransfered", "CallCompleted"):
        base["callConnected"] = call.connected
    if event in ("CallTransfered", "CallCompleted"):
        base["connectionTime"] = call.connection_seconds
        base["previous_contactID"] = call.previous_employee_id
    return _present(base)


def recording_event_data(recording: Recording) -> dict[str, Any]:
    """The `data` of a CallRecorded event."""
    return {
        "recordingID": recording.id,
        "callID": recording.call.id,
        "callStarted": recording.call.started,
        "recordingURL": recording.url,
        "direction": recording.call.direction,
        "connectionTime": recording.call.connection_seconds,
    }
