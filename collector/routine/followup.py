"""Following up special information: due dates from the employer's rules, and what HR records.

The guideline (doc 000, section 3.3) says the employer receives special information
(a deviation, a concern, strong dissatisfaction, whistleblowing), assesses whether it must
be investigated and followed up, and tells the person so. The steps HR records are
acknowledgement, assessment and feedback; the due dates follow employer.yml's `followup`:

- "se": Sweden's whistleblowing act (lag 2021:890): acknowledge within 7 days; feedback
  within 3 months of the acknowledgement, or, without one, of the 7th day.
- "no": Norway's Working Environment Act (chapter 2 A) says "within reasonable time". The
  day counts are then reminders of the employer's own choosing: 14 days to acknowledge and
  3 months for feedback unless employer.yml sets others.

The clock starts on the day HR received the answers, by the store's own clock: the date
a file claims it was sealed is the sender's word (FORMAT.md 15), and a back-dated file
must not make a case overdue, nor a forward-dated one buy time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Literal

from ..errors import SluttsamtaleError
from ..formats.keyfile import HRKey
from ..i18n import tr
from ..intake import summaries
from ..model import answers
from ..model.employer import FollowupRules
from ..model.payload import Payload
from ..model.questionset import QuestionSet
from ..store import Followup, FollowupChanges, Store, StoredResponse
from . import notes

SHORT_ID = 8


class FollowupError(SluttsamtaleError):
    """A follow-up step that cannot be recorded (before the report, out of order)."""


def feedback_due(rules: FollowupRules, case: Followup) -> date:
    return rules.feedback_due(case.reported_on, case.acknowledged_on)


Next = Literal["acknowledge", "assess_and_feedback", "feedback"]


@dataclass(frozen=True)
class Step:
    """What HR must do next for a case, and by when."""

    case: Followup
    what: Next
    due: date
    overdue: bool

    def as_dict(self) -> dict[str, object]:
        return {
            "response_id": self.case.response_id,
            "next": self.what,
            "due": self.due.isoformat(),
            "overdue": self.overdue,
        }


def next_step(rules: FollowupRules, case: Followup, today: date) -> Step | None:
    """None once feedback is given: the case is closed."""
    if case.feedback_on is not None:
        return None
    if case.acknowledged_on is None:
        due = rules.acknowledge_due(case.reported_on)
        return Step(case, "acknowledge", due, today > due)
    due = feedback_due(rules, case)
    what: Next = "feedback" if case.assessed_on else "assess_and_feedback"
    return Step(case, what, due, today > due)


def open_steps(rules: FollowupRules, cases: list[Followup], today: date) -> list[Step]:
    """Every open case's next step, the overdue first, then by due date."""
    steps = [s for s in (next_step(rules, c, today) for c in cases) if s is not None]
    return sorted(steps, key=lambda s: (not s.overdue, s.due, s.case.response_id))


@dataclass(frozen=True)
class Requested:
    """The steps one `followup` command asks to record (dates already parsed)."""

    acknowledged: date | None = None
    assessment: str | None = None
    feedback: date | None = None


def changes_for(
    case: Followup, asked: Requested, key: HRKey | None, today: date
) -> FollowupChanges:
    """What to record for `asked`, in the order the law gives; FollowupError if out of order."""
    # Said without the CLI's options: the desk shows these words too.
    for what, day in (
        (tr("the acknowledgement"), asked.acknowledged),
        (tr("the feedback"), asked.feedback),
    ):
        if day is not None and day < case.reported_on:
            raise FollowupError(
                tr(
                    "{what}: {day} is before HR received the answers ({reported_on})",
                    what=what,
                    day=day,
                    reported_on=case.reported_on,
                )
            )
    if asked.feedback is not None and (asked.acknowledged or case.acknowledged_on) is None:
        raise FollowupError(tr("record the acknowledgement first, then the feedback"))
    note = None
    if asked.assessment:
        if key is None:
            raise FollowupError(tr("an assessment is sealed to HR's key; give it with --key"))
        note = notes.seal(asked.assessment, key)
    return FollowupChanges(
        acknowledged_on=asked.acknowledged,
        assessed_on=today if note else None,
        assessment=note,
        feedback_on=asked.feedback,
    )


def record(
    store: Store,
    row: StoredResponse,
    payload: Payload,
    qset: QuestionSet | None,
    asked: Requested,
    key: HRKey | None,
    today: date,
) -> Followup:
    """Open the case if needed (a response imported before cases were kept), record `asked`,
    and return the case as it now stands. The clock runs from when HR received it."""
    response_id = row.response_id
    case = store.followup(response_id)
    if case is None:
        if not answers.has_special(payload, qset):
            raise FollowupError(
                tr(
                    "response {value} holds no special information; there is nothing to follow up",
                    value=response_id[:SHORT_ID],
                )
            )
        store.open_followup(response_id, row.received_at[:10])
        case = store.followup(response_id)
    assert case is not None
    store.update_followup(response_id, changes_for(case, asked, key, today))
    updated = store.followup(response_id)
    assert updated is not None
    return updated


@dataclass(frozen=True)
class Reporter:
    """Whom a case's follow-up can reach: HR's invitation names the person (where the reader
    choice allows it); the receiver has only the contact details the employee gave."""

    name: str | None
    anonymous: bool = False
    """The receiver's case with no contact given: nobody can be given feedback."""
    receiver: bool = False
    """The whistleblowing receiver's case (only the contact details the employee gave)."""
    invited: bool = True
    """False for HR's case from an answer without an invitation link: anyone with the page
    could have written it, and the name is only what they typed (FORMAT.md 14.3)."""


def names(store: Store, steps: list[Step], hr_keys: Mapping[str, HRKey]) -> dict[str, Reporter]:
    """Who each open case's response came from, where that can be known."""
    out: dict[str, Reporter] = {}
    wanted = [step.case.response_id for step in steps]
    for listed in summaries.lookup(store, wanted, hr_keys):
        row, summary = listed.row, listed.summary
        if summary is None:
            continue
        if summary.scope == "whistleblowing":
            out[row.response_id] = Reporter(
                summary.name, anonymous=not summary.contact, receiver=True
            )
        else:
            invited = summary.invited == "invited"
            out[row.response_id] = Reporter(summary.name, invited=invited)
    return out
