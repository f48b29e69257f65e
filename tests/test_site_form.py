"""The answering form in Debian's Chromium: every set filled in by its labels and sealed,
conditions, validation, decline, print, keyboard alone, drafts, languages and axe.

Each response is opened with HR's key and checked against its question set, so a page
that seals something the collector would refuse fails here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from conftest import TestKey, assert_accessible, build_site, served
from playwright.sync_api import Page, expect
from site_support import (
    CSP_WATCH,
    OTHER_SAMPLE,
    Filled,
    answer,
    assert_no_csp_violations,
    choose_readers,
    download_response,
    every_type_folder,
    fill_all,
    fill_section,
    go_to_section,
    landing_link_name,
    latest_sets,
    open_set,
    planned_answer,
    press,
    read_response,
    section_of,
    set_url,
    storage_is_empty,
    ui,
    wrapper,
)

from collector import words
from collector.mkdocs_plugin import i18n
from collector.mkdocs_plugin.render_form import number
from collector.model.loading import load_catalog
from collector.model.questionset import Question, QuestionSet, QuestionType
from collector.words import LANGUAGES

pytestmark = pytest.mark.browser

SETS = latest_sets()
SET_PARAMS = [pytest.param(s, id=s.id) for s in SETS]


def by_id(set_id: str) -> QuestionSet | None:
    return next((s for s in SETS if s.id == set_id), None)


# --------------------------------------------------------------------------- whole sets


@pytest.mark.parametrize("origin", ["http", "file"])
@pytest.mark.parametrize("qset", SET_PARAMS)
def test_set_filled_in_and_sealed(
    page: Page,
    request: pytest.FixtureRequest,
    origin: str,
    qset: QuestionSet,
    test_key: TestKey,
) -> None:
    base = request.getfixturevalue(f"{origin}_site")
    open_set(page, base, qset)
    checking = origin == "http"  # axe once per set is enough; it is slow
    if checking:
        assert_accessible(page)
    filled = fill_all(page, qset)
    choose_readers(page, qset, "hr_and_interviewer")
    press(page, ui(qset)["finish"])
    response = download_response(page, qset, test_key)
    payload = response.payload
    assert payload.answers == filled.answers
    assert payload.other == filled.other
    assert (payload.readers, payload.declined, payload.decline_reason) == (
        "hr_and_interviewer",
        False,
        None,
    )
    assert (payload.questionnaire.id, payload.questionnaire.version) == (qset.id, qset.version)
    assert set(payload.wording) == {q.id for q in qset.questions()}
    if checking:
        assert_accessible(page)
    storage_is_empty(page)
    assert_no_csp_violations(page)


@pytest.fixture(scope="module")
def every_type(
    tmp_path_factory: pytest.TempPathFactory, test_key: TestKey
) -> Iterator[tuple[QuestionSet, str]]:
    """A site built from the every-type set, served on 127.0.0.1."""
    tmp = tmp_path_factory.mktemp("every-type")
    folder = every_type_folder(tmp)
    out = tmp / "site"
    env = {"SLUTTSAMTALE_QUESTIONNAIRES": str(folder)}
    result = build_site(out, test_key.pem, extra_env=env, strict=False)
    assert result.returncode == 0, result.stderr
    # Its required questions contradict the notice's "voluntary", and the build says so.
    assert "is required, but the privacy notice says answering is voluntary" in result.stderr
    qset = load_catalog(folder).latest()[0]
    with served(out) as base:
        yield qset, base


def test_every_question_type_filled_in_and_sealed(
    page: Page, every_type: tuple[QuestionSet, str], test_key: TestKey
) -> None:
    qset, base = every_type
    open_set(page, base, qset)
    assert_accessible(page)
    filled = fill_all(page, qset)
    # The planned answers open both conditions: retirement, and "no" to recommending.
    assert set(filled.answers) == {q.id for q in qset.questions()}
    assert set(filled.other) == {"factors"}
    page.get_by_role("radio", name=ui(qset)["readers_hr"], exact=True).check()
    review = page.locator("[data-sl-review]")
    expect(review).to_contain_text("The tasks, Something else: " + OTHER_SAMPLE)
    expect(review).to_contain_text(ui(qset)["no"])
    press(page, ui(qset)["finish"])
    payload = download_response(page, qset, test_key).payload
    assert payload.answers == filled.answers
    assert payload.answers["satisfaction"] == 5 and payload.answers["recommend"] is False
    assert payload.other == {"factors": OTHER_SAMPLE}
    assert payload.wording["recommend"].options == {"yes": "Yes", "no": "No"}
    assert payload.wording["factors"].options == {
        "tasks": "The tasks",
        "pay": "Pay",
        "other": "Something else",
    }
    assert_accessible(page)
    assert_no_csp_violations(page)

    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
    press(page, ui(qset)["copy"])
    expect(page.locator("[data-sl-status]")).to_have_text(ui(qset)["copied"])
    armored = page.get_by_label(ui(qset)["armored_label"]).input_value()
    assert page.evaluate("navigator.clipboard.readText()") == armored


def test_copy_falls_back_without_the_clipboard_api(
    page: Page, every_type: tuple[QuestionSet, str]
) -> None:
    qset, base = every_type
    t = ui(qset)
    # As on a page where navigator.clipboard is missing: select the text, execCommand.
    page.add_init_script("Object.defineProperty(navigator, 'clipboard', {value: undefined})")
    open_set(page, base, qset)
    press(page, t["decline_toggle"])
    page.get_by_role("radio", name=t["readers_hr"], exact=True).check()
    press(page, t["decline_seal"])
    press(page, t["copy"])
    expect(page.locator("[data-sl-status]")).to_have_text(t["copied"])
    area = page.get_by_label(t["armored_label"])
    expect(area).to_be_focused()
    selected = page.evaluate(
        "(() => { const a = document.activeElement; "
        "return a.value.slice(a.selectionStart, a.selectionEnd); })()"
    )
    assert selected == area.input_value() and selected.startswith("-----BEGIN")


def test_other_text_is_limited_and_dropped_with_its_choice(
    page: Page, every_type: tuple[QuestionSet, str]
) -> None:
    qset, base = every_type
    t = ui(qset)
    open_set(page, base, qset)
    reason = qset.question("reason")
    assert reason is not None
    other_box = page.get_by_role("textbox", name="Another reason")
    expect(other_box).to_be_hidden()
    answer(page, qset, reason, "other")
    expect(other_box).to_be_visible()
    other_box.fill("x" * 501)
    page.get_by_label("Last working day").fill("2025-06-30")
    press(page, t["next"])
    summary = page.locator("[data-sl-form] [data-sl-error-summary]")
    expect(summary).to_contain_text(
        t["err_too_long"].format(label=reason.label, max="500", count="501")
    )
    summary.get_by_role("link").click()
    expect(other_box).to_be_focused()
    other_box.fill("A reason of my own")
    assert page.evaluate("Sluttsamtale.form.state().other") == {"reason": "A reason of my own"}
    answer(page, qset, reason, "new_job")
    expect(other_box).to_be_hidden()
    assert page.evaluate("Sluttsamtale.form.state().other") == {}
    page.get_by_role("radio", name="Another reason", exact=True).check()
    expect(other_box).to_have_value("")


def _conditional_case() -> tuple[QuestionSet, str, str]:
    """(set, conditional question, the choice it depends on): Södermalm's retirement
    question when that set is there, else the first choice condition in any set."""
    ordered = sorted(SETS, key=lambda s: s.id != "sodermalm-sv")
    for qset in ordered:
        for q in qset.questions():
            target = qset.question(q.show_if.question) if q.show_if else None
            if target is not None and target.type in {
                QuestionType.single_choice,
                QuestionType.yes_no,
            }:
                return qset, q.id, target.id
    pytest.fail("no question set has a condition on a single choice or yes/no question")


def test_condition_shows_and_drops_the_answer(
    page: Page, http_site: str, test_key: TestKey
) -> None:
    qset, qid, target_id = _conditional_case()
    q, target = qset.question(qid), qset.question(target_id)
    assert q is not None and target is not None and q.show_if is not None
    t = ui(qset)
    if target.type is QuestionType.yes_no:
        on: bool | str = q.show_if.equals[0] == "yes"
        off: bool | str = not on
    else:
        on = q.show_if.equals[0]
        off = next(v for v in target.option_values() if v not in q.show_if.equals)
    here, there = section_of(qset, target), section_of(qset, q)
    state = "Sluttsamtale.form.state().answers"
    open_set(page, http_site, qset)
    fill_all(page, qset)
    page.locator(f'[data-sl-change="{target.id}"]').click()  # the review's Change link

    answer(page, qset, target, on)
    expect(wrapper(page, q)).not_to_have_attribute("hidden", "")
    go_to_section(page, qset, here, there)
    expect(wrapper(page, q)).to_be_visible()
    answer(page, qset, q, planned_answer(qset, q))
    assert qid in page.evaluate(state)
    go_to_section(page, qset, there, here)

    answer(page, qset, target, off)
    expect(wrapper(page, q)).to_have_attribute("hidden", "")
    assert qid not in page.evaluate(state)
    answer(page, qset, target, on)
    expect(wrapper(page, q)).not_to_have_attribute("hidden", "")
    assert qid not in page.evaluate(state), "a hidden answer must not come back"
    if q.type in {QuestionType.short_text, QuestionType.long_text, QuestionType.date}:
        expect(wrapper(page, q).get_by_label(q.label)).to_have_value("")
    else:
        expect(wrapper(page, q).locator("input:checked")).to_have_count(0)

    answer(page, qset, target, off)
    go_to_section(page, qset, here, len(qset.sections))
    choose_readers(page, qset)
    press(page, t["finish"])
    payload = download_response(page, qset, test_key).payload
    assert qid not in payload.answers
    assert payload.answers[target_id] == off


# --------------------------------------------------------------------------- validation


def test_finish_without_the_reader_choice_shows_the_error_summary(
    page: Page, http_site: str
) -> None:
    # No shipped question is required (answering is voluntary); the reader choice is the
    # one answer the page asks for, and missing it gets the GOV.UK error summary.
    qset = SETS[0]
    t = ui(qset)
    open_set(page, http_site, qset)
    filled = Filled({}, {})
    for i in range(len(qset.sections)):
        fill_section(page, qset, i, filled)
        press(page, t["next"])
    press(page, t["finish"])

    summary = page.locator("[data-sl-form] [data-sl-error-summary]")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary).to_have_attribute("role", "alert")
    expect(summary.get_by_role("heading")).to_have_text(t["error_summary_title"])
    links = summary.get_by_role("link")
    expect(links).to_have_count(1)
    expect(links).to_have_text(re.compile(re.escape(t["err_readers"])))
    expect(page.locator("[data-sl-progress-text]")).to_have_text(
        t["progress"].format(n=len(qset.sections) + 1, total=len(qset.sections) + 1)
    )
    expect(page.locator("#sl-readers--error")).to_be_visible()
    links.first.click()
    expect(page.locator("#sl-readers")).to_be_focused()
    assert_accessible(page)
    # Chosen, the error goes with the next try.
    choose_readers(page, qset, "hr")
    press(page, t["finish"])
    expect(summary).to_be_hidden()
    expect(page.locator("[data-sl-result]")).to_be_visible()


def _open_at(page: Page, base: str, qset: QuestionSet, q: Question) -> None:
    """Open the set and answer the sections before q's."""
    open_set(page, base, qset)
    filled = Filled({}, {})
    for index in range(section_of(qset, q)):
        fill_section(page, qset, index, filled)
        press(page, ui(qset)["next"])


