"""The whistleblowing channel (spec/FORMAT.md 7.1, issue 9.2): with a receiver's key named in
employer.yml, every file the page seals has two parts of fixed sizes, HR's and the
receiver's, whether or not anything was reported; answers to special questions and the
contact details the employee chooses to give are sealed only to the receiver; HR's tools
say nothing about the channel and cannot tell from a file who used it; HR forwards every
file unchanged (`import --forward-to`) and the receiver imports them into their own store.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, build_site, served
from playwright.sync_api import Page, expect
from site_support import (
    answer,
    choose_readers,
    every_type_folder,
    latest_sets,
    planned_answer,
    press,
    set_url,
    ui,
)
from workflow_support import answers_nb, db_bytes, run

from collector.formats import envelope, keyfile, keys
from collector.mkdocs_plugin import i18n
from collector.model.loading import load_catalog
from collector.model.payload import Contact, PayloadError, check_payload, is_visible
from collector.model.questionset import QuestionSet
from collector.render import mail
from collector.render.promises import promises
from collector.words import catalogue
from testing import pagesim
from testing.fixtures import PASSPHRASE, Flow, _key_template, isolate_real

CLI = catalogue("en")["cli"]

QSET = next(s for s in latest_sets() if s.id == "kommune-nb")
SPECIAL = [q.id for q in QSET.questions() if q.special]
CANARY = "CANARY-wb-9f31 the leader falsified the safety rounds"
CONTACT = "reporter-7c2e@example.org"
RECEIVER_PEM = "receiver-public.pem"


@dataclass(frozen=True)
class Receiver:
    key: Path
    pem: Path
    key_id: str


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    """The whistleblowing receiver's own key file (a real one, as `keygen` writes it)."""
    with tempfile.TemporaryDirectory() as folder:
        key, pem, kid = keyfile.generate(Path(folder), PASSPHRASE)
        yield Receiver(key, pem, kid)


def name_receiver(folder: Path, receiver: Receiver) -> None:
    """employer.yml names the receiver's key: the one setting the build and `invite` read."""
    shutil.copyfile(receiver.pem, folder / RECEIVER_PEM)
    path = folder / "employer.yml"
    employer = yaml.safe_load(path.read_text(encoding="utf-8"))
    employer["whistleblowing_key"] = RECEIVER_PEM
    path.write_text(yaml.safe_dump(employer, allow_unicode=True), encoding="utf-8")


@pytest.fixture(scope="module")
def wb_site(tmp_path_factory: pytest.TempPathFactory, receiver: Receiver) -> Iterator[str]:
    """The real site built with HR's key and, from employer.yml, the receiver's; served."""
    tmp = tmp_path_factory.mktemp("wb-site")
    pem = tmp / "hr-public.pem"
    pem.write_bytes(_key_template()[1])
    folder = tmp / "questionnaires"
    shutil.copytree(ROOT / "questionnaires", folder)
    name_receiver(folder, receiver)
    out = tmp / "site"
    result = build_site(out, pem, extra_env={"SLUTTSAMTALE_QUESTIONNAIRES": str(folder)})
    assert result.returncode == 0, result.stderr
    with served(out) as base:
        yield base


@pytest.fixture
def flow(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, receiver: Receiver) -> Flow:
    flow = isolate_real(tmp_path / "hr", monkeypatch)
    name_receiver(flow.questionnaires, receiver)
    # The page seals with the browser's clock, so the collector's must be the real one too.
    now = datetime.now(UTC).replace(microsecond=0)
    monkeypatch.setenv("SLUTTSAMTALE_NOW", now.isoformat().replace("+00:00", "Z"))
    return flow


def receiver_env(tmp_path: Path, receiver: Receiver) -> dict[str, str]:
    """The receiver's own store and key: nothing shared with HR's."""
    return {"SLUTTSAMTALE_DB": str(tmp_path / "receiver.db"), "SLUTTSAMTALE_KEY": str(receiver.key)}


def import_file(data: bytes, where: Path, env: dict[str, str] | None = None, *extra: str) -> str:
    where.mkdir(parents=True, exist_ok=True)
    path = where / "response.json"
    path.write_bytes(data)
    result = run("import", *extra, str(path), env=env)
    assert result.exit_code == 0, result.output
    return result.output


