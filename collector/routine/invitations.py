"""Invitations, as rules: a new invitation and its link, who is the same person, where each
invitation stands, a decline HR records.

The link carries only a secret (FORMAT.md 14): no name, no date, and not the code HR uses.
HR's record of the invitation is sealed to HR's key in the store; in clear only its code,
its link id, a keyed identity tag and its delete-by date.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal
from urllib.parse import urlsplit

from ..clock import iso
from ..formats import at_rest, keys, links
from ..formats.keyfile import HRKey
from ..i18n import tr
from ..intake.leavers import InvitationError, Leaver
from ..intake.opening import Invitation, open_invitation
from ..model.loading import Catalog
from ..model.records import InvitationRecord
from ..store import InvitationRow, Store
from .retention import invitation_delete_by

CODE_BYTES = 9  # 12 characters of base64url


def check_base_url(url: str | None) -> str:
    """The answering site's address without a trailing "/"; the page needs a secure origin."""
    if not url:
        raise InvitationError(
            tr(
                "no site address; give the answering site's address as base_url under "
                "[site] in sluttsamtale.toml, with --base-url or with "
                "SLUTTSAMTALE_BASE_URL, e.g. https://hr.example.org/sluttsamtale"
            )
        )
    parts = urlsplit(url.strip())
    local = parts.scheme == "http" and parts.hostname in ("localhost", "127.0.0.1")
    if parts.scheme not in ("https", "file") and not local:
        raise InvitationError(
            tr(
                "{url!r}: the site's address must start with https:// (the page cannot "
                "seal answers over plain http)",
                url=url,
            )
        )
    if parts.query or parts.fragment or parts.path.endswith(".html"):
        raise InvitationError(
            tr(
                "{url!r}: give the site's base address, without a page, '?' or '#'",
                url=url,
            )
        )
    return url.strip().rstrip("/")


def new_code() -> str:
    """A random code for HR's records. Never one starting with "-" or "_": HR types its
    first characters on the command line, where a leading "-" reads as an option."""
    while True:
        code = secrets.token_urlsafe(CODE_BYTES)
        if code[0].isalnum():
            return code


def identity(leaver: Leaver) -> str:
    """Who an invitation is for: the HR system's employee number when the file gives one,
    else the same name (ignoring case) with the same last day, so a second run of next
    month's list invites no one twice, nor anyone who declined or answered."""
    if leaver.employee_number:
        return f"employee\x00{leaver.employee_number.casefold()}"
    return f"{leaver.name.casefold()}\x00{leaver.last_day.isoformat()}"


def record_of(leaver: Leaver, catalog: Catalog, now: datetime) -> InvitationRecord:
    qset = catalog.latest_of(leaver.set_id)
    assert qset is not None  # checked in check_leaver
    return InvitationRecord(
        secret=links.secret_text(links.new_secret()),
        set_id=qset.id,
        language=qset.language,
        name=leaver.name,
        last_day=leaver.last_day.isoformat(),
        invited_at=iso(now),
        email=leaver.email,
        position=leaver.position,
        workplace=leaver.workplace,
        department=leaver.department,
        employed_from=leaver.employed_from.isoformat() if leaver.employed_from else None,
        employee_number=leaver.employee_number,
    )


@dataclass(frozen=True)
class Invited:
    invitation: Invitation
    created: bool
    link: str


def invite(
    store: Store,
    leavers: list[Leaver],
    catalog: Catalog,
    base_url: str,
    now: datetime,
    key: HRKey,
    *,
    again: bool = False,
) -> list[Invited]:
    """Store invitations for `leavers` (all or none), sealed to `key`; people already invited
    come back as they were, with `created` False, unless `again` asks for a new invitation."""
    index = at_rest.index_key(key)
    public = keys.public_of(key.private)
    batch = []
    for leaver in leavers:
        record = record_of(leaver, catalog, now)
        secret = links.read_secret(record.secret)
        assert secret is not None
        batch.append(
            InvitationRow(
                code=new_code(),
                link_id=links.link_id(secret),
                identity_tag=at_rest.tag(
                    index, identity(leaver) + (f"\x00again\x00{iso(now)}" if again else "")
                ),
                key_id=key.key_id,
                delete_by=invitation_delete_by(
                    leaver.last_day, catalog.employer.retention_months
                ).isoformat(),
                record=at_rest.seal(record, "invitation", public),
            )
        )
    made = store.add_invitations(batch)
    hr_keys = {key.key_id: key}
    out = []
    for row, created in made:
        opened = open_invitation(row, hr_keys)
        out.append(Invited(opened, created, link(base_url, opened.record)))
    return out


def link(base_url: str, record: InvitationRecord) -> str:
    """`<base>/sets/<set-id>.html#k=<secret>` (FORMAT.md 14.1)."""
    return f"{base_url}/sets/{record.set_id}.html#k={record.secret}"


