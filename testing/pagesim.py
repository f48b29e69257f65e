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
from collector.formats import envelope, hpke, keys, links
from collector.formats.envelope import Envelope, Part
from collector.formats.payload import describe, encode, padded
from collector.model.payload import (
    PAYLOAD_FORMAT,
    AnswerValue,
    Contact,
    Payload,
    QuestionnaireRef,
    Readers,
    Wording,
)
from collector.model.questionset import QuestionSet
from collector.model.wording import expected as page_wording

# --------------------------------------------------------------------------- building


def build_payload(
    qset: QuestionSet,
    answers: dict[str, Any],
    *,
    other: dict[str, str] | None = None,
    declined: bool = False,
    decline_reason: str | None = None,
    readers: Readers = "hr",
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
            sealed_at=when.astimezone(UTC),
            scope="hr",
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


def seal_payload(payload: Payload, public_raw: bytes, link_secret: bytes | None = None) -> bytes:
    """Canonical response-file bytes with one part (HR's), sealed to `public_raw`, bound to
    the invitation link whose secret is given."""
    return envelope.encode(Envelope(parts=(_part(payload, public_raw, link_secret),)))


def _part(payload: Payload, public_raw: bytes, link_secret: bytes | None) -> Part:
    sealed = hpke.seal(padded(payload), public_raw, link_secret)
    link = links.link_id(link_secret) if link_secret is not None else None
    return Part(keys.key_id(public_raw), sealed, link)


def split_payload(
    payload: Payload, qset: QuestionSet, contact: Contact | None = None
) -> tuple[Payload, Payload]:
    """HR's payload and the whistleblowing receiver's, as the page splits them when the site
    has a receiver (spec/FORMAT.md 7.1): the receiver's part is there whatever was answered."""
    special = {q.id for q in qset.questions() if q.special}
    reporting = not payload.declined
    hr = payload.model_copy(
        update={
            "answers": {k: v for k, v in payload.answers.items() if k not in special},
            "other": {k: v for k, v in payload.other.items() if k not in special},
        }
    )
    receiver = payload.model_copy(
        update={
            "wording": {k: v for k, v in payload.wording.items() if k in special},
            "answers": {k: v for k, v in payload.answers.items() if k in special}
            if reporting
            else {},
            "other": {k: v for k, v in payload.other.items() if k in special} if reporting else {},
            "declined": False,
            "decline_reason": None,
            "scope": "whistleblowing",
            # Contact details travel only with a report, as the page sends them.
            "contact": contact if reporting and special & payload.answers.keys() else None,
        }
    )
    return hr, receiver


def seal_split(
    payload: Payload,
    qset: QuestionSet,
    hr_raw: bytes,
    whistleblowing_raw: bytes,
    *,
    contact: Contact | None = None,
    link_secret: bytes | None = None,
) -> bytes:
    """A response file as a site with a whistleblowing receiver writes it: HR's part first
    (bound to the link, if any), the receiver's second, both padded."""
    hr, receiver = split_payload(payload, qset, contact)
    parts = (_part(hr, hr_raw, link_secret), _part(receiver, whistleblowing_raw, None))
    return envelope.encode(Envelope(parts=parts))
