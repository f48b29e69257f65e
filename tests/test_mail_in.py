"""Issue 12: mail in, the way HR saves it. Outlook's .msg (written here by an independent
writer, aspose-email-foss, and read by the product through extract-msg), mailbox files
(.mbox: every message is a line of its own), maildir folders, and `import --watch`."""

from __future__ import annotations

import mailbox
import os
import signal
import subprocess
import sys
import time
from email.message import EmailMessage
from pathlib import Path

import pytest
from aspose.email_foss import msg
from click.testing import CliRunner, Result

from collector.cli import main
from collector.formats import armor
from collector.store import Store
from testing.fixtures import CANARY, Env, seal

pytestmark = pytest.mark.usefixtures("env")

HINT = "save the attachment, or save the message as .eml or .msg"


def run(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output and CANARY not in result.output
    return result


def report_lines(output: str) -> list[str]:
    """The one line per file (or message), without the special-information notes."""
    kinds = ("imported", "rejected", "duplicate")
    return [line for line in output.splitlines() if line.startswith(kinds)]


def stored_ids(env: Env) -> list[str]:
    with Store.open(env.db, create=False) as store:
        return sorted(r.response_id for r in store.responses())


def outlook(path: Path, body: str, attachment: bytes | None = None) -> Path:
    """An Outlook message as Outlook saves one, with the response attached or pasted in."""
    message = msg.MapiMessage.create("Sluttsamtale", body)
    message.add_recipient("hr@example.org", display_name="HR")
    if attachment is not None:
        message.add_attachment("sluttsamtale-svar.json", attachment, mime_type="application/json")
    message.save(str(path))
    return path


def a_mail(body: str, attachment: bytes | None = None) -> EmailMessage:
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = "ansatt@example.org", "hr@example.org", "Svar"
    mail.set_content(body)
    if attachment is not None:
        mail.add_attachment(
            attachment, maintype="application", subtype="json", filename="svar.json"
        )
    return mail


def test_outlook_messages_with_the_file_attached_or_pasted(env: Env, tmp_path: Path) -> None:
    attached, first = seal(env)
    pasted, second = seal(env)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    outlook(inbox / "a.msg", "Hei HR, her er svarene mine.", attached)
    outlook(inbox / "b.msg", "Hei HR,\n\n" + armor.armor(pasted) + "\nHilsen Kari")
    result = run("import", str(inbox))
    assert result.exit_code == 0, result.output
    assert [line.split()[0] for line in report_lines(result.output)] == ["imported"] * 2
    assert stored_ids(env) == sorted([first.response_id, second.response_id])


def test_an_outlook_message_without_a_response_gets_the_hint(tmp_path: Path) -> None:
    path = outlook(tmp_path / "note.msg", "Hei, jeg svarer i samtalen i stedet.")
    result = run("import", str(path))
    assert result.exit_code == 1
    assert f"rejected  {path}: envelope failure: the file holds no Sluttsamtale response; " \
        f"{HINT}" in result.output  # fmt: skip


def test_a_damaged_outlook_message_is_one_line(tmp_path: Path, env: Env) -> None:
    whole = outlook(tmp_path / "whole.msg", "x", seal(env)[0]).read_bytes()
    for name, data in [("cut.msg", whole[: len(whole) // 2]), ("head.msg", whole[:600])]:
        path = tmp_path / name
        path.write_bytes(data)
        result = run("import", str(path))
        assert result.exit_code == 1
        assert report_lines(result.output) == [
            f"rejected  {path}: envelope failure: the Outlook message (.msg) is damaged or "
            "cannot be read"
        ]


def test_a_mailbox_file_gives_one_line_per_message(env: Env, tmp_path: Path) -> None:
    first, one = seal(env)
    second, two = seal(env)
    path = tmp_path / "Innboks.mbox"
    box = mailbox.mbox(path)
    box.add(a_mail("Her er filen.", first))
    box.add(a_mail("Bare en hilsen, ingen fil."))
    box.add(a_mail("Limt inn:\n" + armor.armor(second)))
    box.flush()
    box.close()
    result = run("import", str(path))
    assert result.exit_code == 1  # the greeting is not a response
    lines = report_lines(result.output)
    assert lines[0].startswith(f"imported  {path} (message 1)  receipt ")
    assert lines[1] == (
        f"rejected  {path} (message 2): envelope failure: the message holds no Sluttsamtale "
        "response"
    )
    assert lines[2].startswith(f"imported  {path} (message 3)  receipt ")
    assert stored_ids(env) == sorted([one.response_id, two.response_id])
    again = run("import", str(path))
    assert [line.split()[0] for line in report_lines(again.output)] == [
        "duplicate",
        "rejected",
        "duplicate",
    ]


def test_a_maildir_folder_and_not_its_messages_being_written(env: Env, tmp_path: Path) -> None:
    data, payload = seal(env)
    folder = tmp_path / "Maildir"
    box = mailbox.Maildir(folder)
    box.add(a_mail("Svar", data))
    (folder / "tmp" / "1700000000.M1P1.host").write_bytes(b"MIME-Version: 1.0\n\nhalf a mail")
    result = run("import", str(folder))
    assert result.exit_code == 0, result.output
    assert len(report_lines(result.output)) == 1 and "half" not in result.output
    assert stored_ids(env) == [payload.response_id]


def test_only_import_creates_a_store_and_says_so(env: Env, tmp_path: Path) -> None:
    data, _ = seal(env)
    path = tmp_path / "svar.json"
    path.write_bytes(data)
    env.db.unlink()  # a folder made by hand, not by init
    first = CliRunner().invoke(main, ["import", str(path)])
    assert first.exit_code == 0
    assert first.stderr == f"Created a new store: {env.db.resolve()}\n"
    second = CliRunner().invoke(main, ["import", str(path)])
    assert "Created" not in second.stderr


@pytest.mark.slow  # a real process, watched for a few seconds
def test_import_watch_takes_each_file_as_it_is_saved(env: Env, tmp_path: Path) -> None:
    inbox = tmp_path / "innboks"
    inbox.mkdir()
    before, first = seal(env)
    (inbox / "already.json").write_bytes(before)
    process = subprocess.Popen(
        [sys.executable, "-m", "collector", "import", "--watch", str(inbox)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )
    try:
        later, second = seal(env)
        time.sleep(1.0)
        (inbox / "later.json").write_bytes(later)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if Path(env.db).exists() and len(stored_ids(env)) == 2:
                break
            time.sleep(0.5)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 0, err
    assert f"Watching {inbox}" in err
    imported = [line for line in out.splitlines() if line.startswith("imported")]
    assert [line.split()[1] for line in imported] == [
        str(inbox / "already.json"),
        str(inbox / "later.json"),
    ]
    assert out.splitlines()[-1] == "2 imported, 0 duplicate, 0 rejected (2 files)"
    assert stored_ids(env) == sorted([first.response_id, second.response_id])
