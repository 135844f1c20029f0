"""The extension PBX API as the emulator plays it: resource kinds and the 103 endpoints.

Hand-checked data, in the order of the reference (seed 003). The emulator never reads the seed, the
generator's catalog or a connector spec at run time; tests/sandbox/test_extension_resources.py
compares this module with the seed.

Conventions (see declare.py):
* a Kind's `fields` carry the response defaults, `create` the POST defaults, `update` no defaults
  (a partial PUT must not reset anything);
* nested models the reference names but never defines (registration, condition, interval_condition,
  cascade_number, voice_helper_rules) are arrays of "object"; call_mdl is a current_call and
  context_model an ivr_context;
* Python-style defaults ('True', 'False', '10', '[]') are real values; the enum value 'None' stays
  the string "None".
"""

from __future__ import annotations

import re

from .declare import Endpoint, F, Field, Kind, without_defaults

# Access levels of an OAuth app: "Call API" apps reach only the CALL endpoints.
CALL = "call"
ALL = "all"

# Every handler name an Endpoint may use; the app implements exactly these.
HANDLERS: tuple[str, ...] = (
    # generic collections and singletons
    "list", "create", "get", "update", "delete", "delete_all",
    "settings_get", "settings_put", "order_get", "order_put",
    # registration
    "registration_list", "registration_get", "registration_delete_all", "registration_delete",
    # calls
    "callback", "current_calls_list", "current_call_get", "current_call_control", "current_call_hangup",
    "speech_to_text", "valet_park",
    # chat and conference
    "chat_update", "chat_delete", "conference_status_get", "conference_status_put",
    # event subscriptions
    "event_subscribe", "event_list", "event_get", "event_update", "event_delete", "event_delete_all",
    # fax, files and recordings
    "fax_send", "fax_update", "file", "storage_url", "record_list", "record_stats",
    # ivr
    "ivr_scheme", "ivr_options_list", "ivr_option_create", "ivr_option_delete",
    # queue
    "queue_status", "queue_agent_statuses", "queue_caller_statuses",
    "queue_members_list", "queue_member_create", "queue_member_get", "queue_member_update", "queue_member_delete",
)

# Allowed values ("One of" lists of the reference) used by several fields or too long to repeat.
# EVENT_TYPES: the 8 event types of an event subscription, in the reference's order.
AGENT_STATUSES: tuple[str, ...] = ("logged_out", "available")
EVENT_TYPES: tuple[str, ...] = (
    "dial-in", "dial-out", "hangup", "answer", "message-in", "message-out", "message-out-status",
    "voicemail",
)
EVENT_METHODS: tuple[str, ...] = ("GET", "POST")
CALL_STATUSES: tuple[str, ...] = ("no_answer", "busy", "any")
CALLER_ID_ACTIONS: tuple[str, ...] = ("matches", "not_matches", "anonymous", "any")
EXTENSION_STATUSES: tuple[str, ...] = ("registered", "unreachable", "any")
INCOM_RULE_TYPES: tuple[str, ...] = (
    "busy", "transfer", "hangup", "playfile", "voicemail", "cascade", "simple_transfer", "simple_cascade",
)
VM_PROFILES: tuple[str, ...] = ("default", "record_silence")
PLAY_DIGITS_METHODS: tuple[str, ...] = ("pronounced", "iterated", "None")
INTERACTIVE_METHODS: tuple[str, ...] = ("GET", "POST", "None")
HANGUP_CAUSES: tuple[str, ...] = ("normal", "busy")
IVR_SOUND_TYPES: tuple[str, ...] = ("background", "foreground", "None")
IVR_RULE_ACTIONS: tuple[str, ...] = (
    "transfer", "hangup", "play_sound", "play_silence", "jump_to_context", "play_digits", "call_interactive",
    "transfer_from_variable", "set_variable", "voicemail", "simple_transfer", "set_caller_id_name",
    "set_caller_id_number", "record_digits", "play_digits_from_variable", "quality_rate", "voice_helper",
    "start_record",
)
MAIL_EVENT_TYPES: tuple[str, ...] = ("call_failed_mail",)
USER_STATUSES: tuple[str, ...] = ("active", "blocked")
USER_ACCESS: tuple[str, ...] = ("full", "read_only")
QUEUE_STRATEGIES: tuple[str, ...] = (
    "ring-all", "longest-idle-agent", "round-robin", "top-down", "agent-with-least-talk-time",
    "agent-with-fewest-calls", "sequentially-by-agent-order", "random",
)
CALL_ACTIONS: tuple[str, ...] = (
    "eavesdrop", "whisper", "conference", "transfer", "attended_transfer", "hold", "offhold", "park",
    "pickup",
)
CONFERENCE_STATUS_ACTIONS: tuple[str, ...] = ("show_members", "is_locked", "max_members", "count", "run_time")

# The reference does not list the values of the extension resource's `type`: this is the emulator's choice.
EXTENSION_TYPES: tuple[str, ...] = ("phone", "queue", "ivr", "conference", "fax")

# Type of every path parameter (the same name has the same type everywhere in the reference).
PATH_TYPES: dict[str, str] = {
    "extension_id": "string",
    "agent_id": "integer",
    "chat_id": "string",
    "call_api_id": "string",
    "id": "integer",
    "fax_uuid": "string",
    "message_id": "integer",
    "rule_id": "integer",
    "interval_id": "integer",
    "context_id": "integer",
    "option_digits": "string",
    "record_uuid": "string",
    "registration_id": "string",
    "sound_id": "integer",
    "user_id": "integer",
}


# ---- resource kinds, grouped by resource ------------------------------------------------------------

# SIP registration state of an extension
REGISTRATION_STATUS = Kind(
    name="registration_status",
    fields={
        "registered": F("boolean", default=False),
        "extension_id": F("integer"),
        "registrations": F("array", items="object", default=[]),
    },
)

# queue agents of an extension (the seed types `status` string in requests but object in answers)
AGENT_CREATE: dict[str, Field] = {
    "status": F("string", enum=AGENT_STATUSES, default="available"),
    "agent_sound_id": F("integer"),
    "name": F("string"),
    "busy_delay_time": F("integer", default=10),
    "no_answer_delay_time": F("integer", default=10),
    "call_timeout": F("integer"),
    "wrap_up_time": F("integer", default=0),
    "reject_delay_time": F("integer", default=10),
    "extra_params": F("string"),
}

