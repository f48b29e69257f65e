"""The employee's page as a person on a phone (390 px) and a laptop (1366 px) meets it:
the start and the first question, reload, Back and Forward, two tabs, check answers, the
confirmation, the accessibility tree, and the page printed to PDF and read back as paper.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
import json
import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from conftest import TestKey, assert_accessible
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from playwright.sync_api import Browser, Page, expect
from site_support import (
    choose_readers,
    download_response,
    fill_all,
    latest_sets,
    open_set,
    press,
    ui,
    wrapper,
)

from collector.mkdocs_plugin.render_form import number
from collector.model.questionset import Question, QuestionSet, QuestionType

pytestmark = pytest.mark.browser

SETS = latest_sets()
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}
SIZES = [pytest.param(PHONE, id="390px"), pytest.param(LAPTOP, id="1366px")]
PASSPHRASE = "lang nok frase æøå"


def by_id(set_id: str) -> QuestionSet:
    return next(s for s in SETS if s.id == set_id)


def first_text(qset: QuestionSet, section: int) -> Question:
    """The first unconditional text question in the section, or in the first one after it."""
    return next(
        q
        for s in qset.sections[section:]
        for q in s.questions
        if q.type in {QuestionType.short_text, QuestionType.long_text} and q.show_if is None
    )


def section_index(qset: QuestionSet, q: Question) -> int:
    return next(i for i, s in enumerate(qset.sections) if q in s.questions)


def opened(page: Page, base: str, size: dict[str, int]) -> tuple[QuestionSet, dict[str, str]]:
    """The first set, opened at a screen size; the set and its page's words."""
    qset = SETS[0]
    page.set_viewport_size(size)
    open_set(page, base, qset)
    return qset, ui(qset)


def stored_draft(page: Page, set_id: str) -> dict[str, Any] | None:
    text = page.evaluate(f"localStorage.getItem('sluttsamtale:{set_id}:draft')")
    return json.loads(text) if text else None


def decrypt_draft(record: dict[str, Any], passphrase: str) -> dict[str, Any]:
    """The draft record opened from nothing but the format and the passphrase."""
    salt = base64.b64decode(record["kdf"]["salt"])
    key = hashlib.pbkdf2_hmac(
        "sha256", unicodedata.normalize("NFC", passphrase).encode(), salt, 600_000, dklen=32
    )
    plain = AESGCM(key).decrypt(
        base64.b64decode(record["iv"]),
        base64.b64decode(record["ct"]),
        f"sluttsamtale-draft/1 {record['set']}".encode(),
    )
    return dict(json.loads(plain))


def save_draft(page: Page, qset: QuestionSet, passphrase: str = PASSPHRASE) -> None:
    t = ui(qset)
    page.locator("[data-sl-nav]").get_by_role("button", name=t["save_draft"]).click()
    panel = page.locator("[data-sl-save-panel]")
    panel.get_by_label(t["passphrase"], exact=True).fill(passphrase)
    panel.get_by_label(t["passphrase_again"]).fill(passphrase)
    press(page, t["save"])


def restore_draft(page: Page, qset: QuestionSet, passphrase: str = PASSPHRASE) -> None:
    t = ui(qset)
    restore = page.locator("[data-sl-restore]")
    restore.get_by_label(t["passphrase"]).fill(passphrase)
    press(page, t["restore"])
    expect(restore).to_be_hidden()


# --------------------------------------------------------------------------- the start


