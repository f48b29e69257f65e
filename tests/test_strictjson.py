"""The strict JSON reader's shortcuts agree with the plain rules they replace.

`strictjson.loads` finds the nesting depth from the text (brackets outside strings) and
walks the values for lone surrogates only when the text has a \\u escape; these tests hold
both to the obvious walk over the parsed value, on hostile strings and on random JSON.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from collector.formats import strictjson
from collector.formats.strictjson import MAX_DEPTH, JSONProblem


def walked_depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max((walked_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((walked_depth(v) for v in value), default=0)
    return 0


TRICKY_STRINGS = [
    "",
    "[[[[",
    "}}]]",
    '\\"[',
    "\\",
    "\\\\",
    '\\\\"',
    '"{"',
    "a\\u005b",
    "\u00e6\u00f8\u00e5 [{",
    "\U0001f600",
]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**6), 10**6) | st.sampled_from(TRICKY_STRINGS),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(TRICKY_STRINGS) | st.text(max_size=5), inner, max_size=4)
    ),
    max_leaves=60,
)


@settings(max_examples=300, deadline=None)
@given(json_values, st.booleans(), st.booleans())
def test_depth_from_text_is_the_depth_of_the_value(
    value: Any, ascii_only: bool, spaced: bool
) -> None:
    separators = (", ", ": ") if spaced else (",", ":")
    text = json.dumps(value, ensure_ascii=ascii_only, separators=separators)
    assert strictjson._depth(text) == walked_depth(value)


@pytest.mark.parametrize("depth", [MAX_DEPTH - 1, MAX_DEPTH, MAX_DEPTH + 1])
@pytest.mark.parametrize("inside", ['"x"', '"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["', '"\\\\"'])
def test_the_depth_rule_at_its_edge(depth: int, inside: str) -> None:
    half = depth // 2
    text = '{"a": ' * half + "[" * (depth - half) + inside + "]" * (depth - half) + "}" * half
    if depth > MAX_DEPTH:
        with pytest.raises(JSONProblem, match="nesting too deep"):
            strictjson.loads(text.encode())
    else:
        assert walked_depth(strictjson.loads(text.encode())) == depth


@pytest.mark.parametrize(
    "text",
    [
        '["\\ud800"]',
        '{"\\udfff": 1}',
        '["ok", "\\uD83D"]',
        '["\\\\", "\\ude00x"]',
    ],
)
def test_a_lone_surrogate_is_refused(text: str) -> None:
    with pytest.raises(JSONProblem, match="lone surrogate"):
        strictjson.loads(text.encode())


@pytest.mark.parametrize("text", ['["\\ud83d\\ude00"]', '["\\\\ud800"]', '["\\u00e6"]'])
def test_a_pair_or_an_escaped_backslash_is_no_lone_surrogate(text: str) -> None:
    assert strictjson.loads(text.encode()) == json.loads(text)


def test_a_duplicate_key_is_named() -> None:
    with pytest.raises(JSONProblem, match='duplicate key "b"'):
        strictjson.loads(b'{"a": 1, "b": 2, "c": {"b": 1}, "b": 3}')


def reencoded(text: str) -> bytes | None:
    """The definition: decoding leniently and encoding again gives the same text."""
    try:
        raw = base64.b64decode(text)
    except (binascii.Error, ValueError):
        return None
    return raw if base64.b64encode(raw).decode("ascii") == text else None


@settings(max_examples=3000, deadline=None)
@given(
    st.text(alphabet="AQBgw/+=9a \n-_\u00e6", max_size=12)
    | st.binary(max_size=9).map(lambda b: base64.b64encode(b).decode("ascii"))
    | st.tuples(st.binary(max_size=9), st.text(alphabet="=A", max_size=4)).map(
        lambda t: base64.b64encode(t[0]).decode("ascii") + t[1]
    )
)
def test_canonical_base64_is_what_re_encodes_to_itself(text: str) -> None:
    assert strictjson.b64decode_canonical(text) == reencoded(text)


@pytest.mark.parametrize("text", ["AA==", "AAA=", "QUJD", ""])
def test_canonical_base64_examples(text: str) -> None:
    assert strictjson.b64decode_canonical(text) == base64.b64decode(text)


@pytest.mark.parametrize(
    "text",
    ["AB==", "AAB=", "AA", "AA=", "A A=", "A===", "AA==AA==", "=AA=", "AAAA====", "AA======"],
)
def test_non_canonical_base64_examples(text: str) -> None:
    assert strictjson.b64decode_canonical(text) is None
