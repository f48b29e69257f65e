"""Leavers in: one on the command line, or a CSV or Excel file as HR systems export it;
checked leavers out.

HR systems export in the local language, so headings are matched in bokmål, nynorsk,
Swedish and English, folded to lowercase ASCII with "_" between words; so are the words for
a kind of employment and a reason for leaving, which employer.yml `offered_to` may ask.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TypeVar

from ..errors import SluttsamtaleError
from ..i18n import tr, tr_plural
from ..model.employer import Employment, LeavingReason
from ..model.loading import Catalog
from ..model.questionset import SHORT_TEXT_MAX
from ..safetext import fold
from .tables import TableError, read_table

T = TypeVar("T")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
# Controls, and the bidi overrides and zero-width characters safetext shows: a name that
# turns its own text around would do so in the e-mail and on HR's screen.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


class InvitationError(SluttsamtaleError):
    """A leaver, a CSV file or an address that cannot make an invitation."""


class BadRows(InvitationError):
    """Rows of a leavers' file that cannot be used: one sentence, and each row's problem in
    `problems` for the CLI to list, so HR fixes them all in one go; one bad row is said the
    same way as many."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(
            tr_plural(
                "{path}: 1 row cannot be used, so nothing was written; fix it, or give "
                "--skip-bad to invite the other rows",
                "{path}: {n} rows cannot be used, so nothing was written; fix them, or give "
                "--skip-bad to invite the other rows",
                len(problems),
                path=path,
            )
        )


@dataclass(frozen=True)
class Leaver:
    """One person to invite, checked. `where` names the row for messages."""

    where: str
    set_id: str
    name: str
    last_day: date
    email: str | None = None
    position: str | None = None
    workplace: str | None = None
    department: str | None = None
    employed_from: date | None = None
    employment: Employment | None = None
    reason: LeavingReason | None = None
    tenure_months: int | None = None
    """Whole months employed, as the file gives them (when it has no start date)."""
    employee_number: str | None = None
    """The HR system's number for the person: who they are, when the file gives it."""


_EMPLOYMENT_WORDS: dict[Employment, tuple[str, ...]] = {
    "permanent": (
        "permanent", "fast", "fast_ansatt", "fast_ansettelse", "fast_stilling",
        "fast_tilsett", "fast_tilsetting", "fast_tilsetjing", "tillsvidare",
        "tills_vidare", "tillsvidareanstalld", "tillsvidareanstallning",
    ),
    "fixed_term": (
        "fixed_term", "midlertidig", "midlertidig_ansatt", "midlertidig_tilsett", "vikar",
        "vikariat", "engasjement", "aremal", "tidsbegransad", "tidsbegransat_anstalld",
        "tidsbegransad_anstallning", "visstid", "visstidsanstalld", "allman_visstid",
        "sarskild_visstid",
    ),
    "temporary": (
        "temporary", "tilkalling", "tilkallingsvikar", "tilkallingshjelp", "ekstrahjelp",
        "timeansatt", "timelonnet", "timanstalld", "timavlonad", "behovsanstalld",
    ),
}  # fmt: skip
_EMPLOYMENT = {word: kind for kind, words in _EMPLOYMENT_WORDS.items() for word in words}

_REASON_WORDS: dict[LeavingReason, tuple[str, ...]] = {
    "resigned": (
        "resigned", "resignation", "egen_oppsigelse", "sagt_opp_selv", "eget_onske",
        "eiga_oppseiing", "sagt_opp_sjolv", "eige_onske", "egen_begaran",
        "egen_uppsagning", "sagt_upp_sig",
    ),
    "retired": (
        "retired", "retirement", "pensjon", "alderspensjon", "afp", "pensjonert",
        "pension", "alderspension", "pensionering", "gar_i_pension",
    ),
    "dismissed": (
        "dismissed", "dismissal", "oppsagt", "oppsagt_av_arbeidsgiver", "avskjed",
        "avskjediget", "avskil", "oppsagd", "uppsagd", "avsked", "avskedad", "arbetsbrist",
        "nedbemanning",
    ),
    "end_of_contract": (
        "end_of_contract", "contract_ended", "kontrakt_utlopt", "utlopt_kontrakt",
        "engasjement_utlopt", "vikariat_slutt", "kontrakten_gjekk_ut",
        "anstallningen_upphor", "visstid_upphor", "vikariat_upphor", "avslutat_vikariat",
    ),
}  # fmt: skip
_REASONS = {word: reason for reason, words in _REASON_WORDS.items() for word in words}


