"""`sluttsamtale show ID --format html`: the conversation record, print-ready and
self-contained, and the copy for the person who holds the conversation only where the
employee allowed it."""

from __future__ import annotations

import os
import re
import stat
from datetime import UTC, datetime
from html import escape

import pytest
from workflow_support import answers_nb, answers_sv, import_files, run, seal

from collector.formats import keys
from collector.model.payload import Payload
from testing import pagesim
from testing.fixtures import CANARY, Flow

# slow: HR's routine, command after command, each unlocking the real key (Argon2id)
pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("flow")]


EXTERNAL = re.compile(r"""(?:src|href|action|srcset)\s*=\s*["']?\s*(?!data:)[a-z]+:""", re.I)


def record(payload: Payload, *extra: str) -> str:
    result = run("show", payload.response_id[:8], "--format", "html", *extra)
    assert result.exit_code == 0, result.output
    return result.stdout


def assert_self_contained(html: str) -> None:
    assert html.startswith("<!doctype html>")
    assert not EXTERNAL.search(html), EXTERNAL.search(html)
    assert "http:" not in html.lower() and "https:" not in html.lower() and "//" not in html
    assert "<script" not in html.lower() and "<link" not in html.lower()
    assert "@import" not in html and "url(" not in html
    assert "default-src 'none'" in html


def test_show_html_record_holds_facts_wishes_answers_and_room_for_notes(flow: Flow) -> None:
    data, payload = seal(
        flow,
        "kommune-nb",
        answers_nb(special_report="Trakassering på avdelingen. " + CANARY),
        readers="hr_and_interviewer",
    )
    import_files(flow, data)
    html = record(payload)
    assert_self_contained(html)
    assert '<html lang="nb">' in html and "<h1>Sluttsamtale</h1>" in html
    # 001's header: the facts, then "interviewed by" and date left blank to fill in by hand.
    for fact in (
        "<dt>Navn</dt><dd>Kari Nordmann</dd>",
        "<dt>Avdeling</dt><dd>Barnehage Øst</dd>",
        "<dt>Sluttdato</dt><dd>2026-04-30</dd>",
        "<dt>Ansatt dato</dt><dd></dd>",
    ):
        assert fact in html, fact
    assert '<dt>Intervjuet av</dt><dd class="blank"></dd>' in html
    assert '<dt>Dato</dt><dd class="blank"></dd>' in html
    # The employee's wishes, before the answers.
    wishes = html.index("<h2>Ønsker for samtalen</h2>")
    assert (
        wishes
        < html.index("Hvem ønsker du å ha sluttsamtalen med?")
        < html.index("Personalseksjonen (HR)")
    )
    assert html.index("Ønsker du å ta med deg tillitsvalgt til sluttsamtalen?") > wishes
    assert html.count("Hvem ønsker du å ha sluttsamtalen med?") == 1
    # Answers under their questions, in the payload's wording; the unanswered say so.
    assert re.search(
        r"<h3>Hva er hovedgrunnen til at du slutter\?</h3><p class=\"answer\">Ny jobb</p>", html
    )
    assert (
        '<h3>Hvordan har du opplevd arbeidsmengden?</h3><p class="answer">Høy i perioder.' in html
    )
    assert (
        '<h3>Hva kunne vi ha gjort for å få deg til å bli?</h3><p class="answer no-answer">' in html
    )
    # Special information flagged loudly, and its answer in the HR record.
    assert '<div class="box special" role="note"><p><strong>Særlig informasjon' in html
    assert CANARY in html
    # Ruled areas for notes: under answers and a block at the end.
    assert html.count('class="ruled"') >= 10 + 2 * 10
    assert "<h2>Notater fra samtalen</h2>" in html
    assert (
        "<dt>Hvem kan lese svarene</dt><dd>HR og den som har samtalen med meg: "
        "Personalseksjonen (HR)</dd>"
    ) in html
    # The employer's personnel-file policy (doc 000 here: kept apart).
    assert "<dt>Arkivering</dt><dd>Skal ikke i personalmappen;" in html
    assert f"<dd>{payload.response_id}</dd>" in html


def test_show_html_escapes_every_text(flow: Flow) -> None:
    nasty = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'
    data, payload = seal(flow, "kommune-nb", answers_nb(improvements=nasty, name="<b>Kari</b>"))
    import_files(flow, data)
    html = record(payload)
    assert_self_contained(html)
    assert escape(nasty) in html and "<b>Kari" not in html


def test_show_html_in_swedish_and_declined(flow: Flow) -> None:
    data, payload = seal(
        flow, "sodermalm-sv", {"name": "Sven"}, declined=True, decline_reason="Ingen tid <nu>."
    )
    import_files(flow, data)
    html = record(payload)
    assert '<html lang="sv">' in html and "<h1>Avslutssamtal</h1>" in html
    assert "Tackade nej till avslutssamtal." in html and "Ingen tid &lt;nu&gt;." in html
    assert "<dt>Samtalet hölls av</dt>" in html
    assert_self_contained(html)


