"""`sluttsamtale invite`, `status` and `decline`: leavers in, links and e-mails out, answers
matched to their invitation at import, and where each invitation stands."""

from __future__ import annotations

import email
import email.policy
import html
import json
import re
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from workflow_support import (
    answers_nb,
    db_bytes,
    import_files,
    invite,
    invite_one,
    run,
    seal,
    status_json,
)

from collector.formats import links
from collector.model.loading import load_catalog
from collector.render.promises import promises
from collector.store import Store
from testing.fixtures import BASE_URL, CODE, NOW, Flow

# slow: HR's routine, command after command, each unlocking the real key (Argon2id)
pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("flow")]


LEAVERS_CSV = (
    "Ansattnr;Navn;E-post;Stilling;Avdeling;Ansatt dato;Sluttdato;Sett\r\n"
    "1001;Kari Nordmann;kari@example.org;Barnehagelærer;Barnehage Øst;01.08.2019;30.06.2026;"
    "kommune-nb\r\n"
    "1002;Sven Svensson;sven@example.se;Undersköterska;Äldreomsorg;2021-03-01;2026-07-15;"
    "sodermalm-sv\r\n"
)


def write_csv(flow: Flow, text: str, *, bom: bool = True, name: str = "sluttere.csv") -> Path:
    path = flow.root / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def fragment(link: str) -> dict[str, str]:
    """The link's fragment as the page reads it (URLSearchParams would give the same)."""
    return dict(parse_qsl(urlsplit(link).fragment, keep_blank_values=True))


# --------------------------------------------------------------------------- invite from CSV


def read_eml(path: Path, to: str, subject: str) -> str:
    """An invitation as a mail program reads it: an unsent new message to `to`, plain text
    and HTML with the same words, the link a link; returns the plain text."""
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert (message["X-Unsent"], message["To"], message["Subject"]) == ("1", to, subject)
    assert message["From"] is None and message["Date"] is None  # HR's own account sends it
    assert message.get_content_type() == "multipart/alternative"
    plain = message.get_body(("plain",))
    rich = message.get_body(("html",))
    assert plain is not None and rich is not None
    text = plain.get_content().replace("\r\n", "\n")
    page = rich.get_content()
    first = text.split("\n\n")[0]
    assert html.escape(first) in page
    link = next(word for word in text.split() if word.startswith("https://"))
    assert f'<a href="{html.escape(link)}">' in page
    return str(text)


