"""The whistleblowing channel (spec/FORMAT.md 7.1): a site built with a second public key
seals answers to special questions only to that key, in a second part; HR's part says that
something went to the channel, never what. Each key holder imports the same file into their
own store with the normal `import`, and reads only their own part.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import build_site, served
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
from workflow_support import answers_nb, run

from collector.formats import envelope, keyfile, keys
from collector.mkdocs_plugin import i18n
from collector.model.payload import PayloadError, check_payload, is_visible
from collector.model.questionset import QuestionSet
from collector.render import mail
from collector.words import catalogue
from testing import pagesim
from testing.fixtures import PASSPHRASE, Flow, _key_template, isolate_real

CLI = catalogue("en")["cli"]

QSET = next(s for s in latest_sets() if s.id == "kommune-nb")
SPECIAL = [q.id for q in QSET.questions() if q.special]
CANARY = "CANARY-wb-9f31 the leader falsified the safety rounds"


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


@pytest.fixture(scope="module")
def wb_site(tmp_path_factory: pytest.TempPathFactory, receiver: Receiver) -> Iterator[str]:
    """The real site built with HR's key and the receiver's, served on 127.0.0.1."""
    tmp = tmp_path_factory.mktemp("wb-site")
    pem = tmp / "hr-public.pem"
    pem.write_bytes(_key_template()[1])
    out = tmp / "site"
    env = {"SLUTTSAMTALE_WHISTLEBLOWING_KEY": str(receiver.pem)}
    result = build_site(out, pem, extra_env=env)
    assert result.returncode == 0, result.stderr
    with served(out) as base:
        yield base


@pytest.fixture
def flow(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Flow:
    flow = isolate_real(tmp_path / "hr", monkeypatch)
    # The page seals with the browser's clock, so the collector's must be the real one too.
    now = datetime.now(UTC).replace(microsecond=0)
    monkeypatch.setenv("SLUTTSAMTALE_NOW", now.isoformat().replace("+00:00", "Z"))
    return flow


def receiver_env(tmp_path: Path, receiver: Receiver) -> dict[str, str]:
    """The receiver's own store and key: nothing shared with HR's."""
    return {"SLUTTSAMTALE_DB": str(tmp_path / "receiver.db"), "SLUTTSAMTALE_KEY": str(receiver.key)}


def import_file(data: bytes, where: Path, env: dict[str, str] | None = None) -> str:
    where.mkdir(parents=True, exist_ok=True)
    path = where / "response.json"
    path.write_bytes(data)
    result = run("import", str(path), env=env)
    assert result.exit_code == 0, result.output
    return result.output


def fill(page: Page, qset: QuestionSet, special_text: str | None) -> None:
    """Answer every visible question; the special one with `special_text` (None: skip it)."""
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
        press(page, ui(qset)["next"])
    choose_readers(page, qset, "hr")
    press(page, ui(qset)["finish"])


def download(page: Page, qset: QuestionSet) -> bytes:
    result = page.locator("[data-sl-result]")
    expect(result.get_by_role("heading", level=2)).to_be_focused()
    with page.expect_download() as info:
        result.get_by_role("link", name=ui(qset)["download"]).click()
    return Path(info.value.path()).read_bytes()


# --------------------------------------------------------------------------- browser


@pytest.mark.browser
def test_special_answer_goes_only_to_the_receiver(
    page: Page, wb_site: str, receiver: Receiver, flow: Flow, tmp_path: Path
) -> None:
    t = i18n.text(QSET.language)
    page.goto(set_url(wb_site, QSET))
    # The page names both keys and says, in the set's language, where special answers go.
    expect(page.locator("[data-sl-wb-key]")).to_contain_text(keys.fingerprint(receiver.key_id))
    expect(page.locator(".sl-key")).to_contain_text(t["wb_fingerprint_help"])
    special_q = next(q for q in QSET.questions() if q.special)
    expect(page.locator(f'[data-sl-question="{special_q.id}"]')).to_contain_text(
        t["wb_question_hint"]
    )
    fill(page, QSET, CANARY)
    data = download(page, QSET)

    parts = envelope.parse(data).parts
    hr_kid = keys.key_id(flow.public_raw)
    assert [p.key_id for p in parts] == [hr_kid, receiver.key_id]

    # HR: the rest of the answers, and only the fact that something went to the channel.
    hr_out = import_file(data, tmp_path / "hr-inbox")
    assert CLI["import_whistleblowing"] in hr_out
    assert "the employer must assess it" not in hr_out  # that is the receiver's duty now
    [entry] = json.loads(run("list", "--json").stdout)
    assert entry["sent_to_whistleblowing"] is True and entry["special"] is False
    assert CLI["flag_whistleblowing"] in run("list").output
    shown = run("show", entry["id"])
    assert shown.exit_code == 0, shown.output
    assert CLI["flag_whistleblowing"] in shown.output and special_q.label in shown.output
    assert CANARY not in shown.output
    hr_payload = json.loads(run("show", entry["id"], "--json").stdout)
    assert CANARY not in json.dumps(hr_payload, ensure_ascii=False)
    assert hr_payload["sent_to_whistleblowing"] == SPECIAL
    assert hr_payload["answers"]["name"]  # the rest is HR's as before

    # The receiver: the same file, their own key and store, only the special answers.
    env = receiver_env(tmp_path, receiver)
    wb_out = import_file(data, tmp_path / "wb-inbox", env)
    assert "special information: the employer must assess it" in wb_out
    [wb_entry] = json.loads(run("list", "--json", env=env).stdout)
    assert wb_entry["id"] == entry["id"]  # one response, two readers
    wb_shown = run("show", wb_entry["id"], env=env)
    assert CANARY in wb_shown.output and "whistleblowing" in wb_shown.output
    wb_payload = json.loads(run("show", wb_entry["id"], "--json", env=env).stdout)
    assert wb_payload["scope"] == "whistleblowing"
    assert wb_payload["answers"] == {special_q.id: CANARY}
    assert wb_payload["response_id"] == hr_payload["response_id"]


@pytest.mark.browser
def test_without_a_special_answer_the_file_has_only_hr_part(
    page: Page, wb_site: str, receiver: Receiver, flow: Flow, tmp_path: Path
) -> None:
    page.goto(set_url(wb_site, QSET))
    fill(page, QSET, None)
    data = download(page, QSET)
    assert [p.key_id for p in envelope.parse(data).parts] == [keys.key_id(flow.public_raw)]
    out = import_file(data, tmp_path / "inbox")
    assert CLI["import_whistleblowing"] not in out
    [entry] = json.loads(run("list", "--json").stdout)
    assert entry["sent_to_whistleblowing"] is False
    # The receiver holds no key for it: a clear "no key", not a crash.
    env = receiver_env(tmp_path, receiver)
    path = tmp_path / "inbox" / "response.json"
    refused = run("import", str(path), env=env)
    assert refused.exit_code != 0 and "no key given" in refused.output


# --------------------------------------------------------------------------- collector


def test_one_part_file_from_a_site_without_receiver_imports_as_before(flow: Flow) -> None:
    payload = pagesim.build_payload(flow.qset(QSET.id), answers_nb(special_report=CANARY))
    data = pagesim.seal_payload(payload, flow.public_raw)
    assert b"scope" not in pagesim.payload_bytes(payload)  # defaults are left out
    out = import_file(data, flow.root / "inbox")
    assert "the employer must assess it" in out and CLI["import_whistleblowing"] not in out
    [entry] = json.loads(run("list", "--json").stdout)
    assert entry["special"] is True and entry["sent_to_whistleblowing"] is False
    assert CANARY in run("show", entry["id"]).output


def test_python_split_matches_the_rules(flow: Flow, receiver: Receiver) -> None:
    qset = flow.qset(QSET.id)
    payload = pagesim.build_payload(qset, answers_nb(special_report=CANARY))
    hr, wb = pagesim.split_payload(payload, qset)
    assert wb is not None
    check_payload(hr, qset, now=datetime.now(UTC))
    check_payload(wb, qset, now=datetime.now(UTC))
    assert hr.sent_to_whistleblowing == SPECIAL and not set(SPECIAL) & set(hr.answers)
    assert set(wb.answers) == set(SPECIAL) and wb.scope == "whistleblowing"
    receiver_raw = keys.load_public_pem(receiver.pem).raw
    data = pagesim.seal_split(payload, qset, flow.public_raw, receiver_raw)
    assert len(envelope.parse(data).parts) == 2
    declined = pagesim.build_payload(qset, {"special_report": CANARY}, declined=True)
    assert pagesim.split_payload(declined, qset)[1] is None


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"scope": "whistleblowing", "answers": {"name": "Kari"}}, "answers question 'name'"),
        ({"scope": "whistleblowing", "answers": {}}, "answers no special question"),
        (
            {"scope": "whistleblowing", "sent_to_whistleblowing": ["special_report"]},
            "lists questions sent elsewhere",
        ),
        ({"sent_to_whistleblowing": ["name"]}, "no special question"),
        ({"sent_to_whistleblowing": ["special_report"] * 2}, "twice"),
        ({"sent_to_whistleblowing": ["special_report"]}, "both answered and sent"),
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
def test_invitation_mail_names_the_channel(
    language: str, monkeypatch: pytest.MonkeyPatch, receiver: Receiver
) -> None:
    def text(whistleblowing: bool) -> str:
        return mail.render(
            language,  # type: ignore[arg-type]
            name="Kari",
            email=None,
            employer="Kommunen",
            last_day=datetime(2026, 6, 30).date(),
            recipients="HR",
            link="https://hr.example.org/sluttsamtale/sets/x.html#token=abc",
            whistleblowing=whistleblowing,
        )

    words = catalogue(language)["mail"]  # type: ignore[arg-type]
    only_hr, with_channel = words["only_hr"], words["only_hr_with_receiver"]
    assert only_hr in text(False) and with_channel not in text(False)
    assert with_channel in text(True)


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
    assert build_site(tmp_path / "plain", hr_pem, extra_env=env).returncode == 0
    env["SLUTTSAMTALE_WHISTLEBLOWING_KEY"] = str(receiver.pem)
    result = build_site(tmp_path / "split", hr_pem, extra_env=env)
    assert result.returncode != 0
    assert "question 'why_not' depends on the special question 'recommend'" in result.stderr
    assert "Traceback" not in result.stderr
