"""Analysis: opened responses -> tables, ready to draw or export. Pure: no I/O, no SQL.

Questions are aggregated across languages and versions by their `analysis_code`
(questions without one by "<set id>.<question id>"); labels come from the question sets in
the report's language. Three rules keep anyone from being singled out:

- no names, ever: header facts (name, position, dates ...) are never used, and a
  department is only a group label;
- a group smaller than `min_group` is never shown: a distribution answered by fewer is
  held back; a small department is merged into "other departments", and that too is held
  back if it is still small;
- free text only where consent and group size allow: never from a response marked "only
  anonymous statistics" (nor from special-information questions), and the improvement
  suggestions only when at least `min_group` of them may be shown, in alphabetical order
  and without any detail of who wrote them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from ..bulk import no_cycle_collection
from ..formats.keyfile import HRKey
from ..intake.opening import Opened, open_invitation, open_row
from ..model import answers as facts
from ..model.loading import Catalog
from ..model.payload import AnswerValue
from ..model.questionset import Question, QuestionSet, QuestionType
from ..model.records import ResponseRecord
from ..store import Store
from ..words import Language, catalogue

REASON = "reason.primary"
WISHES = ("talk.holder", "talk.union_rep")
SUGGESTIONS = "improvement.suggestions"
DEPARTMENT = "department"
ANALYSED = {
    QuestionType.single_choice,
    QuestionType.multiple_choice,
    QuestionType.yes_no,
    QuestionType.scale,
}
FREE_TEXT_READERS = ("hr", "hr_and_interviewer")
"""Whose free text HR's report may quote: never "only anonymous statistics"."""

# --------------------------------------------------------------------------- questions


@dataclass
class QuestionInfo:
    key: str
    type: QuestionType
    label: str
    options: dict[str, str] = field(default_factory=dict)
    """Option value (for a scale: the number as text) -> label, in display order."""


def key_of(qset: QuestionSet, question: Question) -> str:
    return question.analysis_code or f"{qset.id}.{question.id}"


def analysable(question: Question) -> bool:
    return question.type in ANALYSED and not question.special and question.prefill is None


def question_infos(
    catalog: Catalog, language: Language, used: Mapping[str, int] | None = None
) -> dict[str, QuestionInfo]:
    """Every analysable question by key, labelled from the sets in `language` first, and
    among those from the set most answered (`used`: responses per set id), then the newest.
    """
    terms = catalogue(language).terms
    used = used or {}
    ordered = sorted(
        catalog.sets.values(),
        key=lambda s: (s.language != language, -used.get(s.id, 0), -s.version, s.id),
    )
    infos: dict[str, QuestionInfo] = {}
    for qset in ordered:
        for q in qset.questions():
            if not analysable(q):
                continue
            key = key_of(qset, q)
            info = infos.setdefault(key, QuestionInfo(key, q.type, q.label))
            for value, label in _options(q, terms).items():
                info.options.setdefault(value, label)
    return infos


def _options(q: Question, terms: dict[str, str]) -> dict[str, str]:
    if q.type is QuestionType.yes_no:
        return {"yes": terms["yes"], "no": terms["no"]}
    if q.type is QuestionType.scale:
        assert q.scale is not None
        return {str(v): str(v) for v in range(q.scale.min, q.scale.max + 1)}
    options = {o.value: o.label for o in q.options or []}
    if q.other and q.other_label:
        options["other"] = q.other_label
    return options


def values_of(answer: AnswerValue) -> list[str]:
    """An answer as option keys: yes/no, the scale number as text, or the chosen values."""
    if isinstance(answer, bool):
        return ["yes" if answer else "no"]
    if isinstance(answer, int):
        return [str(answer)]
    return list(answer) if isinstance(answer, list) else [answer]


# --------------------------------------------------------------------------- entries


@dataclass(frozen=True)
class Entry:
    """One response reduced to what statistics may use: no name, no date finer than a month."""

    month: str
    set_id: str
    declined: bool
    readers: str
    department: str | None
    answers: dict[str, AnswerValue]
    suggestion: str | None
    """The improvement suggestions, only where the employee allowed free text to be read."""


