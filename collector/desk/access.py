"""Who may use the desk, and what every response carries: the guard around the application.

Only the browser that opened the one-time address gets in: that address sets a session
cookie (HttpOnly, SameSite=Strict) and then stops working, so the address left in the
browser's history or a terminal's scrollback opens nothing. Every request must name the
loopback address as its Host (a page of another site, pointed at 127.0.0.1 by DNS
rebinding, names its own host) and carry the cookie; a state-changing request must also
carry the session's CSRF token (forms.py checks it) and come from the desk's own origin.
Bodies are capped; responses are never cached and carry a strict CSP.

A browser sends a cookie for 127.0.0.1 to every port of it, so a program of anyone's on
another port, once HR's browser is steered there, would get the session. Hence the desk
lives under a path of its own, secret like the session (`/d-<random>/`), and the cookie is
scoped to that path: a page elsewhere on 127.0.0.1 never sees it, and cannot name it.
"""

from __future__ import annotations

import hmac
import html
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

COOKIE = "sluttsamtale_desk"
START_PATH = "/start"
MAX_BODY = 64 * 1024 * 1024
"""The most one request may carry: a handful of saved mails of up to 25 MiB each."""

CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
"""No script at all: the desk is plain forms. A document the desk shows as it would be
saved (a record, a report) brings its own, sandboxed, policy (documents.py)."""

HEADERS = {
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
    # same-origin, not no-referrer: with no-referrer a browser sends "Origin: null" on the
    # desk's own form posts, and the origin check below could not tell them from a foreign page.
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
}

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


@dataclass
class Access:
    """The desk's secrets for one run: the one-time start token, the session, the CSRF token."""

    port: int = 0
    start_token: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    session: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    root: str = field(default_factory=lambda: "/d-" + secrets.token_urlsafe(16))
    """The path the whole desk lives under, and the session cookie's Path."""
    started: bool = False
    hosts: frozenset[str] = frozenset()
    """Host headers let in besides 127.0.0.1:PORT and localhost:PORT (the tests' own)."""
    on_start: Callable[[], None] | None = None
    """Called once the start address has been used (server.py deletes its start page)."""

    def start_url(self) -> str:
        return f"http://127.0.0.1:{self.port}{self.root}{START_PATH}?token={self.start_token}"

    def allowed_host(self, host: str) -> bool:
        own = {f"127.0.0.1:{self.port}", f"localhost:{self.port}"}
        return host in own or host in self.hosts

    def origins(self) -> set[str]:
        return {f"http://{h}" for h in {f"127.0.0.1:{self.port}", f"localhost:{self.port}"}} | {
            f"http://{h}" for h in self.hosts
        }

    def csrf_ok(self, given: str | None) -> bool:
        return given is not None and hmac.compare_digest(given.encode(), self.csrf.encode())


class Refused(Exception):
    def __init__(self, status: int, text: str) -> None:
        super().__init__(text)
        self.status = status
        self.text = text


class Guard:
    """ASGI middleware: nothing reaches the application unless this lets it through."""

    def __init__(self, app: ASGIApp, access: Access, words: dict[str, str]) -> None:
        self.app = app
        self.access = access
        self.words = words

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        try:
            start = self._check(scope, headers)
        except Refused as e:
            await _plain(send, e.status, e.text)
            return
        if start:
            await self._start(send)
            return
        root = self.access.root
        inner = dict(scope, path=scope["path"][len(root) :] or "/", raw_path=None)
        await self.app(inner, _capped(receive, self.words["too_large"]), _with_headers(send, root))

    def _check(self, scope: Scope, headers: dict[str, str]) -> bool:
        """True for a good start request; raises Refused for anything not let in."""
        w = self.words
        if not self.access.allowed_host(headers.get("host", "")):
            raise Refused(421, w["refused_host"])
        length = headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY):
            raise Refused(413, w["too_large"])
        path: str = scope["path"]
        root = self.access.root
        if not (path == root or path.startswith(root + "/")):
            raise Refused(404, w["refused_session"])
        if path == root + START_PATH and scope["method"] == "GET":
            token = parse_qs(scope.get("query_string", b"").decode()).get("token", [""])[0]
            good = hmac.compare_digest(token.encode(), self.access.start_token.encode())
            if not good or self.access.started:
                raise Refused(403, w["refused_start"])
            self.access.started = True
            if self.access.on_start is not None:
                self.access.on_start()
            return True
        cookie = SimpleCookie()
        try:
            cookie.load(headers.get("cookie", ""))
        except Exception:  # noqa: BLE001 - a malformed cookie header is simply no session
            cookie = SimpleCookie()
        morsel = cookie.get(COOKIE)
        given = morsel.value if morsel is not None else ""
        if not hmac.compare_digest(given.encode(), self.access.session.encode()):
            raise Refused(403, w["refused_session"])
        if scope["method"] in UNSAFE_METHODS:
            origin = headers.get("origin")
            if origin is not None and origin not in self.access.origins():
                raise Refused(403, w["refused_origin"])
            if headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
                raise Refused(403, w["refused_origin"])
        return False

    async def _start(self, send: Send) -> None:
        """The cookie, then a page of the desk's own origin that moves on to the start page.
        Not a redirect: a redirect would continue the navigation that came from the start
        file (file://), which the browser counts as cross-site, and a SameSite=Strict
        cookie is not sent on it."""
        root = html.escape(self.access.root)
        cookie = f"{COOKIE}={self.access.session}; Path={self.access.root}; HttpOnly; "
        cookie += "SameSite=Strict"
        body = (
            '<!doctype html><meta charset="utf-8">'
            f'<meta http-equiv="refresh" content="0;url={root}/">'
            f"<title>Sluttsamtale</title>"
            f'<p><a href="{root}/">{html.escape(self.words["start_continue"])}</a></p>'
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", b"text/html; charset=utf-8"),
                    (b"content-length", str(len(body)).encode()),
                    (b"set-cookie", cookie.encode()),
                    *_security_headers(),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


def _security_headers(csp: bool = True) -> list[tuple[bytes, bytes]]:
    out = [(k.encode(), v.encode()) for k, v in HEADERS.items()]
    if csp:
        out.append((b"content-security-policy", CSP.encode()))
    return out


def _with_headers(send: Send, root: str) -> Send:
    """Adds the security headers to every response (a response with its own CSP, a
    document shown as saved, keeps it), and the desk's root to a redirect within it."""

    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = [
                (k, root.encode() + v if k.lower() == b"location" and v.startswith(b"/") else v)
                for k, v in message.get("headers", [])
                if k.lower() not in _OURS
            ]
            has_csp = any(k.lower() == b"content-security-policy" for k, _ in headers)
            message["headers"] = headers + _security_headers(csp=not has_csp)
        await send(message)

    return wrapped


_OURS = {k.encode() for k in HEADERS}


class TooLarge(Exception):
    pass


def _capped(receive: Receive, text: str) -> Receive:
    """Counts the body as it streams in: a request without (or lying about) its length is
    cut off at MAX_BODY just the same."""
    seen = 0

    async def wrapped() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > MAX_BODY:
                raise TooLarge(text)
        return message

    return wrapped


async def _plain(send: Send, status: int, text: str) -> None:
    body = text.encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                *_security_headers(),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
