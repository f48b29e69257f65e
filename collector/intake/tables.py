"""A leavers' table as HR systems export it: CSV (any of ; , or tab, Excel's BOM) or an
Excel workbook (.xlsx, the first sheet). Both come out the same: the headings, and each row's
cells as text with the line number HR sees in the file."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from .. import i18n
from ..errors import SluttsamtaleError
from ..i18n import tr

XLSX_MAGIC = b"PK\x03\x04"
"""A zip archive: what every .xlsx file is."""


class TableError(SluttsamtaleError):
    """A leavers' file that cannot be read as a table."""


@dataclass(frozen=True)
class Table:
    headings: list[str]
    rows: list[tuple[int, list[str]]]
    """(line number, cells) of every row after the headings."""


def read_table(raw: bytes, path: Path) -> Table:
    """The table in a CSV or .xlsx file's bytes; TableError names `path` and the problem."""
    if raw.startswith(XLSX_MAGIC) or path.suffix.lower() in (".xlsx", ".xlsm"):
        return _xlsx(raw, path)
    return _csv(raw, path)


def _csv(raw: bytes, path: Path) -> Table:
    try:
        text = raw.decode("utf-8-sig")  # Excel's "CSV UTF-8" starts with a byte order mark
    except UnicodeDecodeError:
        raise TableError(
            tr(
                '{path}: is not UTF-8 text; in Excel, save it as "CSV UTF-8"',
                path=path,
            )
        ) from None
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise TableError(
            tr(
                "{path}: is empty; the first row must hold the column headings",
                path=path,
            )
        )
    delimiter = max(";,\t", key=lines[0].count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = list(_csv_rows(reader, path))
    headings = rows[0][1]
    return Table(headings, rows[1:])


def _csv_rows(reader: Iterator[list[str]], path: Path) -> Iterator[tuple[int, list[str]]]:
    """The CSV reader's rows; one it cannot read (a field over its 128 KiB limit, say) is a
    TableError naming the row, not the csv module's own error."""
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            line = getattr(reader, "line_num", 0)
            raise TableError(
                tr(
                    "{path}: row {line}: cannot be read as CSV ({error})",
                    path=path,
                    line=line,
                    error=e,
                )
            ) from None
        yield getattr(reader, "line_num", 0), row


def _xlsx(raw: bytes, path: Path) -> Table:
    from openpyxl import load_workbook  # only a workbook needs it

    _check_unpacked_size(raw, path)
    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - a hostile zip or XML inside: one line, never a trace
        raise TableError(
            tr(
                "{path}: is not an Excel workbook (.xlsx) that can be read",
                path=path,
            )
        ) from None
    try:
        sheet = book.worksheets[0]
        rows = []
        # Bounded: a sheet with one cell at XFD1048576 is a few bytes that openpyxl would
        # spread over a billion empty cells (the attacker's pass of 2026-12-03).
        cells = sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS, max_row=MAX_ROWS + 1)
        for number, values in enumerate(cells, start=1):
            rows.append((number, [_cell(value) for value in values]))
        if len(rows) > MAX_ROWS:
            raise TableError(
                tr(
                    "{path}: has more than {rows} rows; split it into smaller files",
                    path=path,
                    rows=i18n.number(MAX_ROWS),
                )
            )
    except TableError:
        raise
    except Exception:  # noqa: BLE001 - a damaged sheet must be one line, not a trace
        raise TableError(
            tr("{path}: the workbook's first sheet cannot be read", path=path)
        ) from None
    finally:
        book.close()
    if not rows or not any(rows[0][1]):
        raise TableError(
            tr(
                "{path}: is empty; the first row must hold the column headings",
                path=path,
            )
        )
    headings = rows[0][1]
    width = len(headings)
    while width and not headings[width - 1]:
        width -= 1
    # A sheet's rows are as wide as its widest; cells past the headings must be empty.
    return Table(headings[:width], [(n, _fit(cells, width)) for n, cells in rows[1:]])


MAX_ROWS = 20_000
MAX_COLUMNS = 200
MAX_UNPACKED = 200 * 1024 * 1024
"""A leavers workbook is a few hundred rows of a few dozen columns; these bound a hostile
one (a zip bomb, a sheet that claims a million rows) long before memory does."""


def _check_unpacked_size(raw: bytes, path: Path) -> None:
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            unpacked = sum(info.file_size for info in z.infolist())
    except Exception:  # noqa: BLE001 - BadZipFile, NotImplementedError (a zip "version 10.1")...
        return  # load_workbook names it as not a workbook
    if unpacked > MAX_UNPACKED:
        raise TableError(
            tr(
                "{path}: unpacks to more than 200 MiB, more than a leavers file holds",
                path=path,
            )
        )


def _fit(cells: list[str], width: int) -> list[str]:
    if len(cells) > width and not any(cells[width:]):
        return cells[:width]
    return cells + [""] * (width - len(cells)) if len(cells) < width else cells


def _cell(value: object) -> str:
    """A cell as the text a CSV export would hold: dates as 2026-06-30, whole numbers bare."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
