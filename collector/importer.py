"""Import: items -> envelope -> opened payload -> checked against its set -> stored.

Each file is decided on its own: a bad file is reported and the batch goes on. A file is
either stored whole, in one transaction, or not at all. No SQL and no click here: the
store does the one and the CLI the other.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Literal, TypeVar

from . import clock, envelope, followup, inputs, reading, sealing
from .errors import PayloadFailure, SluttsamtaleError, StoreError
from .keyfile import HRKey
from .questionnaires import Catalog
from .schema import Payload, check_payload
from .store import ConflictError, ImportLink, Store, StoredResponse

Outcome = Literal["imported", "duplicate", "rejected"]


@dataclass(frozen=True)
class FileResult:
    """What happened to one file. `reason` never quotes an answer."""

    path: Path
    outcome: Outcome
    receipt: str | None = None
    response_id: str | None = None
    kind: str | None = None
    reason: str | None = None
    invitation: Literal["matched", "unknown"] | None = None
    acknowledge_by: str | None = None
    """Set when a newly imported response holds special information: the first due date."""
    whistleblowing: bool = False
    """HR's part says special answers went to the whistleblowing receiver (FORMAT.md 7.1)."""

    def line(self) -> str:
        """The report line HR sees, e.g. `imported  a.json  receipt 3f2a-91bc-04de`.

        A response with special information gets a second line saying what the employer
        must do, never what was written.
        """
        if self.outcome == "rejected":
            return f"rejected  {self.path}: {self.kind}: {self.reason}"
        line = f"{self.outcome:<9} {self.path}  receipt {self.receipt}"
        if self.invitation == "unknown":
            line += "  (unknown invitation)"
        if self.acknowledge_by is not None and self.response_id is not None:
            line += "\n" + followup.import_notice(self.response_id, self.acknowledge_by)
        if self.whistleblowing and self.outcome == "imported":
            line += "\n" + reading.WHISTLEBLOWING_NOTICE
        return line

    def as_dict(self) -> dict[str, str | None]:
        return {
            "path": str(self.path),
            "outcome": self.outcome,
            "receipt": self.receipt,
            "response_id": self.response_id,
            "kind": self.kind,
            "reason": self.reason,
            "invitation": self.invitation,
            "special": self.acknowledge_by is not None,
            "acknowledge_by": self.acknowledge_by,
            "whistleblowing": self.whistleblowing,
        }


@dataclass
class Summary:
    imported: int = 0
    duplicate: int = 0
    rejected: int = 0

    def add(self, result: FileResult) -> None:
        setattr(self, result.outcome, getattr(self, result.outcome) + 1)

    @property
    def files(self) -> int:
        return self.imported + self.duplicate + self.rejected

    def __str__(self) -> str:
        noun = "file" if self.files == 1 else "files"
        return (
            f"{self.imported} imported, {self.duplicate} duplicate, "
            f"{self.rejected} rejected ({self.files} {noun})"
        )

    def as_dict(self) -> dict[str, int]:
        return {
            "imported": self.imported,
            "duplicate": self.duplicate,
            "rejected": self.rejected,
            "files": self.files,
        }


def import_items(
    items: Iterable[inputs.Item],
    *,
    keys: Mapping[str, HRKey],
    catalog: Catalog,
    store: Store,
    now: datetime | None = None,
) -> Iterator[FileResult]:
    """Import each item in order, yielding its result as soon as it is stored or refused.

    A StoreError other than a conflict (locked, damaged, disk full) ends the batch: it
    would fail every file after it too.
    """
    # Tried: opening files one thread ahead to overlap the fsync after each response. On
    # CPython the GIL hand-over after every fsync cost more than the overlap won.
    for item in items:
        yield import_item(item, keys=keys, catalog=catalog, store=store, now=now)


def import_item(
    item: inputs.Item,
    *,
    keys: Mapping[str, HRKey],
    catalog: Catalog,
    store: Store,
    now: datetime | None = None,
) -> FileResult:
    """Import one item: open it, then store it."""
    opened = _attempt(item, lambda: open_item(item, keys=keys, catalog=catalog, now=now))
    if isinstance(opened, FileResult):
        return opened
    rules = followup.rules_for(catalog.employer.followup)
    return _attempt(item, lambda: store_opened(item, opened, store, now, rules))


