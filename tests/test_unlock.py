"""Issue 12: HR unlocks the key once per working session. A real agent process, real key
files, real commands: after `unlock` no command asks for the passphrase; after `lock`, or the
idle time, every command asks again; the agent answers no one else, and leaves nothing on
disk but its socket."""

from __future__ import annotations

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
    return Path(os.environ["XDG_RUNTIME_DIR"]) / f"sluttsamtale-{os.getuid()}"


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


def test_a_folder_others_can_enter_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "open"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    with pytest.raises(AgentError, match="not a folder of your own closed to others"):
        safe_folder(folder, create=False)


def test_a_caller_that_stalls_or_leaves_does_not_end_the_agent(env: Env) -> None:
    """The attacker's pass (2026-12-03): one client that connected and said nothing, or
    asked for the keys and closed at once, ended the agent and HR's unlock with it."""
    import socket

    from collector import keyagent

    path = socket_folder() / "agent.sock"
    keyagent.start(path, {"k": b"KEY"}, idle=30)
    try:
        silent = socket.socket(socket.AF_UNIX)
        silent.connect(str(path))
        for _ in range(5):
            rude = socket.socket(socket.AF_UNIX)
            rude.connect(str(path))
            rude.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\1\0\0\0\0\0\0\0")
            rude.sendall(b'{"op": "keys"}\n')
            rude.close()
        time.sleep(3)  # past the agent's wait for the silent caller
        silent.close()
        assert keyagent.held_keys(path) == {"k": b"KEY"}
    finally:
        assert keyagent.ask(path, {"op": "stop"}) == {"stopped": True}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc")
def test_the_agent_writes_no_core_file(env: Env) -> None:
    """A crash must not put the keys on disk (the attacker's pass found a core dump with
    them): the agent takes a core size of 0 (and is not dumpable, which only another
    user's view of /proc would show), and leaves the folder unlock ran in."""
    from collector import keyagent

    path = socket_folder() / "agent.sock"
    keyagent.start(path, {"k": b"KEY"}, idle=30)
    try:
        pids = [
            p.name
            for p in Path("/proc").iterdir()
            if p.name.isdigit() and b"collector.keyagent" in _cmdline(p)
        ]
        assert pids
        for pid in pids:
            limits = Path(f"/proc/{pid}/limits").read_text()
            core = next(line for line in limits.splitlines() if line.startswith("Max core"))
            assert core.split()[4:6] == ["0", "0"], core
            assert Path(f"/proc/{pid}/cwd").resolve() == Path("/")  # as root, still readable
    finally:
        keyagent.ask(path, {"op": "stop"})


def _agents(path: Path) -> list[str]:
    """The agent processes serving `path`."""
    wanted = f"collector.keyagent\0{path}\0".encode()
    return [p.name for p in Path("/proc").iterdir() if p.name.isdigit() and wanted in _cmdline(p)]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc")
def test_two_unlocks_at_once_leave_one_agent_that_lock_stops(env: Env) -> None:
    """The attacker's pass (2026-12-03): two unlocks at once (the CLI and the desk) left an
    agent that held the key where lock could not reach it, and that agent, at the end of
    its idle time, removed the socket of the one after it."""
    import threading

    from collector import keyagent

    path = socket_folder() / "agent.sock"
    failed: list[BaseException] = []

    def unlock() -> None:
        try:
            keyagent.start(path, {"k": b"KEY"}, idle=30)
        except BaseException as e:  # noqa: BLE001 - reported below
            failed.append(e)

    threads = [threading.Thread(target=unlock) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failed == []
    deadline = time.monotonic() + 5
    while len(_agents(path)) > 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(_agents(path)) == 1
    assert keyagent.ask(path, {"op": "stop"}) == {"stopped": True}
    deadline = time.monotonic() + 5
    while _agents(path) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _agents(path) == []
    assert keyagent.held_keys(path) == {}


def _cmdline(proc: Path) -> bytes:
    try:
        return (proc / "cmdline").read_bytes()
    except OSError:
        return b""