def fill(page: Page, qset: QuestionSet, special_text: str | None, contact: str | None) -> None:
    """Answer every visible question; the special one with `special_text` (None: skip it),
    and the receiver's e-mail contact field with `contact` (None: leave it empty)."""
    answers: dict[str, object] = {}
    for section in qset.sections:
        for q in section.questions:
            if not is_visible(q, answers):  # type: ignore[arg-type]
                continue
            if q.special:
                if special_text is not None:
                    answer(page, qset, q, special_text)
                continue
            value = planned_answer(qset, q)
            answer(page, qset, q, value)
            answers[q.id] = value
        if contact is not None and page.locator("#sl-contact-email").is_visible():
            page.locator("#sl-contact-email").fill(contact)
        press(page, ui(qset)["next"])
    choose_readers(page, qset, "hr")
    press(page, ui(qset)["finish"])


def download(page: Page, qset: QuestionSet) -> bytes:
    result = page.locator("[data-sl-result]")
    expect(result.get_by_role("heading", level=2)).to_be_focused()
    with page.expect_download() as info:
        result.get_by_role("link", name=ui(qset)["download"]).click()
    return Path(info.value.path()).read_bytes()


def hr_sees_nothing_of_the_channel(flow: Flow, tmp_path: Path) -> None:
    """Every HR command and the store: no answer, no contact, no word of the channel."""
    listed = run("list", "--json")
    [entry] = json.loads(listed.stdout)["responses"]
    outputs = [
        listed.output,
        run("list").output,
        run("show", entry["id"]).output,
        run("show", entry["id"], "--json").output,
        run("show", entry["id"], "--format", "html").output,
        run("status").output,
        run("report", "--out", str(tmp_path / "report.html"), "--min-group", "1").output,
    ]
    for text in outputs:
        assert CANARY not in text and CONTACT not in text
        assert "whistleblow" not in text.lower() and "varsling" not in text.lower()
    assert CANARY.encode() not in db_bytes(flow.db) and CONTACT.encode() not in db_bytes(flow.db)
    assert entry["special"] is False


# --------------------------------------------------------------------------- browser


@pytest.mark.browser
def test_a_report_with_contact_goes_only_to_the_receiver(
    page: Page, wb_site: str, receiver: Receiver, flow: Flow, tmp_path: Path
) -> None:
    t = i18n.text(QSET.language)
    page.goto(set_url(wb_site, QSET))
    # Both keys, and where special answers go, said from the configuration.
    expect(page.locator("[data-sl-wb-key]")).to_contain_text(keys.fingerprint(receiver.key_id))
    # What the receiver's fingerprint means is in the notice's disclosure, one click away.
    page.locator("[data-sl-about] summary").click()
    expect(page.locator(".sl-key-help")).to_contain_text(t["wb_fingerprint_help"])
    special_q = next(q for q in QSET.questions() if q.special)
    expect(page.locator(f'[data-sl-question="{special_q.id}"]')).to_contain_text(
        t["wb_question_hint"]
    )
    said = promises(load_catalog(flow.questionnaires).employer, "nb", receiver=True)
    expect(page.locator("[data-sl-promises]")).to_contain_text(said.who_opens)
    fill(page, QSET, CANARY, CONTACT)
    data = download(page, QSET)

    parts = envelope.parse(data).parts
    hr_kid = keys.key_id(flow.public_raw)
    assert [p.key_id for p in parts] == [hr_kid, receiver.key_id]
    # 32768 bytes of plaintext, sealed: 48 more.
    assert len(parts[1].sealed) == 32768 + 48

    # HR: the rest of the answers, nothing of the channel; the file goes on unchanged.
    forward = tmp_path / "to-receiver"
    hr_out = import_file(data, tmp_path / "hr-inbox", None, "--forward-to", str(forward))
    assert "special information" not in hr_out and CANARY not in hr_out
    hr_sees_nothing_of_the_channel(flow, tmp_path)
    # Only the receiver's part goes on, as a file of its own: HR's part and its link stay.
    [forwarded] = list(forward.iterdir())
    [sent] = envelope.parse(forwarded.read_bytes()).parts
    assert (sent.key_id, sent.sealed, sent.link) == (receiver.key_id, parts[1].sealed, None)
    [hr_entry] = json.loads(run("list", "--json").stdout)["responses"]

    # The receiver: the forwarded file, their own key and store, the report and the contact.
    env = receiver_env(tmp_path, receiver)
    wb_out = import_file(forwarded.read_bytes(), tmp_path / "wb-inbox", env)
    assert "special information: the employer must assess it" in wb_out
    [wb_entry] = json.loads(run("list", "--json", env=env).stdout)["responses"]
    # The receiver's own identifiers: nothing they quote can be matched with HR's records.
    assert wb_entry["id"] != hr_entry["id"] and wb_entry["receipt"] != hr_entry["receipt"]
    receiver_views = run("list", env=env).output + wb_out
    assert hr_entry["id"][:8] not in receiver_views and hr_entry["receipt"] not in receiver_views
    wb_shown = run("show", wb_entry["id"], env=env)
    assert CANARY in wb_shown.output and CONTACT in wb_shown.output
    wb_payload = json.loads(run("show", wb_entry["id"], "--json", env=env).stdout)
    assert wb_payload["scope"] == "whistleblowing"
    assert wb_payload["answers"] == {special_q.id: CANARY}
    assert wb_payload["contact"] == {"email": CONTACT}
    assert wb_payload["response_id"] == wb_entry["id"] != hr_entry["id"]
    status = json.loads(run("status", "--json", env=env).stdout)
    [case] = status["followups"]
    assert case["response_id"] == wb_entry["id"] and "anonymous" not in case


