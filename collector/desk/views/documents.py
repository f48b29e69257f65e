"""Report and export: the same files as `sluttsamtale report` and `export`, with the same
rules, opened in the browser or downloaded."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from ...routine import documents
from ...words import LANGUAGES, Language
from ..forms import read, text
from ..pages import desk_of, handled, page
from .responses import DOCUMENT_CSP


@handled
async def documents_page(request: Request) -> Response:
    desk = desk_of(request)
    catalog = desk.catalog()
    return page(
        request,
        "documents.html",
        title=desk.words.sections["desk"]["documents_title"],
        languages=[(lang, desk.words.sections["desk"][f"language_{lang}"]) for lang in LANGUAGES],
        language=desk.language,
        min_group=catalog.employer.analysis.min_group,
    )


def _choices(value: str, default: Language) -> Language:
    return next((lang for lang in LANGUAGES if lang == value), default)


@handled
async def report(request: Request) -> Response:
    desk = desk_of(request)
    language = _choices(request.query_params.get("language", ""), desk.language)
    with desk.store() as store:
        made = documents.report(
            store, desk.keys(), desk.catalog(), language=language, min_group=None, now=desk.now()
        )
    return Response(
        made.data,
        media_type=made.media_type,
        headers={"content-security-policy": DOCUMENT_CSP},
    )


@handled
async def export(request: Request) -> Response:
    desk = desk_of(request)
    w = desk.words.sections["desk"]
    form = await read(request, desk.access, w)
    language = _choices(text(form, "language"), desk.language)
    fmt: documents.ExportFormat = "xlsx" if text(form, "format") == "xlsx" else "csv"
    with desk.store() as store:
        made = documents.export(
            store, desk.keys(), desk.catalog(), fmt=fmt, language=language, min_group=None
        )
    name = f"export-{desk.today().isoformat()}{made.suffix}"
    return Response(
        made.data,
        media_type=made.media_type,
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )
