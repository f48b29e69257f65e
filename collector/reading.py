"""Decrypt stored responses in memory and render them for `list` and `show`.

Nothing here writes anywhere: the plaintext lives only as long as the command that shows it.
Labels come from the payload's own wording, so HR reads the questions exactly as the
employee saw them, even if the question set has been reworded since.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from . import crypto, sealing
from .envelope import Envelope, Part
from .errors import SluttsamtaleError
from .keyfile import HRKey
from .questionnaires import Catalog
from .schema import AnswerValue, Payload, Question, QuestionSet, QuestionType, is_visible
from .store import StoredResponse

READERS_TEXT = {
    "hr": "HR only",
    "hr_and_leader": "HR and the nearest leader",
    "statistics": "only anonymous statistics",
}
_YES_NO = {
    "nb": ("Ja", "Nei"),
    "nn": ("Ja", "Nei"),
    "sv": ("Ja", "Nej"),
    "en": ("Yes", "No"),
}
SHORT_ID = 8
WHISTLEBLOWING_FLAG = "sent to the whistleblowing channel"
WHISTLEBLOWING_NOTICE = (
    "  ! special information was sent to the whistleblowing channel: its receiver assesses "
    "it and follows it up; this file holds no part of it for HR"
)


@dataclass(frozen=True)
class Opened:
    """A stored row and, if it could be opened, its payload and question set."""

    row: StoredResponse
    payload: Payload | None = None
    qset: QuestionSet | None = None
    problem: str | None = None


def open_row(row: StoredResponse, keys: Mapping[str, HRKey], catalog: Catalog | None) -> Opened:
    """Decrypt one row; a row that does not open is returned with `problem` set."""
    if row.key_id not in keys:
        return Opened(
            row,
            problem=f"sealed to key {crypto.fingerprint(row.key_id)}, "
            "which was not given with --key",
        )
    try:
        _, payload = sealing.open_envelope(Envelope(parts=(Part(row.key_id, row.sealed),)), keys)
    except SluttsamtaleError as e:
        return Opened(row, problem=str(e))
    ref = payload.questionnaire
    qset = catalog.get(ref.id, ref.version) if catalog is not None else None
    return Opened(row, payload, qset)


def require_open(opened: Opened) -> tuple[Payload, QuestionSet | None]:
    if opened.payload is None:
        raise SluttsamtaleError(
            f"response {opened.row.response_id[:SHORT_ID]} cannot be opened: {opened.problem}"
        )
    return opened.payload, opened.qset


# --------------------------------------------------------------------------- facts


def _prefilled(qset: QuestionSet | None, fact: str) -> str | None:
    """The question id that holds a header fact, e.g. the employee's name."""
    if qset is not None:
        for q in qset.questions():
            if q.prefill == fact:
                return q.id
        return None
    return fact


def _fact(payload: Payload, qset: QuestionSet | None, fact: str) -> str | None:
    qid = _prefilled(qset, fact)
    value = payload.answers.get(qid) if qid else None
    return value if isinstance(value, str) else None


def _answered(value: AnswerValue | None) -> bool:
    # A special question answered "no" (nothing to report) needs no follow-up.
    return value not in (None, False, "", [])


def has_special(payload: Payload, qset: QuestionSet | None) -> bool:
    """Whether a question marked special (deviation, concern, whistleblowing) is answered."""
    if qset is None:
        return False
    return any(q.special and _answered(payload.answers.get(q.id)) for q in qset.questions())


def unknown_invitation(opened: Opened, matched: Container[str] | None) -> bool:
    """The answers name an invitation token that matches no invitation in this store."""
    if matched is None or opened.payload is None or opened.payload.invitation is None:
        return False
    return opened.row.response_id not in matched


def flags(payload: Payload, qset: QuestionSet | None, *, unknown: bool = False) -> list[str]:
    out = []
    if payload.declined:
        out.append("declined")
    if has_special(payload, qset):
        out.append("special information")
    if payload.sent_to_whistleblowing:
        out.append(WHISTLEBLOWING_FLAG)
    if payload.scope == "whistleblowing":
        out.append("whistleblowing report")
    if payload.readers != "hr":
        out.append(f"readers: {READERS_TEXT[payload.readers]}")
    if qset is None:
        out.append("question set not found")
    if unknown:
        out.append("unknown invitation")
    return out


def list_entry(opened: Opened, matched: Container[str] | None = None) -> dict[str, Any]:
    """One response as `list --json` gives it. `matched`: ids matched to an invitation."""
    row = opened.row
    entry: dict[str, Any] = {
        "id": row.response_id,
        "received_at": row.received_at,
        "delete_by": row.delete_by,
        "receipt": row.receipt,
        "key_id": row.key_id,
    }
    payload, qset = opened.payload, opened.qset
    if payload is None:
        return entry | {
            "questionnaire": None,
            "name": None,
            "department": None,
            "declined": None,
            "special": None,
            "sent_to_whistleblowing": None,
            "scope": None,
            "readers": None,
            "problem": opened.problem,
        }
    ref = payload.questionnaire
    return entry | {
        "questionnaire": {
            "id": ref.id,
            "version": ref.version,
            "language": ref.language,
            "title": ref.title,
        },
        "name": _fact(payload, qset, "name"),
        "department": _fact(payload, qset, "department"),
        "declined": payload.declined,
        "special": has_special(payload, qset),
        "sent_to_whistleblowing": bool(payload.sent_to_whistleblowing),
        "scope": payload.scope,
        "readers": payload.readers,
        "invitation": _invitation_state(opened, matched),
        "problem": None,
    }


def _invitation_state(opened: Opened, matched: Container[str] | None) -> str | None:
    if matched is None or opened.payload is None or opened.payload.invitation is None:
        return None
    return "unknown" if unknown_invitation(opened, matched) else "matched"