def test_invite_csv_nb_and_sv_writes_links_and_mails(flow: Flow) -> None:
    csv_path = write_csv(flow, LEAVERS_CSV)
    result = run("invite", "--csv", str(csv_path), "--out", "e-post", "--json")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""  # Ansattnr is the employee number, who a person is
    kari, sven = json.loads(result.stdout)
    assert (kari["outcome"], kari["name"], kari["last_day"], kari["set"]) == (
        "invited",
        "Kari Nordmann",
        "2026-06-30",  # 30.06.2026 in the file, read as a Norwegian date
        "kommune-nb",
    )
    assert CODE.fullmatch(kari["code"]) and kari["code"] != sven["code"]

    # The link: the set's page and, after "#", only the link secret (FORMAT.md 14.1): no
    # name, no date, not HR's code.
    link = urlsplit(kari["link"])
    assert f"{link.scheme}://{link.netloc}{link.path}" == f"{BASE_URL}/sets/kommune-nb.html"
    assert not link.query
    assert list(fragment(kari["link"])) == ["k"]
    assert links.read_secret(fragment(kari["link"])["k"]) is not None
    for person in (kari, sven):
        assert person["code"] not in person["link"]
        for fact in ("Nordmann", "Svensson", "2026", "Barnehage", "%"):
            assert fact not in person["link"], fact
    assert fragment(kari["link"])["k"] != fragment(sven["link"])["k"]
    assert urlsplit(sven["link"]).path.endswith("/sets/sodermalm-sv.html")

    # One e-mail per person, named by HR's code (the store keeps the path in clear, so no
    # name goes into it), in the set's language.
    mails = sorted(p.name for p in (flow.root / "e-post").iterdir())
    assert mails == sorted(
        [*(f"invitation-{p['code']}.eml" for p in (kari, sven)), "mailto-2026-05-04.html"]
    )
    assert kari["email_file"] == str(Path("e-post") / f"invitation-{kari['code']}.eml")
    catalog = load_catalog(flow.questionnaires)
    nb = read_eml(flow.root / kari["email_file"], "kari@example.org", "Invitasjon til sluttsamtale")
    assert nb.startswith("Hei Kari")
    for phrase in (
        "Din siste arbeidsdag hos Eksempel kommune (demo) er 30.06.2026.",
        "Samtalen er frivillig.",
        "Du får spørsmålene på forhånd, slik at du kan forberede deg.",
        kari["link"],
        "Lenken er personlig.",
        # Rendered from employer.yml: interviewers, union, who opens, filing, retention.
        "Du velger selv hvem du vil ha samtalen med: din nærmeste leder, en annen leder eller HR.",
        "Du kan ta med en tillitsvalgt til samtalen.",
        " ".join(catalog.employer.privacy["nb"].recipients.split()),
        "Ingenting leselig sendes fra enheten din. Bare HR kan åpne svarene.",
        "Svarene dine lagres ikke i personalmappen din",
        "senest 12 måneder etter at HR tok imot dem.",
        "Send svarfilen til hr@eksempel-kommune.example.",
    ):
        assert phrase in nb, phrase
    sv = read_eml(flow.root / sven["email_file"], "sven@example.se", "Inbjudan till avslutssamtal")
    assert sv.startswith("Hej Sven")
    for phrase in (
        "2026-07-15",
        "Samtalet är frivilligt.",
        "Du får frågorna i förväg så att du kan förbereda dig.",
        sven["link"],
        "facklig företrädare",
        "tacka nej till samtalet",
        " ".join(catalog.employer.privacy["sv"].recipients.split()),
        "Svaren förseglas (krypteras) i din webbläsare",
        "Bara HR kan öppna svaren.",
    ):
        assert phrase in sv, phrase

    rows = status_json()["invitations"]
    assert [(r["name"], r["status"], r["department"]) for r in rows] == [
        ("Kari Nordmann", "not yet", "Barnehage Øst"),
        ("Sven Svensson", "not yet", "Äldreomsorg"),
    ]


@pytest.mark.parametrize(
    ("delimiter", "bom"), [(",", False), (",", True), (";", False), ("\t", True)]
)
def test_invite_csv_delimiters_and_bom(flow: Flow, delimiter: str, bom: bool) -> None:
    text = f"name{delimiter}last_day{delimiter}department\n" + (
        f'"Nordmann, Kari"{delimiter}2026-06-30{delimiter}IT\n'
        if delimiter == ","
        else f"Nordmann, Kari{delimiter}2026-06-30{delimiter}IT\n"
    )
    result = run("invite", "--csv", str(write_csv(flow, text, bom=bom)), "--set", "kommune-nb")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "1 invited, 0 already invited"
    [row] = status_json()["invitations"]
    assert (row["name"], row["department"]) == ("Nordmann, Kari", "IT")


def test_invite_csv_swedish_headings(flow: Flow) -> None:
    text = "Namn;Befattning;Avdelning;Anställd t.o.m.\nSven Svensson;Kock;Kök;2026-08-31\n"
    result = run("invite", "--csv", str(write_csv(flow, text)), "--set", "sodermalm-sv")
    assert result.exit_code == 0, result.output
    [row] = status_json()["invitations"]
    assert (row["name"], row["department"], row["last_day"]) == (
        "Sven Svensson",
        "Kök",
        "2026-08-31",
    )


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        (
            "Per Hansen;per@example.org;31.02.2026",
            "row 3: sluttdato '31.02.2026' is not a date; write 2026-06-30 or 30.06.2026",
        ),
        (";per@example.org;2026-06-30", "row 3: the name is empty"),
        (
            "Per Hansen;per(at)example.org;2026-06-30",
            "row 3: 'per(at)example.org' is not an e-mail address",
        ),
        ("Per Hansen;per@example.org", "row 3: has 2 fields, but the headings have 3"),
        ("Per Hansen;per@example.org;", "row 3: the last working day (sluttdato) is empty"),
        ("Kari Nordmann;kari@example.org;2026-06-30", "row 3: the same person as row 2"),
    ],
)
def test_invite_csv_bad_row_stores_nothing(flow: Flow, row: str, problem: str) -> None:
    text = f"navn;e-post;sluttdato\nKari Nordmann;kari@example.org;2026-06-30\n{row}\n"
    path = write_csv(flow, text)
    result = run("invite", "--csv", str(path), "--set", "kommune-nb", "--out", "mails")
    assert result.exit_code == 1
    # One bad row is said as many are: the row, then that nothing was written and why.
    assert result.output == (
        f"bad      {problem}\n"
        f"Error: {path}: 1 row cannot be used, so nothing was written; fix it, or give "
        "--skip-bad to invite the other rows\n"
    )
    assert not (flow.root / "mails").exists()
    assert not flow.db.exists() or status_json()["invitations"] == []


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (
            "navn;sluttdato\nSøren;2026-06-30\n".encode("latin-1"),
            'is not UTF-8 text; in Excel, save it as "CSV UTF-8"',
        ),
        (b"Navn;Stilling\nKari;Kokk\n", "row 1: no 'last_day' column"),
        (b"", "is empty"),
        (b"navn;sluttdato\n", "has headings but no leavers"),
        # Found by fuzz/targets/leavers.py: the csv module's own error escaped.
        (
            b"navn;sluttdato\n" + b"x" * 131_073 + b";2026-06-30\n",
            "row 2: cannot be read as CSV (field larger than field limit (131072))",
        ),
    ],
)
def test_invite_csv_bad_file(flow: Flow, content: bytes, problem: str) -> None:
    path = flow.root / "bad.csv"
    path.write_bytes(content)
    result = run("invite", "--csv", str(path), "--set", "kommune-nb")
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {path}: {problem}")
    assert len(result.output.splitlines()) == 1


def test_invite_csv_unknown_set(flow: Flow) -> None:
    path = write_csv(flow, "navn;sluttdato;sett\nKari;2026-06-30;kommune-xx\n")
    result = run("invite", "--csv", str(path))
    assert result.exit_code == 1
    assert result.output.startswith("bad      row 2: no question set 'kommune-xx'; the sets")
    assert f"Error: {path}: 1 row cannot be used, so nothing was written" in result.output


# --------------------------------------------------------------------------- one person


@pytest.mark.parametrize(
    ("set_id", "last_day", "sentence"),
    [
        ("kommune-en", "2026-06-30", "Your last day of work at {employer} is 30 June 2026."),
        ("kommune-en", "2026-04-30", "Your last day of work at {employer} was 30 April 2026."),
        ("kommune-nb", "2026-04-30", "Din siste arbeidsdag hos {employer} var 30.04.2026."),
        ("sodermalm-sv", "2026-04-30", "Din sista arbetsdag hos {employer} var 2026-04-30."),
    ],
)
def test_the_mail_says_a_last_day_already_past_as_past(
    flow: Flow, set_id: str, last_day: str, sentence: str
) -> None:
    # HR invites on 2026-05-04 (SLUTTSAMTALE_NOW): a last day before it "was", not "is".
    result = run("invite", "--set", set_id, "--name", "Jane Doe", "--last-day", last_day)
    assert result.exit_code == 0, result.output
    employer = load_catalog(flow.questionnaires).employer.name
    assert sentence.format(employer=employer) in " ".join(result.output.split())


