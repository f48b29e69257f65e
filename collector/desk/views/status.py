"""Status: where each invitation stands (the overdue first), the follow-ups due, and a
decline that came by other means, as `sluttsamtale status` and `decline` give them."""

from __future__ import annotations

from datetime import date

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ...render import text as text_layer
from ...routine import followup, invitations
from ..forms import read, text
from ..pages import desk_of, handled, page


@handled
async def status_page(request: Request) -> Response:
    desk = desk_of(request)
    today = desk.today()
    rules = desk.catalog().employer.followup
    with desk.store() as store:
        keys = desk.keys()
        rows = invitations.status_rows(invitations.opened_all(store, keys), today)
        steps = followup.open_steps(rules, store.followups(), today)
        names = followup.names(store, steps, keys)
    return page(
        request,
        "status.html",
        title=desk.words.sections["desk"]["status_title"],
        rows=rows,
        summary=text_layer.status_summary(rows, desk.words) if rows else None,
        state_text=lambda s: text_layer.state_text(s, desk.words),
        steps=steps,
        reporter=lambda s: text_layer.reporter(names.get(s.case.response_id), desk.words),
        step_text=lambda s: desk.words.sections["cli"][f"next_{s.what}"],
        notice=_notice(request, desk.words.sections["desk"]),
    )


def _notice(request: Request, w: dict[str, str]) -> str | None:
    # Never a name in an address: the browser keeps addresses in its history.
    return w["status_declined"] if request.query_params.get("done") == "declined" else None


@handled
async def invitation_page(request: Request) -> Response:
    return _detail(request, status=200, errors=[])


def _detail(
    request: Request, *, status: int, errors: list[tuple[str, str]], day: str = "", reason: str = ""
) -> Response:
    desk = desk_of(request)
    with desk.store() as store:
        row = invitations.detail(store, request.path_params["code"], desk.today(), desk.keys())
    return page(
        request,
        "invitation.html",
        status=status,
        title=row.invitation.record.name,
        row=row,
        record=row.invitation.record,
        state=text_layer.state_text(row.state, desk.words),
        errors=errors,
        day=day or desk.today().isoformat(),
        reason=reason,
    )


@handled
async def decline(request: Request) -> Response:
    desk = desk_of(request)
    w = desk.words.sections["desk"]
    form = await read(request, desk.access, w)
    today = desk.today()
    day_text, reason = text(form, "day"), text(form, "reason")
    try:
        day = date.fromisoformat(day_text) if day_text else today
    except ValueError:
        day = None
    if day is None or day > today:
        error = w["decline_bad_day"].format(day=day_text)
        return _detail(request, status=400, errors=[("day", error)], day=day_text, reason=reason)
    with desk.store() as store:
        invitations.record_decline(
            store,
            request.path_params["code"],
            on=day,
            today=today,
            reason=reason or None,
            hr_keys=desk.keys(),
        )
    return RedirectResponse("/status?done=declined", status_code=303)
