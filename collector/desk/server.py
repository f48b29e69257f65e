"""Running the desk: 127.0.0.1 on a free port, the browser opened at the one-time address,
stopped with Ctrl+C."""

from __future__ import annotations

import html
import os
import shutil
import socket
import tempfile
import webbrowser
from collections.abc import Callable
from pathlib import Path

from .app import make_app
from .state import Desk


def bind(port: int = 0) -> socket.socket:
    """A listening socket on the loopback address only (port 0: a free one)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    sock.listen(64)
    sock.set_inheritable(True)
    return sock


def run(
    desk: Desk, *, port: int = 0, open_browser: bool = True, say: Callable[[str], None]
) -> None:
    import uvicorn

    sock = bind(port)
    desk.access.port = sock.getsockname()[1]
    url = desk.access.start_url()
    words = desk.words.sections["desk"]
    say(words["started"].format(url=url))
    opener = None
    if open_browser:
        opener = _start_file(url)
        folder = opener.parent
        desk.access.on_start = lambda: shutil.rmtree(folder, ignore_errors=True)
        webbrowser.open(opener.as_uri())
    config = uvicorn.Config(
        make_app(desk),
        log_level="warning",
        access_log=False,  # an address can hold a response id; nothing is logged
        server_header=False,
        date_header=False,
        lifespan="off",
    )
    server = uvicorn.Server(config)
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass  # Ctrl+C is how the desk is meant to stop: uvicorn has shut down by now
    finally:
        sock.close()
        if opener is not None:
            shutil.rmtree(opener.parent, ignore_errors=True)
    say(words["stopped"])


def _start_file(url: str) -> Path:
    """A page of HR's own (0600, in a folder only HR can enter) that sends the browser on to
    the one-time address: as Jupyter does, so that the token is not on the browser's command
    line, which other users of the computer can read in the process list. Deleted once the
    address has been used, or when the desk stops. In the home folder, not /tmp: a browser
    installed as a snap (Ubuntu's default) has a /tmp of its own and would not find it."""
    folder = Path(tempfile.mkdtemp(prefix="sluttsamtale-desk-", dir=Path.home()))
    page = folder / "start.html"
    fd = os.open(page, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(
            '<!doctype html><meta charset="utf-8">'
            f'<meta http-equiv="refresh" content="0;url={html.escape(url)}">'
            f'<title>Sluttsamtale</title><a href="{html.escape(url)}">{html.escape(url)}</a>'
        )
    return page
