"""An answer as words: the option labels the employee saw, yes/no in the set's language, a
scale with its end labels. Every renderer (text, record, desk) shows answers through here."""

from __future__ import annotations

from ..model import answers
from ..model.payload import AnswerValue, Payload
from ..model.questionset import Question, QuestionSet, QuestionType
from ..model.records import Facts, ResponseRecord
from ..words import catalogue


def option(payload: Payload, question: Question | None, qid: str, value: str) -> str:
    wording = payload.wording.get(qid)
    if wording and wording.options and value in wording.options:
        label = wording.options[value]
    elif question is not None and value == "other" and question.other_label:
        label = question.other_label
    elif question is not None:
        label = next((o.label for o in question.options or [] if o.value == value), value)
    else:
        label = value
    if value == "other" and qid in payload.other:
        return f"{label}: {payload.other[qid]}"
    return label


def answer_text(payload: Payload, qset: QuestionSet | None, qid: str, value: AnswerValue) -> str:
    """The answer to `qid` as the employee would read it back."""
    question = qset.question(qid) if qset else None
    kind = question.type if question else None
    if isinstance(value, bool):
        wording = payload.wording.get(qid)
        key = "yes" if value else "no"
        if wording and wording.options and key in wording.options:
            return wording.options[key]
        return catalogue(payload.questionnaire.language).yes_no(value)
    if isinstance(value, int):
        if question is not None and question.scale is not None:
            s = question.scale
            return f"{value}  ({s.min} = {s.min_label} … {s.max} = {s.max_label})"
        return str(value)
    if isinstance(value, list):
        return "\n".join(f"- {option(payload, question, qid, v)}" for v in value)
    wording = payload.wording.get(qid)
    if kind is QuestionType.single_choice or (kind is None and wording and wording.options):
        return option(payload, question, qid, value)
    return value


def header_facts(record: ResponseRecord, qset: QuestionSet | None) -> list[tuple[str, str, str]]:
    """(question id, label, text) of each header fact: HR's invitation says it, else what
    the employee typed (FORMAT.md 14.3); an empty text where neither does."""
    payload = record.payload
    facts = record.facts or Facts()
    out = []
    for q in qset.questions() if qset is not None else []:
        if q.prefill is None:
            continue
        text = getattr(facts, q.prefill)
        if text is None and q.id in payload.answers:
            text = answer_text(payload, qset, q.id, payload.answers[q.id])
        out.append((q.id, answers.label(payload, q.id), text or ""))
    return out


def not_for_hr(record: ResponseRecord, qset: QuestionSet | None) -> set[str]:
    """The questions HR's views leave out: the special ones, when the file had a part for
    the whistleblowing receiver (their answers, if any, are the receiver's alone)."""
    if not record.receiver or qset is None:
        return set()
    return {q.id for q in qset.questions() if q.special}