AGENT = Kind(
    name="agent",
    fields={
        "status": F("object"),
        "agent_sound_id": F("integer"),
        "name": F("string"),
        "busy_delay_time": F("integer"),
        "no_answer_delay_time": F("integer"),
        "call_timeout": F("integer", default=60),
        "wrap_up_time": F("integer"),
        "extension_id": F("integer"),
        "reject_delay_time": F("integer"),
        "extra_params": F("string"),
        "id": F("integer"),
    },
    create=AGENT_CREATE,
    required=frozenset({"name"}),
    update=without_defaults(AGENT_CREATE),
    id_field="id",
)

# aliases of an extension (read only)
ALIAS = Kind(
    name="alias",
    fields={
        "comment": F("string"),
        "domain": F("object"),
        "create_date": F("string"),
        "name": F("string"),
        "extension_id": F("integer"),
        "id": F("integer"),
    },
    id_field="id",
)

# outgoing number identification (settings)
ANI = Kind(
    name="ani",
    fields={
        "default": F("string"),
    },
    update={
        "ani_number": F("string"),
    },
    update_required=frozenset({"ani_number"}),
)

# click-to-call: the answer names the started call
CALLBACK = Kind(
    name="callback",
    fields={
        "call_api_id": F("string"),
        "call_id": F("string"),
    },
    create={
        "allow_public_transfer": F("boolean", default=False),
        "transfer_after_dst_hangup": F("string"),
        "src_num": F("array", items="string"),
        "callback_rate_limit": F("integer"),
        "call_duration": F("integer"),
        "src_caller_id_number": F("string"),
        "transfer_after_src_hangup": F("string"),
        "wait_for_pickup": F("integer"),
        "caller_id_name": F("string"),
        "dst_num": F("string"),
        "dst_ani": F("string"),
        "src_caller_id_name": F("string"),
        "caller_id_number": F("string"),
        "announce_sound_id": F("integer"),
        "dst_announce_sound_id": F("integer"),
        "src_ani": F("string"),
        "dst_dtmf": F("string"),
    },
    required=frozenset({"src_num", "dst_num"}),
    id_field="call_api_id",
)

# messages of one chat (read flag)
CHAT_MESSAGES = Kind(
    name="chat_messages",
    fields={
        "read": F("boolean"),
        "id": F("string"),
    },
    update={
        "read": F("boolean"),
    },
    id_field="id",
)

# conference-room settings
CONFERENCE = Kind(
    name="conference",
    fields={
        "moderator_pin": F("string"),
        "pin": F("string"),
        "max_members": F("integer"),
        "music_on_hold_sound": F("integer"),
        "announce_caller_name": F("boolean", default=False),
        "enter_sound": F("integer"),
        "record_enabled": F("boolean", default=False),
        "mute_non_moderator": F("boolean", default=False),
    },
    update={
        "moderator_pin": F("string"),
        "pin": F("string"),
        "max_members": F("integer"),
        "music_on_hold_sound": F("integer"),
        "announce_caller_name": F("boolean"),
        "enter_sound": F("integer"),
        "record_enabled": F("boolean"),
        "mute_non_moderator": F("boolean"),
    },
)

# a running conference: actions in, no documented answer
CONFERENCE_STATUS = Kind(
    name="conference_status",
    fields={},
    update={
        "mute": F("boolean"),
        "stop_play": F("boolean"),
        "lock": F("boolean"),
        "deaf": F("boolean"),
        "enter_sound": F("boolean"),
        "member_id": F("integer"),
        "play_file": F("integer"),
    },
)

# the live calls of a phone extension
CURRENT_CALL_LIST = Kind(
    name="current_call_list",
    fields={
        "call_list": F("array", items="current_call"),
    },
)

# one live call, and the call-control actions
CURRENT_CALL = Kind(
    name="current_call",
    fields={
        "called_number": F("string"),
        "record_uuid": F("string"),
        "init_time_gmt": F("string"),
        "real_call": F("boolean", default=True),
        "call_flow": F("string"),
        "called_did": F("string"),
        "callback_id": F("string"),
        "caller_id_name": F("string"),
        "call_api_id": F("string"),
        "extension_id": F("integer"),
        "answer_time_gmt": F("string"),
        "caller_id_number": F("string"),
    },
    update={
        "action": F("string", enum=CALL_ACTIONS),
        "caller_id_name": F("string"),
        "send_dst": F("string"),
        "caller_id_number": F("string"),
    },
    update_required=frozenset({"action"}),
    id_field="call_api_id",
)

# event subscriptions (webhooks); a new subscription is always delivered by POST (the seed also
# allows GET, which the connector hides), while PUT keeps the seed's GET/POST choice
EVENT = Kind(
    name="event",
    fields={
        "url": F("string"),
        "method": F("string"),
        "event_type": F("string"),
        "id": F("integer"),
    },
    create={
        "url": F("string"),
        "event_type": F("string", enum=EVENT_TYPES),
        "method": F("string", enum=("POST",), default="POST"),
    },
    required=frozenset({"url", "event_type", "method"}),
    update={
        "url": F("string"),
        "event_type": F("string", enum=EVENT_TYPES),
        "method": F("string", enum=EVENT_METHODS),
    },
    id_field="id",
)

# the extension's own properties (read only)
EXTENSION = Kind(
    name="extension",
    fields={
        "status": F("string"),
        "domain": F("string"),
        "dial_rule_limit": F("integer"),
        "name": F("string"),
        "extra_params": F("string"),
        "extension_group_id": F("integer"),
        "label": F("string"),
        "caller_id_name": F("string"),
        "client_id": F("integer"),
        "dial_rule_id": F("integer"),
        "message_did": F("string"),
        "create_date": F("string"),
        "ani_rfc3325": F("boolean"),
        "type": F("string"),
        "id": F("integer"),
        "did_as_transfer_caller_id": F("string"),
    },
)

# fax settings
FAX = Kind(
    name="fax",
    fields={
        "fax_in_format": F("string", default="tiff"),
        "fax_mailto": F("string"),
        "fax_out_greeting": F("integer"),
        "email_to_fax_accept": F("array", items="string"),
    },
    update={
        "fax_in_format": F("string"),
        "fax_mailto": F("string"),
        "fax_out_greeting": F("integer"),
        "email_to_fax_accept": F("array", items="string"),
    },
)

# outgoing fax messages (sent as a multipart form)
FAX_MESSAGE = Kind(
    name="fax_message",
    fields={
        "status": F("string"),
        "dst_num": F("string"),
        "id": F("integer"),
        "datetime": F("string"),
    },
    id_field="id",
)

