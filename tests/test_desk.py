"""HR's desk through its real guard and application (TestClient): the whole routine, and
every request the guard must refuse."""

from __future__ import annotations

import base64
import html
import io
import os
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
        assert r.status_code == 303 and r.headers["location"].startswith("/unlock")
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
        href = done.text.split('href="/leavers/download/')[1].split('"')[0]
        zipped = c.get(f"/leavers/download/{href}")
        assert zipped.headers["content-type"] == "application/zip"
        with zipfile.ZipFile(io.BytesIO(zipped.content)) as z:
            emls = [n for n in z.namelist() if n.endswith(".eml")]
            assert len(emls) == 2
            links = [links_in_eml(z.read(n))[0] for n in emls]

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
        assert r.status_code == 303
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


def test_the_start_address_works_once_and_sets_a_strict_cookie(desk) -> None:  # type: ignore[no-untyped-def]
    with client(desk, start=False) as c:
        r = c.get(f"/start?token={desk.access.start_token}", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/"
        cookie = r.headers["set-cookie"]
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
        assert r.status_code == 303 and r.headers["location"] == "/"


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
