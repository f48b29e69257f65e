"""Opening a response: envelope -> the part for one of HR's keys -> payload -> checked
against its question set. The same steps open a file at import and a stored row later."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from .. import clock
from ..errors import NoKeyError, PayloadFailure, SluttsamtaleError
from ..formats import envelope, hpke, keys
from ..formats import payload as payload_format
from ..formats.envelope import Envelope, Part
from ..formats.keyfile import HRKey
from ..model import answers
from ..model.loading import Catalog
from ..model.payload import Payload, check_payload
from ..model.questionset import QuestionSet
from ..store import StoredResponse

SHORT_ID = 8


def open_envelope(env: Envelope, hr_keys: Mapping[str, HRKey]) -> tuple[Part, Payload]:
    """Open the first part, in file order, whose key id is among `hr_keys`."""
    part = next((p for p in env.parts if p.key_id in hr_keys), None)
    if part is None:
        ids = " and ".join(keys.fingerprint(p.key_id) for p in env.parts)
        which = "that key id" if len(env.parts) == 1 else "either key id"
        noun = "key" if len(env.parts) == 1 else "keys"
        raise NoKeyError(f"the file is sealed to {noun} {ids}, and no key given has {which}")
    plaintext = hpke.open_sealed(part.sealed, hr_keys[part.key_id].private)
    return part, payload_format.parse(plaintext)


@dataclass(frozen=True)
class OpenedResponse:
    """A response file opened and checked at import, ready to be stored."""

    response_id: str
    key_id: str
    receipt: str
    sealed: bytes
    delete_by: date
    payload: Payload
    special: bool = False


def open_response(
    data: bytes, *, hr_keys: Mapping[str, HRKey], catalog: Catalog, now: datetime
) -> OpenedResponse:
    """Parse, open and check one response file; raise the SluttsamtaleError that fits."""
    part, payload = open_envelope(envelope.parse(data), hr_keys)
    ref = payload.questionnaire
    qset = catalog.get(ref.id, ref.version)
    if qset is None:
        raise PayloadFailure(
            f"answers are for question set {ref.id!r} version {ref.version}, "
            f"which is not in {catalog.folder}"
        )
    check_payload(payload, qset, now=now)
    assert qset.privacy is not None  # the loader fills it in from employer.yml
    sealed_on = clock.utc_day(payload.sealed_at)
    return OpenedResponse(
        response_id=payload.response_id,
        key_id=part.key_id,
        receipt=envelope.receipt(data),
        sealed=part.sealed,
        delete_by=clock.add_months(sealed_on, qset.privacy.retention_months),
        payload=payload,
        special=answers.has_special(payload, qset),
    )


@dataclass(frozen=True)
class Opened:
    """A stored row and, if it could be opened, its payload and question set."""

    row: StoredResponse
    payload: Payload | None = None
    qset: QuestionSet | None = None
    problem: str | None = None

    def require(self) -> tuple[Payload, QuestionSet | None]:
        """The payload and set; SluttsamtaleError if the row could not be opened."""
        if self.payload is None:
            raise SluttsamtaleError(
                f"response {self.row.response_id[:SHORT_ID]} cannot be opened: {self.problem}"
            )
        return self.payload, self.qset


def open_row(row: StoredResponse, hr_keys: Mapping[str, HRKey], catalog: Catalog | None) -> Opened:
    """Decrypt one stored row in memory; a row that does not open comes back with `problem`."""
    if row.key_id not in hr_keys:
        return Opened(
            row,
            problem=f"sealed to key {keys.fingerprint(row.key_id)}, which was not given with --key",
        )
    try:
        _, payload = open_envelope(Envelope(parts=(Part(row.key_id, row.sealed),)), hr_keys)
    except SluttsamtaleError as e:
        return Opened(row, problem=str(e))
    ref = payload.questionnaire
    qset = catalog.get(ref.id, ref.version) if catalog is not None else None
    return Opened(row, payload, qset)
