"""The key agent: HR unlocks the key once per working session, as ssh-agent does for SSH.

`sluttsamtale unlock` opens HR's key files with the passphrase and hands the private keys,
through a pipe, to a small background process that keeps them in memory only. Every command
then asks it over a Unix socket in a folder only the user can enter (and, where the OS can
tell, only from a process of the same user) instead of asking for the passphrase. The agent
forgets the keys and exits after a time without use, or at once on `sluttsamtale lock`.
The key never touches the disk unsealed: not the socket folder, not a temporary file.

Run as `python -m collector.keyagent SOCKET IDLE_SECONDS`, the keys on standard input.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import socket
import stat
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import SluttsamtaleError
from .i18n import tr

if TYPE_CHECKING:
    from .formats.keyfile import HRKey

MAX_REQUEST = 4096


class AgentError(SluttsamtaleError):
    """The agent's folder is not safe, or the agent cannot be started."""


def available() -> bool:
    return hasattr(socket, "AF_UNIX")


def socket_path(runtime_dir: str | None) -> Path:
    """The agent's socket: in XDG_RUNTIME_DIR (a per-user folder the OS empties at logout),
    else in a folder of the user's own under the temporary folder."""
    base = Path(runtime_dir) if runtime_dir else Path(tempfile.gettempdir())
    uid = os.getuid() if hasattr(os, "getuid") else 0
    return base / f"sluttsamtale-{uid}" / "agent.sock"


def safe_folder(folder: Path, *, create: bool) -> None:
    """The socket's folder must be the user's own and closed to everyone else."""
    if create:
        folder.mkdir(mode=0o700, exist_ok=True)
    try:
        st = os.lstat(folder)
    except FileNotFoundError:
        return
    if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid() or st.st_mode & 0o077:
        raise AgentError(
            tr(
                "{folder}: not a folder of your own closed to others (mode {value:o}); "
                "remove it and unlock again",
                folder=folder,
                value=st.st_mode & 0o777,
            )
        )


def ask(path: Path, request: dict[str, object], timeout: float = 5.0) -> dict[str, object] | None:
    """One request to the agent, or None when no agent is listening there."""
    if not available() or not path.exists():
        return None
    safe_folder(path.parent, create=False)
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(timeout)
            conn.connect(str(path))
            conn.sendall(json.dumps(request).encode() + b"\n")
            reply = _read_line(conn, 1 << 20)
    except (ConnectionRefusedError, FileNotFoundError):
        return None  # an agent that has gone (its idle time ran out) leaves no one to ask
    except OSError as e:
        raise AgentError(
            tr(
                "{path}: the key agent did not answer ({value})",
                path=path,
                value=e.strerror or e,
            )
        ) from None
    try:
        answer = json.loads(reply) if reply else None
    except ValueError:
        return None  # not our agent: treated as none, and the passphrase is asked for
    return answer if isinstance(answer, dict) else None


def held_keys(path: Path) -> dict[str, bytes]:
    """The private keys the agent holds, by key id (empty without an agent)."""
    answer = ask(path, {"op": "keys"})
    held = answer.get("keys") if answer else None
    if not isinstance(held, dict):
        return {}
    return {str(k): base64.b64decode(str(v)) for k, v in held.items()}


def _read_line(conn: socket.socket, limit: int) -> bytes:
    data = b""
    while b"\n" not in data and len(data) <= limit:
        chunk = conn.recv(65536)
        if not chunk:
            break
        data += chunk
    return data.split(b"\n", 1)[0]


def _same_user(conn: socket.socket) -> bool:
    """Where the OS tells the peer's user (Linux), it must be ours; elsewhere the closed
    folder is the guard."""
    option = getattr(socket, "SO_PEERCRED", None)
    if option is None:
        return True
    import struct

    creds = conn.getsockopt(socket.SOL_SOCKET, option, struct.calcsize("3i"))
    _pid, uid, _gid = struct.unpack("3i", creds)
    return bool(uid == os.getuid())


