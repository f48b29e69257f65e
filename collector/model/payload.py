"""The sealed payload (FORMAT.md 7): its pydantic model and the checks against its set.

The same question-set models that the site build validates are what an imported answer is
checked against, so the page and the collector cannot disagree on a valid answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Annotated, Literal

from pydantic import ConfigDict, Field, StringConstraints

from ..errors import PayloadFailure
from ..i18n import tr
from ..words import Language
from .questionset import (
    DECLINE_REASON_MAX,
    OTHER_TEXT_MAX,
    TEXT_TYPES,
    Question,
    QuestionSet,
    QuestionType,
    Slug,
    Strict,
    Text,
    control_character,
)

PAYLOAD_FORMAT = "sluttsamtale-payload/2"

Readers = Literal["hr", "hr_and_interviewer", "statistics"]
"""Who may read the answers: HR only / HR and the person who holds the conversation / only
anonymous statistics."""
READERS: tuple[Readers, ...] = ("hr", "hr_and_interviewer", "statistics")
CONTACT_MAX = 200

AnswerValue = str | list[str] | int | bool

Scope = Literal["hr", "whistleblowing"]
"""Whose payload: HR's, or the whistleblowing receiver's (special answers only)."""


class StrictPayloadPart(Strict):
    """Payload parts take JSON types exactly: "1" is not a version, 1 is not true."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class QuestionnaireRef(StrictPayloadPart):
    id: Slug
    version: int = Field(ge=1)
    language: Language
    title: Text


class Wording(StrictPayloadPart):
    """The wording the employee saw for one question, kept with the answer."""

    label: Text
    options: dict[str, Text] | None = None


ContactText = Annotated[str, StringConstraints(min_length=1, max_length=CONTACT_MAX)]


class Contact(StrictPayloadPart):
    """How the whistleblowing receiver may reach the employee: what they chose to give."""

    name: ContactText | None = None
    phone: ContactText | None = None
    email: ContactText | None = None


class Payload(StrictPayloadPart):
    """The plaintext inside a sealed part (format sluttsamtale-payload/2, FORMAT.md 7)."""

    format: Literal["sluttsamtale-payload/2"]
    response_id: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{32}$")]
    questionnaire: QuestionnaireRef
    wording: dict[str, Wording]
    answers: dict[str, AnswerValue]
    other: dict[str, str]
    declined: bool
    decline_reason: str | None
    readers: Readers
    sealed_at: datetime
    scope: Scope
    contact: Contact | None = None
    """In the receiver's payload only (then present, possibly null)."""


class PayloadError(PayloadFailure):
    """An answer file whose content does not match its question set."""


