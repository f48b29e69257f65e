"""Running the desk: 127.0.0.1 on a free port, the browser opened at the one-time address,
stopped with Ctrl+C."""

from __future__ import annotations

import socket
import webbrowser
from collections.abc import Callable

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
    if open_browser:
        webbrowser.open(url)
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
    say(words["stopped"])
