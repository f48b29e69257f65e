"""HR's desk through its real guard and application (TestClient): the whole routine, and
every request the guard must refuse."""

from __future__ import annotations

import base64
import html
import io
import os
import re
import tempfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from starlette.routing import Route

from collector.cli import main
from collector.desk.access import MAX_BODY
from collector.desk.app import ROUTES
from collector.model.loading import load_catalog
from collector.store import Store
from testing import pagesim
from testing.desk import client, csrf_of, links_in_eml, make_desk, secret_of
from testing.fixtures import PASSPHRASE, Flow

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("flow")]

SEALED = datetime(2026, 5, 3, 12, 0, tzinfo=UTC)
LEAVERS = (
    "Ansattnummer;Fornavn;Etternavn;E-post;Avdeling;Sluttdato;Sett\r\n"
    "1001;Kari;Nordmann;kari@example.org;Barnehage Øst;30.06.2026;kommune-nb\r\n"
    "1002;Ola;Hansen;ola@example.org;Teknisk;15.07.2026;kommune-nb\r\n"
)


@pytest.fixture
def desk(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.delenv("SLUTTSAMTALE_PASSPHRASE")
    return make_desk()


def unlock(c, desk) -> None:  # type: ignore[no-untyped-def]
    page = c.get("/unlock").text
    r = c.post(
        "/unlock",
        data={"csrf": csrf_of(page), "passphrase-0": PASSPHRASE, "minutes": "30", "next": "/"},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text


def files_under(*folders: Path) -> set[Path]:
    return {p for folder in folders for p in folder.rglob("*") if p.is_file()}


def test_the_whole_routine(desk, flow: Flow, tmp_path_factory, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    own_home = Path(os.environ["HOME"])
    own_tmp = tmp_path_factory.mktemp("tmpdir")
    monkeypatch.setenv("TMPDIR", str(own_tmp))
    monkeypatch.setattr(tempfile, "tempdir", str(own_tmp))
    before = files_under(flow.root, own_home, own_tmp)
    with client(desk) as c:
        home = c.get("/")
        assert home.status_code == 200
        assert "locked" in home.text
        r = c.get("/status", follow_redirects=False)
        assert r.status_code == 303
        assert r.headers["location"].startswith(f"{desk.access.root}/unlock")
        unlock(c, desk)
        token = csrf_of(c.get("/leavers").text)
        checked = c.post(
            "/leavers/check",
            data={"csrf": token, "set": ""},
            files={"file": ("sluttere.csv", LEAVERS.encode(), "text/csv")},
        )
        assert checked.status_code == 200, checked.text
        assert "Kari Nordmann" in checked.text and "Ola Hansen" in checked.text
        ticket = checked.text.split('name="ticket" value="')[1].split('"')[0]
        done = c.post("/leavers/invite", data={"csrf": token, "ticket": ticket})
        assert done.status_code == 200, done.text
        href = done.text.split("/download/")[1].split('"')[0]
        zipped = c.get(f"/download/{href}")
        assert zipped.headers["content-type"] == "application/zip"
        with zipfile.ZipFile(io.BytesIO(zipped.content)) as z:
            emls = [n for n in z.namelist() if n.endswith(".eml")]
            assert len(emls) == 2
            links = [links_in_eml(z.read(n))[0] for n in emls]
            # What the page's hint promises: a new, unsent message to Outlook.
            assert all(b"X-Unsent: 1\r\n" in z.read(n) for n in emls)

        qset = next(q for q in load_catalog(flow.questionnaires).latest() if q.id == "kommune-nb")
        secret = base64.urlsafe_b64decode(secret_of(links[0]) + "=")
        payload = pagesim.build_payload(qset, {"reason": "pay"}, sealed_at=SEALED)
        sealed = pagesim.seal_payload(payload, flow.public_raw, secret)
        imported = c.post(
            "/inbox",
            data={"csrf": token},
            files=[("files", ("svar.json", sealed, "application/json"))],
        )
        assert imported.status_code == 200, imported.text
        assert "svar.json" in imported.text
        status = c.get("/status")
        assert status.status_code == 200, status.text
        listed = c.get("/responses")
        assert payload.response_id[:8] in listed.text
        shown = c.get(f"/responses/{payload.response_id}")
        assert shown.status_code == 200, shown.text
        printed = c.get(f"/responses/{payload.response_id}/print")
        assert "sandbox" in printed.headers["content-security-policy"]
        report = c.get("/documents/report?language=nb")
        assert report.status_code in (200, 400), report.text
        retention = c.get("/retention")
        assert retention.status_code == 200
    # The footer's promise: the desk wrote nothing to disk but the store itself.
    after = files_under(flow.root, own_home, own_tmp)
    store = {Path(f"{flow.db}{suffix}") for suffix in ("", "-wal", "-shm", "-journal")}
    # matplotlib's font list (the report's charts) is a cache of the system's fonts.
    fonts = {p for p in after if "matplotlib" in p.parts}
    assert after - before <= store | fonts, sorted(after - before - store - fonts)


def test_refused_without_session_host_or_csrf(desk) -> None:  # type: ignore[no-untyped-def]
    with client(desk, start=False) as c:
        assert c.get("/").status_code == 403
        assert c.get("/", headers={"host": "evil.example:80"}).status_code == 421
        r = c.get(f"/start?token={desk.access.start_token}", follow_redirects=False)
        assert r.status_code == 200
        assert c.get("/").status_code == 200
        again = c.get(f"/start?token={desk.access.start_token}", follow_redirects=False)
        assert again.status_code == 403
        r = c.post("/inbox", data={"pasted": "x"})
        assert r.status_code == 403


# --------------------------------------------------------------------------- the guard

POSTS = [
    r.path.replace("{id}", "0" * 32).replace("{code}", "x").replace("{ticket}", "t")
    for r in ROUTES
    if isinstance(r, Route) and r.methods and "POST" in r.methods
]


def test_every_state_changing_route_needs_the_csrf_token(desk) -> None:  # type: ignore[no-untyped-def]
    assert len(POSTS) >= 10  # every form of the desk
    with client(desk) as c:
        for path in POSTS:
            for data in ({}, {"csrf": "not-the-token"}):
                r = c.post(path, data=data)
                assert r.status_code == 403, (path, r.status_code, r.text[:200])
                assert desk.words.sections["desk"]["refused_csrf"] in html.unescape(r.text)


def test_a_foreign_page_cannot_post_even_with_the_cookie(desk) -> None:  # type: ignore[no-untyped-def]
    with client(desk) as c:
        token = csrf_of(c.get("/inbox").text)
        for headers in (
            {"origin": "http://evil.example"},
            {"origin": "null"},
            {"sec-fetch-site": "cross-site"},
            {"sec-fetch-site": "same-site"},
        ):
            r = c.post("/inbox", data={"csrf": token, "pasted": "x"}, headers=headers)
            assert r.status_code == 403, headers
            assert desk.words.sections["desk"]["refused_origin"] in html.unescape(r.text)


def test_dns_rebinding_and_a_missing_session_are_refused(desk) -> None:  # type: ignore[no-untyped-def]
    with client(desk) as c:
        for host in ("evil.example", "127.0.0.1.evil.example", "127.0.0.1", "localhost:1"):
            assert c.get("/", headers={"host": host}).status_code == 421, host
    with client(desk, start=False) as c:
        assert c.get("/").status_code == 403
        assert c.get("/static/desk.css").status_code == 403
        assert c.get("/start?token=wrong", follow_redirects=False).status_code == 403
        assert c.get("/", cookies={"sluttsamtale_desk": "guess"}).status_code == 403


def test_the_session_lives_under_the_desks_own_secret_path(desk) -> None:  # type: ignore[no-untyped-def]
    """A cookie for 127.0.0.1 goes to every port; scoped to the desk's secret root, it
    goes to no page elsewhere (the attacker's pass of 2026-12-03)."""
    with client(desk) as c:
        outside = c.get("http://testserver/", follow_redirects=False)
        assert outside.status_code == 404
        assert "sluttsamtale_desk" not in outside.request.headers.get("cookie", "")
        inside = c.get("/")
        assert "sluttsamtale_desk" in inside.request.headers.get("cookie", "")
        assert inside.status_code == 200
        assert f'href="{desk.access.root}/inbox"' in inside.text


def test_the_start_address_works_once_and_sets_a_strict_cookie(desk) -> None:  # type: ignore[no-untyped-def]
    with client(desk, start=False) as c:
        r = c.get(f"/start?token={desk.access.start_token}", follow_redirects=False)
        assert r.status_code == 200
        assert f'content="0;url={desk.access.root}/"' in r.text  # not a redirect: see _start
        cookie = r.headers["set-cookie"]
        assert f"Path={desk.access.root};" in cookie  # no other port's page is sent it
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
        assert desk.access.start_token not in cookie
        again = c.get(f"/start?token={desk.access.start_token}", follow_redirects=False)
        assert again.status_code == 403


def test_every_page_is_never_cached_and_runs_no_script(desk, flow: Flow) -> None:  # type: ignore[no-untyped-def]
    with client(desk) as c:
        unlock(c, desk)
        for path in (
            "/",
            "/unlock",
            "/inbox",
            "/leavers",
            "/status",
            "/responses",
            "/documents",
            "/retention",
            "/static/desk.css",
        ):
            r = c.get(path)
            assert r.status_code == 200, path
            assert r.headers["cache-control"] == "no-store", path
            csp = r.headers["content-security-policy"]
            assert "default-src 'none'" in csp and "script-src" not in csp, path
            assert "frame-ancestors 'none'" in csp
            assert "<script" not in r.text, path
            assert r.headers["x-content-type-options"] == "nosniff"


def test_a_body_over_the_cap_is_refused_before_it_is_read(desk) -> None:  # type: ignore[no-untyped-def]
    with client(desk) as c:
        token = csrf_of(c.get("/inbox").text)
        big = b"x" * (MAX_BODY + 1)
        r = c.post("/inbox", data={"csrf": token}, files={"files": ("a.json", big)})
        assert r.status_code == 413
        assert desk.words.sections["desk"]["too_large"] in html.unescape(r.text)


def test_unlock_goes_back_only_to_a_page_of_the_desk(desk) -> None:  # type: ignore[no-untyped-def]
    with client(desk) as c:
        page = c.get("/unlock?next=//evil.example/").text
        assert 'value="/"' in page and "evil" not in page
        r = c.post(
            "/unlock",
            data={
                "csrf": csrf_of(page),
                "passphrase-0": PASSPHRASE,
                "minutes": "5",
                "next": "https://evil.example/",
            },
            follow_redirects=False,
        )
        assert r.status_code == 303 and r.headers["location"] == f"{desk.access.root}/"


def test_a_wrong_passphrase_is_one_sentence_on_the_page(desk) -> None:  # type: ignore[no-untyped-def]
    with client(desk) as c:
        page = c.get("/unlock").text
        r = c.post(
            "/unlock",
            data={"csrf": csrf_of(page), "passphrase-0": "wrong", "minutes": "5", "next": "/"},
        )
        assert r.status_code == 400
        assert 'role="alert"' in r.text and 'href="#passphrase-0"' in r.text
        assert "Traceback" not in r.text


def test_uploads_stay_in_memory(desk, flow: Flow, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A saved mail names its sender: an upload, even of several MiB, must not be spooled
    to a temporary file (Starlette's default above 1 MiB)."""
    spool = tmp_path / "spool"
    spool.mkdir()
    monkeypatch.setenv("TMPDIR", str(spool))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(spool))
    with client(desk) as c:
        unlock(c, desk)
        token = csrf_of(c.get("/inbox").text)
        mail = b"From: kari@example.org\r\nSubject: svar\r\n\r\n" + b"hei\r\n" * 600_000
        r = c.post("/inbox", data={"csrf": token}, files={"files": ("svar.eml", mail)})
        assert r.status_code == 200
        assert "svar.eml" in r.text
    assert not list(spool.iterdir())


def test_the_desk_shows_what_the_cli_prints(desk, flow: Flow) -> None:  # type: ignore[no-untyped-def]
    """The same library and the same words: the desk's import line is the CLI's."""
    qset = next(q for q in load_catalog(flow.questionnaires).latest() if q.id == "kommune-nb")
    payload = pagesim.build_payload(qset, {"reason": "pay"}, sealed_at=SEALED)
    sealed = pagesim.seal_payload(payload, flow.public_raw)
    with client(desk) as c:
        unlock(c, desk)
        token = csrf_of(c.get("/inbox").text)
        r = c.post("/inbox", data={"csrf": token}, files={"files": ("svar.json", sealed)})
    (flow.root / "svar.json").write_bytes(sealed)
    cli = CliRunner().invoke(
        main, ["import", str(flow.root / "svar.json")], env={"SLUTTSAMTALE_PASSPHRASE": PASSPHRASE}
    )
    cli_line = cli.output.splitlines()[0]
    assert cli_line.startswith("duplicate")
    # The desk said "imported" for the same file, in the same words and receipt.
    receipt = cli_line.split("receipt ")[1].split()[0]
    assert receipt in r.text
    assert html.escape(desk.words.sections["cli"]["imported"]) in r.text


# --------------------------------------------------------------------------- each page's job


def kommune(flow: Flow):  # type: ignore[no-untyped-def]
    return next(q for q in load_catalog(flow.questionnaires).latest() if q.id == "kommune-nb")


def test_unlocked_in_the_desk_is_unlocked_for_the_cli(desk, flow: Flow) -> None:  # type: ignore[no-untyped-def]
    with client(desk) as c:
        unlock(c, desk)
        listed = CliRunner().invoke(main, ["list", "--json"])  # no passphrase anywhere
        assert listed.exit_code == 0, listed.output
        c.post("/lock", data={"csrf": csrf_of(c.get("/unlock").text)})
        assert c.get("/status", follow_redirects=False).status_code == 303


def test_decline_followup_export_and_erasure_from_the_desk(desk, flow: Flow) -> None:  # type: ignore[no-untyped-def]
    qset = kommune(flow)
    answers = [pagesim.build_payload(qset, {"reason": "pay"}, sealed_at=SEALED) for _ in range(5)]
    special = pagesim.build_payload(
        qset, {"reason": "pay", "special_report": "Avvik i turnusen"}, sealed_at=SEALED
    )
    files = [
        (f"svar-{i}.json", pagesim.seal_payload(p, flow.public_raw))
        for i, p in enumerate([*answers, special])
    ]
    with client(desk) as c:
        unlock(c, desk)
        token = csrf_of(c.get("/inbox").text)
        imported = c.post(
            "/inbox", data={"csrf": token, "confirm": "1"}, files=[("files", f) for f in files]
        )
        assert imported.text.count("tag-imported") == 6
        assert f'href="{desk.access.root}/responses/{special.response_id}"' in imported.text

        # The follow-up, step by step, as buttons; an empty assessment is one sentence.
        page = f"/responses/{special.response_id}"
        assert (
            c.post(f"{page}/followup", data={"csrf": token, "step": "assessed"}).status_code == 400
        )
        r = c.post(f"{page}/followup", data={"csrf": token, "step": "acknowledged"})
        assert "done=acknowledged" in str(r.url)
        r = c.post(
            f"{page}/followup",
            data={"csrf": token, "step": "assessed", "assessment": "Sendt verneombudet"},
        )
        assert "Sendt verneombudet" in r.text
        r = c.post(f"{page}/followup", data={"csrf": token, "step": "feedback"})
        assert desk.words.sections["cli"]["case_closed"] in html.unescape(r.text)
        with Store.open(flow.db, create=False) as store:
            case = store.followup(special.response_id)
            assert case is not None and case.feedback_on is not None
            raw = flow.db.read_bytes() + Path(f"{flow.db}-wal").read_bytes()
            assert b"Sendt verneombudet" not in raw  # sealed to HR's key

        # The export: six responses, over the smallest group; the CLI's own file.
        r = c.post("/documents/export", data={"csrf": token, "format": "csv", "language": "nb"})
        assert r.status_code == 200, r.text
        assert r.headers["content-disposition"].startswith("attachment;")
        rows = r.content.decode("utf-8-sig").splitlines()
        assert len(rows) == 1 + 6

        # Erasure: first what would go, then, confirmed, gone.
        short = answers[0].response_id[:8]
        would = c.post("/retention/erase", data={"csrf": token, "response_id": short})
        assert short in would.text and 'name="confirm"' in would.text
        with Store.open(flow.db, create=False) as store:
            assert store.response(answers[0].response_id) is not None
        gone = c.post(
            "/retention/erase", data={"csrf": token, "response_id": short, "confirm": "1"}
        )
        assert gone.status_code == 200
        with Store.open(flow.db, create=False) as store:
            assert store.response(answers[0].response_id) is None


def test_a_decline_by_phone_is_recorded_on_the_invitation(desk, flow: Flow) -> None:  # type: ignore[no-untyped-def]
    with client(desk) as c:
        unlock(c, desk)
        token = csrf_of(c.get("/leavers").text)
        checked = c.post(
            "/leavers/check",
            data={"csrf": token, "set": ""},
            files={"file": ("sluttere.csv", LEAVERS.encode(), "text/csv")},
        )
        ticket = checked.text.split('name="ticket" value="')[1].split('"')[0]
        done = c.post("/leavers/invite", data={"csrf": token, "ticket": ticket})
        code = done.text.split(f'href="{desk.access.root}/status/')[1].split('"')[0]
        bad = c.post(f"/status/{code}/decline", data={"csrf": token, "day": "2099-01-01"})
        assert bad.status_code == 400 and 'href="#day"' in bad.text
        r = c.post(
            f"/status/{code}/decline",
            data={"csrf": token, "day": "2026-05-01", "reason": "Ønsket ikke samtale"},
        )
        assert r.status_code == 200 and "done=declined" in str(r.url)
        assert "Kari" not in str(r.url)  # no name in an address the browser keeps
        detail = c.get(f"/status/{code}").text
        assert "Ønsket ikke samtale" in detail
        assert desk.words.sections["cli"]["state_declined"] in detail


def test_a_leavers_file_with_bad_rows_writes_nothing_and_names_each(desk, flow: Flow) -> None:  # type: ignore[no-untyped-def]
    bad = LEAVERS + "1003;Per;;per@example.org;Teknisk;ikke en dato;kommune-nb\r\n"
    bad += "1004;;;x@example.org;Teknisk;;kommune-nb\r\n"
    with client(desk) as c:
        unlock(c, desk)
        token = csrf_of(c.get("/leavers").text)
        r = c.post(
            "/leavers/check",
            data={"csrf": token},
            files={"file": ("sluttere.csv", bad.encode(), "text/csv")},
        )
        assert r.status_code == 400
        assert "row 4" in r.text and "row 5" in r.text
        with Store.open(flow.db, create=False) as store:
            assert not list(store.invitations())


def test_the_browser_is_opened_without_the_token_on_its_command_line(  # type: ignore[no-untyped-def]
    desk, monkeypatch
) -> None:
    """Other users can read a process's arguments: the browser gets a file of HR's own that
    forwards it to the one-time address, and the file is gone once the address is used."""
    import stat
    import threading
    import time
    import urllib.request

    from collector.desk import server

    opened: list[str] = []
    monkeypatch.setattr(server.webbrowser, "open", lambda url: opened.append(url) or True)
    said: list[str] = []
    thread = threading.Thread(
        target=server.run, args=(desk,), kwargs={"say": said.append}, daemon=True
    )
    thread.start()
    while not opened:
        time.sleep(0.02)
    [url] = opened
    assert desk.access.start_token not in url and url.startswith("file://")
    page = Path(url.removeprefix("file://"))
    assert stat.S_IMODE(page.stat().st_mode) == 0o600
    assert stat.S_IMODE(page.parent.stat().st_mode) == 0o700
    assert desk.access.start_url() in html.unescape(page.read_text())
    import http.cookiejar

    jar = urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    with urllib.request.build_opener(jar).open(desk.access.start_url(), timeout=10) as r:
        assert r.status == 200
    assert not page.parent.exists()
    assert desk.access.start_token in said[0]  # the terminal, HR's own, shows the address


def test_hidden_characters_are_shown_on_the_desk_never_obeyed(desk, flow: Flow) -> None:  # type: ignore[no-untyped-def]
    qset = kommune(flow)
    payload = pagesim.build_payload(
        qset, {"reason": "pay", "improvements": "Bra \u202eelle\u202c takk"}, sealed_at=SEALED
    )
    with client(desk) as c:
        unlock(c, desk)
        token = csrf_of(c.get("/inbox").text)
        files = {"files": ("svar.json", pagesim.seal_payload(payload, flow.public_raw))}
        c.post("/inbox", data={"csrf": token, "confirm": "1"}, files=files)
        shown = c.get(f"/responses/{payload.response_id}").text
        assert "\u202e" not in shown and "U+202E" in shown
        bad = LEAVERS.replace("Ola;Hansen", "Ola\u202e;Hansen")
        r = c.post(
            "/leavers/check",
            data={"csrf": token},
            files={"file": ("sluttere.csv", bad.encode(), "text/csv")},
        )
        assert r.status_code == 400 and "hidden character" in r.text


def test_the_leavers_page_says_at_once_when_the_site_address_is_missing(  # type: ignore[no-untyped-def]
    monkeypatch,
) -> None:
    monkeypatch.delenv("SLUTTSAMTALE_PASSPHRASE")
    monkeypatch.delenv("SLUTTSAMTALE_BASE_URL")
    desk = make_desk()
    with client(desk) as c:
        assert c.get("/leavers").url.path.endswith("/unlock")  # the key first
        unlock(c, desk)
        page = c.get("/leavers")
        assert page.status_code == 200
        assert "no site address" in page.text and "base_url" in page.text


def test_the_sets_are_read_again_when_a_file_changed_and_only_then(
    desk, flow: Flow, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """A page asks for the catalogue more than once; parsing the YAML each time was most of
    a page's time. HR's edit is still on the next page."""
    from collector.model import installation
    from collector.model.loading import question_set_files

    reads = []
    real = installation.catalog_with
    monkeypatch.setattr(
        installation, "catalog_with", lambda *args: reads.append(args) or real(*args)
    )
    with client(desk) as c:
        assert c.get("/leavers").status_code == 200
        assert c.get("/").status_code == 200
        assert len(reads) == 1
        for path in question_set_files(desk.settings.questionnaire_folder(None)):
            text = path.read_text(encoding="utf-8")
            title = re.search(r"^title: .+$", text, re.MULTILINE)
            assert title is not None
            path.write_text(text.replace(title.group(0), "title: Endret tittel", 1), "utf-8")
        assert c.get("/leavers").status_code == 200
        assert len(reads) == 2
        assert {q.title for q in desk.catalog().latest()} == {"Endret tittel"}
        c.get("/leavers")
        assert len(reads) == 2