def test_show_html_has_no_record_for_statistics_only(flow: Flow) -> None:
    data, payload = seal(flow, "kommune-nb", answers_nb(), readers="statistics")
    import_files(flow, data)
    result = run("show", payload.response_id[:8], "--format", "html", "--out", "x.html")
    assert result.exit_code == 1 and "anonymous statistics only" in result.output
    assert not (flow.root / "x.html").exists()


def test_show_html_record_follows_the_personnel_file_policy(flow: Flow) -> None:
    flow.employer_rules("policies:\n  personnel_file: true\n")
    data, payload = seal(flow, "kommune-nb", answers_nb())
    import_files(flow, data)
    assert "<dt>Arkivering</dt><dd>Arkiveres i personalmappen" in record(payload)


def test_show_html_out_writes_a_private_file(flow: Flow) -> None:
    data, payload = seal(flow, "kommune-nb", answers_nb())
    import_files(flow, data)
    result = run("show", payload.response_id, "--format", "html", "--out", "samtale.html")
    assert (result.exit_code, result.output) == (0, "Wrote samtale.html\n")
    path = flow.root / "samtale.html"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert "Kari Nordmann" in path.read_text(encoding="utf-8")
    assert not list(flow.root.glob(".samtale.html.*"))  # no temporary file left


# --------------------------------------------------------------------------- the leader's copy


def test_show_html_for_interviewer_when_allowed_leaves_out_special_information(
    flow: Flow,
) -> None:
    data, payload = seal(
        flow,
        "kommune-nb",
        answers_nb(special_report=CANARY, talk_holder="other_leader"),
        readers="hr_and_interviewer",
    )
    import_files(flow, data)
    html = record(payload, "--for-interviewer")
    assert_self_contained(html)
    # Named for the person the employee chose to hold the conversation.
    banner = "Utskrift for En annen leder (for eksempel kommunalsjef), som har samtalen."
    assert banner in html and "Bedre opplæring for nyansatte." in html
    assert CANARY not in html
    assert "Er det noe du vil melde fra om" not in html
    assert "Særlig informasjon" not in html.split(banner)[1].split("</p>")[1]


def test_show_html_for_the_only_interviewer_the_employer_offers(flow: Flow) -> None:
    # Melhus (002): the nearest leader holds every conversation, so the page does not ask.
    flow.employer_rules("policies:\n  interviewers: [nearest_leader]\n")
    assert flow.qset("kommune-nb").by_code("talk.holder") is None
    data, payload = seal(
        flow, "kommune-nb", answers_nb(talk_holder=None), readers="hr_and_interviewer"
    )
    import_files(flow, data)
    assert "Utskrift for Nærmeste leder, som har samtalen." in record(payload, "--for-interviewer")


@pytest.mark.parametrize(("readers", "chose"), [("hr", "HR only")])
def test_show_html_for_interviewer_refuses_without_consent(
    flow: Flow, readers: str, chose: str
) -> None:
    data, payload = seal(flow, "kommune-nb", answers_nb(improvements=CANARY), readers=readers)
    import_files(flow, data)
    out = flow.root / "leder.html"
    result = run(
        "show", payload.response_id[:8], "--format", "html", "--for-interviewer", "--out", str(out)
    )
    assert result.exit_code == 1
    assert result.output == (
        f"Error: response {payload.response_id[:8]} is not for the person who holds the "
        f"conversation: the employee chose {chose!r}; no copy is made\n"
    )
    assert not out.exists()


def test_show_for_leader_needs_html(flow: Flow) -> None:
    data, payload = seal(flow, "sodermalm-sv", answers_sv(), readers="hr_and_interviewer")
    import_files(flow, data)
    result = run("show", payload.response_id[:8], "--for-interviewer")
    assert (result.exit_code, result.output) == (
        1,
        "Error: --for-interviewer makes the printable record; add --format html\n",
    )


def test_show_text_and_json_formats_still_work(flow: Flow) -> None:
    data, payload = seal(flow, "kommune-nb", answers_nb())
    import_files(flow, data)
    text = run("show", payload.response_id[:8], "--format", "text")
    assert text.exit_code == 0 and f"Response     {payload.response_id}" in text.output
    as_json = run("show", payload.response_id[:8], "--format", "json")
    assert as_json.exit_code == 0 and '"response_id": "' in as_json.output
    assert as_json.output == run("show", payload.response_id[:8], "--json").output


def test_show_html_says_nothing_of_the_whistleblowing_channel(flow: Flow) -> None:
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    qset = flow.qset("kommune-nb")
    receiver = keys.public_raw(X25519PrivateKey.generate().public_key())
    payload = pagesim.build_payload(
        qset, answers_nb(special_report=CANARY), sealed_at=datetime(2026, 5, 1, 10, tzinfo=UTC)
    )
    import_files(flow, pagesim.seal_split(payload, qset, flow.public_raw, receiver))
    html = record(payload)
    # HR cannot tell who used the channel (issue 9.2), so its record says nothing of it.
    assert "varsl" not in html.lower() and CANARY not in html
    assert "Særlig informasjon" not in html
