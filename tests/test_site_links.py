"""Invitation links on the answering page (spec/FORMAT.md section 14): the link carries only a
secret; the page binds HR's part to it (the part names the link id, and opens only with the
secret in `info`), tells the employee what the link means for the browser's history, drops
the fragment from the address bar, and keeps the secret in a saved draft. A bad secret means
an unbound answer, marked "not invited". And the whole way through the CLI: invite, answer
from the link in Chromium, import, status says answered, with the invitation's facts.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import TestKey, build_site, served
from playwright.sync_api import Page, expect
from site_support import (
    Filled,
    answer,
    choose_readers,
    download_response,
    latest_sets,
    planned_answer,
    press,
    set_url,
    ui,
)
from workflow_support import import_files, run, status_json

from collector.errors import DecryptError
from collector.formats import envelope, hpke, links
from collector.mkdocs_plugin import i18n
from collector.model.payload import is_visible
from collector.model.questionset import QuestionSet
from testing.fixtures import BASE_URL, Flow, _key_template, isolate_real

pytestmark = pytest.mark.browser

QSET = next(s for s in latest_sets() if s.id == "kommune-nb")
SECRET = bytes(range(32))
SECRET_TEXT = links.secret_text(SECRET)
T = i18n.text(QSET.language)


def open_link(page: Page, link: str) -> None:
    page.goto(link)
    expect(page.locator("[data-sl-progress]")).to_be_visible()


def fill_all(page: Page, qset: QuestionSet) -> Filled:
    filled = Filled({}, {})
    for index, section in enumerate(qset.sections):
        expect(page.locator(f"#sl-section-{index}")).to_be_visible()
        for q in section.questions:
            if not is_visible(q, filled.answers):
                continue
            value = planned_answer(qset, q)
            answer(page, qset, q, value)
            filled.answers[q.id] = value
        press(page, ui(qset)["next"])
    return filled


def finish(page: Page) -> None:
    choose_readers(page, QSET, "hr")
    press(page, ui(QSET)["finish"])


# --------------------------------------------------------------------------- the page


def test_link_binds_the_answers_to_its_secret(
    page: Page, http_site: str, test_key: TestKey
) -> None:
    open_link(page, f"{set_url(http_site, QSET)}#k={SECRET_TEXT}")
    # The fragment leaves the address bar; the page says what the browser still keeps.
    assert page.url == set_url(http_site, QSET) and page.evaluate("location.hash") == ""
    assert page.evaluate("Sluttsamtale.form.state().link") == SECRET_TEXT
    expect(page.locator("[data-sl-link-history]")).to_be_visible()
    expect(page.locator("[data-sl-link-history]")).to_have_text(T["link_history"])
    expect(page.locator("[data-sl-not-invited]")).to_be_hidden()
    fill_all(page, QSET)
    finish(page)
    response = download_response(page, QSET, test_key, SECRET)
    # The payload carries no code and no secret: only the part's link id names the invitation.
    assert b"invitation" not in response.data and SECRET_TEXT.encode() not in response.data
    [part] = envelope.parse(response.data).parts
    assert part.link == links.link_id(SECRET)
    # Without the secret, or with another, the part does not open: the sealer knew S.
    for wrong in (None, secrets.token_bytes(32)):
        with pytest.raises(DecryptError):
            hpke.open_sealed(part.sealed, test_key.private, wrong)


@pytest.mark.parametrize(
    "fragment",
    [
        "#k=too-short",
        f"#k={SECRET_TEXT[:-1]}B",  # spare bits: not exactly 32 bytes
        f"#k={SECRET_TEXT}x",
        f"#token={SECRET_TEXT}",  # version 1's name is no secret
    ],
)
def test_a_bad_secret_gives_an_unbound_answer(
    page: Page, http_site: str, test_key: TestKey, fragment: str
) -> None:
    open_link(page, set_url(http_site, QSET) + fragment)
    assert page.evaluate("Sluttsamtale.form.state().link") is None
    assert page.evaluate("location.hash") == ""
    expect(page.locator("[data-sl-not-invited]")).to_have_text(T["not_invited"])
    expect(page.locator("[data-sl-link-history]")).to_be_hidden()
    fill_all(page, QSET)
    finish(page)
    download_response(page, QSET, test_key, None)


def test_the_first_secret_wins_and_a_plain_anchor_is_left_alone(page: Page, http_site: str) -> None:
    other = links.secret_text(bytes(32))
    open_link(page, f"{set_url(http_site, QSET)}#x=1&k={SECRET_TEXT}&k={other}")
    assert page.evaluate("Sluttsamtale.form.state().link") == SECRET_TEXT
    page.goto("about:blank")  # else only the fragment would change, with no new load
    open_link(page, f"{set_url(http_site, QSET)}#sl-section-0")
    assert page.evaluate("location.hash") == "#sl-section-0"
    assert page.evaluate("Sluttsamtale.form.state().link") is None


def test_a_draft_keeps_the_link(page: Page, http_site: str) -> None:
    t = ui(QSET)
    passphrase = "correct horse battery"
    open_link(page, f"{set_url(http_site, QSET)}#k={SECRET_TEXT}")
    page.get_by_role("button", name=t["save_draft"], exact=True).click()
    panel = page.locator("[data-sl-save-panel]")
    panel.get_by_label(t["passphrase"], exact=True).fill(passphrase)
    panel.get_by_label(t["passphrase_again"]).fill(passphrase)
    press(page, t["save"])
    expect(page.locator("[data-sl-status]")).to_have_text(t["saved"])
    # The draft is sealed: the secret is not readable in storage.
    stored = page.evaluate("JSON.stringify(Object.assign({}, localStorage))")
    assert SECRET_TEXT not in stored

    # Later, from the bare address (the fragment is gone), the draft brings the link back.
    page.goto(set_url(http_site, QSET))
    assert page.evaluate("Sluttsamtale.form.state().link") is None
    restore = page.locator("[data-sl-restore]")
    restore.get_by_label(t["passphrase"]).fill(passphrase)
    press(page, t["restore"])
    expect(page.locator("[data-sl-status]")).to_have_text(t["restored"])
    assert page.evaluate("Sluttsamtale.form.state().link") == SECRET_TEXT
    expect(page.locator("[data-sl-link-history]")).to_be_visible()


# --------------------------------------------------------------------------- through the CLI


@pytest.fixture(scope="module")
def hr_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real site built with the workflow tests' HR key, served on 127.0.0.1."""
    tmp = tmp_path_factory.mktemp("hr-site")
    pem = tmp / "hr-public.pem"
    pem.write_bytes(_key_template()[1])
    out = tmp / "site"
    result = build_site(out, pem)
    assert result.returncode == 0, result.stderr
    with served(out) as base:
        yield base