def test_invite_one_person_prints_link_and_mail_in_english(flow: Flow) -> None:
    result = run(
        "invite",
        "--set",
        "kommune-en",
        "--name",
        "Jane Doe",
        "--last-day",
        "2026-06-30",
        "--department",
        "Roads & Parks",
    )
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("Note: invitation: no e-mail address for Jane Doe")
    first, blank, *mail = result.stdout.splitlines()
    link = first.split()[-1]
    assert first.startswith("invited         Jane Doe  last day 2026-06-30  https://")
    assert list(fragment(link)) == ["k"] and "Roads" not in link
    assert blank == "" and mail[0] == "Subject: Invitation to an exit interview"
    text = "\n".join(mail)
    assert "Dear Jane Doe," in text and "30 June 2026" in text and link in text
    assert "The conversation is voluntary." in text and "union representative" in text
    assert result.output.splitlines()[-1] == "1 invited, 0 already invited"


def test_invite_same_person_twice_is_invited_once(flow: Flow) -> None:
    token = invite_one("Kari Nordmann", "2026-06-30")
    again = run(
        "invite",
        "--json",
        "--set",
        "kommune-nb",
        "--name",
        "kari nordmann",
        "--last-day",
        "2026-06-30",
        "--out",
        "mails",
    )
    assert again.exit_code == 0, again.output
    [made] = json.loads(again.stdout)
    assert (made["outcome"], made["code"], made["email_file"]) == ("already invited", token, None)
    assert len(status_json()["invitations"]) == 1


def test_invite_mail_follows_the_employers_policies(flow: Flow) -> None:
    # Melhus (doc 002): only the nearest leader; no union representative; a record filed in
    # the personnel file (doc 001); 6 months. The e-mail says exactly that.
    flow.employer_rules(
        "retention_months: 6\n"
        "policies:\n  personnel_file: true\n  union_representative: false\n"
        "  interviewers: [nearest_leader]\n"
    )
    result = run("invite", "--set", "kommune-nb", "--name", "Kari", "--last-day", "2026-06-30")
    assert result.exit_code == 0, result.output
    for phrase in (
        "Samtalen holdes av din nærmeste leder.",
        "arbeidsgiveren tilbyr ikke at en tillitsvalgt er med",
        "Referatet fra samtalen arkiveres i personalmappen din",
        "senest 6 måneder etter at HR tok imot dem",
        # job-analysis quotes this choice to the manager who writes the next posting.
        promises(load_catalog(flow.questionnaires).employer, "nb", receiver=False).posting,
    ):
        assert phrase in result.output, phrase
    for phrase in ("Du velger selv", "Du kan ta med en tillitsvalgt", "12 måneder"):
        assert phrase not in result.output, phrase


def no_invitations(flow: Flow) -> bool:
    with Store.open(flow.db, create=False) as store:
        return store.invitations() == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--base-url", "http://hr.example.org"], "the site's address must start with https://"),
        (["--base-url", "https://hr.example.org/sets/kommune-nb.html"], "give the site's base"),
        (["--set", "nope"], "invitation: no question set 'nope'"),
        (["--last-day", "30/06/2026"], "invitation: last_day '30/06/2026' is not a date"),
        (["--csv", "x.csv"], "give either --csv or one person's details, not both"),
    ],
)
def test_invite_refuses_bad_options(flow: Flow, args: list[str], message: str) -> None:
    base = {"--set": "kommune-nb", "--name": "Kari", "--last-day": "2026-06-30"}
    for option, value in zip(args[::2], args[1::2], strict=True):
        base[option] = value
    result = run("invite", *[x for pair in base.items() for x in pair])
    assert result.exit_code == 1
    assert message in result.output and len(result.output.splitlines()) == 1
    assert no_invitations(flow)


def test_invite_without_site_address(flow: Flow) -> None:
    result = run(
        "invite",
        "--set",
        "kommune-nb",
        "--name",
        "Kari",
        "--last-day",
        "2026-06-30",
        env={"SLUTTSAMTALE_BASE_URL": ""},
    )
    assert result.exit_code == 1
    assert result.output.startswith("Error: no site address; give the answering site's address")


def test_invite_link_on_file_and_localhost(flow: Flow) -> None:
    for base in ("file:///srv/site/", "http://127.0.0.1:8000"):
        result = run(
            "invite",
            "--json",
            "--set",
            "kommune-nb",
            "--name",
            base,
            "--last-day",
            "2026-06-30",
            "--base-url",
            base,
        )
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)[0]["link"].startswith(
            base.rstrip("/") + "/sets/kommune-nb.html#k="
        )


