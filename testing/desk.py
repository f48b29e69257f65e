"""The desk in tests: the real application behind its real guard, reached through
Starlette's TestClient (httpx) or a real uvicorn server for Chromium."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from urllib.parse import parse_qsl, urlsplit

from starlette.testclient import TestClient

from collector import keyagent, settings
from collector.desk.app import make_app
from collector.desk.state import Desk

TEST_HOST = "testserver"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def make_desk() -> Desk:
    desk = Desk(settings.from_environ())
    desk.access.hosts = frozenset({TEST_HOST})
    return desk


@contextmanager
def client(desk: Desk, *, start: bool = True) -> Iterator[TestClient]:
    # The desk's own root, as in the address `sluttsamtale desk` prints: c.get("/inbox")
    # asks for <root>/inbox.
    with TestClient(make_app(desk), base_url=f"http://{TEST_HOST}{desk.access.root}") as c:
        if start:
            r = c.get(f"/start?token={desk.access.start_token}", follow_redirects=False)
            assert r.status_code == 200, r.text
        try:
            yield c
        finally:
            socket = desk.settings.agent_socket
            if socket is not None:
                keyagent.ask(socket, {"op": "stop"})


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def links_in_eml(data: bytes) -> list[str]:
    msg = message_from_bytes(data, policy=policy.default)
    body = msg.get_body(preferencelist=("plain",))
    assert body is not None
    return re.findall(r"https?://\S+#k=[A-Za-z0-9_-]+", body.get_content())


def secret_of(link: str) -> str:
    return dict(parse_qsl(urlsplit(link).fragment))["k"]


@contextmanager
def running(desk: Desk) -> Iterator[str]:
    """The desk served by uvicorn on 127.0.0.1 in a thread, as `sluttsamtale desk` serves
    it; yields the one-time start address."""
    import threading

    import uvicorn

    from collector.desk.server import bind

    sock = bind(0)
    desk.access.port = sock.getsockname()[1]
    config = uvicorn.Config(make_app(desk), log_level="warning", access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        while not server.started:
            thread.join(0.02)
        yield desk.access.start_url()
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
        socket = desk.settings.agent_socket
        if socket is not None:
            keyagent.ask(socket, {"op": "stop"})