# incoming-call rules (ignore_early_media: create default True, answer default False, as in the seed)
INCOM_RULE_CREATE: dict[str, Field] = {
    "allow_public_transfer": F("boolean", default=False),
    "extension_call_status": F("string", enum=CALL_STATUSES, default="any"),
    "call_status": F("string", enum=CALL_STATUSES, default="any"),
    "transfer_dst": F("string"),
    "enable_call_screening": F("boolean", default=False),
    "enabled": F("boolean", default=True),
    "interval": F("integer"),
    "caller_id_action": F("string", enum=CALLER_ID_ACTIONS, default="any"),
    "control_code": F("string"),
    "caller_id": F("string"),
    "ignore_early_media": F("boolean", default=True),
    "extension_status": F("string", enum=EXTENSION_STATUSES, default="any"),
    "transfer_timeout": F("integer", default=60),
    "playfile_sound": F("integer"),
    "cascade_numbers": F("array", items="object"),
    "type": F("string", enum=INCOM_RULE_TYPES),
    "final": F("boolean", default=True),
    "name": F("string"),
}

INCOM_RULE = Kind(
    name="incom_rule",
    fields={
        "allow_public_transfer": F("boolean", default=False),
        "extension_call_status": F("string", enum=CALL_STATUSES, default="any"),
        "call_status": F("string", enum=CALL_STATUSES, default="any"),
        "playfile_sound": F("integer"),
        "enable_call_screening": F("boolean", default=False),
        "enabled": F("boolean", default=True),
        "interval": F("integer"),
        "caller_id_action": F("string"),
        "control_code": F("string"),
        "caller_id": F("string"),
        "id": F("integer"),
        "extension_status": F("string", enum=EXTENSION_STATUSES, default="any"),
        "transfer_timeout": F("integer"),
        "ignore_early_media": F("boolean", default=False),
        "transfer_dst": F("string"),
        "cascade_numbers": F("array", items="object"),
        "type": F("string"),
        "final": F("boolean", default=True),
        "name": F("string"),
    },
    create=INCOM_RULE_CREATE,
    required=frozenset({"type"}),
    update=without_defaults(INCOM_RULE_CREATE),
    id_field="id",
)

# order of incoming-call rules, and of the rules of an IVR option
RULE_ORDER = Kind(
    name="rule_order",
    fields={
        "rules_ids": F("array", items="integer", default=[]),
    },
    update={
        "rules_ids": F("array", items="integer"),
    },
    update_required=frozenset({"rules_ids"}),
)

# time intervals (schedules); PUT replaces name, timezone and conditions
INTERVAL_CREATE: dict[str, Field] = {
    "timezone": F("string"),
    "conditions": F("array", items="object"),
    "name": F("string"),
}

INTERVAL = Kind(
    name="interval",
    fields={
        "dealer_id": F("integer"),
        "name": F("string"),
        "extension_id": F("integer"),
        "client_id": F("integer"),
        "timezone": F("string"),
        "conditions": F("array", items="object"),
        "id": F("integer"),
    },
    create=INTERVAL_CREATE,
    required=frozenset({"timezone", "conditions", "name"}),
    update=without_defaults(INTERVAL_CREATE),
    update_required=frozenset({"timezone", "conditions", "name"}),
    id_field="id",
)

# IVR settings
IVR = Kind(
    name="ivr",
    fields={
        "lifetime_exp_action": F("string"),
        "entry_context": F("integer"),
        "lifetime_exp_transfer_dst": F("string"),
        "vm_enabled": F("boolean", default=False),
        "vm_greeting": F("integer"),
        "vm_profile": F("string", default="default"),
        "lifetime": F("integer"),
        "vm_attach_file": F("boolean", default=True),
        "sleep_time": F("integer"),
        "vm_mailto": F("string"),
    },
    update={
        "lifetime_exp_action": F("string", enum=("hangup", "transfer")),
        "entry_context": F("integer"),
        "lifetime_exp_transfer_dst": F("string"),
        "vm_enabled": F("boolean"),
        "vm_greeting": F("integer"),
        "vm_profile": F("string", enum=VM_PROFILES),
        "lifetime": F("integer"),
        "vm_attach_file": F("boolean"),
        "sleep_time": F("integer"),
        "vm_mailto": F("string"),
    },
)

# IVR contexts (menus)
IVR_CONTEXT_CREATE: dict[str, Field] = {
    "name": F("string"),
    "inter_digit_timeout": F("integer", default=2000),
    "timeout": F("integer", default=5000),
    "extra_params": F("string"),
    "allow_any_dial": F("boolean", default=False),
    "digit_len": F("integer"),
    "description": F("string"),
}

IVR_CONTEXT = Kind(
    name="ivr_context",
    fields={
        "description": F("string"),
        "inter_digit_timeout": F("integer"),
        "timeout": F("integer"),
        "extra_params": F("string"),
        "allow_any_dial": F("boolean"),
        "id": F("integer"),
        "digit_len": F("integer"),
        "name": F("string"),
    },
    create=IVR_CONTEXT_CREATE,
    required=frozenset({"name"}),
    update=without_defaults(IVR_CONTEXT_CREATE),
    id_field="id",
)

# digit options of an IVR context, addressed by their digits
IVR_OPTION = Kind(
    name="ivr_option",
    fields={
        "digits": F("string"),
    },
    create={
        "digits": F("string"),
    },
    required=frozenset({"digits"}),
    id_field="digits",
)

