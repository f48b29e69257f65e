"""`sluttsamtale list`, `show` and `schema`: decrypted in memory, equal to what was sealed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from collector.cli import main
from collector.formats import keyfile, keys
from collector.model.payload import Payload
from testing.fixtures import PASSPHRASE, Env, payload_json, seal

pytestmark = pytest.mark.usefixtures("env")


def run(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output
    return result


def import_sealed(env: Env, *files: bytes, key_args: tuple[str, ...] = ()) -> None:
    paths = []
    for i, data in enumerate(files):
        path = env.root / "inbox" / f"{i:02}.json"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
        paths.append(str(path))
    result = run("import", *key_args, *paths)
    assert result.exit_code == 0, result.output


@pytest.fixture
def three(env: Env) -> dict[str, Payload]:
    """A full answer HR and the interviewer may read, a declined one, one for statistics only."""
    full, p_full = seal(env, readers="hr_and_interviewer")
    declined, p_declined = seal(
        env,
        {"name": "Ola Nordmann"},
        declined=True,
        decline_reason="Jeg vil heller snakke med tillitsvalgt.",
    )
    quiet, p_quiet = seal(
        env,
        {"name": "Per", "department": "IT", "reason": "moving", "concern": False},
        readers="statistics",
    )
    import_sealed(env, full, declined, quiet)
    return {"full": p_full, "declined": p_declined, "quiet": p_quiet}


def _row_of(output: str, payload: Payload) -> str:
    [line] = [line for line in output.splitlines() if line.startswith(payload.response_id[:8])]
    return line


def test_list_table(three: dict[str, Payload]) -> None:
    result = run("list")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["ID", "RECEIVED", "QUESTION", "SET", "NAME", "DEPARTMENT", "FLAGS"]
    assert len(lines) == 4
    full = _row_of(result.output, three["full"])
    assert "exit-test v1, nb" in full and "Kari Nordmann" in full and "Barnehage Øst" in full
    assert full.endswith(
        "special information, readers: HR and the person who holds my conversation, not invited"
    )
    declined = _row_of(result.output, three["declined"])
    assert "Ola Nordmann" in declined and declined.endswith("declined, not invited")
    # Statistics only: counted, never listed one by one (issue 9.1).
    assert three["quiet"].response_id[:8] not in result.output and "Per " not in result.output
    assert lines[-1] == (
        "1 response for anonymous statistics only: counted in reports, never listed one by one."
    )
    assert three["full"].response_id not in result.output  # short ids only


def test_list_json(env: Env, three: dict[str, Payload]) -> None:
    result = run("list", "--json")
    assert result.exit_code == 0, result.output
    listed = json.loads(result.stdout)
    entries = {e["id"]: e for e in listed["responses"]}
    full = entries[three["full"].response_id]
    assert (full["set_id"], full["version"], full["language"]) == ("exit-test", 1, "nb")
    assert (full["name"], full["department"]) == ("Kari Nordmann", "Barnehage Øst")
    assert (full["declined"], full["special"], full["readers"]) == (
        False,
        True,
        "hr_and_interviewer",
    )
    assert full["key_id"] == env.key_id and full["problem"] is None
    declined = entries[three["declined"].response_id]
    assert (declined["declined"], declined["department"]) == (True, None)
    assert three["quiet"].response_id not in entries and listed["anonymous"] == 1


def test_list_empty_store(env: Env) -> None:
    from collector.store import Store

    Store.open(env.db).close()
    result = run("list")
    assert (result.exit_code, result.output) == (0, "No responses are stored.\n")


def test_list_without_a_database(env: Env) -> None:
    env.db.unlink()  # the folder without its store: list makes no new one
    result = run("list")
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {env.db.resolve()}: no store here (named by SLUTTSAMTALE_DB); "
        "only import and init create one\n"
    )
    assert not env.db.exists()


@pytest.mark.parametrize("name", ["full", "declined"])
def test_show_json_equals_what_was_sealed(three: dict[str, Payload], name: str) -> None:
    payload = three[name]
    result = run("show", "--json", payload.response_id[:8])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == payload_json(payload)


def test_show_text_as_the_employee_saw_it(three: dict[str, Payload]) -> None:
    result = run("show", three["full"].response_id[:10])
    assert result.exit_code == 0, result.output
    out = result.output
    assert f"Response     {three['full'].response_id}" in out
    assert "Readers      HR and the person who holds my conversation" in out
    # Header facts come first, before the first section.
    assert (
        out.index("Navn: Kari Nordmann")
        < out.index("Avdeling: Barnehage Øst")
        < out.index("== Arbeidet ==")
    )
    assert "Siste arbeidsdag: 2025-06-30" in out
    for expected in (
        "Hvorfor slutter du?\n  Annet, nemlig: Lengre reisevei",
        "Hva likte du?\n  - Kollegene\n  - Oppgavene",
        "Hvor fornøyd var du alt i alt?\n  4  (1 = Lite fornøyd … 5 = Svært fornøyd)",
        "Har du opplevd noe kritikkverdig?\n  Ja",
        "Beskriv det du opplevde\n  Noe skjedde i fjor.",
    ):
        assert expected in out, expected
    assert "== Om deg ==" not in out  # that section only holds header facts


def test_show_text_declined(three: dict[str, Payload]) -> None:
    out = run("show", three["declined"].response_id).output
    assert "Declined the exit interview.\nReason:\n  Jeg vil heller snakke med tillitsvalgt." in out
    assert "Hvorfor slutter du?\n  (no answer)" in out


@pytest.mark.parametrize("fmt", ["text", "json", "html"])
def test_show_refuses_an_answer_for_statistics_only(three: dict[str, Payload], fmt: str) -> None:
    rid = three["quiet"].response_id[:8]
    result = run("show", rid, "--format", fmt)
    assert (result.exit_code, result.output) == (
        1,
        f"Error: response {rid} is for anonymous statistics only; it is never shown one by "
        "one, only counted in reports\n",
    )


def test_show_hides_questions_hidden_by_their_condition(env: Env) -> None:
    data, payload = seal(
        env, {"name": "Per", "department": "IT", "reason": "moving", "concern": False}
    )
    import_sealed(env, data)
    out = run("show", payload.response_id).output
    assert "Har du opplevd noe kritikkverdig?\n  Nei" in out
    assert "Beskriv det du opplevde" not in out
    assert "Flytter" in out


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("ffffffff", "no stored response has an id starting with 'ffffffff'"),
        ("xyz", "'xyz' is not a response id"),
    ],
)
def test_show_unknown_id(three: dict[str, Payload], given: str, message: str) -> None:
    result = run("show", given)
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {message}")


def test_show_ambiguous_prefix(env: Env) -> None:
    a, _ = seal(env, response_id="abc" + "0" * 29)
    b, _ = seal(env, response_id="abc" + "1" * 29)
    import_sealed(env, a, b)
    result = run("show", "abc")
    assert result.exit_code == 1
    assert "several stored responses have ids starting with 'abc'" in result.output


def test_list_and_show_with_a_key_not_given(env: Env, tmp_path: Path) -> None:
    (tmp_path / "old").mkdir()
    old_key, old_pem, old_id = keyfile.generate(tmp_path / "old", PASSPHRASE)
    old, p_old = seal(env, public_raw=keys.load_public_pem(old_pem).raw)
    new, p_new = seal(env)
    import_sealed(env, old, new, key_args=("--key", str(env.key), "--key", str(old_key)))
    listed = run("list")
    assert listed.exit_code == 0
    row = _row_of(listed.output, p_old)
    assert f"cannot be opened: sealed to key {keys.fingerprint(old_id)}, which was not given" in row
    assert "Kari Nordmann" in _row_of(listed.output, p_new)
    shown = run("show", p_old.response_id[:8])
    assert shown.exit_code == 1
    assert shown.output.startswith(f"Error: response {p_old.response_id[:8]} cannot be opened")


@pytest.mark.parametrize("which", ["questionnaire", "payload"])
def test_schema_prints_json_schema(which: str) -> None:
    result = run("schema", which)
    assert result.exit_code == 0, result.output
    assert isinstance(json.loads(result.stdout).get("properties"), dict)


def test_schema_rejects_unknown_kind() -> None:
    result = run("schema", "invoice")
    assert result.exit_code == 2


def test_show_and_list_when_the_set_left_the_folder(env: Env) -> None:
    data, payload = seal(env)
    import_sealed(env, data)
    other = (
        (env.questionnaires / "exit-test.yml")
        .read_text()
        .replace("id: exit-test", "id: another-set")
    )
    (env.questionnaires / "another-set.yml").write_text(other)
    (env.questionnaires / "exit-test.yml").unlink()
    listed = run("list")
    assert listed.exit_code == 0, listed.output
    # The list reads what was sealed at import, so it needs no set.
    assert "Kari Nordmann" in _row_of(listed.output, payload)
    shown = run("show", payload.response_id[:8])
    assert shown.exit_code == 0, shown.output
    assert "this question set is not in the question-set folder" in shown.output
    assert "Hvorfor slutter du?\n  Annet, nemlig: Lengre reisevei" in shown.output
    assert json.loads(run("show", "--json", payload.response_id).stdout) == payload_json(payload)
