"""JSON as the formats read it: one spelling of each thing, nothing silently let through.

Python's json module forgives a lot (duplicate keys keep the last value, NaN and Infinity
parse, a deep file ends in RecursionError). The response file, the payload and the key file
all go through `loads` here, so they refuse the same things with the same words.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
from typing import Any

MAX_DEPTH = 32
"""Deeper than any valid file (a payload is 4 levels deep); refused before Python recurses."""

MAX_NUMBER_DIGITS = 32

_BASE64 = re.compile(r"[A-Za-z0-9+/]*={0,2}")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_PRINTABLE_NAME = re.compile(r"[A-Za-z0-9_.:/ -]{1,64}")


class JSONProblem(ValueError):
    """Why bytes are not acceptable JSON; the message is a short phrase, no subject."""


def loads(data: bytes) -> Any:
    """Parse UTF-8 JSON strictly; raise JSONProblem saying what is wrong."""
    if data.startswith(b"\xef\xbb\xbf"):
        raise JSONProblem("starts with a byte order mark")
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
        raise JSONProblem("nesting too deep") from None
    except json.JSONDecodeError as e:
        if e.msg == "Extra data":
            raise JSONProblem("trailing data after the JSON object") from None
        # Some of Python's messages end in " at" already ("Unterminated string starting at").
        what = e.msg.removesuffix(" at")
        raise JSONProblem(
            f"not JSON ({what[:1].lower()}{what[1:]} at line {e.lineno}, column {e.colno})"
        ) from None
    except ValueError:  # Python's own cap on the digits of an int, before parse_int runs
        raise JSONProblem("not JSON (a number has too many digits)") from None
    _check_tree(value)
    return value


def quoted(name: str) -> str:
    """A name from a file, safe to show: quoted if it is short and plain, else elided.

    Names (keys, format strings) are never answer text, but a hostile file could still
    put control characters or a megabyte into one.
    """
    return f'"{name}"' if _PRINTABLE_NAME.fullmatch(name) else "(an unprintable name)"


def b64decode_canonical(text: str) -> bytes | None:
    """Standard base64 with padding in its one canonical spelling; None if it is not.

    Canonical: alphabet A-Z a-z 0-9 + /, padding to a multiple of 4, no whitespace, and the
    unused low bits of the last character zero, i.e. re-encoding gives the same text.
    """
    if len(text) % 4 or not _BASE64.fullmatch(text):
        return None
    try:
        raw = base64.b64decode(text, validate=True)
    except binascii.Error:
        return None
    return raw if base64.b64encode(raw).decode("ascii") == text else None


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise JSONProblem(f"duplicate key {quoted(key)}")
        result[key] = value
    return result


def _no_constants(name: str) -> Any:
    raise JSONProblem(f"not JSON ({name} is not a JSON number)")


def _bounded_int(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_NUMBER_DIGITS:
        raise JSONProblem("not JSON (a number has too many digits)")
    return int(digits)


def _finite_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):  # Python reads 1e400 as inf; other parsers refuse it
        raise JSONProblem("not JSON (a number is too large)")
    return value


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
                raise JSONProblem("not JSON (a string holds a lone surrogate)")
            continue
        if isinstance(item, dict):
            children = [*item.keys(), *item.values()]
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > MAX_DEPTH:
            raise JSONProblem("nesting too deep")
        stack.extend((child, depth + 1) for child in children)
