"""Unlock and lock: HR's key opened once per working session, by the same agent as
`sluttsamtale unlock`; the desk itself never keeps a key."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ... import keyagent
from ...errors import SluttsamtaleError
from ...formats import keyfile
from ..forms import read, text
from ..pages import desk_of, handled, page


def _next(value: str) -> str:
    """Only a path of the desk itself: never an address elsewhere (an open redirect)."""
    return value if value.startswith("/") and not value.startswith("//") else "/"


@handled
async def unlock_page(request: Request) -> Response:
    desk = desk_of(request)
    return page(
        request,
        "unlock.html",
        title=desk.words.sections["desk"]["unlock_title"],
        paths=desk.key_paths(),
        unlocked=desk.unlocked(),
        minutes=desk.settings.unlock_minutes(None),
        next=_next(request.query_params.get("next", "/")),
        available=desk.settings.agent_socket is not None and keyagent.available(),
    )


@handled
async def unlock(request: Request) -> Response:
    desk = desk_of(request)
    w = desk.words.sections["desk"]
    form = await read(request, desk.access, w)
    paths = desk.key_paths()
    socket = desk.settings.agent_socket
    errors = []
    if socket is None or not keyagent.available():
        errors.append(("", w["unlock_unavailable"]))
    if not paths:
        errors.append(("", w["unlock_no_key"]))
    opened = {}
    if not errors:
        for i, path in enumerate(paths):
            passphrase = text(form, f"passphrase-{i}")
            if not passphrase:
                errors.append((f"passphrase-{i}", w["unlock_empty"].format(path=path)))
                continue
            try:
                key = keyfile.load(path, passphrase)
            except SluttsamtaleError as e:
                errors.append((f"passphrase-{i}", str(e)))
                continue
            opened[key.key_id] = key
    minutes_text = text(form, "minutes")
    minutes = int(minutes_text) if minutes_text.isdigit() else 0
    if not 1 <= minutes <= 720:
        errors.append(("minutes", w["unlock_minutes_range"]))
    if errors:
        return page(
            request,
            "unlock.html",
            status=400,
            title=w["unlock_title"],
            paths=paths,
            unlocked=False,
            minutes=minutes_text,
            next=_next(text(form, "next")),
            available=socket is not None and keyagent.available(),
            errors=errors,
        )
    assert socket is not None
    keyagent.hand_over(socket, opened, minutes * 60)
    return RedirectResponse(_next(text(form, "next")), status_code=303)


@handled
async def lock(request: Request) -> Response:
    desk = desk_of(request)
    await read(request, desk.access, desk.words.sections["desk"])
    socket = desk.settings.agent_socket
    if socket is not None:
        keyagent.ask(socket, {"op": "stop"})
    return RedirectResponse("/unlock", status_code=303)
