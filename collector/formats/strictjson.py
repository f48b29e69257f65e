"""JSON as the formats read it: one spelling of each thing, nothing silently let through.

Python's json module forgives a lot (duplicate keys keep the last value, NaN and Infinity
parse, a deep file ends in RecursionError). The response file, the payload and the key file
all go through `loads` here, so they refuse the same things with the same words.
"""

from __future__ import annotations

import binascii
import json
import math
import re
from itertools import accumulate
from typing import Any

from ..i18n import tr

MAX_DEPTH = 32
"""Deeper than any valid file (a payload is 4 levels deep); refused before Python recurses."""

MAX_NUMBER_DIGITS = 32

_SURROGATE = re.compile(r"[\ud800-\udfff]")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
"""Where a surrogate can come from in text that decoded as UTF-8: a \\u escape (a pair, or
a lone one). Rare in real files, so only a text that has one is walked for a lone one."""
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}
_PRINTABLE_NAME = re.compile(r"[A-Za-z0-9_.:/ -]{1,64}")


class JSONProblem(ValueError):
    """Why bytes are not acceptable JSON; the message is a short phrase, no subject."""


def loads(data: bytes, *, depth_bounded: bool = False) -> Any:
    """Parse UTF-8 JSON strictly; raise JSONProblem saying what is wrong.

    `depth_bounded`: the caller validates the value against a schema whose valid values
    nest far less than MAX_DEPTH deep, and calls `check_depth` before it reports a value
    that fails it; so the depth rule holds, and costs nothing for the values that pass.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        raise JSONProblem(tr("starts with a byte order mark"))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise JSONProblem("not UTF-8") from None
    try:
        value = json.loads(
            text,
            object_pairs_hook=_no_duplicates,
            parse_constant=_no_constants,
            parse_int=_bounded_int,
            parse_float=_finite_float,
        )
    except JSONProblem:
        raise
    except RecursionError:
        raise JSONProblem(tr("nesting too deep")) from None
    except json.JSONDecodeError as e:
        if e.msg == "Extra data":
            raise JSONProblem(tr("trailing data after the JSON object")) from None
        raise JSONProblem(
            tr(
                "not JSON ({problem} at line {lineno}, column {colno})",
                problem=_decoder_words(e.msg),
                lineno=e.lineno,
                colno=e.colno,
            )
        ) from None
    except ValueError:  # Python's own cap on the digits of an int, before parse_int runs
        raise JSONProblem(tr("not JSON (a number has too many digits)")) from None
    if "\\" in text and _SURROGATE_ESCAPE.search(text):  # one char first: memchr
        _check_tree(value)  # depth and lone surrogates, exactly
    elif not depth_bounded:
        check_depth(text)
    return value


def _decoder_words(msg: str) -> str:
    """Python's JSON decoder's message in the user's language (its few messages are
    English only); one it does not know yet, in its English."""
    words = {
        "Expecting value": tr("a value was expected"),
        "Expecting property name enclosed in double quotes": tr(
            "a name in double quotes was expected"
        ),
        "Expecting ':' delimiter": tr("a ':' was expected"),
        "Expecting ',' delimiter": tr("a ',' was expected"),
        "Invalid control character at": tr("a control character in a string"),
        "Invalid \\escape": tr("an escape that JSON does not have"),
        "Invalid \\uXXXX escape": tr("a \\u escape without four hex digits"),
        "Unterminated string starting at": tr("a string that does not end"),
    }
    # Some of Python's messages end in " at" already ("Unterminated string starting at").
    what = words.get(msg) or msg.removesuffix(" at")
    return what[:1].lower() + what[1:]


def check_depth(text: str) -> None:
    """Raise JSONProblem if valid JSON `text` nests deeper than MAX_DEPTH."""
    if text.count("[") + text.count("{") > MAX_DEPTH and _depth(text) > MAX_DEPTH:
        raise JSONProblem(tr("nesting too deep"))


def quoted(name: str) -> str:
    """A name from a file, safe to show: quoted if it is short and plain, else elided.

    Names (keys, format strings) are never answer text, but a hostile file could still
    put control characters or a megabyte into one.
    """
    return f'"{name}"' if _PRINTABLE_NAME.fullmatch(name) else tr("(an unprintable name)")


def b64decode_canonical(text: str) -> bytes | None:
    """Standard base64 with padding in its one canonical spelling; None if it is not.

    Canonical: alphabet A-Z a-z 0-9 + /, padding to a multiple of 4, no whitespace, and the
    unused low bits of the last character zero, i.e. re-encoding gives the same text.
    binascii's strict mode refuses all but the last; the last is one look at one character
    (tests/test_strictjson.py holds this to the re-encoding).
    """
    if len(text) % 4:
        return None
    try:
        raw = binascii.a2b_base64(text, strict_mode=True)
    except (binascii.Error, ValueError):  # ValueError: not ASCII
        return None
    padding = len(text) - len(text.rstrip("="))
    if padding > 2:  # strict mode lets "QQ==" have more
        return None
    if padding and _B64_VALUE.index(text[-padding - 1]) & _UNUSED_BITS[padding]:
        return None
    return raw


_B64_VALUE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_UNUSED_BITS = {1: 0b11, 2: 0b1111}


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) == len(pairs):
        return result
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            raise JSONProblem(tr("duplicate key {key}", key=quoted(key)))
        seen.add(key)
    raise AssertionError(tr("a dict shorter than its pairs has a duplicate key"))


def _no_constants(name: str) -> Any:
    raise JSONProblem(tr("not JSON ({name} is not a JSON number)", name=name))


def _bounded_int(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_NUMBER_DIGITS:
        raise JSONProblem(tr("not JSON (a number has too many digits)"))
    return int(digits)


def _finite_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):  # Python reads 1e400 as inf; other parsers refuse it
        raise JSONProblem(tr("not JSON (a number is too large)"))
    return value


def _depth(text: str) -> int:
    """How deep the arrays and objects of valid JSON `text` nest: its brackets, outside
    strings, found with C string methods (a walk over the values cost more than the parse).

    In valid JSON a backslash occurs only in strings, where it starts an escape: removing
    every escaped backslash, then every escaped quote, leaves quotes that only open and
    close strings, so the even pieces between quotes are what lies outside them.
    """
    plain = text.replace("\\\\", "").replace('\\"', "")
    brackets = _NOT_BRACKET.sub("", "".join(plain.split('"')[::2]))
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0)


def _check_tree(value: Any) -> None:
    """Depth, and no lone surrogate in any string (I-JSON, RFC 7493 section 2.1).

    A "\\ud800" escape is valid JSON syntax but no text: UTF-8 cannot hold it, and
    pydantic's parser refuses it. Iterative, so a deep value cannot recurse too deep here.
    """
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                raise JSONProblem(tr("not JSON (a string holds a lone surrogate)"))
            continue
        if isinstance(item, dict):
            children = [*item.keys(), *item.values()]
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > MAX_DEPTH:
            raise JSONProblem(tr("nesting too deep"))
        stack.extend((child, depth + 1) for child in children)