def _word(text: str | None, known: Mapping[str, str], what: str, where: str) -> str | None:
    if not text:
        return None
    found = known.get(fold(text))
    if found is None:
        names = ", ".join(dict.fromkeys(known.values()))
        raise InvitationError(
            tr(
                "{where}: {what} {text!r} is not one the rule knows; write {names} (or a "
                "word such as fast, midlertidig, pensjon, oppsagt, tillsvidare, visstid)",
                where=where,
                what=what,
                text=text,
                names=names,
            )
        )
    return found


def _months(text: str | None, where: str, called: str = "tenure_months") -> int | None:
    if not text:
        return None
    if not text.isdigit() or len(text) > 4:
        raise InvitationError(
            tr(
                "{where}: {called} {text!r} is not a whole number of months",
                where=where,
                called=called,
                text=text,
            )
        )
    return int(text)


def check_leaver(
    values: Mapping[str, str | None],
    where: str,
    default_set: str | None,
    catalog: Catalog,
    headings: Mapping[str, str] | None = None,
) -> Leaver:
    """One leaver from raw texts; InvitationError starts with `where` and calls a value by
    its column's heading in `headings` (as the file writes it: "Sluttdato"), if given."""
    clean = {k: (v or "").strip() for k, v in values.items()}
    problems: list[str] = []  # every problem of the row, so HR fixes it in one go
    flagged: set[str] = set()

    def called(name: str) -> str:
        return (headings or {}).get(name, name)

    def checked(read: Callable[[], T]) -> T | None:
        try:
            return read()
        except InvitationError as e:
            problems.append(str(e))
            return None

    set_id = clean.get("set") or default_set
    if not set_id:
        problems.append(
            tr(
                "{where}: no question set; name one with --set or a 'set' column",
                where=where,
            )
        )
    elif catalog.latest_of(set_id) is None:
        known = ", ".join(sorted({q.id for q in catalog.latest()}))
        problems.append(
            tr(
                "{where}: no question set {set_id!r}; the sets are {known}",
                where=where,
                set_id=set_id,
                known=known,
            )
        )
    for name, text in clean.items():
        if len(text) > SHORT_TEXT_MAX or _CONTROL.search(text):
            problems.append(
                tr(
                    "{where}: {called} is longer than {SHORT_TEXT_MAX} characters or holds a "
                    "control or hidden character",
                    where=where,
                    called=called(name),
                    SHORT_TEXT_MAX=SHORT_TEXT_MAX,
                )
            )
            flagged.add(name)  # said once; not checked again below
    clean = {k: v for k, v in clean.items() if k not in flagged}
    if "name" not in flagged and not clean.get("name"):
        problems.append(tr("{where}: the name is empty", where=where))
    email = clean.get("email") or None
    if email is not None and not _EMAIL.fullmatch(email):
        problems.append(
            tr(
                "{where}: {email!r} is not an e-mail address",
                where=where,
                email=email,
            )
        )
    last_day = checked(lambda: _date(clean.get("last_day"), called("last_day"), where))
    if last_day is None and "last_day" not in flagged and not clean.get("last_day"):
        problems.append(
            tr(
                "{where}: the last working day ({called}) is empty",
                where=where,
                called=called("last_day"),
            )
        )
    employed_from = checked(
        lambda: _date(clean.get("employed_from"), called("employed_from"), where)
    )
    if employed_from is not None and last_day is not None and employed_from > last_day:
        problems.append(
            tr(
                "{where}: {called} is after {called2}",
                where=where,
                called=called("employed_from"),
                called2=called("last_day"),
            )
        )
    employment = checked(
        lambda: _word(clean.get("employment"), _EMPLOYMENT, tr("the employment kind"), where)
    )
    reason = checked(
        lambda: _word(clean.get("reason"), _REASONS, tr("the reason for leaving"), where)
    )
    tenure = checked(lambda: _months(clean.get("tenure_months"), where, called("tenure_months")))
    if problems:
        raise InvitationError(_together(where, problems))
    assert set_id is not None and last_day is not None
    return Leaver(
        where=where,
        set_id=set_id,
        name=clean["name"],
        last_day=last_day,
        email=email,
        position=clean.get("position") or None,
        workplace=clean.get("workplace") or None,
        department=clean.get("department") or None,
        employed_from=employed_from,
        employment=_EMPLOYMENT[employment] if employment else None,
        reason=_REASONS[reason] if reason else None,
        tenure_months=tenure,
        employee_number=clean.get("employee_number") or None,
    )


