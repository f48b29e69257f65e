"""The payload's bytes (FORMAT.md 6.1, 7): the plaintext the page writes (JSON, padded with
spaces to a bucket), and the strict reading of an opened plaintext into the Payload model.

Every error message names a field or a question id, never what was answered.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

import jiter
from pydantic import TypeAdapter, ValidationError

from ..errors import PayloadFailure
from ..i18n import tr
from ..model import problems
from ..model.payload import Payload
from .strictjson import MAX_NUMBER_DIGITS, JSONProblem, check_depth, loads

HR_BUCKETS = tuple(4096 << n for n in range(8))
"""The lengths HR's plaintext may have: 4 KiB to 512 KiB, the smallest that holds it."""
RECEIVER_BUCKET = 32768
"""The one length of the whistleblowing receiver's plaintext, whatever it holds."""
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")
_PLAIN_NAME = re.compile(r"[A-Za-z0-9_]{1,64}")
_UTC_SUFFIXES = ("Z", "+00:00")
_TOO_MANY_DIGITS = 10**MAX_NUMBER_DIGITS
"""The least whole number the strict reading refuses (FORMAT.md 1: at most 32 digits)."""
_MOMENT = TypeAdapter(datetime)
"""Payload.sealed_at's type, read from JSON as the model reads it."""


class TooLong(PayloadFailure):
    """A payload longer than the largest bucket its part may have."""


def encode(payload: Payload) -> bytes:
    """The payload's JSON text as the page writes it: JSON.stringify of the payload, UTF-8.

    Compact separators, non-ASCII as itself, "options" left out where a question has
    none, `contact` only in the receiver's payload. JSON.stringify escapes a lone
    surrogate, which UTF-8 cannot carry; so do we.
    """
    obj = payload.model_dump(mode="json")
    obj["sealed_at"] = iso_milliseconds(payload.sealed_at)
    if payload.scope == "hr":
        del obj["contact"]
    elif obj["contact"] is not None:
        obj["contact"] = {k: v for k, v in obj["contact"].items() if v is not None}
    for wording in obj["wording"].values():
        if wording.get("options") is None:
            wording.pop("options", None)
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    text = _LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return text.encode("utf-8")


def buckets(scope: str) -> tuple[int, ...]:
    return HR_BUCKETS if scope == "hr" else (RECEIVER_BUCKET,)


def pad(text: bytes, scope: str) -> bytes:
    """The sealed plaintext: `text` and spaces up to its bucket (FORMAT.md 6.1)."""
    size = next((b for b in buckets(scope) if b >= len(text)), None)
    if size is None:
        raise TooLong(
            tr(
                "the answers are {n} bytes, more than the {value} a part may hold; shorten them",
                n=len(text),
                value=buckets(scope)[-1],
            )
        )
    return text + b" " * (size - len(text))


def padded(payload: Payload) -> bytes:
    """What is sealed: the payload's JSON, padded for its part."""
    return pad(encode(payload), payload.scope)


def iso_milliseconds(moment: datetime) -> str:
    """A moment as the page's Date.toISOString() writes it: UTC, milliseconds, "Z"."""
    utc = moment.astimezone(UTC)
    return f"{utc:%Y-%m-%dT%H:%M:%S}.{utc.microsecond // 1000:03d}Z"


def parse(plaintext: bytes, *, fast: bool = True) -> Payload:
    """The opened plaintext as a Payload; PayloadFailure names the field at fault.

    `fast=False` skips the one-parse reading (_parsed_at_once) for the strict one alone,
    which must accept and refuse exactly the same: for the tests and the fuzz target that
    hold the two to that."""
    parsed = _parsed_at_once(plaintext) if fast else None
    if parsed is None:
        parsed = _parsed_strictly(plaintext)
    obj, payload = parsed
    # The member itself, as written (FORMAT.md 7): only the receiver's payload has one.
    if ("contact" in obj) != (payload.scope == "whistleblowing"):
        raise PayloadFailure(
            tr("the payload: HR's payload has a \"contact\" member, which only the receiver's may")
            if payload.scope == "hr"
            else tr('the payload: a whistleblowing payload has no "contact" member')
        )
    sealed_at = obj["sealed_at"]
    if not isinstance(sealed_at, str) or not sealed_at.endswith(_UTC_SUFFIXES):
        raise PayloadFailure(tr('the payload: "sealed_at" must be UTC, ending in "Z" or "+00:00"'))
    if len(plaintext) not in buckets(payload.scope):
        raise PayloadFailure(
            tr(
                "the payload is {n} bytes, not padded to a bucket of its part (FORMAT.md 6.1)",
                n=len(plaintext),
            )
        )
    return payload


