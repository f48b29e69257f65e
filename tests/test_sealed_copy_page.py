"""The sealed interviewer copy in Debian's Chromium, opened from file:// with nothing beside
it: the right code shows the record, a wrong one says so and shows nothing, and the page
requests nothing (the `recorded` fixture fails the test on any request that leaves)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import RecordedPage, assert_accessible
from playwright.sync_api import Page, expect
from site_support import CSP_WATCH, assert_no_csp_violations
from test_sealed_copy import DELETE_BY, record_html
from workflow_support import answers_nb, import_files, run, seal

from collector.formats import sealed_copy
from collector.render.sealed_copy import SealedCopy, seal_record
from collector.words import catalogue
from testing.fixtures import CANARY, Flow

pytestmark = pytest.mark.browser

W = catalogue("nb")["sealed"]
SECRETS = (CANARY, "Kari Nordmann", "Barnehage Øst", "Hvorfor slutter du?")


@pytest.fixture
def copy(tmp_path: Path) -> tuple[SealedCopy, Path]:
    sealed = seal_record(record_html(), delete_by=DELETE_BY, language="nb")
    path = tmp_path / "Til leder" / "samtale forseglet.html"  # a space, nothing beside it
    path.parent.mkdir()
    path.write_text(sealed.html, encoding="utf-8")
    return sealed, path


def locked(page: Page, path: Path) -> None:
    page.add_init_script(CSP_WATCH)
    page.goto(path.as_uri())
    expect(page.locator("html")).to_have_attribute("lang", "nb")
    expect(page.get_by_role("heading", level=1)).to_have_text(W["title"])


def no_record_in(page: Page) -> None:
    html, text = page.content(), page.locator("body").inner_text()
    for secret in SECRETS:
        assert secret not in html and secret not in text, secret


def only_the_file(recorded: RecordedPage, path: Path) -> None:
    assert [u for u in recorded.requests if not u.startswith(("data:", "blob:"))] == [path.as_uri()]


def test_the_right_code_shows_the_record_under_the_notice_to_delete(
    recorded: RecordedPage, copy: tuple[SealedCopy, Path]
) -> None:
    sealed, path = copy
    page = recorded.page
    locked(page, path)
    notice = page.locator("#sc-notice")
    expect(notice).to_have_text(W["delete"].format(date="2026-11-30"))
    no_record_in(page)
    # Typed as one would from an SMS: small letters, spaces for dashes.
    page.get_by_label(W["code"], exact=True).fill(sealed.code.lower().replace("-", " "))
    page.get_by_role("button", name=W["open"]).click()
    expect(page.get_by_text(CANARY)).to_be_visible(timeout=20_000)
    expect(page).to_have_title("Sluttsamtale: Kommune")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sluttsamtale")
    # The notice stays, first, and takes the focus; the locked page and the box are gone.
    expect(notice).to_have_text(W["delete"].format(date="2026-11-30"))
    expect(notice).to_be_focused()
    assert page.evaluate("document.body.firstElementChild.id") == "sc-notice"
    expect(page.locator("#sc-lock, #sealed-copy, form, input")).to_have_count(0)
    # The record's own styles apply (allowed by hash), and its own CSP joined the page's.
    h2 = page.get_by_role("heading", name="Svar")
    expect(h2).to_have_css("border-bottom-style", "solid")
    policies = page.locator('meta[http-equiv="Content-Security-Policy"]')
    expect(policies).to_have_count(2)
    assert "style-src 'unsafe-inline'" in (policies.nth(1).get_attribute("content") or "")
    assert_no_csp_violations(page)
    only_the_file(recorded, path)


def test_a_wrong_code_says_so_shows_nothing_and_lets_the_reader_try_again(
    recorded: RecordedPage, copy: tuple[SealedCopy, Path]
) -> None:
    sealed, path = copy
    page = recorded.page
    locked(page, path)
    field = page.get_by_label(W["code"], exact=True)
    wrong = sealed_copy.show_code(sealed_copy.new_code())
    field.fill(wrong)
    field.press("Enter")
    alert = page.get_by_role("alert")
    expect(alert).to_have_text(W["wrong"], timeout=20_000)
    expect(field).to_be_focused()
    expect(field).to_have_attribute("aria-invalid", "true")
    no_record_in(page)
    assert_accessible(page)  # with the error showing
    # Too short: said at once, with what a code is.
    field.fill(sealed.code[:-2])
    page.get_by_role("button", name=W["open"]).click()
    expect(alert).to_have_text(W["malformed"].format(length=20))
    no_record_in(page)
    # And then the right one.
    field.fill(sealed.code)
    field.press("Enter")
    expect(page.get_by_text(CANARY)).to_be_visible(timeout=20_000)
    assert_no_csp_violations(page)
    only_the_file(recorded, path)


def test_without_a_code_nothing_of_the_record_is_on_the_page(
    recorded: RecordedPage, copy: tuple[SealedCopy, Path]
) -> None:
    _, path = copy
    page = recorded.page
    locked(page, path)
    page.get_by_role("button", name=W["open"]).click()  # nothing typed
    expect(page.get_by_role("alert")).to_have_text(W["malformed"].format(length=20))
    no_record_in(page)
    assert page.evaluate("document.querySelectorAll('iframe, object, embed').length") == 0
    assert_no_csp_violations(page)
    only_the_file(recorded, path)


def test_the_locked_page_is_accessible_and_keyboard_only_works(
    recorded: RecordedPage, copy: tuple[SealedCopy, Path]
) -> None:
    sealed, path = copy
    page = recorded.page
    locked(page, path)
    assert_accessible(page)
    # The field is the first stop, the button the next; both show where the focus is.
    page.keyboard.press("Tab")
    field = page.get_by_label(W["code"], exact=True)
    expect(field).to_be_focused()
    expect(field).to_have_css("outline-style", "solid")
    expect(field).to_have_css("outline-width", "3px")
    assert field.get_attribute("aria-describedby") == "sc-hint sc-error"
    expect(page.locator("#sc-hint")).to_have_text(W["code_hint"].format(length=20))
    page.keyboard.press("Tab")
    button = page.get_by_role("button", name=W["open"])
    expect(button).to_be_focused()
    expect(button).to_have_css("outline-style", "solid")
    page.keyboard.press("Shift+Tab")
    page.keyboard.type(sealed.code)
    page.keyboard.press("Enter")
    expect(page.get_by_text(CANARY)).to_be_visible(timeout=20_000)
    only_the_file(recorded, path)


def test_a_file_whose_date_was_changed_does_not_open(
    recorded: RecordedPage, copy: tuple[SealedCopy, Path]
) -> None:
    sealed, path = copy
    # Keep it longer than the employee was told: in the box and on the page alike.
    path.write_text(sealed.html.replace("2026-11-30", "2099-12-31"), encoding="utf-8")
    page = recorded.page
    locked(page, path)
    field = page.get_by_label(W["code"], exact=True)
    field.fill(sealed.code)
    field.press("Enter")
    expect(page.get_by_role("alert")).to_have_text(W["wrong"], timeout=20_000)
    no_record_in(page)
    only_the_file(recorded, path)


@pytest.mark.slow
def test_the_file_show_sealed_writes_opens_to_the_interviewers_record(
    recorded: RecordedPage, flow: Flow
) -> None:
    data, payload = seal(
        flow,
        "kommune-nb",
        answers_nb(talk_holder="other_leader", improvements=CANARY, special_report="Særlig"),
        readers="hr_and_interviewer",
    )
    import_files(flow, data)
    result = run("show", payload.response_id[:8], "--format", "html", "--for-leader", "--sealed")
    assert result.exit_code == 1  # no --out: nothing written, no code printed
    result = run(
        "show",
        payload.response_id[:8],
        "--format",
        "html",
        "--for-leader",
        "--sealed",
        "--out",
        "leder.html",
    )
    assert result.exit_code == 0, result.output
    code = result.stdout.split("Code: ")[1].split("\n")[0]
    path = flow.root / "leder.html"
    page = recorded.page
    locked(page, path)
    assert_accessible(page)
    page.get_by_label(W["code"], exact=True).fill(code)
    page.get_by_role("button", name=W["open"]).click()
    banner = "Utskrift for En annen leder (for eksempel kommunalsjef), som har samtalen."
    expect(page.get_by_text(banner)).to_be_visible(timeout=20_000)
    expect(page.get_by_text(CANARY)).to_be_visible()
    expect(page.get_by_text("Særlig", exact=True)).to_have_count(0)
    expect(page.locator("#sc-notice")).to_be_focused()
    assert_accessible(page)  # the record, opened, under the notice
    assert_no_csp_violations(page)
    only_the_file(recorded, path)
