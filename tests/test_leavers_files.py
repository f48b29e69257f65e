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
        "bad      row 4: Sluttdato 'neste uke' is not a date; write 2026-06-30 or 30.06.2026\n"
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
        "skipped  row 4: Sluttdato 'neste uke' is not a date; write 2026-06-30 or 30.06.2026",
        "skipped  row 5: the same person as row 2",
    ]
    assert [r["name"] for r in status_json()["invitations"]] == ["Kari Nordmann"]


def test_every_problem_of_a_row_is_named_at_once(flow: Flow) -> None:
    path = csv_file(
        flow.root / "sluttere.csv",
        ["1002;;Hansen;ola@example;Rådgiver;01.03.2027;neste uke"],
    )
    result = run("invite", "--csv", str(path), "--set", "kommune-nb")
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        "bad      row 2: 'ola@example' is not an e-mail address; Sluttdato 'neste uke' is not "
        "a date; write 2026-06-30 or 30.06.2026"
    )
    both = csv_file(
        flow.root / "to.csv", ["1003;Per;Olsen;per@example;Vaktmester;01.03.2027;30.06.2026"]
    )
    said = run("invite", "--csv", str(both), "--set", "kommune-nb").output.splitlines()[0]
    assert said == (
        "bad      row 2: 'per@example' is not an e-mail address; Ansettelsesdato is after Sluttdato"
    )


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
        "Note: row 2: no e-mail address for Kari Nordmann; fill in the recipient in the mail "
        "program before sending",
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


def test_a_zip_of_an_unknown_version_is_not_a_workbook() -> None:
    """Found by the fuzzer (2026-12-03): zipfile raises NotImplementedError for a zip that
    says it needs version 10.1, which reached HR as "unexpected NotImplementedError"."""
    import io
    import zipfile

    from collector.intake.tables import TableError, read_table

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
    raw = bytearray(buffer.getvalue())
    central = raw.rindex(b"PK\x01\x02")
    raw[central + 6 : central + 8] = (101).to_bytes(2, "little")  # version needed: 10.1
    with pytest.raises(TableError, match=r"^leavers\.xlsx: is not an Excel workbook \(\.xlsx\)"):
        read_table(bytes(raw), Path("leavers.xlsx"))


def _sparse_workbook(last_cell: str, row: int) -> bytes:
    """A 1.4 KB workbook whose second cell sits far out: openpyxl would spread the sheet
    over every empty cell up to it (the attacker's pass of 2026-12-03)."""
    import io
    import zipfile

    ns = "http://schemas.openxmlformats.org"
    parts = {
        "[Content_Types].xml": f'<?xml version="1.0"?><Types xmlns="{ns}/package/2006/content-types">'  # noqa: E501
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'  # noqa: E501
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'  # noqa: E501
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',  # noqa: E501
        "_rels/.rels": f'<?xml version="1.0"?><Relationships xmlns="{ns}/package/2006/relationships">'  # noqa: E501
        f'<Relationship Id="rId1" Type="{ns}/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',  # noqa: E501
        "xl/workbook.xml": f'<?xml version="1.0"?><workbook xmlns="{ns}/spreadsheetml/2006/main" xmlns:r="{ns}/officeDocument/2006/relationships">'  # noqa: E501
        '<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<?xml version="1.0"?><Relationships xmlns="{ns}/package/2006/relationships">'  # noqa: E501
        f'<Relationship Id="rId1" Type="{ns}/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',  # noqa: E501
        "xl/worksheets/sheet1.xml": f'<?xml version="1.0"?><worksheet xmlns="{ns}/spreadsheetml/2006/main"><sheetData>'  # noqa: E501
        '<row r="1"><c r="A1" t="inlineStr"><is><t>Navn</t></is></c></row>'
        f'<row r="{row}"><c r="{last_cell}{row}" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>',  # noqa: E501
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(name, text)
    return buffer.getvalue()


@pytest.mark.parametrize(("cell", "row"), [("A", 1_048_576), ("XFD", 1_048_576)])
def test_a_sparse_workbook_is_refused_without_filling_memory(cell: str, row: int) -> None:
    import resource

    from collector.intake.tables import TableError, read_table

    raw = _sparse_workbook(cell, row)
    assert len(raw) < 2000
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(TableError, match=r"^leavers\.xlsx: has more than 20,000 rows; split it"):
        read_table(raw, Path("leavers.xlsx"))
    grown_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mib < 150
