"""`sluttsamtale job-analysis`: what leavers wrote about their tasks and what must be handed
over, for the manager who writes the next posting (Melhus, doc 002), read as that manager
would: only from those who chose "HR and the person who holds my conversation", nothing
from HR only or statistics only, counts right, no name, no request leaving the page."""

from __future__ import annotations

import os
import re
import sqlite3
import stat
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from workflow_support import answers_nb, answers_sv, import_files, invite, run, seal

from testing.fixtures import Flow

# slow: real sealed files, imports and the real key (Argon2id) for each command
pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("flow")]

EXTERNAL = re.compile(r"""(?:src|href|action|srcset)\s*=\s*["']?\s*(?!data:)[a-z]+:""", re.I)
NAMES = ["Kari Nordmann", "Ola Nordmann", "Per Persson", "Lise Lund", "Sven Svensson", "Ukjent"]
HR_ONLY = "HR-ONLY-CANARY: bare HR skal lese om oppgavene mine"
STATS = "STATS-ONLY-CANARY: bare statistikk"
UNCONFIRMED = "UNCONFIRMED-CANARY: ikke invitert og ikke bekreftet"
EARLIER = "EARLIER-CANARY: et svar som ble erstattet"
MARCH = {"SLUTTSAMTALE_NOW": "2026-03-10T09:00:00Z"}


def answered(
    flow: Flow,
    name: str,
    *,
    position: str,
    department: str,
    readers: str = "hr_and_interviewer",
    env: dict[str, str] | None = None,
    sealed_at: datetime | None = None,
    **texts: Any,
) -> None:
    """An invited leaver (position and department in HR's invitation) who answered."""
    person = invite(name, "2026-04-30", position=position, department=department)
    data, _ = seal(
        flow,
        "kommune-nb",
        answers_nb(name=None, position=None, department=None, **texts),
        link=person.secret,
        readers=readers,
        sealed_at=sealed_at,
    )
    import_files(flow, data, env=env)


def fill(flow: Flow) -> None:
    """Five positions' worth of leavers, each reader choice, one unconfirmed, one earlier."""
    answered(
        flow,
        "Kari Nordmann",
        position="Barnehagelærer",
        department="Barnehage Øst",
        job_tasks="KARI-TASKS: pedagogisk leder for Blå avdeling",
        handover="KARI-HANDOVER: nøkler og foreldrelister",
    )
    answered(
        flow,
        "Ola Nordmann",
        position="  barnehagelærer ",
        department="Barnehage Vest",
        env=MARCH,
        sealed_at=datetime(2026, 3, 9, 10, tzinfo=UTC),
        job_tasks="OLA-TASKS: språkarbeid med minoritetsspråklige barn",
        handover=None,
    )
    answered(
        flow,
        "Per Persson",
        position="Barnehagelærer",
        department="Barnehage Øst",
        readers="hr",
        job_tasks=HR_ONLY,
    )
    answered(
        flow,
        "Lise Lund",
        position="Rådgiver",
        department="Barnehage Øst",
        job_tasks="LISE-TASKS: budsjett for barnehagene",
        handover="LISE-HANDOVER: <b>rapporten</b> & [lenke](https://example.org)",
    )
    # Statistics only, even with a position typed on the page: never a word of it.
    stats, _ = seal(
        flow, "kommune-nb", answers_nb(job_tasks=STATS, handover=STATS), readers="statistics"
    )
    unconfirmed, _ = seal(
        flow,
        "kommune-nb",
        answers_nb(name="Ukjent", job_tasks=UNCONFIRMED),
        readers="hr_and_interviewer",
    )
    import_files(flow, stats, confirm=True)  # HR vouches for it: it counts, unquoted
    import_files(flow, unconfirmed)
    # An earlier answer replaced by a newer one from the same link counts nowhere.
    person = invite("Sven Svensson", "2026-04-30", position="Barnehagelærer")
    early = datetime(2026, 4, 20, 10, tzinfo=UTC)
    first, _ = seal(
        flow,
        "kommune-nb",
        answers_nb(name=None, position=None, job_tasks=EARLIER),
        link=person.secret,
        sealed_at=early,
        readers="hr_and_interviewer",
    )
    second, _ = seal(
        flow,
        "kommune-nb",
        answers_nb(name=None, position=None, job_tasks=None, handover=None),
        link=person.secret,
        readers="hr_and_interviewer",
    )
    import_files(flow, first, second)


