"""Reading a form: in memory only, within the caps, and only with the session's CSRF token.

Starlette spools an upload over 1 MiB to a temporary file; a saved mail names its sender,
so uploads are held in memory instead (up to access.MAX_BODY for the whole request).
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.datastructures import FormData, UploadFile
from starlette.formparsers import FormParser, MultiPartException, MultiPartParser
from starlette.requests import Request

from .access import MAX_BODY, Access

MAX_FILES = 200
MAX_FIELD = 1024 * 1024
"""A pasted armored block is at most a response file's 1 MiB, with room for the mail text."""


class InMemoryParser(MultiPartParser):
    spool_max_size = MAX_BODY


class FormRefused(Exception):
    """The form lacks the CSRF token, or breaks a cap; `text` says which, for a person."""

    def __init__(self, status: int, text: str) -> None:
        super().__init__(text)
        self.status = status
        self.text = text


@dataclass(frozen=True)
class Upload:
    name: str
    data: bytes


async def read(request: Request, access: Access, words: dict[str, str]) -> FormData:
    """The form's fields and files, after the CSRF token was checked."""
    content_type = request.headers.get("content-type", "")
    try:
        if content_type.startswith("multipart/form-data"):
            parser = InMemoryParser(
                request.headers,
                request.stream(),
                max_files=MAX_FILES,
                max_fields=100,
                max_part_size=MAX_FIELD,
            )
            form = await parser.parse()
        elif content_type.startswith("application/x-www-form-urlencoded"):
            form = await FormParser(request.headers, request.stream()).parse()
        else:
            form = FormData()
    except MultiPartException:
        raise FormRefused(413, words["too_large"]) from None
    token = form.get("csrf")
    if not isinstance(token, str) or not access.csrf_ok(token):
        raise FormRefused(403, words["refused_csrf"])
    return form


async def uploads(form: FormData, name: str) -> list[Upload]:
    """The files of one field, read into memory; an empty pick (no file chosen) is none."""
    out = []
    for value in form.getlist(name):
        if isinstance(value, UploadFile) and value.filename:
            out.append(Upload(value.filename, await value.read()))
            await value.close()
    return out


def text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def flag(form: FormData, name: str) -> bool:
    return form.get(name) in ("1", "on", "yes")