# rules of an IVR option (only create takes order_position; *_digits_max are integers in, strings out)
IVR_RULE = Kind(
    name="ivr_rule",
    fields={
        "transfer_variable": F("string"),
        "call_status": F("string", default="any"),
        "play_digits_method": F("string"),
        "voice_helper_classic_term": F("boolean", default=True),
        "caller_id": F("string"),
        "match_variable_value": F("string"),
        "play_digits_variable": F("string"),
        "call_interactive_method": F("string"),
        "voice_helper_timeout": F("integer"),
        "id": F("integer"),
        "record_digits_max": F("string"),
        "is_simple_transfer": F("boolean", default=False),
        "voice_helper_digits_max": F("string"),
        "match_variable_name": F("string"),
        "caller_id_action": F("string"),
        "context_option": F("string"),
        "silence_time": F("integer"),
        "set_variable_name": F("string"),
        "caller_id_number": F("string"),
        "hangup_cause": F("string", default="normal"),
        "final": F("boolean", default=True),
        "sound": F("integer"),
        "sound_type": F("string"),
        "max_rate": F("integer", default=5),
        "call_interactive_url": F("string"),
        "caller_id_name": F("string"),
        "voice_helper_rules": F("array", items="object"),
        "transfer_timeout": F("integer"),
        "digits": F("string"),
        "name": F("string"),
        "record_digits_variable": F("string"),
        "play_sound_from_variable": F("boolean", default=False),
        "interval": F("integer"),
        "record_digits_timeout": F("integer"),
        "transfer_dst": F("string"),
        "context": F("integer"),
        "action": F("string"),
        "set_variable_value": F("string"),
        "call_interactive_timeout": F("integer"),
        "record_digits_sound": F("integer"),
    },
    create={
        "transfer_variable": F("string"),
        "call_status": F("string", enum=CALL_STATUSES, default="any"),
        "play_digits_method": F("string", enum=PLAY_DIGITS_METHODS),
        "voice_helper_classic_term": F("boolean"),
        "caller_id": F("string"),
        "match_variable_value": F("string"),
        "play_digits_variable": F("string"),
        "call_interactive_method": F("string", enum=INTERACTIVE_METHODS, default="GET"),
        "voice_helper_timeout": F("integer"),
        "record_digits_max": F("integer"),
        "is_simple_transfer": F("boolean", default=False),
        "voice_helper_digits_max": F("integer"),
        "match_variable_name": F("string"),
        "caller_id_action": F("string", enum=CALLER_ID_ACTIONS, default="any"),
        "context_option": F("string"),
        "silence_time": F("integer"),
        "set_variable_name": F("string"),
        "caller_id_number": F("string"),
        "hangup_cause": F("string", enum=HANGUP_CAUSES, default="normal"),
        "final": F("boolean", default=True),
        "sound": F("integer"),
        "sound_type": F("string", enum=IVR_SOUND_TYPES),
        "max_rate": F("integer"),
        "call_interactive_url": F("string"),
        "order_position": F("string"),
        "caller_id_name": F("string"),
        "voice_helper_rules": F("array", items="object"),
        "transfer_timeout": F("integer"),
        "digits": F("string"),
        "name": F("string"),
        "record_digits_variable": F("string"),
        "play_sound_from_variable": F("boolean"),
        "interval": F("integer"),
        "record_digits_timeout": F("integer"),
        "transfer_dst": F("string"),
        "context": F("integer"),
        "action": F("string", enum=IVR_RULE_ACTIONS),
        "set_variable_value": F("string"),
        "call_interactive_timeout": F("integer"),
        "record_digits_sound": F("integer"),
    },
    required=frozenset({"action"}),
    update={
        "transfer_variable": F("string"),
        "call_status": F("string", enum=CALL_STATUSES),
        "play_digits_method": F("string", enum=PLAY_DIGITS_METHODS),
        "voice_helper_classic_term": F("boolean"),
        "caller_id": F("string"),
        "match_variable_value": F("string"),
        "play_digits_variable": F("string"),
        "call_interactive_method": F("string", enum=INTERACTIVE_METHODS),
        "voice_helper_timeout": F("integer"),
        "record_digits_max": F("integer"),
        "is_simple_transfer": F("boolean"),
        "voice_helper_digits_max": F("integer"),
        "match_variable_name": F("string"),
        "caller_id_action": F("string", enum=CALLER_ID_ACTIONS),
        "context_option": F("string"),
        "silence_time": F("integer"),
        "set_variable_name": F("string"),
        "caller_id_number": F("string"),
        "hangup_cause": F("string", enum=HANGUP_CAUSES),
        "final": F("boolean"),
        "sound": F("integer"),
        "sound_type": F("string", enum=IVR_SOUND_TYPES),
        "max_rate": F("integer"),
        "call_interactive_url": F("string"),
        "caller_id_name": F("string"),
        "voice_helper_rules": F("array", items="object"),
        "transfer_timeout": F("integer"),
        "digits": F("string"),
        "name": F("string"),
        "record_digits_variable": F("string"),
        "play_sound_from_variable": F("boolean"),
        "interval": F("integer"),
        "record_digits_timeout": F("integer"),
        "transfer_dst": F("string"),
        "context": F("integer"),
        "action": F("string", enum=IVR_RULE_ACTIONS),
        "set_variable_value": F("string"),
        "call_interactive_timeout": F("integer"),
        "record_digits_sound": F("integer"),
    },
    id_field="id",
)

# the whole IVR tree: settings plus contexts
IVR_SCHEME = Kind(
    name="ivr_scheme",
    fields={
        "lifetime_exp_action": F("string"),
        "entry_context": F("integer"),
        "contexts": F("array", items="ivr_context"),
        "vm_enabled": F("boolean", default=False),
        "vm_greeting": F("integer"),
        "lifetime_exp_transfer_dst": F("string"),
        "vm_profile": F("string", default="default"),
        "lifetime": F("integer"),
        "vm_attach_file": F("boolean", default=True),
        "sleep_time": F("integer"),
        "vm_mailto": F("string"),
    },
)

# e-mail notifications
MAIL_NOTIFICATION_CREATE: dict[str, Field] = {
    "mail": F("string"),
    "event_type": F("string", enum=MAIL_EVENT_TYPES),
}

MAIL_NOTIFICATION = Kind(
    name="mail_notification",
    fields={
        "mail": F("string"),
        "event_type": F("string"),
        "id": F("integer"),
    },
    create=MAIL_NOTIFICATION_CREATE,
    required=frozenset({"mail", "event_type"}),
    update=without_defaults(MAIL_NOTIFICATION_CREATE),
    id_field="id",
)