def page(*args: str, out: str = "stilling.html") -> str:
    result = run("job-analysis", "--out", out, *args)
    assert result.exit_code == 0, result.output
    return Path(out).read_text(encoding="utf-8")


def assert_nothing_held_back_shows(text: str) -> None:
    for canary in (HR_ONLY, STATS, UNCONFIRMED, EARLIER):
        assert canary.split(":")[0] not in text
    for name in NAMES:
        assert name not in text


def test_job_analysis_for_a_position_quotes_only_what_may_reach_the_manager(flow: Flow) -> None:
    fill(flow)
    result = run("job-analysis", "--position", "Barnehagelærer", "--out", "stilling.html")
    assert result.exit_code == 0, result.output
    assert result.output == (
        "Wrote stilling.html: 2 answers quoted; not quoted: 1 for HR only, 1 for statistics only\n"
    )
    html = Path("stilling.html").read_text(encoding="utf-8")
    assert html.startswith("<!doctype html>") and '<html lang="nb">' in html
    assert "default-src 'none'" in html and "<script" not in html.lower()
    assert not EXTERNAL.search(html) and "http:" not in html and "https:" not in html
    assert "<h1>Innspill til neste jobbanalyse</h1>" in html
    assert "<p>Stilling: Barnehagelærer</p>" in html
    assert "<p>Svar mottatt til og med 2026-05-04.</p>" in html
    # One group for both spellings of the position, oldest first, each with day and department.
    assert html.count("<h2>") == 1 and "<h2>Barnehagelærer</h2>" in html
    assert "<li>Svar som er sitert: 2</li>" in html
    assert "<li>Ikke sitert fordi den som sluttet, valgte bare HR: 1</li>" in html
    ola = html.index("<h3>Mottatt 2026-03-10 · Avdeling: Barnehage Vest</h3>")
    kari = html.index("<h3>Mottatt 2026-05-04 · Avdeling: Barnehage Øst</h3>")
    assert ola < html.index("OLA-TASKS") < kari < html.index("KARI-TASKS")
    assert "<h4>Arbeidsoppgaver og ansvar</h4>" in html
    assert "<h4>Det som må overføres eller ordnes</h4><p>KARI-HANDOVER" in html.replace("\n", "")
    assert html.count("<h4>Det som må overføres eller ordnes</h4>") == 1  # Ola wrote none
    assert "LISE-TASKS" not in html  # another position
    assert (
        "Svar i perioden som bare skal brukes i anonym statistikk, for alle stillinger: 1." in html
    )
    assert "«HR og den som har samtalen med meg»" in html
    assert_nothing_held_back_shows(html)
    assert stat.S_IMODE(os.stat("stilling.html").st_mode) == 0o600


def test_job_analysis_for_a_department_groups_by_position(flow: Flow) -> None:
    fill(flow)
    html = page("--department", "barnehage øst")
    assert "<p>Avdeling: barnehage øst</p>" in html
    assert html.index("<h2>Barnehagelærer</h2>") < html.index("<h2>Rådgiver</h2>")
    assert "KARI-TASKS" in html and "LISE-TASKS" in html and "OLA-TASKS" not in html
    # Free text is shown as text, never obeyed as markup.
    assert "&lt;b&gt;rapporten&lt;/b&gt; &amp; [lenke](" in html and "<b>" not in html
    assert_nothing_held_back_shows(html)


def test_job_analysis_period(flow: Flow) -> None:
    fill(flow)
    html = page("--position", "Barnehagelærer", "--from", "2026-04-01", "--to", "2026-05-04")
    assert "<p>Svar mottatt fra 2026-04-01 til 2026-05-04.</p>" in html
    assert "KARI-TASKS" in html and "OLA-TASKS" not in html
    assert "<li>Svar som er sitert: 1</li>" in html


def test_job_analysis_markdown_in_english(flow: Flow) -> None:
    fill(flow)
    md = page("--department", "Barnehage Øst", "--format", "md", "--language", "en", out="s.md")
    assert "# Input to the next job analysis" in md
    assert "## Barnehagelærer" in md and "## Rådgiver" in md
    assert md.count("- Answers quoted: 1") == 2
    assert "- Not quoted, because the leaver chose HR only: 1" in md
    assert "### Received 2026-05-04 · Department: Barnehage Øst" in md
    assert "> KARI-TASKS: pedagogisk leder for Blå avdeling" in md
    # Markdown cannot turn an answer into a link or a tag.
    assert r"\<b\>rapporten\</b\> \& \[lenke\](https://example.org)" in md
    assert_nothing_held_back_shows(md)


