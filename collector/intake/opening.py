"""Opening a response: envelope -> the part for one of HR's keys (with its invitation's link
secret when it is bound) -> padded payload -> checked against its question set. And opening
what the store keeps (records, summaries) in memory."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from ..errors import NoKeyError, PayloadFailure, SluttsamtaleError
from ..formats import at_rest, envelope, hpke, keys, links
from ..formats import payload as payload_format
from ..formats.envelope import Envelope, Part
from ..formats.keyfile import HRKey
from ..i18n import tr
from ..model.loading import Catalog
from ..model.payload import Payload, check_payload
from ..model.questionset import QuestionSet
from ..model.records import InvitationRecord, ResponseRecord, Summary
from ..model.wording import expected_once as set_wording
from ..store import InvitationRow, StoredResponse

SHORT_ID = 8


@dataclass(frozen=True)
class Invitation:
    """The invitation a bound part names, opened with HR's key."""

    row: InvitationRow
    record: InvitationRecord

    @property
    def secret(self) -> bytes:
        raw = links.read_secret(self.record.secret)
        assert raw is not None, "a stored secret is always well formed"
        return raw


LinkFinder = Callable[[str], Invitation | None]
"""Looks an invitation up by link id (the store's, opened with HR's key)."""


def choose_part(env: Envelope, hr_keys: Mapping[str, HRKey]) -> Part:
    """The first part, in file order, whose key id is among `hr_keys` (FORMAT.md 5.4)."""
    part = next((p for p in env.parts if p.key_id in hr_keys), None)
    if part is None:
        ids = [keys.fingerprint(p.key_id) for p in env.parts]
        raise NoKeyError(
            tr("the file is sealed to key {id}, and no key given has that key id", id=ids[0])
            if len(ids) == 1
            else tr(
                "the file is sealed to keys {ids}, and no key given has either key id",
                ids=tr(" and ").join(ids),
            )
        )
    return part


def open_part(part: Part, key: HRKey, link_secret: bytes | None) -> tuple[Payload, bytes]:
    """The payload of one part, and its padded plaintext."""
    plaintext = hpke.open_sealed(part.sealed, key.private, link_secret, kid=key.key_id)
    return payload_format.parse(plaintext), plaintext


@dataclass(frozen=True)
class OpenedResponse:
    """A response file opened and checked at import, ready to be kept."""

    response_id: str
    key_id: str
    receipt: str
    file_digest: str
    enc_digest: str
    payload: Payload
    qset: QuestionSet
    invitation: Invitation | None
    wording_differs: list[str] = field(default_factory=list)
    parts: int = 1
    plaintext_digest: str = ""
    """SHA-256 hex of the opened (padded) plaintext: what a testkit vector names."""


def open_response(
    data: bytes,
    *,
    hr_keys: Mapping[str, HRKey],
    catalog: Catalog,
    now: datetime,
    find_link: LinkFinder = lambda _: None,
    parsed: Envelope | None = None,
) -> OpenedResponse:
    """Parse (unless `parsed` is its envelope already), open and check one response file;
    raise the SluttsamtaleError that fits."""
    if parsed is None:
        parsed = envelope.parse(data)
    part = choose_part(parsed, hr_keys)
    invitation = None
    if part.link is not None:
        invitation = find_link(part.link)
        if invitation is None:
            raise NoKeyError(
                tr("the file is sealed with the link of an invitation this store does not hold")
            )
    secret = invitation.secret if invitation is not None else None
    payload, plaintext = open_part(part, hr_keys[part.key_id], secret)
    ref = payload.questionnaire
    qset = catalog.get(ref.id, ref.version)
    if qset is None:
        raise PayloadFailure(
            tr(
                "answers are for question set {id!r} version {version}, which is not in {folder}",
                id=ref.id,
                version=ref.version,
                folder=catalog.folder,
            )
        )
    check_payload(payload, qset, now=now, plaintext=plaintext)
    file_digest = hashlib.sha256(data).hexdigest()
    return OpenedResponse(
        response_id=payload.response_id,
        key_id=part.key_id,
        receipt=envelope.receipt_of(file_digest),
        file_digest=file_digest,
        enc_digest=hashlib.sha256(hpke.enc_of(part.sealed)).hexdigest(),
        payload=payload,
        qset=qset,
        invitation=invitation,
        wording_differs=wording_differs(payload, qset),
        parts=len(parsed.parts),
        plaintext_digest=hashlib.sha256(plaintext).hexdigest(),
    )


def wording_differs(payload: Payload, qset: QuestionSet) -> list[str]:
    """Questions whose sealed wording is not the set's own (FORMAT.md 7): a sign that the
    page that sealed them was not the page HR built."""
    expected = set_wording(qset)
    out = []
    for qid, sealed in payload.wording.items():
        mine = expected.get(qid)
        if mine is None:
            continue
        options = sealed.options or None
        if sealed.label != mine["label"] or options != mine.get("options"):
            out.append(qid)
    return out


def open_invitation(row: InvitationRow, hr_keys: Mapping[str, HRKey]) -> Invitation:
    return Invitation(
        row, at_rest.open_as(InvitationRecord, row.record, "invitation", row.key_id, hr_keys)
    )


# --------------------------------------------------------------------------- stored rows


@dataclass(frozen=True)
class Opened:
    """A stored row and, if it could be opened, its record and question set."""

    row: StoredResponse
    record: ResponseRecord | None = None
    qset: QuestionSet | None = None
    problem: str | None = None

    @property
    def payload(self) -> Payload | None:
        return self.record.payload if self.record is not None else None

    def require(self) -> tuple[Payload, QuestionSet | None]:
        """The payload and set; SluttsamtaleError if the row could not be opened."""
        if self.record is None:
            raise SluttsamtaleError(
                tr(
                    "response {value} cannot be opened: {problem}",
                    value=self.row.response_id[:SHORT_ID],
                    problem=self.problem,
                )
            )
        return self.record.payload, self.qset


def open_row(row: StoredResponse, hr_keys: Mapping[str, HRKey], catalog: Catalog | None) -> Opened:
    """Decrypt one stored row in memory; a row that does not open comes back with `problem`."""
    try:
        record = at_rest.open_as(ResponseRecord, row.record, "record", row.key_id, hr_keys)
    except SluttsamtaleError as e:
        return Opened(row, problem=str(e))
    ref = record.payload.questionnaire
    qset = catalog.get(ref.id, ref.version) if catalog is not None else None
    return Opened(row, record, qset)


@dataclass(frozen=True)
class Listed:
    """A stored row with its summary, for lists that need no answers. From a listing
    (intake/summaries.py) the row comes without its sealed record and summary (b"")."""

    row: StoredResponse
    summary: Summary | None = None
    problem: str | None = None


def open_summary(row: StoredResponse, hr_keys: Mapping[str, HRKey]) -> Listed:
    """The row's summary: its own column's, or, where that is empty, its record's (a
    response stored since records carry their summary)."""
    try:
        if row.summary:
            return Listed(
                row, at_rest.open_as(Summary, row.summary, "summary", row.key_id, hr_keys)
            )
        record = at_rest.open_as(ResponseRecord, row.record, "record", row.key_id, hr_keys)
    except SluttsamtaleError as e:
        return Listed(row, problem=str(e))
    if record.summary is None:
        return Listed(row, problem=tr("{what} is damaged", what=at_rest.stored("summary")))
    return Listed(row, record.summary)
