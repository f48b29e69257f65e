"""Export for those who work in a spreadsheet: one row per response, by the report's rules.

A row holds the month (never the day), the question set, a department only as a group of
at least `min_group` (small ones merged into "other departments", or left blank when even
that is too small; a declined row shows none), whether the employee declined, the readers
chosen, and the answers to the analysed questions (choices, scales, yes/no), labelled in
the chosen language. Never a name, a position or a date of employment; never special
information; free text (the improvement suggestions) only from responses whose readers
allow it, in a shown group, and only when at least `min_group` such texts exist. Fewer
than `min_group` responses in all and nothing is exported.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable

from . import reading, report
from .errors import SluttsamtaleError
from .questionnaires import Catalog
from .schema import Language

_WORDS: dict[Language, dict[str, str]] = {
    "nb": {
        "month": "Måned",
        "set": "Spørsmålssett",
        "department": "Avdeling",
        "declined": "Takket nei",
        "readers": "Hvem kan lese",
        "sheet": "Svar",
        "about": "Om uttrekket",
    },
    "nn": {
        "month": "Månad",
        "set": "Spørsmålssett",
        "department": "Avdeling",
        "declined": "Takka nei",
        "readers": "Kven kan lese",
        "sheet": "Svar",
        "about": "Om uttrekket",
    },
    "sv": {
        "month": "Månad",
        "set": "Frågeuppsättning",
        "department": "Avdelning",
        "declined": "Tackade nej",
        "readers": "Vem får läsa",
        "sheet": "Svar",
        "about": "Om exporten",
    },
    "en": {
        "month": "Month",
        "set": "Question set",
        "department": "Department",
        "declined": "Declined",
        "readers": "Readers",
        "sheet": "Responses",
        "about": "About",
    },
}
_READERS: dict[Language, dict[str, str]] = {
    "nb": {"hr": "Bare HR", "hr_and_leader": "HR og leder", "statistics": "Bare statistikk"},
    "nn": {"hr": "Berre HR", "hr_and_leader": "HR og leiar", "statistics": "Berre statistikk"},
    "sv": {"hr": "Bara HR", "hr_and_leader": "HR och chef", "statistics": "Bara statistik"},
    "en": {"hr": "HR only", "hr_and_leader": "HR and leader", "statistics": "Statistics only"},
}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class ExportError(SluttsamtaleError):
    pass


def table(
    opened: Iterable[reading.Opened], *, catalog: Catalog, language: Language, min_group: int
) -> tuple[list[str], list[list[str | int]]]:
    """The header and the rows, every rule applied."""
    entries, _ = report.entries(opened)
    if len(entries) < min_group:
        raise ExportError(
            f"only {len(entries)} responses are stored; an export needs at least {min_group} "
            "(--min-group) so that no one can be singled out"
        )
    words, yes_no = _WORDS[language], report.WORDS[language]
    used = Counter(e.set_id for e in entries)
    infos = report.question_infos(catalog, language, used)
    keys = [k for k in infos if any(k in e.answers for e in entries)]
    # Departments group the answers, as in the report; a declined row shows none.
    answered = [e for e in entries if not e.declined]
    shown = iter(report.department_groups(answered, min_group, yes_no))
    groups = [None if e.declined else next(shown) for e in entries]
    allowed = [e.suggestion for e, g in zip(entries, groups, strict=True) if e.suggestion and g]
    texts_shown = len(allowed) >= min_group
    suggestion_label = _suggestion_label(catalog, language, used)
    header = [
        words["month"],
        words["set"],
        words["department"],
        words["declined"],
        words["readers"],
        *_unique_labels([infos[k].label for k in keys], keys),
        suggestion_label,
    ]
    rows: list[list[str | int]] = []
    for entry, group in zip(entries, groups, strict=True):
        row: list[str | int] = [
            entry.month,
            entry.set_id,
            group or "",
            yes_no["yes"] if entry.declined else yes_no["no"],
            _READERS[language][entry.readers],
        ]
        row += [_value(infos[k], entry.answers.get(k)) for k in keys]
        row.append(entry.suggestion if texts_shown and group and entry.suggestion else "")
        rows.append(row)
    rows.sort(key=lambda r: (str(r[0]), str(r[1]), str(r[2])))  # not the order they came in
    return header, rows


def _suggestion_label(catalog: Catalog, language: Language, used: Counter[str]) -> str:
    sets = sorted(
        catalog.sets.values(),
        key=lambda s: (s.language != language, -used[s.id], -s.version, s.id),
    )
    for qset in sets:
        q = qset.by_code(report.SUGGESTIONS)
        if q is not None:
            return q.label
    return report.SUGGESTIONS


def _unique_labels(labels: list[str], keys: list[str]) -> list[str]:
    """Question labels as headings; two the same get their keys added to tell them apart."""
    return [
        f"{label} ({key})" if labels.count(label) > 1 else label
        for label, key in zip(labels, keys, strict=True)
    ]


def _value(info: report.QuestionInfo, answer: object) -> str | int:
    if answer is None:
        return ""
    if isinstance(answer, int) and not isinstance(answer, bool):
        return answer
    values = report.values_of(answer)  # type: ignore[arg-type]
    return "; ".join(info.options.get(v, v) for v in values)


def safe(value: str | int) -> str | int:
    """A text a spreadsheet would run as a formula, made plain text (CSV injection)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def to_csv(header: list[str], rows: list[list[str | int]]) -> bytes:
    """UTF-8 with a byte order mark and ";" between fields: what Nordic Excel opens as is."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    writer.writerow([safe(h) for h in header])
    writer.writerows([[safe(v) for v in row] for row in rows])
    return buf.getvalue().encode("utf-8-sig")


def to_xlsx(
    header: list[str], rows: list[list[str | int]], *, language: Language, about: str
) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    words = _WORDS[language]
    book = Workbook()
    sheet = book.active
    sheet.title = words["sheet"]
    sheet.append([safe(h) for h in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([safe(v) for v in row])
    sheet.freeze_panes = "A2"
    info = book.create_sheet(words["about"])
    for line in about.splitlines():
        info.append([safe(line)])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()
