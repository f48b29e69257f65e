"""A leavers file's bytes (intake/leavers.parse_leavers, the file `invite --csv` reads: a CSV,
or an Excel workbook when the bytes are a zip), checked against the testkit's sets:
InvitationError, or the leavers. One seed is a real workbook, so the fuzzer reaches
openpyxl's reading too.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from collector.intake import leavers
from testing import testkit_run as run

from ._check import documented

DOCUMENTED = (leavers.InvitationError,)
CATALOG = run.catalog()
PATH = Path("leavers.csv")

SEEDS = (
    "name,email,last_day\nKari Nordmann,kari@example.no,2026-06-30\n",
    "\ufeffnavn;e-post;sluttdato;stilling;avdeling;ansatt dato;skjema\r\n"
    "Ola Nordmann;ola@example.no;30.06.2026;Rådgiver;Økonomi;01.02.2020;testkit\r\n"
    'Per "Pelle" Hansen;;2026-07-01;"Leder; drift";IT;;testkit\r\n',
    "namn\tslutdatum\tanställd from\tarbetsplats\nSven Svensson\t2026-08-31\t2019-01-01\tSöder\n",
    'name,last_day,set,employee_no\n"Nordmann, Kari",2026-06-30,testkit,1042\n\n'
    'Kari Nordmann,2026-06-30,testkit,1043\n"A\nB",2026-06-30,testkit,1\n',
)


def seeds() -> Iterator[bytes]:
    for text in SEEDS:
        yield text.encode("utf-8")
    yield _workbook()


def _workbook() -> bytes:
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Ansattnummer", "Fornavn", "Etternavn", "Sluttdato", "Skjema"])
    sheet.append([1001, "Kari", "Nordmann", "30.06.2026", "testkit"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def TestOneInput(data: bytes) -> None:  # noqa: N802 - the name atheris and libFuzzer use
    documented(DOCUMENTED, lambda: leavers.parse_leavers(data, PATH, "testkit", CATALOG))
