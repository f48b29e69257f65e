"""Import: items -> the response inside each -> opened and checked -> stored.

Each file is decided on its own: a bad file is reported and the batch goes on. A file is
either stored whole, in one transaction, or not at all. Results are data; the CLI and the
desk word them (render/text.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, TypeVar

from .. import clock
from ..errors import SluttsamtaleError, StoreError
from ..formats.keyfile import HRKey
from ..model.employer import FollowupRules
from ..model.loading import Catalog
from ..store import ConflictError, ImportLink, Store, StoredResponse
from . import extract
from .files import Item
from .opening import OpenedResponse, open_response

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

    def as_dict(self) -> dict[str, Any]:
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

    def as_dict(self) -> dict[str, int]:
        return {
            "imported": self.imported,
            "duplicate": self.duplicate,
            "rejected": self.rejected,
            "files": self.files,
        }


def import_items(
    items: Iterable[Item],
    *,
    hr_keys: Mapping[str, HRKey],
    catalog: Catalog,
    store: Store,
    now: datetime,
) -> Iterator[FileResult]:
    """Import each item in order, yielding its result as soon as it is stored or refused.

    A StoreError other than a conflict (locked, damaged, disk full) ends the batch: it
    would fail every file after it too.
    """
    # Tried: opening files one thread ahead to overlap the fsync after each response. On
    # CPython the GIL hand-over after every fsync cost more than the overlap won.
    rules = catalog.employer.followup
    for item in items:
        yield import_item(item, hr_keys=hr_keys, catalog=catalog, store=store, now=now, rules=rules)


def import_item(
    item: Item,
    *,
    hr_keys: Mapping[str, HRKey],
    catalog: Catalog,
    store: Store,
    now: datetime,
    rules: FollowupRules | None = None,
) -> FileResult:
    """Import one item: open it, then store it."""
    opened = _attempt(item, lambda: open_item(item, hr_keys=hr_keys, catalog=catalog, now=now))
    if isinstance(opened, FileResult):
        return opened
    rules = rules or catalog.employer.followup
    return _attempt(item, lambda: store_opened(item, opened, store, now, rules))


def open_item(
    item: Item, *, hr_keys: Mapping[str, HRKey], catalog: Catalog, now: datetime
) -> OpenedResponse:
    """The response in one item, opened and checked; raises the SluttsamtaleError that fits."""
    if item.problem is not None:
        raise item.problem
    data = extract.extract(item.path)
    return open_response(data, hr_keys=hr_keys, catalog=catalog, now=now)


def store_opened(
    item: Item, response: OpenedResponse, store: Store, now: datetime, rules: FollowupRules
) -> FileResult:
    payload = response.payload
    sealed_on = clock.utc_day(payload.sealed_at)
    outcome = store.save(
        StoredResponse(
            response_id=response.response_id,
            key_id=response.key_id,
            received_at=clock.iso(now),
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
        invitation = "matched" if store.is_matched(response.response_id) else "unknown"
    acknowledge_by = None
    if outcome == "imported" and response.special:
        acknowledge_by = rules.acknowledge_due(sealed_on).isoformat()
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


def _attempt(item: Item, work: Callable[[], _T]) -> _T | FileResult:
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


def _rejected(path: Path, error: SluttsamtaleError) -> FileResult:
    return FileResult(path, "rejected", kind=error.kind, reason=str(error))