@pytest.mark.browser
def test_without_a_report_the_file_has_the_same_shape_and_length(
    page: Page, wb_site: str, receiver: Receiver, flow: Flow, tmp_path: Path
) -> None:
    page.goto(set_url(wb_site, QSET))
    fill(page, QSET, CANARY, None)
    with_report = download(page, QSET)
    page.goto(set_url(wb_site, QSET))
    # Contact details typed, but nothing reported: they are not sent.
    fill(page, QSET, None, CONTACT)
    without = download(page, QSET)
    shape = [[p.key_id, len(p.sealed), p.link] for p in envelope.parse(with_report).parts]
    assert shape == [[p.key_id, len(p.sealed), p.link] for p in envelope.parse(without).parts]
    assert len(with_report) == len(without)

    import_file(without, tmp_path / "hr-inbox")
    hr_sees_nothing_of_the_channel(flow, tmp_path)
    # The receiver imports every forwarded file and keeps only those with a report.
    env = receiver_env(tmp_path, receiver)
    out = import_file(without, tmp_path / "wb-inbox", env)
    assert CLI["import_empty"] in out
    listed = run("list", env=env)
    assert listed.output.startswith(CLI["no_responses"])
    assert CONTACT.encode() not in db_bytes(tmp_path / "receiver.db")


# --------------------------------------------------------------------------- collector


def test_an_anonymous_report_says_so_to_the_receiver(
    flow: Flow, receiver: Receiver, tmp_path: Path
) -> None:
    qset = flow.qset(QSET.id)
    payload = pagesim.build_payload(qset, answers_nb(special_report=CANARY))
    receiver_raw = keys.load_public_pem(receiver.pem).raw
    data = pagesim.seal_split(payload, qset, flow.public_raw, receiver_raw)
    env = receiver_env(tmp_path, receiver)
    import_file(data, tmp_path / "wb-inbox", env)
    assert CLI["flag_no_contact"] in run("list", env=env).output
    status = run("status", env=env)
    assert CLI["flag_no_contact"] in status.output  # nobody to give feedback to
    [case] = json.loads(run("status", "--json", env=env).stdout)["followups"]
    assert case["anonymous"] is True and case["name"] is None


def test_one_part_file_from_a_site_without_receiver_imports_as_before(flow: Flow) -> None:
    flow.employer_rules("whistleblowing_key: null\n")
    payload = pagesim.build_payload(flow.qset(QSET.id), answers_nb(special_report=CANARY))
    data = pagesim.seal_payload(payload, flow.public_raw)
    out = import_file(data, flow.root / "inbox")
    assert "the employer must assess it" in out
    [entry] = json.loads(run("list", "--json").stdout)["responses"]
    assert entry["special"] is True
    assert CANARY in run("show", entry["id"]).output


