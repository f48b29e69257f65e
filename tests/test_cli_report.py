"""`sluttsamtale report` and `export`: aggregated across languages by analysis code, small
groups held back, free text only where consent and group size allow, no names; and the
report opened in Chromium with no request leaving the file."""

from __future__ import annotations

import csv
import io
import os
import stat
from pathlib import Path
from typing import Any

import pytest
from workflow_support import answers_nb, answers_sv, import_files, invite_one, run, seal

from testing.fixtures import Flow

pytestmark = [
    pytest.mark.slow,
    pytest.mark.usefixtures("flow"),
]  # matplotlib charts and many key unlocks


STATS_TEXT = "STATS-ONLY-CANARY: a suggestion meant for statistics only"
HR_TEXTS = [f"Forslag nummer {i} fra barnehagen" for i in range(5)]
NAMES = ["Kari Nordmann", "Sven Svensson", "Per Persson", "Barnehagelærer"]


def fill(flow: Flow, *, it_answers: int = 4, hr_texts: int = 5) -> None:
    """5 answers from Barnehage Øst (bokmål, HR may read), `it_answers` from IT (Swedish,
    statistics only), one declined on the page, one decline recorded by HR."""
    files = []
    for i in range(5):
        reason = "new_job" if i < 3 else "pay"
        text = HR_TEXTS[i] if i < hr_texts else None
        files.append(seal(flow, "kommune-nb", answers_nb(reason=reason, improvements=text))[0])
    for _ in range(it_answers):
        files.append(
            seal(
                flow,
                "sodermalm-sv",
                answers_sv(name="Per Persson", department="IT", improvements=STATS_TEXT),
                readers="statistics",
            )[0]
        )
    files.append(seal(flow, "kommune-nb", {"name": "Kari Nordmann"}, declined=True)[0])
    import_files(flow, *files, confirm=True)
    invite_one("Nei Takk", "2026-04-01")
    assert run("decline", "Nei Takk", "--on", "2026-04-02").exit_code == 0


def month_row(month: str, *counts: int) -> str:
    cells = "".join(f'<td class="num">{n}</td>' for n in counts)
    return f"<tr><td>{month}</td>{cells}</tr>"


def make_report(*args: str) -> str:
    result = run("report", "--out", "rapport.html", *args)
    assert result.exit_code == 0, result.output
    return Path("rapport.html").read_text(encoding="utf-8")


def test_report_aggregates_and_holds_back_small_groups(flow: Flow) -> None:
    fill(flow)
    html = make_report()
    assert html.startswith("<!doctype html>") and '<html lang="nb">' in html
    assert "<script" not in html and "http:" not in html and "https:" not in html
    assert html.count('<img src="data:image/svg+xml;base64,') >= 4
    # Over time, with both kinds of decline.
    assert month_row("2026-04", 0, 0, 1) in html
    assert month_row("2026-05", 9, 1, 0) in html
    # The primary reason across languages: 3 bokmål + 4 Swedish "new_job", labelled in bokmål.
    assert '<tr><td>Ny jobb</td><td class="num">7</td></tr>' in html
    assert '<tr><td>Lønn og arbeidsvilkår</td><td class="num">2</td></tr>' in html
    # Wishes: who should hold the talk (5 HR + 4 nearest leader).
    assert '<tr><td>Personalseksjonen (HR)</td><td class="num">5</td></tr>' in html
    # Departments: 5 shown, 4 held back (merged "other" is still too small).
    assert '<tr><td>Barnehage Øst</td><td class="num">5</td>' in html
    assert ">IT<" not in html and "Andre avdelinger" not in html
    assert "4 svar fra små avdelinger er holdt tilbake." in html
    # Free text: HR's five suggestions, never the statistics-only ones; no names.
    for text in HR_TEXTS:
        assert f"<li>{text}</li>" in html
    assert "STATS-ONLY-CANARY" not in html
    assert "4 av svarene skal bare brukes i anonym statistikk" in html
    for name in NAMES:
        assert name not in html
    assert stat.S_IMODE(os.stat("rapport.html").st_mode) == 0o600


def test_report_shows_a_department_of_exactly_the_minimum(flow: Flow) -> None:
    fill(flow, it_answers=5)
    html = make_report()
    assert '<tr><td>IT</td><td class="num">5</td>' in html
    assert "svar fra små avdelinger" not in html
    assert "STATS-ONLY-CANARY" not in html  # a big enough group does not lift consent


def test_report_holds_back_too_few_suggestions(flow: Flow) -> None:
    fill(flow, hr_texts=4)
    html = make_report()
    assert "4 forslag er holdt tilbake fordi færre enn 5 kan vises." in html
    assert "Forslag nummer" not in html


def test_report_min_group_from_option_and_employer(flow: Flow) -> None:
    fill(flow)
    assert '<tr><td>IT</td><td class="num">4</td>' in make_report("--min-group", "4")
    flow.employer_rules("analysis:\n  min_group: 6\n")
    html = make_report()
    assert "Barnehage Øst" not in html  # 5 is now too small
    assert "Grupper med færre enn 6 svar vises ikke" in html


def test_report_in_swedish_uses_the_swedish_labels(flow: Flow) -> None:
    fill(flow)
    html = make_report("--language", "sv")
    assert '<html lang="sv">' in html and "<h1>Avslutssamtal: rapport</h1>" in html
    assert '<tr><td>Nytt jobb</td><td class="num">7</td></tr>' in html


