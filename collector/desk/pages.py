"""Pages: the templates, what every page is given, and how an error becomes a page.

Every text comes from the words catalogue (collector/words): the desk's own labels from
its `desk` section, and every outcome, state and flag from the same keys the CLI prints.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

import click
import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from ..errors import SluttsamtaleError
from ..safetext import visible
from .forms import FormRefused
from .state import Desk, Locked

Endpoint = Callable[[Request], Awaitable[Response]]

NAV = (
    ("/", "nav_home"),
    ("/inbox", "nav_inbox"),
    ("/leavers", "nav_leavers"),
    ("/status", "nav_status"),
    ("/responses", "nav_responses"),
    ("/documents", "nav_documents"),
    ("/retention", "nav_retention"),
    ("/unlock", "nav_key"),
)


@functools.cache
def templates() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("collector.desk", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["visible"] = visible  # what files said: hidden characters shown, never obeyed
    return env


def desk_of(request: Request) -> Desk:
    desk: Desk = request.app.state.desk
    return desk


def page(request: Request, template: str, *, status: int = 200, **context: Any) -> HTMLResponse:
    desk = desk_of(request)
    words = desk.words
    w = words.sections["desk"]
    path = request.url.path
    current = next((href for href, _ in NAV[1:] if path.startswith(href)), "/")
    try:
        employer = desk.catalog().employer.name
    except SluttsamtaleError:
        employer = ""
    body = (
        templates()
        .get_template(template)
        .render(
            w=w,
            c=words.sections["cli"],
            words=words,
            lang=desk.language,
            csrf=desk.access.csrf,
            root=desk.access.root,
            nav=[(href, w[key]) for href, key in NAV],
            current=current,
            employer=employer,
            errors=context.pop("errors", []),
            notice=context.pop("notice", None),
            **context,
        )
    )
    return HTMLResponse(body, status_code=status)


def problem(request: Request, text: str, status: int = 400) -> HTMLResponse:
    return page(request, "problem.html", status=status, problem=text, title=None)


def handled(endpoint: Endpoint) -> Endpoint:
    """An endpoint whose library errors become a page with the one sentence (as the CLI's
    "Error: ..." line), and whose locked key sends HR to unlock it first."""

    @functools.wraps(endpoint)
    async def wrapped(request: Request) -> Response:
        try:
            return await endpoint(request)
        except Locked:
            # Back to the page after unlocking; a form's target cannot be gone back to (a
            # GET of it is no page), so after a form, the overview.
            back = quote(request.url.path if request.method == "GET" else "/", safe="/")
            return RedirectResponse(f"/unlock?next={back}", status_code=303)
        except FormRefused as e:
            return problem(request, e.text, e.status)
        except SluttsamtaleError as e:
            return problem(request, str(e))
        except click.ClickException as e:  # the Env's own sentences (no key file given ...)
            return problem(request, e.message)

    return wrapped
