"""The source map finds the exact text position of any value, and the closest parent of a missing one."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pbxconn.core.refs import is_index
from pbxconn.core.sourcemap import SourceMap, byte_position

keys = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=6)
scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | keys
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4),
                      max_leaves=25)
layouts = st.sampled_from([None, 0, 1, 4, "\t"])


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, prefix + (key,))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            yield from _paths(child, prefix + (i,))


def _at(value, path):
    for part in path:
        value = value[part]
    return value


@settings(max_examples=200, deadline=None)
@given(values, layouts, st.booleans())
def test_every_value_is_found_at_its_offset(value, indent, ascii_only):
    text = json.dumps(value, indent=indent, ensure_ascii=ascii_only)
    smap = SourceMap(text)
    decoder = json.JSONDecoder()
    for path in _paths(value):
        offset = smap.offset(path)
        found, _ = decoder.raw_decode(text, offset)
        assert found == _at(value, path)
        line, column = smap.position(offset)
        assert text.split("\n")[line - 1][column - 1:].startswith(text[offset:offset + 1])


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(keys, values, min_size=1, max_size=4), layouts)
def test_missing_member_points_at_closest_parent(value, indent):
    text = json.dumps(value, indent=indent)
    smap = SourceMap(text)
    first = next(iter(value))
    missing = "\x00never-a-key"
    assert smap.offset((missing,)) == smap.offset(())
    assert smap.offset((first, missing, "deeper")) == smap.offset((first,))


def test_repeated_key_points_at_the_last_one_like_json_loads():
    text = '{"a": 1,\n "a": {"b": 2}}'
    smap = SourceMap(text)
    assert smap.locate(("a", "b")) == (2, 13)


def test_positions_are_one_based_lines_and_character_columns():
    text = '{\n  "ä€": "x",\n  "k": [10, 20]\n}'
    smap = SourceMap(text)
    assert smap.locate(()) == (1, 1)
    assert smap.locate(("ä€",)) == (2, 9)
    assert smap.locate(("k", 1)) == (3, 13)


def test_truncated_text_gives_the_deepest_position_reached():
    text = '{"a": {"b": [1, 2'
    smap = SourceMap(text)
    assert smap.locate(("a", "b", 5)) == smap.locate(("a", "b")) == (1, 13)


def test_byte_position_counts_characters_not_bytes():
    data = b'{\n"\xc3\xa9": \xff}'
    assert byte_position(data, data.index(b"\xff")) == (2, 6)


# --- many paths at once over text known to be valid (SourceMap(valid=True).offsets) -------------

tricky = st.sampled_from(["a", "b", "a/b", 'q"t', "x\\y", "[", "{}", "]:,", "é", "\U0001f600"])
tricky_keys = tricky | st.text(alphabet='ab{}[]",:\\/ \n\t\u00e9', max_size=4)
tricky_strings = tricky_keys | keys
gaps = st.sampled_from(["", " ", "\n", "\n  ", "\r\n\t", "\n    "])


@st.composite
def spellings(draw, text):
    """A JSON string for `text`, some characters escaped the ways json.dumps never writes."""
    out = []
    for char in text:
        how = draw(st.sampled_from(["plain", "plain", "plain", "unicode", "slash"]))
        if how == "unicode" and len(char) == 1 and ord(char) < 0x10000:
            out.append(f"\\u{ord(char):04x}")
        elif how == "slash" and char == "/":
            out.append("\\/")
        else:
            out.append(json.dumps(char, ensure_ascii=draw(st.booleans()))[1:-1])
    return '"' + "".join(out) + '"'


@st.composite
def json_texts(draw, depth=0):
    """Valid JSON text with what json.dumps never writes: repeated keys, escapes, odd gaps."""
    kind = draw(st.sampled_from(["scalar", "string"] + (["object", "object", "array"] if depth < 4 else [])))
    if kind == "scalar":
        return draw(st.sampled_from(["true", "false", "null", "0", "-1.5e3", "12"]))
    if kind == "string":
        return draw(spellings(draw(tricky_strings)))
    gap = draw(gaps)
    if kind == "array":
        items = draw(st.lists(json_texts(depth + 1), max_size=4))
        return "[" + gap + ("," + gap).join(items) + draw(gaps) + "]"
    members = draw(st.lists(st.tuples(tricky_keys, json_texts(depth + 1)), max_size=5))
    parts = [draw(spellings(key)) + draw(gaps) + ":" + draw(gaps) + value for key, value in members]
    return "{" + gap + ("," + draw(gaps)).join(parts) + draw(gaps) + "}"


def _wanted_paths(value, draw):
    """Every path of `value`, paths below scalars and missing members, some in index form."""
    existing = list(_paths(value))
    out = []
    for path in existing:
        out.append(tuple(int(p) if isinstance(p, str) and is_index(p) and draw(st.booleans()) else p
                         for p in path))
        out.append(path + (draw(tricky_keys),))
        out.append(path + ("0", "never"))
    return out


@settings(max_examples=300, deadline=None)
@given(st.data(), json_texts(depth=1).filter(lambda t: t.startswith("{")) | values.map(json.dumps))
def test_offsets_of_many_paths_match_one_by_one_and_json_loads(data, text):
    value = json.loads(text)
    wanted = _wanted_paths(value, data.draw)
    subset = data.draw(st.lists(st.sampled_from(wanted), min_size=2, max_size=12)) if wanted else []
    decoder = json.JSONDecoder()
    for paths in (wanted, subset):
        fast = SourceMap(text, valid=True).offsets(paths)
        assert fast == [SourceMap(text).offset(path) for path in paths]
        assert fast == [SourceMap(text, valid=True).offset(path) for path in paths]
        for path, offset in zip(paths, fast):
            at, exists = value, True
            for part in path:  # the value at the path, or at its closest existing parent
                child = at.get(str(part), _MISSING) if isinstance(at, dict) else (
                    at[int(part)] if isinstance(at, list) and is_index(str(part)) and int(part) < len(at)
                    and str(int(part)) == str(part) else _MISSING)
                if child is _MISSING:
                    exists = False
                    break
                at = child
            assert decoder.raw_decode(text, offset)[0] == at, (path, exists)


_MISSING = object()


@settings(max_examples=150, deadline=None)
@given(values, layouts, st.booleans(), st.data())
def test_offsets_over_dumped_json_find_every_value(value, indent, ascii_only, data):
    text = json.dumps(value, indent=indent, ensure_ascii=ascii_only)
    paths = list(_paths(value))
    paths += [path + ("\x00never",) for path in paths]
    paths = data.draw(st.permutations(paths))
    smap = SourceMap(text, valid=True)
    offsets = smap.offsets(paths)
    assert offsets == [SourceMap(text).offset(path) for path in paths]
    assert smap.locate_many(paths) == [SourceMap(text).locate(path) for path in paths]


@pytest.mark.parametrize("text, paths, expected", [
    # a repeated key after the wanted one: the last one wins, however it is spelled
    ('{"a": 1, "b": 2, "a": {"c": 3}}', [("a", "c"), ("b",)], [3, 2]),
    ('{"a": 1, "b": 2, "\\u0061": {"c": 3}}', [("a", "c"), ("b",)], [3, 2]),
    ('{"a/b": [1], "z": 2, "a\\/b": [5]}', [("a/b", 0), ("z",)], [5, 2]),
    ('{"a": 1, "b": "\\"a\\": 9", "z": 0}', [("a",), ("z",)], [1, 0]),
    # nothing wanted comes again: the walk may stop early, the offsets are the same
    ('{"a": {"c": [0, {"d": 1}]}, "b": [], "z": {"a": 5}}', [("a", "c", 1, "d"), ("a", "c", 5)], [1, [0, {"d": 1}]]),
])
def test_offsets_with_repeated_keys_and_escapes(text, paths, expected):
    offsets = SourceMap(text, valid=True).offsets(paths)
    assert offsets == [SourceMap(text).offset(path) for path in paths]
    assert [json.JSONDecoder().raw_decode(text, offset)[0] for offset in offsets] == expected
