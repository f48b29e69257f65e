"""The inbox: response files, saved mails and pasted text into the store, one line each, as
`sluttsamtale import` prints them."""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response

from ...intake import importer
from ...intake.files import Item
from ...render import text as text_layer
from ..forms import flag, read, text, uploads
from ..pages import desk_of, handled, page

PASTED = "pasted-text.txt"


@handled
async def inbox_page(request: Request) -> Response:
    desk = desk_of(request)
    desk.keys()  # locked: unlock first, not after the files were chosen
    w = desk.words.sections["desk"]
    return page(request, "inbox.html", title=w["inbox_title"], results=None)


@handled
async def inbox(request: Request) -> Response:
    desk = desk_of(request)
    w = desk.words.sections["desk"]
    form = await read(request, desk.access, w)
    items = [Item(Path(u.name), data=u.data) for u in await uploads(form, "files")]
    pasted = text(form, "pasted")
    if pasted:
        items.append(Item(Path(PASTED), data=pasted.encode("utf-8")))
    if not items:
        return page(
            request,
            "inbox.html",
            status=400,
            title=w["inbox_title"],
            results=None,
            errors=[("files", w["inbox_nothing"])],
        )
    confirm = flag(form, "confirm")
    catalog = desk.catalog()
    keys = desk.keys()
    summary = importer.Summary()
    lines = []
    created = not desk.settings.db_path(None).exists()
    with desk.env.store(None, create=True, warn=False) as store:
        for result in importer.import_items(
            items, hr_keys=keys, catalog=catalog, store=store, now=desk.now()
        ):
            summary.add(result)
            if confirm and result.outcome == "imported" and result.invited is False:
                assert result.receipt is not None
                store.confirm(result.receipt)  # as `import --confirm`
            # The CLI's line, without its second line naming the followup command: the
            # desk links to the response instead (inbox.html).
            line = text_layer.import_line(result, desk.words).split("\n")[0]
            lines.append((result, line))
    return page(
        request,
        "inbox.html",
        status=200,
        title=w["inbox_title"],
        results=lines,
        summary=text_layer.import_summary(summary, desk.words),
        created=desk.settings.db_path(None).resolve() if created else None,
    )