def open_item(
    item: inputs.Item,
    *,
    keys: Mapping[str, HRKey],
    catalog: Catalog,
    now: datetime | None = None,
) -> OpenedResponse:
    """The response in one item, opened and checked; raises the SluttsamtaleError that fits."""
    if item.problem is not None:
        raise item.problem
    data = inputs.extract(item.path)
    return open_response(data, keys=keys, catalog=catalog, now=now or clock.now())


def store_opened(
    item: inputs.Item,
    response: OpenedResponse,
    store: Store,
    now: datetime | None = None,
    rules: followup.Rules | None = None,
) -> FileResult:
    payload = response.payload
    sealed_on = payload.sealed_at.astimezone(UTC).date()
    outcome = store.save(
        StoredResponse(
            response_id=response.response_id,
            key_id=response.key_id,
            received_at=_iso(now or clock.now()),
            delete_by=response.delete_by.isoformat(),
            receipt=response.receipt,
            sealed=response.sealed,
        ),
        ImportLink(
            invitation=payload.invitation,
            declined=payload.declined,
            sealed_on=sealed_on.isoformat(),
            special=response.special,
        ),
    )
    invitation: Literal["matched", "unknown"] | None = None
    if payload.invitation is not None:
        matched = store.is_matched(response.response_id)
        invitation = "matched" if matched else "unknown"
    acknowledge_by = None
    if outcome == "imported" and response.special:
        case = followup.Case(response.response_id, sealed_on)
        acknowledge_by = followup.acknowledge_due(rules or followup.DEFAULT, case).isoformat()
    return FileResult(
        item.path,
        outcome,
        receipt=response.receipt,
        response_id=response.response_id,
        invitation=invitation,
        acknowledge_by=acknowledge_by,
        whistleblowing=bool(payload.sent_to_whistleblowing),
    )


_T = TypeVar("_T")


def _attempt(item: inputs.Item, work: Callable[[], _T]) -> _T | FileResult:
    """`work()`, or the rejection that its error means for this file."""
    try:
        return work()
    except ConflictError as e:
        return _rejected(item.path, e)
    except StoreError:
        raise
    except SluttsamtaleError as e:
        return _rejected(item.path, e)
    except Exception as e:  # noqa: BLE001 - one odd file must not end a batch of hundreds
        return FileResult(
            item.path,
            "rejected",
            kind="error",
            reason=f"unexpected {type(e).__name__} while reading it; please report this",
        )


@dataclass(frozen=True)
class OpenedResponse:
    response_id: str
    key_id: str
    receipt: str
    sealed: bytes
    delete_by: date
    payload: Payload
    special: bool = False


def open_response(
    data: bytes, *, keys: Mapping[str, HRKey], catalog: Catalog, now: datetime | None = None
) -> OpenedResponse:
    """Parse, open and check one response file; raise the SluttsamtaleError that fits."""
    part, payload = sealing.open_envelope(envelope.parse(data), keys)
    ref = payload.questionnaire
    qset = catalog.get(ref.id, ref.version)
    if qset is None:
        raise PayloadFailure(
            f"answers are for question set {ref.id!r} version {ref.version}, "
            f"which is not in {catalog.folder}"
        )
    check_payload(payload, qset, now=now)
    assert qset.privacy is not None  # the loader fills it in from employer.yml
    sealed_on = payload.sealed_at.astimezone(UTC).date()
    return OpenedResponse(
        response_id=payload.response_id,
        key_id=part.key_id,
        receipt=envelope.receipt(data),
        sealed=part.sealed,
        delete_by=clock.add_months(sealed_on, qset.privacy.retention_months),
        payload=payload,
        special=reading.has_special(payload, qset),
    )


def _rejected(path: Path, error: SluttsamtaleError) -> FileResult:
    return FileResult(path, "rejected", kind=error.kind, reason=str(error))


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
