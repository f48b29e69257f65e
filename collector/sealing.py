"""The payload sealed into a part, from both ends: built and sealed as the page does it,
opened and read as the collector does it.

The Python end of the page's job (site/js/payload.js) serves the tests, the benchmark
and the testkit; `open_envelope` and `parse_payload` serve the importer. Every error
message names a field or a key id, never what was answered.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError

from . import crypto, envelope
from .envelope import Envelope, Part
from .errors import NoKeyError, PayloadFailure
from .keyfile import HRKey
from .schema import (
    CHOICE_TYPES,
    AnswerValue,
    Payload,
    Question,
    QuestionnaireRef,
    QuestionSet,
    Readers,
    Wording,
)
from .strictjson import JSONProblem, loads

PAYLOAD_FORMAT = "sluttsamtale-payload/1"

_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")
_PLAIN_NAME = re.compile(r"[A-Za-z0-9_]{1,64}")
_UTC_SUFFIXES = ("Z", "+00:00")

# --------------------------------------------------------------------------- building


def build_payload(
    qset: QuestionSet,
    answers: dict[str, Any],
    *,
    other: dict[str, str] | None = None,
    declined: bool = False,
    decline_reason: str | None = None,
    readers: Readers = "hr",
    invitation: str | None = None,
    sealed_at: datetime | None = None,
    response_id: str | None = None,
) -> Payload:
    """The payload the page would build from this form state.

    As in the page: an unanswered question (None, blank text, empty list) has no key, and
    "other" text is kept only where "other" is chosen. It is not checked against the set:
    tests need payloads that check_payload refuses.
    """
    kept = {qid: _copy(v) for qid, v in answers.items() if _is_answered(v)}
    other_kept = {
        qid: text
        for qid, text in (other or {}).items()
        if _chose_other(kept.get(qid)) and isinstance(text, str) and text.strip()
    }
    when = sealed_at if sealed_at is not None else _now_ms()
    if when.tzinfo is None:
        raise PayloadFailure("sealed_at has no time zone")
    try:
        return Payload(
            format=PAYLOAD_FORMAT,
            response_id=response_id or secrets.token_hex(16),
            questionnaire=QuestionnaireRef(
                id=qset.id, version=qset.version, language=qset.language, title=qset.title
            ),
            wording={q.id: _wording(q) for q in qset.questions()},
            answers=kept,
            other=other_kept,
            declined=declined,
            decline_reason=decline_reason if declined and decline_reason else None,
            readers=readers,
            invitation=invitation or None,
            sealed_at=when.astimezone(UTC),
        )
    except ValidationError as e:
        raise PayloadFailure(_describe(e)) from None


def _wording(q: Question) -> Wording:
    if q.type not in CHOICE_TYPES:
        return Wording(label=q.label)
    options = {o.value: o.label for o in q.options or []}
    if q.other and q.other_label:
        options["other"] = q.other_label
    return Wording(label=q.label, options=options)


def _is_answered(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return value.strip() != ""
    if isinstance(value, list):
        return len(value) > 0
    return True


def _copy(value: AnswerValue) -> AnswerValue:
    return list(value) if isinstance(value, list) else value


def _chose_other(value: AnswerValue | None) -> bool:
    return value == "other" or (isinstance(value, list) and "other" in value)


def _now_ms() -> datetime:
    # Milliseconds, as the page's Date.toISOString() gives them.
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


# --------------------------------------------------------------------------- sealing


def payload_bytes(payload: Payload) -> bytes:
    """The plaintext as the page writes it: JSON.stringify of the payload, UTF-8.

    Compact separators, non-ASCII as itself, "options" left out where a question has
    none. JSON.stringify escapes a lone surrogate, which UTF-8 cannot carry; so do we.
    """
    obj = payload.model_dump(mode="json")
    # Left out at their defaults, as the page does (spec/FORMAT.md 7.1): a site without a
    # whistleblowing receiver writes the same payload as before the channel existed.
    if obj["scope"] == "hr":
        del obj["scope"]
    if not obj["sent_to_whistleblowing"]:
        del obj["sent_to_whistleblowing"]
    for wording in obj["wording"].values():
        if wording.get("options") is None:
            wording.pop("options", None)
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    text = _LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return text.encode("utf-8")


def seal_payload(payload: Payload, public_raw: bytes) -> bytes:
    """Canonical response-file bytes with one part, sealed to `public_raw`."""
    sealed = crypto.seal(payload_bytes(payload), public_raw)
    return envelope.encode(Envelope(parts=(Part(crypto.key_id(public_raw), sealed),)))


def split_payload(payload: Payload, qset: QuestionSet) -> tuple[Payload, Payload | None]:
    """HR's payload and the whistleblowing receiver's (None when no special question is
    answered or the response is a decline), as the page splits them (spec/FORMAT.md 7.1)."""
    special = [q.id for q in qset.questions() if q.special and q.id in payload.answers]
    if not special or payload.declined:
        return payload, None
    hr = payload.model_copy(
        update={
            "answers": {k: v for k, v in payload.answers.items() if k not in special},
            "other": {k: v for k, v in payload.other.items() if k not in special},
            "sent_to_whistleblowing": special,
        }
    )
    receiver = payload.model_copy(
        update={
            "answers": {k: v for k, v in payload.answers.items() if k in special},
            "other": {k: v for k, v in payload.other.items() if k in special},
            "scope": "whistleblowing",
            "sent_to_whistleblowing": [],
        }
    )
    return hr, receiver


def seal_split(
    payload: Payload, qset: QuestionSet, hr_raw: bytes, whistleblowing_raw: bytes
) -> bytes:
    """A response file as a site with a whistleblowing receiver writes it: HR's part first,
    the receiver's second (only if a special question is answered)."""
    hr, receiver = split_payload(payload, qset)
    parts = [Part(crypto.key_id(hr_raw), crypto.seal(payload_bytes(hr), hr_raw))]
    if receiver is not None:
        sealed = crypto.seal(payload_bytes(receiver), whistleblowing_raw)
        parts.append(Part(crypto.key_id(whistleblowing_raw), sealed))
    return envelope.encode(Envelope(parts=tuple(parts)))