def check_payload(
    payload: Payload, qset: QuestionSet, *, now: datetime, plaintext: bytes | None = None
) -> None:
    """Check a payload against the question set it names; raise PayloadError if it fails.

    `plaintext`: the JSON the payload was read from (strictly), if at hand; a search of it
    tells whether any text may hold a control character (else one search of the texts).
    Messages name question ids and never quote an answer, so they are safe to log.
    """
    ref = payload.questionnaire
    if (ref.id, ref.version, ref.language) != (qset.id, qset.version, qset.language):
        raise PayloadError(
            tr(
                "answers are for question set {id!r} version {version} ({language}), not "
                "{id2!r} version {version2} ({language2})",
                id=ref.id,
                version=ref.version,
                language=ref.language,
                id2=qset.id,
                version2=qset.version,
                language2=qset.language,
            )
        )
    if payload.sealed_at.tzinfo is None:
        raise PayloadError(tr("sealed_at has no time zone"))
    if payload.sealed_at > now + timedelta(days=1):
        raise PayloadError(tr("sealed_at lies in the future"))
    if payload.declined:
        _check_text("decline_reason", payload.decline_reason or "", DECLINE_REASON_MAX, True)
    elif payload.decline_reason is not None:
        raise PayloadError(tr("decline_reason is given but the response is not declined"))

    plan = _plan(qset)
    questions = plan.questions
    answers = payload.answers
    # When no text can hold a control character (nearly always), the per-text searches
    # below are skipped; when one may, they run and say which.
    if plaintext is not None:
        search = _may_hold_control(plaintext)
    else:
        search = control_character(" ".join(_texts(payload)))
    if not answers.keys() <= questions.keys():
        qid = next(qid for qid in answers if qid not in questions)
        raise PayloadError(
            tr(
                "answer to unknown question {_quote_id}",
                _quote_id=_quote_id(qid),
            )
        )
    _check_scope(payload, questions)
    if search or not payload.wording.keys() <= questions.keys():
        for qid, words in payload.wording.items():
            if qid not in questions:
                raise PayloadError(
                    tr(
                        "wording for unknown question {_quote_id}",
                        _quote_id=_quote_id(qid),
                    )
                )
            # Shown to HR as the employee saw it, so held to the answers' rule (FORMAT.md 7).
            if search and any(
                map(control_character, [words.label, *(words.options or {}).values()])
            ):
                raise PayloadError(
                    tr(
                        "the wording of {qid!r} contains a control character",
                        qid=qid,
                    )
                )
    if search and control_character(ref.title):
        raise PayloadError(tr("the question set's title contains a control character"))
    for qid, text in payload.other.items():
        q = questions.get(qid)
        if q is None or not q.other:
            raise PayloadError(
                tr(
                    "'other' text for question {_quote_id}, which offers no 'other'",
                    _quote_id=_quote_id(qid),
                )
            )
        if not _chose_other(answers.get(qid)):
            raise PayloadError(
                tr(
                    "'other' text for question {qid!r}, but 'other' is not chosen",
                    qid=qid,
                )
            )
        _check_text(qid, text, OTHER_TEXT_MAX, search)

    receiver = payload.scope == "whistleblowing"
    for q, options, limit, is_text in plan.checks:
        # The receiver's payload holds special answers only: the answers a condition looks
        # at, and the required ones, are in HR's payload.
        visible = receiver or q.show_if is None or is_visible(q, answers)
        value = answers.get(q.id)
        if value is None:
            missing = q.required and not payload.declined
            if visible and missing and not receiver:
                raise PayloadError(tr("required question {id!r} has no answer", id=q.id))
            continue
        if not visible:
            raise PayloadError(
                tr(
                    "question {id!r} is answered but hidden by its condition",
                    id=q.id,
                )
            )
        # Most answers are texts, free of control characters: the checks of
        # _check_answer, inline (it says what is wrong if any of them fails).
        if (
            is_text
            and not search
            and isinstance(value, str)
            and 0 < len(value) <= limit
            and not value.isspace()
        ):
            continue
        _check_answer(q, value, options, limit, search)


_C1 = re.compile(rb"\xc2[\x80-\x9f]")
_SEPARATOR = re.compile(rb"\xe2\x80[\xa8\xa9]")
"""U+2028 and U+2029 in UTF-8."""


def _may_separate(plaintext: bytes) -> bool:
    """Whether the plaintext may hold U+2028 or U+2029: their last bytes, which otherwise
    only end a few letters (è, é, ©, ¨). A search for the three bytes is slow where
    Norwegian punctuation (– “ ”, also E2 80 ..) is frequent, and this is one memchr each."""
    return b"\xa8" in plaintext or b"\xa9" in plaintext


def _may_hold_control(plaintext: bytes) -> bool:
    """Whether a control character (questionset._CONTROL) may be in the strings of strictly
    read JSON: escaped (\\u, \\b, \\f), or as its UTF-8 bytes (raw C0 bytes are not JSON).
    A yes may be a false alarm (an escaped backslash, a harmless \\u escape); the texts are
    then searched one by one. A byte first (memchr), which is much faster than a regex
    or a search for a longer string."""
    return (
        (b"\\" in plaintext and (b"\\u" in plaintext or b"\\b" in plaintext or b"\\f" in plaintext))
        or b"\x7f" in plaintext
        or (_may_separate(plaintext) and _SEPARATOR.search(plaintext) is not None)
        or (b"\xc2" in plaintext and _C1.search(plaintext) is not None)
    )


@dataclass(frozen=True)
class _Plan:
    """What the checks need of a set, worked out once per set rather than per response."""

    questions: dict[str, Question]
    checks: tuple[tuple[Question, frozenset[str], int, bool], ...]
    """Each question in order, with the values its answer may hold, its text limit and
    whether it is answered with a text."""


_PLANS: dict[int, tuple[QuestionSet, _Plan]] = {}
_MAX_PLANS = 256


def _plan(qset: QuestionSet) -> _Plan:
    known = _PLANS.get(id(qset))
    if known is not None and known[0] is qset:  # the set is held, so its id is not reused
        return known[1]
    if len(_PLANS) >= _MAX_PLANS:
        _PLANS.clear()
    questions = {q.id: q for q in qset.questions()}
    plan = _Plan(
        questions,
        tuple(
            (q, frozenset(q.option_values()), q.text_limit, q.type in TEXT_TYPES)
            for q in questions.values()
        ),
    )
    _PLANS[id(qset)] = (qset, plan)
    return plan


