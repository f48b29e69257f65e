"""The one contract: pydantic models for a question set and for the sealed payload.

The same models validate a question set when the site is built and an answer file when
the collector imports it, so the page and the collector can never disagree on what a
valid answer is.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from .errors import PayloadFailure

Language = Literal["nb", "nn", "sv", "en"]
LANGUAGES: tuple[Language, ...] = ("nb", "nn", "sv", "en")

Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=64)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=4000)]

SHORT_TEXT_MAX = 200
LONG_TEXT_MAX = 5000
OTHER_TEXT_MAX = 500
DECLINE_REASON_MAX = 2000

# Answers may hold line breaks and tabs; any other control character is a sign of a
# corrupted or hostile file, and would also break terminals that show the answers. A lone
# surrogate cannot come from a real text field and cannot be stored as UTF-8.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


class Strict(BaseModel):
    """Base for every model: unknown fields are an error, never silently dropped."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# --------------------------------------------------------------------------- question set


class QuestionType(StrEnum):
    short_text = "short_text"
    long_text = "long_text"
    single_choice = "single_choice"
    multiple_choice = "multiple_choice"
    scale = "scale"
    yes_no = "yes_no"
    date = "date"


CHOICE_TYPES = {QuestionType.single_choice, QuestionType.multiple_choice}
TEXT_TYPES = {QuestionType.short_text, QuestionType.long_text}


class Option(Strict):
    """One choice. `value` is the stable code stored in answers and used in reports."""

    value: Identifier
    label: Text


class Scale(Strict):
    min: int = Field(1, ge=0, le=10)
    max: int = Field(5, ge=1, le=10)
    min_label: Text
    max_label: Text


class Condition(Strict):
    """Show a question only when an earlier question has one of the given values.

    For yes/no questions the values are "yes" and "no"; for choices, option values.
    """

    question: Identifier
    equals: list[Identifier] = Field(min_length=1)


class Question(Strict):
    id: Identifier
    type: QuestionType
    label: Text
    help: Text | None = None
    required: bool = False
    options: list[Option] | None = None
    other: bool = Field(
        False, description='Choices only: add an "other, namely" option with free text.'
    )
    other_label: Text | None = None
    scale: Scale | None = None
    max_length: int | None = Field(None, ge=1, le=LONG_TEXT_MAX)
    show_if: Condition | None = None
    analysis_code: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_.]*$")] | None = Field(
        None,
        description="Stable code for aggregating the same question across languages and "
        "versions, e.g. 'reason.primary'.",
    )
    special: bool = Field(
        False,
        description="Special information (deviation, concern, strong dissatisfaction, "
        "whistleblowing) that the employer must assess and follow up.",
    )
    prefill: (
        Literal["name", "position", "workplace", "department", "employed_from", "last_day"] | None
    ) = Field(None, description="Header fact an invitation link may fill in ahead.")

    @model_validator(mode="after")
    def _check_shape(self) -> Question:
        if self.type in CHOICE_TYPES:
            if not self.options:
                raise ValueError("a choice question needs at least one option")
            values = [o.value for o in self.options]
            dupes = sorted({v for v in values if values.count(v) > 1})
            if dupes:
                raise ValueError(f"option value {dupes[0]!r} is used twice")
            if self.other and "other" in values:
                raise ValueError("'other: true' adds the option 'other'; do not list it too")
            if self.other and not self.other_label:
                raise ValueError("'other: true' needs an other_label")
        elif self.options is not None or self.other:
            raise ValueError(f"a {self.type.value} question cannot have options")
        if self.type is QuestionType.scale:
            if self.scale is None:
                raise ValueError("a scale question needs 'scale' with min, max and end labels")
            if self.scale.min >= self.scale.max:
                raise ValueError("scale min must be below scale max")
        elif self.scale is not None:
            raise ValueError(f"a {self.type.value} question cannot have a scale")
        if self.max_length is not None and self.type not in TEXT_TYPES:
            raise ValueError("max_length is only for text questions")
        return self

    @property
    def text_limit(self) -> int:
        default = SHORT_TEXT_MAX if self.type is QuestionType.short_text else LONG_TEXT_MAX
        return self.max_length or default

    def option_values(self) -> list[str]:
        """Every value an answer may hold, including 'other' when offered."""
        if self.type is QuestionType.yes_no:
            return ["yes", "no"]
        values = [o.value for o in self.options or []]
        return values + ["other"] if self.other else values


