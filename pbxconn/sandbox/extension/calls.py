"""Simulated calls: the events (type and form keys) the PBX sends for one call leg on one extension.

Pure functions, following the reference §3.3 ("What the subscriber would receive"):

* an incoming call is "dial-in", then "answer" when it is answered, then "hangup";
* IVR extensions produce only dial-in and hangup (no answer, no dial-out);
* a queue extension's own thread (the caller entering and leaving the queue) is dial-in and hangup
  with no answer; the agents' legs are ordinary calls on the agents' phone extensions;
* `Bridged` ("yes"/"no": did a phone user take the call) is sent only in hangups of IVR and queue
  extensions; `CallStatus`, `Duration` and `RecID` only in hangups (`RecID` only for recorded calls);
* an outgoing call (or a call forwarded outside by an incoming-call rule, `Transfered: yes`) is
  "dial-out", then "answer" when answered, then "hangup";
* `CallBackID` is on every event of a call started through POST …/callback/.

Emulator choices where the reference is silent: every key is a string; `CallerIDName` and
`CalledDID` are always present (empty when unknown); only answered calls can be recorded. A callback
to the initiating extension itself sends that extension no events about itself: the caller should
only build the dial-out to the external number then.
"""

from __future__ import annotations

OUTCOMES = {"answered": "ANSWER", "missed": "CANCEL", "busy": "BUSY"}
NO_ANSWER_EVENT = frozenset({"ivr", "queue"})
BRIDGED_TYPES = frozenset({"ivr", "queue"})

Event = tuple[str, dict[str, str]]


def call_events(*, extension: str, extension_type: str, caller: str, called: str, did: str | None,
                outcome: str, seconds: int, recorded: bool, call_id: str, sub_call_id: str,
                rec_id: str | None, callback_id: str | None, caller_name: str = "") -> list[Event]:
    """The (event_type, form keys) sequence of one incoming call on `extension` (dial-in, [answer], hangup)."""
    _check(outcome, seconds, recorded, rec_id, extension_type)
    common = {
        "CallID": call_id, "SubCallID": sub_call_id, "CallerIDNum": caller, "CallerIDName": caller_name,
        "CalledDID": did or "", "CalledExtension": extension, "CalledNumber": called,
    }
    if callback_id is not None:
        common["CallBackID"] = callback_id
    events: list[Event] = [("dial-in", {"EventType": "dial-in", **common})]
    if outcome == "answered" and extension_type not in NO_ANSWER_EVENT:
        events.append(("answer", {"EventType": "answer", **common}))
    hangup = {"EventType": "hangup", **common, **_ending(outcome, seconds, recorded, rec_id)}
    if extension_type in BRIDGED_TYPES:
        hangup["Bridged"] = "yes" if outcome == "answered" else "no"
    events.append(("hangup", hangup))
    return events


def outgoing_call_events(*, extension: str, caller: str, called: str, outcome: str, seconds: int,
                         recorded: bool, call_id: str, sub_call_id: str, rec_id: str | None,
                         callback_id: str | None, caller_name: str = "", transferred: bool = False,
                         extension_type: str = "phone") -> list[Event]:
    """The (event_type, form keys) sequence of one outgoing call from `extension` (dial-out, [answer], hangup).

    extension: the CallerExtension (`client_prefix*name@PBX_domain`); caller: the CallerIDNum shown;
    called: the external number dialled; transferred: an incoming-call rule forwarded the call outside.
    """
    if extension_type == "ivr":
        raise ValueError("IVR extensions produce no dial-out events")
    _check(outcome, seconds, recorded, rec_id, extension_type)
    common = {
        "CallID": call_id, "SubCallID": sub_call_id, "CallerIDNum": caller, "CallerIDName": caller_name,
        "CallerExtension": extension, "CalledNumber": called,
    }
    if callback_id is not None:
        common["CallBackID"] = callback_id
    if transferred:
        common["Transfered"] = "yes"
    events: list[Event] = [("dial-out", {"EventType": "dial-out", **common})]
    if outcome == "answered":
        events.append(("answer", {"EventType": "answer", **common}))
    events.append(("hangup", {"EventType": "hangup", **common, **_ending(outcome, seconds, recorded, rec_id)}))
    return events


def _ending(outcome: str, seconds: int, recorded: bool, rec_id: str | None) -> dict[str, str]:
    keys = {"CallStatus": OUTCOMES[outcome], "Duration": str(seconds)}
    if recorded and rec_id is not None:
        keys["RecID"] = rec_id
    return keys


def _check(outcome: str, seconds: int, recorded: bool, rec_id: str | None, extension_type: str) -> None:
    if outcome not in OUTCOMES:
        raise ValueError(f"outcome must be one of {sorted(OUTCOMES)}, not {outcome!r}")
    if not extension_type:
        raise ValueError("extension_type is required")
    if isinstance(seconds, bool) or not isinstance(seconds, int) or seconds < 0:
        raise ValueError("seconds must be a non-negative integer")
    if recorded and outcome != "answered":
        raise ValueError("only answered calls can be recorded")
    if recorded and not rec_id:
        raise ValueError("a recorded call needs a rec_id")
