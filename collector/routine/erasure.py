"""Erasure and correction on request (GDPR Art. 16, 17; doc 000: "when the information has
been used ... the leader shall delete"; doc 003: discarded when no longer needed).

Erasing deletes the response and its follow-up so that the text cannot be found in the
database file afterwards (the store rewrites the file), and remembers its digests so the
same file is not taken again. A response whose follow-up of special information is still
open is not erased unless asked with force: the employer's duty to assess comes first.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from ..errors import SluttsamtaleError
from ..formats import at_rest, keys
from ..formats.keyfile import HRKey
from ..i18n import tr
from ..intake import summaries
from ..intake.opening import SHORT_ID, open_row, open_summary
from ..model.records import Correction
from ..store import Store, StoredResponse
from . import invitations


class ErasureError(SluttsamtaleError):
    """An erasure or correction that cannot be done as asked."""


@dataclass(frozen=True)
class Erasure:
    """What an erasure deletes (or, as a dry run, would delete)."""

    responses: list[str]
    invitation: str | None = None
    held: list[str] = field(default_factory=list)
    """Responses kept back because their follow-up is still open."""
    unlinked: int = 0
    """Answers for anonymous statistics from that invitation, which nothing links to it."""
    dry_run: bool = False


def erase_response(
    store: Store, prefix: str, today: date, *, dry_run: bool, force: bool
) -> Erasure:
    row = store.find(prefix)
    return _erase(store, [row], None, today, dry_run=dry_run, force=force)


def erase_invitation(
    store: Store,
    who: str,
    today: date,
    hr_keys: Mapping[str, HRKey],
    *,
    dry_run: bool,
    force: bool,
) -> Erasure:
    """Every response linked to one person's invitation, and the invitation itself."""
    entry = invitations.find(invitations.opened_all(store, hr_keys), who)
    rows = []
    for listed in summaries.listed(store, hr_keys, repair=False):
        if listed.summary is not None and listed.summary.invitation == entry.row.code:
            rows.append(listed.row)
    erasure = _erase(store, rows, entry.row.code, today, dry_run=dry_run, force=force)
    return Erasure(
        erasure.responses,
        entry.row.code,
        erasure.held,
        entry.record.anonymous,
        dry_run,
    )


def _erase(
    store: Store,
    rows: list[StoredResponse],
    invitation: str | None,
    today: date,
    *,
    dry_run: bool,
    force: bool,
) -> Erasure:
    held = [r.response_id for r in rows if _open_case(store, r.response_id)]
    if held and not force and not dry_run:
        which = ", ".join(h[:SHORT_ID] for h in held)
        raise ErasureError(
            tr(
                "the follow-up of special information in {which} is still open; close it "
                "with `sluttsamtale followup ... --feedback` first, or erase anyway with "
                "--force",
                which=which,
            )
        )
    ids = [r.response_id for r in rows]
    if not dry_run:
        store.erase(ids, today.isoformat())
        if invitation is not None:
            store.delete_invitation(invitation)
    return Erasure(ids, invitation, held, dry_run=dry_run)


def _open_case(store: Store, response_id: str) -> bool:
    case = store.followup(response_id)
    return case is not None and case.feedback_on is None


def correct(
    store: Store, prefix: str, note: str, today: date, hr_keys: Mapping[str, HRKey]
) -> StoredResponse:
    """Record a correction on a response (its record is sealed anew with the note)."""
    if not note.strip():
        raise ErasureError(tr("the correction note is empty; say what is wrong"))
    row = store.find(prefix)
    opened = open_row(row, hr_keys, None)
    record = opened.record
    if record is None:
        raise ErasureError(
            tr(
                "response {value} cannot be opened: {problem}",
                value=row.response_id[:SHORT_ID],
                problem=opened.problem,
            )
        )
    listed = open_summary(row, hr_keys)
    if listed.summary is None:
        raise ErasureError(
            tr(
                "response {value} cannot be opened: {problem}",
                value=row.response_id[:SHORT_ID],
                problem=listed.problem,
            )
        )
    key = hr_keys[row.key_id]
    public = keys.public_of(key.private)
    new = record.model_copy(
        update={"corrections": [*record.corrections, Correction(on=today.isoformat(), note=note)]}
    )
    # A row keeps its form: an older one (its summary sealed apart) is sealed anew as it
    # was, so that a copied store does not tell which of them were corrected.
    own = at_rest.seal(listed.summary, "summary", public) if row.summary else b""
    store.update_record(row.response_id, at_rest.seal(new, "record", public), own)
    return row
