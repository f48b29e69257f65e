"""HR's desk in Debian's Chromium, clicked through as an adviser would: invite from a CSV,
the employee answers on the real page HR built, the file goes into the inbox, then status,
the response, its follow-up, report, export and retention. axe-core on every page and
state, one pass with the keyboard alone; every request stays on 127.0.0.1."""

from __future__ import annotations

import dataclasses
import io
import os
import shutil
import zipfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT, assert_accessible, build_site, served
from playwright.sync_api import Page, expect
from site_support import choose_readers, fill_all, press, ui

from collector.cli import main
from collector.desk import server
from collector.model.loading import load_catalog
from collector.store import Store
from testing.desk import links_in_eml, make_desk, running

pytestmark = pytest.mark.browser

PASSPHRASE = "desk in chromium passphrase"


@pytest.fixture(scope="module")
def hr(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path, str]]:
    """HR's key made by the real keygen, the site built with it and served, the sets."""
    tmp = tmp_path_factory.mktemp("desk")
    made = CliRunner().invoke(
        main, ["keygen", "--out", str(tmp / "keys")], env={"SLUTTSAMTALE_PASSPHRASE": PASSPHRASE}
    )
    assert made.exit_code == 0, made.output
    built = build_site(tmp / "site", tmp / "keys" / "hr-public.pem")
    assert built.returncode == 0, built.stderr
    with served(tmp / "site") as base:
        yield tmp / "keys" / "hr-key.json", tmp / "site", base


@pytest.fixture
def desk(hr, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    key, site, base = hr
    sets = tmp_path / "questionnaires"
    shutil.copytree(ROOT / "questionnaires", sets)
    db = tmp_path / "sluttsamtale.db"
    Store.open(db, create=True).close()
    for name in ("SLUTTSAMTALE_PASSPHRASE", "SLUTTSAMTALE_NOW"):
        monkeypatch.delenv(name, raising=False)
    for name, value in {
        "SLUTTSAMTALE_DB": db,
        "SLUTTSAMTALE_KEY": key,
        "SLUTTSAMTALE_QUESTIONNAIRES": sets,
        "SLUTTSAMTALE_BASE_URL": base,
        "LANG": "nb_NO.UTF-8",
    }.items():
        monkeypatch.setenv(name, str(value))
    monkeypatch.chdir(tmp_path)
    return make_desk()


def leavers_csv(tmp: Path) -> Path:
    path = tmp / "sluttere.csv"
    path.write_text(
        "Ansattnummer;Fornavn;Etternavn;E-post;Avdeling;Sluttdato;Sett\n"
        "1001;Kari;Nordmann;kari@example.org;Barnehage Øst;31.01.2027;kommune-nb\n",
        encoding="utf-8",
    )
    return path


def go(page: Page, name: str) -> None:
    page.get_by_role("navigation").get_by_role("link", name=name, exact=True).click()
    checked(page)


SHOTS = os.environ.get("DESK_SCREENSHOTS")
"""A folder to save the README's screenshots into (docs/desk), when set."""


def shot(page: Page, name: str) -> None:
    if SHOTS:
        page.set_viewport_size({"width": 1100, "height": 800})
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=False)


def checked(page: Page) -> None:
    """axe on the page once it has loaded (its style sheet too)."""
    page.wait_for_load_state()
    assert_accessible(page)


