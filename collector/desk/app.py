"""The desk's application: its routes, behind the guard (access.py)."""

from __future__ import annotations

from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from .access import Guard, TooLarge
from .state import Desk
from .views import documents, home, inbox, keys, leavers, responses, retention, status

STATIC = Path(__file__).resolve().parent / "static"

ROUTES = [
    Route("/", home.home),
    Route("/unlock", keys.unlock_page),
    Route("/unlock", keys.unlock, methods=["POST"]),
    Route("/lock", keys.lock, methods=["POST"]),
    Route("/inbox", inbox.inbox_page),
    Route("/inbox", inbox.inbox, methods=["POST"]),
    Route("/leavers", leavers.leavers_page),
    Route("/leavers/check", leavers.check, methods=["POST"]),
    Route("/leavers/invite", leavers.invite, methods=["POST"]),
    Route("/leavers/download/{ticket}", leavers.download),
    Route("/status", status.status_page),
    Route("/status/{code}", status.invitation_page),
    Route("/status/{code}/decline", status.decline, methods=["POST"]),
    Route("/responses", responses.list_page),
    Route("/responses/{id}", responses.response_page),
    Route("/responses/{id}/print", responses.print_view),
    Route("/responses/{id}/followup", responses.record_followup, methods=["POST"]),
    Route("/responses/{id}/interviewer", responses.interviewer_copy, methods=["POST"]),
    Route("/interviewer/{ticket}", responses.interviewer_download),
    Route("/documents", documents.documents_page),
    Route("/documents/report", documents.report),
    Route("/documents/export", documents.export, methods=["POST"]),
    Route("/retention", retention.retention_page),
    Route("/retention/purge", retention.purge, methods=["POST"]),
    Route("/retention/erase", retention.erase, methods=["POST"]),
    Mount("/static", StaticFiles(directory=STATIC), name="static"),
]


async def _too_large(request: Request, exc: Exception) -> Response:
    return PlainTextResponse(str(exc), status_code=413)


def make_app(desk: Desk) -> Guard:
    app = Starlette(routes=ROUTES, exception_handlers={TooLarge: _too_large})
    app.state.desk = desk
    return Guard(app, desk.access, desk.words.sections["desk"])