# --------------------------------------------------------------------------- matching at import


def test_import_matches_answers_to_their_invitation(flow: Flow) -> None:
    kari = invite("Kari Nordmann", "2026-04-30", department="Barnehage Øst")
    answered, p_answered = seal(flow, "kommune-nb", answers_nb(name=None), link=kari.secret)
    stray, p_stray = seal(flow, "kommune-nb", answers_nb(name="Ukjent"))
    forged, _ = seal(flow, "kommune-nb", answers_nb(), link=bytes(32))
    result = import_files(flow, answered, stray, forged, expect=1)
    lines = result.output.splitlines()
    assert lines[0].endswith(f"receipt {lines[0].split()[-1]}")  # invited: no flag
    assert lines[1].endswith("(not invited)")
    # A link HR never made opens nothing: the part is bound to a secret this store lacks.
    assert lines[2].endswith(
        "no key: the file is sealed with the link of an invitation this store does not hold"
    )
    [row] = status_json()["invitations"]
    # Received, by the collector's clock, not the sender's sealed_at (FORMAT.md 15).
    assert (row["status"], row["since"]) == ("answered", "2026-05-04")
    listed = run("list").output
    stray_row = next(x for x in listed.splitlines() if x.startswith(p_stray.response_id[:8]))
    kari_row = next(x for x in listed.splitlines() if x.startswith(p_answered.response_id[:8]))
    assert stray_row.endswith("not invited") and "invited" not in kari_row
    # The name comes from HR's invitation, not from the page (which was not asked).
    assert "Kari Nordmann" in kari_row
    entries = {e["id"]: e for e in json.loads(run("list", "--json").stdout)["responses"]}
    assert entries[p_answered.response_id]["invited"] == "invited"
    assert entries[p_answered.response_id]["invitation"] == kari.code
    assert entries[p_stray.response_id]["invited"] == "not invited"