@pytest.mark.parametrize("qset", [pytest.param(s, id=s.id) for s in SETS])
def test_first_question_on_a_phones_first_screen(
    page: Page, http_site: str, qset: QuestionSet
) -> None:
    page.set_viewport_size(PHONE)
    open_set(page, http_site, qset)
    first = page.locator("[data-sl-question]:visible").first
    box = first.bounding_box()
    assert box is not None
    label = first.locator("label, legend").first.bounding_box()
    assert label is not None and label["y"] + label["height"] <= PHONE["height"], (qset.id, box)
    # The notice is there, one click away, and opens in place.
    t = ui(qset)
    notice = page.get_by_role("heading", name=t["privacy_title"])
    expect(notice).to_be_hidden()
    page.locator("summary", has_text=t["about_summary"]).click()
    expect(notice).to_be_visible()
    # The start says what the person needs to begin.
    facts = page.locator("[data-sl-start-facts]")
    expect(facts).to_contain_text(
        t["start_size"].format(questions=len(qset.questions()), parts=len(qset.sections))
    )
    expect(page.locator(".sl-key .sl-fingerprint")).to_be_visible()
    # The decline offer and the tools are below the questions on the start only.
    expect(page.get_by_role("button", name=t["decline_toggle"])).to_be_visible()
    press(page, t["next"])
    expect(page.get_by_role("button", name=t["decline_toggle"])).to_be_hidden()
    expect(page.get_by_role("button", name=t["print"])).to_be_hidden()
    expect(page.locator("[data-sl-start]")).to_be_hidden()


@pytest.mark.parametrize("size", SIZES)
def test_tab_stops_before_the_first_field_and_the_skip_link(
    page: Page, http_site: str, size: dict[str, int]
) -> None:
    qset = SETS[0]
    page.set_viewport_size(size)
    open_set(page, http_site, qset)
    first_field = page.locator("[data-sl-section='0'] input, [data-sl-section='0'] textarea")
    first_id = first_field.first.get_attribute("id")
    stops = []
    for _ in range(10):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "document.activeElement.id || document.activeElement.className"
            " || document.activeElement.tagName"
        )
        if focused == first_id:
            break
        stops.append(focused)
    # The skip link, the site's home, the protection page, the notice's disclosure.
    assert len(stops) == 4, stops
    assert stops[0] == "sl-skip"
    # The skip link is the first stop, visible when focused, and takes focus to the questions.
    page.reload()
    expect(page.locator("[data-sl-progress]")).to_be_visible()
    page.keyboard.press("Tab")
    skip = page.locator("[data-sl-skip]")
    expect(skip).to_be_focused()
    expect(skip).to_have_text(ui(qset)["skip_link"])
    assert (skip.bounding_box() or {"y": -1})["y"] >= 0  # on screen, not off it
    page.keyboard.press("Enter")
    expect(page.locator("#sl-section-0--title")).to_be_focused()
    page.keyboard.press("Tab")
    expect(first_field.first).to_be_focused()


# --------------------------------------------------------------------------- nothing lost


@pytest.mark.parametrize("size", SIZES)
def test_back_and_forward_move_between_parts_and_keep_what_was_typed(
    page: Page, http_site: str, size: dict[str, int]
) -> None:
    qset, t = opened(page, http_site, size)
    q0, q1 = first_text(qset, 0), first_text(qset, 1)
    there = section_index(qset, q1)
    wrapper(page, q0).get_by_label(q0.label).fill("Kari i første del")
    for _ in range(there):
        press(page, t["next"])
    wrapper(page, q1).get_by_label(q1.label).fill("Skrevet i en senere del")
    for _ in range(there):
        page.go_back()  # the phone's Back gesture, one part at a time
    expect(page.locator("#sl-section-0")).to_be_visible()
    expect(wrapper(page, q0).get_by_label(q0.label)).to_have_value("Kari i første del")
    for _ in range(there):
        page.go_forward()
    expect(page.locator(f"#sl-section-{there}")).to_be_visible()
    expect(wrapper(page, q1).get_by_label(q1.label)).to_have_value("Skrevet i en senere del")
    assert page.evaluate("history.state") == {"slSection": there}  # a number, no answer
    progress = t["progress"].format(n=there + 1, total=len(qset.sections) + 1)
    expect(page.locator("[data-sl-progress-live]")).to_have_text(
        f"{progress}: {qset.sections[there].title}"
    )