def test_an_adviser_runs_the_routine_by_clicking(  # type: ignore[no-untyped-def]
    page: Page, desk, tmp_path: Path
) -> None:
    w = desk.words.sections["desk"]
    with running(desk) as start:
        # As `sluttsamtale desk` opens the browser: at its start file, which moves on to
        # the one-time address (from file://, which the browser counts as another site).
        page.goto(server._start_file(start).as_uri())
        expect(page.get_by_role("heading", level=1)).to_have_text(w["home_title"])
        assert page.url == f"http://127.0.0.1:{desk.access.port}{desk.access.root}/"
        checked(page)

        # Unlock once: the status page sends a locked desk to the unlock page first.
        go(page, w["nav_status"])
        expect(page.get_by_role("heading", level=1)).to_have_text(w["unlock_title"])
        press(page, w["unlock_button"])  # no passphrase: the error summary names the field
        expect(page.get_by_role("alert")).to_contain_text(w["unlock_empty"].split("{")[0])
        checked(page)
        page.get_by_label(w["unlock_passphrase"].split("{")[0], exact=False).fill(PASSPHRASE)
        press(page, w["unlock_button"])
        expect(page.get_by_role("heading", level=1)).to_have_text(w["status_title"])
        checked(page)

        # Leavers: every row shown before anything is written; then the e-mails as a zip.
        go(page, w["nav_leavers"])
        page.get_by_label(w["leavers_file"]).set_input_files(leavers_csv(tmp_path))
        press(page, w["leavers_check_button"])
        expect(page.get_by_role("table")).to_contain_text("Kari Nordmann")
        checked(page)
        shot(page, "leavers")
        press(page, w["leavers_invite_button"].format(n=1))
        expect(page.get_by_role("status")).to_contain_text("1")
        checked(page)
        with page.expect_download() as info:
            page.get_by_role("link", name=w["leavers_download"]).click()
        with zipfile.ZipFile(io.BytesIO(Path(info.value.path()).read_bytes())) as z:
            [eml] = [n for n in z.namelist() if n.endswith(".eml")]
            [link] = links_in_eml(z.read(eml))

        # The employee answers on the real page, from the link in the e-mail.
        sets = load_catalog(ROOT / "questionnaires").latest()
        qset = next(q for q in sets if q.id == "kommune-nb")
        employee = page.context.new_page()
        employee.goto(link)
        expect(employee.locator("[data-sl-progress]")).to_be_visible()
        fill_all(employee, qset)
        choose_readers(employee, qset, "hr_and_interviewer")
        press(employee, ui(qset)["finish"])
        with employee.expect_download() as sent:
            employee.locator("[data-sl-result]").get_by_role(
                "link", name=ui(qset)["download"]
            ).click()
        answer_file = tmp_path / sent.value.suggested_filename
        sent.value.save_as(answer_file)
        employee.close()

        # Inbox: the file in, one row with the outcome and the receipt.
        go(page, w["nav_inbox"])
        page.get_by_label(w["inbox_files"]).set_input_files(answer_file)
        press(page, w["inbox_button"])
        row = page.get_by_role("row").filter(has_text=answer_file.name)
        expect(row).to_contain_text(desk.words.sections["cli"]["imported"])
        checked(page)
        shot(page, "inbox")

        # Status: answered.
        go(page, w["nav_status"])
        invitations = page.get_by_role("table", name=w["status_invitations"])
        expect(invitations.get_by_role("row").filter(has_text="Kari Nordmann")).to_contain_text(
            desk.words.sections["cli"]["state_answered"]
        )
        shot(page, "status")

        # The response: the answers under the questions; its follow-up as buttons.
        go(page, w["nav_responses"])
        page.get_by_role("row").filter(has_text="Kari Nordmann").get_by_role("link").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(qset.title)
        checked(page)
        shot(page, "response")
        if page.get_by_role("heading", name=w["followup_title"]).count():
            press(page, w["followup_acknowledged"])
            expect(page.get_by_role("status")).to_have_text(w["followup_done_acknowledged"])
            checked(page)
        # The interviewer's copy: sealed, its code shown once; it opens from file:// with it.
        press(page, w["interviewer_button"])
        code = page.locator(".code code").inner_text()
        checked(page)
        with page.expect_download() as copy_info:
            page.get_by_role("link", name=w["interviewer_download"]).click()
        sealed_copy = tmp_path / "til-leder.html"
        copy_info.value.save_as(sealed_copy)
        assert code.encode() not in sealed_copy.read_bytes()
        reader = page.context.new_page()
        reader.goto(sealed_copy.as_uri())
        opening = desk.words.sections["sealed"]
        reader.get_by_label(opening["code"], exact=True).fill(code)
        reader.get_by_role("button", name=opening["open"]).click()
        expect(reader.get_by_role("heading", level=1)).to_be_visible()
        expect(reader.locator("body")).to_contain_text("Kari Nordmann")
        reader.close()
        page.go_back()

        with page.context.expect_page() as printed_info:
            page.get_by_role("link", name=w["response_print"]).click(modifiers=["Shift"])
        printed = printed_info.value
        printed.wait_for_load_state()
        expect(printed.get_by_role("heading", level=1)).to_be_visible()
        printed.close()

        # Report and export, by the same rules as the CLI.
        go(page, w["nav_documents"])
        press(page, w["report_button"])
        # The report as `report` writes it, shown under its own sandboxed CSP: no script runs
        # there, axe's neither (the report's own tests check it as a file).
        expect(page.get_by_role("heading", level=1)).to_have_text(
            desk.words.sections["report"]["title"]
        )
        page.go_back()
        press(page, w["export_button"])
        # One response is fewer than the smallest group: refused, in the CLI's sentence.
        expect(page.get_by_role("heading", level=1)).to_have_text(w["problem_title"])
        checked(page)

        # Retention: the dry run, then purge once the delete-by date has passed.
        go(page, w["nav_retention"])
        expect(page.locator("main")).to_contain_text(w["purge_none_due"])
        desk.settings = dataclasses.replace(
            desk.settings, fixed_now=desk.now() + timedelta(days=3 * 366)
        )
        page.reload()
        checked(page)
        press(page, w["purge_button"])
        expect(page.get_by_role("status")).to_be_visible()
        checked(page)
        # The invitation goes; the response is held while its follow-up is open (a legal
        # hold), and the page says so, as purge does.
        held = desk.words.sections["cli"]["held_one"].split("{")[0]
        expect(page.get_by_role("status")).to_contain_text(held)
        with Store.open(desk.settings.db_path(), create=False) as store:
            assert not list(store.invitations())
            assert len(list(store.responses())) == 1


