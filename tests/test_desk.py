"""HR's desk through its real guard and application (TestClient): the whole routine, and
every request the guard must refuse."""

from __future__ import annotations

import base64
import io
import zipfile
from datetime import UTC, datetime

import pytest

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


def test_the_whole_routine(desk, flow: Flow) -> None:  # type: ignore[no-untyped-def]
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