def _parsed_at_once(plaintext: bytes) -> tuple[dict[str, Any], Payload] | None:
    """The payload read by jiter and validated by pydantic, or None to read it strictly.

    jiter (told to refuse duplicate keys, NaN and Infinity) accepts only what the strict
    reading accepts too: it refuses a byte order mark, text that is not UTF-8, a lone
    surrogate, trailing data. Its objects are then validated by the same model, strictly,
    as Python data, which is what makes one parse enough: JSON's types are Python's here
    (the model takes no float, so no 1e400, and nothing deep), except a moment, which
    pydantic takes strictly only from JSON, so "sealed_at" alone is read as JSON text
    again. What only the strict reading checks is a number of more than 32 digits: in a
    payload the model takes, the numbers are the set's version and the whole-number
    answers, so those are looked at. Whatever either refuses is read strictly, whose
    error is the one said: the same payload is accepted, and refused with the same words,
    either way; only faster (tests/test_payload_checks.py).
    """
    try:
        obj = jiter.from_json(
            plaintext, catch_duplicate_keys=True, allow_inf_nan=False, cache_mode="keys"
        )
        if not isinstance(obj, dict) or not isinstance(obj.get("sealed_at"), str):
            return None
        data = dict(obj)
        data["sealed_at"] = _MOMENT.validate_json(json.dumps(obj["sealed_at"]), strict=True)
        payload = Payload.model_validate(data, strict=True)
    except (ValueError, ValidationError):  # ValidationError is a ValueError too
        return None
    numbers = [payload.questionnaire.version]
    numbers += [v for v in payload.answers.values() if type(v) is int]  # not a bool
    if any(not -_TOO_MANY_DIGITS < n < _TOO_MANY_DIGITS for n in numbers):
        return None
    return obj, payload


def _parsed_strictly(plaintext: bytes) -> tuple[dict[str, Any], Payload]:
    try:
        # A valid payload nests 4 deep at most, so the depth is checked only for a payload
        # the model refuses, before saying why.
        obj = loads(plaintext, depth_bounded=True)
    except JSONProblem as e:
        raise PayloadFailure(tr("the payload: {error}", error=e)) from None
    try:
        # strict=True here, not only in Payload's config: the nested models are lax by
        # themselves and would take "1" for 1.
        payload = Payload.model_validate_json(plaintext, strict=True)
    except ValidationError as e:
        try:
            check_depth(plaintext.decode("utf-8"))
        except JSONProblem as problem:
            raise PayloadFailure(tr("the payload: {problem}", problem=problem)) from None
        raise PayloadFailure(describe(e)) from None
    return obj, payload


def describe(error: ValidationError) -> str:
    """One sentence for the first problem. Its words name the model's context (a length,
    the values allowed), never the input; the path is built from field names and question
    ids only, each checked to be plain."""
    first = error.errors(include_url=False, include_input=False)[0]
    loc = list(first["loc"])
    if loc and loc[0] == "answers" and len(loc) >= 2:
        # The rest of the path names the branches of the answer union ("str", "int", ...).
        path = _path(loc[1:2])
        return tr(
            "the payload: answer {path} must be text, a list of texts, a whole "
            "number or true/false",
            path=path,
        )
    path = _path(loc)
    kind = first["type"]
    if kind == "json_invalid":  # strictjson.loads accepted it, so this should not happen
        return tr("the payload: not JSON")
    if not path:
        return tr("the payload is not a JSON object")
    if kind == "missing":
        return tr("the payload: missing field {path}", path=path)
    if kind == "extra_forbidden":
        return tr("the payload: unknown field {path}", path=path)
    words = problems.problem(first)
    return tr("the payload: field {path} is not valid ({problem})", path=path, problem=words)


def _path(loc: list[int | str]) -> str:
    parts = [
        str(p) if isinstance(p, int) or _PLAIN_NAME.fullmatch(p) else tr("(unprintable)")
        for p in loc
    ]
    return f'"{".".join(parts)}"' if parts else ""


def as_json(payload: Payload) -> dict[str, Any]:
    """The payload as JSON data, as it was sealed (contact details only as given)."""
    data = payload.model_dump(mode="json")
    if data.get("contact"):
        data["contact"] = {k: v for k, v in data["contact"].items() if v is not None}
    return data