@dataclass(frozen=True)
class Left:
    """Responses a report or export leaves out, by why."""

    unusable: int = 0
    """Not opened (a key not given) or of a question set not in the folder."""
    earlier: int = 0
    """Replaced by a newer answer from the same invitation."""
    unconfirmed: int = 0
    """Not invited and not confirmed by HR: anyone with the page could have made them."""
    anonymous: int = 0
    """For statistics only, left out of an export's rows (never shown one by one)."""


@dataclass(frozen=True)
class Usable:
    """A response every analysis may use: opened, of a known set, current and trusted."""

    item: Opened
    record: ResponseRecord
    qset: QuestionSet


def usable(opened: Iterable[Opened]) -> tuple[list[Usable], Left]:
    """Which responses the report, the export and the job analysis may use: the current
    answer of each invitation, opened with a key given, of a set in the folder, and either
    invited or confirmed by HR; and how many were left out, by why."""
    tally = _Tally()
    out = [use for use in map(tally.usable, opened) if use is not None]
    return out, tally.left()


@dataclass
class _Tally:
    """Counts what `usable` leaves out, one response at a time."""

    unusable: int = 0
    earlier: int = 0
    unconfirmed: int = 0
    anonymous: int = 0

    def usable(self, item: Opened) -> Usable | None:
        record, qset = item.record, item.qset
        if record is None or qset is None:
            self.unusable += 1
            return None
        if item.row.superseded:
            self.earlier += 1
            return None
        if record.invited == "not invited" and not item.row.confirmed:
            self.unconfirmed += 1
            return None
        return Usable(item, record, qset)

    def left(self) -> Left:
        return Left(self.unusable, self.earlier, self.unconfirmed, self.anonymous)


@dataclass
class _SetPlan:
    """What entries read of one question set, worked out once per set, not per response."""

    analysed: list[tuple[str, str]]
    """(question id, key) of the analysable questions, in the set's order."""
    suggestion: str | None


def _plan(qset: QuestionSet) -> _SetPlan:
    suggestion_q = qset.by_code(SUGGESTIONS)
    return _SetPlan(
        [(q.id, key_of(qset, q)) for q in qset.questions() if analysable(q)],
        suggestion_q.id if suggestion_q else None,
    )


def entries(opened: Iterable[Opened], *, one_by_one: bool = False) -> tuple[list[Entry], Left]:
    """The entries of the current, trusted responses, and what was left out. `one_by_one`:
    for an export, whose rows are responses, so statistics-only answers stay out.

    One pass over `opened`, keeping only the entries: given a stream (load_streamed), no
    more than one opened record is held at a time."""
    out: list[Entry] = []
    tally = _Tally()
    plans: dict[tuple[str, int], _SetPlan] = {}
    for item in opened:
        use = tally.usable(item)
        if use is None:
            continue
        record, qset = use.record, use.qset
        if one_by_one and record.payload.readers == "statistics":
            tally.anonymous += 1  # counted in the report's figures, never a row of its own
            continue
        plan = plans.get((qset.id, qset.version))
        if plan is None:
            plan = plans[(qset.id, qset.version)] = _plan(qset)
        payload = record.payload
        given = payload.answers
        answers = {key: given[qid] for qid, key in plan.analysed if qid in given}
        stated = record.facts.department if record.facts is not None else None
        department = stated or facts.fact(payload, qset, DEPARTMENT)
        suggestion = given.get(plan.suggestion) if plan.suggestion else None
        allowed = payload.readers in FREE_TEXT_READERS and not payload.declined
        out.append(
            Entry(
                month=item.row.received_at[:7],
                set_id=qset.id,
                declined=payload.declined,
                readers=payload.readers,
                department=" ".join(department.split()) if department else None,
                answers=answers if not payload.declined else {},
                suggestion=suggestion if allowed and isinstance(suggestion, str) else None,
            )
        )
    return out, tally.left()


# --------------------------------------------------------------------------- tables