# phone-terminal settings
PHONE = Kind(
    name="phone",
    fields={
        "auth_type": F("string"),
        "vm_enabled": F("boolean", default=False),
        "hold_music": F("integer"),
        "preserve_caller_id_number_att_tr": F("boolean", default=False),
        "conference_pin": F("string"),
        "conference_end_on_exit": F("boolean", default=True),
        "network_permission_group_id": F("integer"),
        "append_to_cid_name_on_transfer": F("string"),
        "record_stereo": F("string"),
        "hangup_timeout": F("integer", default=60),
        "incoming_limit": F("integer"),
        "vm_mailto": F("string"),
        "conference_announce_caller_name": F("boolean", default=False),
        "label": F("string"),
        "vm_greeting": F("integer"),
        "record_enabled": F("boolean", default=False),
        "vm_attach_file": F("boolean", default=True),
        "intercom": F("integer"),
        "announce_sound_upon_incoming_call": F("integer"),
        "announce_sound_upon_outgoing_call": F("integer"),
        "transfer_caller_id_number": F("string"),
        "ignore_early_media": F("boolean", default=False),
        "vm_profile": F("string", default="default"),
        "static_reg_address": F("string"),
        "geo_list": F("string"),
        "name": F("string"),
        "call_screening_enabled": F("boolean", default=False),
        "ringback_sound": F("integer"),
        "record_format": F("string"),
        "replace_pin": F("string"),
        "record_transfer": F("boolean", default=False),
        "external_number": F("string"),
    },
    update={
        "auth_type": F("string", enum=("digest", "network", "both")),
        "vm_enabled": F("boolean"),
        "hold_music": F("integer"),
        "preserve_caller_id_number_att_tr": F("boolean"),
        "conference_pin": F("string"),
        "conference_end_on_exit": F("boolean"),
        "network_permission_group_id": F("integer"),
        "append_to_cid_name_on_transfer": F("string"),
        "record_stereo": F("string", enum=("yes", "no", "None")),
        "hangup_timeout": F("integer"),
        "incoming_limit": F("integer"),
        "vm_mailto": F("string"),
        "conference_announce_caller_name": F("boolean"),
        "vm_greeting": F("integer"),
        "record_enabled": F("boolean"),
        "vm_attach_file": F("boolean"),
        "intercom": F("integer"),
        "announce_sound_upon_incoming_call": F("integer"),
        "announce_sound_upon_outgoing_call": F("integer"),
        "transfer_caller_id_number": F("string"),
        "ignore_early_media": F("boolean"),
        "vm_profile": F("string", enum=VM_PROFILES),
        "static_reg_address": F("string"),
        "password": F("string"),
        "geo_list": F("string"),
        "call_screening_enabled": F("boolean"),
        "ringback_sound": F("integer"),
        "record_format": F("string", enum=("mp3", "wav", "None")),
        "replace_pin": F("string"),
        "record_transfer": F("boolean"),
        "external_number": F("string"),
    },
)

# call-queue settings (sound_type: the seed's PUT says default ring, the answer default music)
QUEUE = Kind(
    name="queue",
    fields={
        "announce_sound": F("integer"),
        "no_agent_timeout_transfer_dst_sound": F("integer"),
        "start_sound": F("integer"),
        "exit_key": F("string"),
        "append_to_cid_name_on_transfer": F("string"),
        "agent_announce_sound": F("integer"),
        "position_announce_frequency": F("integer"),
        "agent_hangup_action": F("string"),
        "skip_busy_agents": F("boolean", default=False),
        "vm_mailto": F("string"),
        "no_agent_timeout_transfer_dst": F("string"),
        "agent_report_wait_time": F("boolean", default=False),
        "vm_enabled": F("boolean", default=False),
        "quality_rate_sound": F("integer"),
        "strategy": F("string"),
        "try_same_agent_time": F("integer"),
        "record_enabled": F("boolean", default=False),
        "vm_attach_file": F("boolean", default=True),
        "tier_rule_wait_multiply_level": F("boolean", default=False),
        "sound_type": F("string", default="music"),
        "timeout_transfer_dst_sound": F("integer"),
        "tier_rules_apply": F("boolean", default=False),
        "disable_answer": F("boolean", default=False),
        "vm_profile": F("string", default="default"),
        "vm_greeting": F("integer"),
        "quality_rate_finish_sound": F("integer"),
        "announce_frequency": F("integer"),
        "exit_transfer_dst": F("string"),
        "tier_rule_wait_second": F("integer", default=0),
        "sound": F("integer"),
        "exit_with_no_av_agents": F("boolean", default=False),
        "exit_transfer_dst_sound": F("integer"),
        "quality_rate_max": F("integer"),
        "timeout_transfer_dst": F("string"),
        "max_wait_time": F("integer"),
        "agent_hangup_transfer_dst": F("string"),
        "max_wait_time_with_no_agent": F("integer"),
    },
    update={
        "announce_sound": F("integer"),
        "no_agent_timeout_transfer_dst_sound": F("integer"),
        "start_sound": F("integer"),
        "exit_key": F("string"),
        "append_to_cid_name_on_transfer": F("string"),
        "agent_announce_sound": F("integer"),
        "position_announce_frequency": F("integer"),
        "agent_hangup_action": F("string", enum=("None", "transfer", "quality_rate")),
        "skip_busy_agents": F("boolean"),
        "vm_mailto": F("string"),
        "no_agent_timeout_transfer_dst": F("string"),
        "agent_report_wait_time": F("boolean"),
        "vm_enabled": F("boolean"),
        "quality_rate_sound": F("integer"),
        "strategy": F("string", enum=QUEUE_STRATEGIES),
        "try_same_agent_time": F("integer"),
        "record_enabled": F("boolean"),
        "vm_attach_file": F("boolean"),
        "tier_rule_wait_multiply_level": F("boolean"),
        "sound_type": F("string", enum=("ring", "music")),
        "timeout_transfer_dst_sound": F("integer"),
        "tier_rules_apply": F("boolean"),
        "disable_answer": F("boolean"),
        "vm_profile": F("string", enum=VM_PROFILES),
        "vm_greeting": F("integer"),
        "quality_rate_finish_sound": F("integer"),
        "announce_frequency": F("integer"),
        "exit_transfer_dst": F("string"),
        "tier_rule_wait_second": F("integer"),
        "sound": F("integer"),
        "exit_with_no_av_agents": F("boolean"),
        "exit_transfer_dst_sound": F("integer"),
        "quality_rate_max": F("integer"),
        "timeout_transfer_dst": F("string"),
        "max_wait_time": F("integer"),
        "agent_hangup_transfer_dst": F("string"),
        "max_wait_time_with_no_agent": F("integer"),
    },
)

# an agent's place in a queue (queue/agents/local and /remote); position/level: create default 0, answer 1
QUEUE_MEMBERSHIP = Kind(
    name="queue_membership",
    fields={
        "position": F("integer", default=1),
        "agent_id": F("integer"),
        "level": F("integer", default=1),
    },
    create={
        "position": F("integer", default=0),
        "agent_id": F("integer"),
        "level": F("integer", default=0),
    },
    required=frozenset({"agent_id"}),
    update={
        "position": F("integer"),
        "level": F("integer"),
    },
    id_field="agent_id",
)

# live queue counters
QUEUE_STATUS = Kind(
    name="queue_status",
    fields={
        "answered_members": F("integer", default=0),
        "waiting_members": F("integer", default=0),
        "trying_members": F("integer", default=0),
    },
)

# live state of one queue agent
QUEUE_AGENT_STATUS = Kind(
    name="queue_agent_status",
    fields={
        "status": F("string"),
        "name_fs": F("string"),
        "name": F("string"),
        "extension_name": F("string"),
        "call_duration": F("integer"),
        "state": F("string"),
    },
)

