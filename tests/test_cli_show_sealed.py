"""`sluttsamtale show ID --format html --for-interviewer --sealed --out FILE`: the copy for
the person who holds the conversation, sealed under a one-time code that is printed once
and kept nowhere; made only where the unsealed copy would be, and purged like it."""

from __future__ import annotations

import os
import re
import stat
from datetime import date, timedelta
from pathlib import Path

import pytest
from workflow_support import answers_nb, import_files, run, seal

from collector.errors import SealedCopyError
from collector.formats import sealed_copy
from collector.model.payload import Payload
from testing.fixtures import CANARY, Flow

# slow: HR's routine, command after command, each unlocking the real key (Argon2id)
pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("flow")]

SEALED = ("--format", "html", "--for-interviewer", "--sealed")
PRINTED = re.compile(
    r"Wrote (?P<path>.+): the record, sealed with a one-time code\.\n"
    r"Code: (?P<code>[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5})\n"
    r"Give the code to the person who holds the conversation by phone or SMS, never in the "
    r"same e-mail as the file\. It is shown only this once and kept nowhere; the file is to be "
    r"deleted after the conversation, no later than (?P<date>\d{4}-\d{2}-\d{2})\.\n"
)


def allowed(flow: Flow, **answers: object) -> Payload:
    data, payload = seal(
        flow,
        "kommune-nb",
        answers_nb(talk_holder="other_leader", improvements=CANARY, **answers),
        readers="hr_and_interviewer",
    )
    import_files(flow, data)
    return payload


def test_sealed_writes_a_private_file_that_opens_to_the_interviewers_record(flow: Flow) -> None:
    payload = allowed(flow, special_report="Noe særlig " + CANARY[::-1])
    result = run("show", payload.response_id[:8], *SEALED, "--out", "til leder.html")
    assert result.exit_code == 0, result.output
    printed = PRINTED.fullmatch(result.stdout)
    assert printed is not None, result.stdout
    assert result.stderr == ""
    path = flow.root / "til leder.html"
    assert printed["path"] == "til leder.html"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert not list(flow.root.glob(".til leder.html.*"))  # no temporary file left
    html = path.read_text(encoding="utf-8")
    assert CANARY not in html and "Kari" not in html and '<html lang="nb">' in html
    # What it opens to is the unsealed interviewer's copy, byte for byte.
    unsealed = run("show", payload.response_id[:8], "--format", "html", "--for-leader")
    assert unsealed.exit_code == 0, unsealed.output
    box = sealed_copy.read_html(html)
    assert box.delete_by.isoformat() == printed["date"]
    opened = sealed_copy.open_box(box, printed["code"]).rstrip(b" ").decode("utf-8")
    assert opened == unsealed.stdout
    assert CANARY in opened and CANARY[::-1] not in opened  # special information left out
    assert f"<dd>{printed['date']}</dd>" in opened  # the record's own delete-by date
    with pytest.raises(SealedCopyError):
        sealed_copy.open_box(box, sealed_copy.new_code())


def test_the_code_is_stored_nowhere_and_each_copy_has_its_own(flow: Flow) -> None:
    payload = allowed(flow)
    first = run("show", payload.response_id[:8], *SEALED, "--for-leader", "--out", "a.html")
    second = run("show", payload.response_id[:8], *SEALED, "--out", "b.html")
    codes = []
    for result in (first, second):
        printed = PRINTED.fullmatch(result.stdout)
        assert printed is not None, result.output
        codes.append(printed["code"])
    assert codes[0] != codes[1]
    spellings = [s for c in codes for s in (c, c.replace("-", ""), c.lower())]
    for file in flow.root.rglob("*"):
        if file.is_file():
            data = file.read_bytes()
            assert not [s for s in spellings if s.encode() in data], file
    home = Path(os.environ["HOME"])
    for file in home.rglob("*"):
        if file.is_file():
            assert not [s for s in spellings if s.encode() in file.read_bytes()], file


def test_the_sealed_copy_is_purged_by_its_delete_by_date(flow: Flow) -> None:
    payload = allowed(flow)
    result = run("show", payload.response_id[:8], *SEALED, "--out", "leder.html")
    printed = PRINTED.fullmatch(result.stdout)
    assert printed is not None, result.output
    day = date.fromisoformat(printed["date"])
    path = flow.root / "leder.html"
    eve = run("purge", env={"SLUTTSAMTALE_NOW": f"{day - timedelta(days=1)}T12:00:00Z"})
    assert eve.exit_code == 0, eve.output
    assert path.exists()
    due = run("list", env={"SLUTTSAMTALE_NOW": f"{day}T12:00:00Z"})
    assert f"Files past their delete-by date: {path.resolve()}\n" in due.stderr
    purged = run("purge", env={"SLUTTSAMTALE_NOW": f"{day}T12:00:00Z"})
    assert purged.exit_code == 0, purged.output
    assert not path.exists()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            ("--format", "html", "--sealed", "--out", "x.html"),
            "Error: --sealed seals the copy for the person who holds the conversation; "
            "add --format html --for-interviewer\n",
        ),
        (
            ("--sealed", "--out", "x.html"),
            "Error: --sealed seals the copy for the person who holds the conversation; "
            "add --format html --for-interviewer\n",
        ),
        (
            ("--format", "html", "--for-interviewer", "--sealed"),
            "Error: --sealed writes a file; name it with --out FILE\n",
        ),
        (
            ("--for-leader", "--sealed", "--out", "x.html"),
            "Error: --for-interviewer makes the printable record; add --format html\n",
        ),
    ],
)
def test_bad_usage_is_one_sentence_and_writes_nothing(
    flow: Flow, extra: tuple[str, ...], message: str
) -> None:
    payload = allowed(flow)
    result = run("show", payload.response_id[:8], *extra)
    assert (result.exit_code, result.output) == (1, message)
    assert not (flow.root / "x.html").exists()
    assert not list((flow.root).glob("**/*.html"))


@pytest.mark.parametrize(
    ("readers", "message"),
    [
        (
            "hr",
            "Error: response {id} is not for the person who holds the conversation: the "
            "employee chose 'HR only'; no copy is made\n",
        ),
        (
            "statistics",
            "anonymous statistics only",
        ),
    ],
)
def test_sealed_is_refused_where_the_unsealed_copy_is(
    flow: Flow, readers: str, message: str
) -> None:
    data, payload = seal(flow, "kommune-nb", answers_nb(improvements=CANARY), readers=readers)
    import_files(flow, data)
    args = ("show", payload.response_id[:8], *SEALED, "--out", "leder.html")
    result = run(*args)
    unsealed = run(*[a for a in args if a != "--sealed"])
    assert result.exit_code == 1 and result.output == unsealed.output
    assert message.format(id=payload.response_id[:8]) in result.output
    assert "Code" not in result.output
    assert not (flow.root / "leder.html").exists()
