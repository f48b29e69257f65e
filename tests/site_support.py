"""Helpers for the answering site's browser tests: fill a set in by its labels, finish,
capture the response file and open it with HR's key.

The question sets are the real ones (SLUTTSAMTALE_QUESTIONNAIRES, else questionnaires/),
so every set the site ships is answered end to end.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from conftest import ROOT, TestKey
from playwright.sync_api import Download, Locator, Page, expect

from collector.formats import hpke, keys, links
from collector.formats import payload as payload_format
from collector.mkdocs_plugin import i18n
from collector.model.loading import load_catalog
from collector.model.payload import AnswerValue, Payload, check_payload, is_visible
from collector.model.questionset import CHOICE_TYPES, Question, QuestionSet, QuestionType

LONG_SAMPLE = 'Svar «æøå ÆØÅ» "sitat" </script> & <b>ikke fet</b>\nny linje 🙂'
SHORT_SAMPLE = 'Kort «svar» </script> & "æøå"'  # a text field drops line breaks
OTHER_SAMPLE = "Noe helt annet"
DATE_SAMPLE = "2025-06-30"

# Records Content-Security-Policy violations from the first moment of every document.
CSP_WATCH = (
    "window.__cspViolations = [];"
    "document.addEventListener('securitypolicyviolation', e =>"
    " window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));"
)


# Every question type and feature the form has, whether or not the shipped sets use it:
# multiple choice, "other, namely", a scale, a text limit, conditions on yes/no and choices.
EVERY_TYPE_YAML = """\
id: every-type
version: 3
language: en
title: Every question type </script> & <b>"quotes"</b>
introduction: |
  A set for the tests, with one question of each kind.

  And a second paragraph.
sections:
  - id: facts
    title: Facts
    intro: About the job.
    questions:
      - {id: name, type: short_text, label: Your name, prefill: name}
      - {id: last_day, type: date, label: Last working day, required: true}
      - id: reason
        type: single_choice
        label: Why are you leaving?
        required: true
        options:
          - {value: new_job, label: A new job}
          - {value: retirement, label: Retirement}
        other: true
        other_label: Another reason
      - id: plans
        type: long_text
        label: What will you do in retirement?
        max_length: 300
        show_if: {question: reason, equals: [retirement]}
  - id: work
    title: The work
    questions:
      - id: factors
        type: multiple_choice
        label: What mattered most?
        help: Choose all that apply.
        required: true
        options:
          - {value: tasks, label: The tasks}
          - {value: pay, label: Pay}
        other: true
        other_label: Something else
      - id: satisfaction
        type: scale
        label: How satisfied were you?
        required: true
        scale: {min: 1, max: 5, min_label: Very unhappy, max_label: Very happy}
      - {id: recommend, type: yes_no, label: "Would you recommend us?"}
      - id: why_not
        type: long_text
        label: Why not?
        show_if: {question: recommend, equals: ["no"]}