def _leaving_asks(page: Page) -> bool:
    """Whether closing the page now brings up the browser's "leave this page?" dialog."""
    from playwright.sync_api import Error

    asked: list[str] = []
    page.once("dialog", lambda d: (asked.append(d.type), d.dismiss()))
    page.close(run_before_unload=True)
    # Closes at once unless it asks; still open (it asked, the dialog was dismissed) or
    # already closed are both fine here.
    with contextlib.suppress(Error):
        page.wait_for_event("close", timeout=2000)
    return asked == ["beforeunload"]


def test_leaving_with_typed_answers_asks_first(page: Page, http_site: str) -> None:
    qset = SETS[0]
    open_set(page, http_site, qset)
    q0 = first_text(qset, 0)
    wrapper(page, q0).get_by_label(q0.label).fill("Noe jeg ikke vil miste")
    assert _leaving_asks(page)


def test_leaving_untouched_or_after_sending_does_not_ask(
    browser: Browser, http_site: str, test_key: TestKey
) -> None:
    qset = SETS[0]
    t = ui(qset)
    untouched = browser.new_page()
    open_set(untouched, http_site, qset)
    assert not _leaving_asks(untouched)
    sealed = browser.new_page()
    open_set(sealed, http_site, qset)
    fill_all(sealed, qset)
    choose_readers(sealed, qset)
    press(sealed, t["finish"])
    expect(sealed.locator("[data-sl-result]")).to_be_visible()
    # Sealed, not yet downloaded or copied: leaving would lose the file.
    assert sealed.evaluate("Sluttsamtale.form.state() !== null")
    download_response(sealed, qset, test_key)
    assert not _leaving_asks(sealed)


def test_sealed_and_not_downloaded_asks(page: Page, http_site: str) -> None:
    qset = SETS[0]
    open_set(page, http_site, qset)
    fill_all(page, qset)
    choose_readers(page, qset)
    press(page, ui(qset)["finish"])
    expect(page.locator("[data-sl-result]")).to_be_visible()
    assert _leaving_asks(page)


def test_after_the_first_save_every_change_is_saved_with_the_key_in_memory(
    page: Page, http_site: str
) -> None:
    qset = SETS[0]
    t = ui(qset)
    open_set(page, http_site, qset)
    q0 = first_text(qset, 0)
    field = wrapper(page, q0).get_by_label(q0.label)
    field.fill("først")
    save_draft(page, qset)
    expect(page.locator("[data-sl-autosaved]")).to_be_visible()
    first = stored_draft(page, qset.id)
    assert first is not None
    field.fill("endret etterpå")
    page.wait_for_function(
        "([key, iv]) => JSON.parse(localStorage.getItem(key)).iv !== iv",
        arg=[f"sluttsamtale:{qset.id}:draft", first["iv"]],
    )
    second = stored_draft(page, qset.id)
    assert second is not None and second["kdf"] == first["kdf"]  # the same key, a new IV
    assert decrypt_draft(second, PASSPHRASE)["answers"][q0.id] == "endret etterpå"
    # Nothing of the passphrase or the answers is stored readable.
    everything = page.evaluate("JSON.stringify(Object.assign({}, localStorage, sessionStorage))")
    assert PASSPHRASE not in everything and "endret" not in everything
    # Saved means nothing is lost: leaving does not ask.
    expect(page.locator("[data-sl-autosaved]")).to_contain_text(
        t["autosaved"].split("{")[0].strip()
    )
    assert not _leaving_asks(page)


