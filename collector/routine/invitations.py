"""Invitations, as rules: a checked leaver, a new invitation and its link, who is the same
person, where each invitation stands, a decline HR records.

The link carries everything in the URL fragment (after "#"), which browsers never send to
a web server, so names and dates stay out of server logs (spec/FORMAT.md, "Invitation
links"). The invitation itself is HR's own administrative record and is stored in clear;
the answers stay sealed.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal
from urllib.parse import quote, urlsplit

from ..clock import iso
from ..formats.keyfile import HRKey
from ..intake.leavers import InvitationError, Leaver
from ..model.answers import FACTS
from ..model.loading import Catalog
from ..store import Invitation, InvitationState, Store
from . import notes
from .retention import invitation_delete_by

TOKEN_BYTES = 16  # 22 characters of base64url: the payload allows 16 to 64
LINK_FIELDS = FACTS
"""The facts a link may prefill, in link order after `token`; each is a question's `prefill`."""

# --------------------------------------------------------------------------- making


def check_base_url(url: str | None) -> str:
    """The answering site's address without a trailing "/"; the page needs a secure origin."""
    if not url:
        raise InvitationError(
            "no site address; give the answering site's address with --base-url or "
            "SLUTTSAMTALE_BASE_URL, e.g. https://hr.example.org/sluttsamtale"
        )
    parts = urlsplit(url.strip())
    local = parts.scheme == "http" and parts.hostname in ("localhost", "127.0.0.1")
    if parts.scheme not in ("https", "file") and not local:
        raise InvitationError(
            f"{url!r}: the site's address must start with https:// (the page cannot seal "
            "answers over plain http)"
        )
    if parts.query or parts.fragment or parts.path.endswith(".html"):
        raise InvitationError(f"{url!r}: give the site's base address, without a page, '?' or '#'")
    return url.strip().rstrip("/")


def new_token() -> str:
    """A random invitation code. Never one starting with "-" or "_": HR types its first
    characters on the command line, where a leading "-" reads as an option."""
    while True:
        token = secrets.token_urlsafe(TOKEN_BYTES)
        if token[0].isalnum():
            return token


def make(leavers: Iterable[Leaver], catalog: Catalog, now: datetime) -> list[Invitation]:
    out = []
    for leaver in leavers:
        qset = catalog.latest_of(leaver.set_id)
        assert qset is not None and qset.privacy is not None  # checked in check_leaver
        out.append(
            Invitation(
                token=new_token(),
                set_id=qset.id,
                language=qset.language,
                name=leaver.name,
                last_day=leaver.last_day.isoformat(),
                invited_at=iso(now),
                delete_by=invitation_delete_by(
                    leaver.last_day, qset.privacy.retention_months
                ).isoformat(),
                email=leaver.email,
                position=leaver.position,
                workplace=leaver.workplace,
                department=leaver.department,
                employed_from=leaver.employed_from.isoformat() if leaver.employed_from else None,
            )
        )
    return out


def identity(invitation: Invitation) -> str:
    """Who an invitation is for: the same name (ignoring case) with the same last day is the
    same person, so a second run of next month's list does not invite anyone twice."""
    return f"{invitation.name.casefold()}\x00{invitation.last_day}"


@dataclass(frozen=True)
class Invited:
    invitation: Invitation
    created: bool
    link: str


def invite(
    store: Store, leavers: list[Leaver], catalog: Catalog, base_url: str, now: datetime
) -> list[Invited]:
    """Store invitations for `leavers` (all or none); people already invited come back as
    they were, with `created` False."""
    made = store.add_invitations(make(leavers, catalog, now), identity)
    return [Invited(inv, created, link(base_url, inv)) for inv, created in made]


def link(base_url: str, invitation: Invitation) -> str:
    """`<base>/sets/<set-id>.html#token=...&name=...`: every value percent-encoded (UTF-8)."""
    params = [("token", invitation.token)]
    params += [(f, getattr(invitation, f)) for f in LINK_FIELDS if getattr(invitation, f)]
    fragment = "&".join(f"{k}={quote(v, safe='')}" for k, v in params)
    return f"{base_url}/sets/{invitation.set_id}.html#{fragment}"


