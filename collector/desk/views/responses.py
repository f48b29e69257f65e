"""Responses: the current ones as `list` shows them, and one response with its answers
under the questions, the employee's wishes, the print view, and the follow-up of special
information step by step, as `show` and `followup` give them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from ...errors import SluttsamtaleError
from ...intake.opening import SHORT_ID, open_row
from ...model import answers
from ...render import html as html_shell
from ...render import record as record_page
from ...render import text as text_layer
from ...render.sealed_copy import seal_record
from ...routine import followup, notes, responses
from ...safetext import html_visible
from ..downloads import Download
from ..forms import read, text
from ..pages import desk_of, handled, page

if TYPE_CHECKING:
    from ...formats.keyfile import HRKey
    from ...intake.opening import Opened
    from ...model.loading import Catalog
    from ...store import Followup
    from ..state import Desk

DOCUMENT_CSP = html_shell.CSP + "; sandbox"
"""A document shown as it would be saved: its own inline style, and no script whatever."""


@handled
async def list_page(request: Request) -> Response:
    desk = desk_of(request)
    with desk.store() as store:
        view = responses.load_overview(store, desk.keys())
    hidden = view.superseded if not any(i.row.superseded for i in view.shown) else 0
    return page(
        request,
        "responses.html",
        title=desk.words.sections["desk"]["responses_title"],
        view=view,
        short=SHORT_ID,
        flags=lambda item: ", ".join(text_layer.flags(item.summary, desk.words)),
        hidden=text_layer.plural(hidden, "response", desk.words) if hidden else None,
        anonymous=(
            text_layer.plural(view.anonymous, "response", desk.words) if view.anonymous else None
        ),
    )


@dataclass(frozen=True)
class Shown:
    """One response as its pages need it: opened in memory, with its follow-up case."""

    catalog: Catalog
    keys: dict[str, HRKey]
    opened: Opened
    case: Followup | None
    names: dict[str, followup.Reporter]


def _opened(request: Request) -> Shown:
    desk = desk_of(request)
    catalog = desk.catalog()
    with desk.store() as store:
        row = store.find(request.path_params["id"])
        keys = desk.keys()
        opened = open_row(row, keys, catalog)
        responses.refuse_anonymous(opened)
        case = store.followup(row.response_id)
        names: dict[str, followup.Reporter] = {}
        if case is not None:
            steps = [followup.Step(case, "acknowledge", desk.today(), False)]
            names = followup.names(store, steps, keys)
    return Shown(catalog, keys, opened, case, names)


@handled
async def response_page(request: Request) -> Response:
    return _response(request, status=200, errors=[])


def _response(request: Request, *, status: int, errors: list[tuple[str, str]]) -> Response:
    desk = desk_of(request)
    shown = _opened(request)
    catalog, keys, opened, case, names = (
        shown.catalog,
        shown.keys,
        shown.opened,
        shown.case,
        shown.names,
    )
    payload, qset = opened.require()
    employer = catalog.employer
    parts = record_page.content(opened, employer=employer)
    rules = employer.followup
    today = desk.today()
    step = followup.next_step(rules, case, today) if case else None
    interviewer_ok = True
    try:
        record_page.check_interviewer(opened, employer.policies)
    except SluttsamtaleError:  # the reason is the CLI's, shown if HR asks for the copy
        interviewer_ok = False
    return page(
        request,
        "response.html",
        status=status,
        title=payload.questionnaire.title,
        row=opened.row,
        short=opened.row.response_id[:SHORT_ID],
        # Escaped by render/record.py; each hidden character shown, as in the print view.
        record=Markup(html_visible("\n".join(parts))),
        footer=Markup(html_visible(record_page.footer(opened, employer))),
        special=answers.has_special(payload, qset),
        case=case,
        step=step,
        step_text=desk.words.sections["cli"][f"next_{step.what}"] if step else None,
        rules=text_layer.rules_text(rules, desk.words),
        acknowledge_due=rules.acknowledge_due(case.reported_on) if case else None,
        feedback_due=followup.feedback_due(rules, case) if case else None,
        assessment=notes.open_note(case.assessment, keys) if case else None,
        reporter=text_layer.reporter(names.get(opened.row.response_id), desk.words) if case else "",
        interviewer_ok=interviewer_ok,
        errors=errors,
        notice=w_done(desk, request.query_params.get("done")),
    )


def w_done(desk: Desk, done: str | None) -> str | None:
    w = desk.words.sections["desk"]
    return w[f"followup_done_{done}"] if done in ("acknowledged", "assessed", "feedback") else None


@handled
async def print_view(request: Request) -> Response:
    shown = _opened(request)
    catalog, opened = shown.catalog, shown.opened
    html = record_page.render(opened, employer=catalog.employer)
    return HTMLResponse(html, headers={"content-security-policy": DOCUMENT_CSP})


@handled
async def record_followup(request: Request) -> Response:
    desk = desk_of(request)
    w = desk.words.sections["desk"]
    form = await read(request, desk.access, w)
    today = desk.today()
    step = text(form, "step")
    assessment = text(form, "assessment")
    if step == "assessed" and not assessment:
        return _response(request, status=400, errors=[("assessment", w["followup_empty"])])
    asked = followup.Requested(
        acknowledged=today if step == "acknowledged" else None,
        assessment=assessment if step == "assessed" else None,
        feedback=today if step == "feedback" else None,
    )
    if asked == followup.Requested():
        return _response(request, status=400, errors=[("", w["followup_unknown"])])
    catalog = desk.catalog()
    with desk.store() as store:
        row = store.find(request.path_params["id"])
        keys = desk.keys()
        opened = open_row(row, keys, catalog)
        payload, qset = opened.require()
        followup.record(store, row, payload, qset, asked, next(iter(keys.values())), today)
    return RedirectResponse(f"/responses/{row.response_id}?done={step}", status_code=303)


@handled
async def interviewer_copy(request: Request) -> Response:
    """The copy for the person who holds the conversation, sealed with a one-time code that
    this page shows once (as `show --for-interviewer --sealed` prints it once)."""
    desk = desk_of(request)
    w = desk.words.sections["desk"]
    await read(request, desk.access, w)
    shown = _opened(request)
    catalog, opened = shown.catalog, shown.opened
    html = record_page.render(opened, employer=catalog.employer, for_interviewer=True)
    payload, _ = opened.require()
    delete_by = date.fromisoformat(opened.row.delete_by)
    copy = seal_record(html, delete_by=delete_by, language=payload.questionnaire.language)
    short = opened.row.response_id[:SHORT_ID]
    sealed = Download(f"sluttsamtale-{short}.html", "text/html; charset=utf-8", copy.html.encode())
    ticket = desk.keep(sealed)
    c = desk.words.sections["cli"]
    return page(
        request,
        "interviewer.html",
        title=w["interviewer_title"],
        row=opened.row,
        code=copy.code,
        pass_on=c["sealed_pass"].format(date=delete_by.isoformat()),
        ticket=ticket,
    )