def test_two_tabs_never_overwrite_each_other_silently(page: Page, http_site: str) -> None:
    qset = SETS[0]
    t = ui(qset)
    q0 = first_text(qset, 0)
    open_set(page, http_site, qset)
    wrapper(page, q0).get_by_label(q0.label).fill("fra fane A")
    save_draft(page, qset)
    other = page.context.new_page()
    open_set(other, http_site, qset)
    # Tab B has not opened the draft: saving there says so first, and replaces only on a
    # second choice.
    wrapper(other, q0).get_by_label(q0.label).fill("fra fane B")
    save_draft(other, qset, "en helt annen frase")
    warning = other.locator("[data-sl-save-exists]")
    expect(warning).to_be_visible()
    assert decrypt_draft(stored_draft(other, qset.id) or {}, PASSPHRASE)["answers"][q0.id] == (
        "fra fane A"
    )
    other.locator("[data-sl-save-panel]").get_by_role("button", name=t["cancel"]).click()
    # Tab B opens the draft instead; both keep it, until one of them writes.
    other.reload()
    restore_draft(other, qset)
    wrapper(other, q0).get_by_label(q0.label).fill("fra fane B, etter henting")
    expect(other.locator("[data-sl-autosaved]")).to_be_visible()
    # Tab A is told at once, stops saving, and is offered to take over.
    elsewhere = page.locator("[data-sl-elsewhere]")
    expect(elsewhere).to_be_visible()
    expect(elsewhere).to_contain_text(t["elsewhere_title"])
    assert_accessible(page)
    wrapper(page, q0).get_by_label(q0.label).fill("A skriver videre")
    page.wait_for_timeout(1200)
    record = stored_draft(page, qset.id) or {}
    assert decrypt_draft(record, PASSPHRASE)["answers"][q0.id] == "fra fane B, etter henting"
    page.get_by_role("button", name=t["take_over"]).click()
    expect(elsewhere).to_be_hidden()
    record = stored_draft(page, qset.id) or {}
    assert decrypt_draft(record, PASSPHRASE)["answers"][q0.id] == "A skriver videre"
    expect(other.locator("[data-sl-elsewhere]")).to_be_visible()
    # The passphrase still opens the draft: nothing re-keyed it behind the employee's back.
    third = page.context.new_page()
    open_set(third, http_site, qset)
    restore_draft(third, qset)


# --------------------------------------------------------------------------- check answers


@pytest.mark.parametrize("size", SIZES)
def test_check_answers_change_returns_to_the_review(
    page: Page, http_site: str, size: dict[str, int]
) -> None:
    qset, t = opened(page, http_site, size)
    filled = fill_all(page, qset)
    review = page.locator("[data-sl-review]")
    shown = [q for q in qset.questions() if review.locator(f'[data-sl-change="{q.id}"]').count()]
    assert len(shown) == len(review.locator("dt").all())  # one Change link per answer
    assert shown, "the review lists the answers"
    target = next(q for q in qset.sections[2].questions if q.type is QuestionType.long_text)
    link = review.locator(f'[data-sl-change="{target.id}"]')
    expect(link).to_have_accessible_name(
        f"{t['change']} {t['change_hidden'].format(label=target.label)}"
    )
    link.click()
    field = wrapper(page, target).get_by_label(target.label)
    expect(field).to_be_focused()
    field.fill("Et nytt svar")
    press(page, t["to_review"])
    expect(page.locator("[data-sl-final]")).to_be_visible()
    expect(review).to_contain_text("Et nytt svar")
    assert filled.answers  # the rest stayed
    assert_accessible(page)


# --------------------------------------------------------------------------- the confirmation


@pytest.mark.parametrize("size", SIZES)
def test_confirmation_says_not_sent_where_to_and_what_next(
    page: Page, http_site: str, test_key: TestKey, size: dict[str, int]
) -> None:
    qset, t = opened(page, http_site, size)
    fill_all(page, qset)
    choose_readers(page, qset)
    press(page, t["finish"])
    result = page.locator("[data-sl-result]")
    expect(result).to_contain_text(t["not_sent"])
    expect(result).to_contain_text(t["next_text"])
    mail = result.locator("[data-sl-mailto]")
    href = mail.get_attribute("href") or ""
    armored = page.locator("[data-sl-armored]").input_value()
    assert href.startswith("mailto:hr@eksempel-kommune.example?")
    assert "BEGIN" in armored and re.sub(r"%0D|%0A", "", href).count("BEGIN") == 1
    # The file name wraps between words, not in the middle of one.
    assert page.evaluate(
        "getComputedStyle(document.querySelector('[data-sl-filename]')).wordBreak"
    ) in {"normal", "break-word"}
    assert_accessible(page)
    download_response(page, qset, test_key)
    # The employee's own readable copy: saved only when asked, marked as theirs.
    with page.expect_download() as info:
        press(page, t["save_copy"])
    copy = Path(info.value.path()).read_text(encoding="utf-8")
    assert t["own_copy_heading"] in copy and t["own_copy_note"] in copy


