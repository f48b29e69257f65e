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

from ..errors import SluttsamtaleError
from ..i18n import tr
from ..intake.opening import Opened
from ..model.loading import Catalog
from ..model.payload import AnswerValue
from ..routine import analysis as report
from ..words import Language, catalogue

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class ExportError(SluttsamtaleError):
    pass


def table(
    opened: Iterable[Opened], *, catalog: Catalog, language: Language, min_group: int
) -> tuple[list[str], list[list[str | int]], int]:
    """The header, the rows, every rule applied, and how many statistics-only answers were
    left out (a row is one person's answers, which such an answer never is)."""
    entries, left = report.entries(opened, one_by_one=True)
    if len(entries) < min_group:
        raise ExportError(
            tr(
                "only {n} responses are stored; an export needs at least {min_group}, "
                "the smallest group shown, so that no one can be singled out",
                n=len(entries),
                min_group=min_group,
            )
        )
    words_ = catalogue(language)
    words = words_["export"]
    used = Counter(e.set_id for e in entries)
    infos = report.question_infos(catalog, language, used)
    keys = [k for k in infos if any(k in e.answers for e in entries)]
    # Departments group the answers, as in the report; a declined row shows none.
    answered = [e for e in entries if not e.declined]
    shown = iter(report.department_groups(answered, min_group, words_["analysis"]))
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
            words_.yes_no(entry.declined),
            words_.readers(entry.readers),
        ]
        row += [_value(infos[k], entry.answers.get(k)) for k in keys]
        row.append(entry.suggestion if texts_shown and group and entry.suggestion else "")
        rows.append(row)
    rows.sort(key=lambda r: (str(r[0]), str(r[1]), str(r[2])))  # not the order they came in
    return header, rows, left.anonymous


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


def _value(info: report.QuestionInfo, answer: AnswerValue | None) -> str | int:
    if answer is None:
        return ""
    if isinstance(answer, int) and not isinstance(answer, bool):
        return answer
    values = report.values_of(answer)
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
    header: list[str], rows: list[list[str | int]], *, language: Language, min_group: int
) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    words = catalogue(language)["export"]
    about = catalogue(language)["report"]["rules"].format(n=min_group)
    about += "\n" + words["statistics_only"]
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
