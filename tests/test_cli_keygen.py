"""`sluttsamtale keygen`, and the help every command must carry."""

from __future__ import annotations

import stat

import click
import pytest
from click.testing import CliRunner, Result

from collector.cli import main
from collector.formats import keyfile, keys
from testing.fixtures import PASSPHRASE, Env

pytestmark = pytest.mark.usefixtures("env")


def run(
    *args: str,
    input: str | None = None,  # noqa: A002 - click's name
    env: dict[str, str] | None = None,
) -> Result:
    result = CliRunner().invoke(main, list(args), input=input, env=env)
    assert "Traceback" not in result.output
    return result


def test_keygen_writes_key_pair_and_prints_fingerprint(env: Env) -> None:
    out = env.root / "new-key"
    result = run("keygen", "--out", str(out))
    assert result.exit_code == 0, result.output
    key, pem = out / "hr-key.json", out / "hr-public.pem"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    kid = keys.load_public_pem(pem).key_id
    assert keyfile.load(key, PASSPHRASE).key_id == kid
    assert f"Key id: {keys.fingerprint(kid)}" in result.output
    text = " ".join(result.output.split())
    for warning in (
        "If hr-key.json or its passphrase is lost, the answers sealed to it cannot "
        "be read by anyone",
        "Back up hr-key.json on offline media, e.g. two USB sticks kept in separate locked places",
        "Keep the passphrase in the organisation's password safe",
        "Only hr-public.pem goes into the site build",
    ):
        assert warning in text
    assert PASSPHRASE not in result.output


def test_keygen_refuses_to_overwrite(env: Env) -> None:
    out = env.root / "k"
    assert run("keygen", "--out", str(out)).exit_code == 0
    before = (out / "hr-key.json").read_bytes(), (out / "hr-public.pem").read_bytes()
    result = run("keygen", "--out", str(out))
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and result.output.count("\n") == 1
    assert ((out / "hr-key.json").read_bytes(), (out / "hr-public.pem").read_bytes()) == before


