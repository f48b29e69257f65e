"""One file made ready to store, with nothing written: opened, checked, kept (keeping.py)
and sealed at rest to HR's key. What import does for each file before its SQL; the same
code runs in the import's own process or in a worker process (workers.py).

A file bound to an invitation reads that invitation's record as the store holds it when
the file is prepared. The record it read goes with the result (`seen`), so that the one
process that writes can tell whether the invitation changed since (another answer from
the same link, earlier in the same batch) and prepare the file again if it did.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from ..errors import SluttsamtaleError
from ..formats import at_rest, envelope, hpke, keys
from ..formats.envelope import Envelope
from ..formats.keyfile import HRKey
from ..model.loading import Catalog
from ..model.records import Summary
from ..store import Store
from .extract import extract_item
from .files import Item
from .keeping import keep
from .opening import Invitation, LinkFinder, OpenedResponse, open_invitation, open_response


@dataclass(frozen=True)
class Seen:
    """The invitation a bound file was prepared with, as its row was then (None: the store
    held no invitation with that link)."""

    link_id: str
    record: bytes | None


@dataclass(frozen=True)
class Prepared:
    """A response ready to store: what the store's row and the file's result need, and no
    answer in the clear except `summary` (for its group's page, sealed with it)."""

    response_id: str
    key_id: str
    receipt: str
    file_digest: str
    enc_digest: str
    invited: bool
    anonymous: bool
    wording_differs: bool
    parts: int
    sealed_record: bytes = b""
    """The record sealed with its summary in it (records.ResponseRecord.summary)."""
    summary: Summary | None = None
    """None when nothing is kept (`empty`, `refusal`)."""
    special: bool = False
    empty: bool = False
    """A receiver's part with nothing in it: nothing to keep (FORMAT.md 7.1)."""
    superseded: bool = False
    supersedes: tuple[str, ...] = ()
    invitation: tuple[str, bytes, str, str] | None = None
    """(code, the invitation's new sealed record, key id, delete-by), for a bound response."""
    refusal: SluttsamtaleError | None = None
    """Why keeping it was refused (an invitation closed by an anonymous answer): said only
    if the file is not a duplicate, as a duplicate is said before any rule."""


@dataclass(frozen=True)
class Known:
    """A file stored already, byte for byte: nothing to open or keep."""

    receipt: str
    invited: bool
    enc_digest: str
    file_digest: str


@dataclass(frozen=True)
class Rejected:
    """Why one file was not prepared: the error import reports for it, or the name of an
    error no one expected (a worker sends only the name: any error pickles as that)."""

    error: SluttsamtaleError | None = None
    unexpected: str | None = None


Ready = tuple[Prepared | Known | Rejected, Seen | None]
"""An item prepared (or why not), and the invitation it was prepared with."""

FileFinder = Callable[[str], str | None]
"""The file digest of the response stored with this enc digest, if one is."""


def prepare(
    item: Item,
    *,
    hr_keys: Mapping[str, HRKey],
    catalog: Catalog,
    now: datetime,
    find_link: LinkFinder,
    find_file: FileFinder = lambda _: None,
) -> Ready:
    """Open, check, keep and seal one item; never raises for the file's own faults."""
    seen: list[Seen] = []

    def finding(link_id: str) -> Invitation | None:
        invitation = find_link(link_id)
        seen.append(Seen(link_id, invitation.row.record if invitation is not None else None))
        return invitation

    try:
        if item.problem is not None:
            raise item.problem
        data = extract_item(item)
        parsed = envelope.parse(data)
        known = _known(data, parsed, hr_keys, find_file)
        if known is not None:
            return known, None
        response = open_response(
            data, hr_keys=hr_keys, catalog=catalog, now=now, find_link=finding, parsed=parsed
        )
        return sealed(response, hr_keys, now), (seen[0] if seen else None)
    except SluttsamtaleError as e:
        return Rejected(e), (seen[0] if seen else None)
    except Exception as e:  # noqa: BLE001 - one odd file must not end a batch of hundreds
        return Rejected(unexpected=type(e).__name__), (seen[0] if seen else None)


def _known(
    data: bytes, parsed: Envelope, hr_keys: Mapping[str, HRKey], find_file: FileFinder
) -> Known | None:
    part = next((p for p in parsed.parts if p.key_id in hr_keys), None)
    if part is None:
        return None  # opening says why
    enc_digest = hashlib.sha256(hpke.enc_of(part.sealed)).hexdigest()
    stored = find_file(enc_digest)
    if stored is None:
        return None
    file_digest = hashlib.sha256(data).hexdigest()
    if stored != file_digest:
        return None  # the same part in another file: a replay, which opening and storing say
    return Known(envelope.receipt_of(file_digest), part.link is not None, enc_digest, file_digest)


def sealed(response: OpenedResponse, hr_keys: Mapping[str, HRKey], now: datetime) -> Prepared:
    """What is kept of an opened response, sealed to the key it came sealed to."""
    if response.payload.scope == "whistleblowing":
        response = receivers_own(response, at_rest.index_key(hr_keys[response.key_id]))
    public = keys.public_of(hr_keys[response.key_id].private)
    file = Prepared(
        response_id=response.response_id,
        key_id=response.key_id,
        receipt=response.receipt,
        file_digest=response.file_digest,
        enc_digest=response.enc_digest,
        invited=response.invitation is not None,
        anonymous=response.payload.readers == "statistics",
        wording_differs=bool(response.wording_differs),
        parts=response.parts,
    )
    try:
        kept = keep(response, now)
    except SluttsamtaleError as e:
        return replace(file, refusal=e)
    if kept.empty:
        return replace(file, empty=True)
    invitation = None
    if kept.invitation is not None and response.invitation is not None:
        row = response.invitation.row
        # Its own delete-by date, unchanged: a date that moved would tell who answered.
        sealed_invitation = at_rest.seal(kept.invitation, "invitation", public)
        invitation = (row.code, sealed_invitation, response.key_id, row.delete_by)
    return replace(
        file,
        # The record carries its summary: one seal, not two (the row's own is left empty).
        sealed_record=at_rest.seal(
            kept.record.model_copy(update={"summary": kept.summary}), "record", public
        ),
        summary=kept.summary,
        special=kept.special,
        superseded=kept.superseded,
        supersedes=kept.supersedes,
        invitation=invitation,
    )


def receivers_own(response: OpenedResponse, index: bytes) -> OpenedResponse:
    """The receiver's response under identifiers of the receiver's own: the response id,
    receipt and digests keyed with the receiver's key (FORMAT.md 7.1). HR holds the same
    file and could compute any plain digest of it; only these cannot be matched against
    HR's records, so nothing the receiver quotes names the reporter to HR."""

    def keyed(label: str, text: str) -> str:
        return at_rest.tag(index, f"sluttsamtale-receiver/1 {label} {text}")

    response_id = keyed("response", response.response_id)[:32]
    code = keyed("receipt", response.file_digest)
    return replace(
        response,
        response_id=response_id,
        receipt=f"{code[0:4]}-{code[4:8]}-{code[8:12]}",
        file_digest=keyed("file", response.file_digest),
        enc_digest=keyed("enc", response.enc_digest),
        payload=response.payload.model_copy(update={"response_id": response_id}),
    )


def store_links(store: Store, hr_keys: Mapping[str, HRKey]) -> LinkFinder:
    """The invitations as this store holds them (its writes not yet committed included)."""

    def find_link(link_id: str) -> Invitation | None:
        row = store.invitation_by_link(link_id)
        return open_invitation(row, hr_keys) if row is not None else None

    return find_link


def prepare_here(
    item: Item, *, hr_keys: Mapping[str, HRKey], catalog: Catalog, store: Store, now: datetime
) -> Ready:
    """`prepare` in the process that writes, against the store as it holds it now (its
    writes not yet committed included)."""
    return prepare(
        item,
        hr_keys=hr_keys,
        catalog=catalog,
        now=now,
        find_link=store_links(store, hr_keys),
        find_file=store.file_with_enc,
    )