@dataclass(frozen=True)
class Distribution:
    key: str
    title: str
    n: int
    """How many answered; when below the minimum group, `rows` is empty (held back)."""
    rows: tuple[tuple[str, int], ...]
    mean: float | None = None


def distribution(
    key: str, info: QuestionInfo | None, group: list[Entry], min_group: int
) -> Distribution:
    answered = [e.answers[key] for e in group if key in e.answers]
    title = info.label if info else key
    if len(answered) < min_group:
        return Distribution(key, title, len(answered), ())
    counts: Counter[str] = Counter(v for a in answered for v in values_of(a))
    labels = dict(info.options) if info else {}
    for value in counts:
        labels.setdefault(value, value)  # a value from a newer version of the set
    rows = tuple((label, counts.get(value, 0)) for value, label in labels.items())
    mean = None
    if info is not None and info.type is QuestionType.scale:
        numbers = [a for a in answered if isinstance(a, int) and not isinstance(a, bool)]
        mean = sum(numbers) / len(numbers)
    return Distribution(key, title, len(answered), rows, mean)


@dataclass(frozen=True)
class Month:
    month: str
    answered: int
    declined: int
    declined_by_hr: int


@dataclass(frozen=True)
class Department:
    label: str
    n: int
    reasons: tuple[tuple[str, int], ...]
    """The most common primary reasons (up to three)."""
    would_return: Distribution | None


@dataclass(frozen=True)
class Departments:
    shown: list[Department]
    held_back: int
    """Answers in groups too small to show even when merged."""


def department_groups(
    group: list[Entry], min_group: int, words: dict[str, str]
) -> list[str | None]:
    """Each entry's department as shown: itself, "other departments", or None (held back).

    Spellings are compared without case and extra spaces; the most used spelling is shown.
    """
    spelled: dict[str, Counter[str]] = {}
    for e in group:
        name = e.department or words["not_given"]
        spelled.setdefault(name.casefold(), Counter())[name] += 1
    sizes = {k: sum(c.values()) for k, c in spelled.items()}
    small = {k for k, n in sizes.items() if n < min_group}
    merged = sum(sizes[k] for k in small)
    labels: list[str | None] = []
    for e in group:
        k = (e.department or words["not_given"]).casefold()
        if k not in small:
            labels.append(spelled[k].most_common(1)[0][0])
        else:
            labels.append(words["other_departments"] if merged >= min_group else None)
    return labels


@dataclass(frozen=True)
class Report:
    language: Language
    min_group: int
    responses: int
    answered: int
    declined: int
    declined_by_hr: int
    skipped: int
    earlier: int
    unconfirmed: int
    months: list[Month]
    reasons: Distribution
    wishes: list[Distribution]
    departments: Departments
    questions: list[Distribution]
    suggestions: list[str]
    suggestions_held_back: int
    statistics_only: int


def build(
    opened: Iterable[Opened],
    *,
    catalog: Catalog,
    language: Language,
    min_group: int,
    hr_declines: Iterable[str] = (),
) -> Report:
    """The whole report. `hr_declines`: days (YYYY-MM-DD) HR recorded a decline by other means."""
    all_entries, left = entries(opened)
    infos = question_infos(catalog, language, Counter(e.set_id for e in all_entries))
    words = catalogue(language)["analysis"]
    answered = [e for e in all_entries if not e.declined]
    hr_months = Counter(day[:7] for day in hr_declines)
    by_month: dict[str, list[Entry]] = {}
    for e in all_entries:
        by_month.setdefault(e.month, []).append(e)
    months = [
        Month(
            m,
            sum(not e.declined for e in by_month.get(m, [])),
            sum(e.declined for e in by_month.get(m, [])),
            hr_months.get(m, 0),
        )
        for m in sorted(set(by_month) | set(hr_months))
    ]
    texts = sorted((e.suggestion for e in answered if e.suggestion), key=str.casefold)
    shown_texts = texts if len(texts) >= min_group else []
    special_keys = {REASON, *WISHES}
    return Report(
        language=language,
        min_group=min_group,
        responses=len(all_entries),
        answered=len(answered),
        declined=len(all_entries) - len(answered),
        declined_by_hr=sum(hr_months.values()),
        skipped=left.unusable,
        earlier=left.earlier,
        unconfirmed=left.unconfirmed,
        months=months,
        reasons=distribution(REASON, infos.get(REASON), answered, min_group),
        wishes=[distribution(k, infos.get(k), answered, min_group) for k in WISHES],
        departments=_departments(answered, infos, min_group, words),
        questions=[
            distribution(key, info, answered, min_group)
            for key, info in infos.items()
            if key not in special_keys and any(key in e.answers for e in answered)
        ],
        suggestions=shown_texts,
        suggestions_held_back=len(texts) - len(shown_texts),
        statistics_only=sum(e.readers == "statistics" for e in answered),
    )


