"""The one contract: pydantic models for a question set as HR writes it in YAML.

The same models validate a question set when the site is built and, through
model/payload.py, an answer file when the collector imports it.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from ..i18n import tr
from ..words import Language

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


def control_character(text: str) -> bool:
    """Whether `text` holds a character no answer may hold (see above)."""
    return _CONTROL.search(text) is not None


class Strict(BaseModel):
    """Base for every model: unknown fields are an error, never silently dropped."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Documented(Strict):
    """A model HR writes by hand: each field's docstring is its description, which the JSON
    Schema gives an editor and `init` writes above the setting in sluttsamtale.toml."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


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
                raise ValueError(tr("a choice question needs at least one option"))
            values = [o.value for o in self.options]
            dupes = sorted({v for v in values if values.count(v) > 1})
            if dupes:
                raise ValueError(tr("option value {value!r} is used twice", value=dupes[0]))
            if self.other and "other" in values:
                raise ValueError(tr("'other: true' adds the option 'other'; do not list it too"))
            if self.other and not self.other_label:
                raise ValueError(tr("'other: true' needs an other_label"))
        elif self.options is not None or self.other:
            raise ValueError(tr("a {value} question cannot have options", value=self.type.value))
        if self.type is QuestionType.scale:
            if self.scale is None:
                raise ValueError(tr("a scale question needs 'scale' with min, max and end labels"))
            if self.scale.min >= self.scale.max:
                raise ValueError(tr("scale min must be below scale max"))
        elif self.scale is not None:
            raise ValueError(tr("a {value} question cannot have a scale", value=self.type.value))
        if self.max_length is not None and self.type not in TEXT_TYPES:
            raise ValueError(tr("max_length is only for text questions"))
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


class PrivacyNotice(Documented):
    """The employer's notice under GDPR art. 13, shown before the first question."""

    controller: Text
    """Who is responsible for the answers (the controller), by name."""
    contact: Text
    """How to reach HR and the data protection officer."""
    purpose: Text
    """What the answers are used for."""
    legal_basis: Text
    """The GDPR art. 6 basis (a public employer: 6(1)(e); a private one: 6(1)(f)), and that
    taking part is voluntary."""
    recipients: Text
    """Who reads the answers, and who does not."""
    invitations: Text
    """HR's own record of whom it invited, when, and whether they answered or declined."""
    special_categories: Text
    """The art. 9 basis for special categories (union membership, health) in some answers."""
    retention: Text | None = None
    """Left out, the page writes it from the employer's retention_months and personnel-file
    policy, so it cannot disagree with them; written here, it must name the same months."""
    rights: Text
    """The employee's rights: access, correction, erasure, objection."""
    automated_decisions: Text
    """That no decision about the employee is made automatically."""
    complaints: Text
    """Where to complain: the supervisory authority (Datatilsynet, IMY) by name."""


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
                raise ValueError(tr("section {id!r}: section id is used twice", id=section.id))
            section_ids.add(section.id)
            for q in section.questions:
                if q.id in seen:
                    raise ValueError(tr("question {id!r}: question id is used twice", id=q.id))
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
            tr(
                "question {id!r}: condition refers to question {question!r}, which does "
                "not come before it",
                id=q.id,
                question=q.show_if.question,
            )
        )
    if target.type not in CHOICE_TYPES | {QuestionType.yes_no}:
        raise ValueError(
            tr(
                "question {id!r}: condition refers to {id2!r}, which is not a choice",
                id=q.id,
                id2=target.id,
            )
        )
    allowed = target.option_values()
    for value in q.show_if.equals:
        if value not in allowed:
            raise ValueError(
                tr(
                    "question {id!r}: condition value {value!r} is not an option of {id2!r}",
                    id=q.id,
                    value=value,
                    id2=target.id,
                )
            )