def _together(where: str, problems: list[str]) -> str:
    """One row's problems in one line: "row 3: the name is empty; 'x' is not a date"."""
    prefix = f"{where}: "
    rest = [p.removeprefix(prefix) for p in problems[1:]]
    return "; ".join([problems[0], *rest])


def _date(text: str | None, name: str, where: str) -> date | None:
    if not text:
        return None
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise InvitationError(
        tr(
            "{where}: {name} {text!r} is not a date; write 2026-06-30 or 30.06.2026",
            where=where,
            name=name,
            text=text,
        )
    )


_ALIASES: dict[str, str] = {
    alias: name
    for name, aliases in {
        "name": ("name", "navn", "namn", "full_name", "fullt_navn", "fullstendig_navn"),
        "first_name": ("first_name", "given_name", "fornavn", "fornamn", "forenamn"),
        "last_name": ("last_name", "surname", "family_name", "etternavn", "efternamn"),
        "employee_number": (
            "employee_number",
            "employee_id",
            "employee_no",
            "ansattnummer",
            "ansattnr",
            "ansatt_nr",
            "tilsettnummer",
            "tilsettnr",
            "anstallningsnummer",
            "anstallningsnr",
            "personalnummer",
        ),
        "email": ("email", "e_mail", "e_post", "epost", "mail", "e_postadresse", "e_postadress"),
        "position": (
            "position",
            "stilling",
            "stillingstittel",
            "stillingsnavn",
            "befattning",
            "befattningsnamn",
            "tjanstetitel",
            "tittel",
            "title",
            "job_title",
        ),
        "workplace": ("workplace", "arbeidssted", "arbeidsstad", "arbetsplats"),
        "department": ("department", "avdeling", "avdelning", "enhet", "enhet_avdelning"),
        "employed_from": (
            "employed_from",
            "ansatt_dato",
            "ansatt_fra",
            "tilsett_dato",
            "tilsett_fra",
            "anstalld_from",
            "anstalld_fr_o_m",
            "startdato",
            "start_date",
            "ansettelsesdato",
            "ansatt_siden",
            "tilsettingsdato",
            "anstallningsdatum",
            "anstalld_sedan",
            "startdatum",
            "employment_date",
            "hire_date",
        ),
        "tenure_months": (
            "tenure_months",
            "months_employed",
            "ansiennitet_maneder",
            "ansettelsestid_maneder",
            "tilsettingstid_manader",
            "anstallningstid_manader",
        ),
        "employment": (
            "employment",
            "employment_type",
            "kind_of_employment",
            "ansettelsesform",
            "ansettelsestype",
            "tilsettingsform",
            "stillingstype",
            "anstallningsform",
            "anstallningstyp",
        ),
        "reason": (
            "reason",
            "leaving_reason",
            "reason_for_leaving",
            "sluttarsak",
            "arsak_til_slutt",
            "avgangsarsak",
            "avgangsorsak",
            "slutorsak",
        ),
        "last_day": (
            "last_day",
            "sluttdato",
            "siste_arbeidsdag",
            "siste_dag",
            "anstalld_tom",
            "anstalld_t_o_m",
            "slutdatum",
            "sista_arbetsdag",
            "end_date",
        ),
        "set": ("set", "sett", "question_set", "sporsmalssett", "sporreskjema", "skjema"),
    }.items()
    for alias in aliases
}


@dataclass
class LeaversFile:
    leavers: list[Leaver] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    """Headings not used (an HR export has columns of its own)."""
    columns: frozenset[str] = frozenset()
    """The columns the file has, by their names here (name, last_day, employment ...)."""
    skipped: list[str] = field(default_factory=list)
    """Rows left out with --skip-bad, each with its line and problem."""
    notes: list[tuple[str, str, str]] = field(default_factory=list)
    """(where, what, detail) worth a word but no refusal: a last day passed, no e-mail."""


