"""Files the desk hands to the browser to save (the invitations' zip, the interviewer's
sealed copy): held in memory for a while after the page that made them, then forgotten."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

from .pages import desk_of, handled, problem


@dataclass(frozen=True)
class Download:
    name: str
    media_type: str
    data: bytes


@handled
async def download(request: Request) -> Response:
    desk = desk_of(request)
    found = desk.take(request.path_params["ticket"])
    if not isinstance(found, Download):
        return problem(request, desk.words.sections["desk"]["download_gone"], 404)
    return Response(
        found.data,
        media_type=found.media_type,
        headers={"content-disposition": f'attachment; filename="{found.name}"'},
    )