# live state of one caller waiting in a queue
QUEUE_CALLER_STATUS = Kind(
    name="queue_caller_status",
    fields={
        "state": F("string"),
        "number": F("string"),
        "wait_time": F("integer"),
        "joined_datetime": F("string"),
        "call_api_id": F("string"),
        "serving_agent": F("string"),
    },
)

# call recordings
RECORD = Kind(
    name="record",
    fields={
        "to_username": F("string"),
        "source_number": F("string"),
        "result": F("string"),
        "duration": F("integer"),
        "hangup_time_gmt": F("string"),
        "to_domain": F("string"),
        "record_file_size": F("integer"),
        "calls_result": F("string"),
        "from_username": F("string"),
        "calls_hangup_disposition": F("string"),
        "ani_number": F("string"),
        "application": F("string"),
        "start_time_gmt": F("string"),
        "ext_number_reg": F("string"),
        "hangup_cause": F("string"),
        "hangup_disposition": F("string"),
        "extension_group_owner_id": F("integer"),
        "init_time_gmt": F("string"),
        "source_domain": F("string"),
        "dest_domain": F("string"),
        "record_uuid": F("string"),
        "from_domain": F("string"),
        "call_uuid": F("string"),
        "extension_type": F("string"),
        "did_domain": F("string"),
        "from_screen_name": F("string"),
        "extension_name": F("string"),
        "flow": F("string"),
        "dest_number": F("string"),
        "extension_id": F("integer"),
        "did_number": F("string"),
        "client_owner_id": F("integer"),
    },
    id_field="record_uuid",
)

# count and size of recordings in a time window
RECORD_STATS = Kind(
    name="record_stats",
    fields={
        "files_size": F("integer"),
        "records_count": F("integer"),
    },
)

# sound files (read only)
SOUND = Kind(
    name="sound",
    fields={
        "title": F("string"),
        "dealer_id": F("integer"),
        "id": F("integer"),
        "client_id": F("integer"),
        "filename": F("string"),
    },
    id_field="id",
)

# speech recognition on a live call: actions in, no documented answer
SPEECH_TO_TEXT = Kind(
    name="speech_to_text",
    fields={},
    update={
        "action": F("string", enum=("start", "stop")),
        "url": F("string"),
        "direction": F("string", enum=("in", "out")),
    },
    update_required=frozenset({"action", "direction"}),
)

# users bound to an extension
USER = Kind(
    name="user",
    fields={
        "comment": F("string"),
        "status": F("string"),
        "name": F("string"),
        "email": F("string"),
        "access": F("string"),
        "extension_id": F("integer"),
        "extra_params": F("string"),
        "timezone": F("string"),
        "login": F("string"),
        "id": F("integer"),
    },
    create={
        "comment": F("string"),
        "status": F("string", enum=USER_STATUSES),
        "name": F("string"),
        "email_notify": F("boolean", default=False),
        "access": F("string", enum=USER_ACCESS),
        "extra_params": F("string"),
        "timezone": F("string"),
        "login": F("string"),
        "password": F("string"),
        "email_for_notify": F("string"),
        "email": F("string"),
    },
    required=frozenset({"name", "login", "password", "email"}),
    update={
        "comment": F("string"),
        "status": F("string", enum=USER_STATUSES),
        "name": F("string"),
        "access": F("string", enum=USER_ACCESS),
        "extra_params": F("string"),
        "timezone": F("string"),
        "password": F("string"),
        "email": F("string"),
    },
    id_field="id",
)

# valet parking of a live call: actions in, no documented answer
VALET_PARK = Kind(
    name="valet_park",
    fields={},
    update={
        "action": F("string", enum=("park", "bridge", "slots")),
        "slot": F("integer"),
    },
    update_required=frozenset({"action"}),
)

KINDS: dict[str, Kind] = {kind.name: kind for kind in (
    REGISTRATION_STATUS,
    AGENT,
    ALIAS,
    ANI,
    CALLBACK,
    CHAT_MESSAGES,
    CONFERENCE,
    CONFERENCE_STATUS,
    CURRENT_CALL_LIST,
    CURRENT_CALL,
    EVENT,
    EXTENSION,
    FAX,
    FAX_MESSAGE,
    INCOM_RULE,
    RULE_ORDER,
    INTERVAL,
    IVR,
    IVR_CONTEXT,
    IVR_OPTION,
    IVR_RULE,
    IVR_SCHEME,
    MAIL_NOTIFICATION,
    PHONE,
    QUEUE,
    QUEUE_MEMBERSHIP,
    QUEUE_STATUS,
    QUEUE_AGENT_STATUS,
    QUEUE_CALLER_STATUS,
    RECORD,
    RECORD_STATS,
    SOUND,
    SPEECH_TO_TEXT,
    USER,
    VALET_PARK,
)}


# ---- endpoints --------------------------------------------------------------------------------------

# Query parameters shared by paged lists, and the time window of recordings.
PAGING: dict[str, Field] = {"page": F("integer", default=1), "per_page": F("integer")}
RECORD_WINDOW: dict[str, Field] = {"start_datetime": F("string"), "end_datetime": F("string")}
ALIAS_QUERY: dict[str, Field] = {
    **PAGING,
    "id": F("array", items="integer"),
    "name": F("array", items="string"),
    "domain": F("array", items="string"),
}
RECORD_QUERY: dict[str, Field] = {**PAGING, **RECORD_WINDOW, "order": F("string", enum=("desc", "asc"), default="desc")}
SOUND_QUERY: dict[str, Field] = {**PAGING, "id": F("array", items="integer"), "title": F("array", items="string")}
USER_QUERY: dict[str, Field] = {
    "id": F("array", items="integer"),
    "login": F("array", items="string"),
    "name": F("array", items="string"),
    "email": F("array", items="string"),
    "comment": F("array", items="string"),
    "status": F("array", items="string"),
    "timezone": F("array", items="string"),
    "access": F("array", items="string"),
}


def _ep(method: str, path: str, handler: str, kind: str | None = None, *, query: dict[str, Field] | None = None,
        form: dict[str, Field] | None = None, access: str = ALL) -> Endpoint:
    """An Endpoint whose path_types come from PATH_TYPES."""
    path_types = {name: PATH_TYPES[name] for name in re.findall(r"\{(\w+)\}", path)}
    return Endpoint(method, path, handler, kind, path_types, dict(query or {}), dict(form or {}), access)


