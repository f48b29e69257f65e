"""The key agent where there are no Unix sockets (Windows): a named pipe, and a secret.

Python on Windows has no AF_UNIX, so `keyagent` hands over to this module there. The agent
listens on a named pipe with a random name through `multiprocessing.connection`, which
makes every client prove, by HMAC over a fresh challenge, that it holds the agent's 32-byte
secret (and the agent prove it to the client). The pipe's name and the secret are written
to a file in the user's own temporary folder (`%LOCALAPPDATA%\\Temp`, which only the user,
the system and administrators may read), so only the user's own processes can ask. Only
bytes are sent, never a pickle: a request is one JSON object, as on the Unix socket.

The same code runs over a Unix socket (`family="AF_UNIX"`) where the tests run, so what
differs on Windows is the address family alone.

Run as `python -m collector.agent_pipe RENDEZVOUS IDLE_SECONDS FAMILY`, the keys on stdin.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import secrets
import sys
import threading
import time
from multiprocessing.connection import Client, Listener
from pathlib import Path

from .i18n import tr
from .keyagent import AgentError

MAX_REPLY = 1 << 20
FAMILY = "AF_PIPE" if sys.platform == "win32" else "AF_UNIX"


def _address(rendezvous: Path, family: str) -> str:
    name = secrets.token_hex(16)
    if family == "AF_PIPE":
        return rf"\\.\pipe\sluttsamtale-{name}"
    return str(rendezvous.parent / f"agent-{name}.sock")


def _read_rendezvous(rendezvous: Path) -> tuple[str, str, bytes] | None:
    try:
        data = json.loads(rendezvous.read_text(encoding="utf-8"))
        return str(data["address"]), str(data["family"]), base64.b64decode(data["secret"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def ask(rendezvous: Path, request: dict[str, object]) -> dict[str, object] | None:
    """One request to the agent, or None when none is listening."""
    found = _read_rendezvous(rendezvous)
    if found is None:
        return None
    address, family, secret = found
    try:
        with Client(address, family=family, authkey=secret) as conn:
            conn.send_bytes(json.dumps(request).encode())
            reply = conn.recv_bytes(MAX_REPLY)
    except (FileNotFoundError, ConnectionRefusedError, EOFError):
        return None  # gone, its idle time ran out
    except OSError as e:
        raise AgentError(
            tr("{path}: the key agent did not answer ({value})", path=rendezvous, value=e)
        ) from None
    except Exception:  # noqa: BLE001 - a failed challenge (AuthenticationError): not ours
        return None
    try:
        answer = json.loads(reply)
    except ValueError:
        return None
    return answer if isinstance(answer, dict) else None


def serve(rendezvous: Path, keys: dict[str, str], idle: float, family: str = FAMILY) -> None:
    """Answer requests until `idle` seconds pass without one, or a stop."""
    secret = secrets.token_bytes(32)
    address = _address(rendezvous, family)
    listener = Listener(address, family=family, authkey=secret)
    last = [time.monotonic()]
    done = threading.Event()
    _write_private(
        rendezvous,
        json.dumps(
            {"address": address, "family": family, "secret": base64.b64encode(secret).decode()}
        ),
    )

    def watch() -> None:  # accept() has no timeout: the idle time is kept here
        while not done.wait(0.5):
            if time.monotonic() - last[0] >= idle:
                break
        keys.clear()
        with contextlib.suppress(OSError):
            rendezvous.unlink()
        with contextlib.suppress(OSError):
            listener.close()  # a Unix socket's file goes with it
        os._exit(0)  # the keys end with the process, whatever accept() is waiting on

    threading.Thread(target=watch, daemon=True).start()
    try:
        while True:
            try:
                conn = listener.accept()
            except Exception:  # noqa: BLE001 - a client that failed the challenge
                continue
            with conn:
                try:
                    request = json.loads(conn.recv_bytes(4096))
                except (OSError, EOFError, ValueError):
                    continue
                op = request.get("op") if isinstance(request, dict) else None
                if op == "keys":
                    last[0] = time.monotonic()
                    conn.send_bytes(json.dumps({"keys": keys}).encode())
                elif op == "status":
                    left = int(idle - (time.monotonic() - last[0]))
                    conn.send_bytes(json.dumps({"keys": len(keys), "left": left}).encode())
                elif op == "stop":
                    conn.send_bytes(b'{"stopped": true}')
                    return
    finally:
        keys.clear()
        with contextlib.suppress(OSError):
            rendezvous.unlink()
        listener.close()
        done.set()


def start(rendezvous: Path, payload: str, idle: float, family: str = FAMILY) -> None:
    """Start the agent in the background with the keys in `payload`; wait until it answers."""
    import subprocess

    rendezvous.parent.mkdir(parents=True, exist_ok=True)
    ask(rendezvous, {"op": "stop"})  # one agent at a time: the newest unlock wins
    detached: dict[str, object] = {"start_new_session": True}
    if sys.platform == "win32":
        detached = {
            "creationflags": subprocess.DETACHED_PROCESS  # type: ignore[attr-defined]
            | subprocess.CREATE_NEW_PROCESS_GROUP  # type: ignore[attr-defined]
        }
    process = subprocess.Popen(
        [sys.executable, "-m", "collector.agent_pipe", str(rendezvous), str(idle), family],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        close_fds=True,
        **detached,  # type: ignore[call-overload]
    )
    assert process.stdin is not None
    process.stdin.write(payload.encode())
    process.stdin.close()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if ask(rendezvous, {"op": "status"}) is not None:
            return
        if process.poll() is not None:
            break
        time.sleep(0.05)
    raise AgentError(tr("{path}: the key agent did not start", path=rendezvous))


def _write_private(path: Path, text: str) -> None:
    """Written whole, readable by its owner only (the folder's rights on Windows)."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def _main() -> None:
    rendezvous, idle, family = Path(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
    keys = json.loads(sys.stdin.read())
    sys.stdin.close()
    serve(rendezvous, keys, idle, family)


if __name__ == "__main__":
    _main()