# --------------------------------------------------------------------------- where they stand

SHORT_TOKEN = 8


State = Literal["answered", "declined", "overdue", "not yet"]
STATES: tuple[State, ...] = ("overdue", "not yet", "answered", "declined")


def state(entry: InvitationState, today: date) -> tuple[State, str | None]:
    """Where an invitation stands, and the day it got there."""
    answered = [m for m in entry.responses if not m.declined]
    if answered:
        return "answered", answered[-1].sealed_on
    declined = [m.sealed_on for m in entry.responses if m.declined]
    if entry.invitation.declined_on:
        declined.append(entry.invitation.declined_on)
    if declined:
        return "declined", min(declined)
    if today > date.fromisoformat(entry.invitation.last_day):
        return "overdue", None
    return "not yet", None


def find(entries: list[InvitationState], query: str) -> InvitationState:
    """The one invitation a token, its first characters (6 or more) or a name points to."""
    wanted = query.strip()
    if not wanted:
        raise InvitationError("give an invitation's code or the person's name")
    hits = [e for e in entries if e.invitation.token == wanted]
    if not hits and len(wanted) >= 6:
        hits = [e for e in entries if e.invitation.token.startswith(wanted)]
    if not hits:
        hits = [e for e in entries if e.invitation.name.casefold() == wanted.casefold()]
    if not hits:
        raise InvitationError(f"no invitation has the code or name {wanted!r}")
    if len(hits) > 1:
        raise InvitationError(
            f"{len(hits)} invitations match {wanted!r}; give the code that "
            "`sluttsamtale status` shows"
        )
    return hits[0]


@dataclass(frozen=True)
class StatusRow:
    state: State
    day: str | None
    invitation: Invitation

    def as_dict(self) -> dict[str, str | None]:
        inv = self.invitation
        return {
            "status": self.state,
            "since": self.day,
            "name": inv.name,
            "department": inv.department,
            "last_day": inv.last_day,
            "set": inv.set_id,
            "invited_at": inv.invited_at,
            "code": inv.token,
        }


def status_rows(entries: list[InvitationState], today: date) -> list[StatusRow]:
    """By last working day, the overdue (last day passed, no answer) first."""
    rows = [StatusRow(*state(e, today), e.invitation) for e in entries]
    return sorted(
        rows,
        key=lambda r: (r.state != "overdue", r.invitation.last_day, r.invitation.name.casefold()),
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
    key: Callable[[], HRKey],
) -> Declined:
    """Record that `who` declined by other means; the reason, if any, sealed to HR's key
    (`key` is asked for only then, so a wrong name never costs a passphrase)."""
    entry = find(store.invitations(), who)
    inv = entry.invitation
    standing, since = state(entry, today)
    if standing == "answered":
        raise InvitationError(f"{inv.name} has already answered ({since}); no decline was recorded")
    note = notes.seal(reason, key()) if reason else None
    store.record_decline(inv.token, on.isoformat(), note)
    return Declined(inv, on)


@dataclass(frozen=True)
class InvitationDetail:
    row: StatusRow
    decline_reason: str | None
    reason_sealed: bool
    """A reason was recorded, and stays sealed because no key was given."""


def detail(
    store: Store, who: str, today: date, hr_keys: Mapping[str, HRKey] | None
) -> InvitationDetail:
    """One invitation as it stands, with the decline reason HR recorded (opened with the key)."""
    entry = find(store.invitations(), who)
    note = store.decline_note(entry.invitation.token)
    reason = notes.open_note(note, hr_keys) if note is not None and hr_keys is not None else None
    row = StatusRow(*state(entry, today), entry.invitation)
    return InvitationDetail(row, reason, note is not None and reason is None)