FOCUSED = """() => {
  const el = document.activeElement;
  const s = getComputedStyle(el);
  const shown = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2
                 && s.outlineColor !== 'rgba(0, 0, 0, 0)')
                || s.backgroundColor === 'rgb(255, 221, 0)' || s.boxShadow !== 'none';
  return {tag: el.tagName, text: (el.innerText || el.value || el.id || '').trim(),
          id: el.id, shown};
}"""


def tab_to(page: Page, text: str, limit: int = 40) -> None:
    """Tab until the element with `text` has focus; every stop on the way shows its focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        assert focused["shown"], f"no visible focus on {focused}"
        if focused["text"] == text or focused["id"] == text:
            return
    raise AssertionError(f"{text!r} was not reached with Tab")


def test_the_desk_with_the_keyboard_alone(page: Page, desk) -> None:  # type: ignore[no-untyped-def]
    w = desk.words.sections["desk"]
    with running(desk) as start:
        page.goto(start)
        page.wait_for_url(f"**{desk.access.root}/")  # the start page moves on at once
        page.keyboard.press("Tab")
        first = page.evaluate(FOCUSED)
        assert first["text"] == w["skip"] and first["shown"]  # the skip link comes first
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main"
        page.keyboard.press("Shift+Tab")  # back into the menu, which comes before the content
        assert page.evaluate(FOCUSED)["shown"]
        page.goto(page.url)  # from the top again

        # To status by the menu: locked, so the unlock page.
        tab_to(page, w["nav_status"])
        with page.expect_navigation():
            page.keyboard.press("Enter")
        expect(page.get_by_role("heading", level=1)).to_have_text(w["unlock_title"])
        tab_to(page, "passphrase-0")  # no autofocus (GOV.UK: it skips what comes before)
        page.keyboard.type(PASSPHRASE)
        with page.expect_navigation():
            page.keyboard.press("Enter")  # submits the form
        expect(page.get_by_role("heading", level=1)).to_have_text(w["status_title"])

        # The inbox's form, field by field, in reading order, and back out by the menu.
        tab_to(page, w["nav_inbox"])
        with page.expect_navigation():
            page.keyboard.press("Enter")
        tab_to(page, "files")
        tab_to(page, "pasted")
        page.keyboard.type("-----BEGIN SLUTTSAMTALE RESPONSE-----\nnot one\n")
        tab_to(page, w["inbox_button"])
        with page.expect_navigation():
            page.keyboard.press("Enter")
        expect(page.get_by_role("table")).to_contain_text(desk.words.sections["cli"]["rejected"])
        assert_accessible(page)


def test_every_other_page_and_state_passes_axe(  # type: ignore[no-untyped-def]
    page: Page, desk, tmp_path: Path
) -> None:
    """The states the routine above does not pass through: errors, the invitation's page,
    a decline, erasure in its two steps, the key unlocked."""
    w = desk.words.sections["desk"]
    with running(desk) as start:
        page.goto(start)
        page.wait_for_url(f"**{desk.access.root}/")  # the start page moves on at once
        go(page, w["nav_key"])
        page.get_by_label(w["unlock_passphrase"].split("{")[0], exact=False).fill(PASSPHRASE)
        page.get_by_label(w["unlock_minutes"]).fill("0")
        press(page, w["unlock_button"])
        expect(page.get_by_role("alert")).to_contain_text(w["unlock_minutes_range"])
        checked(page)
        page.get_by_label(w["unlock_passphrase"].split("{")[0], exact=False).fill(PASSPHRASE)
        page.get_by_label(w["unlock_minutes"]).fill("30")
        press(page, w["unlock_button"])
        go(page, w["nav_key"])  # the unlocked state: lock it now
        expect(page.get_by_role("button", name=w["lock_button"])).to_be_visible()

        go(page, w["nav_inbox"])
        press(page, w["inbox_button"])  # nothing chosen
        expect(page.get_by_role("alert")).to_contain_text(w["inbox_nothing"])
        checked(page)

        go(page, w["nav_leavers"])
        press(page, w["leavers_check_button"])  # no file
        expect(page.get_by_role("alert")).to_contain_text(w["leavers_pick"])
        checked(page)
        page.get_by_label(w["leavers_file"]).set_input_files(leavers_csv(tmp_path))
        press(page, w["leavers_check_button"])
        press(page, w["leavers_invite_button"].format(n=1))

        go(page, w["nav_status"])
        page.get_by_role("link", name=w["status_open"].format(name="Kari Nordmann")).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Kari Nordmann")
        checked(page)
        page.get_by_label(w["decline_day"]).fill("i morgen")
        press(page, w["decline_button"])
        expect(page.get_by_role("alert")).to_be_visible()
        checked(page)
        page.get_by_label(w["decline_day"]).fill(desk.today().isoformat())
        press(page, w["decline_button"])
        expect(page.get_by_role("status")).to_have_text(w["status_declined"])
        checked(page)

        go(page, w["nav_retention"])
        press(page, w["erase_check_button"])  # neither field
        expect(page.get_by_role("alert")).to_contain_text(w["erase_one_of"])
        checked(page)
        page.get_by_label(w["erase_who"]).fill("Kari Nordmann")
        press(page, w["erase_check_button"])
        expect(page.get_by_role("button", name=w["erase_confirm_button"])).to_be_visible()
        checked(page)
        press(page, w["erase_confirm_button"])
        expect(page.get_by_role("status").first).to_be_visible()
        checked(page)
        go(page, w["nav_status"])
        expect(page.locator("main")).to_contain_text(desk.words.sections["cli"]["no_invitations"])
        page.goto(page.url.split("/status")[0] + "/responses/0123456789abcdef")
        expect(page.get_by_role("heading", level=1)).to_have_text(w["problem_title"])
        checked(page)