def test_status_orders_overdue_first_then_by_last_day(
    flow: Flow, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The clock stands at 2026-05-04; Anne and Bo were invited in March, before their last day.
    monkeypatch.setenv("SLUTTSAMTALE_NOW", "2026-03-02T09:00:00Z")
    late = invite_one("Anne Overdue", "2026-04-20")
    later = invite_one("Bo Overdue", "2026-03-31")
    monkeypatch.setenv("SLUTTSAMTALE_NOW", NOW)
    answered = invite("Cecilie Answered", "2026-04-01")
    declined = invite("Dag Declined", "2026-06-01")
    invite_one("Eva Waiting", "2026-05-20")
    invite_one("Finn Waiting", "2026-05-10")
    a, _ = seal(flow, "kommune-nb", answers_nb(), link=answered.secret)
    d, _ = seal(flow, "kommune-nb", {}, declined=True, link=declined.secret)
    import_files(flow, a, d)
    rows = status_json()["invitations"]
    assert [(r["name"], r["status"]) for r in rows] == [
        ("Bo Overdue", "overdue"),
        ("Anne Overdue", "overdue"),
        ("Cecilie Answered", "answered"),
        ("Finn Waiting", "not yet"),
        ("Eva Waiting", "not yet"),
        ("Dag Declined", "declined"),
    ]
    table = run("status")
    assert table.exit_code == 0, table.output
    lines = table.output.splitlines()
    assert lines[0].split() == ["STATUS", "LAST", "DAY", "NAME", "DEPARTMENT", "SET", "CODE"]
    assert lines[1].startswith("overdue") and "Bo Overdue" in lines[1]
    assert later[:8] in lines[1] and late[:8] in lines[2]
    assert "6 invitations: 2 overdue, 2 not yet, 1 answered, 1 declined" in table.output
    assert "No follow-up of special information is open." in table.output


@pytest.mark.parametrize(
    ("today", "expected"),
    [("2026-05-04", "not yet"), ("2026-05-18", "not yet"), ("2026-05-19", "overdue")],
)
def test_one_invited_after_the_last_day_has_two_weeks(
    flow: Flow, monkeypatch: pytest.MonkeyPatch, today: str, expected: str
) -> None:
    """The walk-through: invited on 4 May for a last day of 20 April, Anne was overdue the
    moment she was invited. She has two weeks from the invitation instead."""
    invite_one("Anne Late", "2026-04-20")
    monkeypatch.setenv("SLUTTSAMTALE_NOW", f"{today}T09:00:00Z")
    [row] = status_json()["invitations"]
    assert row["status"] == expected


def test_status_without_invitations(flow: Flow) -> None:
    data, _ = seal(flow, "kommune-nb", answers_nb())
    import_files(flow, data)
    result = run("status")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("No invitations yet (sluttsamtale invite).\n")


# --------------------------------------------------------------------------- decline


def test_decline_recorded_by_hr(flow: Flow) -> None:
    token = invite_one("Kari Nordmann", "2026-06-30", email="kari.canary@example.org")
    reason = "Ringte og sa at hun ikke ønsket samtale; REASON-CANARY-55"
    result = run("decline", "kari nordmann", "--reason", reason, "--on", "2026-05-02")
    assert result.exit_code == 0, result.output
    assert result.output == "Recorded: Kari Nordmann declined the exit interview (2026-05-02).\n"
    [row] = status_json()["invitations"]
    assert (row["status"], row["since"], row["code"]) == ("declined", "2026-05-02", token)
    # The invitation is sealed to HR's key like the answers: its name, e-mail and reason.
    for canary in (b"REASON-CANARY-55", b"Kari", b"Nordmann", b"kari.canary"):
        assert canary not in db_bytes(flow.db), canary
    # ... and HR can read the reason back, with the key.
    shown = run("status", token[:8])
    assert shown.exit_code == 0, shown.output
    assert "Kari Nordmann" in shown.output and "declined 2026-05-02" in shown.output
    assert "REASON-CANARY-55" in shown.output
    without_key = run("status", token[:8], env={"SLUTTSAMTALE_KEY": ""})
    assert without_key.exit_code == 1 and "REASON-CANARY-55" not in without_key.output
    assert without_key.output.startswith("Error: no key given;")


def test_decline_by_code_prefix(flow: Flow) -> None:
    token = invite_one("Kari Nordmann", "2026-06-30")
    result = run("decline", token[:6])
    assert result.exit_code == 0, result.output
    assert status_json()["invitations"][0]["status"] == "declined"
    # Where each invitation stands is sealed too, so every command that shows it needs the key.
    without_key = run("decline", token[:6], env={"SLUTTSAMTALE_KEY": ""})
    assert without_key.exit_code == 1 and without_key.output.startswith("Error: no key given;")


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("Ola", "Error: no invitation has the code or name 'Ola'\n"),
        (
            "Kari Nordmann",
            "Error: 2 invitations match 'Kari Nordmann'; give the code that "
            "`sluttsamtale status` shows\n",
        ),
    ],
)
def test_decline_unknown_or_ambiguous(flow: Flow, who: str, message: str) -> None:
    invite_one("Kari Nordmann", "2026-06-30")
    invite_one("Kari Nordmann", "2026-09-30")
    result = run("decline", who)
    assert (result.exit_code, result.output) == (1, message)


def test_decline_after_an_answer_is_refused(flow: Flow) -> None:
    kari = invite("Kari Nordmann", "2026-06-30")
    data, _ = seal(flow, "kommune-nb", answers_nb(), link=kari.secret)
    import_files(flow, data)
    result = run("decline", kari.code)
    assert result.exit_code == 1
    assert result.output == (
        "Error: Kari Nordmann has already answered (2026-05-04); no decline was recorded\n"
    )


def test_decline_date_in_the_future(flow: Flow) -> None:
    invite_one("Kari Nordmann", "2026-06-30")
    result = run("decline", "Kari Nordmann", "--on", "2026-05-05")
    assert (result.exit_code, result.output) == (1, "Error: --on: 2026-05-05 lies in the future\n")


