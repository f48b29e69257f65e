"""Issue 12: leavers as HR systems export them. Excel workbooks and CSV files with Norwegian
and Swedish headings (first and last name joined, Stillingstittel, Ansettelsesdato,
Ansattnummer), the employee number as who a person is, every bad row named in one run with
nothing written (or the good ones invited with --skip-bad), and a word about a last day
already past or a missing e-mail address."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from workflow_support import run, status_json

from collector.intake import leavers
from collector.model.loading import load_catalog
from testing.fixtures import Flow

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("flow")]  # HR's key, unlocked per run

HEADINGS = ["Ansattnummer", "Fornavn", "Etternavn", "E-post", "Stillingstittel",
            "Ansettelsesdato", "Sluttdato"]  # fmt: skip


def workbook(path: Path, rows: list[list[object]]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADINGS)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def csv_file(path: Path, rows: list[str], headings: str = ";".join(HEADINGS)) -> Path:
    path.write_text("\n".join([headings, *rows]) + "\n", encoding="utf-8-sig")
    return path


def invited(result) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    assert result.exit_code == 0, result.output
    return [r for r in json.loads(result.stdout) if r["outcome"] == "invited"]


def test_an_excel_workbook_with_norwegian_headings(flow: Flow) -> None:
    path = workbook(
        flow.root / "sluttere.xlsx",
        [
            [
                1001,
                "Kari",
                "Nordmann",
                "kari@example.org",
                "Barnehagelærer",
                datetime(2019, 8, 1),
                datetime(2026, 6, 30),
            ],
            ["1002", "Ola", "Hansen", "ola@example.org", "Rådgiver", "01.03.2021", "15.07.2026"],
        ],  # fmt: skip
    )
    catalog = load_catalog(flow.questionnaires)
    parsed = leavers.read_leavers(path, "kommune-nb", catalog)
    kari, ola = parsed.leavers
    assert (kari.name, kari.employee_number, kari.position) == (
        "Kari Nordmann",
        "1001",
        "Barnehagelærer",
    )
    assert (kari.employed_from.isoformat() if kari.employed_from else None) == "2019-08-01"
    assert (ola.name, ola.last_day.isoformat()) == ("Ola Hansen", "2026-07-15")
    assert parsed.ignored == [] and parsed.skipped == []
    made = invited(run("invite", "--csv", str(path), "--set", "kommune-nb", "--json"))
    assert [m["name"] for m in made] == ["Kari Nordmann", "Ola Hansen"]


def test_every_bad_row_named_and_nothing_written(flow: Flow) -> None:
    path = csv_file(
        flow.root / "sluttere.csv",
        [
            "1001;Kari;Nordmann;kari@example.org;Lærer;01.08.2019;30.06.2026",
            "1002;Ola;Hansen;ola@example;Rådgiver;01.03.2021;15.07.2026",
            "1003;Per;Olsen;per@example.org;Vaktmester;01.03.2021;neste uke",
            "1001;Kari;Nordmann;kari@example.org;Lærer;01.08.2019;30.06.2026",
        ],
    )
    result = run("invite", "--csv", str(path), "--set", "kommune-nb")
    assert result.exit_code == 1
    assert result.output == (
        "bad      row 3: 'ola@example' is not an e-mail address\n"
        "bad      row 4: last_day 'neste uke' is not a date; write 2026-06-30 or 30.06.2026\n"
        "bad      row 5: the same person as row 2\n"
        f"Error: {path}: 3 rows cannot be used, so nothing was written; fix them, or give "
        "--skip-bad to invite the other rows\n"
    )
    assert status_json()["invitations"] == []

    skipped = run("invite", "--csv", str(path), "--set", "kommune-nb", "--skip-bad")
    assert skipped.exit_code == 0, skipped.output
    lines = skipped.stdout.splitlines()
    assert lines[:3] == [
        "skipped  row 3: 'ola@example' is not an e-mail address",
        "skipped  row 4: last_day 'neste uke' is not a date; write 2026-06-30 or 30.06.2026",
        "skipped  row 5: the same person as row 2",
    ]
    assert [r["name"] for r in status_json()["invitations"]] == ["Kari Nordmann"]


def test_the_employee_number_is_who_a_person_is(flow: Flow) -> None:
    first = csv_file(
        flow.root / "juni.csv", ["1001;Kari;Nordmann;kari@example.org;Lærer;01.08.2019;30.06.2026"]
    )
    assert len(invited(run("invite", "--csv", str(first), "--set", "kommune-nb", "--json"))) == 1
    assert run("decline", "Kari Nordmann").exit_code == 0
    # Next month's export: the last day moved and the name is spelt with a middle name.
    later = csv_file(
        flow.root / "juli.csv",
        ["1001;Kari Marie;Nordmann;kari@example.org;Lærer;01.08.2019;31.07.2026"],
    )
    again = run("invite", "--csv", str(later), "--set", "kommune-nb", "--json")
    assert again.exit_code == 0, again.output
    assert [r["outcome"] for r in json.loads(again.stdout)] == ["already invited"]
    assert len(status_json()["invitations"]) == 1
    anew = run("invite", "--csv", str(later), "--set", "kommune-nb", "--json", "--again")
    assert [r["outcome"] for r in json.loads(anew.stdout)] == ["invited"]
    assert len(status_json()["invitations"]) == 2


def test_a_last_day_past_and_a_missing_address_are_said(flow: Flow) -> None:
    path = csv_file(
        flow.root / "sluttere.csv",
        [
            "1001;Kari;Nordmann;;Lærer;01.08.2019;30.06.2026",
            "1002;Ola;Hansen;ola@example.org;Rådgiver;01.03.2021;01.04.2026",
        ],
    )
    result = run("invite", "--csv", str(path), "--set", "kommune-nb")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        "Note: row 2: no e-mail address for Kari Nordmann; the invitation has no To",
        "Note: row 3: the last working day 2026-04-01 has passed; invited all the same",
    ]


def test_a_file_that_is_not_a_workbook(flow: Flow) -> None:
    path = flow.root / "sluttere.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    result = run("invite", "--csv", str(path), "--set", "kommune-nb")
    assert (result.exit_code, result.output) == (
        1,
        f"Error: {path}: is not an Excel workbook (.xlsx) that can be read\n",
    )
