"""Retention: what has reached its delete-by date, the dry run, then purge; and erasure on
request, as `sluttsamtale purge` and `erase` do it."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from ...intake.opening import SHORT_ID
from ...render import text as text_layer
from ...routine import erasure, retention
from ..forms import flag, read, text
from ..pages import desk_of, handled, page
from ..state import Desk


def _would(would: retention.Purged, desk: Desk) -> str:
    """What purge would delete now, in the desk's words (the CLI's name --dry-run)."""
    d = would.deletion
    if not d.total:
        return desk.words.sections["desk"]["purge_none_due"]
    return desk.words.sections["desk"]["purge_would"].format(
        counted=text_layer.counted(d, desk.words)
    )


@handled
async def retention_page(request: Request) -> Response:
    desk = desk_of(request)
    with desk.store() as store:
        would = retention.purge(store, desk.today(), dry_run=True)
    return page(
        request,
        "retention.html",
        title=desk.words.sections["desk"]["retention_title"],
        due=would.deletion.total,
        dry_run=_would(would, desk),
        done=None,
        erased=None,
    )


@handled
async def purge(request: Request) -> Response:
    desk = desk_of(request)
    await read(request, desk.access, desk.words.sections["desk"])
    with desk.store() as store:
        done = retention.purge(store, desk.today(), dry_run=False)
        would = retention.purge(store, desk.today(), dry_run=True)
    return page(
        request,
        "retention.html",
        title=desk.words.sections["desk"]["retention_title"],
        due=would.deletion.total,
        dry_run=_would(would, desk),
        done=text_layer.purge_line(done, desk.words),
        erased=None,
    )


@handled
async def erase(request: Request) -> Response:
    """Two steps, as GOV.UK's pattern for what cannot be undone: the dry run says what would
    go; only the second form, with `confirm`, erases."""
    desk = desk_of(request)
    w, c = desk.words.sections["desk"], desk.words.sections["cli"]
    form = await read(request, desk.access, w)
    response_id, who = text(form, "response_id"), text(form, "who")
    confirmed = flag(form, "confirm")
    if bool(response_id) == bool(who):
        with desk.store() as store:
            would = retention.purge(store, desk.today(), dry_run=True)
        return page(
            request,
            "retention.html",
            status=400,
            title=w["retention_title"],
            due=would.deletion.total,
            dry_run=_would(would, desk),
            done=None,
            erased=None,
            errors=[("response_id", w["erase_one_of"])],
        )
    force = flag(form, "force")
    today = desk.today()
    with desk.store() as store:
        if who:
            done = erasure.erase_invitation(
                store, who, today, desk.keys(), dry_run=not confirmed, force=force
            )
        else:
            done = erasure.erase_response(
                store, response_id, today, dry_run=not confirmed, force=force
            )
        would = retention.purge(store, today, dry_run=True)
    ids = ", ".join(r[:SHORT_ID] for r in done.responses) or c["nothing"]
    lines = [(c["erase_done"] if confirmed else w["erase_would"]).format(ids=ids)]
    if done.invitation is not None:
        lines.append(c["erase_invitation_done" if confirmed else "erase_invitation_dry_run"])
    if not confirmed and done.held and not force:
        lines.append(w["erase_held"].format(ids=", ".join(r[:SHORT_ID] for r in done.held)))
    if done.unlinked:
        lines.append(c["erase_unlinked"].format(n=done.unlinked))
    return page(
        request,
        "retention.html",
        title=w["retention_title"],
        due=would.deletion.total,
        dry_run=_would(would, desk),
        done=None,
        erased=lines,
        confirm_erase=None
        if confirmed
        else {"response_id": response_id, "who": who, "force": force},
    )