# --------------------------------------------------------------------------- list table


def _clip(text: str | None, width: int = 30) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[: width - 1] + "…"


def list_table(opened: Iterable[Opened], matched: Container[str] | None = None) -> str:
    header = ("ID", "RECEIVED", "QUESTION SET", "NAME", "DEPARTMENT", "FLAGS")
    rows: list[tuple[str, ...]] = []
    for item in opened:
        row, payload = item.row, item.payload
        received = row.received_at[:10]
        if payload is None:
            rows.append(
                (
                    row.response_id[:SHORT_ID],
                    received,
                    "?",
                    "",
                    "",
                    f"cannot be opened: {item.problem}",
                )
            )
            continue
        ref = payload.questionnaire
        rows.append(
            (
                row.response_id[:SHORT_ID],
                received,
                f"{ref.id} v{ref.version}, {ref.language}",
                _clip(_fact(payload, item.qset, "name")),
                _clip(_fact(payload, item.qset, "department")),
                ", ".join(flags(payload, item.qset, unknown=unknown_invitation(item, matched))),
            )
        )
    if not rows:
        return "No responses are stored."
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header) - 1)]
    lines = []
    for r in [header, *rows]:
        cells = [cell.ljust(w) for cell, w in zip(r, widths, strict=False)] + [r[-1]]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


# --------------------------------------------------------------------------- show


def show_text(opened: Opened) -> str:
    """The answers under the questions as the employee saw them, header facts first."""
    payload, qset = require_open(opened)
    row, ref = opened.row, payload.questionnaire
    lines = [
        f"Response     {row.response_id}",
        f"Receipt      {row.receipt}",
        f"Sealed at    {_when(payload.sealed_at)}",
        f"Received at  {_when(datetime.fromisoformat(row.received_at))}",
        f"Delete by    {row.delete_by}",
        f"Question set {ref.title} ({ref.id} v{ref.version}, {ref.language})",
        f"Readers      {READERS_TEXT[payload.readers]}",
    ]
    if payload.scope == "whistleblowing":
        lines.append("Channel      whistleblowing: only the answers sent to this channel")
    if payload.sent_to_whistleblowing:
        # Which questions, never what was written: that part is sealed to another key.
        asked = ", ".join(_label(payload, qid) for qid in payload.sent_to_whistleblowing)
        lines.append(f"Note         {WHISTLEBLOWING_FLAG}: {asked}")
    if qset is None:
        lines.append(
            "Note         this question set is not in the question-set folder; "
            "answers are shown without their sections"
        )
    facts = _header_questions(payload, qset)
    if facts:
        lines.append("")
    for qid in facts:
        value = payload.answers.get(qid)
        if value is not None:
            lines.append(f"{_label(payload, qid)}: {_render(payload, qset, qid, value)}")
    if payload.declined:
        lines += ["", "Declined the exit interview."]
        if payload.decline_reason:
            lines += ["Reason:", *_indent(payload.decline_reason)]
    for title, qids in _sections(payload, qset):
        shown = [qid for qid in qids if qid not in facts and _visible(payload, qset, qid)]
        if not shown:
            continue
        lines += ["", f"== {title} ==" if title else "=="]
        for qid in shown:
            value = payload.answers.get(qid)
            lines += ["", _label(payload, qid)]
            answer = "(no answer)" if value is None else _render(payload, qset, qid, value)
            lines += _indent(answer)
    return "\n".join(lines)


def _when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _header_questions(payload: Payload, qset: QuestionSet | None) -> list[str]:
    if qset is None:
        return []
    return [q.id for q in qset.questions() if q.prefill is not None]


def _sections(payload: Payload, qset: QuestionSet | None) -> list[tuple[str, list[str]]]:
    if qset is None:
        return [("", list(payload.wording) or list(payload.answers))]
    return [(s.title, [q.id for q in s.questions]) for s in qset.sections]


def _visible(payload: Payload, qset: QuestionSet | None, qid: str) -> bool:
    question = qset.question(qid) if qset else None
    return question is None or is_visible(question, payload.answers)


def _label(payload: Payload, qid: str) -> str:
    wording = payload.wording.get(qid)
    return wording.label if wording else qid


def _option(payload: Payload, question: Question | None, qid: str, value: str) -> str:
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


def _render(payload: Payload, qset: QuestionSet | None, qid: str, value: AnswerValue) -> str:
    question = qset.question(qid) if qset else None
    kind = question.type if question else None
    if isinstance(value, bool):
        wording = payload.wording.get(qid)
        key = "yes" if value else "no"
        if wording and wording.options and key in wording.options:
            return wording.options[key]
        yes, no = _YES_NO[payload.questionnaire.language]
        return yes if value else no
    if isinstance(value, int):
        if question is not None and question.scale is not None:
            s = question.scale
            return f"{value}  (scale {s.min} = {s.min_label} … {s.max} = {s.max_label})"
        return str(value)
    if isinstance(value, list):
        return "\n".join(f"- {_option(payload, question, qid, v)}" for v in value)
    wording = payload.wording.get(qid)
    if kind is QuestionType.single_choice or (kind is None and wording and wording.options):
        return _option(payload, question, qid, value)
    return value


def _indent(text: str) -> list[str]:
    return ["  " + line if line else "" for line in text.split("\n")]


def payload_json(opened: Opened) -> dict[str, Any]:
    """The full payload as JSON data, exactly as it was sealed."""
    payload, _ = require_open(opened)
    return payload.model_dump(mode="json")


# Public names for the other renderers (record_html, report), so an answer reads the same
# everywhere it is shown.
fact = _fact
answer_text = _render
sections = _sections
visible = _visible
label = _label
header_questions = _header_questions
