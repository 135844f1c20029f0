"""Simulated calls of the extension PBX emulator: which events one call leg produces, with which keys."""

from __future__ import annotations

from typing import Any

import pytest

from pbxconn.sandbox.extension.calls import call_events, outgoing_call_events


def _incoming(**over: Any) -> list[tuple[str, dict[str, str]]]:
    args: dict[str, Any] = dict(
        extension="0003*200", extension_type="phone", caller="+15550001", called="200", did="+15559999",
        outcome="answered", seconds=42, recorded=False, call_id="c-1", sub_call_id="s-1", rec_id=None,
        callback_id=None,
    )
    args.update(over)
    return call_events(**args)


def _outgoing(**over: Any) -> list[tuple[str, dict[str, str]]]:
    args: dict[str, Any] = dict(
        extension="0003*200@pbx.example", caller="200", called="+15557777", outcome="answered", seconds=7,
        recorded=False, call_id="c-2", sub_call_id="s-2", rec_id=None, callback_id=None,
    )
    args.update(over)
    return outgoing_call_events(**args)


def test_answered_phone_call_is_dial_in_answer_hangup() -> None:
    events = _incoming(caller_name="Ann")
    assert [t for t, _ in events] == ["dial-in", "answer", "hangup"]
    assert all(keys["EventType"] == t for t, keys in events)
    common = {"CallID": "c-1", "SubCallID": "s-1", "CallerIDNum": "+15550001", "CallerIDName": "Ann",
              "CalledDID": "+15559999", "CalledExtension": "0003*200", "CalledNumber": "200"}
    assert events[0][1] == {"EventType": "dial-in", **common}
    assert events[1][1] == {"EventType": "answer", **common}
    assert events[2][1] == {"EventType": "hangup", **common, "CallStatus": "ANSWER", "Duration": "42"}


@pytest.mark.parametrize("outcome, status", [("missed", "CANCEL"), ("busy", "BUSY")])
def test_unanswered_calls_have_no_answer_event(outcome: str, status: str) -> None:
    events = _incoming(outcome=outcome, seconds=0)
    assert [t for t, _ in events] == ["dial-in", "hangup"]
    assert events[-1][1]["CallStatus"] == status and events[-1][1]["Duration"] == "0"


def test_hangup_only_keys_and_empty_defaults() -> None:
    dial_in, answer, hangup = _incoming(did=None)
    for keys in (dial_in[1], answer[1]):
        assert not {"CallStatus", "Duration", "RecID", "Bridged"} & set(keys)
    assert dial_in[1]["CallerIDName"] == "" and dial_in[1]["CalledDID"] == ""
    assert "RecID" not in hangup[1] and "Bridged" not in hangup[1] and "CallBackID" not in hangup[1]
    assert all(isinstance(v, str) for _, keys in (dial_in, answer, hangup) for v in keys.values())


def test_recorded_call_has_rec_id_on_hangup_only() -> None:
    events = _incoming(recorded=True, rec_id="rec-9")
    assert [keys.get("RecID") for _, keys in events] == [None, None, "rec-9"]
    with pytest.raises(ValueError):
        _incoming(recorded=True, rec_id=None)
    with pytest.raises(ValueError):
        _incoming(recorded=True, rec_id="rec-9", outcome="missed")


@pytest.mark.parametrize("kind", ["ivr", "queue"])
@pytest.mark.parametrize("outcome, bridged", [("answered", "yes"), ("missed", "no")])
def test_ivr_and_queue_have_no_answer_and_a_bridged_hangup(kind: str, outcome: str, bridged: str) -> None:
    events = _incoming(extension_type=kind, outcome=outcome)
    assert [t for t, _ in events] == ["dial-in", "hangup"]
    assert events[-1][1]["Bridged"] == bridged and "Bridged" not in events[0][1]


def test_callback_id_is_on_every_event() -> None:
    events = _incoming(callback_id="cb-5")
    assert [keys["CallBackID"] for _, keys in events] == ["cb-5"] * 3


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError):
        _incoming(outcome="rejected")
    with pytest.raises(ValueError):
        _incoming(seconds=-1)
    with pytest.raises(ValueError):
        _incoming(extension_type="")
    with pytest.raises(TypeError):
        call_events(extension="200")  # type: ignore[call-arg]  # every argument is keyword-only and required


def test_outgoing_call_is_dial_out_answer_hangup() -> None:
    events = _outgoing(caller_name="Desk", callback_id="cb-1", recorded=True, rec_id="r-1")
    assert [t for t, _ in events] == ["dial-out", "answer", "hangup"]
    common = {"CallID": "c-2", "SubCallID": "s-2", "CallerIDNum": "200", "CallerIDName": "Desk",
              "CallerExtension": "0003*200@pbx.example", "CalledNumber": "+15557777", "CallBackID": "cb-1"}
    assert events[0][1] == {"EventType": "dial-out", **common}
    assert events[2][1] == {"EventType": "hangup", **common, "CallStatus": "ANSWER", "Duration": "7", "RecID": "r-1"}
    assert "Transfered" not in events[0][1]


def test_forwarded_outside_is_marked_transfered() -> None:
    events = _outgoing(transferred=True, outcome="busy")
    assert [t for t, _ in events] == ["dial-out", "hangup"]
    assert [keys["Transfered"] for _, keys in events] == ["yes", "yes"]
    assert events[-1][1]["CallStatus"] == "BUSY"


def test_ivr_has_no_dial_out() -> None:
    with pytest.raises(ValueError):
        _outgoing(extension_type="ivr")