"""


def every_type_folder(tmp: Path) -> Path:
    """The shipped employer.yml with the every-type set beside it."""
    folder = tmp / "questionnaires"
    folder.mkdir()
    shutil.copy(questionnaire_folder() / "employer.yml", folder / "employer.yml")
    (folder / "every-type.yml").write_text(EVERY_TYPE_YAML, encoding="utf-8")
    return folder


def questionnaire_folder() -> Path:
    return ROOT / "questionnaires"


def latest_sets() -> list[QuestionSet]:
    return load_catalog(questionnaire_folder()).latest()


def ui(qset: QuestionSet) -> dict[str, str]:
    return i18n.text(qset.language)


def landing_link_name(qset: QuestionSet) -> str:
    """A set's link on the landing page: its title and its language's name."""
    return f"{qset.title} ({i18n.LANGUAGE_NAMES[qset.language]})"


def set_url(base: str, qset: QuestionSet) -> str:
    return f"{base}/sets/{qset.id}.html"


def open_set(page: Page, base: str, qset: QuestionSet) -> None:
    page.add_init_script(CSP_WATCH)
    page.goto(set_url(base, qset))
    # form.js shows the progress once it has taken over the page.
    expect(page.locator("[data-sl-progress]")).to_be_visible()


def assert_no_csp_violations(page: Page) -> None:
    assert page.evaluate("window.__cspViolations || []") == []


# --------------------------------------------------------------------------- answers


def _triggers(qset: QuestionSet) -> dict[str, list[str]]:
    """For each question, the values that show some later question."""
    out: dict[str, list[str]] = {}
    for q in qset.questions():
        if q.show_if:
            out.setdefault(q.show_if.question, []).extend(q.show_if.equals)
    return out


def planned_answer(qset: QuestionSet, q: Question) -> AnswerValue:
    """An answer for q that also opens as many conditional questions as it can."""
    wanted = _triggers(qset).get(q.id, [])
    if q.type is QuestionType.short_text:
        return SHORT_SAMPLE[: q.text_limit]
    if q.type is QuestionType.long_text:
        return LONG_SAMPLE[: q.text_limit]
    if q.type is QuestionType.date:
        return DATE_SAMPLE
    if q.type is QuestionType.scale:
        assert q.scale is not None
        return q.scale.max
    if q.type is QuestionType.yes_no:
        return "no" not in wanted or "yes" in wanted
    values = q.option_values()
    if q.type is QuestionType.single_choice:
        return next((v for v in values if v in wanted), values[0])
    picked = [v for v in values if v in wanted] or values[:1]
    if q.other and "other" not in picked:
        picked.append("other")
    return [v for v in values if v in picked]


def _option_name(qset: QuestionSet, q: Question, value: str) -> str:
    if q.type is QuestionType.yes_no:
        return ui(qset)["yes" if value == "yes" else "no"]
    if q.type is QuestionType.scale:
        assert q.scale is not None
        n = int(value)
        end = {q.scale.min: q.scale.min_label, q.scale.max: q.scale.max_label}.get(n)
        return f"{n} – {end}" if end else str(n)
    if value == "other":
        return q.other_label or ""
    return next(o.label for o in q.options or [] if o.value == value)


def wrapper(page: Page, q: Question) -> Locator:
    return page.locator(f'[data-sl-question="{q.id}"]')


def answer(page: Page, qset: QuestionSet, q: Question, value: AnswerValue) -> None:
    """Answer one question the way a person would find it: by its label."""
    box = wrapper(page, q)
    if q.type in {QuestionType.short_text, QuestionType.long_text, QuestionType.date}:
        box.get_by_label(q.label).fill(str(value))
        return
    group = box.get_by_role("group", name=q.label)
    if q.type is QuestionType.multiple_choice:
        assert isinstance(value, list)
        for v in value:
            group.get_by_role("checkbox", name=_option_name(qset, q, v), exact=True).check()
    else:
        v = ("yes" if value else "no") if isinstance(value, bool) else str(value)
        group.get_by_role("radio", name=_option_name(qset, q, v), exact=True).check()
    if q.type in CHOICE_TYPES and chose_other(value):
        box.get_by_role("textbox", name=q.other_label).fill(OTHER_SAMPLE)


def chose_other(value: AnswerValue) -> bool:
    return value == "other" or (isinstance(value, list) and "other" in value)


def press(page: Page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()


@dataclass
class Filled:
    answers: dict[str, AnswerValue]
    other: dict[str, str]


def fill_section(page: Page, qset: QuestionSet, index: int, filled: Filled) -> None:
    """Answer every visible question of one section by its label, checking that exactly the
    questions whose conditions hold are shown."""
    t = ui(qset)
    expect(page.locator(f"#sl-section-{index}")).to_be_visible()
    expect(page.locator("[data-sl-progress-text]")).to_have_text(
        t["progress"].format(n=index + 1, total=len(qset.sections) + 1)
    )
    for q in qset.sections[index].questions:
        if not is_visible(q, filled.answers):
            expect(wrapper(page, q)).to_be_hidden()
            continue
        expect(wrapper(page, q)).to_be_visible()
        value = planned_answer(qset, q)
        answer(page, qset, q, value)
        filled.answers[q.id] = value
        if q.other and chose_other(value):
            filled.other[q.id] = OTHER_SAMPLE


def fill_all(page: Page, qset: QuestionSet) -> Filled:
    """Answer every visible question, section by section, pressing Next after each."""
    filled = Filled({}, {})
    for index in range(len(qset.sections)):
        fill_section(page, qset, index, filled)
        press(page, ui(qset)["next"])
    return filled


def go_to_section(page: Page, qset: QuestionSet, current: int, wanted: int) -> None:
    """Move with Next and Back (every section on the way must already be complete)."""
    t = ui(qset)
    for _ in range(abs(wanted - current)):
        press(page, t["next"] if wanted > current else t["back"])
    expect(page.locator(f"#sl-section-{wanted}")).to_be_visible()


def section_of(qset: QuestionSet, q: Question) -> int:
    return next(i for i, s in enumerate(qset.sections) if q in s.questions)


def choose_readers(page: Page, qset: QuestionSet, readers: str = "hr") -> None:
    page.get_by_role("radio", name=ui(qset)[f"readers_{readers}"], exact=True).check()


@dataclass
class Response:
    file_name: str
    data: bytes
    payload: Payload


def download_response(
    page: Page, qset: QuestionSet, key: TestKey, link_secret: bytes | None = None
) -> Response:
    """Take the file from the result's download link; check it is a valid response (bound
    to the invitation link whose secret is given, else unbound)."""
    result = page.locator("[data-sl-result]")
    expect(result.get_by_role("heading", level=2)).to_be_focused()
    t = ui(qset)
    declined = result.get_by_role("heading", name=t["result_declined_title"]).count() > 0
    name = t["download_declined"] if declined else t["download"]
    with page.expect_download() as info:
        result.get_by_role("link", name=name).click()
    return read_response(page, info.value, qset, key, link_secret)


def read_response(
    page: Page,
    download: Download,
    qset: QuestionSet,
    key: TestKey,
    link_secret: bytes | None = None,
) -> Response:
    """Open a downloaded response with HR's key and check it as the collector would."""
    t = ui(qset)
    result = page.locator("[data-sl-result]")
    data = Path(download.path()).read_bytes()
    envelope = json.loads(data)
    assert list(envelope) == ["format", "parts"]
    assert envelope["format"] == "sluttsamtale-response/2"
    assert [p["key_id"] for p in envelope["parts"]] == [key.key_id]
    part = envelope["parts"][0]
    assert part.get("link") == (links.link_id(link_secret) if link_secret else None)
    sealed = base64.b64decode(part["sealed"])
    plain = hpke.open_sealed(sealed, key.private, link_secret)
    payload = payload_format.parse(plain)
    check_payload(payload, qset, now=datetime.now(UTC))
    digest = hashlib.sha256(data).hexdigest()
    assert re.fullmatch(
        rf"sluttsamtale-\d{{4}}-\d{{2}}-\d{{2}}-{digest[:6]}\.json", download.suggested_filename
    )
    receipt = f"{digest[0:4]}-{digest[4:8]}-{digest[8:12]}"
    expect(result.locator("[data-sl-receipt]")).to_have_text(receipt)
    expect(result.get_by_label(t["armored_label"])).to_have_value(
        re.compile(r"^-----BEGIN SLUTTSAMTALE RESPONSE-----\n")
    )
    expect(result).to_contain_text(keys.fingerprint(key.key_id))
    return Response(download.suggested_filename, data, payload)


def storage_is_empty(page: Page) -> None:
    found = page.evaluate(
        """async () => ({
            local: localStorage.length,
            session: sessionStorage.length,
            cookies: document.cookie,
            databases: indexedDB.databases ? (await indexedDB.databases()).length : 0,
        })"""
    )
    assert found == {"local": 0, "session": 0, "cookies": "", "databases": 0}