def _first_unconditional(kind: QuestionType) -> tuple[QuestionSet, Question]:
    for qset in SETS:
        for q in qset.questions():
            if q.type is kind and q.show_if is None:
                return qset, q
    pytest.fail(f"no question set has an unconditional {kind.value} question")


def test_text_longer_than_its_limit(page: Page, http_site: str) -> None:
    qset, q = _first_unconditional(QuestionType.short_text)
    t = ui(qset)
    _open_at(page, http_site, qset, q)
    wrapper(page, q).get_by_label(q.label).fill("å" * (q.text_limit + 1))
    press(page, t["next"])
    expect(page.locator("[data-sl-form] [data-sl-error-summary]")).to_contain_text(
        t["err_too_long"].format(
            label=q.label, max=number(q.text_limit, t), count=number(q.text_limit + 1, t)
        )
    )
    expect(page.locator(f"#sl-q-{q.id}")).to_have_attribute("aria-invalid", "true")


def test_half_typed_date(page: Page, http_site: str) -> None:
    qset, q = _first_unconditional(QuestionType.date)
    t = ui(qset)
    _open_at(page, http_site, qset, q)
    field = wrapper(page, q).get_by_label(q.label)
    field.focus()
    page.keyboard.type("31")  # a day without month and year
    press(page, t["next"])
    example = "2027-01-31" if qset.language == "sv" else "31.01.2027"
    message = t["err_date"].format(label=q.label, format=t["date_format"], example=example)
    expect(page.locator("[data-sl-form] [data-sl-error-summary]")).to_contain_text(message)
    expect(field).to_have_attribute("aria-invalid", "true")


