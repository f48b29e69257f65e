"""Issue 12: HR unlocks the key once per working session. A real agent process, real key
files, real commands: after `unlock` no command asks for the passphrase; after `lock`, or the
idle time, every command asks again; the agent answers no one else, and leaves nothing on
disk but its socket."""

from __future__ import annotations

import base64
import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from collector.formats import keyfile, keys
from collector.keyagent import AgentError, safe_folder
from testing.fixtures import PASSPHRASE, Env

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("env")]  # real processes


def cli(*args: str, passphrase: bool = False) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if not passphrase:
        env.pop("SLUTTSAMTALE_PASSPHRASE", None)
    return subprocess.run(
        [sys.executable, "-m", "collector", *args],
        env=env,
        stdin=subprocess.DEVNULL,  # a prompt would find no one to answer it
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def socket_folder() -> Path:
    from collector import keyagent

    return keyagent.socket_path(os.environ.get("XDG_RUNTIME_DIR")).parent


posix_only = pytest.mark.skipif(sys.platform == "win32", reason="a Unix socket and file modes")


@posix_only
def test_unlocked_once_for_a_whole_routine(env: Env) -> None:
    asked = cli("list")
    assert asked.returncode == 1 and "Passphrase for" in asked.stderr

    opened = cli("unlock", "--minutes", "5", passphrase=True)
    assert opened.returncode == 0, opened.stderr
    assert opened.stdout == (
        f"Unlocked {env.key} until 5 minutes pass without use; sluttsamtale lock forgets it now.\n"
    )
    try:
        for command in (["list"], ["status"], ["report", "--out", "r.html"]):
            done = cli(*command)
            assert "Passphrase" not in done.stderr, command
            assert done.returncode == 0, (command, done.stderr)

        # Nothing of the key on disk: the folder holds the socket and nothing else.
        folder = socket_folder()
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        assert [p.name for p in folder.iterdir()] == ["agent.sock"]
        assert stat.S_ISSOCK((folder / "agent.sock").stat().st_mode)
        private = keys.private_raw(keyfile.load(env.key, PASSPHRASE).private)
        for path in Path(env.root).rglob("*"):
            if path.is_file():
                assert private not in path.read_bytes(), path
    finally:
        locked = cli("lock")
    assert locked.stdout == "Locked: the key is forgotten.\n"
    again = cli("list")
    assert again.returncode == 1 and "Passphrase for" in again.stderr
    assert cli("lock").stdout == "No key was unlocked.\n"


@posix_only
def test_the_agent_forgets_after_its_idle_time(env: Env) -> None:
    # One minute is the shortest HR can ask for; the agent's own clock is tested here with a
    # shorter one, by starting it as unlock does.
    from collector import keyagent

    key = keyfile.load(env.key, PASSPHRASE)
    path = socket_folder() / "agent.sock"
    keyagent.start(path, {key.key_id: keys.private_raw(key.private)}, idle=1.5)
    assert keyagent.held_keys(path)
    time.sleep(1.0)
    assert keyagent.held_keys(path)  # a use resets the clock
    time.sleep(3.0)
    assert keyagent.held_keys(path) == {}
    assert not path.exists()
    assert cli("list").returncode == 1


@posix_only
def test_a_folder_others_can_enter_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "open"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    with pytest.raises(AgentError, match="not a folder of your own closed to others"):
        safe_folder(folder, create=False)


# ---------------------------------------------------------- the named-pipe agent (Windows)
# Python on Windows has no Unix sockets; there the agent listens on a named pipe through
# multiprocessing.connection and asks every client for its secret. The same code runs here
# over a Unix socket: only the address family differs on Windows.


def test_the_pipe_agent_answers_only_who_holds_its_secret(env: Env) -> None:
    from collector import agent_pipe, keyagent

    key = keyfile.load(env.key, PASSPHRASE)
    raw = keys.private_raw(key.private)
    folder = socket_folder()
    safe_folder(folder, create=True)
    rendezvous = folder / "agent.json"
    encoded = base64.b64encode(raw).decode()
    payload = json.dumps({key.key_id: encoded})
    agent_pipe.start(rendezvous, payload, idle=60, family=agent_pipe.FAMILY)
    try:
        if sys.platform != "win32":
            assert stat.S_IMODE(rendezvous.stat().st_mode) == 0o600
        held = agent_pipe.ask(rendezvous, {"op": "keys"})
        assert held is not None and held["keys"] == {key.key_id: encoded}
        assert agent_pipe.ask(rendezvous, {"op": "status"}) == {"keys": 1, "left": 59}
        # A client with the right address but not the secret gets nothing.
        found = json.loads(rendezvous.read_text(encoding="utf-8"))
        stranger = dict(found, secret=base64.b64encode(b"x" * 32).decode())
        forged = folder / "forged.json"
        forged.write_text(json.dumps(stranger), encoding="utf-8")
        assert agent_pipe.ask(forged, {"op": "keys"}) is None
        assert agent_pipe.ask(rendezvous, {"op": "status"}) is not None  # still serving
        # Nothing of the key is written: the rendezvous holds the pipe's name and secret.
        for path in folder.iterdir():
            if path.is_file():
                assert raw not in path.read_bytes()
                assert encoded.encode() not in path.read_bytes()
    finally:
        stopped = agent_pipe.ask(rendezvous, {"op": "stop"})
    assert stopped == {"stopped": True}
    deadline = time.monotonic() + 5
    while rendezvous.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not rendezvous.exists()
    assert agent_pipe.ask(rendezvous, {"op": "keys"}) is None
    assert keyagent.available()


def test_the_pipe_agent_forgets_after_its_idle_time(env: Env) -> None:
    from collector import agent_pipe

    folder = socket_folder()
    safe_folder(folder, create=True)
    rendezvous = folder / "agent.json"
    agent_pipe.start(rendezvous, '{"k": "AAAA"}', idle=1.5, family=agent_pipe.FAMILY)
    assert agent_pipe.ask(rendezvous, {"op": "keys"}) == {"keys": {"k": "AAAA"}}
    time.sleep(1.0)
    assert agent_pipe.ask(rendezvous, {"op": "keys"})  # a use resets the clock
    time.sleep(3.0)
    assert agent_pipe.ask(rendezvous, {"op": "keys"}) is None
    assert not rendezvous.exists()
    assert [p.name for p in folder.iterdir()] == []  # a Unix socket's file went too
