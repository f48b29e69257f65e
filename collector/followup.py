"""Following up special information: due dates from the employer's rules. Pure.

The guideline (doc 000, section 3.3) says the employer receives special information
(a deviation, a concern, strong dissatisfaction, whistleblowing), assesses whether it must
be investigated and followed up, and tells the person so. The steps HR records are
acknowledgement, assessment and feedback; the due dates follow employer.yml's `followup`:

- "se": Sweden's whistleblowing act (lag 2021:890): acknowledge within 7 days; feedback
  within 3 months of the acknowledgement, or, without one, of the 7th day.
- "no": Norway's Working Environment Act (chapter 2 A) says "within reasonable time". The
  day counts are then reminders of the employer's own choosing: 14 days to acknowledge and
  3 months for feedback unless employer.yml sets others.

The clock starts on the day the employee sealed the answers, not the day HR imported
them: a file that waited in an inbox does not buy HR time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from .clock import add_months
from .questionnaires import FollowupRules
from .store import Followup

SHORT_ID = 8
GUIDELINE = "guideline 000, section 3.3"


@dataclass(frozen=True)
class Rules:
    jurisdiction: Literal["no", "se"]
    acknowledge_days: int
    feedback_days: int | None
    """None: three calendar months."""

    def describe(self) -> str:
        feedback = f"{self.feedback_days} days" if self.feedback_days is not None else "3 months"
        if self.jurisdiction == "se":
            law = "Sweden, whistleblowing act (lag 2021:890)"
        else:
            law = "Norway, Working Environment Act ch. 2 A: within reasonable time; reminders"
        return (
            f"{law}: acknowledge within {self.acknowledge_days} days, feedback within "
            f"{feedback} of the acknowledgement"
        )


def rules_for(config: FollowupRules) -> Rules:
    default_days = 7 if config.jurisdiction == "se" else 14
    return Rules(config.jurisdiction, config.acknowledge_days or default_days, config.feedback_days)


DEFAULT = rules_for(FollowupRules())


@dataclass(frozen=True)
class Case:
    response_id: str
    reported_on: date
    acknowledged_on: date | None = None
    assessed_on: date | None = None
    feedback_on: date | None = None
    name: str | None = None
    assessment: bytes | None = None
    note_key_id: str | None = None

    @classmethod
    def of(cls, record: Followup) -> Case:
        return cls(
            record.response_id,
            date.fromisoformat(record.reported_on),
            _day(record.acknowledged_on),
            _day(record.assessed_on),
            _day(record.feedback_on),
            record.name,
            record.assessment,
            record.note_key_id,
        )


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def acknowledge_due(rules: Rules, case: Case) -> date:
    return case.reported_on + timedelta(days=rules.acknowledge_days)


def feedback_due(rules: Rules, case: Case) -> date:
    start = case.acknowledged_on or acknowledge_due(rules, case)
    if rules.feedback_days is not None:
        return start + timedelta(days=rules.feedback_days)
    return add_months(start, 3)


@dataclass(frozen=True)
class Step:
    """What HR must do next for a case, and by when."""

    case: Case
    what: str
    due: date
    overdue: bool

    def as_dict(self) -> dict[str, object]:
        return {
            "response_id": self.case.response_id,
            "name": self.case.name,
            "next": self.what,
            "due": self.due.isoformat(),
            "overdue": self.overdue,
        }


def next_step(rules: Rules, case: Case, today: date) -> Step | None:
    """None once feedback is given: the case is closed."""
    if case.feedback_on is not None:
        return None
    if case.acknowledged_on is None:
        due = acknowledge_due(rules, case)
        return Step(case, "acknowledge receipt", due, today > due)
    due = feedback_due(rules, case)
    what = "give feedback" if case.assessed_on else "assess and give feedback"
    return Step(case, what, due, today > due)


def open_steps(rules: Rules, cases: list[Case], today: date) -> list[Step]:
    """Every open case's next step, the overdue first, then by due date."""
    steps = [s for s in (next_step(rules, c, today) for c in cases) if s is not None]
    return sorted(steps, key=lambda s: (not s.overdue, s.due, s.case.response_id))


def import_notice(response_id: str, acknowledge_by: str) -> str:
    """The line under an imported response with special information; it never quotes it."""
    short = response_id[:SHORT_ID]
    return (
        f"  ! special information: the employer must assess it and follow it up ({GUIDELINE}); "
        f"acknowledge by {acknowledge_by}: sluttsamtale followup {short} --acknowledged"
    )


def case_text(rules: Rules, case: Case, today: date, assessment: str | None) -> str:
    """A case as `followup ID` shows it to HR."""
    who = f" ({case.name})" if case.name else ""
    step = next_step(rules, case, today)

    def when(done: date | None, due: date | None = None) -> str:
        text = done.isoformat() if done else "-"
        return f"{text:<12}(due {due.isoformat()})" if due and not done else text

    lines = [
        f"Follow-up of special information in response {case.response_id[:SHORT_ID]}{who}",
        f"Rules         {rules.describe()}",
        f"Reported      {case.reported_on.isoformat()}",
        f"Acknowledged  {when(case.acknowledged_on, acknowledge_due(rules, case))}",
        f"Assessed      {when(case.assessed_on)}",
        f"Feedback      {when(case.feedback_on, feedback_due(rules, case))}",
    ]
    if assessment:
        lines += ["Assessment", *("  " + line for line in assessment.splitlines())]
    if step is None:
        lines.append("Closed: feedback was given.")
    else:
        late = "OVERDUE, was due" if step.overdue else "due"
        lines.append(f"Next          {step.what}, {late} {step.due.isoformat()}")
    return "\n".join(lines)


def steps_table(steps: list[Step]) -> str:
    if not steps:
        return "No follow-up of special information is open."
    header = ("RESPONSE", "NAME", "NEXT", "DUE")
    rows = [
        (
            s.case.response_id[:SHORT_ID],
            s.case.name or "",
            s.what,
            s.due.isoformat() + ("  OVERDUE" if s.overdue else ""),
        )
        for s in steps
    ]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header) - 1)]
    lines = ["Follow-up of special information"]
    for r in [header, *rows]:
        cells = [c.ljust(w) for c, w in zip(r, widths, strict=False)] + [r[-1]]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)