class Section(Strict):
    id: Identifier
    title: Text
    intro: Text | None = None
    questions: list[Question] = Field(min_length=1)


class PrivacyNotice(Strict):
    """The employer's notice under GDPR art. 13, shown before the first question."""

    controller: Text
    contact: Text
    purpose: Text
    legal_basis: Text
    recipients: Text
    retention: Text
    retention_months: int = Field(12, ge=1, le=120)
    rights: Text
    complaints: Text


class QuestionSet(Strict):
    """A question set as HR writes it in YAML. The privacy notice comes from employer.yml."""

    id: Slug
    version: int = Field(ge=1)
    language: Language
    title: Text
    introduction: Text
    source: Text | None = Field(None, description="The document this set is built from.")
    privacy: PrivacyNotice | None = None
    sections: list[Section] = Field(min_length=1)

    @model_validator(mode="after")
    def _check_references(self) -> QuestionSet:
        seen: dict[str, Question] = {}
        section_ids: set[str] = set()
        for section in self.sections:
            if section.id in section_ids:
                raise ValueError(f"section {section.id!r}: section id is used twice")
            section_ids.add(section.id)
            for q in section.questions:
                if q.id in seen:
                    raise ValueError(f"question {q.id!r}: question id is used twice")
                if q.show_if is not None:
                    _check_condition(q, seen)
                seen[q.id] = q
        return self

    def questions(self) -> list[Question]:
        return [q for s in self.sections for q in s.questions]

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions() if q.id == question_id), None)

    def by_code(self, analysis_code: str) -> Question | None:
        return next((q for q in self.questions() if q.analysis_code == analysis_code), None)


def _check_condition(q: Question, earlier: dict[str, Question]) -> None:
    assert q.show_if is not None
    target = earlier.get(q.show_if.question)
    if target is None:
        raise ValueError(
            f"question {q.id!r}: condition refers to question {q.show_if.question!r}, "
            "which does not come before it"
        )
    if target.type not in CHOICE_TYPES | {QuestionType.yes_no}:
        raise ValueError(
            f"question {q.id!r}: condition refers to {target.id!r}, which is not a choice"
        )
    allowed = target.option_values()
    for value in q.show_if.equals:
        if value not in allowed:
            raise ValueError(
                f"question {q.id!r}: condition value {value!r} is not an option of {target.id!r}"
            )


# --------------------------------------------------------------------------- payload

Readers = Literal["hr", "hr_and_leader", "statistics"]
"""Who may read the answers: HR only / HR and the nearest leader / only anonymous statistics."""

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


class Payload(StrictPayloadPart):
    """The plaintext inside a sealed part (format sluttsamtale-payload/1)."""

    format: Literal["sluttsamtale-payload/1"]
    response_id: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{32}$")]
    questionnaire: QuestionnaireRef
    wording: dict[str, Wording]
    answers: dict[str, AnswerValue]
    other: dict[str, str] = Field(default_factory=dict)
    declined: bool
    decline_reason: str | None = None
    readers: Readers
    invitation: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{16,64}$")] | None = None
    sealed_at: datetime
    scope: Scope = "hr"
    sent_to_whistleblowing: list[
        Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,63}$")]
    ] = Field(default_factory=list)


class PayloadError(PayloadFailure):
    """An answer file whose content does not match its question set."""