# --------------------------------------------------------------------------- where they stand

State = Literal["answered", "declined", "overdue", "not yet"]
STATES: tuple[State, ...] = ("overdue", "not yet", "answered", "declined")
LATE_INVITATION_DAYS = 14
"""One invited on or after their last working day has this many days to answer before the
invitation is overdue, so that nobody is overdue on the day they are invited."""


def due_on(record: InvitationRecord) -> date:
    """The last day an answer is waited for: the last working day, or two weeks after an
    invitation sent on or after it."""
    last_day = date.fromisoformat(record.last_day)
    invited_on = date.fromisoformat(record.invited_at[:10])
    if invited_on >= last_day:
        return invited_on + timedelta(days=LATE_INVITATION_DAYS)
    return last_day


def state(record: InvitationRecord, today: date) -> tuple[State, str | None]:
    """Where an invitation stands, and the day it got there. The newest of an answer on the
    page (which may be a decline) and a decline HR recorded decides."""
    answered = record.answered_on
    declined_by_hr = record.declined_on
    if answered and (declined_by_hr is None or answered >= declined_by_hr):
        return ("declined" if record.current_declined else "answered"), answered
    if declined_by_hr:
        return "declined", declined_by_hr
    if today > due_on(record):
        return "overdue", None
    return "not yet", None


def opened_all(store: Store, hr_keys: Mapping[str, HRKey]) -> list[Invitation]:
    return [open_invitation(row, hr_keys) for row in store.invitations()]


def find(entries: list[Invitation], query: str) -> Invitation:
    """The one invitation a code, its first characters (6 or more) or a name points to."""
    wanted = query.strip()
    if not wanted:
        raise InvitationError(tr("give an invitation's code or the person's name"))
    hits = [e for e in entries if e.row.code == wanted]
    if not hits and len(wanted) >= 6:
        hits = [e for e in entries if e.row.code.startswith(wanted)]
    if not hits:
        hits = [e for e in entries if e.record.name.casefold() == wanted.casefold()]
    if not hits:
        raise InvitationError(tr("no invitation has the code or name {wanted!r}", wanted=wanted))
    if len(hits) > 1:
        raise InvitationError(
            tr(
                "{n} invitations match {wanted!r}; give the code that `sluttsamtale status` shows",
                n=len(hits),
                wanted=wanted,
            )
        )
    return hits[0]


@dataclass(frozen=True)
class StatusRow:
    state: State
    day: str | None
    invitation: Invitation

    def as_dict(self) -> dict[str, str | int | None]:
        record = self.invitation.record
        return {
            "status": self.state,
            "since": self.day,
            "name": record.name,
            "department": record.department,
            "last_day": record.last_day,
            "set": record.set_id,
            "invited_at": record.invited_at,
            "code": self.invitation.row.code,
        }


def status_rows(entries: Iterable[Invitation], today: date) -> list[StatusRow]:
    """By last working day, the overdue (last day passed, no answer) first."""
    rows = [StatusRow(*state(e.record, today), e) for e in entries]
    return sorted(
        rows,
        key=lambda r: (
            r.state != "overdue",
            r.invitation.record.last_day,
            r.invitation.record.name.casefold(),
        ),
    )


def counts(rows: list[StatusRow]) -> dict[State, int]:
    return {s: sum(r.state == s for r in rows) for s in STATES}


@dataclass(frozen=True)
class Declined:
    invitation: Invitation
    on: date


def record_decline(
    store: Store,
    who: str,
    *,
    on: date,
    today: date,
    reason: str | None,
    hr_keys: Mapping[str, HRKey],
) -> Declined:
    """Record that `who` declined by other means; the reason, if any, is sealed with the
    rest of the invitation's record."""
    entry = find(opened_all(store, hr_keys), who)
    standing, since = state(entry.record, today)
    if standing == "answered":
        name = entry.record.name
        raise InvitationError(
            tr(
                "{name} has already answered ({since}); no decline was recorded",
                name=name,
                since=since,
            )
        )
    record = entry.record.model_copy(
        update={"declined_on": on.isoformat(), "decline_reason": reason or None}
    )
    key = hr_keys[entry.row.key_id]
    sealed = at_rest.seal(record, "invitation", keys.public_of(key.private))
    store.update_invitation(entry.row.code, sealed, key.key_id)
    return Declined(Invitation(entry.row, record), on)


def detail(store: Store, who: str, today: date, hr_keys: Mapping[str, HRKey]) -> StatusRow:
    """One invitation as it stands, with the decline reason HR recorded."""
    entry = find(opened_all(store, hr_keys), who)
    return StatusRow(*state(entry.record, today), entry)
