"""The start page: where things stand, and what is due."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from ...render import text
from ...routine import followup, invitations, retention
from ..pages import desk_of, handled, page


@handled
async def home(request: Request) -> Response:
    desk = desk_of(request)
    today = desk.today()
    unlocked = desk.unlocked()
    counts = steps = None
    with desk.store() as store:
        due = retention.due(store, today)
        if unlocked:
            keys = desk.keys()
            rows = invitations.status_rows(invitations.opened_all(store, keys), today)
            counts = invitations.counts(rows)
            rules = desk.catalog().employer.followup
            steps = followup.open_steps(rules, store.followups(), today)
    warning = text.retention_warning(due, desk.words)
    return page(
        request,
        "home.html",
        title=None,
        unlocked=unlocked,
        counts=counts,
        states=invitations.STATES,
        steps=steps,
        overdue_steps=sum(s.overdue for s in steps) if steps else 0,
        retention_warning=warning,
    )
