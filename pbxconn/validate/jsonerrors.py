"""JSON syntax errors said for people, at the place a person would fix them."""

from __future__ import annotations

import json


def describe(text: str, exc: json.JSONDecodeError) -> tuple[str, int]:
    """(message, offset) for a decode error: a trailing comma is reported at the comma, not at the
    bracket after it; Python's parser wording becomes the mistake's name."""
    before = text[:exc.pos].rstrip()
    here = text[exc.pos:exc.pos + 1]
    msg = exc.msg
    if before.endswith(",") and here in ("}", "]") and msg.startswith(("Expecting property name", "Expecting value")):
        kind = "object" if here == "}" else "array"
        return f"trailing comma: the last member of an {kind} is followed by ','", len(before) - 1
    if msg.startswith("Expecting ',' delimiter"):
        return "missing comma between two members or values", exc.pos
    if msg.startswith("Expecting ':' delimiter"):
        return "missing ':' after a property name", exc.pos
    if msg.startswith("Expecting property name"):
        return "a property name must be a string in double quotes", exc.pos
    if msg.startswith("Unterminated string"):
        return "unterminated string: a '\"' is missing at its end", exc.pos
    if msg.startswith("Invalid control character"):
        return "a control character (such as a line break or tab) inside a string; write it as an escape", exc.pos
    if msg.startswith("Invalid \\escape") or msg.startswith("Invalid \\u"):
        return "invalid escape sequence in a string", exc.pos
    if msg.startswith("Extra data"):
        return "text after the end of the JSON document", exc.pos
    if msg.startswith("Expecting value"):
        return "a value is missing or is not JSON (single quotes, a comment or a bare word)", exc.pos
    return msg[:1].lower() + msg[1:], exc.pos