def serve(path: Path, keys: dict[str, str], idle: float) -> None:
    """Answer requests on `path` until `idle` seconds pass without one, or a stop."""
    safe_folder(path.parent, create=True)
    path.unlink(missing_ok=True)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old = os.umask(0o177)
    try:
        server.bind(str(path))
    finally:
        os.umask(old)
    own = os.stat(path)  # the socket's file as bound: only this one is removed at the end
    server.listen(8)
    server.settimeout(0.5)
    last = time.monotonic()
    try:
        while time.monotonic() - last < idle:
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            with conn:
                # One caller that stalls or leaves early (a timeout, a reset) ends only its
                # own request, never the agent (the attacker's pass of 2026-12-03).
                try:
                    conn.settimeout(2)
                    if not _same_user(conn):
                        continue
                    request = json.loads(_read_line(conn, MAX_REQUEST) or b"{}")
                    op = request.get("op") if isinstance(request, dict) else None
                    if op == "keys":
                        last = time.monotonic()
                        conn.sendall(json.dumps({"keys": keys}).encode() + b"\n")
                    elif op == "status":
                        left = int(idle - (time.monotonic() - last))
                        reply = {"keys": len(keys), "left": left}
                        conn.sendall(json.dumps(reply).encode() + b"\n")
                    elif op == "stop":
                        with contextlib.suppress(OSError):
                            conn.sendall(b'{"stopped": true}\n')
                        return
                except (OSError, ValueError):
                    continue
    finally:
        keys.clear()
        server.close()
        _unlink_own(path, own)


def _unlink_own(path: Path, own: os.stat_result) -> None:
    """Remove the socket's file if it is still the one this agent bound, never a newer
    agent's that has replaced it (which would leave that agent unreachable by lock)."""
    try:
        now = os.stat(path)
    except OSError:
        return
    if (now.st_dev, now.st_ino) == (own.st_dev, own.st_ino):
        path.unlink(missing_ok=True)


def start(path: Path, keys: dict[str, bytes], idle: float) -> None:
    """Start the agent in the background with `keys`, and wait until it answers."""
    if not available():
        raise AgentError(tr("this system has no Unix sockets, so the key cannot be kept unlocked"))
    safe_folder(path.parent, create=True)
    # One unlock at a time (the CLI and the desk may race): the old agent is stopped and
    # gone before the new one binds, so none is left holding keys where lock cannot reach.
    with _exclusive(path.parent):
        if ask(path, {"op": "stop"}) is not None:  # the newest unlock wins
            _wait_gone(path)
        _spawn(path, keys, idle)


@contextlib.contextmanager
def _exclusive(folder: Path) -> Iterator[None]:
    """A lock on the agent's folder itself (flock takes a folder too): nothing is written."""
    import fcntl

    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def _wait_gone(path: Path, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while path.exists() and time.monotonic() < deadline:
        time.sleep(0.02)


def _spawn(path: Path, keys: dict[str, bytes], idle: float) -> None:
    import subprocess

    payload = json.dumps({k: base64.b64encode(v).decode() for k, v in keys.items()})
    process = subprocess.Popen(
        [sys.executable, "-m", "collector.keyagent", str(path), str(idle)],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # survives the terminal's Ctrl+C and the command's exit
        close_fds=True,
    )
    assert process.stdin is not None
    process.stdin.write(payload.encode())
    process.stdin.close()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if ask(path, {"op": "status"}) is not None:
            return
        if process.poll() is not None:
            break
        time.sleep(0.05)
    process.kill()  # an agent that does not answer must not keep the keys either
    raise AgentError(tr("{path}: the key agent did not start", path=path))


def hand_over(path: Path, opened: Mapping[str, HRKey], idle: float) -> None:
    """Give the opened keys to a new agent (the CLI's `unlock` and the desk's unlock page)."""
    from .formats import keys as keys_format

    start(path, {kid: keys_format.private_raw(k.private) for kid, k in opened.items()}, idle)


def _no_core_dumps() -> None:
    """A crash of the agent must not write its memory, the keys, to a core file; on Linux
    the process is also closed to ptrace by the user's other processes."""
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (ImportError, ValueError, OSError):
        pass
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            pr_set_dumpable = 4
            ctypes.CDLL(None, use_errno=True).prctl(pr_set_dumpable, 0, 0, 0, 0)
        except (OSError, AttributeError):
            pass


def _main() -> None:
    _no_core_dumps()
    path, idle = Path(sys.argv[1]).absolute(), float(sys.argv[2])
    os.chdir("/")  # not the folder unlock was run in
    keys = json.loads(sys.stdin.read())
    sys.stdin.close()
    serve(path, keys, idle)


if __name__ == "__main__":
    _main()