def test_report_on_an_empty_store(flow: Flow) -> None:
    invite_one("Kari Nordmann", "2026-06-30")
    html = make_report()
    assert "Ingen svar ennå." in html


# --------------------------------------------------------------------------- export


def read_csv(path: str) -> list[dict[str, str]]:
    data = Path(path).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # for Excel
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def test_export_csv_by_the_same_rules(flow: Flow) -> None:
    fill(flow)
    result = run("export", "--format", "csv", "--out", "svar.csv")
    assert result.exit_code == 0, result.output
    # The 4 statistics-only answers are no rows: a row is one person's answers.
    assert result.output == (
        "Wrote svar.csv: 6 rows; groups under 5 held back\n"
        "4 answers for statistics only are not rows: a row is one person's answers.\n"
    )
    rows = read_csv("svar.csv")
    assert len(rows) == 6
    columns = list(rows[0])
    assert columns[:5] == ["Måned", "Spørsmålssett", "Avdeling", "Takket nei", "Hvem kan lese"]
    suggestions = columns[-1]
    assert suggestions == "Andre forhold du ønsker å nevne til slutt?"
    by_dept: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_dept.setdefault(row["Avdeling"], []).append(row)
    # 5 from Barnehage Øst; a decline has no department.
    assert {k: len(v) for k, v in by_dept.items()} == {"Barnehage Øst": 5, "": 1}
    assert sorted(r[suggestions] for r in by_dept["Barnehage Øst"]) == HR_TEXTS
    assert all(r[suggestions] == "" for r in by_dept[""])
    reasons = [r["Hva er hovedgrunnen til at du slutter?"] for r in rows]
    assert reasons.count("Ny jobb") == 3 and reasons.count("Lønn og arbeidsvilkår") == 2
    assert {r["Måned"] for r in rows} == {"2026-05"}
    text = Path("svar.csv").read_text(encoding="utf-8-sig")
    assert "STATS-ONLY-CANARY" not in text
    for name in NAMES:
        assert name not in text


def test_export_xlsx(flow: Flow) -> None:
    from openpyxl import load_workbook

    fill(flow, it_answers=5)
    result = run("export", "--out", "svar.xlsx")  # the format from the name
    assert result.exit_code == 0, result.output
    book = load_workbook("svar.xlsx")
    assert book.sheetnames == ["Svar", "Om uttrekket"]
    sheet = book["Svar"]
    header = [c.value for c in sheet[1]]
    rows: list[dict[str, Any]] = [
        dict(zip(header, (c.value for c in r), strict=True)) for r in sheet.iter_rows(min_row=2)
    ]
    # A group of 5 statistics-only answers from IT is still no rows: only the report counts it.
    assert len(rows) == 6
    assert not any(r["Avdeling"] == "IT" for r in rows)
    assert "STATS-ONLY-CANARY" not in str(rows)
    about = " ".join(str(c.value) for c in book["Om uttrekket"]["A"])
    assert "Grupper med færre enn 5 svar" in about
    assert "Svar gitt bare til statistikk er ikke rader her" in about


def test_export_defuses_formulas_in_free_text(flow: Flow) -> None:
    texts = ['=HYPERLINK("https://evil.example","klikk")', "+1", "@SUM(A1)", "-2", "vanlig"]
    files = [seal(flow, "kommune-nb", answers_nb(improvements=t))[0] for t in texts]
    import_files(flow, *files, confirm=True)
    assert run("export", "--out", "svar.csv").exit_code == 0
    column = "Andre forhold du ønsker å nevne til slutt?"
    got = sorted(r[column] for r in read_csv("svar.csv"))
    assert got == sorted(["'" + t for t in texts[:4]] + ["vanlig"])
    assert run("export", "--out", "svar.xlsx").exit_code == 0
    from openpyxl import load_workbook

    sheet = load_workbook("svar.xlsx")["Svar"]
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row]
    assert not any(c.data_type == "f" for c in cells)


def test_export_refuses_too_few_responses(flow: Flow) -> None:
    files = [seal(flow, "kommune-nb", answers_nb())[0] for _ in range(4)]
    import_files(flow, *files, confirm=True)
    result = run("export", "--out", "svar.csv")
    assert (result.exit_code, result.output) == (
        1,
        "Error: only 4 responses are stored; an export needs at least 5, the smallest group "
        "shown, so that no one can be singled out\n",
    )
    assert not Path("svar.csv").exists()


# --------------------------------------------------------------------------- in the browser


@pytest.mark.browser
def test_report_opens_offline_in_chromium(flow: Flow, recorded: Any) -> None:
    fill(flow, it_answers=5)
    make_report()
    url = Path("rapport.html").resolve().as_uri()
    page = recorded.page
    page.goto(url)
    assert page.title() == "Sluttsamtaler: rapport"
    sizes = page.eval_on_selector_all(
        "img", "imgs => imgs.map(i => [i.complete, i.naturalWidth, i.alt.length])"
    )
    assert len(sizes) >= 4
    assert all(done and width > 0 and alt > 0 for done, width, alt in sizes)
    page.emulate_media(media="print")
    assert page.locator("h2").count() >= 6
    assert recorded.requests == [url]  # nothing but the file itself
