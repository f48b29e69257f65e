"""Import: items -> the response inside each -> opened and checked -> stored.

Each file is decided on its own: a bad file is reported and the batch goes on. A file is
either stored whole (a savepoint of its own) or not at all, and reported once the group of
files it was committed with is on disk. Results are data; the CLI and the desk word them
(render/text.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, TypeVar

from .. import clock
from ..errors import SluttsamtaleError, StoreError
from ..formats.keyfile import HRKey
from ..i18n import tr
from ..model.employer import FollowupRules
from ..model.loading import Catalog
from ..store import ConflictError, DeletedError, ReplayError, Store, StoredResponse
from . import extract, preparing, summaries, workers
from .files import Item
from .opening import LinkFinder, OpenedResponse, open_response
from .preparing import Prepared, Ready

GROUP_FILES = 200
GROUP_SECONDS = 0.1
"""A group of files is committed when it holds GROUP_FILES files or has taken GROUP_SECONDS:
a report line waits that long at most, and a batch pays one fsync per group."""

Outcome = Literal["imported", "duplicate", "rejected", "empty"]
"""`empty`: a whistleblowing receiver's part with nothing in it (FORMAT.md 7.1)."""


@dataclass(frozen=True)
class FileResult:
    """What happened to one file. `reason` never quotes an answer."""

    path: Path
    outcome: Outcome
    receipt: str | None = None
    response_id: str | None = None
    kind: str | None = None
    reason: str | None = None
    invited: bool | None = None
    """Whether the response was bound to an invitation link; None when rejected."""
    anonymous: bool = False
    """Readers "statistics only": kept without name or link."""
    superseded: int = 0
    """How many earlier answers from the same invitation this one replaces."""
    older: bool = False
    """An answer sealed before the invitation's current one: kept, but not current."""
    acknowledge_by: str | None = None
    """Set when a newly imported response holds special information: the first due date."""
    wording_differs: bool = False
    two_parts: bool = False
    """The file has the whistleblowing receiver's part too (to forward it to them)."""
    message: int | None = None
    """The message of a mailbox file (mbox) the response came in, counted from 1."""

    @property
    def item(self) -> Item:
        """The item this result is about, to read it again (to forward it)."""
        return Item(self.path, message=self.message)

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "message": self.message,
            "outcome": self.outcome,
            "receipt": self.receipt,
            "response_id": self.response_id,
            "kind": self.kind,
            "reason": self.reason,
            "invited": self.invited,
            "anonymous": self.anonymous,
            "superseded": self.superseded,
            "older": self.older,
            "special": self.acknowledge_by is not None,
            "acknowledge_by": self.acknowledge_by,
            "wording_differs": self.wording_differs,
        }