# In the reference's order. Handlers: see HANDLERS; kind: a key of KINDS.
ENDPOINTS: tuple[Endpoint, ...] = (
    # registration
    _ep("GET", "/extension/registration/",
        "registration_list", "registration_status", query={"extension_id": F("array", items="integer")}, access=CALL),
    # agent
    _ep("POST", "/extension/{extension_id}/agent/", "create", "agent"),
    _ep("GET", "/extension/{extension_id}/agent/", "list", "agent", access=CALL),
    _ep("PUT", "/extension/{extension_id}/agent/{agent_id}", "update", "agent", access=CALL),
    _ep("GET", "/extension/{extension_id}/agent/{agent_id}", "get", "agent", access=CALL),
    _ep("DELETE", "/extension/{extension_id}/agent/{agent_id}",
        "delete", "agent", query={"remove_from_queues": F("boolean", default=True)}),
    # alias
    _ep("GET", "/extension/{extension_id}/alias/", "list", "alias", query=ALIAS_QUERY),
    # ani
    _ep("PUT", "/extension/{extension_id}/ani/", "settings_put", "ani"),
    _ep("GET", "/extension/{extension_id}/ani/", "settings_get", "ani"),
    # callback
    _ep("POST", "/extension/{extension_id}/callback/", "callback", "callback", access=CALL),
    # chat
    _ep("PUT", "/extension/{extension_id}/chat/{chat_id}/messages/", "chat_update", "chat_messages"),
    _ep("DELETE", "/extension/{extension_id}/chat/{chat_id}/messages/", "chat_delete", "chat_messages"),
    # conference
    _ep("PUT", "/extension/{extension_id}/conference/", "settings_put", "conference"),
    _ep("GET", "/extension/{extension_id}/conference/", "settings_get", "conference"),
    _ep("PUT", "/extension/{extension_id}/conference/status/", "conference_status_put", "conference_status"),
    _ep("GET", "/extension/{extension_id}/conference/status/",
        "conference_status_get", "conference_status", query={"action": F("string", enum=CONFERENCE_STATUS_ACTIONS)}),
    # current_calls
    _ep("GET", "/extension/{extension_id}/current_calls/", "current_calls_list", "current_call_list", access=CALL),
    _ep("PUT", "/extension/{extension_id}/current_calls/{call_api_id}", "current_call_control", "current_call", access=CALL),
    _ep("GET", "/extension/{extension_id}/current_calls/{call_api_id}", "current_call_get", "current_call", access=CALL),
    _ep("DELETE", "/extension/{extension_id}/current_calls/{call_api_id}", "current_call_hangup", "current_call", access=CALL),
    # event
    _ep("POST", "/extension/{extension_id}/event/", "event_subscribe", "event", access=CALL),
    _ep("GET", "/extension/{extension_id}/event/", "event_list", "event", access=CALL),
    _ep("DELETE", "/extension/{extension_id}/event/", "event_delete_all", "event", access=CALL),
    _ep("PUT", "/extension/{extension_id}/event/{id}", "event_update", "event", access=CALL),
    _ep("GET", "/extension/{extension_id}/event/{id}", "event_get", "event", access=CALL),
    _ep("DELETE", "/extension/{extension_id}/event/{id}", "event_delete", "event", access=CALL),
    # extension
    _ep("GET", "/extension/{extension_id}/extension/", "settings_get", "extension", access=CALL),
    # fax
    _ep("PUT", "/extension/{extension_id}/fax/", "settings_put", "fax"),
    _ep("GET", "/extension/{extension_id}/fax/", "settings_get", "fax"),
    _ep("GET", "/extension/{extension_id}/fax/in/{fax_uuid}", "file"),
    _ep("POST", "/extension/{extension_id}/fax/out/",
        "fax_send", "fax_message", form={"dst_num": F("string"), "file": F("file")}),
    _ep("PUT", "/extension/{extension_id}/fax/out/{message_id}",
        "fax_update", "fax_message", query={"action": F("string", enum=("cancel", "retry"))}),
    # incom_rule
    _ep("POST", "/extension/{extension_id}/incom_rule/", "create", "incom_rule"),
    _ep("GET", "/extension/{extension_id}/incom_rule/", "list", "incom_rule"),
    _ep("PUT", "/extension/{extension_id}/incom_rule/order/", "order_put", "rule_order"),
    _ep("GET", "/extension/{extension_id}/incom_rule/order/", "order_get", "rule_order"),
    _ep("PUT", "/extension/{extension_id}/incom_rule/{rule_id}", "update", "incom_rule"),
    _ep("GET", "/extension/{extension_id}/incom_rule/{rule_id}", "get", "incom_rule"),
    _ep("DELETE", "/extension/{extension_id}/incom_rule/{rule_id}", "delete", "incom_rule"),
    # interval
    _ep("POST", "/extension/{extension_id}/interval/", "create", "interval"),
    _ep("GET", "/extension/{extension_id}/interval/", "list", "interval"),
    _ep("PUT", "/extension/{extension_id}/interval/{interval_id}", "update", "interval"),
    _ep("GET", "/extension/{extension_id}/interval/{interval_id}", "get", "interval"),
    _ep("DELETE", "/extension/{extension_id}/interval/{interval_id}", "delete", "interval"),
    # ivr
    _ep("PUT", "/extension/{extension_id}/ivr/", "settings_put", "ivr"),
    _ep("GET", "/extension/{extension_id}/ivr/", "settings_get", "ivr"),
    _ep("POST", "/extension/{extension_id}/ivr/context/", "create", "ivr_context"),
    _ep("GET", "/extension/{extension_id}/ivr/context/", "list", "ivr_context"),
    _ep("PUT", "/extension/{extension_id}/ivr/context/{context_id}", "update", "ivr_context"),
    _ep("GET", "/extension/{extension_id}/ivr/context/{context_id}", "get", "ivr_context"),
    _ep("DELETE", "/extension/{extension_id}/ivr/context/{context_id}", "delete", "ivr_context"),
    _ep("POST", "/extension/{extension_id}/ivr/context/{context_id}/options/", "ivr_option_create", "ivr_option"),
    _ep("GET", "/extension/{extension_id}/ivr/context/{context_id}/options/", "ivr_options_list", "ivr_option"),
    _ep("DELETE", "/extension/{extension_id}/ivr/context/{context_id}/options/{option_digits}",
        "ivr_option_delete", "ivr_option"),
    _ep("POST", "/extension/{extension_id}/ivr/context/{context_id}/options/{option_digits}/rules/", "create", "ivr_rule"),
    _ep("GET", "/extension/{extension_id}/ivr/context/{context_id}/options/{option_digits}/rules/", "list", "ivr_rule"),
    _ep("PUT", "/extension/{extension_id}/ivr/context/{context_id}/options/{option_digits}/rules/order/",
        "order_put", "rule_order"),
    _ep("GET", "/extension/{extension_id}/ivr/context/{context_id}/options/{option_digits}/rules/order/",
        "order_get", "rule_order"),
    _ep("PUT", "/extension/{extension_id}/ivr/context/{context_id}/options/{option_digits}/rules/{rule_id}",
        "update", "ivr_rule"),
    _ep("GET", "/extension/{extension_id}/ivr/context/{context_id}/options/{option_digits}/rules/{rule_id}", "get", "ivr_rule"),
    _ep("DELETE", "/extension/{extension_id}/ivr/context/{context_id}/options/{option_digits}/rules/{rule_id}",
        "delete", "ivr_rule"),
    _ep("GET", "/extension/{extension_id}/ivr/scheme/", "ivr_scheme", "ivr_scheme"),
    # mail_notification
    _ep("POST", "/extension/{extension_id}/mail_notification/", "create", "mail_notification"),
    _ep("GET", "/extension/{extension_id}/mail_notification/", "list", "mail_notification"),
    _ep("PUT", "/extension/{extension_id}/mail_notification/{id}", "update", "mail_notification"),
    _ep("GET", "/extension/{extension_id}/mail_notification/{id}", "get", "mail_notification"),
    _ep("DELETE", "/extension/{extension_id}/mail_notification/{id}", "delete", "mail_notification"),
    # phone
    _ep("PUT", "/extension/{extension_id}/phone/", "settings_put", "phone"),
    _ep("GET", "/extension/{extension_id}/phone/", "settings_get", "phone"),
    # queue
    _ep("PUT", "/extension/{extension_id}/queue/", "settings_put", "queue"),
    _ep("GET", "/extension/{extension_id}/queue/", "settings_get", "queue"),
    _ep("POST", "/extension/{extension_id}/queue/agents/local/", "queue_member_create", "queue_membership"),
    _ep("GET", "/extension/{extension_id}/queue/agents/local/", "queue_members_list", "queue_membership"),
    _ep("PUT", "/extension/{extension_id}/queue/agents/local/{agent_id}", "queue_member_update", "queue_membership"),
    _ep("GET", "/extension/{extension_id}/queue/agents/local/{agent_id}", "queue_member_get", "queue_membership"),
    _ep("DELETE", "/extension/{extension_id}/queue/agents/local/{agent_id}", "queue_member_delete", "queue_membership"),
    _ep("POST", "/extension/{extension_id}/queue/agents/remote/", "queue_member_create", "queue_membership"),
    _ep("GET", "/extension/{extension_id}/queue/agents/remote/", "queue_members_list", "queue_membership"),
    _ep("PUT", "/extension/{extension_id}/queue/agents/remote/{agent_id}", "queue_member_update", "queue_membership"),
    _ep("GET", "/extension/{extension_id}/queue/agents/remote/{agent_id}", "queue_member_get", "queue_membership"),
    _ep("DELETE", "/extension/{extension_id}/queue/agents/remote/{agent_id}", "queue_member_delete", "queue_membership"),
    _ep("GET", "/extension/{extension_id}/queue/status/", "queue_status", "queue_status", access=CALL),
    _ep("GET", "/extension/{extension_id}/queue/status/agents/", "queue_agent_statuses", "queue_agent_status", access=CALL),
    _ep("GET", "/extension/{extension_id}/queue/status/members/", "queue_caller_statuses", "queue_caller_status", access=CALL),
    # record
    _ep("GET", "/extension/{extension_id}/record/", "record_list", "record", query=RECORD_QUERY, access=CALL),
    _ep("GET", "/extension/{extension_id}/record/stats/", "record_stats", "record_stats", query=RECORD_WINDOW, access=CALL),
    _ep("GET", "/extension/{extension_id}/record/{record_uuid}", "file", "record", access=CALL),
    _ep("GET", "/extension/{extension_id}/record/{record_uuid}/download/", "file", "record", access=CALL),
    _ep("GET", "/extension/{extension_id}/record/{record_uuid}/storage_url/", "storage_url", "record", access=CALL),
    # registration
    _ep("GET", "/extension/{extension_id}/registration/", "registration_get", "registration_status", access=CALL),
    _ep("DELETE", "/extension/{extension_id}/registration/", "registration_delete_all", "registration_status"),
    _ep("DELETE", "/extension/{extension_id}/registration/{registration_id}", "registration_delete", "registration_status"),
    # sound
    _ep("GET", "/extension/{extension_id}/sound/", "list", "sound", query=SOUND_QUERY),
    _ep("GET", "/extension/{extension_id}/sound/{sound_id}/download/", "file", "sound"),
    # speech_to_text
    _ep("PUT", "/extension/{extension_id}/speech_to_text/{call_api_id}", "speech_to_text", "speech_to_text", access=CALL),
    # user
    _ep("POST", "/extension/{extension_id}/user/extension/", "create", "user"),
    _ep("GET", "/extension/{extension_id}/user/extension/", "list", "user", query=USER_QUERY),
    _ep("PUT", "/extension/{extension_id}/user/extension/{user_id}", "update", "user"),
    _ep("GET", "/extension/{extension_id}/user/extension/{user_id}", "get", "user"),
    _ep("DELETE", "/extension/{extension_id}/user/extension/{user_id}", "delete", "user"),
    # valet_park
    _ep("PUT", "/extension/{extension_id}/valet_park/{call_api_id}", "valet_park", "valet_park", access=CALL),
    # voicemail
    _ep("GET", "/extension/{extension_id}/voicemail/{record_uuid}", "file", access=CALL),
    _ep("GET", "/extension/{extension_id}/voicemail/{record_uuid}/storage_url/", "storage_url", access=CALL),
)

# Query and form parameters the reference marks Required (Field has no `required`; path parameters always are).
REQUIRED_PARAMS: dict[tuple[str, str], frozenset[str]] = {
    ("GET", "/extension/{extension_id}/conference/status/"): frozenset({"action"}),
    ("POST", "/extension/{extension_id}/fax/out/"): frozenset({"dst_num", "file"}),
    ("PUT", "/extension/{extension_id}/fax/out/{message_id}"): frozenset({"action"}),
    ("GET", "/extension/{extension_id}/record/"): frozenset({"start_datetime", "end_datetime"}),
    ("GET", "/extension/{extension_id}/record/stats/"): frozenset({"start_datetime", "end_datetime"}),
}