def test_job_analysis_goes_to_exports_and_is_recorded_with_its_delete_by(flow: Flow) -> None:
    fill(flow)
    result = run("job-analysis", "--position", "Rådgiver", "--format", "md")
    assert result.exit_code == 0, result.output
    written = flow.root / "exports" / "job-analysis-2026-05-04.md"
    assert result.output.startswith(f"Wrote {written}: 1 answers quoted")
    assert "LISE-TASKS" in written.read_text(encoding="utf-8")
    with sqlite3.connect(flow.db) as conn:
        rows = conn.execute("SELECT path, kind, delete_by FROM outputs").fetchall()
        [oldest] = conn.execute("SELECT min(delete_by) FROM responses").fetchone()
    # With the answer it quotes (received today, kept 12 months), not Ola's from March.
    assert rows == [(str(written.resolve()), "job-analysis", "2027-05-04")]
    assert oldest == "2027-03-10"


def test_job_analysis_with_nothing_to_quote(flow: Flow) -> None:
    fill(flow)
    html = page("--position", "Lektor")
    assert "Ingen som sluttet i dette utvalget" in html and "<h2>" not in html
    assert_nothing_held_back_shows(html)


def test_job_analysis_in_swedish_from_a_swedish_set(flow: Flow) -> None:
    data, _ = seal(
        flow,
        "sodermalm-sv",
        answers_sv(position="Undersköterska", job_tasks="SV-TASKS: nattpass"),
        readers="hr_and_interviewer",
    )
    import_files(flow, data, confirm=True)
    html = page("--position", "undersköterska", "--language", "sv")
    assert "<h2>Undersköterska</h2>" in html and "SV-TASKS: nattpass" in html
    assert "<li>Citerade svar: 1</li>" in html
    assert "Sven Svensson" not in html


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            [],
            "Error: give --position or --department (or both), since a job analysis is for "
            "one position or one department\n",
        ),
        (
            ["--position", "X", "--from", "2026-05-01", "--to", "2026-04-01"],
            "Error: --from 2026-05-01 is after --to 2026-04-01\n",
        ),
        (["--position", "X", "--to", "2027-01-01"], "Error: --to: 2027-01-01 lies in the future\n"),
    ],
)
def test_job_analysis_refuses_bad_options(flow: Flow, args: list[str], message: str) -> None:
    fill(flow)
    result = run("job-analysis", *args)
    assert (result.exit_code, result.output) == (1, message)
    assert not (flow.root / "exports").exists()


@pytest.mark.browser
def test_job_analysis_opens_offline_in_chromium(flow: Flow, recorded: Any) -> None:
    fill(flow)
    page("--department", "Barnehage Øst")
    url = Path("stilling.html").resolve().as_uri()
    browser_page = recorded.page
    browser_page.goto(url)
    assert browser_page.title() == "Innspill til neste jobbanalyse"
    shown = browser_page.inner_text("body")
    assert "KARI-TASKS" in shown and "LISE-HANDOVER: <b>rapporten</b>" in shown
    assert_nothing_held_back_shows(shown)
    browser_page.emulate_media(media="print")
    assert browser_page.locator("h2").count() == 2
    assert recorded.requests == [url]  # nothing but the file itself


def test_answers_sealed_before_the_page_promised_it_are_counted_not_quoted(flow: Flow) -> None:
    # Kari sealed on 2026-05-01, Ola on 2026-03-09: only Kari's page said it may reach the
    # manager who writes the next posting.
    flow.employer_rules("analysis:\n  min_group: 5\n  posting_promised_since: 2026-04-01\n")
    fill(flow)
    result = run("job-analysis", "--position", "Barnehagelærer", "--out", "stilling.html")
    assert result.exit_code == 0, result.output
    assert result.output == (
        "Wrote stilling.html: 1 answers quoted; not quoted: 1 for HR only, 1 for statistics "
        "only, 1 sealed before the page promised it (analysis.posting_promised_since)\n"
    )
    html = Path("stilling.html").read_text(encoding="utf-8")
    assert "KARI-TASKS" in html and "OLA-TASKS" not in html
    assert (
        "<li>Ikke sitert fordi svaret ble forseglet før skjemaet sa at det kan gå til denne "
        "lederen: 1</li>"
    ) in html
    assert_nothing_held_back_shows(html)
