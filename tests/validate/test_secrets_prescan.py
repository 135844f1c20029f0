"""The secrets scan's shortcuts give the answers of the plain scan: the pre-scan finds exactly the
texts holding a shape's token (on short and long texts), no shape matches without one of its
tokens, and the script assignment pattern matches as its backtracking form did."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pbxconn.validate.rules.secrets import (
    _ANCHORS,
    _QUICK,
    _SCRIPT_ASSIGN,
    _SHAPES,
    _SHORT_TEXT,
    _has_token,
    find_secrets,
)

TOKENS = sorted({token for _, _, tokens, _ in _SHAPES for token in tokens})
ANCHORS = sorted({anchor for anchor, _, _, _ in _ANCHORS})
# The pattern before its quantifiers were made possessive.
BACKTRACKING_SCRIPT_ASSIGN = re.compile(
    r"(?P<name>(?<![A-Za-z_])[A-Za-z_][\w]*|\"[^\"\n]{1,60}\")\s*(?:=|,|:)\s*\$?@?\"(?P<value>[^\"\n]{16,512})\"")


def test_every_shape_token_has_its_anchor() -> None:
    assert sorted(token for _, _, tokens, _ in _ANCHORS for token in tokens) == TOKENS
    for anchor, tail, tokens, _ in _ANCHORS:
        assert all(token[len(token) - 1 - tail] == anchor for token in tokens), (anchor, tokens)


# Texts built from tokens, pieces of tokens, anchors and other text, sometimes padded past the
# length where the pre-scan stops using one regex.
_fragments = [token[i:j] for token in TOKENS for i in range(len(token)) for j in range(i + 1, len(token) + 1)]
_piece = st.one_of(st.sampled_from(_fragments), st.sampled_from(ANCHORS),
                   st.text(alphabet="aeiosx-_=:\" \n\\AKISJBY", max_size=6), st.text(max_size=3))
_text = st.builds(lambda pieces, pad, at: "".join(pieces[:at]) + " " * pad + "".join(pieces[at:]),
                  st.lists(_piece, max_size=30), st.sampled_from([0, 0, _SHORT_TEXT, 3 * _SHORT_TEXT]),
                  st.integers(0, 30))


@settings(max_examples=800, suppress_health_check=[HealthCheck.too_slow])
@given(_text)
def test_pre_scan_finds_exactly_the_texts_holding_a_token(text: str) -> None:
    expected = any(token in text for token in TOKENS)
    assert _has_token(text) is expected
    assert (_QUICK.search(text) is not None) is expected


_shape_text = st.sampled_from(_SHAPES).flatmap(
    lambda shape: st.tuples(st.just(shape), st.from_regex(shape[3]), st.sampled_from([0, _SHORT_TEXT])))


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(_shape_text)
def test_no_shape_matches_without_its_token(case: tuple) -> None:
    (_, _, tokens, pattern), text, pad = case
    text = "." * pad + text
    for match in pattern.finditer(text):
        assert any(token in match.group(0) for token in tokens), (match.group(0), tokens)
    assert _has_token(text)


def test_find_secrets_on_long_text() -> None:
    aws = "AKIAQ3EGTRZ7K4HN2WXP"
    text = "x-ms-summary: " * 200 + f"key {aws} " + "sk- _ xo " * 100
    [match] = find_secrets(text)
    assert match.text == aws and text[match.start:match.end] == aws


_script_piece = st.one_of(
    st.sampled_from(['"', "=", ",", ":", " ", "\n", "$", "@", "apiKey", "_k1", "var ", "\\"]),
    st.text(alphabet="aZ0_ -.", min_size=14, max_size=70),
    st.integers(500, 530).map(lambda n: "q" * n))


@settings(max_examples=500, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_script_piece, max_size=25).map("".join))
def test_script_assignments_match_as_with_backtracking(text: str) -> None:
    def spans(pattern: re.Pattern[str]) -> list[tuple]:
        return [(m.span(), m.span("name"), m.span("value")) for m in pattern.finditer(text)]
    assert spans(_SCRIPT_ASSIGN) == spans(BACKTRACKING_SCRIPT_ASSIGN)
