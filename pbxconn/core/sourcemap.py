"""JSON pointer -> (line, column) in the original text, computed lazily.

Data is parsed once with the C `json` parser. Positions are found only when a finding needs
one: the map walks from the top of the text down the pointer, scanning one container at a
time and remembering where each member of a scanned container starts, so later lookups
through the same containers cost a dictionary access per level.

For text known to be valid JSON (`valid=True`) a scan needs no error handling: one regular
expression matches a member's key and colon and, for a scalar value, the value and the comma
after it.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate
from json.decoder import scanstring
from typing import Iterable

_WS = re.compile(r"[ \t\n\r]*")
_KEY = re.compile(r'"((?:[^"\\]|\\.)*)"[ \t\n\r]*:[ \t\n\r]*')
_SEP = re.compile(r"[ \t\n\r]*(,)?[ \t\n\r]*")
# For text known to be valid (possessive quantifiers: valid text never needs to backtrack).
_SCALAR = r'"[^"\\]*+(?:\\.[^"\\]*+)*+"|[^ \t\n\r,\]}\[{"]++'  # a string, number, true, false, null
_SCALAR_SEP = re.compile(r"(?:" + _SCALAR + r")[ \t\n\r]*+(,)?[ \t\n\r]*+")
# An object member: (key) ws : ws, then for a scalar value: (value) ws (,)? ws.
_MEMBER = (r'"([^"\\]*+(?:\\.[^"\\]*+)*+)"[ \t\n\r]*+:[ \t\n\r]*+'
           r"(?:(" + _SCALAR + r")[ \t\n\r]*+(,)?[ \t\n\r]*+)?")
_OPEN_MEMBER = re.compile(r"[ \t\n\r]*+(?:" + _MEMBER + ")?")  # after `{` or a scalar's comma
_NEXT_MEMBER = re.compile(r"[ \t\n\r]*+(?:,[ \t\n\r]*+" + _MEMBER + ")?")  # after a container value
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

    def offsets(self, paths: list[tuple]) -> list[int]:
        """`offset` of many paths at once: one walk down the text that enters only the
        containers on some wanted path and skips every other value (a scalar within its member's
        match, a container with the C scanner), so each character is scanned at most once
        however many paths there are. The walk ends after the root's last wanted member
        when no wanted key can come again."""
        if not self.valid or len(paths) < 2:
            return [self.offset(path) for path in paths]
        trie: dict = {}
        for path in paths:
            node = trie
            for part in path:
                node = node.setdefault(str(part), {})
        root = self._root_offset()
        try:
            found = self._walk(root, trie, tail=True)[0]
        except (RecursionError, StopIteration, ValueError):
            return [self.offset(path) for path in paths]
        out = []
        for path in paths:
            at, level = root, found
            for part in path:
                entry = level.get(str(part)) if level else None
                if entry is None:
                    break
                at, level = entry
            out.append(at)
        return out

    def _walk(self, start: int, trie: dict, tail: bool = False) -> tuple[dict, int]:
        """Members of the container at `start` named in `trie`: {key: (offset, their members)};
        and the offset just past the container, or -1 if the walk stopped early. Only for valid
        text. With `tail` (an object nothing after which is needed: the root) the walk stops
        once every wanted member was found and no wanted key can come again."""
        text = self.text
        found: dict = {}
        opener = text[start]
        if opener == "{":
            # One match per member: its key and, for a scalar value, the value and the separator
            # after it (lastindex 3: a comma follows, 2: the object ends, 1: a container value).
            m = _OPEN_MEMBER.match(text, start + 1)
            while True:
                key = m.group(1)
                if key is None:
                    break
                if tail and len(found) == len(trie):
                    if self._spelled_nowhere(trie, m.start()):
                        return found, -1
                    tail = False  # a wanted key may come again: read to the end
                if "\\" in key:
                    key = scanstring(text, m.start(1))[0]
                sub = trie.get(key)
                last = m.lastindex
                if last == 1:
                    i = m.end()
                    if sub is None:
                        i = _scan_once(text, i)[1]
                    elif sub:
                        at = i
                        members, i = self._walk(i, sub)
                        found[key] = (at, members)  # a repeated key: the last one wins, as in json.loads
                    else:
                        found[key] = (i, None)
                        i = _scan_once(text, i)[1]
                    m = _NEXT_MEMBER.match(text, i)
                else:
                    if sub is not None:
                        found[key] = (m.start(2), None)
                    if last == 2:
                        break
                    m = _OPEN_MEMBER.match(text, m.end())
            return found, m.end() + 1  # m ends at the closing brace
        if opener == "[":
            i = _WS.match(text, start + 1).end()
            index = 0
            while text[i] != "]":
                sub = trie.get(str(index))
                if text[i] in "{[":
                    if sub is None:
                        i = _scan_once(text, i)[1]
                    elif sub:
                        at = i
                        members, i = self._walk(i, sub)
                        found[str(index)] = (at, members)
                    else:
                        found[str(index)] = (i, None)
                        i = _scan_once(text, i)[1]
                    m = _SEP.match(text, i)
                else:
                    if sub is not None:
                        found[str(index)] = (i, None)
                    m = _SCALAR_SEP.match(text, i)
                i = m.end()
                if m.group(1) is None:
                    break
                index += 1
            return found, i + 1  # i is at the closing bracket
        return found, _scan_once(text, start)[1]

    def _spelled_nowhere(self, keys: Iterable[str], start: int) -> bool:
        """Whether no JSON string from `start` on can spell any of `keys`. Without `\\u` escapes
        in the rest of the text (and `\\/` for keys with a slash) a key has one spelling only."""
        text = self.text
        if text.find("\\u", start) >= 0:
            return False
        for key in keys:
            if "/" in key and text.find("\\/", start) >= 0:
                return False
            if text.find(json.dumps(key, ensure_ascii=False), start) >= 0:
                return False
        return True

    def positions(self, offsets: list[int]) -> list[tuple[int, int]]:
        """`position` of many offsets: newlines counted once, in offset order."""
        if len(offsets) < 2:
            return [self.position(offset) for offset in offsets]
        text = self.text
        at: dict[int, tuple[int, int]] = {}
        line, previous, line_start = 1, 0, 0
        for offset in sorted(set(offsets)):
            count = text.count("\n", previous, offset)
            if count:
                line += count
                line_start = text.rfind("\n", previous, offset) + 1
            at[offset] = (line, offset - line_start + 1)
            previous = offset
        return [at[offset] for offset in offsets]

    def locate_many(self, paths: list[tuple]) -> list[tuple[int, int]]:
        """`locate` of many paths at once."""
        return self.positions(self.offsets(paths))

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset."""
        if self._line_starts is None:
            self._positions += 1
            if self._positions <= _FEW_POSITIONS:
                return text_position(self.text, offset)
            lengths = map((1).__add__, map(len, self.text.split("\n")))
            self._line_starts = list(accumulate(lengths, initial=0))[:-1]
        line = bisect_right(self._line_starts, offset)
        return line, offset - self._line_starts[line - 1] + 1

    def locate(self, path: Iterable[str | int]) -> tuple[int, int]:
        """1-based (line, column) of the value at `path` (closest existing parent if missing)."""
        return self.position(self.offset(path))


