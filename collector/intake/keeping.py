"""What the collector keeps of an opened response (FORMAT.md 14.3). Pure: data in, data out.

- **Statistics only means anonymous**: such a response keeps the answers that counts use
  (choices, scales, yes/no), the department as a group label, and special information
  (which must be assessed); no name, no header fact, no other free text, no exact time,
  and no link to its invitation. The invitation only learns that it was answered.
- **Otherwise** the invitation's header facts fill the record, since the page no longer
  asks for them, and the record names the invitation.
- **One current answer per invitation**: a newer response from the same link supersedes
  the older one (newer by when the employee sealed it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from ..errors import SluttsamtaleError
from ..i18n import tr
from ..model import answers
from ..model.payload import AnswerValue, Payload
from ..model.questionset import QuestionSet, QuestionType
from ..model.records import Facts, InvitationRecord, ResponseRecord, Summary
from .opening import OpenedResponse

COUNTED = {
    QuestionType.single_choice,
    QuestionType.multiple_choice,
    QuestionType.scale,
    QuestionType.yes_no,
}


@dataclass(frozen=True)
class Kept:
    record: ResponseRecord
    summary: Summary
    superseded: bool = False
    """This response is older than the invitation's current one: kept, but not current."""
    supersedes: tuple[str, ...] = ()
    invitation: InvitationRecord | None = None
    """The invitation's new record (answered, its current answer), for a bound response."""
    empty: bool = False
    """A receiver's part with nothing in it: nothing to keep (FORMAT.md 7.1)."""
    special: bool = False
    flags: list[str] = field(default_factory=list)


def keep(opened: OpenedResponse, received: datetime) -> Kept:
    payload, qset = opened.payload, opened.qset
    if payload.scope == "whistleblowing":
        return _receivers(opened)
    statistics = payload.readers == "statistics"
    invitation = opened.invitation
    facts = None
    if invitation is not None and not statistics:
        facts = invitation.record.facts()
    kept_payload = _anonymous(payload, qset) if statistics else payload
    record = ResponseRecord(
        payload=kept_payload,
        invited="invited" if invitation is not None else "not invited",
        invitation=invitation.row.code if invitation is not None and not statistics else None,
        facts=facts,
        wording_differs=opened.wording_differs,
        reduced=statistics,
        receiver=opened.parts == 2,
    )
    special = answers.has_special(kept_payload, qset)
    summary = _summary(record, qset, special)
    if invitation is None:
        return Kept(record, summary, special=special)
    new_record, superseded, supersedes = _answered(invitation.record, opened, received)
    return Kept(
        record,
        summary,
        superseded=superseded,
        supersedes=supersedes,
        invitation=new_record,
        special=special,
    )


def _receivers(opened: OpenedResponse) -> Kept:
    payload, qset = opened.payload, opened.qset
    record = ResponseRecord(payload=payload, invited="not invited")
    summary = _summary(record, qset, bool(payload.answers))
    empty = not any(answers.answered(v) for v in payload.answers.values())
    return Kept(record, summary, empty=empty, special=not empty)


def _anonymous(payload: Payload, qset: QuestionSet) -> Payload:
    """What a statistics-only response keeps: see the module's docstring."""
    department = answers.fact_question(qset, "department")

    def kept(qid: str) -> bool:
        q = qset.question(qid)
        if q is None:
            return False
        if q.special or qid == department:
            return True
        return q.type in COUNTED and q.prefill is None

    kept_answers: dict[str, AnswerValue] = {
        qid: v for qid, v in payload.answers.items() if kept(qid)
    }
    other = {qid: t for qid, t in payload.other.items() if _special(qset, qid)}
    sealed = payload.sealed_at.astimezone(UTC)
    day = sealed.replace(hour=0, minute=0, second=0, microsecond=0)
    return payload.model_copy(
        update={
            "answers": kept_answers,
            "other": other,
            "decline_reason": None,
            "sealed_at": day,
        }
    )


def _special(qset: QuestionSet, qid: str) -> bool:
    q = qset.question(qid)
    return q is not None and q.special


def _summary(record: ResponseRecord, qset: QuestionSet, special: bool) -> Summary:
    payload, facts = record.payload, record.facts or Facts()
    typed_name = answers.fact(payload, qset, "name") if not record.reduced else None
    return Summary(
        set_id=qset.id,
        version=qset.version,
        language=qset.language,
        declined=payload.declined,
        readers=payload.readers,
        scope=payload.scope,
        special=special,
        invited=record.invited,
        # The receiver's: the name the employee chose to give, if any (its contact details).
        name=(payload.contact.name if payload.contact else None)
        if payload.scope == "whistleblowing"
        else facts.name or typed_name,
        department=facts.department or answers.fact(payload, qset, "department"),
        invitation=record.invitation,
        wording_differs=bool(record.wording_differs),
        contact=payload.contact is not None,
    )


class ClosedInvitation(SluttsamtaleError):
    """An answer from an invitation that already gave one for anonymous statistics only."""

    kind = "closed"


def _answered(
    old: InvitationRecord, opened: OpenedResponse, received: datetime
) -> tuple[InvitationRecord, bool, tuple[str, ...]]:
    """The invitation's record after this answer; whether the answer is older than its
    current one; and the ids this answer supersedes.

    An answer for statistics only is final (FORMAT.md 14.3): nothing links it to the
    invitation, so nothing could replace it, and a second one would count the person
    twice. Which answer is newer goes by `sealed_at`, but never later than the moment HR
    received it: a claim of the future cannot outrank an answer that comes after it.
    """
    if old.anonymous:
        raise ClosedInvitation(
            tr(
                "this invitation has already given an answer for anonymous statistics "
                "only; that one counts, and as nothing links it to the invitation, "
                "nothing replaces it"
            )
        )
    payload = opened.payload
    sealed = min(payload.sealed_at, received).astimezone(UTC).isoformat()
    newer = old.current_sealed_at is None or sealed >= old.current_sealed_at
    update: dict[str, object] = {"answered_on": received.date().isoformat()}
    supersedes: tuple[str, ...] = ()
    if newer and old.current is not None:
        supersedes = (old.current,)
    if payload.readers == "statistics":
        # Final whatever its date: it supersedes the named answer (which stops counting).
        update["anonymous"] = 1
        update |= {"current": None, "current_sealed_at": sealed, "current_declined": False}
        supersedes = (old.current,) if old.current is not None else ()
        return old.model_copy(update=update), False, supersedes
    elif newer:
        update |= {
            "current": opened.response_id,
            "current_sealed_at": sealed,
            "current_declined": payload.declined,
        }
    return old.model_copy(update=update), not newer, supersedes
