"""A leavers CSV's bytes (intake/leavers.parse_csv, the file `invite --csv` reads), checked
against the testkit's sets: InvitationError, or the leavers.

There is no XLSX reader: HR saves the sheet as "CSV UTF-8", which is what is read.
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


def TestOneInput(data: bytes) -> None:  # noqa: N802 - the name atheris and libFuzzer use
    documented(DOCUMENTED, lambda: leavers.parse_csv(data, PATH, "testkit", CATALOG))