def test_link_secret_is_what_the_page_reads(flow: Flow) -> None:
    kari = invite("Kari Nordmann", "2026-06-30")
    text = kari.link.split("#k=", 1)[1]
    # 43 characters of base64url, 32 bytes: the page's SECRET pattern (form-state.js).
    assert re.fullmatch(r"[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]", text)
    assert links.secret_text(kari.secret) == text and len(kari.secret) == 32
    data, _ = seal(
        flow,
        "kommune-nb",
        answers_nb(),
        link=kari.secret,
        sealed_at=datetime(2026, 5, 3, tzinfo=UTC),
    )
    import_files(flow, data)


def test_invite_out_that_cannot_be_made_stores_nothing(flow: Flow) -> None:
    (flow.root / "file").write_text("not a folder")
    result = run(
        "invite",
        "--set",
        "kommune-nb",
        "--name",
        "Kari",
        "--last-day",
        "2026-06-30",
        "--out",
        "file/mails",
    )
    assert (result.exit_code, result.output) == (
        1,
        "Error: file/mails: cannot be created (Not a directory)\n",
    )
    assert no_invitations(flow)


def test_codes_never_start_with_a_character_the_shell_reads_as_an_option() -> None:
    from collector.routine.invitations import new_code

    assert all(new_code()[0].isalnum() for _ in range(2000))


def _site(flow: Flow, key_id: str) -> str:
    """A site folder (its manifest only) as `sluttsamtale build` leaves it; its digest."""
    from collector.website import manifest

    folder = flow.root / "build" / "site"
    folder.mkdir(parents=True)
    (folder / "index.html").write_text("<!doctype html>")
    built = manifest.make(
        folder,
        app_version="test",
        csp="default-src 'none'",
        key_id=key_id,
        whistleblowing_key_id=None,
        question_sets={"kommune-nb": 1},
    )
    return manifest.grouped(manifest.write(folder, built))


def test_invitation_mail_names_the_fingerprint_and_the_site_digest(flow: Flow) -> None:
    from collector.formats import keys

    hr_fingerprint = keys.fingerprint(keys.key_id(flow.public_raw))
    args = ("invite", "--set", "kommune-nb", "--name", "Kari", "--last-day", "2026-06-30")
    without = run(*args)
    assert without.exit_code == 0, without.output
    assert f"Det skal være {hr_fingerprint};" in without.output
    assert "kontrollsum" not in without.output  # no build at hand: no digest promised
    digest = _site(flow, keys.key_id(flow.public_raw))
    made = run(*args[:4], "Per", *args[5:])
    assert made.exit_code == 0, made.output
    assert f"Det skal være {hr_fingerprint};" in made.output
    assert f"Sidens kontrollsum er {digest};" in made.output


def test_invite_refuses_a_site_built_for_another_key(flow: Flow) -> None:
    _site(flow, "0" * 32)
    result = run("invite", "--set", "kommune-nb", "--name", "Kari", "--last-day", "2026-06-30")
    assert result.exit_code == 1
    assert "the site was built for key 0000 0000" in result.output
    assert result.output.count("\n") == 1


def test_one_person_is_told_about_as_a_row_would_be(flow: Flow) -> None:
    """No --email: the mail has no To; a last day already past: invited all the same. Both
    said, as for a row of a leavers file (the walk-through found one person told nothing)."""
    result = run("invite", "--set", "kommune-nb", "--name", "Kari", "--last-day", "2026-04-30")
    assert result.exit_code == 0, result.output
    assert (
        "Note: invitation: the last working day 2026-04-30 has passed; invited all the same"
        in result.stderr
    )
    assert "Note: invitation: no e-mail address for Kari; fill in the recipient" in result.stderr
    addressed = run(
        "invite", "--set", "kommune-nb", "--name", "Ola", "--last-day", "2026-06-30",
        "--email", "ola@example.org",
    )  # fmt: skip
    assert addressed.exit_code == 0, addressed.output
    assert "Note:" not in addressed.stderr
