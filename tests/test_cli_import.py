"""`sluttsamtale import`: real sealed files in, one line per file out, nothing half-stored."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Callable
from datetime import UTC, date, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from conftest import make_test_key

from collector import clock
from collector.cli import main
from collector.formats import armor, envelope, keyfile, keys
from collector.formats.envelope import MAX_FILE_BYTES, Envelope, Part
from collector.intake import importer
from collector.store import Store, StoredResponse
from testing import pagesim
from testing.fixtures import (
    CANARY,
    PASSPHRASE,
    Env,
    db_bytes,
    make_payload,
    seal,
    seal_plaintext,
)

pytestmark = pytest.mark.usefixtures("env")


def run(*args: str, input: str | None = None) -> Result:  # noqa: A002 - click's name
    result = CliRunner().invoke(main, list(args), input=input)
    assert "Traceback" not in result.output
    assert CANARY not in result.output
    return result


def stored(env: Env) -> list[StoredResponse]:
    if not env.db.exists():
        return []
    with Store.open(env.db, create=False) as store:
        return list(store.responses())


def write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def with_sealed(data: bytes, change: Callable[[bytes], bytes]) -> bytes:
    """The same response file with its sealed bytes changed, canonically re-encoded."""
    [part] = envelope.parse(data).parts
    return envelope.encode(Envelope(parts=(Part(part.key_id, change(part.sealed)),)))


def flip(index: int) -> Callable[[bytes], bytes]:
    def change(sealed: bytes) -> bytes:
        b = bytearray(sealed)
        b[index] ^= 0x01
        return bytes(b)

    return change


def imported_line(path: Path, data: bytes, note: str | None = "not invited") -> str:
    """The line for an imported file; these files come without an invitation link, which
    the line says (FORMAT.md 14.3)."""
    line = f"imported  {path}  receipt {envelope.receipt(data)}"
    return f"{line}  ({note})" if note else line


# --------------------------------------------------------------------------- good files


def file_lines(output: str) -> list[str]:
    """The per-file and summary lines, without the notices indented under a file's line."""
    return [line for line in output.splitlines() if not line.startswith("  ! ")]


def test_import_flags_special_information_without_quoting_it(env: Env) -> None:
    data, payload = seal(env, sealed_at=datetime(2025, 6, 30, 12, tzinfo=UTC))
    path = write(env.root, "r.json", data)
    result = run("import", str(path))
    assert result.exit_code == 0, result.output
    first, notice, _ = result.output.splitlines()
    assert first == imported_line(path, data)
    assert notice.startswith("  ! special information: the employer must assess it")
    assert payload.response_id[:8] in notice
    assert "Noe skjedde" not in result.output


def test_import_one_file(env: Env) -> None:
    data, payload = seal(env, sealed_at=datetime(2025, 6, 30, 12, tzinfo=UTC))
    path = write(env.root, "sluttsamtale-2025-06-30-abc123.json", data)
    result = run("import", str(path))
    assert result.exit_code == 0, result.output
    assert file_lines(result.output) == [
        imported_line(path, data),
        "1 imported, 0 duplicate, 0 rejected (1 file)",
    ]
    [row] = stored(env)
    [part] = envelope.parse(data).parts
    # The store keeps the response sealed again, at rest, and digests of what it received.
    assert (row.response_id, row.key_id, row.file_digest, row.enc_digest) == (
        payload.response_id,
        env.key_id,
        hashlib.sha256(data).hexdigest(),
        hashlib.sha256(part.sealed[:32]).hexdigest(),
    )
    assert row.receipt == envelope.receipt(data)
    # Received (by the collector's clock) + 12 months; sealed_at is only the sender's claim.
    received = date.fromisoformat(row.received_at[:10])
    assert row.delete_by == clock.add_months(received, 12).isoformat() != "2026-06-30"


def test_import_same_file_twice_is_a_duplicate_stored_once(env: Env) -> None:
    data, _ = seal(env)
    path = write(env.root, "r.json", data)
    result = run("import", str(path), str(path))
    assert result.exit_code == 0
    assert file_lines(result.output) == [
        imported_line(path, data),
        f"duplicate {path}  receipt {envelope.receipt(data)}  (not invited)",
        "1 imported, 1 duplicate, 0 rejected (2 files)",
    ]
    again = run("import", str(path))
    assert again.exit_code == 0
    assert again.output.splitlines()[-1] == "0 imported, 1 duplicate, 0 rejected (1 file)"
    assert len(stored(env)) == 1


