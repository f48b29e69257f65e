"""inputs: paths -> items -> the one response file inside each item."""

from __future__ import annotations

import os
from email.message import EmailMessage
from pathlib import Path

import pytest

from collector.errors import EnvelopeError, InputError
from collector.formats import armor
from collector.formats.envelope import MAX_FILE_BYTES
from collector.intake import extract, files
from testing import privileges
from testing.fixtures import Env, seal

pytestmark = pytest.mark.usefixtures("env")


@pytest.fixture
def response(env: Env) -> bytes:
    return seal(env)[0]


def _mail(body: str = "Hei HR,\nher er svarene mine.\n", *, cte: str | None = None) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "ansatt@example.org"
    msg["To"] = "hr@example.org"
    msg["Subject"] = "Sluttsamtale"
    if cte:
        msg.set_content(body, cte=cte)
    else:
        msg.set_content(body)
    return msg


# --------------------------------------------------------------------------- expand


def test_expand_files_as_given_and_folders_sorted_recursively(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    (inbox / "b").mkdir(parents=True)
    for name in ("c.json", "a.json", ".hidden.json", "b/z.txt"):
        (inbox / name).write_text("x")
    (inbox / ".git").mkdir()
    (inbox / ".git" / "config").write_text("x")
    given = tmp_path / "given.json"
    items = list(files.expand([given, inbox]))
    assert [i.path for i in items] == [
        given,
        inbox / "a.json",
        inbox / "b" / "z.txt",
        inbox / "c.json",
    ]
    assert all(i.problem is None for i in items)


def test_expand_reports_a_link_to_a_folder_instead_of_following_it(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "loop").symlink_to(inbox)
    [item] = files.expand([inbox])
    assert item.problem is not None and "link to a folder" in str(item.problem)


def test_expand_reports_an_unreadable_folder(tmp_path: Path) -> None:
    locked = tmp_path / "inbox" / "locked"
    locked.mkdir(parents=True)
    locked.chmod(0)
    # In a child that, even as root, cannot look into a chmod 000 folder.
    code = (
        "from pathlib import Path; from collector.intake import files; "
        f"[item] = files.expand([Path({str(tmp_path / 'inbox')!r})]); "
        "print(item.path); print(item.problem)"
    )
    try:
        done = privileges.python(code)
    finally:
        locked.chmod(0o700)
    assert done.returncode == 0, done.stderr
    path, problem = done.stdout.splitlines()
    assert path == str(locked) and problem == "the folder cannot be read (Permission denied)"


# --------------------------------------------------------------------------- plain files


@pytest.mark.parametrize("prefix", [b"", b"\n  \t", b"\r\n"])
def test_extract_response_file_as_is(tmp_path: Path, response: bytes, prefix: bytes) -> None:
    path = tmp_path / "r.json"
    path.write_bytes(prefix + response)
    assert extract.extract(path) == prefix + response


def test_extract_passes_a_bom_through_for_the_parser_to_name(
    tmp_path: Path, response: bytes
) -> None:
    path = tmp_path / "r.json"
    path.write_bytes(b"\xef\xbb\xbf" + response)
    assert extract.extract(path).startswith(b"\xef\xbb\xbf{")


def test_extract_armored_block_in_text(tmp_path: Path, response: bytes) -> None:
    path = tmp_path / "notes.txt"
    path.write_text(f"Fra Kari:\n\n{armor.armor(response)}\nHilsen\n", encoding="utf-8")
    assert extract.extract(path) == response


def test_extract_armored_block_in_utf16_text(tmp_path: Path, response: bytes) -> None:
    path = tmp_path / "notepad.txt"
    path.write_bytes(f"Svar:\r\n{armor.armor(response)}".encode("utf-16"))
    assert extract.extract(path) == response


def test_extract_same_block_twice_counts_once(tmp_path: Path, response: bytes) -> None:
    path = tmp_path / "twice.txt"
    block = armor.armor(response)
    path.write_text(f"{block}\nOnce more:\n{block}", encoding="utf-8")
    assert extract.extract(path) == response


def test_extract_two_different_responses_refused(env: Env, tmp_path: Path, response: bytes) -> None:
    other = seal(env)[0]
    path = tmp_path / "two.txt"
    path.write_text(armor.armor(response) + "\n" + armor.armor(other), encoding="utf-8")
    with pytest.raises(EnvelopeError, match="holds more than one response; save each"):
        extract.extract(path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"   \n", "holds no Sluttsamtale response"),
        (b"Just a note with no block.\n", "holds no Sluttsamtale response"),
        (b"\x89PNG\r\n\x1a\n\x00\x00binary", "holds no Sluttsamtale response"),
        (b"{" + b" " * MAX_FILE_BYTES + b"}", "is larger than 1 MiB"),
    ],
    ids=["empty", "whitespace", "text", "binary", "oversized-json"],
)
def test_extract_refuses(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(EnvelopeError, match=message):
        extract.extract(path)


def test_extract_text_over_mail_cap_refused(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    path.write_bytes(b"a" * (files.MAIL_MAX_BYTES + 1))
    with pytest.raises(EnvelopeError, match="larger than 25 MiB"):
        extract.extract(path)


def test_extract_large_text_under_mail_cap_is_read(tmp_path: Path, response: bytes) -> None:
    path = tmp_path / "long-thread.txt"
    path.write_bytes(b"quoted history\n" * 100_000 + armor.armor(response).encode())
    assert path.stat().st_size > MAX_FILE_BYTES
    assert extract.extract(path) == response


def test_extract_fifo_refused_without_hanging(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="is not a regular file"):
        extract.extract(fifo)


def test_extract_symlink_to_dev_zero_refused(tmp_path: Path) -> None:
    link = tmp_path / "zero.json"
    link.symlink_to("/dev/zero")
    with pytest.raises(InputError, match="is not a regular file"):
        extract.extract(link)


def test_extract_symlink_to_a_file_followed(tmp_path: Path, response: bytes) -> None:
    target = tmp_path / "real.json"
    target.write_bytes(response)
    link = tmp_path / "link.json"
    link.symlink_to(target)
    assert extract.extract(link) == response


@pytest.mark.parametrize("make", ["missing", "dangling"])
def test_extract_missing_file(tmp_path: Path, make: str) -> None:
    path = tmp_path / "gone.json"
    if make == "dangling":
        path.symlink_to(tmp_path / "nowhere")
    with pytest.raises(InputError, match="does not exist"):
        extract.extract(path)


def test_extract_unreadable_names_the_reason(tmp_path: Path, response: bytes) -> None:
    path = tmp_path / "locked.json"
    path.write_bytes(response)
    path.chmod(0)
    # In a child that, even as root, cannot read a chmod 000 file.
    code = (
        "from pathlib import Path; from collector.errors import InputError; "
        "from collector.intake import extract\n"
        f"try: extract.extract(Path({str(path)!r}))\n"
        "except InputError as e: print(e)"
    )
    done = privileges.python(code)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "the file cannot be read (Permission denied)\n"


# --------------------------------------------------------------------------- mail


def test_extract_mail_with_attachment(tmp_path: Path, response: bytes) -> None:
    msg = _mail()
    msg.add_attachment(
        response,
        maintype="application",
        subtype="json",
        filename="sluttsamtale-2025-06-30-3f2a91.json",
    )
    path = tmp_path / "mail.eml"
    path.write_bytes(bytes(msg))
    assert b"BEGIN" not in path.read_bytes() and response not in path.read_bytes()
    assert extract.extract(path) == response


@pytest.mark.parametrize("cte", ["quoted-printable", "base64"])
def test_extract_mail_with_block_in_encoded_body(tmp_path: Path, response: bytes, cte: str) -> None:
    msg = _mail(f"Hei HR, her er svarene mine:\n\n{armor.armor(response)}\nHilsen Kari\n", cte=cte)
    path = tmp_path / "mail.eml"
    path.write_bytes(bytes(msg))
    assert f"Content-Transfer-Encoding: {cte}".encode() in path.read_bytes()
    assert extract.extract(path) == response


def test_extract_mail_html_only(tmp_path: Path, response: bytes) -> None:
    lines = armor.armor(response).splitlines()
    msg = _mail()
    msg.set_content(
        "<html><body><p>Svarene:</p><p>" + "<br>".join(lines) + "</p></body></html>", subtype="html"
    )
    path = tmp_path / "mail.eml"
    path.write_bytes(bytes(msg))
    assert extract.extract(path) == response


def test_extract_mail_attachment_and_pasted_block_count_once(
    tmp_path: Path, response: bytes
) -> None:

    msg = _mail(f"Svarene:\n{armor.armor(response)}", cte="quoted-printable")
    msg.add_attachment(response, maintype="application", subtype="json", filename="svar.json")
    path = tmp_path / "both.eml"
    path.write_bytes(bytes(msg))
    assert extract.extract(path) == response


def test_extract_mail_without_eml_suffix_detected_by_mime(tmp_path: Path, response: bytes) -> None:
    msg = _mail()
    msg.add_attachment(response, maintype="application", subtype="json", filename="svar.json")
    path = tmp_path / "saved-message"
    path.write_bytes(bytes(msg))
    assert extract.extract(path) == response


def test_extract_mail_with_two_responses_refused(env: Env, tmp_path: Path, response: bytes) -> None:
    msg = _mail()
    msg.add_attachment(response, maintype="application", subtype="json", filename="a.json")
    msg.add_attachment(seal(env)[0], maintype="application", subtype="json", filename="b.json")
    path = tmp_path / "two.eml"
    path.write_bytes(bytes(msg))
    with pytest.raises(EnvelopeError, match="more than one response"):
        extract.extract(path)


def test_extract_mail_without_response(tmp_path: Path) -> None:
    path = tmp_path / "plain.eml"
    path.write_bytes(bytes(_mail()))
    with pytest.raises(EnvelopeError, match="holds no Sluttsamtale response"):
        extract.extract(path)