# --------------------------------------------------------------------------- opening


def open_envelope(env: Envelope, keys: Mapping[str, HRKey]) -> tuple[Part, Payload]:
    """Open the first part, in file order, whose key id is among `keys`."""
    part = next((p for p in env.parts if p.key_id in keys), None)
    if part is None:
        ids = " and ".join(crypto.fingerprint(p.key_id) for p in env.parts)
        which = "that key id" if len(env.parts) == 1 else "either key id"
        noun = "key" if len(env.parts) == 1 else "keys"
        raise NoKeyError(f"the file is sealed to {noun} {ids}, and no key given has {which}")
    plaintext = crypto.open_sealed(part.sealed, keys[part.key_id].private)
    return part, parse_payload(plaintext)


def parse_payload(plaintext: bytes) -> Payload:
    """The opened plaintext as a Payload; PayloadFailure names the field at fault."""
    try:
        obj = loads(plaintext)
    except JSONProblem as e:
        raise PayloadFailure(f"the payload: {e}") from None
    try:
        # strict=True here, not only in Payload's config: the nested models are lax by
        # themselves and would take "1" for 1.
        payload = Payload.model_validate_json(plaintext, strict=True)
    except ValidationError as e:
        raise PayloadFailure(_describe(e)) from None
    sealed_at = obj["sealed_at"]
    if not isinstance(sealed_at, str) or not sealed_at.endswith(_UTC_SUFFIXES):
        raise PayloadFailure('the payload: "sealed_at" must be UTC, ending in "Z" or "+00:00"')
    return payload


def _describe(error: ValidationError) -> str:
    """One sentence for the first problem. pydantic's `msg` never holds the input value;
    the path is built from field names and question ids only, each checked to be plain."""
    first = error.errors(include_url=False, include_input=False, include_context=False)[0]
    loc = list(first["loc"])
    if loc and loc[0] == "answers" and len(loc) >= 2:
        # The rest of the path names the branches of the answer union ("str", "int", ...).
        path = _path(loc[1:2])
        return (
            f"the payload: answer {path} must be text, a list of texts, a whole number "
            "or true/false"
        )
    path = _path(loc)
    kind = first["type"]
    if kind == "json_invalid":  # strictjson.loads accepted it, so this should not happen
        return "the payload: not JSON"
    if not path:
        return "the payload is not a JSON object"
    if kind == "missing":
        return f"the payload: missing field {path}"
    if kind == "extra_forbidden":
        return f"the payload: unknown field {path}"
    msg = first["msg"]
    return f"the payload: field {path} is not valid ({msg[:1].lower()}{msg[1:]})"


def _path(loc: list[int | str]) -> str:
    parts = [
        str(p) if isinstance(p, int) or _PLAIN_NAME.fullmatch(p) else "(unprintable)" for p in loc
    ]
    return f'"{".".join(parts)}"' if parts else ""