def read_leavers(
    path: Path,
    default_set: str | None,
    catalog: Catalog,
    *,
    skip_bad: bool = False,
    today: date | None = None,
) -> LeaversFile:
    """Every row of a leavers file (CSV or .xlsx), checked; every bad row is named, with its
    line, and none is kept unless `skip_bad`."""
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise InvitationError(
            tr(
                "{path}: cannot be read ({strerror})",
                path=path,
                strerror=e.strerror,
            )
        ) from None
    return parse_leavers(raw, path, default_set, catalog, skip_bad=skip_bad, today=today)


def parse_leavers(
    raw: bytes,
    path: Path,
    default_set: str | None,
    catalog: Catalog,
    *,
    skip_bad: bool = False,
    today: date | None = None,
) -> LeaversFile:
    """The leavers in a CSV or .xlsx file's bytes, read from `path` (named in every error)."""
    try:
        table = read_table(raw, path)
    except TableError as e:
        raise InvitationError(str(e)) from None
    columns: dict[int, str] = {}
    out = LeaversFile()
    for i, heading in enumerate(table.headings):
        name = _ALIASES.get(fold(heading))
        if name is None:
            if heading.strip():
                out.ignored.append(heading.strip())
            continue
        if name in columns.values():
            raise InvitationError(
                tr(
                    "{path}: row 1: two columns are {name!r}",
                    path=path,
                    name=name,
                )
            )
        columns[i] = name
    named = "name" in columns.values() or {"first_name", "last_name"} <= set(columns.values())
    for needed, present in (("name", named), ("last_day", "last_day" in columns.values())):
        if not present:
            raise InvitationError(
                tr(
                    "{path}: row 1: no {needed!r} column; the headings must include name (or "
                    "first and last name) and last_day (or e.g. navn and sluttdato, or "
                    "Fornavn, Etternavn and Sluttdato)",
                    path=path,
                    needed=needed,
                )
            )
    # A value is called by its heading as the file writes it ("Sluttdato", not last_day).
    headings = {name: table.headings[i].strip() for i, name in columns.items()}
    seen: dict[tuple[str, ...], str] = {}
    errors: list[str] = []
    for line, cells in table.rows:
        where = tr("row {n}", n=line)
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(table.headings):
            errors.append(
                tr(
                    "{where}: has {n} fields, but the headings have {n2}",
                    where=where,
                    n=len(cells),
                    n2=len(table.headings),
                )
            )
            continue
        values = {name: cells[i] for i, name in columns.items()}
        if not values.get("name", "").strip():
            given = (values.get("first_name", ""), values.get("last_name", ""))
            values["name"] = " ".join(part.strip() for part in given if part.strip())
        values.pop("first_name", None)
        values.pop("last_name", None)
        try:
            leaver = check_leaver(values, where, default_set, catalog, headings)
        except InvitationError as e:
            errors.append(str(e))
            continue
        person = _person(leaver)
        if person in seen:
            errors.append(
                tr(
                    "{where}: the same person as {value}",
                    where=where,
                    value=seen[person],
                )
            )
            continue
        seen[person] = where
        out.leavers.append(leaver)
        out.notes.extend(notes_on(leaver, today, "email" in columns.values()))
    if errors and not skip_bad:
        raise BadRows(path, errors)
    out.skipped = errors
    if not out.leavers:
        raise InvitationError(tr("{path}: has headings but no leavers", path=path))
    out.columns = frozenset(columns.values()) | ({"name"} if named else set())
    return out


def _person(leaver: Leaver) -> tuple[str, ...]:
    """Who a row is: the HR system's employee number when the file has one, else the name
    with the last day."""
    if leaver.employee_number:
        return ("employee", leaver.employee_number.casefold())
    return (leaver.name.casefold(), leaver.last_day.isoformat())


def notes_on(leaver: Leaver, today: date | None, has_email: bool) -> list[tuple[str, str, str]]:
    """A last day already past; an empty e-mail cell (a file with no e-mail column at all is
    one HR sends by other means, and is not remarked on row by row)."""
    notes = []
    if today is not None and leaver.last_day < today:
        notes.append((leaver.where, "past", leaver.last_day.isoformat()))
    if has_email and leaver.email is None:
        notes.append((leaver.where, "no_email", leaver.name))
    return notes