def test_finish_without_readers_points_to_the_choice(page: Page, http_site: str) -> None:
    qset = SETS[0]
    t = ui(qset)
    open_set(page, http_site, qset)
    fill_all(page, qset)
    press(page, t["finish"])
    summary = page.locator("[data-sl-form] [data-sl-error-summary]")
    expect(summary).to_be_focused()
    summary.get_by_role("link", name=re.compile(re.escape(t["err_readers"]))).click()
    expect(page.locator("#sl-readers")).to_be_focused()
    expect(page.locator("#sl-readers")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("[data-sl-result]")).to_be_hidden()


# --------------------------------------------------------------------------- decline


def test_decline_with_reason(page: Page, http_site: str, test_key: TestKey) -> None:
    qset = SETS[-1]
    t = ui(qset)
    open_set(page, http_site, qset)
    toggle = page.get_by_role("button", name=t["decline_toggle"])
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    reason = page.get_by_label(t["decline_reason"])
    expect(reason).to_be_focused()
    press(page, t["decline_seal"])
    summary = page.locator("[data-sl-decline-form] [data-sl-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text(t["err_readers"])
    reason.fill("Jeg har sagt det jeg ville «før» – takk.\nHilsen meg")
    page.get_by_role("radio", name=t["readers_statistics"], exact=True).check()
    press(page, t["decline_seal"])
    expect(page.locator("[data-sl-result-title]")).to_have_text(t["result_declined_title"])
    payload = download_response(page, qset, test_key).payload
    assert payload.declined is True
    assert payload.answers == {}
    assert payload.decline_reason == "Jeg har sagt det jeg ville «før» – takk.\nHilsen meg"
    assert payload.readers == "statistics"


# --------------------------------------------------------------------------- print, no JS


def test_print_view_shows_every_question_and_no_inputs(page: Page, http_site: str) -> None:
    qset = max(SETS, key=lambda s: len(s.questions()))
    open_set(page, http_site, qset)
    page.emulate_media(media="print")
    for q in qset.questions():
        expect(wrapper(page, q)).to_be_visible()
        expect(wrapper(page, q)).to_contain_text(q.label)
        for o in q.options or []:
            expect(wrapper(page, q)).to_contain_text(o.label)
        if q.help:
            expect(wrapper(page, q)).to_contain_text(q.help.split("\n")[0].strip())
    for selector in ("input", "textarea", "button", ".md-header", "[data-sl-progress]"):
        for element in page.locator(selector).all():
            expect(element).to_be_hidden()
    page.emulate_media(media="screen")
    expect(page.get_by_role("button", name=ui(qset)["next"])).to_be_visible()


def test_print_button_calls_print(page: Page, http_site: str) -> None:
    qset = SETS[0]
    page.add_init_script("window.print = () => { window.__printed = true; };")
    open_set(page, http_site, qset)
    press(page, ui(qset)["print"])
    assert page.evaluate("window.__printed") is True


def test_without_javascript_every_section_shows(browser, http_site: str) -> None:  # type: ignore[no-untyped-def]
    qset = SETS[0]
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(set_url(http_site, qset))
        for i in range(len(qset.sections) + 1):
            expect(page.locator(f"#sl-section-{i}")).to_be_visible()
        # Playwright turns scripts off without telling the parser, so <noscript> stays
        # unparsed text here; a real browser without JavaScript shows it.
        assert ui(qset)["noscript"] in (page.locator("noscript").text_content() or "")
        expect(page.locator("[data-sl-nav]")).to_be_hidden()
    finally:
        context.close()


# --------------------------------------------------------------------------- keyboard

_FOCUS = """() => {
  const a = document.activeElement;
  const w = a && a.closest('[data-sl-question]');
  return {
    tag: a ? a.tagName : null, type: a && a.type || null, name: a && a.name || null,
    qid: w ? w.dataset.slQuestion : null, kind: w ? w.dataset.slType : null,
    next: !!(a && a.matches('[data-sl-next]')), finish: !!(a && a.matches('[data-sl-finish]')),
    download: !!(a && a.matches('[data-sl-download]')),
  };
}"""


def test_one_set_with_the_keyboard_alone(page: Page, http_site: str, test_key: TestKey) -> None:
    qset = min(SETS, key=lambda s: len(s.questions()))
    open_set(page, http_site, qset)
    answered: set[str] = set()
    readers = False
    for _ in range(600):
        page.keyboard.press("Tab")
        f = page.evaluate(_FOCUS)
        if f["next"]:
            page.keyboard.press("Enter")
        elif f["finish"]:
            assert readers, "Finish came before the readers choice"
            page.keyboard.press("Enter")
            break
        elif f["name"] == "readers" and not readers:
            page.keyboard.press("ArrowDown")  # moves to and selects the second choice
            readers = True
        elif f["qid"] and f["qid"] not in answered and f["name"] == f["qid"]:
            answered.add(f["qid"])
            if f["type"] in {"radio", "checkbox"}:
                page.keyboard.press("Space")
            elif f["kind"] == "date":
                # Up on each part (day, month, year in the browser's order) gives today's.
                for key in ("ArrowUp", "Tab", "ArrowUp", "Tab", "ArrowUp"):
                    page.keyboard.press(key)
            else:
                page.keyboard.type("Skrevet med tastaturet")
    else:
        pytest.fail("never reached Finish by tabbing")
    expect(page.locator("[data-sl-result-title]")).to_be_focused()
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate(_FOCUS)["download"]:
            break
    with page.expect_download() as info:
        page.keyboard.press("Enter")
    payload = read_response(page, info.value, qset, test_key).payload
    assert payload.readers == "hr_and_interviewer"
    required = {q.id for q in qset.questions() if q.required and q.show_if is None}
    assert required <= set(payload.answers)


# --------------------------------------------------------------------------- languages, axe


@pytest.mark.parametrize("qset", SET_PARAMS)
def test_page_speaks_the_set_language(page: Page, http_site: str, qset: QuestionSet) -> None:
    t = ui(qset)
    open_set(page, http_site, qset)
    expect(page.locator("html")).to_have_attribute("lang", qset.language)
    # The notice is one click away, in place (a disclosure), and in the page's language.
    summary = page.locator("summary", has_text=t["about_summary"])
    expect(page.get_by_role("heading", name=t["privacy_title"])).to_be_hidden()
    summary.click()
    expect(page.get_by_role("heading", name=t["privacy_title"])).to_be_visible()
    expect(page.locator(".sl-header__name")).to_have_text(t["site_name"])
    expect(page).to_have_title(f"{qset.title} - {t['site_name']}")
    expect(page.get_by_role("button", name=t["next"], exact=True)).to_be_visible()
    link = page.get_by_role("link", name=t["protection_link"])
    expect(link).to_have_attribute("href", f"../protection/{qset.language}.html")
    assert_no_csp_violations(page)


def test_every_language_has_every_string() -> None:
    assert words.missing_keys() == {}
    for lang in LANGUAGES:
        assert len(set(i18n.text(lang).values())) > 50


def test_landing_and_protection_pages_are_accessible(page: Page, http_site: str) -> None:
    page.add_init_script(CSP_WATCH)
    page.goto(f"{http_site}/index.html")
    for qset in SETS:
        link = page.get_by_role("link", name=landing_link_name(qset), exact=True)
        expect(link).to_have_attribute("hreflang", qset.language)
        expect(page.locator(f'li[lang="{qset.language}"]', has=link)).to_have_count(1)
    assert_accessible(page)
    for lang in LANGUAGES:
        page.goto(f"{http_site}/index.html")
        name = f"{i18n.text(lang)['protection_link']} ({i18n.LANGUAGE_NAMES[lang]})"
        page.get_by_role("link", name=name, exact=True).click()
        expect(page).to_have_url(re.compile(rf"/protection/{lang}\.html$"))
        expect(page.locator("html")).to_have_attribute("lang", lang)
        assert_accessible(page)
    assert_no_csp_violations(page)


def test_unsupported_browser_gets_an_alert_and_no_finish(page: Page, http_site: str) -> None:
    # As in Chrome before 133, Firefox before 130, Safari before 17: no X25519 in WebCrypto.
    page.add_init_script(
        """const generate = crypto.subtle.generateKey.bind(crypto.subtle);
        crypto.subtle.generateKey = (alg, ...rest) =>
          (alg && (alg.name || alg) === 'X25519')
            ? Promise.reject(new DOMException('X25519', 'NotSupportedError'))
            : generate(alg, ...rest);"""
    )
    qset = SETS[0]
    t = ui(qset)
    open_set(page, http_site, qset)
    alert = page.get_by_role("alert").filter(has_text=t["unsupported_title"])
    expect(alert).to_be_visible()
    expect(page.locator("[data-sl-finish]")).to_be_disabled()
    expect(page.locator("[data-sl-decline-seal]")).to_be_disabled()


def test_a_page_whose_key_id_was_altered_seals_nothing(
    page: Page, http_site: str, test_key: TestKey
) -> None:
    qset = SETS[0]
    t = ui(qset)

    def altered(route):  # type: ignore[no-untyped-def]
        body = route.fetch().text().replace(test_key.key_id, "0" * 32)
        route.fulfill(body=body, headers={"content-type": "text/html; charset=utf-8"})

    page.route(f"**/sets/{qset.id}.html", altered)
    open_set(page, http_site, qset)
    fill_all(page, qset)
    choose_readers(page, qset)
    press(page, t["finish"])
    summary = page.locator("[data-sl-form] [data-sl-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text(t["seal_failed"].split("{")[0])
    expect(page.locator("[data-sl-result]")).to_be_hidden()
    expect(page.locator("[data-sl-finish]")).to_be_enabled()


def test_csp_is_in_force(page: Page, http_site: str) -> None:
    qset = SETS[0]
    open_set(page, http_site, qset)
    first = page.evaluate("document.head.firstElementChild.outerHTML")
    assert first.startswith('<meta http-equiv="Content-Security-Policy"')
    outcome = page.evaluate("fetch(location.href).then(() => 'fetched', () => 'blocked')")
    assert outcome == "blocked"


# --------------------------------------------------------------------------- drafts

PASSPHRASE = "lang nok frase æøå"


def test_draft_save_restore_and_erase(page: Page, http_site: str) -> None:
    qset = SETS[0]
    t = ui(qset)
    open_set(page, http_site, qset)
    filled = Filled({}, {})
    fill_section(page, qset, 0, filled)
    press(page, t["next"])
    storage_is_empty(page)

    toggle = page.get_by_role("button", name=t["save_draft"], exact=True)
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    panel = page.locator("[data-sl-save-panel]")
    panel.get_by_label(t["passphrase"], exact=True).fill("kort")
    press(page, t["save"])
    expect(panel).to_contain_text(t["err_pass_short"])
    panel.get_by_label(t["passphrase"], exact=True).fill(PASSPHRASE)
    panel.get_by_label(t["passphrase_again"]).fill(PASSPHRASE + "x")
    press(page, t["save"])
    expect(panel).to_contain_text(t["err_pass_mismatch"])
    panel.get_by_label(t["passphrase_again"]).fill(PASSPHRASE)
    press(page, t["save"])
    expect(page.locator("[data-sl-status]")).to_have_text(t["saved"])
    expect(panel).to_be_hidden()

    page.reload()
    restore = page.locator("[data-sl-restore]")
    expect(restore).to_be_visible()
    assert_accessible(page)
    restore.get_by_label(t["passphrase"]).fill("feil passordfrase")
    press(page, t["restore"])
    expect(restore).to_contain_text(t["err_wrong_pass"])
    expect(restore.get_by_label(t["passphrase"])).to_have_attribute("aria-invalid", "true")
    restore.get_by_label(t["passphrase"]).fill(PASSPHRASE)
    press(page, t["restore"])
    expect(page.locator("[data-sl-status]")).to_have_text(t["restored"])
    expect(restore).to_be_hidden()
    state = page.evaluate("Sluttsamtale.form.state()")
    assert state["answers"] == filled.answers
    assert state["section"] == 1
    expect(page.locator("#sl-section-1")).to_be_visible()
    text_qs = [
        q
        for q in qset.sections[0].questions
        if q.type in {QuestionType.short_text, QuestionType.long_text} and q.id in filled.answers
    ]
    for q in text_qs:
        expect(wrapper(page, q).get_by_label(q.label)).to_have_value(str(filled.answers[q.id]))

    # The tools are on the start and the review, not between the questions.
    expect(page.get_by_role("button", name=t["erase_all"], exact=True)).to_be_hidden()
    press(page, t["back"])
    press(page, t["erase_all"])
    expect(page.locator("[data-sl-status]")).to_have_text(t["erased"])
    storage_is_empty(page)
    page.reload()
    expect(page.locator("[data-sl-progress]")).to_be_visible()
    expect(page.locator("[data-sl-restore]")).to_be_hidden()