def test_invite_answer_from_the_link_import_and_status(
    page: Page, hr_site: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    flow: Flow = isolate_real(tmp_path, monkeypatch)
    # The page seals with the browser's clock, so the collector's must be the real one too.
    now = datetime.now(UTC).replace(microsecond=0)
    monkeypatch.setenv("SLUTTSAMTALE_NOW", now.isoformat().replace("+00:00", "Z"))
    last_day = (now - timedelta(days=3)).date().isoformat()
    made = run(
        "invite",
        "--json",
        "--set",
        QSET.id,
        "--name",
        "Kari Nordmann",
        "--last-day",
        last_day,
        "--department",
        "Barnehage Øst",
    )
    assert made.exit_code == 0, made.output
    [entry] = json.loads(made.stdout)
    assert entry["link"].startswith(f"{BASE_URL}/sets/{QSET.id}.html#k=")
    # Invited after the last day: two weeks to answer before the invitation is overdue.
    assert status_json()["invitations"][0]["status"] == "not yet"

    open_link(page, hr_site + entry["link"].removeprefix(BASE_URL))
    fill_all(page, QSET)
    finish(page)
    result = page.locator("[data-sl-result]")
    expect(result.get_by_role("heading", level=2)).to_be_focused()
    with page.expect_download() as info:
        result.get_by_role("link", name=ui(QSET)["download"]).click()
    data = Path(info.value.path()).read_bytes()

    imported = import_files(flow, data)
    assert "not invited" not in imported.output
    [row] = status_json()["invitations"]
    assert (row["name"], row["status"]) == ("Kari Nordmann", "answered")
    [listed] = json.loads(run("list", "--json").stdout)["responses"]
    assert (listed["invited"], listed["invitation"]) == ("invited", entry["code"])
    # The record's header facts are HR's, from the invitation.
    shown = run("show", listed["id"]).output
    assert "Barnehage Øst" in shown and last_day in shown
