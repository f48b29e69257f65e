"""Reading a payload against its question set: header facts, special information, sections,
what was shown. Pure; every renderer and rule asks here, so an answer means the same
everywhere it is used."""

from __future__ import annotations

from .payload import AnswerValue, Payload, is_visible
from .questionset import QuestionSet

FACTS = ("name", "position", "workplace", "department", "employed_from", "last_day")
"""The header facts a question may carry as its `prefill`, in the order of the form."""


def fact_question(qset: QuestionSet | None, fact: str) -> str | None:
    """The question id that holds a header fact, e.g. the employee's name."""
    if qset is None:
        return fact
    return next((q.id for q in qset.questions() if q.prefill == fact), None)


def fact(payload: Payload, qset: QuestionSet | None, name: str) -> str | None:
    qid = fact_question(qset, name)
    value = payload.answers.get(qid) if qid else None
    return value if isinstance(value, str) else None


def answered(value: AnswerValue | None) -> bool:
    # A special question answered "no" (nothing to report) needs no follow-up.
    return value not in (None, False, "", [])


def has_special(payload: Payload, qset: QuestionSet | None) -> bool:
    """Whether a question marked special (deviation, concern, whistleblowing) is answered."""
    if qset is None:
        return False
    return any(q.special and answered(payload.answers.get(q.id)) for q in qset.questions())


def header_questions(qset: QuestionSet | None) -> list[str]:
    if qset is None:
        return []
    return [q.id for q in qset.questions() if q.prefill is not None]


def sections(payload: Payload, qset: QuestionSet | None) -> list[tuple[str, list[str]]]:
    """(title, question ids) per section; without the set, one untitled section."""
    if qset is None:
        return [("", list(payload.wording) or list(payload.answers))]
    return [(s.title, [q.id for q in s.questions]) for s in qset.sections]


def visible(payload: Payload, qset: QuestionSet | None, qid: str) -> bool:
    question = qset.question(qid) if qset else None
    return question is None or is_visible(question, payload.answers)


def label(payload: Payload, qid: str) -> str:
    """The question as the employee saw it."""
    wording = payload.wording.get(qid)
    return wording.label if wording else qid