def test_import_armored_block_in_txt(env: Env) -> None:
    data, payload = seal(env)
    path = write(env.root, "mail-text.txt", f"Hei!\n\n{armor.armor(data)}\n".encode())
    result = run("import", str(path))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == imported_line(path, data)
    assert [r.response_id for r in stored(env)] == [payload.response_id]


def _mail() -> EmailMessage:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "kari@example.org", "hr@example.org", "Svar"
    return msg


def test_import_eml_with_attachment_and_eml_with_quoted_printable_block(env: Env) -> None:
    attached, p1 = seal(env)
    pasted, p2 = seal(env)
    one = _mail()
    one.set_content("Vedlagt er svarene mine.\n")
    one.add_attachment(attached, maintype="application", subtype="json", filename="svar.json")
    two = _mail()
    two.set_content(f"Svarene:\n\n{armor.armor(pasted)}\nHilsen\n", cte="quoted-printable")
    inbox = env.root / "inbox"
    write(inbox, "one.eml", bytes(one))
    write(inbox, "two.eml", bytes(two))
    assert b"quoted-printable" in (inbox / "two.eml").read_bytes()
    result = run("import", str(inbox))
    assert result.exit_code == 0, result.output
    assert file_lines(result.output) == [
        imported_line(inbox / "one.eml", attached),
        imported_line(inbox / "two.eml", pasted),
        "2 imported, 0 duplicate, 0 rejected (2 files)",
    ]
    assert {r.response_id for r in stored(env)} == {p1.response_id, p2.response_id}


def test_import_with_two_keys_after_a_rotation(env: Env, tmp_path: Path) -> None:
    (tmp_path / "old").mkdir()
    old_key, old_pem, _ = keyfile.generate(tmp_path / "old", PASSPHRASE)
    old_raw = keys.load_public_pem(old_pem).raw
    new_file = write(env.root, "new.json", seal(env)[0])
    old_file = write(env.root, "old.json", seal(env, public_raw=old_raw)[0])
    result = run(
        "import", "--key", str(env.key), "--key", str(old_key), str(new_file), str(old_file)
    )
    assert result.exit_code == 0, result.output
    assert sorted(r.key_id for r in stored(env)) == sorted(
        [env.key_id, keyfile.load(old_key, PASSPHRASE).key_id]
    )
    only_new = run("import", "--key", str(env.key), str(old_file))
    assert only_new.exit_code == 1 and ": no key: " in only_new.output


