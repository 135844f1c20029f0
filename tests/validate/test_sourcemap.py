"""The source map finds the exact text position of any value, and the closest parent of a missing one."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

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