def _texts(payload: Payload) -> list[str]:
    """Every text of the payload that check_payload searches for a control character."""
    texts = [payload.questionnaire.title, payload.decline_reason or "", *payload.other.values()]
    texts += [value for value in payload.answers.values() if isinstance(value, str)]
    for words in payload.wording.values():
        texts.append(words.label)
        if words.options:
            texts += words.options.values()
    return texts


def _check_scope(payload: Payload, questions: dict[str, Question]) -> None:
    """The whistleblowing channel (spec/FORMAT.md 7.1): what each scope may hold."""
    if payload.scope == "hr":
        if payload.contact is not None:
            raise PayloadError(
                tr("HR's payload carries contact details, which only the receiver's may")
            )
        return
    if payload.declined:
        raise PayloadError(tr("a whistleblowing payload cannot be a decline"))
    for qid in payload.answers:
        if not questions[qid].special:
            raise PayloadError(tr("a whistleblowing payload answers question {qid!r}", qid=qid))
    if payload.contact is not None:
        for name in ("name", "phone", "email"):
            text = getattr(payload.contact, name)
            if text is not None:
                _check_text(f"contact.{name}", text, CONTACT_MAX, True)
                if "\n" in text or "\r" in text or "\t" in text:
                    raise PayloadError(
                        tr(
                            "contact.{name} holds a line break or a tab",
                            name=name,
                        )
                    )


def _quote_id(qid: str) -> str:
    """A question id from the file, quoted only if it is a well-formed id (files are hostile)."""
    return repr(qid) if re.fullmatch(r"[a-z][a-z0-9_]{0,63}", qid) else tr("(a malformed id)")


def is_visible(q: Question, answers: dict[str, AnswerValue]) -> bool:
    """Whether a question is shown, given the answers so far (conditions only look back)."""
    if q.show_if is None:
        return True
    given = answers.get(q.show_if.question)
    if isinstance(given, bool):
        given = "yes" if given else "no"
    chosen = given if isinstance(given, list) else [given]
    return any(v in q.show_if.equals for v in chosen)


def _chose_other(value: AnswerValue | None) -> bool:
    return value == "other" or (isinstance(value, list) and "other" in value)


def _check_text(qid: str, text: str, limit: int, search: bool) -> None:
    """Length, and with `search` control characters (False: `text` is known free of them)."""
    if len(text) > limit:
        raise PayloadError(
            tr(
                "answer to {qid!r} is longer than {limit} characters",
                qid=qid,
                limit=limit,
            )
        )
    if search and control_character(text):
        raise PayloadError(tr("answer to {qid!r} contains a control character", qid=qid))


def _check_answer(
    q: Question, value: AnswerValue, options: frozenset[str], limit: int, search: bool
) -> None:
    t = q.type
    if t in TEXT_TYPES:
        # `not value or value.isspace()` is `not value.strip()`, without copying the text.
        if not isinstance(value, str) or not value or value.isspace():
            raise PayloadError(tr("answer to {id!r} must be non-empty text", id=q.id))
        _check_text(q.id, value, limit, search)
    elif t is QuestionType.single_choice:
        if not isinstance(value, str) or value not in options:
            raise PayloadError(tr("answer to {id!r} is not one of its options", id=q.id))
    elif t is QuestionType.multiple_choice:
        if not isinstance(value, list) or not value:
            raise PayloadError(
                tr(
                    "answer to {id!r} must be a non-empty list of options",
                    id=q.id,
                )
            )
        if len(set(value)) != len(value) or any(v not in options for v in value):
            raise PayloadError(
                tr(
                    "answer to {id!r} holds a value that is not one of its options",
                    id=q.id,
                )
            )
    elif t is QuestionType.scale:
        assert q.scale is not None
        if isinstance(value, bool) or not isinstance(value, int):
            raise PayloadError(tr("answer to {id!r} must be a whole number", id=q.id))
        if not q.scale.min <= value <= q.scale.max:
            raise PayloadError(tr("answer to {id!r} is outside the scale", id=q.id))
    elif t is QuestionType.yes_no:
        if not isinstance(value, bool):
            raise PayloadError(tr("answer to {id!r} must be true or false", id=q.id))
    elif t is QuestionType.date:
        if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise PayloadError(tr("answer to {id!r} must be a date as YYYY-MM-DD", id=q.id))
        try:
            date.fromisoformat(value)
        except ValueError:
            raise PayloadError(tr("answer to {id!r} is not a real date", id=q.id)) from None