def _departments(
    answered: list[Entry], infos: dict[str, QuestionInfo], min_group: int, words: dict[str, str]
) -> Departments:
    labels = department_groups(answered, min_group, words)
    groups: dict[str, list[Entry]] = {}
    for entry, label in zip(answered, labels, strict=True):
        if label is not None:
            groups.setdefault(label, []).append(entry)
    shown = []
    order = sorted(groups, key=lambda k: (k == words["other_departments"], k.casefold()))
    for label in order:
        group = groups[label]
        reasons = distribution(REASON, infos.get(REASON), group, min_group)
        top = sorted((r for r in reasons.rows if r[1]), key=lambda r: -r[1])[:3]
        would_return = infos.get("return.would_return")
        shown.append(
            Department(
                label,
                len(group),
                tuple(top),
                distribution("return.would_return", would_return, group, min_group)
                if would_return
                else None,
            )
        )
    return Departments(shown, sum(label is None for label in labels))


@dataclass(frozen=True)
class Stored:
    """Everything a report or an export draws on: the stored responses, opened in memory, and
    the days HR recorded a decline that came by other means."""

    opened: list[Opened]
    hr_declines: list[str]

    def delete_by(self) -> str | None:
        """When a file made from these must go: with the first of its records to go, so
        no answer outlives its own delete-by date in a report or an export."""
        return min((o.row.delete_by for o in self.opened), default=None)


def load(store: Store, hr_keys: Mapping[str, HRKey], catalog: Catalog) -> Stored:
    """Every stored response opened, held in a list (the job analysis goes over them more
    than once); a report or an export needs only `load_streamed`."""
    with no_cycle_collection():
        opened = [open_row(row, hr_keys, catalog) for row in store.responses()]
    return Stored(opened, hr_declines(store, hr_keys))


def hr_declines(store: Store, hr_keys: Mapping[str, HRKey]) -> list[str]:
    """The days HR recorded a decline that came by other means (and no answer since)."""
    declines = []
    for row in store.invitations():
        record = open_invitation(row, hr_keys).record
        if record.declined_on and not record.answered_on:
            declines.append(record.declined_on)
    return declines


class Streamed:
    """What `Stored` holds, with the responses opened one at a time as `opened` is gone
    over (once): a report or an export of any size holds one opened record at a time, so
    its memory does not grow with the store but by its small entries."""

    def __init__(self, store: Store, hr_keys: Mapping[str, HRKey], catalog: Catalog) -> None:
        self.hr_declines = hr_declines(store, hr_keys)
        self._rows = store.responses()
        self._hr_keys = hr_keys
        self._catalog = catalog
        self._first: str | None = None
        self._done = False

    @property
    def opened(self) -> Iterator[Opened]:
        with no_cycle_collection():
            for row in self._rows:
                if self._first is None or row.delete_by < self._first:
                    self._first = row.delete_by
                yield open_row(row, self._hr_keys, self._catalog)
        self._done = True

    def delete_by(self) -> str | None:
        """As Stored.delete_by, once `opened` has been gone over."""
        if not self._done:
            raise RuntimeError("delete_by is known once every response was read")
        return self._first


def load_streamed(store: Store, hr_keys: Mapping[str, HRKey], catalog: Catalog) -> Streamed:
    """The stored responses for one pass (a report, an export), opened as they are read."""
    return Streamed(store, hr_keys, catalog)