def test_import_key_paths_from_environment_split_on_pathsep(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SLUTTSAMTALE_KEY", os.pathsep.join([str(env.key), str(env.key)]))
    path = write(env.root, "r.json", seal(env)[0])
    result = run("import", str(path))
    assert result.exit_code == 0, result.output


def test_import_prompts_for_the_passphrase(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SLUTTSAMTALE_PASSPHRASE")
    path = write(env.root, "r.json", seal(env)[0])
    result = run("import", str(path), input=PASSPHRASE + "\n")
    assert result.exit_code == 0, result.output
    assert f"Passphrase for {env.key}" in result.stderr
    assert PASSPHRASE not in result.output


def test_import_json_output(env: Env) -> None:
    good = write(env.root, "good.json", seal(env)[0])
    bad = write(env.root, "bad.json", b"{}")
    result = run("import", "--json", str(good), str(bad))
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["summary"] == {
        "imported": 1,
        "duplicate": 0,
        "rejected": 1,
        "empty": 0,
        "forwarded": 0,
        "files": 2,
    }
    assert [f["outcome"] for f in data["files"]] == ["imported", "rejected"]
    assert data["files"][1]["kind"] == "envelope failure"


# --------------------------------------------------------------------------- a mixed batch


def test_import_folder_of_mixed_files(env: Env, tmp_path: Path) -> None:
    inbox = env.root / "inbox"
    good1, p1 = seal(env)
    good2, p2 = seal(env)
    stranger = make_test_key(tmp_path)
    foreign, _ = seal(env, public_raw=stranger.public.raw)
    wrong_set = json.loads(pagesim.payload_bytes(make_payload(env)))
    wrong_set["questionnaire"]["id"] = "no-such-set"
    files = {
        "01-good.json": good1,
        "02-other-key.json": foreign,
        "03-tampered.json": with_sealed(seal(env)[0], flip(-1)),
        "04-notes.txt": b"Remember to import the answers on Monday.\n",
        "05-empty.json": b"",
        "08-wrong-set.json": seal_plaintext(env, json.dumps(wrong_set).encode()),
        "sub/09-good.txt": f"Forwarded:\n{armor.armor(good2)}".encode(),
        ".hidden.json": b"not even json",
    }
    for name, data in files.items():
        write(inbox, name, data)
    os.mkfifo(inbox / "06-pipe")
    (inbox / "07-zero.json").symlink_to("/dev/zero")

    result = run("import", str(inbox))

    assert result.exit_code == 1
    lines = file_lines(result.output)
    assert len(lines) == 10
    assert lines[0] == imported_line(inbox / "01-good.json", good1)
    assert lines[8] == imported_line(inbox / "sub" / "09-good.txt", good2)
    assert lines[9] == "2 imported, 0 duplicate, 7 rejected (9 files)"
    assert all(line.startswith("rejected  ") for line in lines[1:8])
    rejected = dict(line.removeprefix("rejected  ").split(": ", 1) for line in lines[1:8])
    assert list(rejected) == [
        str(inbox / n)
        for n in (
            "02-other-key.json",
            "03-tampered.json",
            "04-notes.txt",
            "05-empty.json",
            "06-pipe",
            "07-zero.json",
            "08-wrong-set.json",
        )
    ]
    expected = [
        "no key: ",
        "decrypt failure: ",
        "envelope failure: the file holds no Sluttsamtale response",
        "envelope failure: the file is empty",
        "envelope failure: the path is not a regular file",
        "envelope failure: the path is not a regular file",
        "payload failure: answers are for question set 'no-such-set' version 1",
    ]
    for (_, reason), start in zip(rejected.items(), expected, strict=True):
        assert reason.startswith(start), reason
    assert ".hidden.json" not in result.output
    assert {r.response_id for r in stored(env)} == {p1.response_id, p2.response_id}


def test_import_rejects_a_set_not_in_the_folder(env: Env) -> None:
    data = json.loads(pagesim.payload_bytes(make_payload(env)))
    data["questionnaire"]["version"] = 3
    path = write(env.root, "v3.json", seal_plaintext(env, json.dumps(data).encode()))
    result = run("import", str(path))
    assert result.exit_code == 1
    assert (
        f"rejected  {path}: payload failure: answers are for question set 'exit-test' "
        f"version 3, which is not in {env.questionnaires}"
    ) in result.output
    assert stored(env) == []


# --------------------------------------------------------------------------- bad files


@pytest.mark.parametrize(
    "where", [0, 31, 40, -16, -1], ids=["enc", "enc-end", "ct", "tag", "tag-end"]
)
def test_import_flipped_byte_is_a_decrypt_failure(env: Env, where: int) -> None:
    path = write(env.root, "r.json", with_sealed(seal(env)[0], flip(where)))
    result = run("import", str(path))
    assert result.exit_code == 1
    assert f"rejected  {path}: decrypt failure: " in result.output
    assert result.output.splitlines()[-1] == "0 imported, 0 duplicate, 1 rejected (1 file)"
    assert not env.db.exists() or stored(env) == []


def _padded_response(env: Env) -> bytes:
    """A response whose base64 ends in "==", so its last character has spare bits."""
    for extra in range(3):
        data, _ = seal(env, {"reason": "new_job", "comments": "x" * (10 + extra)})
        if json.loads(data)["parts"][0]["sealed"].endswith("=="):
            return data
    raise AssertionError("no length gave two padding characters")


def _noncanonical(variant: str, env: Env) -> bytes:
    obj = json.loads(_padded_response(env))
    s = obj["parts"][0]["sealed"]
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    if variant == "line-break":
        s = s[:64] + "\n" + s[64:]
    elif variant == "no-padding":
        s = s.rstrip("=")
    elif variant == "spare-bits":
        s = s[:-3] + alphabet[alphabet.index(s[-3]) | 1] + "=="
    obj["parts"][0]["sealed"] = s
    return (json.dumps(obj, ensure_ascii=False) + "\n").encode()


@pytest.mark.parametrize("variant", ["line-break", "no-padding", "spare-bits"])
def test_import_noncanonical_base64_refused(env: Env, variant: str) -> None:
    path = write(env.root, "r.json", _noncanonical(variant, env))
    result = run("import", str(path))
    assert result.exit_code == 1
    assert f"rejected  {path}: envelope failure: " in result.output
    assert stored(env) == []


def test_import_duplicate_json_key_refused(env: Env) -> None:
    obj = json.loads(seal(env)[0])
    text = (
        '{"format": "sluttsamtale-response/2", "format": "sluttsamtale-response/2", '
        f'"parts": {json.dumps(obj["parts"])}}}\n'
    )
    path = write(env.root, "r.json", text.encode())
    result = run("import", str(path))
    assert result.exit_code == 1
    assert f"rejected  {path}: envelope failure: " in result.output


def _payload_changes() -> dict[str, Callable[[dict[str, Any]], None]]:
    def unknown_question(p: dict[str, Any]) -> None:
        p["answers"]["favourite_colour"] = "blue"

    def missing_required(p: dict[str, Any]) -> None:
        del p["answers"]["reason"]
        p["other"] = {}

    def wrong_type(p: dict[str, Any]) -> None:
        p["answers"]["satisfaction"] = "4"

    def out_of_scale(p: dict[str, Any]) -> None:
        p["answers"]["satisfaction"] = 9

    def hidden_answered(p: dict[str, Any]) -> None:
        p["answers"]["concern"] = False

    def extra_field(p: dict[str, Any]) -> None:
        p["employee_email"] = "kari@example.org"

    return {
        f.__name__: f
        for f in (
            unknown_question,
            missing_required,
            wrong_type,
            out_of_scale,
            hidden_answered,
            extra_field,
        )
    }


@pytest.mark.parametrize("change", list(_payload_changes()))
def test_import_payload_not_matching_its_set(env: Env, change: str) -> None:
    payload = json.loads(pagesim.payload_bytes(make_payload(env)))
    _payload_changes()[change](payload)
    path = write(env.root, "r.json", seal_plaintext(env, json.dumps(payload).encode()))
    result = run("import", str(path))
    assert result.exit_code == 1
    assert f"rejected  {path}: payload failure: " in result.output
    assert stored(env) == []


def test_import_payload_with_duplicate_key_refused(env: Env) -> None:
    text = json.dumps(json.loads(pagesim.payload_bytes(make_payload(env))), ensure_ascii=False)
    text = text.replace('"readers": "hr"', '"readers": "hr", "readers": "statistics"', 1)
    assert text.count('"readers"') == 2
    path = write(env.root, "r.json", seal_plaintext(env, text.encode()))
    result = run("import", str(path))
    assert result.exit_code == 1
    assert f"rejected  {path}: payload failure: " in result.output


def test_import_oversized_file(env: Env) -> None:
    data = seal(env)[0]
    path = write(env.root, "big.json", data[:-2] + b" " * MAX_FILE_BYTES + b"}\n")
    result = run("import", str(path))
    assert result.exit_code == 1
    assert f"rejected  {path}: envelope failure: the file is larger than 1 MiB" in result.output


def test_import_missing_file_is_rejected_and_counted(env: Env) -> None:
    good = write(env.root, "good.json", seal(env)[0])
    result = run("import", str(good), "nowhere.json")
    assert result.exit_code == 1
    assert "rejected  nowhere.json: envelope failure: the file does not exist" in result.output
    assert result.output.splitlines()[-1] == "1 imported, 0 duplicate, 1 rejected (2 files)"


def test_import_conflicting_response_with_the_same_id(env: Env) -> None:
    rid = "0123456789abcdef" * 2
    first = write(env.root, "a.json", seal(env, response_id=rid)[0])
    second = write(env.root, "b.json", seal(env, response_id=rid)[0])
    result = run("import", str(first), str(second))
    assert result.exit_code == 1
    assert (
        f"rejected  {second}: conflict: a different response with the same id is already stored"
    ) in result.output
    [row] = stored(env)
    assert row.file_digest == hashlib.sha256(first.read_bytes()).hexdigest()


def test_import_answer_text_never_leaves_the_seal(env: Env) -> None:
    data, payload = seal(env)
    path = write(env.root, "r.json", data)
    Store.open(env.db).close()
    # A reader holding the database open keeps the write-ahead log on disk to inspect.
    reader = sqlite3.connect(env.db)
    reader.execute("SELECT count(*) FROM responses").fetchone()
    try:
        outputs = [
            run("import", str(path)),
            run("import", str(path)),
            run("list"),
            run("list", "--json"),
        ]
        assert Path(f"{env.db}-wal").exists()
        on_disk = db_bytes(env.db)
    finally:
        reader.close()
    assert all(r.exit_code == 0 for r in outputs), [r.output for r in outputs]
    for secret in (
        CANARY,
        "Lengre reisevei",
        "Noe skjedde",
        "Kari Nordmann",
        "Barnehage",
        "exit-test",
    ):
        assert secret.encode() not in on_disk, secret
    assert payload.response_id.encode() in on_disk  # the check can see the rows


# --------------------------------------------------------------------------- the command


def test_import_wrong_passphrase_is_one_line(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLUTTSAMTALE_PASSPHRASE", "not the passphrase")
    path = write(env.root, "r.json", seal(env)[0])
    result = run("import", str(path))
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and result.output.count("\n") == 1
    assert stored(env) == []


def test_import_refuses_key_file_readable_by_others(env: Env) -> None:
    env.key.chmod(0o644)
    path = write(env.root, "r.json", seal(env)[0])
    result = run("import", str(path))
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and result.output.count("\n") == 1
    assert "hr-key.json" in result.output
    assert stored(env) == []


def test_import_without_a_key(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SLUTTSAMTALE_KEY")
    path = write(env.root, "r.json", seal(env)[0])
    result = run("import", str(path))
    assert result.exit_code == 1
    assert result.output == (
        "Error: no key given; name HR's key file with --key hr-key.json or SLUTTSAMTALE_KEY\n"
    )


def test_import_into_a_damaged_database(env: Env) -> None:
    env.db.write_bytes(b"SQLite format 3\x00" + os.urandom(8000))
    before = env.db.read_bytes()
    path = write(env.root, "r.json", seal(env)[0])
    result = run("import", str(path))
    assert result.exit_code == 1
    assert result.output == f"Error: {env.db}: is not a Sluttsamtale database or is damaged\n"
    assert env.db.read_bytes() == before


def test_import_into_a_database_from_a_newer_version(env: Env) -> None:
    Store.open(env.db).close()
    conn = sqlite3.connect(env.db)
    with conn:
        conn.execute("INSERT INTO migrations VALUES (7, 'later', '2030-01-01T00:00:00Z')")
    conn.close()
    path = write(env.root, "r.json", seal(env)[0])
    result = run("import", str(path))
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {env.db}: was made by a newer Sluttsamtale (schema 7); "
        "upgrade Sluttsamtale to use it\n"
    )


def test_import_broken_question_set_folder(env: Env) -> None:
    path = write(env.root, "r.json", seal(env)[0])
    (env.questionnaires / "employer.yml").write_text("name: [unclosed\n")
    result = run("import", str(path))
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {env.questionnaires / 'employer.yml'}: ")


def test_import_empty_folder(env: Env) -> None:
    (env.root / "empty").mkdir()
    result = run("import", str(env.root / "empty"))
    assert result.exit_code == 1
    assert result.output == "Error: found no files to import in the folders given\n"


def test_import_unexpected_error_is_one_line(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError(f"internal detail {CANARY}")

    monkeypatch.setattr(importer, "import_items", broken)
    path = write(env.root, "r.json", seal(env)[0])
    result = run("import", str(path))
    assert result.exit_code == 2
    assert result.output == "Error: unexpected RuntimeError; please report this\n"


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2025, 6, 30), 12, date(2026, 6, 30)),
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2025, 11, 15), 2, date(2026, 1, 15)),
        (date(2025, 12, 31), 120, date(2035, 12, 31)),
    ],
)
def test_import_delete_by_adds_calendar_months(day: date, months: int, expected: date) -> None:
    assert clock.add_months(day, months) == expected


def test_import_skips_the_store_inside_the_folder(env: Env) -> None:
    inbox = env.root / "inbox"
    data, _ = seal(env)
    write(inbox, "r.json", data)
    db = inbox / "store.db"
    assert run("import", "--db", str(db), str(inbox)).exit_code == 0
    assert db.exists()
    again = run("import", "--db", str(db), str(inbox))
    assert again.exit_code == 0, again.output
    assert file_lines(again.output) == [
        f"duplicate {inbox / 'r.json'}  receipt {envelope.receipt(data)}  (not invited)",
        "0 imported, 1 duplicate, 0 rejected (1 file)",
    ]


def test_a_file_sealed_long_before_it_came_says_so_and_counts_from_receipt(env: Env) -> None:
    data, payload = seal(env, sealed_at=datetime(2020, 1, 1, tzinfo=UTC))
    path = write(env.root, "old.json", data)
    assert run("import", str(path)).exit_code == 0
    [row] = stored(env)
    received = date.fromisoformat(row.received_at[:10])
    assert row.delete_by == clock.add_months(received, 12).isoformat()  # not 2021-01-01
    shown = CliRunner().invoke(main, ["show", payload.response_id[:8]]).output  # answers too
    assert "days before HR received it; every deadline counts from receipt" in shown
