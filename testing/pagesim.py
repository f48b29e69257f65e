"""The page's job in Python: a payload built from form state and sealed exactly as
site/js/payload.js does it. Test tooling only; tests/test_page_parity.py holds it to the
page, set by set, byte for byte in the plaintext.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError

from collector.errors import PayloadFailure
from collector.formats import envelope, hpke, keys
from collector.formats.envelope import Envelope, Part
from collector.formats.payload import describe, encode
from collector.mkdocs_plugin.render import wording as page_wording
from collector.model.payload import (
    PAYLOAD_FORMAT,
    AnswerValue,
    Payload,
    QuestionnaireRef,
    Readers,
    Wording,
)
from collector.model.questionset import QuestionSet

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
            wording={qid: Wording(**w) for qid, w in page_wording(qset).items()},
            answers=kept,
            other=other_kept,
            declined=declined,
            decline_reason=decline_reason if declined and decline_reason else None,
            readers=readers,
            invitation=invitation or None,
            sealed_at=when.astimezone(UTC),
        )
    except ValidationError as e:
        raise PayloadFailure(describe(e)) from None


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


payload_bytes = encode


def seal_payload(payload: Payload, public_raw: bytes) -> bytes:
    """Canonical response-file bytes with one part, sealed to `public_raw`."""
    sealed = hpke.seal(encode(payload), public_raw)
    return envelope.encode(Envelope(parts=(Part(keys.key_id(public_raw), sealed),)))


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
    parts = [Part(keys.key_id(hr_raw), hpke.seal(encode(hr), hr_raw))]
    if receiver is not None:
        sealed = hpke.seal(encode(receiver), whistleblowing_raw)
        parts.append(Part(keys.key_id(whistleblowing_raw), sealed))
    return envelope.encode(Envelope(parts=tuple(parts)))