@dataclass(frozen=True, slots=True)
class DuplicateKey:
    """A key written twice in one object: where the object is, and both occurrences of the key."""

    path: tuple[str, ...]  # the object holding the key (array indexes as strings)
    key: str
    first: int   # offset of the first occurrence's opening quote
    second: int  # offset of the repeated occurrence's opening quote
    same: bool   # whether both occurrences hold the same JSON value


def duplicate_keys(text: str) -> list[DuplicateKey]:
    """Every repeated key of every object in `text`, which must be valid JSON, in text order.

    A walk over the whole document, one member at a time: meant for the rare texts whose parse
    showed a repeated key. Each repetition is compared with the key's first occurrence."""
    out: list[DuplicateKey] = []
    skip = _WS.match
    start = skip(text, 0).end()
    stack: list[tuple[int, tuple[str, ...]]] = [(start, ())]
    while stack:
        start, path = stack.pop()
        opener = text[start]
        i = skip(text, start + 1).end()
        if opener == "{":
            seen: dict[str, tuple[int, int, int]] = {}
            while text[i] == '"':
                key, j = scanstring(text, i + 1)
                value_at = skip(text, skip(text, j).end() + 1).end()  # past the ':'
                end = _scan_once(text, value_at)[1]
                first = seen.get(key)
                if first is None:
                    seen[key] = (i, value_at, end)
                else:
                    same = _same_value(text[first[1]:first[2]], text[value_at:end])
                    out.append(DuplicateKey(path, key, first[0], i, same))
                if text[value_at] in "{[":
                    stack.append((value_at, path + (key,)))
                i = skip(text, end).end()
                if text[i] != ",":
                    break
                i = skip(text, i + 1).end()
        elif opener == "[":
            index = 0
            while text[i] != "]":
                end = _scan_once(text, i)[1]
                if text[i] in "{[":
                    stack.append((i, path + (str(index),)))
                index += 1
                i = skip(text, end).end()
                if text[i] != ",":
                    break
                i = skip(text, i + 1).end()
    out.sort(key=lambda d: d.second)
    return out


def _same_value(a: str, b: str) -> bool:
    """Whether two JSON texts hold the same value (object member order aside; `1` is not `true`)."""
    if a == b:
        return True
    return json.dumps(json.loads(a), sort_keys=True) == json.dumps(json.loads(b), sort_keys=True)


def text_position(text: str, offset: int) -> tuple[int, int]:
    """1-based (line, column) of a character offset, counted directly (for a few lookups)."""
    return text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset)


def byte_position(data: bytes, offset: int) -> tuple[int, int]:
    """1-based (line, column in characters) of a byte offset in UTF-8-ish bytes."""
    head = data[:offset]
    line = head.count(b"\n") + 1
    start = head.rfind(b"\n") + 1
    column = len(head[start:].decode("utf-8", errors="replace")) + 1
    return line, column