@dataclass
class Summary:
    imported: int = 0
    duplicate: int = 0
    rejected: int = 0
    empty: int = 0

    def add(self, result: FileResult) -> None:
        setattr(self, result.outcome, getattr(self, result.outcome) + 1)

    @property
    def files(self) -> int:
        return self.imported + self.duplicate + self.rejected + self.empty

    def as_dict(self) -> dict[str, int]:
        return {
            "imported": self.imported,
            "duplicate": self.duplicate,
            "rejected": self.rejected,
            "empty": self.empty,
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
    """Import each item in order, yielding the results of a group of files once the group
    is on disk: one commit (one fsync) per GROUP_FILES files or GROUP_SECONDS, not one per
    response. Each response is still all or nothing (a savepoint of its own), and none is
    reported before its group's commit returned, so a file said to be imported survives a
    crash or a power cut; a file of a group that was lost is simply imported again.

    A large batch is opened, checked and sealed by worker processes on every core
    (workers.py), in order, while this process writes; a small one here, as the workers'
    start would cost more than they win.

    A StoreError other than one file's own rejection (locked, damaged, disk full) ends the
    batch after the files before it in its group are committed and reported, unless SQLite
    undid the whole group (as it does when the disk is full): then none of the group is
    stored or reported, and the next run imports them.
    """
    with workers.prepared(items, hr_keys=hr_keys, catalog=catalog, store=store, now=now) as pending:
        yield from _in_groups(pending, hr_keys=hr_keys, catalog=catalog, store=store, now=now)


def _in_groups(
    pending: Iterator[tuple[Item, Ready]],
    *,
    hr_keys: Mapping[str, HRKey],
    catalog: Catalog,
    store: Store,
    now: datetime,
) -> Iterator[FileResult]:
    while True:
        results: list[FileResult] = []
        failure: StoreError | None = None
        pages = summaries.NewPages()
        try:
            with store.group():
                started = time.monotonic()
                for item, ready in pending:
                    try:
                        result = store_ready(
                            item,
                            ready,
                            hr_keys=hr_keys,
                            catalog=catalog,
                            store=store,
                            now=now,
                            pages=pages,
                        )
                    except StoreError as e:
                        failure = e  # that file's savepoint is undone; the group's are kept
                        break
                    results.append(result)
                    if len(results) >= GROUP_FILES or time.monotonic() - started >= GROUP_SECONDS:
                        break
                # The group's summaries as one page, committed with them. If this fails
                # the group is kept without one: its responses are listed from their own.
                if not store.group_lost():
                    try:
                        pages.store(store, hr_keys)
                    except StoreError as e:
                        failure = failure or e
        except StoreError:
            if failure is not None:  # SQLite undid the whole group: say what caused it
                raise failure from None
            raise
        yield from results
        if failure is not None:
            raise failure
        if not results:
            return


def open_item(
    item: Item,
    *,
    hr_keys: Mapping[str, HRKey],
    catalog: Catalog,
    now: datetime,
    find_link: LinkFinder = lambda _: None,
) -> OpenedResponse:
    """Open and check one input file as `import` does, without storing it: what the
    testkit's vectors are run through."""
    if item.problem is not None:
        raise item.problem
    data = extract.extract_item(item)
    return open_response(data, hr_keys=hr_keys, catalog=catalog, now=now, find_link=find_link)


def import_item(
    item: Item,
    *,
    hr_keys: Mapping[str, HRKey],
    catalog: Catalog,
    store: Store,
    now: datetime,
    pages: summaries.NewPages | None = None,
) -> FileResult:
    """Import one item: prepare it, then keep it. `pages` gathers the summary of a response
    stored, for its group's page (import_items); without it the response has none yet,
    and the first reading command seals one."""
    ready = preparing.prepare_here(item, hr_keys=hr_keys, catalog=catalog, store=store, now=now)
    return store_ready(
        item, ready, hr_keys=hr_keys, catalog=catalog, store=store, now=now, pages=pages
    )


def store_ready(
    item: Item,
    ready: Ready,
    *,
    hr_keys: Mapping[str, HRKey],
    catalog: Catalog,
    store: Store,
    now: datetime,
    pages: summaries.NewPages | None,
) -> FileResult:
    """Store one prepared item. An item prepared by a worker, which sees the store as last
    committed, is prepared again here first if what it saw has changed since: a bound
    file's invitation (an earlier answer from the same link was stored since), or a file
    found stored that is stored no more."""
    prepared, seen = ready
    if _changed_since(prepared, seen, store):
        prepared, _ = preparing.prepare_here(
            item, hr_keys=hr_keys, catalog=catalog, store=store, now=now
        )
    if isinstance(prepared, preparing.Rejected):
        result = _rejected_for(item.path, prepared)
    elif isinstance(prepared, preparing.Known):
        result = FileResult(
            item.path, "duplicate", receipt=prepared.receipt, invited=prepared.invited
        )
    else:
        employer = catalog.employer
        result = _attempt(
            item,
            lambda: store_prepared(
                item,
                prepared,
                store,
                now,
                employer.followup,
                employer.retention_months,
                pages=pages,
            ),
        )
    return result if item.message is None else replace(result, message=item.message)


def _changed_since(
    prepared: Prepared | preparing.Known | preparing.Rejected,
    seen: preparing.Seen | None,
    store: Store,
) -> bool:
    if isinstance(prepared, preparing.Known):
        return store.file_with_enc(prepared.enc_digest) != prepared.file_digest
    if seen is None:
        return False
    row = store.invitation_by_link(seen.link_id)
    return (row.record if row is not None else None) != seen.record


def store_prepared(
    item: Item,
    prepared: Prepared,
    store: Store,
    now: datetime,
    rules: FollowupRules,
    retention_months: int,
    *,
    pages: summaries.NewPages | None = None,
) -> FileResult:
    """Keep a prepared response in one transaction; its summary goes to `pages` when it
    was stored."""
    again = store.response(prepared.response_id)
    if again is not None and again.file_digest == prepared.file_digest:
        # This very file is here already: say so before any rule about what may follow.
        return FileResult(
            item.path, "duplicate", receipt=prepared.receipt, invited=prepared.invited
        )
    if prepared.refusal is not None:
        raise prepared.refusal
    if prepared.empty:
        return FileResult(item.path, "empty", receipt=prepared.receipt, two_parts=True)
    assert prepared.summary is not None, "a response kept has its summary"
    received = clock.utc_day(now)
    delete_by = clock.add_months(received, retention_months).isoformat()
    outcome = store.save(
        StoredResponse(
            response_id=prepared.response_id,
            key_id=prepared.key_id,
            received_at=clock.iso(now),
            delete_by=delete_by,
            receipt=prepared.receipt,
            file_digest=prepared.file_digest,
            enc_digest=prepared.enc_digest,
            record=prepared.sealed_record,
            summary=b"",  # the record carries it
            superseded=prepared.superseded,
        ),
        special=prepared.special,
        supersedes=prepared.supersedes,
        invitation=prepared.invitation,
    )
    if outcome == "imported" and pages is not None:
        pages.add(prepared.key_id, prepared.response_id, prepared.summary)
    acknowledge_by = None
    if outcome == "imported" and prepared.special:
        acknowledge_by = rules.acknowledge_due(received).isoformat()
    return FileResult(
        item.path,
        outcome,
        receipt=prepared.receipt,
        response_id=prepared.response_id,
        invited=prepared.invited,
        anonymous=prepared.anonymous,
        superseded=len(prepared.supersedes) if outcome == "imported" else 0,
        older=prepared.superseded,
        acknowledge_by=acknowledge_by,
        wording_differs=prepared.wording_differs,
        two_parts=prepared.parts > 1,
    )


_T = TypeVar("_T")


def _attempt(item: Item, work: Callable[[], _T]) -> _T | FileResult:
    """`work()`, or the rejection that its error means for this file."""
    try:
        return work()
    except (ConflictError, ReplayError, DeletedError) as e:
        return _rejected(item.path, e)
    except StoreError:
        raise
    except SluttsamtaleError as e:
        return _rejected(item.path, e)
    except Exception as e:  # noqa: BLE001 - one odd file must not end a batch of hundreds
        return _unexpected(item.path, type(e).__name__)


def _rejected_for(path: Path, rejected: preparing.Rejected) -> FileResult:
    """The result of a file that was not prepared; a StoreError (the store could not be
    read) ends the batch instead, as it would for any file."""
    error = rejected.error
    if error is None:
        return _unexpected(path, rejected.unexpected or "error")
    if isinstance(error, StoreError) and not isinstance(
        error, (ConflictError, ReplayError, DeletedError)
    ):
        raise error
    return _rejected(path, error)


def _unexpected(path: Path, name: str) -> FileResult:
    return FileResult(
        path,
        "rejected",
        kind="error",
        reason=tr("unexpected {error} while reading it; please report this", error=name),
    )


def _rejected(path: Path, error: SluttsamtaleError) -> FileResult:
    return FileResult(path, "rejected", kind=error.kind, reason=str(error))
