"""Invitation links on the answering page (spec/FORMAT.md section 14): the fragment the
collector writes prefills the header questions and puts the invitation code in the sealed
payload; a bad code is ignored; the fragment leaves the address bar; and the whole way
through the CLI: invite, answer from the link in Chromium, import, status says answered.

Links are made by the collector's own builder (collector.invitations.link), so the page is
tested against what HR actually sends.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

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
    wrapper,
)
from workflow_support import import_files, run, status_json

from collector.model.payload import is_visible
from collector.model.questionset import QuestionSet
from collector.routine import invitations
from collector.store import Invitation
from testing.fixtures import BASE_URL, Flow, _key_template, isolate_real

pytestmark = pytest.mark.browser

QSET = next(s for s in latest_sets() if s.id == "kommune-nb")
TOKEN = "q3Xl9hV0bWkR2mPzT8sYcA"
FACTS = {
    "name": "Kari «Nordmann» & Co",
    "position": "Barnehagelærer",
    "workplace": "Solsikken barnehage",
    "department": "Barnehage Øst & Vest",
    "employed_from": "2019-08-01",
    "last_day": "2026-06-30",
}
CONFIG_JS = "JSON.parse(document.getElementById('sluttsamtale-config').textContent)"


def invitation(token: str = TOKEN, **facts: str | None) -> Invitation:
    given = {**FACTS, **facts}
    return Invitation(
        token=token,
        set_id=QSET.id,
        language=QSET.language,
        name=given["name"] or "",
        last_day=given["last_day"] or "",
        invited_at="2026-05-04T09:00:00Z",
        delete_by="2027-06-30",
        position=given["position"],
        workplace=given["workplace"],
        department=given["department"],
        employed_from=given["employed_from"],
    )


def prefilled_questions(qset: QuestionSet) -> dict[str, str]:
    """question id -> the link fact it takes."""
    return {q.id: q.prefill for q in qset.questions() if q.prefill}


def open_link(page: Page, link: str) -> None:
    page.goto(link)
    expect(page.locator("[data-sl-progress]")).to_be_visible()


def field(page: Page, qset: QuestionSet, qid: str):  # type: ignore[no-untyped-def]
    q = next(q for q in qset.questions() if q.id == qid)
    return wrapper(page, q).get_by_label(q.label)


def fill_rest(page: Page, qset: QuestionSet, keep: set[str]) -> Filled:
    """Answer every visible question except those in `keep` (left as prefilled)."""
    filled = Filled({}, {})
    for index, section in enumerate(qset.sections):
        expect(page.locator(f"#sl-section-{index}")).to_be_visible()
        for q in section.questions:
            if q.id in keep or not is_visible(q, filled.answers):
                continue
            value = planned_answer(qset, q)
            answer(page, qset, q, value)
            filled.answers[q.id] = value
        press(page, ui(qset)["next"])
    return filled


def page_payload(page: Page) -> dict[str, Any]:
    """What the page would seal now (payload.build on the live state)."""
    return page.evaluate(
        f"Sluttsamtale.payload.build({CONFIG_JS}, {{...Sluttsamtale.form.state(), readers: 'hr'}})"
    )


# --------------------------------------------------------------------------- the page


@pytest.mark.parametrize("origin", ["http", "file"])
def test_link_prefills_and_the_token_is_sealed(
    page: Page, request: pytest.FixtureRequest, origin: str, test_key: TestKey
) -> None:
    base = request.getfixturevalue(f"{origin}_site")
    link = invitations.link(base, invitation())
    assert "#token=" in link and "%C3%A6" in link  # percent-encoded UTF-8, as HR sends it
    open_link(page, link)

    targets = prefilled_questions(QSET)
    assert set(targets.values()) == set(FACTS)
    for qid, fact in targets.items():
        expect(field(page, QSET, qid)).to_have_value(FACTS[fact])
    # The fragment is gone from the address bar (and so from history and bookmarks).
    assert page.url == set_url(base, QSET)
    assert page.evaluate("location.hash") == ""
    assert page.evaluate("Sluttsamtale.form.state().invitation") == TOKEN

    # The employee may change a prefilled fact.
    field(page, QSET, "department").fill("Barnehage Nord")
    filled = fill_rest(page, QSET, set(targets))
    choose_readers(page, QSET, "hr")
    press(page, ui(QSET)["finish"])
    payload = download_response(page, QSET, test_key).payload
    assert payload.invitation == TOKEN
    expected = {qid: FACTS[fact] for qid, fact in targets.items()}
    expected["department"] = "Barnehage Nord"
    assert {qid: payload.answers[qid] for qid in targets} == expected
    assert {k: v for k, v in payload.answers.items() if k not in targets} == filled.answers


def test_bad_token_and_bad_values_are_ignored(page: Page, http_site: str) -> None:
    fragment = (
        "#name=First%20Name&token=too-short&name=Second&unknown=x&last_day=2026-02-30"
        "&employed_from=2019-08-01&position=" + "x" * 201 + "&department=A+%2B+B"
        "&workplace=Bell%07here"
    )
    open_link(page, set_url(http_site, QSET) + fragment)
    expect(field(page, QSET, "name")).to_have_value("First Name")  # the first one wins
    expect(field(page, QSET, "employed_from")).to_have_value("2019-08-01")
    expect(field(page, QSET, "last_day")).to_have_value("")  # no 30 February
    expect(field(page, QSET, "position")).to_have_value("")  # over 200 characters
    expect(field(page, QSET, "workplace")).to_have_value("")  # a control character
    expect(field(page, QSET, "department")).to_have_value("A + B")  # "+" read as a space
    payload = page_payload(page)
    assert payload["invitation"] is None
    assert payload["answers"] == {
        "name": "First Name",
        "employed_from": "2019-08-01",
        "department": "A + B",
    }
    assert page.evaluate("location.hash") == ""


def test_valid_token_any_order_and_a_plain_anchor(page: Page, http_site: str) -> None:
    token = "A" * 16 + "_-" + "z" * 46  # 64 characters, the longest allowed
    open_link(page, f"{set_url(http_site, QSET)}#department=HR&token={token}&token=other-token")
    assert page_payload(page)["invitation"] == token
    # A fragment that is no list of parameters is left alone and fills nothing.
    page.goto("about:blank")  # else only the fragment would change, with no new load
    open_link(page, f"{set_url(http_site, QSET)}#sl-section-0")
    assert page.evaluate("location.hash") == "#sl-section-0"
    assert page_payload(page)["invitation"] is None
    assert page_payload(page)["answers"] == {}


def test_a_draft_keeps_the_token(page: Page, http_site: str) -> None:
    t = ui(QSET)
    passphrase = "correct horse battery"
    open_link(page, invitations.link(http_site, invitation(name=None)))
    toggle = page.get_by_role("button", name=t["save_draft"], exact=True)
    toggle.click()
    panel = page.locator("[data-sl-save-panel]")
    panel.get_by_label(t["passphrase"], exact=True).fill(passphrase)
    panel.get_by_label(t["passphrase_again"]).fill(passphrase)
    press(page, t["save"])
    expect(page.locator("[data-sl-status]")).to_have_text(t["saved"])

    # Later, from the bare address (the fragment is gone), the draft brings the code back.
    page.goto(set_url(http_site, QSET))
    assert page.evaluate("Sluttsamtale.form.state().invitation") is None
    restore = page.locator("[data-sl-restore]")
    restore.get_by_label(t["passphrase"]).fill(passphrase)
    press(page, t["restore"])
    expect(page.locator("[data-sl-status]")).to_have_text(t["restored"])
    assert page.evaluate("Sluttsamtale.form.state().invitation") == TOKEN
    expect(field(page, QSET, "name")).to_have_value("")
    expect(field(page, QSET, "department")).to_have_value(FACTS["department"])


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
    assert entry["link"].startswith(f"{BASE_URL}/sets/{QSET.id}.html#token=")
    assert status_json()["invitations"][0]["status"] == "overdue"

    open_link(page, hr_site + entry["link"].removeprefix(BASE_URL))
    expect(field(page, QSET, "name")).to_have_value("Kari Nordmann")
    expect(field(page, QSET, "department")).to_have_value("Barnehage Øst")
    fill_rest(page, QSET, {"name", "department", "last_day"})
    choose_readers(page, QSET, "hr")
    press(page, ui(QSET)["finish"])
    result = page.locator("[data-sl-result]")
    expect(result.get_by_role("heading", level=2)).to_be_focused()
    with page.expect_download() as info:
        result.get_by_role("link", name=ui(QSET)["download"]).click()
    data = Path(info.value.path()).read_bytes()

    imported = import_files(flow, data)
    assert "(unknown invitation)" not in imported.output
    [row] = status_json()["invitations"]
    assert (row["name"], row["status"]) == ("Kari Nordmann", "answered")
    [listed] = json.loads(run("list", "--json").stdout)
    assert listed["invitation"] == "matched"
    shown = json.loads(run("show", listed["id"], "--json").stdout)
    assert shown["invitation"] == entry["code"]
    assert shown["answers"]["name"] == "Kari Nordmann"
    assert shown["answers"]["last_day"] == last_day
