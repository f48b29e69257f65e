"""Leavers: a CSV or .xlsx from the HR system, every row and problem shown before anything
is written; then the invitations, and their e-mails as one zip of .eml files."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response

from ...intake import leavers as leaver_files
from ...render import mail
from ...render import offered as offered_text
from ...routine import invitations, letters, offered
from ..downloads import Download
from ..forms import flag, read, text, uploads
from ..pages import desk_of, handled, page, problem


@dataclass(frozen=True)
class Checked:
    """A leavers file read and checked, waiting for HR to say "invite"."""

    file: str
    invite: list[leaver_files.Leaver]
    again: bool


@handled
async def leavers_page(request: Request) -> Response:
    desk = desk_of(request)
    desk.keys()  # locked: unlock first, not after the file was checked
    try:
        invitations.check_base_url(desk.settings.base_url_or(None))
    except leaver_files.InvitationError as e:
        return _form(request, status=200, errors=[("", str(e))])
    return _form(request, status=200)


def _form(
    request: Request, *, status: int, errors: list[tuple[str, str]] | None = None
) -> Response:
    desk = desk_of(request)
    sets = [(q.id, q.title) for q in sorted(desk.catalog().latest(), key=lambda q: q.id)]
    return page(
        request,
        "leavers.html",
        status=status,
        title=desk.words.sections["desk"]["leavers_title"],
        sets=sets,
        errors=errors or [],
    )


@handled
async def check(request: Request) -> Response:
    desk = desk_of(request)
    w, c = desk.words.sections["desk"], desk.words.sections["cli"]
    form = await read(request, desk.access, w)
    files = await uploads(form, "file")
    if len(files) != 1:
        return _form(request, status=400, errors=[("file", w["leavers_pick"])])
    upload = files[0]
    catalog = desk.catalog()
    set_id = text(form, "set") or None
    try:
        parsed = leaver_files.parse_leavers(
            upload.data,
            Path(upload.name),
            set_id,
            catalog,
            skip_bad=flag(form, "skip_bad"),
            today=desk.today(),
        )
    except leaver_files.BadRows as e:
        problems = [c["leavers_bad"].format(problem=p) for p in e.problems]
        return _form(request, status=400, errors=[("file", p) for p in problems])
    except leaver_files.InvitationError as e:
        return _form(request, status=400, errors=[("file", str(e))])
    rule = catalog.employer.offered_to
    lacking = offered.missing(rule, parsed.columns)
    if lacking:
        line = offered_text.missing_columns(Path(upload.name), lacking, desk.words)
        return _form(request, status=400, errors=[("file", line)])
    inside, outside = offered.split(parsed.leavers, rule)
    include_outside = flag(form, "include_outside")
    chosen = parsed.leavers if include_outside else inside
    notes = [
        (c["leavers_past"] if kind == "past" else c["leavers_no_email"]).format(
            where=where, day=detail, name=detail
        )
        for where, kind, detail in parsed.notes
    ]
    ticket = desk.keep(Checked(upload.name, chosen, flag(form, "again")))
    return page(
        request,
        "leavers_check.html",
        title=w["leavers_check_title"],
        file=upload.name,
        leavers=chosen,
        skipped=[c["leavers_skipped"].format(problem=p) for p in parsed.skipped],
        notes=notes,
        ignored=parsed.ignored,
        outside=[offered_text.outside_line(o, rule, desk.words) for o in outside],
        outside_included=include_outside,
        again=flag(form, "again"),
        ticket=ticket,
    )


@handled
async def invite(request: Request) -> Response:
    desk = desk_of(request)
    w = desk.words.sections["desk"]
    form = await read(request, desk.access, w)
    checked = desk.take(text(form, "ticket"))
    if not isinstance(checked, Checked):
        return problem(request, w["leavers_gone"])
    catalog = desk.catalog()
    base = invitations.check_base_url(desk.settings.base_url_or(None))
    key = next(iter(desk.keys().values()))
    with desk.store() as store:
        made = letters.invite(
            store,
            checked.invite,
            catalog,
            base_url=base,
            site_dir=desk.settings.site_out(None),
            now=desk.now(),
            key=key,
            again=checked.again,
        )
    desk.drop(text(form, "ticket"))
    created = [m for m in made if m.created]
    download = None
    if created:
        name = f"invitations-{desk.today().isoformat()}.zip"
        zipped = _zip(created, desk.words.sections["cli"])
        download = desk.keep(Download(name, "application/zip", zipped))
    return page(
        request,
        "leavers_done.html",
        title=w["leavers_done_title"],
        made=made,
        created=len(created),
        download=download,
    )


def _zip(made: list[letters.Letter], words: dict[str, str]) -> bytes:
    """One invitation-<code>.eml per person (named by HR's code, not the person), and the
    page of mailto: links."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for letter in made:
            z.writestr(f"invitation-{letter.invited.invitation.row.code}.eml", letter.mail.eml())
        pairs = [(m.invited.invitation.record.name, m.mail) for m in made]
        language = made[0].mail.language
        z.writestr("mailto.html", mail.mailto_page(pairs, words, language))
    return buffer.getvalue()