def test_print_your_answers_prints_only_the_copy(page: Page, http_site: str) -> None:
    from pypdf import PdfReader

    qset = SETS[0]
    t = ui(qset)
    open_set(page, http_site, qset)
    q0 = first_text(qset, 0)
    wrapper(page, q0).get_by_label(q0.label).fill("Mitt eget svar")
    press(page, t["next"])
    for _ in range(1, len(qset.sections)):
        press(page, t["next"])
    choose_readers(page, qset)
    press(page, t["finish"])
    page.evaluate("document.documentElement.classList.add('sl-print-copy')")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(page.pdf())).pages)
    assert t["own_copy_heading"] in text and "Mitt eget svar" in text
    assert t["not_sent"] not in text  # only the copy, not the page around it


# --------------------------------------------------------------------------- defects


def test_focus_is_visible_on_the_download_button(page: Page, http_site: str) -> None:
    qset = SETS[0]
    open_set(page, http_site, qset)
    for _ in range(len(qset.sections)):
        press(page, ui(qset)["next"])
    choose_readers(page, qset)
    press(page, ui(qset)["finish"])
    link = page.locator("[data-sl-download]")
    before = link.evaluate("e => getComputedStyle(e).backgroundColor")
    link.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # focus by keyboard, so :focus-visible applies
    expect(link).to_be_focused()
    after = link.evaluate("e => getComputedStyle(e).backgroundColor")
    assert after == "rgb(255, 221, 0)" and after != before  # GOV.UK's yellow


def test_every_id_is_unique_and_each_hint_describes_its_own_choice(
    page: Page, http_site: str
) -> None:
    for qset in SETS:
        open_set(page, http_site, qset)
        ids = page.evaluate("Array.from(document.querySelectorAll('[id]'), e => e.id)")
        assert len(ids) == len(set(ids)), [i for i in ids if ids.count(i) > 1]
    # The first choice carries the group's id: its own hint must not be the group's.
    described = page.evaluate(
        "['sl-readers', 'sl-readers-statistics'].map(id =>"
        " document.getElementById(id).getAttribute('aria-describedby'))"
    )
    assert described == ["sl-readers--choice-hint", "sl-readers-statistics--choice-hint"]
    group = page.locator("[data-sl-readers='readers'] fieldset")
    expect(group).to_have_attribute("aria-describedby", "sl-readers--hint")


def test_character_count_with_the_languages_separators(page: Page, http_site: str) -> None:
    for lang_set in (by_id("kommune-nb"), by_id("kommune-en")):
        t = ui(lang_set)
        open_set(page, http_site, lang_set)
        q = first_text(lang_set, 0)
        wrapper(page, q).get_by_label(q.label).fill("abc")
        count = page.locator(f'[data-sl-count="{q.id}"]')
        expect(count).to_have_text(t["count_left"].format(n=number(q.text_limit - 3, t)))
        intl = page.evaluate(
            f"new Intl.NumberFormat('{lang_set.language}').format({q.text_limit - 3})"
        )
        assert number(q.text_limit - 3, t) == intl
        hint = t["text_limit_hint"].format(max=number(q.text_limit, t))
        expect(wrapper(page, q)).to_contain_text(hint)


