"""JSON pointer -> (line, column) in the original text, computed lazily.

Data is parsed once with the C `json` parser. Positions are found only when a finding needs
one: the map walks from the top of the text down the pointer, scanning one container at a
time and remembering where each member of a scanned container starts, so later lookups
through the same containers cost a dictionary access per level.

For text known to be valid JSON (`valid=True`) a scan needs no error handling and matches each
key with its colon in one regular expression.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from itertools import accumulate
from json.decoder import scanstring
from typing import Iterable

_WS = re.compile(r"[ \t\n\r]*")
_KEY = re.compile(r'"((?:[^"\\]|\\.)*)"[ \t\n\r]*:[ \t\n\r]*')
_SEP = re.compile(r"[ \t\n\r]*(,)?[ \t\n\r]*")
_scan_once = json.JSONDecoder().scan_once
_FEW_POSITIONS = 8  # below this many lookups, count newlines instead of indexing every line


class SourceMap:
    """Positions of values in one JSON text (the text as decoded, without a BOM)."""

    def __init__(self, text: str, valid: bool = False) -> None:
        self.text = text
        self.valid = valid  # the text is known to parse as JSON: scans may use the bracket table
        self._positions = 0
        self._line_starts: list[int] | None = None
        # offset of a container's opening bracket -> {member key: offset of member value}
        self._members: dict[int, dict[str, int]] = {}
        self._root: int | None = None

    def _skip_ws(self, i: int) -> int:
        return _WS.match(self.text, i).end()

    def _root_offset(self) -> int:
        if self._root is None:
            self._root = self._skip_ws(0)
        return self._root

    def _scan(self, start: int) -> dict[str, int]:
        """Scan the container opening at `start`; map member keys (or indexes) to value offsets."""
        cached = self._members.get(start)
        if cached is not None:
            return cached
        if self.valid:
            members = self._members[start] = self._scan_valid(start)
            return members
        text = self.text
        members: dict[str, int] = {}
        opener = text[start] if start < len(text) else ""
        try:
            if opener == "{":
                i = self._skip_ws(start + 1)
                while i < len(text) and text[i] == '"':
                    key, i = _scan_once(text, i)
                    i = self._skip_ws(i)
                    if i >= len(text) or text[i] != ":":
                        break
                    i = self._skip_ws(i + 1)
                    members[key] = i  # a repeated key: the last one wins, as in json.loads
                    _, i = _scan_once(text, i)
                    i = self._skip_ws(i)
                    if i < len(text) and text[i] == ",":
                        i = self._skip_ws(i + 1)
                    else:
                        break
            elif opener == "[":
                i = self._skip_ws(start + 1)
                index = 0
                while i < len(text) and text[i] != "]":
                    members[str(index)] = i
                    _, i = _scan_once(text, i)
                    i = self._skip_ws(i)
                    index += 1
                    if i < len(text) and text[i] == ",":
                        i = self._skip_ws(i + 1)
                    else:
                        break
        except (StopIteration, ValueError, RecursionError):
            pass  # malformed text: keep what was found before the damage
        self._members[start] = members
        return members

    def _scan_valid(self, start: int) -> dict[str, int]:
        """`_scan` over text known to be valid JSON: one regex match per key and per separator."""
        text = self.text
        members: dict[str, int] = {}
        opener = text[start] if start < len(text) else ""
        if opener == "{":
            i = _WS.match(text, start + 1).end()
            while True:
                m = _KEY.match(text, i)
                if m is None:
                    break
                key = m.group(1)
                if "\\" in key:
                    key = scanstring(text, i + 1)[0]
                i = m.end()
                members[key] = i  # a repeated key: the last one wins, as in json.loads
                i = _scan_once(text, i)[1]
                m = _SEP.match(text, i)
                if m.group(1) is None:
                    break
                i = m.end()
        elif opener == "[":
            i = _WS.match(text, start + 1).end()
            index = 0
            while i < len(text) and text[i] != "]":
                members[str(index)] = i
                i = _scan_once(text, i)[1]
                index += 1
                m = _SEP.match(text, i)
                if m.group(1) is None:
                    break
                i = m.end()
        return members

    def offset(self, path: Iterable[str | int]) -> int:
        """Character offset of the value at `path`, or of its closest existing parent."""
        at = self._root_offset()
        for part in path:
            child = self._scan(at).get(str(part))
            if child is None:
                break
            at = child
        return at

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset."""
        if self._line_starts is None:
            self._positions += 1
            if self._positions <= _FEW_POSITIONS:
                text = self.text
                return text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset)
            lengths = map((1).__add__, map(len, self.text.split("\n")))
            self._line_starts = list(accumulate(lengths, initial=0))[:-1]
        line = bisect_right(self._line_starts, offset)
        return line, offset - self._line_starts[line - 1] + 1

    def locate(self, path: Iterable[str | int]) -> tuple[int, int]:
        """1-based (line, column) of the value at `path` (closest existing parent if missing)."""
        return self.position(self.offset(path))


def byte_position(data: bytes, offset: int) -> tuple[int, int]:
    """1-based (line, column in characters) of a byte offset in UTF-8-ish bytes."""
    head = data[:offset]
    line = head.count(b"\n") + 1
    start = head.rfind(b"\n") + 1
    column = len(head[start:].decode("utf-8", errors="replace")) + 1
    return line, column