def test_keygen_asks_for_the_passphrase_twice(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SLUTTSAMTALE_PASSPHRASE")
    chosen = "a long passphrase kept in the password safe"
    out = env.root / "k"
    result = run("keygen", "--out", str(out), input=f"{chosen}\n{chosen}\n")
    assert result.exit_code == 0, result.output
    assert "Passphrase for the new key" in result.stderr
    assert "The same passphrase again" in result.stderr
    assert chosen not in result.output
    keyfile.load(out / "hr-key.json", chosen)


def test_keygen_passphrase_mismatch_writes_nothing(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:

    monkeypatch.delenv("SLUTTSAMTALE_PASSPHRASE")
    out = env.root / "k"
    result = run(
        "keygen",
        "--out",
        str(out),
        input="a long passphrase number one\na long passphrase number two\n",
    )
    assert result.exit_code == 1
    assert result.output.endswith("Error: the two passphrases differ; no key was written\n")
    assert not (out / "hr-key.json").exists() and not (out / "hr-public.pem").exists()


def test_keygen_defaults_to_the_current_folder(env: Env) -> None:
    result = run("keygen")
    assert result.exit_code == 0, result.output
    assert (env.root / "hr-key.json").exists() and (env.root / "hr-public.pem").exists()


# --------------------------------------------------------------------------- help


def _commands() -> list[str]:
    return sorted(main.commands)


@pytest.mark.parametrize("command", _commands())
@pytest.mark.parametrize("flag", ["-h", "--help"])
def test_cli_every_command_documented_with_an_example(command: str, flag: str) -> None:
    cmd = main.commands[command]
    assert isinstance(cmd, click.Command) and cmd.help and cmd.help.strip()
    result = run(command, flag)
    assert result.exit_code == 0, result.output
    assert "Example:" in result.output
    assert f"sluttsamtale {command}" in result.output


def test_cli_main_help_lists_the_commands() -> None:
    result = run("-h")
    assert result.exit_code == 0
    for command in ("keygen", "import", "list", "show", "schema"):
        assert command in result.output
    assert "Example:" in result.output


def test_cli_version() -> None:
    result = run("--version")
    assert result.exit_code == 0 and result.output.startswith("sluttsamtale, version ")


@pytest.mark.parametrize(
    ("weak", "why"),
    [
        ("a", "fewer than 12 characters"),
        (" ", "fewer than 12 characters"),
        ("Sommer2026!!", "too easy to guess"),
        ("kommune12345", "too easy to guess"),
        ("passwordpassword", "too easy to guess"),
    ],
)
def test_keygen_refuses_a_guessable_passphrase(env: Env, weak: str, why: str) -> None:
    # The key opens every answer, and a copied key file can be attacked offline.
    out = env.root / "k"
    result = run("keygen", "--out", str(out), env={"SLUTTSAMTALE_PASSPHRASE": weak})
    assert result.exit_code == 1
    assert result.output.startswith("Error: SLUTTSAMTALE_PASSPHRASE: the passphrase ")
    assert why in result.output and "four or more random words" in result.output
    assert result.output.count("\n") == 1
    assert len(weak) < 3 or weak not in result.output  # never printed back
    assert not out.exists() or not any(out.iterdir())


def test_keygen_refuses_a_weak_typed_passphrase_before_asking_again(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SLUTTSAMTALE_PASSPHRASE")
    result = run("keygen", "--out", str(env.root / "k"), input="hemmelig\nhemmelig\n")
    assert result.exit_code == 1
    assert "The same passphrase again" not in result.stderr
    assert result.output.endswith(
        "fewer than 12 characters; use four or more random words, "
        "e.g. 'otter lantern gravel sixteen', or let the organisation's "
        "password manager make one; no key was written\n"
    )


def test_keygen_passphrase_that_is_not_utf8(env: Env) -> None:
    # A byte the terminal could not decode reaches Python as a lone surrogate.
    result = run(
        "keygen",
        "--out",
        str(env.root / "k"),
        env={"SLUTTSAMTALE_PASSPHRASE": "otter lantern gravel \udcff sixteen"},
    )
    assert result.exit_code == 1
    assert "the passphrase is not valid UTF-8 text" in result.output


LONG = "a long passphrase for the piped key 2026"


def test_keygen_over_an_existing_key_refuses_before_asking(env: Env) -> None:
    folder = env.root / "again"
    assert run("keygen", "--out", str(folder)).exit_code == 0
    # Checked before the passphrase, so not "fewer than 12 characters" for this one.
    again = run("keygen", "--out", str(folder), env={"SLUTTSAMTALE_PASSPHRASE": "short"})
    assert again.exit_code == 1
    assert "already exists; a key is never written over" in again.output
    asked = run("keygen", "--out", str(folder), input="", env={"SLUTTSAMTALE_PASSPHRASE": None})  # type: ignore[dict-item]
    assert "Passphrase" not in asked.output and asked.exit_code == 1


def test_a_passphrase_from_a_pipe_is_read_without_pythons_warning(env: Env) -> None:
    # As a script or a password manager gives it, through a real pipe (CliRunner's input
    # is not one): no "GetPassWarning", no "may be echoed", and the key opens with it.
    import os
    import subprocess
    import sys

    folder = env.root / "piped"
    environ = {k: v for k, v in os.environ.items() if k != "SLUTTSAMTALE_PASSPHRASE"}
    done = subprocess.run(
        [sys.executable, "-m", "collector", "keygen", "--out", str(folder)],
        input=f"{LONG}\n{LONG}\n".encode(),
        capture_output=True,
        env=environ,
        check=False,
    )
    err = done.stderr.decode()
    assert done.returncode == 0, err
    assert "Warning" not in err and "getpass" not in err, err
    assert keyfile.load(folder / "hr-key.json", LONG)