def test_scale_on_one_row_at_320px_with_40px_targets(page: Page, http_site: str) -> None:
    qset = next(s for s in SETS if any(q.type is QuestionType.scale for q in s.questions()))
    q = next(q for q in qset.questions() if q.type is QuestionType.scale)
    page.set_viewport_size({"width": 320, "height": 700})
    open_set(page, http_site, qset)
    index = next(i for i, s in enumerate(qset.sections) if q in s.questions)
    for _ in range(index):
        press(page, ui(qset)["next"])
    radios = wrapper(page, q).get_by_role("radio").all()
    boxes = [r.bounding_box() for r in radios]
    assert all(b is not None for b in boxes)
    assert len({round(b["y"]) for b in boxes if b}) == 1  # one row
    assert all(b["width"] >= 40 and b["height"] >= 40 for b in boxes if b)
    # Each end's name still says what it means.
    assert qset.question(q.id) is not None and q.scale is not None
    expect(radios[0]).to_have_accessible_name(f"{q.scale.min} – {q.scale.min_label}")


def test_errors_name_the_question_and_the_title_says_error(page: Page, http_site: str) -> None:
    qset = by_id("kommune-nb")
    t = ui(qset)
    open_set(page, http_site, qset)
    title = page.title()
    date_q = next(q for q in qset.sections[0].questions if q.type is QuestionType.date)
    field = wrapper(page, date_q).get_by_label(date_q.label)
    field.fill("31.13.2026")
    press(page, t["next"])
    message = t["err_date"].format(
        label=date_q.label, format=t["date_format"], example="31.01.2027"
    )
    summary = page.locator("[data-sl-form] [data-sl-error-summary]")
    expect(summary.get_by_role("link")).to_have_text(message)  # the message alone, no label
    expect(page).to_have_title(f"{t['error_prefix']} {title}")
    field.fill("31.5.2026")
    press(page, t["next"])
    expect(page).to_have_title(title)
    assert page.evaluate("Sluttsamtale.form.state().answers")[date_q.id] == "2026-05-31"
    # The review shows it as the language writes it.
    for _ in range(1, len(qset.sections)):
        press(page, t["next"])
    expect(page.locator("[data-sl-review]")).to_contain_text("31.05.2026")


def test_yaml_line_wraps_are_not_line_breaks(page: Page, http_site: str) -> None:
    qset = by_id("kommune-nb")
    open_set(page, http_site, qset)
    assert page.locator(".sl-root br").count() == 0


# --------------------------------------------------------------------------- screen reader


@pytest.mark.parametrize("set_id", ["kommune-nb", "kommune-nn", "sodermalm-sv", "kommune-en"])
def test_accessibility_tree_in_each_language(page: Page, http_site: str, set_id: str) -> None:
    qset = by_id(set_id)
    t = ui(qset)
    open_set(page, http_site, qset)
    tree = page.locator("body").aria_snapshot()
    assert f'link "{t["skip_link"]}"' in tree
    assert f'heading "{qset.title}" [level=1]' in tree
    assert f'group "{t["about_summary"]}"' in tree or t["about_summary"] in tree
    assert f'button "{t["next"]}"' in tree
    # Every question is a named control or a named group.
    for q in qset.sections[0].questions:
        if q.show_if is None:
            assert q.label in tree, q.id
    press(page, t["next"])
    live = page.locator("[data-sl-progress-live]")
    expect(live).to_have_attribute("aria-live", "polite")
    expect(live).to_contain_text(qset.sections[1].title)
    assert_accessible(page)


# --------------------------------------------------------------------------- paper


def test_printed_page_numbers_the_questions_and_puts_the_notice_last(
    page: Page, http_site: str
) -> None:
    from pypdf import PdfReader

    qset = by_id("kommune-nb")
    t = ui(qset)
    open_set(page, http_site, qset)
    page.emulate_media(media="print")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    reader = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True)))
    pages = [p.extract_text() for p in reader.pages]
    text = "\n".join(pages)
    last = qset.questions()[-1]
    assert f"1. {qset.questions()[0].label}" in text
    assert f"{len(qset.questions())}. {last.label}" in text
    assert f"1 / {len(pages)}" in pages[0] and f"{len(pages)} / {len(pages)}" in pages[-1]
    assert text.index(t["privacy_title"]) > text.index(last.label)  # the notice after