def check_payload(payload: Payload, qset: QuestionSet, *, now: datetime | None = None) -> None:
    """Check a payload against the question set it names; raise PayloadError if it fails.

    Messages name question ids and never quote an answer, so they are safe to log.
    """
    now = now or datetime.now(UTC)
    ref = payload.questionnaire
    if (ref.id, ref.version, ref.language) != (qset.id, qset.version, qset.language):
        raise PayloadError(
            f"answers are for question set {ref.id!r} version {ref.version} ({ref.language}), "
            f"not {qset.id!r} version {qset.version} ({qset.language})"
        )
    if payload.sealed_at.tzinfo is None:
        raise PayloadError("sealed_at has no time zone")
    if payload.sealed_at > now + timedelta(days=1):
        raise PayloadError("sealed_at lies in the future")
    if payload.declined:
        _check_text("decline_reason", payload.decline_reason or "", DECLINE_REASON_MAX)
    elif payload.decline_reason is not None:
        raise PayloadError("decline_reason is given but the response is not declined")

    questions = {q.id: q for q in qset.questions()}
    for qid in payload.answers:
        if qid not in questions:
            raise PayloadError(f"answer to unknown question {_quote_id(qid)}")
    sent = _check_scope(payload, questions)
    for qid in payload.wording:
        if qid not in questions:
            raise PayloadError(f"wording for unknown question {_quote_id(qid)}")
    for qid, text in payload.other.items():
        q = questions.get(qid)
        if q is None or not q.other:
            raise PayloadError(
                f"'other' text for question {_quote_id(qid)}, which offers no 'other'"
            )
        if not _chose_other(payload.answers.get(qid)):
            raise PayloadError(f"'other' text for question {qid!r}, but 'other' is not chosen")
        _check_text(qid, text, OTHER_TEXT_MAX)

    receiver = payload.scope == "whistleblowing"
    for q in questions.values():
        # The receiver's payload holds special answers only: the answers a condition looks
        # at, and the required ones, are in HR's payload.
        visible = receiver or is_visible(q, payload.answers)
        value = payload.answers.get(q.id)
        if value is None:
            missing = q.required and not payload.declined and q.id not in sent
            if visible and missing and not receiver:
                raise PayloadError(f"required question {q.id!r} has no answer")
            continue
        if not visible:
            raise PayloadError(f"question {q.id!r} is answered but hidden by its condition")
        _check_answer(q, value)


def _check_scope(payload: Payload, questions: dict[str, Question]) -> set[str]:
    """The whistleblowing split (spec/FORMAT.md 7.1); returns the ids sent to the channel."""
    sent = payload.sent_to_whistleblowing
    if payload.scope == "whistleblowing":
        if sent:
            raise PayloadError("a whistleblowing payload lists questions sent elsewhere")
        if payload.declined:
            raise PayloadError("a whistleblowing payload cannot be a decline")
        for qid in payload.answers:
            if not questions[qid].special:
                raise PayloadError(f"a whistleblowing payload answers question {qid!r}")
        if not payload.answers:
            raise PayloadError("a whistleblowing payload answers no special question")
        return set()
    if len(set(sent)) != len(sent):
        raise PayloadError("sent_to_whistleblowing lists a question twice")
    for qid in sent:
        q = questions.get(qid)
        if q is None or not q.special:
            raise PayloadError(
                f"sent_to_whistleblowing names {_quote_id(qid)}, which is no special question"
            )
        if qid in payload.answers:
            raise PayloadError(f"question {qid!r} is both answered and sent to whistleblowing")
    return set(sent)


def _quote_id(qid: str) -> str:
    """A question id from the file, quoted only if it is a well-formed id (files are hostile)."""
    return repr(qid) if re.fullmatch(r"[a-z][a-z0-9_]{0,63}", qid) else "(a malformed id)"


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


def _check_text(qid: str, text: str, limit: int) -> None:
    if len(text) > limit:
        raise PayloadError(f"answer to {qid!r} is longer than {limit} characters")
    if _CONTROL.search(text):
        raise PayloadError(f"answer to {qid!r} contains a control character")


def _check_answer(q: Question, value: AnswerValue) -> None:
    t = q.type
    if t in TEXT_TYPES:
        if not isinstance(value, str) or not value.strip():
            raise PayloadError(f"answer to {q.id!r} must be non-empty text")
        _check_text(q.id, value, q.text_limit)
    elif t is QuestionType.single_choice:
        if not isinstance(value, str) or value not in q.option_values():
            raise PayloadError(f"answer to {q.id!r} is not one of its options")
    elif t is QuestionType.multiple_choice:
        if not isinstance(value, list) or not value:
            raise PayloadError(f"answer to {q.id!r} must be a non-empty list of options")
        if len(set(value)) != len(value) or any(v not in q.option_values() for v in value):
            raise PayloadError(f"answer to {q.id!r} holds a value that is not one of its options")
    elif t is QuestionType.scale:
        assert q.scale is not None
        if isinstance(value, bool) or not isinstance(value, int):
            raise PayloadError(f"answer to {q.id!r} must be a whole number")
        if not q.scale.min <= value <= q.scale.max:
            raise PayloadError(f"answer to {q.id!r} is outside the scale")
    elif t is QuestionType.yes_no:
        if not isinstance(value, bool):
            raise PayloadError(f"answer to {q.id!r} must be true or false")
    elif t is QuestionType.date:
        if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise PayloadError(f"answer to {q.id!r} must be a date as YYYY-MM-DD")
        try:
            date.fromisoformat(value)
        except ValueError:
            raise PayloadError(f"answer to {q.id!r} is not a real date") from None