def test_python_split_matches_the_rules(flow: Flow, receiver: Receiver) -> None:
    qset = flow.qset(QSET.id)
    payload = pagesim.build_payload(qset, answers_nb(special_report=CANARY))
    contact = Contact(email=CONTACT)
    hr, wb = pagesim.split_payload(payload, qset, contact)
    check_payload(hr, qset, now=datetime.now(UTC))
    check_payload(wb, qset, now=datetime.now(UTC))
    assert not set(SPECIAL) & set(hr.answers) and hr.contact is None and hr.scope == "hr"
    assert set(wb.answers) == set(SPECIAL) and wb.scope == "whistleblowing"
    assert wb.contact == contact
    receiver_raw = keys.load_public_pem(receiver.pem).raw
    data = pagesim.seal_split(payload, qset, flow.public_raw, receiver_raw, contact=contact)
    assert [len(p.sealed) for p in envelope.parse(data).parts][1] == 32768 + 48
    # Declined, or nothing special answered: the receiver's part is there, empty, and
    # carries no contact details (they travel only with a report).
    for quiet in (
        pagesim.build_payload(qset, {"special_report": CANARY}, declined=True),
        pagesim.build_payload(qset, answers_nb()),
    ):
        _, empty = pagesim.split_payload(quiet, qset, contact)
        assert empty.answers == {} and empty.contact is None and not empty.declined


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        (
            {"scope": "whistleblowing", "answers": {"name": "Kari"}, "contact": None},
            "answers question 'name'",
        ),
        ({"scope": "whistleblowing", "declined": True, "contact": None}, "cannot be a decline"),
        ({"contact": Contact(name="Kari")}, "HR's payload carries contact details"),
    ],
)
def test_check_payload_refuses_a_bad_split(
    flow: Flow, changes: dict[str, object], problem: str
) -> None:
    qset = flow.qset(QSET.id)
    payload = pagesim.build_payload(qset, answers_nb(special_report=CANARY))
    if changes.get("scope") == "whistleblowing" and "answers" not in changes:
        changes = {**changes, "answers": {"special_report": CANARY}}
    bad = payload.model_copy(update=changes)
    with pytest.raises(PayloadError, match=problem):
        check_payload(bad, qset, now=datetime.now(UTC))


@pytest.mark.parametrize("language", ["nb", "nn", "sv", "en"])
def test_invitation_mail_says_who_opens_what(language: str, flow: Flow) -> None:
    employer = load_catalog(flow.questionnaires).employer

    def text(receiver: bool) -> str:
        return mail.render(
            language,  # type: ignore[arg-type]
            name="Kari",
            email=None,
            employer=employer,
            last_day=datetime(2026, 6, 30).date(),
            recipients="HR",
            link="https://hr.example.org/sluttsamtale/sets/x.html#k=" + "A" * 43,
            receiver=receiver,
        ).text

    words = catalogue(language)["promises"]  # type: ignore[arg-type]
    assert words["who_opens_hr"] in text(False) and words["who_opens_receiver"] not in text(False)
    assert words["who_opens_receiver"] in text(True)


def test_invite_reads_the_receiver_from_employer_yml_not_the_shell(flow: Flow) -> None:
    # Issue 8: the e-mail must not depend on what happens to be set in HR's shell.
    result = run(
        "invite",
        "--set",
        "kommune-en",
        "--name",
        "Jane",
        "--last-day",
        "2026-06-30",
        env={"SLUTTSAMTALE_WHISTLEBLOWING_KEY": ""},
    )
    assert result.exit_code == 0, result.output
    assert catalogue("en")["promises"]["who_opens_receiver"] in result.output


def test_build_refuses_a_condition_on_a_special_question(
    tmp_path: Path, receiver: Receiver
) -> None:
    folder = every_type_folder(tmp_path)
    path = folder / "every-type.yml"
    plain = '{id: recommend, type: yes_no, label: "Would you recommend us?"}'
    special = '{id: recommend, type: yes_no, label: "Would you recommend us?", special: true}'
    path.write_text(path.read_text(encoding="utf-8").replace(plain, special), encoding="utf-8")
    env = {"SLUTTSAMTALE_QUESTIONNAIRES": str(folder)}
    hr_pem = tmp_path / "hr-public.pem"
    hr_pem.write_bytes(_key_template()[1])
    assert build_site(tmp_path / "plain", hr_pem, extra_env=env, strict=False).returncode == 0
    name_receiver(folder, receiver)
    result = build_site(tmp_path / "split", hr_pem, extra_env=env, strict=False)
    assert result.returncode != 0
    assert "question 'why_not' depends on the special question 'recommend'" in result.stderr
    assert "Traceback" not in result.stderr


def test_build_refuses_hrs_own_key_as_the_receivers(tmp_path: Path) -> None:
    folder = tmp_path / "questionnaires"
    shutil.copytree(ROOT / "questionnaires", folder)
    hr_pem = tmp_path / "hr-public.pem"
    hr_pem.write_bytes(_key_template()[1])
    shutil.copyfile(hr_pem, folder / RECEIVER_PEM)
    path = folder / "employer.yml"
    path.write_text(
        path.read_text(encoding="utf-8") + f"\nwhistleblowing_key: {RECEIVER_PEM}\n",
        encoding="utf-8",
    )
    result = build_site(
        tmp_path / "out", hr_pem, extra_env={"SLUTTSAMTALE_QUESTIONNAIRES": str(folder)}
    )
    assert result.returncode != 0
    assert "is HR's own public key" in result.stderr and "Traceback" not in result.stderr
