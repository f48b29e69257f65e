"""Input to the next job analysis (Melhus, doc 002): what leavers wrote about their tasks
and responsibility, and what must be handed over, for the person who writes the next
posting of the position. Pure: no I/O, no SQL.

The promise to the employee decides what is quoted, not the size of any group:

- only responses whose reader choice is "HR and the person who holds my conversation" are
  quoted; the page, the protection pages and the privacy notice tell the employee that
  this choice lets what they write about their tasks reach the manager who writes the
  next posting (render/promises.py, `posting`);
- "HR only" is never quoted to a manager, only counted;
- "only anonymous statistics" is never quoted, not even in a large group; such a response
  keeps no position, so it is counted for the period as a whole;
- an answer sealed before the page made that promise (employer.yml
  `analysis.posting_promised_since`) is counted, never quoted: its writer was not told;
- unconfirmed answers ("not invited") and earlier answers count nowhere, as in the report
  (analysis.usable).

No name, ever: an entry is its day, its department (a header fact of the invitation) and
the texts. Position and department come from the invitation's record, else from the
form's own header questions, as in `show` and the report.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from ..intake.opening import Opened
from ..model import answers as facts
from ..model.payload import Payload
from ..model.questionset import QuestionSet
from .analysis import Usable, usable

TASKS = "job_analysis.tasks"
HANDOVER = "handover.arrangements"
QUOTED = "hr_and_interviewer"
"""The one reader choice whose texts may reach the manager who writes the next posting."""


@dataclass(frozen=True)
class Scope:
    """Which leavers: a position, a department (either or both), and a period of days the
    answers came in (both ends included; None: open)."""

    position: str | None = None
    department: str | None = None
    start: date | None = None
    end: date | None = None

    def covers_day(self, day: str) -> bool:
        on = date.fromisoformat(day)
        return (self.start is None or on >= self.start) and (self.end is None or on <= self.end)

    def covers(self, position: str | None, department: str | None) -> bool:
        return _same(self.position, position) and _same(self.department, department)


def _same(wanted: str | None, value: str | None) -> bool:
    return wanted is None or (value is not None and _norm(wanted) == _norm(value))


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


@dataclass(frozen=True)
class Quote:
    """One leaver's words: the day the answer came in, the department, the texts."""

    day: str
    department: str | None
    tasks: str | None
    handover: str | None
    delete_by: str


@dataclass
class Position:
    """The leavers of one position (None: the position was not given)."""

    title: str | None
    quotes: list[Quote] = field(default_factory=list)
    hr_only: int = 0
    """Answers that wrote about tasks or handover but chose HR only: counted, never quoted."""
    before_promise: int = 0
    """Answers of the quoted choice sealed before the page promised it: counted only."""


@dataclass(frozen=True)
class JobAnalysis:
    scope: Scope
    positions: list[Position]
    statistics_only: int
    """Answers in the period for statistics only, for any position: nothing of them is used."""

    @property
    def quoted(self) -> int:
        return sum(len(p.quotes) for p in self.positions)

    @property
    def hr_only(self) -> int:
        return sum(p.hr_only for p in self.positions)

    @property
    def before_promise(self) -> int:
        return sum(p.before_promise for p in self.positions)

    def delete_by(self) -> str | None:
        """The page goes with the first of the records it quotes."""
        return min((q.delete_by for p in self.positions for q in p.quotes), default=None)


def build(
    opened: Iterable[Opened], scope: Scope, promised_since: date | None = None
) -> JobAnalysis:
    """The page's content. `promised_since`: employer.yml analysis.posting_promised_since."""
    kept, _ = usable(opened)
    groups: dict[str, Position] = {}
    spellings: dict[str, Counter[str]] = {}
    statistics = 0
    for use in kept:
        day = use.item.row.received_at[:10]
        payload = use.record.payload
        if not scope.covers_day(day) or payload.declined:
            continue
        if payload.readers == "statistics":
            statistics += 1  # reduced at import: no position, no text; never quoted
            continue
        position, department = _header(use, "position"), _header(use, "department")
        if not scope.covers(position, department):
            continue
        tasks, handover = _text(payload, use.qset, TASKS), _text(payload, use.qset, HANDOVER)
        if tasks is None and handover is None:
            continue
        group = groups.setdefault(_norm(position) if position else "", Position(position))
        if position:
            spellings.setdefault(_norm(position), Counter())[position] += 1
        told = promised_since is None or payload.sealed_at.date() >= promised_since
        if payload.readers == QUOTED and not told:
            group.before_promise += 1
        elif payload.readers == QUOTED:
            quote = Quote(day, department, tasks, handover, use.item.row.delete_by)
            group.quotes.append(quote)
        else:
            group.hr_only += 1
    for key, group in groups.items():
        if key:  # the spelling most used, as departments in the report
            group.title = spellings[key].most_common(1)[0][0]
        group.quotes.sort(key=lambda q: (q.day, q.department or ""))
    order = sorted(groups.values(), key=lambda g: (g.title is None, (g.title or "").casefold()))
    return JobAnalysis(scope, order, statistics)


def _header(use: Usable, name: str) -> str | None:
    """A header fact: from the invitation's record, else the form's own header question."""
    given = getattr(use.record.facts, name, None) if use.record.facts is not None else None
    value = given or facts.fact(use.record.payload, use.qset, name)
    return " ".join(value.split()) if value and value.strip() else None


def _text(payload: Payload, qset: QuestionSet, code: str) -> str | None:
    question = qset.by_code(code)
    if question is None or not facts.visible(payload, qset, question.id):
        return None
    value = payload.answers.get(question.id)
    return value.strip() if isinstance(value, str) and value.strip() else None
